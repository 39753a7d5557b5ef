//! Triage of Suricata, Sigma and Elastic alerts.
//!
//! Each address, domain, URL and hash on the alert is checked in the local
//! indicator store and with the `threat-intel-http` connector. The worst
//! verdict decides the case severity, and a note on the case explains it.

mod enrich;
mod report;

use enrich::{ObservableResult, enrich};
use moat_sdk::prelude::*;

/// Observable kinds worth a reputation lookup.
const ENRICHED_KINDS: [ObservableKind; 7] = [
    ObservableKind::Ipv4,
    ObservableKind::Ipv6,
    ObservableKind::Domain,
    ObservableKind::Url,
    ObservableKind::Sha256,
    ObservableKind::Sha1,
    ObservableKind::Md5,
];
/// Most observables enriched per alert, so a noisy alert cannot use up the
/// run's deadline on lookups.
const MAX_ENRICHED: usize = 20;

struct IdsAlertTriage;

impl Playbook for IdsAlertTriage {
    fn run(trigger: Trigger) -> Result<RunOutput, Error> {
        let alert = trigger.require_alert()?;
        let results: Vec<ObservableResult> = alert
            .observables_of_any(&ENRICHED_KINDS)
            .take(MAX_ENRICHED)
            .map(enrich)
            .collect();

        let verdict = Verdict::worst(results.iter().map(|result| result.verdict));
        let severity = match verdict {
            Verdict::Malicious => alert.severity.at_least(Severity::High),
            _ => alert.severity,
        };

        let request = CaseRequest::from_alert(alert).with_severity(severity);
        let case = cases::open_or_update(&request)?;
        cases::add_note(&case.id, &report::note(verdict, severity, &results))?;

        let summary = report::summary(verdict, &results);
        moat_sdk::info!("alert {} on case {}: {summary}", alert.id, case.id);
        RunOutput::new(
            summary,
            &serde_json::json!({
                "verdict": verdict,
                "severity": severity,
                "case_id": case.id,
                "case_created": case.created,
                "observables": results,
            }),
        )
    }
}

moat_sdk::export_playbook!(IdsAlertTriage);
