//! The {{name}} playbook: opens or updates the case of each alert, with the
//! alert's observables, and notes on the case what it saw.

use moat_sdk::prelude::*;
use serde_json::json;

/// The crate name, which `moat new` also made the component name.
const NAME: &str = env!("CARGO_PKG_NAME");

struct OpenCase;

impl Playbook for OpenCase {
    fn run(trigger: Trigger) -> Result<RunOutput, Error> {
        let alert = trigger.require_alert()?;
        let case = cases::open_or_update(&CaseRequest::from_alert(alert))?;
        cases::add_note(&case.id, &note(alert))?;
        moat_sdk::info!("alert {} is on case {}", alert.id, case.id);

        let data = json!({
            "case_id": case.id,
            "case_created": case.created,
            "alert_id": alert.id,
            "observables": alert.observables,
        });
        RunOutput::new(summary(alert, case.created), &data)
    }
}

/// Returns the one-line summary of the run.
fn summary(alert: &Alert, created: bool) -> String {
    let verb = if created { "Opened" } else { "Updated" };
    let count = alert.observables.len();
    let noun = if count == 1 {
        "observable"
    } else {
        "observables"
    };
    format!("{verb} a case for \"{}\" ({count} {noun})", alert.title)
}

/// Returns the Markdown note that lists the alert's observables.
fn note(alert: &Alert) -> String {
    let mut note = format!(
        "The {NAME} playbook saw alert `{}` from {} (severity {}).\n\n",
        alert.title, alert.source, alert.severity
    );
    if alert.observables.is_empty() {
        note.push_str("It carries no observables.\n");
    }
    for observable in &alert.observables {
        note.push_str(&format!("- {} `{}`\n", observable.kind, observable.value));
    }
    note
}

moat_sdk::export_playbook!(OpenCase);
