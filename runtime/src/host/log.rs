//! The `log` interface: guest lines into the execution log.

use crate::bindings::moat::platform::log::{Host, Level};
use crate::store_state::RunState;

impl Host for RunState {
    async fn write(&mut self, level: Level, message: String) -> wasmtime::Result<()> {
        let level = match level {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        };
        self.call.events.guest_log(level, &message).await;
        Ok(())
    }
}
