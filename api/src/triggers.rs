//! Matching of stored alerts against playbook triggers.

use crate::normalize::NormalizedAlert;
use moat_runtime::manifest::TriggerFilter;

/// Returns true when `alert` satisfies every field that `filter` sets.
pub fn matches(filter: &TriggerFilter, alert: &NormalizedAlert) -> bool {
    let source_ok = filter.sources.is_empty()
        || filter
            .sources
            .iter()
            .any(|source| source.eq_ignore_ascii_case(&alert.source));
    let severity_ok = filter.min_severity.is_none_or(|min| alert.severity >= min);
    let title_ok = filter
        .title_contains
        .as_ref()
        .is_none_or(|needle| alert.title.to_lowercase().contains(&needle.to_lowercase()));
    let observable_ok = filter
        .has_observable
        .is_none_or(|kind| alert.observables.iter().any(|o| o.valid && o.kind == kind));
    source_ok && severity_ok && title_ok && observable_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_runtime::model::{ObservableKind, Severity};

    fn alert() -> NormalizedAlert {
        NormalizedAlert {
            source: "wazuh".to_owned(),
            title: "sshd: authentication failed.".to_owned(),
            severity: Severity::Medium,
            occurred_at: "2026-01-01T00:00:00Z".to_owned(),
            dedup_key: "k".to_owned(),
            source_ref: None,
            observables: vec![],
            triggerable: true,
            not_triggered_reason: None,
        }
    }

    #[test]
    fn empty_filter_matches_any_alert() {
        assert!(matches(&TriggerFilter::default(), &alert()));
    }

    #[test]
    fn each_field_must_match() {
        let source = TriggerFilter {
            sources: vec!["suricata".to_owned()],
            ..Default::default()
        };
        let severity = TriggerFilter {
            min_severity: Some(Severity::High),
            ..Default::default()
        };
        let title = TriggerFilter {
            title_contains: Some("SSHD".to_owned()),
            ..Default::default()
        };
        let observable = TriggerFilter {
            has_observable: Some(ObservableKind::Ipv4),
            ..Default::default()
        };
        assert!(!matches(&source, &alert()));
        assert!(!matches(&severity, &alert()));
        assert!(matches(&title, &alert()));
        assert!(!matches(&observable, &alert()));
    }
}
