//! Loading playbooks and connectors from a folder of manifests.

use crate::store::{NewComponent, Store, StoredComponent};
use anyhow::Context;
use moat_runtime::Runtime;
use moat_runtime::manifest::{MANIFEST_FILE, Manifest};
use moat_runtime::registry::LoadedComponent;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Finds `DIR/moat.toml` and `DIR/*/moat.toml`, sorted by path.
pub fn find_manifests(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let own = dir.join(MANIFEST_FILE);
    if own.is_file() {
        found.push(own);
    }
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("failed to read playbooks folder {}", dir.display()))?;
    for entry in entries {
        let candidate = entry?.path().join(MANIFEST_FILE);
        if candidate.is_file() {
            found.push(candidate);
        }
    }
    found.sort();
    Ok(found)
}

/// Reads a manifest and its component, registers it with the runtime and,
/// when `store` is given, records it there.
pub async fn load(
    runtime: &Runtime,
    store: Option<&Store>,
    manifest_path: &Path,
) -> anyhow::Result<Arc<LoadedComponent>> {
    let manifest = Manifest::from_file(manifest_path)
        .with_context(|| format!("failed to load {}", manifest_path.display()))?;
    let wasm_path = manifest.component_path(manifest_path);
    let wasm = std::fs::read(&wasm_path).with_context(|| {
        format!(
            "failed to read component {} named by {}; build it first with `moat build DIR` (the examples in playbooks-src: see playbooks-src/README.md)",
            wasm_path.display(),
            manifest_path.display()
        )
    })?;
    let manifest_text = std::fs::read_to_string(manifest_path)?;

    let register_runtime = runtime.clone();
    let register_wasm = wasm.clone();
    let loaded =
        tokio::task::spawn_blocking(move || register_runtime.register(manifest, &register_wasm))
            .await?
            .with_context(|| format!("failed to register {}", manifest_path.display()))?;

    if let Some(store) = store {
        let record = NewComponent {
            name: loaded.manifest.name.clone(),
            version: loaded.manifest.version.clone(),
            kind: loaded.manifest.kind.as_str().to_owned(),
            manifest: manifest_text,
            wasm,
            enabled: true,
        };
        store.put_component(record).await?;
    }
    Ok(loaded)
}

/// Loads every manifest in `dir`, connectors first so that playbooks can
/// find them.
pub async fn load_dir(
    runtime: &Runtime,
    store: Option<&Store>,
    dir: &Path,
) -> anyhow::Result<Vec<Arc<LoadedComponent>>> {
    let mut loaded = Vec::new();
    for path in find_manifests(dir)? {
        let component = load(runtime, store, &path).await?;
        tracing::info!(component = %component.manifest.name, kind = component.manifest.kind.as_str(), path = %path.display(), "component loaded");
        loaded.push(component);
    }
    Ok(loaded)
}

/// Registers the newest enabled version of every component stored in the
/// database, such as those uploaded through the API. A stored component
/// that no longer registers is logged and skipped, so that one bad upload
/// cannot keep the server from starting.
pub async fn load_stored(runtime: &Runtime, store: &Store) -> anyhow::Result<usize> {
    let names = store
        .list_components()
        .await?
        .into_iter()
        .filter(|meta| meta.enabled)
        .map(|meta| meta.name)
        .collect::<std::collections::BTreeSet<_>>();

    let mut loaded = 0;
    for name in names {
        let Some(stored) = store.get_component(&name).await? else {
            continue;
        };
        match register_stored(runtime, stored).await {
            Ok(()) => loaded += 1,
            Err(error) => {
                tracing::error!(component = %name, error = %format!("{error:#}"), "failed to register stored component")
            }
        }
    }
    Ok(loaded)
}

async fn register_stored(runtime: &Runtime, stored: StoredComponent) -> anyhow::Result<()> {
    let manifest = Manifest::parse(&stored.meta.manifest)?;
    let runtime = runtime.clone();
    tokio::task::spawn_blocking(move || runtime.register(manifest, &stored.wasm)).await??;
    Ok(())
}
