//! The guest components of `playbooks-src`, built once per test process.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Target triple of every crate in `playbooks-src`.
const WASM_TARGET: &str = "wasm32-wasip2";

/// Returns the root of the main cargo workspace.
pub fn workspace_root() -> PathBuf {
    let tests_crate = Path::new(env!("CARGO_MANIFEST_DIR"));
    tests_crate
        .parent()
        .expect("the tests crate sits inside the workspace root")
        .to_owned()
}

/// Returns the `playbooks-src` workspace folder.
pub fn playbooks_src() -> PathBuf {
    workspace_root().join("playbooks-src")
}

/// Returns the target folder of the `playbooks-src` build.
pub fn playbooks_target_dir() -> PathBuf {
    playbooks_src().join("target")
}

/// Returns the path of the release build of component `name`, such as
/// `capability-probe` or `capability_probe`, after building the
/// `playbooks-src` workspace once in this process.
///
/// Panics with the build output when the build fails, and when the build
/// produced no such component.
pub fn wasm_path(name: &str) -> PathBuf {
    ensure_built();
    let file = format!("{}.wasm", name.replace('-', "_"));
    let path = playbooks_target_dir()
        .join(WASM_TARGET)
        .join("release")
        .join(file);
    assert!(
        path.is_file(),
        "component `{name}` was not built: {} is missing; is its crate a member of playbooks-src/Cargo.toml?",
        path.display()
    );
    path
}

/// Returns the bytes of the release build of component `name`; see
/// [`wasm_path`].
pub fn wasm_bytes(name: &str) -> Vec<u8> {
    let path = wasm_path(name);
    std::fs::read(&path)
        .unwrap_or_else(|error| panic!("failed to read {}: {error}", path.display()))
}

/// Builds `playbooks-src` in release mode the first time it is called in
/// this process. Later calls return at once, or panic again if the first
/// build failed.
fn ensure_built() {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    if let Err(message) = BUILT.get_or_init(build_playbooks) {
        panic!("{message}");
    }
}

/// Runs `cargo build --release` in `playbooks-src`, holding an exclusive
/// lock file so that parallel test binaries build one at a time and none
/// reads a `.wasm` file that another is writing.
fn build_playbooks() -> Result<(), String> {
    let target_dir = playbooks_target_dir();
    std::fs::create_dir_all(&target_dir)
        .map_err(|error| format!("failed to create {}: {error}", target_dir.display()))?;
    let lock_path = target_dir.join("moat-tests-build.lock");
    let lock_file = File::create(&lock_path)
        .map_err(|error| format!("failed to create {}: {error}", lock_path.display()))?;
    lock_file
        .lock()
        .map_err(|error| format!("failed to lock {}: {error}", lock_path.display()))?;

    // `cargo test` runs this binary with `CARGO` set to the cargo that built
    // it; the same cargo builds the guests.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(playbooks_src())
        .args([
            "build",
            "--release",
            "--target",
            WASM_TARGET,
            "--target-dir",
        ])
        .arg(&target_dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .output()
        .map_err(|error| format!("failed to start cargo to build playbooks-src: {error}"))?;
    // The lock is released when `lock_file` is dropped at the end of scope.

    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "`cargo build --release` in {} failed with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        playbooks_src().display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    ))
}
