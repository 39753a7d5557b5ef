//! The types and modules most playbooks and connectors use.
//!
//! ```
//! use moat_sdk::prelude::*;
//! ```

pub use crate::cases::{CaseInfo, CaseRequest, CaseStatus};
pub use crate::intel::Indicator;
pub use crate::{
    Alert, Error, Observable, ObservableKind, RunOutput, Severity, Trigger, Verdict, cases, config,
    connectors, http, intel, log, secrets, state,
};

#[cfg(feature = "connector")]
pub use crate::connector::{Action, Connector, parse_input, to_output, unknown_action};
#[cfg(feature = "playbook")]
pub use crate::playbook::Playbook;
