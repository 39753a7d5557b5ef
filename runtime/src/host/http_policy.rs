//! The `http-policy` interface: explains why a request would be denied.

use crate::bindings::moat::platform::http_policy::Host;
use crate::error::{HostError, HostResult};
use crate::policy::outbound::CheckFailure;
use crate::store_state::RunState;

impl Host for RunState {
    async fn check(&mut self, url: String, header_values: Vec<String>) -> HostResult<()> {
        let context = self.hooks.context.clone();
        match context.check_url(&url, &header_values).await {
            Ok(()) => Ok(()),
            Err(CheckFailure::Denied(reason)) => Err(HostError::denied(reason)),
            Err(CheckFailure::Invalid(reason)) => Err(HostError::invalid(reason)),
            Err(CheckFailure::Lookup(reason)) => Err(HostError::upstream(reason)),
            Err(CheckFailure::Failed(reason)) => Err(HostError::internal(reason)),
        }
    }
}
