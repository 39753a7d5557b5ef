//! Python projects: componentize-py builds `app.py` with `sdk-python`, then
//! `wasm-tools compose` plugs the socket-deny component into it.
//!
//! componentize-py 0.25 links a wasi-libc that imports wasi:sockets, which
//! Moat rejects. socket-deny (`playbooks-src/python/socket-deny` in the
//! Moat source folder) exports those interfaces and fails every call, so
//! the composed component imports no sockets. These are the steps of
//! `scripts/build-python.sh`, for one project folder.

use super::build_rust;
use super::home::MoatHome;
use super::tools;
use anyhow::{Context, bail};
use moat_runtime::manifest::ComponentKind;
use std::path::{Path, PathBuf};
use std::process::Command;

/// componentize-py version the SDK is written against, as in
/// `scripts/build-python.sh`.
const COMPONENTIZE_PY_VERSION: &str = "0.25.1";
/// wasm-tools version `scripts/build-python.sh` installs.
const WASM_TOOLS_VERSION: &str = "1.263.0";

/// Builds the Python project in `dir` for the world of `kind` and writes
/// the component to `output`. Intermediate files go to `dir/target/python`.
pub fn build(
    dir: &Path,
    home: &MoatHome,
    kind: ComponentKind,
    output: &Path,
) -> anyhow::Result<()> {
    check_componentize_py()?;
    check_wasm_tools()?;
    let work = dir.join("target").join("python");
    std::fs::create_dir_all(&work)
        .with_context(|| format!("failed to create {}", work.display()))?;

    let socket_deny = build_socket_deny(home, &work)?;
    let unplugged = work.join("component.unplugged.wasm");
    componentize(dir, home, kind, &unplugged)?;
    compose(&unplugged, &socket_deny, output)
}

fn check_componentize_py() -> anyhow::Result<()> {
    let expected = format!("componentize-py {COMPONENTIZE_PY_VERSION}");
    let found = tools::probe("componentize-py", &["--version"]);
    if found.as_deref() == Some(expected.as_str()) {
        return Ok(());
    }
    bail!(
        "componentize-py {COMPONENTIZE_PY_VERSION} is required, but {}; install it with `python3 -m pip install componentize-py=={COMPONENTIZE_PY_VERSION}` and make sure pip's script folder is on PATH",
        found.map_or("it is not on PATH".to_owned(), |version| format!(
            "`{version}` was found"
        ))
    )
}

fn check_wasm_tools() -> anyhow::Result<()> {
    if tools::probe("wasm-tools", &["--version"]).is_some() {
        return Ok(());
    }
    bail!(
        "wasm-tools is not on PATH; install it with `cargo install --locked wasm-tools --version {WASM_TOOLS_VERSION}`"
    )
}

/// Builds socket-deny in the Moat source folder's `playbooks-src`
/// workspace and copies it to `work/socket-deny.wasm`, because
/// `wasm-tools compose` names a definition after its file, which must be
/// kebab case.
fn build_socket_deny(home: &MoatHome, work: &Path) -> anyhow::Result<PathBuf> {
    let workspace = home.require("playbooks-src/Cargo.toml", "building a Python component")?;
    let crate_manifest = home.require(
        "playbooks-src/python/socket-deny/Cargo.toml",
        "building a Python component",
    )?;
    let workspace_dir = workspace.parent().unwrap_or(Path::new("."));
    let built = build_rust::build_crate(workspace_dir, Some("socket-deny"), &crate_manifest)?;
    let copy = work.join("socket-deny.wasm");
    std::fs::copy(&built, &copy)
        .with_context(|| format!("failed to copy {} to {}", built.display(), copy.display()))?;
    Ok(copy)
}

fn componentize(
    dir: &Path,
    home: &MoatHome,
    kind: ComponentKind,
    output: &Path,
) -> anyhow::Result<()> {
    let purpose = "building a Python component";
    let wit = home.require("wit", purpose)?;
    let python_wit = home.require("wit/python/python.wit", purpose)?;
    let sdk = home.require("sdk-python/moat_sdk", purpose)?;
    let python_wit_dir = python_wit.parent().unwrap_or(&wit);
    let sdk_dir = sdk.parent().unwrap_or(&sdk);

    let mut command = Command::new("componentize-py");
    command
        .current_dir(dir)
        .arg("--wit-path")
        .arg(&wit)
        .arg("--wit-path")
        .arg(python_wit_dir)
        .arg("--world")
        .arg(format!("moat:python/{}@0.1.0", kind.as_str()))
        .args(["componentize", "app", "--python-path", "."])
        .arg("--python-path")
        .arg(sdk_dir)
        .arg("--output")
        .arg(output);
    let install = format!("python3 -m pip install componentize-py=={COMPONENTIZE_PY_VERSION}");
    tools::run(&mut command, &install)
}

/// Plugs `socket_deny` into the wasi:sockets imports of `unplugged` and
/// writes the result to `output`, replacing it only when compose succeeds.
fn compose(unplugged: &Path, socket_deny: &Path, output: &Path) -> anyhow::Result<()> {
    let partial = output.with_extension("wasm.partial");
    let mut command = Command::new("wasm-tools");
    command
        .arg("compose")
        .arg(unplugged)
        .arg("--definitions")
        .arg(socket_deny)
        .arg("--output")
        .arg(&partial);
    let install = format!("cargo install --locked wasm-tools --version {WASM_TOOLS_VERSION}");
    tools::run_quiet(&mut command, &install)?;
    std::fs::rename(&partial, output).with_context(|| {
        format!(
            "failed to move {} to {}",
            partial.display(),
            output.display()
        )
    })
}
