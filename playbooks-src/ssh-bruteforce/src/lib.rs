//! Correlation of Wazuh sshd authentication failures by source address.
//!
//! Every alert adds one attempt to the count kept in state for its source
//! address. One case per address collects the alerts, and each run adds a note
//! that recommends blocking the address or watching it.

mod source;
mod tally;

use moat_sdk::prelude::*;
use source::{source_address, user_names};
use tally::Tally;

/// Attempts, or distinct users tried, from which blocking is recommended.
const BLOCK_AT_ATTEMPTS: u64 = 3;
const BLOCK_AT_USERS: usize = 2;
/// Attempts, or distinct users tried, from which the case is `high`.
const HIGH_AT_ATTEMPTS: u64 = 5;
const HIGH_AT_USERS: usize = 3;

struct SshBruteforce;

impl Playbook for SshBruteforce {
    fn run(trigger: Trigger) -> Result<RunOutput, Error> {
        let alert = trigger.require_alert()?;
        let address = source_address(alert)?;
        let users = user_names(alert);

        let tally = Tally::record(&address.value, &users)?;
        let severity = severity(&tally);
        let block = tally.attempts >= BLOCK_AT_ATTEMPTS || tally.users.len() >= BLOCK_AT_USERS;

        let user_observables = tally
            .users
            .iter()
            .map(|user| Observable::new(ObservableKind::User, user.as_str()));
        let request = CaseRequest::new(
            format!("ssh-bruteforce:{}", address.value),
            format!("SSH brute force from {}", address.value),
            severity,
        )
        .with_observables([address.clone()])
        .with_observables(user_observables)
        .with_alert(alert.id.as_str());
        let case = cases::open_or_update(&request)?;

        let sentence = describe(&address.value, &tally, block);
        cases::add_note(&case.id, &sentence)?;
        RunOutput::new(
            sentence,
            &serde_json::json!({
                "source_ip": address.value,
                "attempts": tally.attempts,
                "users": tally.users,
                "severity": severity,
                "recommend_block": block,
                "case_id": case.id,
            }),
        )
    }
}

fn severity(tally: &Tally) -> Severity {
    if tally.attempts >= HIGH_AT_ATTEMPTS || tally.users.len() >= HIGH_AT_USERS {
        return Severity::High;
    }
    Severity::Medium
}

/// Builds the note and summary sentence, such as "4 failed attempts from
/// 203.0.113.7 against users root, admin; recommend blocking 203.0.113.7 at
/// the perimeter".
fn describe(address: &str, tally: &Tally, block: bool) -> String {
    let attempts = match tally.attempts {
        1 => "1 failed attempt".to_owned(),
        count => format!("{count} failed attempts"),
    };
    let users = if tally.users.is_empty() {
        "unknown users".to_owned()
    } else {
        let names: Vec<&str> = tally.users.iter().map(String::as_str).collect();
        format!("users {}", names.join(", "))
    };
    let advice = if block {
        format!("recommend blocking {address} at the perimeter")
    } else {
        "keep watching".to_owned()
    };
    format!("{attempts} from {address} against {users}; {advice}")
}

moat_sdk::export_playbook!(SshBruteforce);
