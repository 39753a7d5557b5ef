//! Rust projects: `cargo build --release --target wasm32-wasip2`.

use super::tools;
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Target triple of every Moat component built by cargo.
pub const WASM_TARGET: &str = "wasm32-wasip2";

/// How to install Rust when cargo or rustc is missing.
const INSTALL_RUST: &str = "rustup (https://rustup.rs), then `rustup target add wasm32-wasip2`";

/// Builds the crate whose manifest is `crate_manifest`, from the cargo
/// workspace in `workspace_dir`, and returns the path of its `.wasm` file
/// in cargo's target folder. `package` selects a member of a workspace.
pub fn build_crate(
    workspace_dir: &Path,
    package: Option<&str>,
    crate_manifest: &Path,
) -> anyhow::Result<PathBuf> {
    check_wasm_target(workspace_dir)?;
    let mut command = Command::new(tools::cargo());
    command.current_dir(workspace_dir).args([
        "build",
        "--release",
        "--target",
        WASM_TARGET,
        "--message-format=json-render-diagnostics",
    ]);
    if let Some(package) = package {
        command.args(["--package", package]);
    }
    // Flags meant for the host, such as those `cargo test` passes on, would
    // break a wasm32-wasip2 build, so they are dropped, as build-python.sh
    // does.
    command
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET");
    let messages = tools::stdout_of(&mut command, INSTALL_RUST)?;
    find_wasm_artifact(&messages, crate_manifest)
}

/// Checks that the Rust standard library for wasm32-wasip2 is installed
/// in the toolchain that cargo uses in `dir`.
fn check_wasm_target(dir: &Path) -> anyhow::Result<()> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let mut command = Command::new(rustc);
    command.current_dir(dir).args(["--print", "sysroot"]);
    let sysroot = tools::stdout_of(&mut command, INSTALL_RUST)?;
    let target_lib = Path::new(sysroot.trim())
        .join("lib/rustlib")
        .join(WASM_TARGET);
    if !target_lib.is_dir() {
        bail!(
            "the Rust target {WASM_TARGET} is not installed in the toolchain at {}; install it with `rustup target add {WASM_TARGET}`",
            sysroot.trim()
        );
    }
    Ok(())
}

/// Returns the `.wasm` file of the `compiler-artifact` message that cargo
/// printed for the crate at `crate_manifest`.
fn find_wasm_artifact(messages: &str, crate_manifest: &Path) -> anyhow::Result<PathBuf> {
    let expected_manifest = crate_manifest
        .canonicalize()
        .with_context(|| format!("failed to resolve {}", crate_manifest.display()))?;
    for line in messages.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let manifest = message["manifest_path"].as_str().map(Path::new);
        if manifest
            .and_then(|path| path.canonicalize().ok())
            .as_deref()
            != Some(&expected_manifest)
        {
            continue;
        }
        let files = message["filenames"].as_array().into_iter().flatten();
        if let Some(wasm) = files
            .filter_map(|file| file.as_str())
            .find(|file| file.ends_with(".wasm"))
        {
            return Ok(PathBuf::from(wasm));
        }
    }
    bail!(
        "cargo built no .wasm file for {}; its Cargo.toml needs `[lib] crate-type = [\"cdylib\"]`",
        crate_manifest.display()
    )
}
