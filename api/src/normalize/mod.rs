//! Alert normalisers: splitting request bodies into records and turning
//! Suricata, Wazuh, Elastic, Sigma-matched Windows and other JSON alerts into
//! one [`NormalizedAlert`] shape.

mod collect;
mod depth;
mod elastic;
mod fields;
mod generic;
pub mod observable;
mod sigma;
mod split;
mod suricata;
mod timestamp;
mod wazuh;

#[cfg(test)]
mod fixture_tests;

use moat_runtime::model::{ObservableKind, Severity};
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

pub use depth::MAX_DEPTH;
pub use observable::{canonical_observable, detect_and_normalize, normalize_observable};
pub use split::{RawRecord, RecordError, split_records};

/// An observable found in an alert, kept even when its value is invalid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtractedObservable {
    pub kind: ObservableKind,
    /// Canonical value when valid, the original text when invalid.
    pub value: String,
    /// Dotted JSON path of the field it came from, such as `data.srcuser`.
    pub field: String,
    pub valid: bool,
    /// Reason the value is invalid.
    pub error: Option<String>,
}

/// An alert from any supported source in one shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NormalizedAlert {
    /// One of `suricata`, `wazuh`, `elastic`, `sigma` or `generic`.
    pub source: String,
    pub title: String,
    pub severity: Severity,
    /// RFC 3339 in UTC, or the receive time when the record has no
    /// parseable time.
    pub occurred_at: String,
    pub dedup_key: String,
    /// The source tool's own id of the alert, used to spot duplicates.
    pub source_ref: Option<String>,
    /// Observables deduplicated by kind and canonical value.
    pub observables: Vec<ExtractedObservable>,
    /// False for records that are not alerts, such as Suricata flow events.
    pub triggerable: bool,
    pub not_triggered_reason: Option<String>,
}

/// Detects the source format of `value` and normalises it.
///
/// Formats are tried in this order: Suricata EVE, Wazuh 4 alert, Elastic
/// ECS alert (including Wazuh 5 findings), Windows event for Sigma, and a
/// generic fallback that accepts any object.
pub fn normalize(value: &Value, received_at: OffsetDateTime) -> NormalizedAlert {
    let alert = if suricata::matches(value) {
        suricata::normalize(value, received_at)
    } else if wazuh::matches(value) {
        wazuh::normalize(value, received_at)
    } else if elastic::matches(value) {
        elastic::normalize(value, received_at)
    } else if sigma::matches(value) {
        sigma::normalize(value, received_at)
    } else {
        generic::normalize(value, received_at)
    };

    tracing::debug!(
        source = %alert.source,
        dedup_key = %alert.dedup_key,
        observables = alert.observables.len(),
        "alert normalised"
    );
    alert
}

/// Returns the part of a dedup key, or `-` when the part is missing.
fn key_part(part: Option<&str>) -> &str {
    part.unwrap_or("-")
}
