//! The `secrets` interface: raw values for components granted `read`.

use crate::bindings::moat::platform::secrets::Host;
use crate::error::{HostError, HostResult};
use crate::events::RunEvent;
use crate::store_state::RunState;

impl Host for RunState {
    async fn get(&mut self, name: String) -> HostResult<String> {
        let grant = self.call.component.manifest.grants.secrets.get(&name);
        if !grant.is_some_and(|grant| grant.read) {
            return self.call
                .deny(
                    "secrets",
                    format!("reading secret `{name}` is not granted; add `read = true` under [grants.secrets.{name}]"),
                )
                .await;
        }

        let value = match self.call.services.secret_value(&name).await {
            Ok(Some(value)) => value,
            Ok(None) => {
                return Err(HostError::not_found(format!(
                    "secret `{name}` has no stored value"
                )));
            }
            Err(error) => {
                tracing::error!(secret = %name, error = %error, "failed to load secret");
                return Err(HostError::internal(format!(
                    "failed to load secret `{name}`"
                )));
            }
        };

        self.call.events.masker().add(&name, &value);
        self.call
            .events
            .record(RunEvent::SecretUsed {
                name,
                how: "read".to_owned(),
                host: None,
            })
            .await;
        Ok(value)
    }
}
