//! The `types` interface: the one place where host errors split into traps
//! and guest errors.

use crate::bindings::moat::platform::types::{Error, Host};
use crate::error::HostError;
use crate::store_state::RunState;

impl Host for RunState {
    fn convert_error(&mut self, error: HostError) -> wasmtime::Result<Error> {
        match error {
            HostError::Guest(error) => Ok(error),
            HostError::Trap(trap) => Err(trap),
        }
    }
}
