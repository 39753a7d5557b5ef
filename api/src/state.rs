//! State shared by the API handlers and the workers.

use crate::store::Store;
use moat_runtime::Runtime;
use moat_runtime::registry::MAX_COMPONENT_BYTES;
use std::sync::Arc;
use tokio::sync::Notify;

/// Largest accepted alert request body, in bytes.
pub const MAX_ALERT_BODY_BYTES: usize = 10 * 1024 * 1024;

/// Largest accepted component upload body, in bytes: a component of
/// [`MAX_COMPONENT_BYTES`] in base64 (4 characters per 3 bytes) plus 1 MiB
/// for the manifest and the JSON around it, about 86.3 MiB in all.
pub const MAX_COMPONENT_BODY_BYTES: usize = MAX_COMPONENT_BYTES.div_ceil(3) * 4 + 1024 * 1024;

/// Everything a handler needs; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub runtime: Runtime,
    /// Wakes idle workers when a run is queued.
    pub run_queued: Arc<Notify>,
}
