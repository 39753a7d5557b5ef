//! Timestamps and identifiers of stored records.

use std::time::{SystemTime, UNIX_EPOCH};

/// Returns the current time as Unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

/// Returns a new time-ordered record id (UUID v7, hyphenated lowercase).
pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
