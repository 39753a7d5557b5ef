//! State shared by the API handlers and the workers.

use crate::store::Store;
use moat_runtime::Runtime;
use std::sync::Arc;
use tokio::sync::Notify;

/// Largest accepted alert request body, in bytes.
pub const MAX_ALERT_BODY_BYTES: usize = 10 * 1024 * 1024;

/// Everything a handler needs; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub runtime: Runtime,
    /// Wakes idle workers when a run is queued.
    pub run_queued: Arc<Notify>,
}
