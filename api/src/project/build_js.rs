//! JavaScript projects: `sdk-js/build.mjs` bundles `app.js` with the SDK
//! and builds it with componentize-js.

use super::home::MoatHome;
use super::tools;
use anyhow::{Context, bail};
use moat_runtime::manifest::ComponentKind;
use std::path::Path;
use std::process::Command;

/// Oldest Node.js major version componentize-js supports.
const MIN_NODE_MAJOR: u32 = 20;
/// How to install Node.js and npm.
const INSTALL_NODE: &str =
    "Node.js 20 or later with npm (https://nodejs.org, or on Debian `apt-get install nodejs npm`)";

/// Builds the JavaScript project in `dir` for the world of `kind` and
/// writes the component to `output`. `build.mjs` runs `npm ci` in the SDK
/// folder the first time, to install its pinned tools.
pub fn build(
    dir: &Path,
    home: &MoatHome,
    kind: ComponentKind,
    output: &Path,
) -> anyhow::Result<()> {
    check_node()?;
    let script = home.require("sdk-js/build.mjs", "building a JavaScript component")?;
    let partial = output.with_extension("wasm.partial");
    let mut command = Command::new("node");
    command
        .arg(&script)
        .arg("--entry")
        .arg(dir.join("app.js"))
        .arg("--world")
        .arg(format!("moat:platform/{}@0.1.0", kind.as_str()))
        .arg("--out")
        .arg(&partial);
    tools::run(&mut command, INSTALL_NODE)?;
    std::fs::rename(&partial, output).with_context(|| {
        format!(
            "failed to move {} to {}",
            partial.display(),
            output.display()
        )
    })
}

fn check_node() -> anyhow::Result<()> {
    let Some(version) = tools::probe("node", &["--version"]) else {
        bail!("node is not on PATH; install {INSTALL_NODE}");
    };
    let major = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|major| major.parse::<u32>().ok());
    if major.is_none_or(|major| major < MIN_NODE_MAJOR) {
        bail!("node {version} is too old for componentize-js; install {INSTALL_NODE}");
    }
    if tools::probe("npm", &["--version"]).is_none() {
        bail!(
            "npm is not on PATH; build.mjs needs it to install its tools; install {INSTALL_NODE}"
        );
    }
    Ok(())
}
