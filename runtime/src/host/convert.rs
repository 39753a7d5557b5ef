//! Conversions between WIT types and the domain types in [`crate::model`].

use crate::bindings::moat::platform::cases as wit_cases;
use crate::bindings::moat::platform::intel as wit_intel;
use crate::bindings::moat::platform::types as wit;
use crate::model::{
    AlertView, CaseInfo, CaseRequest, CaseStatus, Indicator, Observable, ObservableKind, Severity,
    Trigger, Verdict,
};

pub fn severity_to_wit(severity: Severity) -> wit::Severity {
    match severity {
        Severity::Info => wit::Severity::Info,
        Severity::Low => wit::Severity::Low,
        Severity::Medium => wit::Severity::Medium,
        Severity::High => wit::Severity::High,
        Severity::Critical => wit::Severity::Critical,
    }
}

pub fn severity_from_wit(severity: wit::Severity) -> Severity {
    match severity {
        wit::Severity::Info => Severity::Info,
        wit::Severity::Low => Severity::Low,
        wit::Severity::Medium => Severity::Medium,
        wit::Severity::High => Severity::High,
        wit::Severity::Critical => Severity::Critical,
    }
}

pub fn kind_to_wit(kind: ObservableKind) -> wit::ObservableKind {
    match kind {
        ObservableKind::Ipv4 => wit::ObservableKind::Ipv4,
        ObservableKind::Ipv6 => wit::ObservableKind::Ipv6,
        ObservableKind::Domain => wit::ObservableKind::Domain,
        ObservableKind::Url => wit::ObservableKind::Url,
        ObservableKind::Md5 => wit::ObservableKind::Md5,
        ObservableKind::Sha1 => wit::ObservableKind::Sha1,
        ObservableKind::Sha256 => wit::ObservableKind::Sha256,
        ObservableKind::Email => wit::ObservableKind::Email,
        ObservableKind::Hostname => wit::ObservableKind::Hostname,
        ObservableKind::User => wit::ObservableKind::User,
        ObservableKind::FileName => wit::ObservableKind::FileName,
    }
}

pub fn kind_from_wit(kind: wit::ObservableKind) -> ObservableKind {
    match kind {
        wit::ObservableKind::Ipv4 => ObservableKind::Ipv4,
        wit::ObservableKind::Ipv6 => ObservableKind::Ipv6,
        wit::ObservableKind::Domain => ObservableKind::Domain,
        wit::ObservableKind::Url => ObservableKind::Url,
        wit::ObservableKind::Md5 => ObservableKind::Md5,
        wit::ObservableKind::Sha1 => ObservableKind::Sha1,
        wit::ObservableKind::Sha256 => ObservableKind::Sha256,
        wit::ObservableKind::Email => ObservableKind::Email,
        wit::ObservableKind::Hostname => ObservableKind::Hostname,
        wit::ObservableKind::User => ObservableKind::User,
        wit::ObservableKind::FileName => ObservableKind::FileName,
    }
}

pub fn observable_to_wit(observable: &Observable) -> wit::Observable {
    wit::Observable {
        kind: kind_to_wit(observable.kind),
        value: observable.value.clone(),
    }
}

pub fn observable_from_wit(observable: wit::Observable) -> Observable {
    Observable {
        kind: kind_from_wit(observable.kind),
        value: observable.value,
    }
}

pub fn verdict_to_wit(verdict: Verdict) -> wit::Verdict {
    match verdict {
        Verdict::Unknown => wit::Verdict::Unknown,
        Verdict::Benign => wit::Verdict::Benign,
        Verdict::Suspicious => wit::Verdict::Suspicious,
        Verdict::Malicious => wit::Verdict::Malicious,
    }
}

pub fn verdict_from_wit(verdict: wit::Verdict) -> Verdict {
    match verdict {
        wit::Verdict::Unknown => Verdict::Unknown,
        wit::Verdict::Benign => Verdict::Benign,
        wit::Verdict::Suspicious => Verdict::Suspicious,
        wit::Verdict::Malicious => Verdict::Malicious,
    }
}

pub fn status_to_wit(status: CaseStatus) -> wit_cases::CaseStatus {
    match status {
        CaseStatus::Open => wit_cases::CaseStatus::Open,
        CaseStatus::InProgress => wit_cases::CaseStatus::InProgress,
        CaseStatus::Closed => wit_cases::CaseStatus::Closed,
    }
}

pub fn status_from_wit(status: wit_cases::CaseStatus) -> CaseStatus {
    match status {
        wit_cases::CaseStatus::Open => CaseStatus::Open,
        wit_cases::CaseStatus::InProgress => CaseStatus::InProgress,
        wit_cases::CaseStatus::Closed => CaseStatus::Closed,
    }
}

pub fn case_to_wit(case: CaseInfo) -> wit_cases::CaseInfo {
    wit_cases::CaseInfo {
        id: case.id,
        title: case.title,
        severity: severity_to_wit(case.severity),
        status: status_to_wit(case.status),
        dedup_key: case.dedup_key,
        observables: case.observables.iter().map(observable_to_wit).collect(),
        alert_count: case.alert_count,
        created: case.created,
    }
}

pub fn case_request_from_wit(request: wit_cases::CaseRequest) -> CaseRequest {
    CaseRequest {
        dedup_key: request.dedup_key,
        title: request.title,
        severity: severity_from_wit(request.severity),
        observables: request
            .observables
            .into_iter()
            .map(observable_from_wit)
            .collect(),
        alert_id: request.alert_id,
    }
}

pub fn indicator_to_wit(indicator: Indicator) -> wit_intel::Indicator {
    wit_intel::Indicator {
        value: observable_to_wit(&indicator.value),
        verdict: verdict_to_wit(indicator.verdict),
        source: indicator.source,
        description: indicator.description,
    }
}

pub fn indicator_from_wit(indicator: wit_intel::Indicator) -> Indicator {
    Indicator {
        value: observable_from_wit(indicator.value),
        verdict: verdict_from_wit(indicator.verdict),
        source: indicator.source,
        description: indicator.description,
    }
}

pub fn alert_to_wit(alert: &AlertView) -> wit::Alert {
    wit::Alert {
        id: alert.id.clone(),
        source: alert.source.clone(),
        title: alert.title.clone(),
        severity: severity_to_wit(alert.severity),
        occurred_at: alert.occurred_at.clone(),
        dedup_key: alert.dedup_key.clone(),
        observables: alert.observables.iter().map(observable_to_wit).collect(),
        raw: alert.raw.clone(),
    }
}

pub fn trigger_to_wit(trigger: &Trigger) -> wit::Trigger {
    match trigger {
        Trigger::Alert(alert) => wit::Trigger::Alert(alert_to_wit(alert)),
        Trigger::Manual(input) => wit::Trigger::Manual(input.clone()),
    }
}
