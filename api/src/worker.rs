//! Workers: claim queued runs, execute them, keep their leases alive.

use crate::state::AppState;
use crate::store::{ClaimedRun, RunSuccess, TriggerKind};
use moat_runtime::RunRequest;
use moat_runtime::model::{AlertView, Trigger};
use std::sync::Arc;
use std::time::Duration;

/// Lease a worker takes on a run. The worker renews it every third of its
/// length, so the run of a crashed worker is back in the queue within it.
pub const LEASE: Duration = Duration::from_secs(30);
/// Maximum wait between queue polls when no wake-up arrives, which bounds
/// how late a run queued by another process is picked up.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// Starts `count` workers on the current runtime.
pub fn spawn_workers(
    state: AppState,
    count: usize,
    name_prefix: &str,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..count)
        .map(|index| {
            let worker_id = format!("{name_prefix}-{index}");
            tokio::spawn(work(state.clone(), worker_id))
        })
        .collect()
}

async fn work(state: AppState, worker_id: String) {
    tracing::info!(worker = %worker_id, "worker started");
    loop {
        let notified = state.run_queued.notified();
        match state.store.claim_run(&worker_id, LEASE).await {
            Ok(Some(run)) => execute(&state, &worker_id, run).await,
            Ok(None) => {
                let _ = tokio::time::timeout(POLL_INTERVAL, notified).await;
            }
            Err(error) => {
                tracing::error!(worker = %worker_id, error = %error, "failed to claim a run");
                tokio::time::sleep(POLL_INTERVAL).await;
            }
        }
    }
}

async fn execute(state: &AppState, worker_id: &str, run: ClaimedRun) {
    tracing::info!(worker = %worker_id, run_id = %run.id, playbook = %run.component, attempt = run.attempt, "run started");
    let renewal = tokio::spawn(renew(state.clone(), run.id.clone(), worker_id.to_owned()));

    let outcome = match trigger_of(state, &run).await {
        Ok(trigger) => {
            let request = RunRequest {
                run_id: run.id.clone(),
                playbook: run.component.clone(),
                trigger,
                services: Arc::new(state.store.clone()),
            };
            let report = state.runtime.run_playbook(request).await;
            report
                .result
                .map(|output| RunSuccess {
                    summary: Some(output.summary),
                    output: output.data,
                })
                .map_err(|failure| failure.to_string())
        }
        Err(message) => Err(message),
    };
    renewal.abort();

    let ok = outcome.is_ok();
    match state.store.finish_run(&run.id, worker_id, outcome).await {
        Ok(true) => tracing::info!(run_id = %run.id, ok, "run finished"),
        Ok(false) => {
            tracing::warn!(run_id = %run.id, "run finished after its lease was lost; result dropped")
        }
        Err(error) => {
            tracing::error!(run_id = %run.id, error = %error, "failed to store run result")
        }
    }
}

async fn renew(state: AppState, run_id: String, worker_id: String) {
    loop {
        tokio::time::sleep(LEASE / 3).await;
        match state.store.renew_lease(&run_id, &worker_id, LEASE).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(run_id = %run_id, "lease lost");
                return;
            }
            Err(error) => {
                tracing::error!(run_id = %run_id, error = %error, "failed to renew lease")
            }
        }
    }
}

async fn trigger_of(state: &AppState, run: &ClaimedRun) -> Result<Trigger, String> {
    if run.trigger_kind == TriggerKind::Manual {
        return Ok(Trigger::Manual(run.input.to_string()));
    }
    let alert_id = run
        .alert_id
        .as_deref()
        .ok_or("alert run without an alert id")?;
    alert_view(state, alert_id).await.map(Trigger::Alert)
}

/// Loads a stored alert in the shape a playbook receives.
pub async fn alert_view(state: &AppState, alert_id: &str) -> Result<AlertView, String> {
    let load_error =
        |error: crate::store::StoreError| format!("failed to load alert `{alert_id}`: {error}");
    let alert = state
        .store
        .get_alert(alert_id)
        .await
        .map_err(load_error)?
        .ok_or_else(|| format!("alert `{alert_id}` not found"))?;
    let observables = state
        .store
        .alert_observables(alert_id)
        .await
        .map_err(load_error)?;
    Ok(AlertView {
        id: alert.id,
        source: alert.source,
        title: alert.title,
        severity: alert.severity,
        occurred_at: crate::routes::rfc3339(alert.occurred_at_ms),
        dedup_key: alert.dedup_key,
        observables: observables
            .into_iter()
            .filter(|o| o.valid)
            .map(|o| moat_runtime::model::Observable {
                kind: o.kind,
                value: o.value,
            })
            .collect(),
        raw: String::from_utf8_lossy(&alert.raw).into_owned(),
    })
}
