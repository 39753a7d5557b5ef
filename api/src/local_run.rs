//! `moat run`: one playbook run on an in-memory database.

use crate::catalog;
use crate::cli::RunArgs;
use crate::ingest;
use crate::local_services::LocalServices;
use crate::state::AppState;
use crate::store::{SecretKey, Store};
use crate::worker;
use anyhow::{Context, bail};
use moat_runtime::RunRequest;
use moat_runtime::manifest::{MANIFEST_FILE, Manifest};
use moat_runtime::model::Trigger;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::Notify;

/// Runs the playbook and prints the result; `Ok(false)` when the run failed.
pub async fn run(args: RunArgs) -> anyhow::Result<bool> {
    let store = Store::connect_with_key("sqlite::memory:", SecretKey::generate()).await?;
    for (name, value) in parse_secrets(&args.secrets)? {
        store.put_secret(&name, &value).await?;
    }

    // An absolute path has a parent folder even for a bare `moat.toml`.
    let manifest_path = std::path::absolute(&args.manifest)
        .with_context(|| format!("invalid manifest path {}", args.manifest.display()))?;
    let manifest_dir = manifest_path.parent().unwrap_or(Path::new("/"));
    let runtime = crate::project::build::project_runtime(manifest_dir)?;
    for connector in connector_manifests(&manifest_path, &args.connectors)? {
        catalog::load(&runtime, Some(&store), &connector).await?;
    }
    let playbook = catalog::load(&runtime, Some(&store), &manifest_path).await?;
    let state = AppState {
        store: store.clone(),
        runtime: runtime.clone(),
        run_queued: Arc::new(Notify::new()),
    };

    let trigger = read_trigger(&state, &args).await?;
    let request = RunRequest {
        run_id: "local".to_owned(),
        playbook: playbook.manifest.name.clone(),
        trigger,
        services: Arc::new(LocalServices::printing(store)),
    };
    let report = runtime.run_playbook(request).await;
    print_result(&report)
}

/// Splits each `--secret NAME=VALUE` argument. The error does not repeat
/// an argument without `=`, because it may be a value typed without its
/// name.
pub fn parse_secrets(pairs: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    let mut secrets = Vec::new();
    for (index, pair) in pairs.iter().enumerate() {
        let (name, value) = pair.split_once('=').with_context(|| {
            format!(
                "--secret number {} has no `=`; pass it as NAME=VALUE",
                index + 1
            )
        })?;
        if name.is_empty() {
            bail!(
                "--secret number {} has an empty NAME; pass it as NAME=VALUE",
                index + 1
            );
        }
        secrets.push((name.to_owned(), value.to_owned()));
    }
    Ok(secrets)
}

/// Returns `extra` followed by the manifests of the connectors that the
/// playbook at `manifest_path` is granted and that sit in sibling folders
/// named after them.
pub(crate) fn connector_manifests(
    manifest_path: &Path,
    extra: &[PathBuf],
) -> anyhow::Result<Vec<PathBuf>> {
    let manifest = Manifest::from_file(manifest_path)?;
    let mut found = extra.to_vec();
    let manifest_path = std::path::absolute(manifest_path)?;
    let folder = manifest_path
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("/"));
    for name in &manifest.grants.connectors {
        let sibling = folder.join(name).join(MANIFEST_FILE);
        if sibling.is_file() && !found.contains(&sibling) {
            found.push(sibling);
        }
    }
    Ok(found)
}

async fn read_trigger(state: &AppState, args: &RunArgs) -> anyhow::Result<Trigger> {
    let body = std::fs::read(&args.input)
        .with_context(|| format!("failed to read --input {}", args.input.display()))?;
    if args.manual {
        let text = String::from_utf8(body).context("--input must be UTF-8 JSON with --manual")?;
        serde_json::from_str::<serde_json::Value>(&text)
            .with_context(|| format!("--input {} is not valid JSON", args.input.display()))?;
        return Ok(Trigger::Manual(text));
    }

    let label = format!("--input {}", args.input.display());
    alert_trigger(state, &body, &label).await
}

/// Stores the first alert record of `body` as an alert would be ingested,
/// and returns it as a run trigger. `label` names the body's origin in
/// errors, such as `--input alert.json`.
pub(crate) async fn alert_trigger(
    state: &AppState,
    body: &[u8],
    label: &str,
) -> anyhow::Result<Trigger> {
    let report = ingest::ingest(state, body)
        .await
        .map_err(|error| anyhow::anyhow!("{label}: {error}"))?;
    let Some(first) = report.alerts.first() else {
        bail!("{label} contains no alert record");
    };
    if first.runs.is_empty() {
        tracing::warn!(
            reason = first
                .not_triggered_reason
                .as_deref()
                .unwrap_or("no trigger matches"),
            "the first record would not start this playbook on a server; running it anyway"
        );
    }
    if report.alerts.len() > 1 {
        tracing::info!(
            records = report.alerts.len(),
            input = label,
            "only the first alert record is run"
        );
    }
    let alert = worker::alert_view(state, &first.id)
        .await
        .map_err(anyhow::Error::msg)?;
    Ok(Trigger::Alert(alert))
}

#[expect(
    clippy::print_stdout,
    reason = "the run result is the command's output"
)]
fn print_result(report: &moat_runtime::RunReport) -> anyhow::Result<bool> {
    let body = match &report.result {
        Ok(output) => {
            serde_json::json!({ "ok": true, "summary": output.summary, "data": output.data, "duration_ms": report.duration.as_millis() as u64 })
        }
        Err(failure) => {
            serde_json::json!({ "ok": false, "error": { "kind": failure.kind, "message": failure.message }, "duration_ms": report.duration.as_millis() as u64 })
        }
    };
    println!("{}", serde_json::to_string_pretty(&body)?);
    Ok(report.result.is_ok())
}
