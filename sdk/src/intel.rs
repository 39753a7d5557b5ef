//! The local indicator store.
//!
//! Needs `intel = "read"` in the manifest's `[grants]` for [`lookup`] and
//! `intel = "write"` for [`add`].

use crate::bindings::moat::platform::intel as host;
use crate::{Error, Observable, Verdict};

pub use host::Indicator;

impl Indicator {
    pub fn new(
        value: Observable,
        verdict: Verdict,
        source: impl Into<String>,
        description: impl Into<String>,
    ) -> Indicator {
        Indicator {
            value,
            verdict,
            source: source.into(),
            description: description.into(),
        }
    }
}

/// Returns every stored indicator for `value`.
pub fn lookup(value: &Observable) -> Result<Vec<Indicator>, Error> {
    host::lookup(value)
}

/// Stores `indicator`, replacing one with the same value and source.
pub fn add(indicator: &Indicator) -> Result<(), Error> {
    host::add(indicator)
}
