//! Python and JavaScript components, built by `scripts/build-python.sh` and
//! `scripts/build-js.sh` once per test process.

use crate::components::{playbooks_target_dir, workspace_root};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// Returns the bytes of the Python component `name`, such as
/// `phishing-triage`, running `scripts/build-python.sh` the first time it
/// is called in this process.
///
/// Panics with the script's output when the build fails.
pub fn python_component(name: &str) -> Vec<u8> {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    if let Err(message) = BUILT.get_or_init(|| run_script("scripts/build-python.sh")) {
        panic!("{message}");
    }
    read_component("python", name)
}

/// Returns the bytes of the JavaScript component `name`, such as
/// `contain-host`, running `scripts/build-js.sh` the first time it is
/// called in this process.
///
/// Panics with the script's output when the build fails.
pub fn js_component(name: &str) -> Vec<u8> {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    if let Err(message) = BUILT.get_or_init(|| run_script("scripts/build-js.sh")) {
        panic!("{message}");
    }
    read_component("js", name)
}

/// Returns the path `playbooks-src/target/<language>/<name>.wasm`, with
/// dashes in `name` turned into underscores.
pub fn script_component_path(language: &str, name: &str) -> PathBuf {
    playbooks_target_dir()
        .join(language)
        .join(format!("{}.wasm", name.replace('-', "_")))
}

fn read_component(language: &str, name: &str) -> Vec<u8> {
    let path = script_component_path(language, name);
    std::fs::read(&path).unwrap_or_else(|error| {
        panic!(
            "failed to read {} after its build script ran: {error}",
            path.display()
        )
    })
}

fn run_script(relative: &str) -> Result<(), String> {
    let script = workspace_root().join(relative);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(&script)
        .env("CARGO", cargo)
        .output()
        .map_err(|error| format!("failed to start {}: {error}", script.display()))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "{} failed with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        script.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    ))
}
