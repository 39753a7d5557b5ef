//! `moat serve` and `moat worker`.

use crate::catalog;
use crate::cli::{ServeArgs, WorkerArgs};
use crate::routes;
use crate::state::AppState;
use crate::store::Store;
use crate::worker;
use anyhow::Context;
use moat_runtime::{Runtime, RuntimeConfig};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::Notify;

/// Runs the API and workers until Ctrl-C.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let state = start(
        &args.database.database_url,
        args.cache_dir,
        args.playbooks.as_deref(),
    )
    .await?;
    worker::spawn_workers(
        state.clone(),
        args.workers,
        &format!("serve-{}", std::process::id()),
    );

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| {
            format!(
                "failed to listen on {}; pass another address with --listen",
                args.listen
            )
        })?;
    tracing::info!(address = %listener.local_addr()?, database = state.store.backend_name(), "moat listening");
    axum::serve(listener, routes::app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("moat stopped");
    Ok(())
}

/// Runs workers only, until Ctrl-C.
pub async fn worker(args: WorkerArgs) -> anyhow::Result<()> {
    let state = start(
        &args.database.database_url,
        args.cache_dir,
        args.playbooks.as_deref(),
    )
    .await?;
    worker::spawn_workers(
        state,
        args.workers,
        &format!("worker-{}", std::process::id()),
    );
    shutdown_signal().await;
    Ok(())
}

/// Opens the database, creates the runtime and loads the playbooks.
pub async fn start(
    database_url: &str,
    cache_dir: Option<PathBuf>,
    playbooks: Option<&Path>,
) -> anyhow::Result<AppState> {
    let store = Store::connect(database_url)
        .await
        .context("failed to open the database")?;
    let cache_dir = cache_dir.unwrap_or_else(|| default_cache_dir(database_url));
    // wasmtime's cache accepts only absolute folders.
    let cache_dir = std::path::absolute(&cache_dir)
        .with_context(|| format!("failed to resolve the cache folder {}", cache_dir.display()))?;
    start_with_store(store, cache_dir, playbooks).await
}

/// Creates the runtime with its compile cache in `cache_dir` and loads the
/// playbooks, on an open store.
pub async fn start_with_store(
    store: Store,
    cache_dir: PathBuf,
    playbooks: Option<&Path>,
) -> anyhow::Result<AppState> {
    let config = RuntimeConfig {
        cache_dir: Some(cache_dir),
        ..RuntimeConfig::default()
    };
    let runtime = Runtime::new(config)?;
    let stored = catalog::load_stored(&runtime, &store).await?;
    tracing::info!(count = stored, "stored components loaded");
    if let Some(dir) = playbooks {
        let loaded = catalog::load_dir(&runtime, Some(&store), dir).await?;
        tracing::info!(count = loaded.len(), dir = %dir.display(), "playbooks loaded");
    }
    Ok(AppState {
        store,
        runtime,
        run_queued: Arc::new(Notify::new()),
    })
}

fn default_cache_dir(database_url: &str) -> PathBuf {
    let file = database_url.strip_prefix("sqlite://").map(Path::new);
    match file.and_then(Path::parent) {
        Some(parent) if !parent.as_os_str().is_empty() => parent.join("moat-cache"),
        _ => PathBuf::from("moat-cache"),
    }
}

async fn shutdown_signal() {
    if let Err(error) = tokio::signal::ctrl_c().await {
        tracing::error!(error = %error, "failed to wait for Ctrl-C");
    }
}
