//! The run summary and the case note.

use crate::enrich::{Finding, ObservableResult};
use moat_sdk::prelude::*;

/// Builds the one-line run summary, such as
/// `malicious: 203.0.113.5 flagged by threat-intel-http (score 92)`.
pub fn summary(verdict: Verdict, results: &[ObservableResult]) -> String {
    if let Some((result, finding)) = worst_finding(results)
        && verdict >= Verdict::Suspicious
    {
        return format!(
            "{verdict}: {} flagged by {}{}",
            result.observable.value,
            finding.source,
            score_text(finding)
        );
    }

    let failed = results
        .iter()
        .filter(|result| !result.errors.is_empty())
        .count();
    let mut line = format!(
        "{verdict}: {} observables checked, none flagged",
        results.len()
    );
    if failed > 0 {
        line.push_str(&format!(", enrichment failed for {failed}"));
    }
    line
}

/// Markdown note stating the verdict and the finding behind each result.
pub fn note(verdict: Verdict, severity: Severity, results: &[ObservableResult]) -> String {
    let mut note = format!("**Verdict: {verdict}** (case severity {severity})\n\n");
    if results.is_empty() {
        note.push_str("The alert has no address, domain, URL or hash to enrich.\n");
        return note;
    }

    for result in results {
        write_result(&mut note, result);
    }
    note
}

fn write_result(note: &mut String, result: &ObservableResult) {
    let observable = &result.observable;
    note.push_str(&format!(
        "- `{}` `{}`: {}",
        observable.kind, observable.value, result.verdict
    ));
    for finding in &result.findings {
        note.push_str(&format!(
            "; {} says {}{}",
            finding.source,
            finding.verdict,
            score_text(finding)
        ));
        if !finding.detail.is_empty() {
            note.push_str(&format!(" ({})", finding.detail));
        }
    }
    for error in &result.errors {
        note.push_str(&format!("; enrichment failed: {error}"));
    }
    note.push('\n');
}

/// Returns the finding with the worst verdict, the highest score breaking
/// ties, together with its observable.
fn worst_finding(results: &[ObservableResult]) -> Option<(&ObservableResult, &Finding)> {
    results
        .iter()
        .flat_map(|result| result.findings.iter().map(move |finding| (result, finding)))
        .max_by_key(|(_, finding)| (finding.verdict, finding.score))
}

fn score_text(finding: &Finding) -> String {
    match finding.score {
        Some(score) => format!(" (score {score})"),
        None => String::new(),
    }
}
