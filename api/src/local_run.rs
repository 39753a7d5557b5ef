//! `moat run`: one playbook run on an in-memory database.

use crate::catalog;
use crate::cli::RunArgs;
use crate::ingest;
use crate::state::AppState;
use crate::store::{SecretKey, Store};
use crate::worker;
use anyhow::{Context, bail};
use async_trait::async_trait;
use moat_runtime::events::RunEvent;
use moat_runtime::manifest::{MANIFEST_FILE, Manifest};
use moat_runtime::model::{
    Actor, CaseInfo, CaseRequest, CaseStatus, Indicator, Observable, Severity, Trigger,
};
use moat_runtime::services::{HostServices, ServiceError};
use moat_runtime::{RunRequest, Runtime, RuntimeConfig};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::Notify;

/// Runs the playbook and prints the result; `Ok(false)` when the run failed.
pub async fn run(args: RunArgs) -> anyhow::Result<bool> {
    let store = Store::connect_with_key("sqlite::memory:", SecretKey::generate()).await?;
    for pair in &args.secrets {
        let (name, value) = pair.split_once('=').with_context(|| {
            format!(
                "--secret `{}` must be NAME=VALUE",
                pair.split('=').next().unwrap_or("")
            )
        })?;
        store.put_secret(name, value).await?;
    }

    let runtime = Runtime::new(RuntimeConfig::default())?;
    for connector in connector_manifests(&args)? {
        catalog::load(&runtime, Some(&store), &connector).await?;
    }
    let playbook = catalog::load(&runtime, Some(&store), &args.manifest).await?;
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
        services: Arc::new(PrintingServices { store }),
    };
    let report = runtime.run_playbook(request).await;
    print_result(&report)
}

fn connector_manifests(args: &RunArgs) -> anyhow::Result<Vec<PathBuf>> {
    let manifest = Manifest::from_file(&args.manifest)?;
    let mut found = args.connectors.clone();
    let folder = args
        .manifest
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("."));
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

    let report = ingest::ingest(state, &body)
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    let Some(first) = report.alerts.first() else {
        bail!("--input {} contains no alert record", args.input.display());
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
            "only the first record of --input is run"
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

/// The in-memory store, with every event also printed to stderr.
#[derive(Debug)]
struct PrintingServices {
    store: Store,
}

#[async_trait]
impl HostServices for PrintingServices {
    async fn open_or_update_case(
        &self,
        actor: &Actor,
        request: CaseRequest,
    ) -> Result<CaseInfo, ServiceError> {
        HostServices::open_or_update_case(&self.store, actor, request).await
    }
    async fn get_case(&self, id: &str) -> Result<CaseInfo, ServiceError> {
        HostServices::get_case(&self.store, id).await
    }
    async fn find_open_cases_by_observable(
        &self,
        value: &Observable,
        limit: u32,
    ) -> Result<Vec<CaseInfo>, ServiceError> {
        HostServices::find_open_cases_by_observable(&self.store, value, limit).await
    }
    async fn add_case_note(
        &self,
        actor: &Actor,
        case_id: &str,
        body: &str,
    ) -> Result<(), ServiceError> {
        HostServices::add_case_note(&self.store, actor, case_id, body).await
    }
    async fn set_case_severity(
        &self,
        actor: &Actor,
        case_id: &str,
        severity: Severity,
    ) -> Result<(), ServiceError> {
        HostServices::set_case_severity(&self.store, actor, case_id, severity).await
    }
    async fn set_case_status(
        &self,
        actor: &Actor,
        case_id: &str,
        status: CaseStatus,
    ) -> Result<(), ServiceError> {
        HostServices::set_case_status(&self.store, actor, case_id, status).await
    }
    async fn lookup_indicators(&self, value: &Observable) -> Result<Vec<Indicator>, ServiceError> {
        HostServices::lookup_indicators(&self.store, value).await
    }
    async fn add_indicator(&self, actor: &Actor, indicator: Indicator) -> Result<(), ServiceError> {
        HostServices::add_indicator(&self.store, actor, indicator).await
    }
    async fn secret_value(&self, name: &str) -> Result<Option<String>, ServiceError> {
        HostServices::secret_value(&self.store, name).await
    }
    async fn state_get(&self, component: &str, key: &str) -> Result<Option<Vec<u8>>, ServiceError> {
        HostServices::state_get(&self.store, component, key).await
    }
    async fn state_set(
        &self,
        component: &str,
        key: &str,
        value: &[u8],
    ) -> Result<(), ServiceError> {
        HostServices::state_set(&self.store, component, key, value).await
    }
    async fn state_delete(&self, component: &str, key: &str) -> Result<(), ServiceError> {
        HostServices::state_delete(&self.store, component, key).await
    }

    #[expect(
        clippy::print_stderr,
        reason = "`moat run` prints the execution log on stderr"
    )]
    async fn record_event(
        &self,
        run_id: &str,
        seq: u64,
        event: &RunEvent,
    ) -> Result<(), ServiceError> {
        eprintln!("{}", serde_json::json!({ "seq": seq, "event": event }));
        let _ = run_id;
        Ok(())
    }
}
