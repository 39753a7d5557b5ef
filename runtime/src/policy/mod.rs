//! Outbound network policy: the allowlist, address checks and the one
//! place where guest HTTP requests leave the host.

pub mod address;
pub mod allowlist;
mod body;
pub mod net;
pub mod outbound;
