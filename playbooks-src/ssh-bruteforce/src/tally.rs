//! Attempt counts per source address, kept in the component's state.

use moat_sdk::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Most distinct user names kept per address, so the state value stays far
/// below the host's 64 KiB cap.
const MAX_USERS: usize = 100;

/// JSON value of state key `src:<address>`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Tally {
    pub attempts: u64,
    /// Distinct user names tried, sorted.
    pub users: BTreeSet<String>,
}

impl Tally {
    /// Adds one attempt against `users` to the tally of `address` and
    /// stores the result.
    pub fn record(address: &str, users: &[String]) -> Result<Tally, Error> {
        let key = format!("src:{address}");
        let mut tally: Tally = state::get_json(&key)?.unwrap_or_default();

        tally.attempts += 1;
        for user in users {
            if tally.users.len() >= MAX_USERS {
                break;
            }
            tally.users.insert(user.clone());
        }

        state::set_json(&key, &tally)?;
        Ok(tally)
    }
}
