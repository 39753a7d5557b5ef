//! Alert and case severity.

pub use crate::bindings::moat::platform::types::Severity;

crate::text_enum::text_enum!(Severity, "severity", [
    Info => "info",
    Low => "low",
    Medium => "medium",
    High => "high",
    Critical => "critical",
]);

impl Severity {
    /// Returns `self` raised to `floor` if it is lower; never lowers it.
    pub fn at_least(self, floor: Severity) -> Severity {
        self.max(floor)
    }
}
