//! The `intel` interface: the local indicator store.

use super::convert;
use super::state::service_error;
use crate::bindings::moat::platform::intel::{Host, Indicator};
use crate::bindings::moat::platform::types::Observable;
use crate::error::HostResult;
use crate::events::RunEvent;
use crate::manifest::Access;
use crate::store_state::RunState;

impl Host for RunState {
    async fn lookup(&mut self, value: Observable) -> HostResult<Vec<Indicator>> {
        let granted = self.call.component.manifest.grants.intel;
        self.call
            .require_access("intel", granted, Access::Read)
            .await?;

        let value = convert::observable_from_wit(value);
        let found = self
            .call
            .services
            .lookup_indicators(&value)
            .await
            .map_err(service_error)?;
        self.call
            .events
            .record(RunEvent::IntelLookup {
                kind: value.kind.to_string(),
                value: value.value.clone(),
                matches: found.len() as u32,
            })
            .await;
        Ok(found.into_iter().map(convert::indicator_to_wit).collect())
    }

    async fn add(&mut self, indicator: Indicator) -> HostResult<()> {
        let granted = self.call.component.manifest.grants.intel;
        self.call
            .require_access("intel", granted, Access::Write)
            .await?;

        let indicator = convert::indicator_from_wit(indicator);
        self.call
            .services
            .add_indicator(&self.call.actor, indicator)
            .await
            .map_err(service_error)
    }
}
