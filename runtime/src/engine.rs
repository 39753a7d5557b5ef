//! The shared engine, linker and component registry.

use crate::bindings::connector::ConnectorPre;
use crate::bindings::{Playbook, PlaybookPre};
use crate::limits::MAX_MEMORY_MB;
use crate::manifest::{ComponentKind, Manifest};
use crate::policy::allowlist::AllowList;
use crate::policy::net::{Dialer, Resolver, SystemResolver, TcpDialer};
use crate::registry::{self, Entry, LoadedComponent, RegisterError};
use crate::store_state::RunState;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

/// Interval of the epoch ticker. A guest that never yields is stopped at
/// most one tick after its deadline, and yields to other runs once a tick.
pub const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Component instances that may exist at once across all runs. Each run
/// uses one, plus one per connector call in progress.
pub const DEFAULT_MAX_INSTANCES: u32 = 200;

/// Settings of a [`Runtime`].
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// Folder for compiled components, keyed by content hash and engine
    /// settings; `None` compiles every component at each start.
    pub cache_dir: Option<PathBuf>,
    pub resolver: Arc<dyn Resolver>,
    pub dialer: Arc<dyn Dialer>,
    pub max_instances: u32,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            cache_dir: None,
            resolver: Arc::new(SystemResolver),
            dialer: Arc::new(TcpDialer),
            max_instances: DEFAULT_MAX_INSTANCES,
        }
    }
}

/// The WebAssembly host. Cheap to clone; clones share one engine.
#[derive(Clone)]
pub struct Runtime {
    pub(crate) inner: Arc<RuntimeInner>,
}

pub(crate) struct RuntimeInner {
    pub(crate) engine: Engine,
    linker: Linker<RunState>,
    components: RwLock<HashMap<String, Arc<LoadedComponent>>>,
    pub(crate) resolver: Arc<dyn Resolver>,
    pub(crate) dialer: Arc<dyn Dialer>,
    ticker_stop: Arc<AtomicBool>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime").finish_non_exhaustive()
    }
}

impl Drop for RuntimeInner {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

impl Runtime {
    /// Creates the engine with the pooling allocator, the linker with every
    /// host interface, and the epoch ticker thread.
    pub fn new(config: RuntimeConfig) -> anyhow::Result<Runtime> {
        let engine = Engine::new(&engine_config(&config)?)?;
        let linker = build_linker(&engine)?;
        let ticker_stop = Arc::new(AtomicBool::new(false));
        start_epoch_ticker(engine.weak(), ticker_stop.clone());

        let inner = RuntimeInner {
            engine,
            linker,
            components: RwLock::new(HashMap::new()),
            resolver: config.resolver,
            dialer: config.dialer,
            ticker_stop,
        };
        Ok(Runtime {
            inner: Arc::new(inner),
        })
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Compiles, checks and links a component, then makes it callable under
    /// its manifest name, replacing any earlier version. Compilation is
    /// CPU-heavy: call this from a blocking task in async code.
    pub fn register(
        &self,
        manifest: Manifest,
        wasm: &[u8],
    ) -> Result<Arc<LoadedComponent>, RegisterError> {
        let loaded = Arc::new(self.prepare(manifest, wasm)?);
        let mut components = self
            .inner
            .components
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        components.insert(loaded.manifest.name.clone(), loaded.clone());
        tracing::info!(component = %loaded.manifest.name, version = %loaded.manifest.version, sha256 = %loaded.sha256, "component registered");
        Ok(loaded)
    }

    /// Compiles and checks a component without registering it.
    pub fn prepare(
        &self,
        manifest: Manifest,
        wasm: &[u8],
    ) -> Result<LoadedComponent, RegisterError> {
        registry::check_header(wasm)?;
        let component = Component::new(&self.inner.engine, wasm)
            .map_err(|error| RegisterError::Compile(format!("{error:#}")))?;
        registry::check_world(&component, manifest.kind, &self.inner.engine)?;
        registry::check_imports(&component, &self.inner.engine)?;

        let pre = self
            .inner
            .linker
            .instantiate_pre(&component)
            .map_err(|error| RegisterError::Imports(format!("{error:#}")))?;
        let entry = match manifest.kind {
            ComponentKind::Playbook => Entry::Playbook(
                PlaybookPre::new(pre).map_err(world_error("moat:platform/playbook"))?,
            ),
            ComponentKind::Connector => Entry::Connector(
                ConnectorPre::new(pre).map_err(world_error("moat:platform/connector"))?,
            ),
        };

        let allow = manifest
            .allow_list()
            .map_err(|error| RegisterError::Manifest(error.to_string()))?;
        let secret_bindings = secret_bindings(&manifest)?;
        Ok(LoadedComponent {
            sha256: registry::content_hash(wasm),
            manifest,
            allow,
            secret_bindings,
            entry,
        })
    }

    /// Returns the registered component called `name`.
    pub fn component(&self, name: &str) -> Option<Arc<LoadedComponent>> {
        let components = self
            .inner
            .components
            .read()
            .unwrap_or_else(|poison| poison.into_inner());
        components.get(name).cloned()
    }

    /// Returns every registered component, sorted by name.
    pub fn components(&self) -> Vec<Arc<LoadedComponent>> {
        let components = self
            .inner
            .components
            .read()
            .unwrap_or_else(|poison| poison.into_inner());
        let mut all = components.values().cloned().collect::<Vec<_>>();
        all.sort_by(|a, b| a.manifest.name.cmp(&b.manifest.name));
        all
    }
}

fn world_error(world: &'static str) -> impl Fn(wasmtime::Error) -> RegisterError {
    move |error| RegisterError::WrongWorld {
        world,
        detail: format!("{error:#}"),
    }
}

fn secret_bindings(manifest: &Manifest) -> Result<Vec<(String, AllowList)>, RegisterError> {
    manifest
        .grants
        .secrets
        .iter()
        .map(|(name, grant)| {
            let hosts = AllowList::parse(&grant.hosts)
                .map_err(|error| RegisterError::Manifest(error.to_string()))?;
            Ok((name.clone(), hosts))
        })
        .collect()
}

fn engine_config(config: &RuntimeConfig) -> anyhow::Result<Config> {
    let mut pool = PoolingAllocationConfig::default();
    pool.total_component_instances(config.max_instances)
        .total_core_instances(config.max_instances * 8)
        .total_memories(config.max_instances * 2)
        .total_tables(config.max_instances * 8)
        .total_stacks(config.max_instances)
        .max_core_instances_per_component(64)
        .max_memories_per_component(4)
        .max_tables_per_component(32)
        .max_memory_size((MAX_MEMORY_MB as usize) << 20)
        .table_elements(200_000);

    let mut wasm = Config::new();
    wasm.wasm_component_model(true)
        .epoch_interruption(true)
        .consume_fuel(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));

    if let Some(dir) = &config.cache_dir {
        std::fs::create_dir_all(dir)?;
        let mut cache = wasmtime::CacheConfig::new();
        cache.with_directory(dir);
        wasm.cache(Some(wasmtime::Cache::new(cache)?));
    }
    Ok(wasm)
}

fn build_linker(engine: &Engine) -> anyhow::Result<Linker<RunState>> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
    Playbook::add_to_linker::<RunState, HasSelf<RunState>>(&mut linker, |state| state)?;
    Ok(linker)
}

fn start_epoch_ticker(engine: wasmtime::EngineWeak, stop: Arc<AtomicBool>) {
    let spawned = std::thread::Builder::new()
        .name("moat-epoch".to_owned())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(EPOCH_TICK);
                match engine.upgrade() {
                    Some(engine) => engine.increment_epoch(),
                    None => return,
                }
            }
        });
    if let Err(error) = spawned {
        tracing::error!(error = %error, "failed to start the epoch ticker; deadlines of guests that never yield will not be enforced");
    }
}
