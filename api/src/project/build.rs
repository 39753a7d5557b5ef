//! `moat build`: one project folder to a component that passes the
//! runtime's registration checks.

use super::home::MoatHome;
use super::{Language, build_js, build_python, build_rust};
use crate::catalog;
use crate::cli::BuildArgs;
use anyhow::{Context, bail};
use moat_runtime::manifest::{ComponentKind, MANIFEST_FILE, Manifest};
use moat_runtime::registry::{LoadedComponent, RegisterError};
use moat_runtime::{Runtime, RuntimeConfig};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A built and registered project component.
#[derive(Debug)]
pub struct Built {
    pub manifest_path: PathBuf,
    pub language: Language,
    pub wasm_path: PathBuf,
    pub size_bytes: u64,
    /// Time the language's build tools took.
    pub build_time: Duration,
    /// The component, registered in the runtime passed to [`build`].
    pub component: Arc<LoadedComponent>,
}

/// Builds the project and prints what was built. Returns `Ok(true)` on
/// success.
pub async fn run(args: BuildArgs) -> anyhow::Result<bool> {
    let home = MoatHome::resolve(args.home.moat_home.as_deref())?;
    let runtime = project_runtime(&args.dir)?;
    let built = build(&args.dir, &home, &runtime).await?;
    print_built(&built);
    Ok(true)
}

/// Returns a runtime whose compile cache is `dir/target/moat-cache`, so
/// that a component compiled once is not compiled again by the next
/// command or by a second registration in the same command.
pub fn project_runtime(dir: &Path) -> anyhow::Result<Runtime> {
    // wasmtime requires an absolute cache path.
    let dir = std::path::absolute(dir)?;
    let config = RuntimeConfig {
        cache_dir: Some(dir.join("target").join("moat-cache")),
        ..RuntimeConfig::default()
    };
    Runtime::new(config)
}

/// Builds the project in `dir` with the tools of its language, then
/// registers the component in `runtime`. Registration checks it against
/// the world that the manifest's `kind` names.
pub async fn build(dir: &Path, home: &MoatHome, runtime: &Runtime) -> anyhow::Result<Built> {
    let manifest_path = dir.join(MANIFEST_FILE);
    if !manifest_path.is_file() {
        bail!(
            "{} has no {MANIFEST_FILE}; pass the folder of a project, such as one created by `moat new`",
            dir.display()
        );
    }
    let manifest = Manifest::from_file(&manifest_path)
        .with_context(|| format!("failed to load {}", manifest_path.display()))?;
    let language = Language::detect(dir)?;
    let wasm_path = manifest.component_path(&manifest_path);

    let started = Instant::now();
    build_with_tools(dir, home, language, &manifest, &wasm_path)?;
    let build_time = started.elapsed();

    let component = register(runtime, &manifest_path, &manifest, &wasm_path).await?;
    let size_bytes = std::fs::metadata(&wasm_path)?.len();
    Ok(Built {
        manifest_path,
        language,
        wasm_path,
        size_bytes,
        build_time,
        component,
    })
}

fn build_with_tools(
    dir: &Path,
    home: &MoatHome,
    language: Language,
    manifest: &Manifest,
    output: &Path,
) -> anyhow::Result<()> {
    // The tools run in other folders, so relative paths would break.
    let dir = &std::path::absolute(dir)?;
    let output = &std::path::absolute(output)?;
    if let Some(folder) = output.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("failed to create {}", folder.display()))?;
    }
    tracing::info!(project = %dir.display(), language = language.as_str(), kind = manifest.kind.as_str(), "building");
    match language {
        Language::Rust => {
            let built = build_rust::build_crate(dir, None, &dir.join("Cargo.toml"))?;
            std::fs::copy(&built, output).with_context(|| {
                format!("failed to copy {} to {}", built.display(), output.display())
            })?;
            Ok(())
        }
        Language::Python => build_python::build(dir, home, manifest.kind, output),
        Language::Js => build_js::build(dir, home, manifest.kind, output),
    }
}

async fn register(
    runtime: &Runtime,
    manifest_path: &Path,
    manifest: &Manifest,
    wasm_path: &Path,
) -> anyhow::Result<Arc<LoadedComponent>> {
    catalog::load(runtime, None, manifest_path)
        .await
        .map_err(|error| {
            let context = if is_wrong_world(&error) {
                format!(
                    "{} says kind = \"{}\", but {} does not export the {}; set `kind` to the world the code exports",
                    manifest_path.display(),
                    manifest.kind.as_str(),
                    wasm_path.display(),
                    world_name(manifest.kind),
                )
            } else {
                format!("{} was built, but Moat rejects it", wasm_path.display())
            };
            error.context(context)
        })
}

fn is_wrong_world(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<RegisterError>(),
            Some(RegisterError::WrongWorld { .. })
        )
    })
}

/// Returns the WIT world that components of `kind` export.
pub fn world_name(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Playbook => "moat:platform/playbook world (`run`)",
        ComponentKind::Connector => "moat:platform/connector world (`describe` and `invoke`)",
    }
}

/// Prints one line with the component's path, size, build time and world.
#[expect(
    clippy::print_stdout,
    reason = "the build report is the command's output"
)]
pub fn print_built(built: &Built) {
    let manifest = &built.component.manifest;
    println!(
        "built {} {} ({}) to {}: {} bytes ({:.1} MB) in {:.1} s; it matches the {}",
        manifest.kind.as_str(),
        manifest.name,
        built.language.as_str(),
        built.wasm_path.display(),
        built.size_bytes,
        built.size_bytes as f64 / 1_000_000.0,
        built.build_time.as_secs_f64(),
        world_name(manifest.kind),
    );
}
