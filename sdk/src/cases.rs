//! Cases: the unit of work an analyst handles.
//!
//! Reading needs `cases = "read"` or `"write"` in the manifest's `[grants]`;
//! every change needs `"write"`.

use crate::bindings::moat::platform::cases as host;
use crate::{Alert, Error, Observable, Severity};

pub use host::{CaseInfo, CaseRequest, CaseStatus};

impl CaseRequest {
    /// Builds a request with no observables and no linked alert.
    pub fn new(dedup_key: impl Into<String>, title: impl Into<String>, severity: Severity) -> Self {
        CaseRequest {
            dedup_key: dedup_key.into(),
            title: title.into(),
            severity,
            observables: Vec::new(),
            alert_id: None,
        }
    }

    /// Builds a request from `alert`: its dedup key, title, severity and
    /// observables, with the alert linked.
    pub fn from_alert(alert: &Alert) -> Self {
        CaseRequest {
            dedup_key: alert.dedup_key.clone(),
            title: alert.title.clone(),
            severity: alert.severity,
            observables: alert.observables.clone(),
            alert_id: Some(alert.id.clone()),
        }
    }

    pub fn with_dedup_key(mut self, dedup_key: impl Into<String>) -> Self {
        self.dedup_key = dedup_key.into();
        self
    }

    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Adds `observables`, skipping ones already in the request.
    pub fn with_observables(mut self, observables: impl IntoIterator<Item = Observable>) -> Self {
        for observable in observables {
            if !self.observables.contains(&observable) {
                self.observables.push(observable);
            }
        }
        self
    }

    /// Links the alert with id `alert_id`.
    pub fn with_alert(mut self, alert_id: impl Into<String>) -> Self {
        self.alert_id = Some(alert_id.into());
        self
    }
}

/// Opens a case, or updates the open case with the same dedup key.
///
/// An update adds new observables, links the alert and raises the severity
/// if the request's is higher. It never lowers it.
pub fn open_or_update(request: &CaseRequest) -> Result<CaseInfo, Error> {
    host::open_or_update(request)
}

/// Returns the case with `id`, or `not-found`.
pub fn get(id: &str) -> Result<CaseInfo, Error> {
    host::get(id)
}

/// Returns the open cases that contain `observable`, newest first, at most 20.
pub fn find_open_by_observable(observable: &Observable) -> Result<Vec<CaseInfo>, Error> {
    host::find_open_by_observable(observable)
}

/// Appends a Markdown note of at most 64 KiB to case `case_id`.
pub fn add_note(case_id: &str, body: &str) -> Result<(), Error> {
    host::add_note(case_id, body)
}

/// Sets the severity of case `case_id`, up or down.
pub fn set_severity(case_id: &str, severity: Severity) -> Result<(), Error> {
    host::set_severity(case_id, severity)
}

pub fn set_status(case_id: &str, status: CaseStatus) -> Result<(), Error> {
    host::set_status(case_id, status)
}
