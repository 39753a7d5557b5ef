//! Alerts and the run trigger.

use crate::{Error, Observable, ObservableKind};
use serde::de::DeserializeOwned;

pub use crate::bindings::moat::platform::types::{Alert, Trigger};

impl Alert {
    /// Parses the raw record, exactly as the detecting tool sent it.
    pub fn raw_json(&self) -> Result<serde_json::Value, Error> {
        crate::json::from_json("the raw alert", &self.raw)
    }

    /// Returns the observables of `kind`, in alert order.
    pub fn observables_of(&self, kind: ObservableKind) -> impl Iterator<Item = &Observable> {
        self.observables
            .iter()
            .filter(move |observable| observable.kind == kind)
    }

    /// Returns the observables whose kind is in `kinds`, in alert order.
    pub fn observables_of_any<'a>(
        &'a self,
        kinds: &'a [ObservableKind],
    ) -> impl Iterator<Item = &'a Observable> {
        self.observables
            .iter()
            .filter(move |observable| kinds.contains(&observable.kind))
    }
}

impl Trigger {
    /// Returns the alert when an alert started the run.
    pub fn alert(&self) -> Option<&Alert> {
        match self {
            Trigger::Alert(alert) => Some(alert),
            Trigger::Manual(_) => None,
        }
    }

    /// Returns the alert, or an `invalid` error for a manual run.
    pub fn require_alert(&self) -> Result<&Alert, Error> {
        self.alert().ok_or_else(|| {
            Error::invalid("this playbook runs on alerts, but it was started manually")
        })
    }

    /// Parses the input of a manual run; an alert trigger is `invalid`.
    pub fn manual_input<T: DeserializeOwned>(&self) -> Result<T, Error> {
        match self {
            Trigger::Manual(input) => crate::json::from_json("the manual run input", input),
            Trigger::Alert(_) => Err(Error::invalid(
                "this playbook runs manually with JSON input, but an alert started it",
            )),
        }
    }
}
