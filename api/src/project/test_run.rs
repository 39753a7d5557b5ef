//! `moat test`: builds a project, then runs each of its test cases through
//! the runtime, on a fresh in-memory database per case.

use super::build::{self, Built};
use super::home::MoatHome;
use super::json_subset::{first_difference, show};
use super::test_case::{self, CaseTrigger, Expectation, PlaybookExpect, TestCase};
use crate::catalog;
use crate::cli::TestArgs;
use crate::local_run;
use crate::local_services::LocalServices;
use crate::state::AppState;
use crate::store::{SecretKey, Store};
use anyhow::bail;
use moat_runtime::error::RunFailure;
use moat_runtime::execute::RunOutput;
use moat_runtime::manifest::ComponentKind;
use moat_runtime::model::Trigger;
use moat_runtime::{ConnectorRequest, RunRequest, Runtime};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// Run id of every test run, in the execution log.
const RUN_ID: &str = "test";

/// What the cases call: a playbook, or a connector's actions.
enum Subject {
    Playbook { name: String },
    Connector { name: String },
}

/// Result of one case. `Err` contains the first difference from the
/// expectation.
struct CaseReport {
    result: Result<(), String>,
    /// The execution log of the run, one JSON line per event.
    events: Vec<String>,
}

/// Builds the project and runs its cases. Returns `Ok(false)` when a case
/// failed.
pub async fn run(args: TestArgs) -> anyhow::Result<bool> {
    let home = MoatHome::resolve(args.home.moat_home.as_deref())?;
    let runtime = build::project_runtime(&args.dir)?;
    let built = build::build(&args.dir, &home, &runtime).await?;
    build::print_built(&built);

    let files = test_case::find(&args.dir)?;
    if files.is_empty() {
        bail!(
            "{} contains no *.json test case; add one as described in the project's README.md",
            args.dir.join("tests").display()
        );
    }
    let subject = subject(&runtime, &built).await?;
    let kind = built.component.manifest.kind;
    let secrets = local_run::parse_secrets(&args.secrets)?;

    let mut failed = 0;
    for path in &files {
        let started = Instant::now();
        let report = run_file(&subject, kind, &runtime, &secrets, path).await;
        failed += usize::from(report.result.is_err());
        print_report(&args.dir, path, &report, started.elapsed());
    }
    print_totals(files.len() - failed, failed);
    Ok(failed == 0)
}

async fn subject(runtime: &Runtime, built: &Built) -> anyhow::Result<Subject> {
    let manifest = &built.component.manifest;
    match manifest.kind {
        ComponentKind::Playbook => {
            for connector in local_run::connector_manifests(&built.manifest_path, &[])? {
                catalog::load(runtime, None, &connector).await?;
            }
            Ok(Subject::Playbook {
                name: manifest.name.clone(),
            })
        }
        ComponentKind::Connector => Ok(Subject::Connector {
            name: manifest.name.clone(),
        }),
    }
}

async fn run_file(
    subject: &Subject,
    kind: ComponentKind,
    runtime: &Runtime,
    secrets: &[(String, String)],
    path: &Path,
) -> CaseReport {
    let case = match test_case::load(path, kind) {
        Ok(case) => case,
        Err(error) => {
            return CaseReport {
                result: Err(format!("{error:#}")),
                events: Vec::new(),
            };
        }
    };
    let store = match Store::connect_with_key("sqlite::memory:", SecretKey::generate()).await {
        Ok(store) => store,
        Err(error) => {
            return CaseReport {
                result: Err(format!("failed to open the in-memory database: {error:#}")),
                events: Vec::new(),
            };
        }
    };
    for (name, value) in secrets {
        if let Err(error) = store.put_secret(name, value).await {
            return CaseReport {
                result: Err(format!("failed to store secret `{name}`: {error:#}")),
                events: Vec::new(),
            };
        }
    }
    let services = Arc::new(LocalServices::recording(store.clone()));
    let result = run_case(subject, runtime, case, &store, services.clone(), path).await;
    CaseReport {
        result,
        events: services.take_events(),
    }
}

async fn run_case(
    subject: &Subject,
    runtime: &Runtime,
    case: TestCase,
    store: &Store,
    services: Arc<LocalServices>,
    path: &Path,
) -> Result<(), String> {
    match (subject, case) {
        (Subject::Playbook { name, .. }, TestCase::Playbook { trigger, expect }) => {
            let state = AppState {
                store: store.clone(),
                runtime: runtime.clone(),
                run_queued: Arc::new(Notify::new()),
            };
            let trigger = case_trigger(&state, trigger, path).await?;
            let request = RunRequest {
                run_id: RUN_ID.to_owned(),
                playbook: name.clone(),
                trigger,
                services,
            };
            let report = runtime.run_playbook(request).await;
            check_playbook(&expect, &report.result)
        }
        (
            Subject::Connector { name },
            TestCase::Connector {
                action,
                input,
                expect,
            },
        ) => {
            let request = ConnectorRequest {
                run_id: RUN_ID.to_owned(),
                connector: name.clone(),
                action,
                input: input.to_string(),
                services,
            };
            check_connector(&expect, runtime.invoke_connector(request).await)
        }
        _ => Err("the case does not match the component's kind".to_owned()),
    }
}

async fn case_trigger(
    state: &AppState,
    trigger: CaseTrigger,
    path: &Path,
) -> Result<Trigger, String> {
    match trigger {
        CaseTrigger::Manual(input) => Ok(Trigger::Manual(input.to_string())),
        CaseTrigger::Alert(record) => {
            let label = format!("`alert` of {}", path.display());
            local_run::alert_trigger(state, record.to_string().as_bytes(), &label)
                .await
                .map_err(|error| format!("{error:#}"))
        }
    }
}

fn check_playbook(
    expect: &Expectation<PlaybookExpect>,
    result: &Result<RunOutput, RunFailure>,
) -> Result<(), String> {
    match (expect, result) {
        (Expectation::Output(expected), Ok(output)) => check_run_output(expected, output),
        (Expectation::Output(_), Err(failure)) => Err(format!(
            "expected an output, but the run failed with `{}`: {}",
            failure.kind, failure.message
        )),
        (Expectation::Error(kind), Ok(output)) => Err(format!(
            "expected error `{kind}`, but the run succeeded with summary {:?}",
            output.summary
        )),
        (Expectation::Error(kind), Err(failure)) => check_error_kind(kind, failure),
    }
}

fn check_run_output(expected: &PlaybookExpect, output: &RunOutput) -> Result<(), String> {
    if let Some(summary) = &expected.summary
        && summary != &output.summary
    {
        return Err(format!(
            "summary: expected {summary:?}, got {:?}",
            output.summary
        ));
    }
    match &expected.data {
        Some(data) => first_difference(data, &output.data, "data").map_or(Ok(()), Err),
        None => Ok(()),
    }
}

fn check_connector(
    expect: &Expectation<Value>,
    result: Result<String, RunFailure>,
) -> Result<(), String> {
    match (expect, result) {
        (Expectation::Output(expected), Ok(text)) => {
            let output: Value = serde_json::from_str(&text).map_err(|error| {
                format!("the action returned text that is not JSON ({error}): {text}")
            })?;
            first_difference(expected, &output, "output").map_or(Ok(()), Err)
        }
        (Expectation::Output(_), Err(failure)) => Err(format!(
            "expected an output, but the action failed with `{}`: {}",
            failure.kind, failure.message
        )),
        (Expectation::Error(kind), Ok(text)) => Err(format!(
            "expected error `{kind}`, but the action returned {}",
            serde_json::from_str::<Value>(&text).map_or(text.clone(), |output| show(&output))
        )),
        (Expectation::Error(kind), Err(failure)) => check_error_kind(kind, &failure),
    }
}

fn check_error_kind(expected: &str, failure: &RunFailure) -> Result<(), String> {
    if failure.kind == expected {
        return Ok(());
    }
    Err(format!(
        "expected error `{expected}`, got `{}`: {}",
        failure.kind, failure.message
    ))
}

#[expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "case results are the command's output; a failed case's execution log goes to stderr"
)]
fn print_report(dir: &Path, path: &Path, report: &CaseReport, elapsed: Duration) {
    let relative = path.strip_prefix(dir).unwrap_or(path).display();
    let millis = elapsed.as_millis();
    match &report.result {
        Ok(()) => println!("passed {relative} ({millis} ms)"),
        Err(difference) => {
            println!("failed {relative} ({millis} ms): {difference}");
            for event in &report.events {
                eprintln!("  {relative} | {event}");
            }
        }
    }
}

#[expect(clippy::print_stdout, reason = "the totals are the command's output")]
fn print_totals(passed: usize, failed: usize) {
    println!("{passed} passed, {failed} failed");
}
