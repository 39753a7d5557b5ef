//! The `state` interface: a key-value store private to each component.

use crate::bindings::moat::platform::state::Host;
use crate::error::{HostError, HostResult};
use crate::services::ServiceError;
use crate::store_state::{CallContext, RunState};

/// Maximum state key length, in bytes.
pub const MAX_STATE_KEY_BYTES: usize = 256;
/// Maximum state value size, in bytes.
pub const MAX_STATE_VALUE_BYTES: usize = 64 * 1024;

impl Host for RunState {
    async fn get(&mut self, key: String) -> HostResult<Option<Vec<u8>>> {
        self.call.require_state(&key).await?;
        let component = self.call.component_name().to_owned();
        self.call
            .services
            .state_get(&component, &key)
            .await
            .map_err(service_error)
    }

    async fn set(&mut self, key: String, value: Vec<u8>) -> HostResult<()> {
        self.call.require_state(&key).await?;
        if value.len() > MAX_STATE_VALUE_BYTES {
            return Err(HostError::limit_exceeded(format!(
                "state value for `{key}` is {} bytes, over the {MAX_STATE_VALUE_BYTES}-byte limit",
                value.len()
            )));
        }
        let component = self.call.component_name().to_owned();
        self.call
            .services
            .state_set(&component, &key, &value)
            .await
            .map_err(service_error)
    }

    async fn delete(&mut self, key: String) -> HostResult<()> {
        self.call.require_state(&key).await?;
        let component = self.call.component_name().to_owned();
        self.call
            .services
            .state_delete(&component, &key)
            .await
            .map_err(service_error)
    }
}

impl CallContext {
    async fn require_state(&self, key: &str) -> HostResult<()> {
        if !self.component.manifest.grants.state {
            return self
                .deny(
                    "state",
                    "the state store is not granted; add `state = true` under [grants]".to_owned(),
                )
                .await;
        }
        if key.is_empty() || key.len() > MAX_STATE_KEY_BYTES {
            return Err(HostError::invalid(format!(
                "state key must be 1 to {MAX_STATE_KEY_BYTES} bytes, got {}",
                key.len()
            )));
        }
        Ok(())
    }
}

/// Maps a storage failure to the guest error, logging internal causes once
/// here and showing the guest only a generic message.
pub(crate) fn service_error(error: ServiceError) -> HostError {
    match error {
        ServiceError::NotFound(message) => HostError::not_found(message),
        ServiceError::Invalid(message) => HostError::invalid(message),
        ServiceError::Internal(error) => {
            tracing::error!(error = %format!("{error:#}"), "storage call from a guest failed");
            HostError::internal("storage failed; the error is in the server log")
        }
    }
}
