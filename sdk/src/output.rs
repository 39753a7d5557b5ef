//! The result of a playbook run.

use crate::Error;
use serde::Serialize;

pub use crate::bindings::moat::platform::types::RunOutput;

impl RunOutput {
    /// Builds an output with `summary` and `data` serialized as JSON.
    pub fn new(summary: impl Into<String>, data: &impl Serialize) -> Result<RunOutput, Error> {
        Ok(RunOutput {
            summary: summary.into(),
            data: crate::json::to_json(data)?,
        })
    }

    /// Builds an output with `summary` and an empty JSON object as data.
    pub fn summary_only(summary: impl Into<String>) -> RunOutput {
        RunOutput {
            summary: summary.into(),
            data: "{}".to_owned(),
        }
    }
}
