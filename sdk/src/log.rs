//! Lines in the run's execution log.
//!
//! The host masks secret values, truncates lines at 4 KiB and stops storing
//! lines past the run's log volume cap. The macros `debug!`, `info!`,
//! `warn!` and `error!` at the crate root take `format!` arguments.

use crate::bindings::moat::platform::log as host;

pub use host::Level;

/// Writes one line at `level`.
pub fn write(level: Level, message: &str) {
    host::write(level, message);
}

pub fn debug(message: &str) {
    write(Level::Debug, message);
}

pub fn info(message: &str) {
    write(Level::Info, message);
}

pub fn warn(message: &str) {
    write(Level::Warn, message);
}

pub fn error(message: &str) {
    write(Level::Error, message);
}

/// Writes a `debug` line with `format!` arguments.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)+) => {
        $crate::log::write($crate::log::Level::Debug, &::std::format!($($arg)+))
    };
}

/// Writes an `info` line with `format!` arguments.
#[macro_export]
macro_rules! info {
    ($($arg:tt)+) => {
        $crate::log::write($crate::log::Level::Info, &::std::format!($($arg)+))
    };
}

/// Writes a `warn` line with `format!` arguments.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)+) => {
        $crate::log::write($crate::log::Level::Warn, &::std::format!($($arg)+))
    };
}

/// Writes an `error` line with `format!` arguments.
#[macro_export]
macro_rules! error {
    ($($arg:tt)+) => {
        $crate::log::write($crate::log::Level::Error, &::std::format!($($arg)+))
    };
}
