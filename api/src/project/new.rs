//! `moat new`: a project folder from the templates of a language and kind.

use super::Language;
use super::home::MoatHome;
use super::templates::{self, Values};
use crate::cli::NewArgs;
use anyhow::{Context, bail};
use moat_runtime::manifest::{ComponentKind, ManifestError, validate_name};
use std::path::Path;

/// Creates the project folder `args.name` in the current folder and prints
/// the files it wrote.
pub fn run(args: NewArgs) -> anyhow::Result<bool> {
    check_name(&args.name)?;
    let kind = if args.connector {
        ComponentKind::Connector
    } else {
        ComponentKind::Playbook
    };
    let dir = Path::new(&args.name);
    check_free(dir)?;
    let values = Values {
        name: args.name.clone(),
        moat_sdk_path: sdk_path(args.lang, args.home.moat_home.as_deref())?,
    };

    let files = templates::render(args.lang, kind, &values);
    for (path, text) in &files {
        write_file(&dir.join(path), text)?;
    }
    print_created(&args.name, args.lang, kind, &files);
    Ok(true)
}

/// Checks `name` with the rule of manifest names, because it becomes the
/// component's name.
fn check_name(name: &str) -> anyhow::Result<()> {
    match validate_name("project name", name) {
        Ok(()) => Ok(()),
        Err(ManifestError::Invalid(message)) => bail!("{message}"),
        Err(error) => Err(error.into()),
    }
}

/// Fails unless `dir` is absent or an empty folder.
fn check_free(dir: &Path) -> anyhow::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        bail!(
            "{} exists and is not a folder; choose another name",
            dir.display()
        );
    }
    let mut entries =
        std::fs::read_dir(dir).with_context(|| format!("failed to read {}", dir.display()))?;
    if entries.next().is_some() {
        bail!(
            "folder {} already exists and is not empty; choose another name or remove it",
            dir.display()
        );
    }
    Ok(())
}

/// Returns the quoted path of the Rust SDK, on which a Rust project
/// depends by absolute path. Returns `None` for the other languages.
fn sdk_path(language: Language, moat_home: Option<&Path>) -> anyhow::Result<Option<String>> {
    if language != Language::Rust {
        return Ok(None);
    }
    let home = MoatHome::resolve(moat_home)?;
    let manifest = home.require("sdk/Cargo.toml", "a Rust project")?;
    let sdk = manifest.parent().unwrap_or(&manifest);
    let Some(text) = sdk.to_str() else {
        bail!(
            "the SDK path {} is not valid UTF-8, so Cargo.toml cannot name it",
            sdk.display()
        );
    };
    Ok(Some(templates::toml_string(text)))
}

fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("failed to create {}", folder.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("failed to write {}", path.display()))
}

#[expect(
    clippy::print_stdout,
    reason = "the list of created files is the command's output"
)]
fn print_created(name: &str, language: Language, kind: ComponentKind, files: &[(&str, String)]) {
    println!("created {} {} {name}:", language.as_str(), kind.as_str());
    for (path, _) in files {
        println!("  {name}/{path}");
    }
    println!("next: moat test {name}");
}
