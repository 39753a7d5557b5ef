//! The `config` interface: the manifest's `[config]` table.

use crate::bindings::moat::platform::config::Host;
use crate::store_state::RunState;

impl Host for RunState {
    async fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        Ok(self.call.component.manifest.config.get(&key).cloned())
    }
}
