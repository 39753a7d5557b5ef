//! Correlation of Wazuh sshd authentication failures by source address.
//!
//! One case per source address collects the alerts. The case itself is the
//! tally: its linked alerts are the attempts and its user observables the
//! users tried. The host updates a case atomically, so runs that overlap
//! never lose a count, which a read-modify-write of the state store would.
//! Each run adds a note that recommends blocking the address or watching it.

mod source;

use moat_sdk::prelude::*;
use source::{source_address, user_names};
use std::collections::BTreeSet;

/// Attempts, or distinct users tried, from which blocking is recommended.
const BLOCK_AT_ATTEMPTS: u64 = 3;
const BLOCK_AT_USERS: usize = 2;
/// Attempts, or distinct users tried, from which the case is `high`.
const HIGH_AT_ATTEMPTS: u64 = 5;
const HIGH_AT_USERS: usize = 3;

/// Attempts and distinct user names seen from one address.
struct Tally {
    attempts: u64,
    users: BTreeSet<String>,
}

struct SshBruteforce;

impl Playbook for SshBruteforce {
    fn run(trigger: Trigger) -> Result<RunOutput, Error> {
        let alert = trigger.require_alert()?;
        let address = source_address(alert)?;
        let user_observables = user_names(alert)
            .into_iter()
            .map(|user| Observable::new(ObservableKind::User, user.as_str()));

        let request = CaseRequest::new(
            format!("ssh-bruteforce:{}", address.value),
            format!("SSH brute force from {}", address.value),
            Severity::Medium,
        )
        .with_observables([address.clone()])
        .with_observables(user_observables)
        .with_alert(alert.id.as_str());
        let case = cases::open_or_update(&request)?;

        let tally = tally_of(&case);
        let severity = severity(&tally);
        if severity > case.severity {
            cases::set_severity(&case.id, severity)?;
        }
        let block = tally.attempts >= BLOCK_AT_ATTEMPTS || tally.users.len() >= BLOCK_AT_USERS;

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

fn tally_of(case: &CaseInfo) -> Tally {
    let users = case
        .observables
        .iter()
        .filter(|observable| observable.kind == ObservableKind::User)
        .map(|observable| observable.value.clone())
        .collect();
    Tally {
        attempts: u64::from(case.alert_count),
        users,
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
