//! Grant checks shared by the host interfaces.

use crate::error::{HostError, HostResult};
use crate::events::RunEvent;
use crate::manifest::Access;
use crate::store_state::CallContext;

impl CallContext {
    /// Checks `access` against the manifest's `[grants] <capability>` level.
    pub(crate) async fn require_access(
        &self,
        capability: &str,
        granted: Access,
        needed: Access,
    ) -> HostResult<()> {
        if granted >= needed {
            return Ok(());
        }
        let level = if needed == Access::Write {
            "write"
        } else {
            "read"
        };
        self.deny(
            capability,
            format!("{capability} {level} access is not granted; add `{capability} = \"{level}\"` under [grants]"),
        )
        .await
    }

    /// Records a denial and returns the guest error for it.
    pub(crate) async fn deny<T>(&self, capability: &str, reason: String) -> HostResult<T> {
        let reason = format!(
            "{reason} in the moat.toml of `{}`",
            self.component.manifest.name
        );
        self.events
            .record(RunEvent::Denied {
                capability: capability.to_owned(),
                reason: reason.clone(),
            })
            .await;
        Err(HostError::denied(reason))
    }

    /// Name of the running component, the scope of its `state` store.
    pub(crate) fn component_name(&self) -> &str {
        &self.component.manifest.name
    }
}
