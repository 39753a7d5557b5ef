//! Enrichment of one observable from the local store and the connector.

use moat_sdk::prelude::*;
use serde::{Deserialize, Serialize};

/// Connector that looks observables up on a reputation service.
pub const CONNECTOR: &str = "threat-intel-http";

/// One source's opinion of an observable.
#[derive(Debug, Serialize)]
pub struct Finding {
    /// `threat-intel-http`, or `intel:<source>` for the local store.
    pub source: String,
    pub verdict: Verdict,
    pub score: Option<u8>,
    pub detail: String,
}

/// Everything learned about one observable.
#[derive(Debug, Serialize)]
pub struct ObservableResult {
    pub observable: Observable,
    /// The worst verdict among the findings.
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    /// Lookups that failed, with the reason.
    pub errors: Vec<String>,
}

/// Output of the connector's `lookup` action.
#[derive(Debug, Deserialize)]
struct Reputation {
    verdict: Verdict,
    #[serde(default)]
    score: Option<u8>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    description: String,
}

/// Looks `observable` up in the local store and with the connector. A failed
/// lookup is recorded in `errors` and does not stop the other one.
pub fn enrich(observable: &Observable) -> ObservableResult {
    let mut findings = Vec::new();
    let mut errors = Vec::new();

    match intel::lookup(observable) {
        Ok(indicators) => findings.extend(indicators.into_iter().map(finding_from_indicator)),
        Err(error) => errors.push(format!("local intel lookup failed: {error}")),
    }

    match lookup_reputation(observable) {
        Ok(reputation) => findings.push(finding_from_reputation(reputation)),
        Err(error) => errors.push(format!("{CONNECTOR} lookup failed: {error}")),
    }

    ObservableResult {
        observable: observable.clone(),
        verdict: Verdict::worst(findings.iter().map(|finding| finding.verdict)),
        findings,
        errors,
    }
}

fn lookup_reputation(observable: &Observable) -> Result<Reputation, Error> {
    let input = serde_json::json!({
        "kind": observable.kind,
        "value": observable.value,
    });
    connectors::invoke_json(CONNECTOR, "lookup", &input)
}

fn finding_from_indicator(indicator: Indicator) -> Finding {
    Finding {
        source: format!("intel:{}", indicator.source),
        verdict: indicator.verdict,
        score: None,
        detail: indicator.description,
    }
}

fn finding_from_reputation(reputation: Reputation) -> Finding {
    let detail = if reputation.tags.is_empty() {
        reputation.description
    } else {
        format!(
            "{} [{}]",
            reputation.description,
            reputation.tags.join(", ")
        )
    };

    Finding {
        source: CONNECTOR.to_owned(),
        verdict: reputation.verdict,
        score: reputation.score,
        detail: detail.trim().to_owned(),
    }
}
