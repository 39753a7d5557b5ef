//! The data of one sandbox: what a `Store` carries for one component call.

use crate::engine::Runtime;
use crate::event_log::EventLog;
use crate::model::Actor;
use crate::policy::outbound::OutboundPolicy;
use crate::registry::LoadedComponent;
use crate::services::HostServices;
use std::sync::Arc;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// Facts about the call that every host import may need.
#[derive(Debug, Clone)]
pub struct CallContext {
    pub runtime: Runtime,
    pub component: Arc<LoadedComponent>,
    pub actor: Actor,
    pub services: Arc<dyn HostServices>,
    pub events: Arc<EventLog>,
    /// 0 for a playbook, 1 for a connector it calls, and so on.
    pub depth: u32,
    pub deadline: Deadline,
    /// Whether this call's own `timeout_ms` set `deadline`. A connector
    /// called with less time left than its own timeout inherits its
    /// caller's deadline instead, and the caller reports it when it passes.
    pub owns_deadline: bool,
}

/// The instant a call must end by, and the manifest limit that set it.
#[derive(Debug, Clone)]
pub struct Deadline {
    pub at: tokio::time::Instant,
    /// `[limits] timeout_ms` of the component that set `at`.
    pub timeout_ms: u64,
    /// Name of that component.
    pub component: String,
}

/// `T` of every `Store<T>` that Moat creates.
pub struct RunState {
    pub(crate) call: CallContext,
    wasi: WasiCtx,
    http: WasiHttpCtx,
    pub(crate) hooks: OutboundPolicy,
    table: ResourceTable,
    pub(crate) limiter: MemoryLimiter,
}

impl std::fmt::Debug for RunState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunState")
            .field("component", &self.call.component.manifest.name)
            .field("depth", &self.call.depth)
            .finish_non_exhaustive()
    }
}

impl RunState {
    pub fn new(call: CallContext, hooks: OutboundPolicy, memory_limit_bytes: usize) -> RunState {
        // No preopened directories, no environment, no sockets and no name
        // lookups: the only way out is `wasi:http` through `hooks`.
        let wasi = WasiCtx::builder()
            .allow_blocking_current_thread(false)
            .allow_ip_name_lookup(false)
            .allow_tcp(false)
            .allow_udp(false)
            .build();
        RunState {
            call,
            wasi,
            http: WasiHttpCtx::new(),
            hooks,
            table: ResourceTable::new(),
            limiter: MemoryLimiter::new(memory_limit_bytes),
        }
    }
}

impl WasiView for RunState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for RunState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// Trap raised when a guest grows its memory past the manifest's limit.
#[derive(Debug, thiserror::Error)]
#[error(
    "memory limit of {limit_mb} MiB exceeded (requested {requested_bytes} bytes); raise [limits] memory_mb in moat.toml"
)]
pub struct MemoryLimitExceeded {
    pub limit_mb: u64,
    pub requested_bytes: usize,
}

/// Caps linear memory per instance and records the peak.
#[derive(Debug)]
pub struct MemoryLimiter {
    limit_bytes: usize,
    pub(crate) peak_bytes: usize,
}

impl MemoryLimiter {
    fn new(limit_bytes: usize) -> MemoryLimiter {
        MemoryLimiter {
            limit_bytes,
            peak_bytes: 0,
        }
    }
}

/// Most table elements an instance may have. Interpreted guests built by
/// componentize-py use tens of thousands of function references.
const MAX_TABLE_ELEMENTS: usize = 200_000;

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limit_bytes {
            return Err(wasmtime::Error::new(MemoryLimitExceeded {
                limit_mb: (self.limit_bytes >> 20) as u64,
                requested_bytes: desired,
            }));
        }
        self.peak_bytes = self.peak_bytes.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }
}
