//! Indicator verdicts, ordered from `Unknown` to `Malicious`.

pub use crate::bindings::moat::platform::types::Verdict;

crate::text_enum::text_enum!(Verdict, "verdict", [
    Unknown => "unknown",
    Benign => "benign",
    Suspicious => "suspicious",
    Malicious => "malicious",
]);

impl Verdict {
    /// Returns the worst of `verdicts`, or `Unknown` when there are none.
    ///
    /// The WIT declaration order is also the severity order, so the worst
    /// verdict is the maximum.
    pub fn worst<I: IntoIterator<Item = Verdict>>(verdicts: I) -> Verdict {
        verdicts.into_iter().max().unwrap_or(Verdict::Unknown)
    }
}
