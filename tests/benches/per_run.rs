//! Per-run overhead of the `noop` playbook through Moat, against bare
//! wasmtime instantiating and calling the same component in this process.
//!
//! Run with `cargo bench -p moat-tests --bench per_run`. Each variant does
//! `WARM_UP_RUNS` unmeasured runs, then `MEASURED_RUNS` timed runs one after
//! another in one tokio task, the variants taking turns in `ROUNDS` rounds.
//! The throughput section then runs `CONCURRENT_LOOPS` loops at once. The
//! results are printed as Markdown tables; docs/benchmarks.md records them.
//!
//! Variants:
//! - `bare, Moat engine settings`: an engine configured like
//!   `moat_runtime::engine` (pooling allocator with the same pool sizes,
//!   epoch interruption, fuel), a linker with WASI 0.2 and `wasi:http`, and
//!   per run a new `Store`, `instantiate_async` and `call_run`.
//! - `bare, default settings + pooling`: the same with `Config::new()` plus
//!   the pooling allocator at its default sizes.
//! - `moat, event sink`: `Runtime::run_playbook` with a `HostServices` that
//!   only appends events to a `Vec`.
//! - `moat, SQLite`: `Runtime::run_playbook` with `moat::store::Store` on
//!   `sqlite::memory:`, measured with and without the `enqueue_run` that
//!   creates the run row the events refer to.
//! - `SQLite, 2 event writes only`: the two `append_run_event` calls that
//!   a `noop` run makes, without the run, to show the database's share.
//!
//! Two more sections measure `python-noop` (componentize-py) and `js-noop`
//! (componentize-js), which return at once, so that a run shows the
//! per-run cost of the language runtime. Each section first times the
//! registration of its component into an empty compilation cache and then
//! from that cache. Its variants run `SCRIPT_SCHEDULE` times, fewer than
//! the `noop` ones because one run takes milliseconds:
//! - `bare, Moat engine settings`: as above, with each imported
//!   `moat:platform` function defined as a stub that traps. Its rows split
//!   each run into `instantiate_async` with the new `Store`, `call_run`,
//!   and dropping the store.
//! - `moat, event sink`: as above.
//! - `bare, second call_run`: a second `call_run` on an instance whose
//!   first call has already run, to tell first-call costs from the call.
//! - `bare, Moat settings + 16 MiB kept resident`: the bare run on an
//!   engine whose pool keeps linear memory pages resident between
//!   instances, to show the share of page faults and `madvise`.

use anyhow::{Context, bail, ensure};
use async_trait::async_trait;
use moat::store::{NewRun, SecretKey, Store as MoatStore, TriggerKind};
use moat_runtime::bindings::moat::platform::types as wit;
use moat_runtime::bindings::{Playbook, PlaybookPre};
use moat_runtime::engine::DEFAULT_MAX_INSTANCES;
use moat_runtime::events::RunEvent;
use moat_runtime::execute::RunRequest;
use moat_runtime::limits::MAX_MEMORY_MB;
use moat_runtime::manifest::ComponentKind;
use moat_runtime::model::{
    Actor, CaseInfo, CaseRequest, CaseStatus, Indicator, Observable, Severity, Trigger,
};
use moat_runtime::services::{HostServices, ServiceError};
use moat_runtime::{Manifest, Runtime, RuntimeConfig};
use moat_tests::script_components::{js_component, python_component};
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, Linker, LinkerInstance, ResourceTable};
use wasmtime::{
    Cache, CacheConfig, Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store,
};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

/// Unmeasured runs of each variant before timing, which fill the pooling
/// allocator's slots and the allocator caches.
const WARM_UP_RUNS: usize = 200;
/// Timed runs of each variant.
const MEASURED_RUNS: usize = 2_000;
/// Turns the variants take. `MEASURED_RUNS` must be a multiple of it.
const ROUNDS: usize = 20;

/// Run counts of the `noop` latency section.
const RUST_SCHEDULE: Schedule = Schedule {
    warm_up: WARM_UP_RUNS,
    measured: MEASURED_RUNS,
    rounds: ROUNDS,
};

/// Run counts of the Python and JavaScript sections, lower than
/// [`RUST_SCHEDULE`] because one run takes milliseconds instead of
/// microseconds.
const SCRIPT_SCHEDULE: Schedule = Schedule {
    warm_up: 50,
    measured: 1_000,
    rounds: 20,
};

/// Loops run at once in the throughput section. The per-run target is
/// stated for two cores.
const CONCURRENT_LOOPS: usize = 2;

/// Bytes of each linear memory that the `keep resident` variant keeps
/// resident, more than the largest memory of `python-noop` and `js-noop`
/// reached in this bench (12.3 and 9.1 MiB when measured on 2026-12-04).
const KEEP_RESIDENT_BYTES: usize = 16 << 20;
/// Name of the bare variant with [`KEEP_RESIDENT_BYTES`].
const KEEP_RESIDENT_VARIANT: &str = "bare, Moat settings + 16 MiB kept resident";

/// Prefix of the import names of Moat's own WIT interfaces.
const MOAT_PACKAGE_PREFIX: &str = "moat:platform/";

/// Manifest of the `noop` playbook: default limits and no grants.
const NOOP_MANIFEST: &str = r#"
name = "noop"
version = "0.1.0"
kind = "playbook"
component = "noop.wasm"
"#;

fn main() -> anyhow::Result<()> {
    let wasm = moat_tests::components::wasm_bytes("noop");
    let scripts = [
        ScriptPlaybook {
            language: "Python",
            name: "python-noop",
            wasm: python_component("python-noop"),
        },
        ScriptPlaybook {
            language: "JavaScript",
            name: "js-noop",
            wasm: js_component("js-noop"),
        },
    ];
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the tokio runtime")?;
    let report = tokio.block_on(measure_all(wasm))?;
    print_report(&report);
    for script in &scripts {
        let report = tokio.block_on(measure_script(script))?;
        print_script_report(&report);
    }
    Ok(())
}

/// Figures of every variant, in the order they are printed.
struct Report {
    latencies: Vec<Latency>,
    throughputs: Vec<Throughput>,
    worker_threads: usize,
}

async fn measure_all(wasm: Vec<u8>) -> anyhow::Result<Report> {
    let bare_moat = Arc::new(Bare::new(moat_engine_config()?, &wasm, true)?);
    let bare_default = Arc::new(Bare::new(default_pooling_config(), &wasm, false)?);
    let moat = MoatBench::new(&wasm).await?;

    let variants = vec![
        Variant::new("bare, Moat engine settings", bare_step(&bare_moat)),
        Variant::new("bare, default settings + pooling", bare_step(&bare_default)),
        Variant::new("moat, event sink", sink_step(&moat)),
        Variant::new("moat, SQLite", sqlite_step(&moat)),
        Variant::new("SQLite, 2 event writes only", event_writes_step(&moat)),
    ];
    let samples = measure_interleaved(&variants, &RUST_SCHEDULE).await?;
    let mut latencies = Vec::new();
    for (variant, times) in variants.iter().zip(samples) {
        if variant.name == "moat, SQLite" {
            latencies.push(Latency::from_samples(
                "moat, SQLite, enqueue + run",
                times.iter().map(|time| time.setup + time.run).collect(),
            ));
            latencies.push(Latency::from_samples(
                "moat, SQLite, run only",
                times.iter().map(|time| time.run).collect(),
            ));
        } else {
            latencies.push(Latency::from_samples(
                variant.name,
                times.iter().map(|time| time.run).collect(),
            ));
        }
    }

    let throughputs = measure_throughput(&[
        Variant::new("bare, Moat engine settings", bare_step(&bare_moat)),
        Variant::new("moat, event sink", sink_step(&moat)),
    ])
    .await?;

    let stored = moat.sink.len();
    let expected = 2 * (WARM_UP_RUNS + MEASURED_RUNS + CONCURRENT_LOOPS * MEASURED_RUNS);
    ensure!(
        stored == expected,
        "the event sink stored {stored} events, expected {expected} (run_started and run_finished per run)"
    );
    let last_run_id = moat.enqueue().await?;
    moat.run(last_run_id.clone(), Arc::new(moat.store.clone()))
        .await?;
    let events = moat.store.list_run_events(&last_run_id, None).await?;
    ensure!(
        events.len() == 2,
        "run {last_run_id} stored {} events in SQLite, expected 2",
        events.len()
    );

    Ok(Report {
        latencies,
        throughputs,
        worker_threads: tokio::runtime::Handle::current().metrics().num_workers(),
    })
}

// ---------------------------------------------------------------------------
// Bare wasmtime

/// Engine settings of `moat_runtime::engine::engine_config`, copied because
/// that function is private. Keep the two in step.
fn moat_engine_config() -> anyhow::Result<Config> {
    Ok(metered_config(moat_pool_config()?))
}

/// [`moat_engine_config`] with up to `bytes` of each linear memory kept
/// resident when an instance is dropped. The pool then zeroes those bytes
/// with `memset` instead of releasing the pages with `madvise`, so the next
/// instance in the slot can take fewer page faults.
fn keep_resident_config(bytes: usize) -> anyhow::Result<Config> {
    let mut pool = moat_pool_config()?;
    pool.linear_memory_keep_resident(bytes);
    Ok(metered_config(pool))
}

fn moat_pool_config() -> anyhow::Result<PoolingAllocationConfig> {
    let max_instances = DEFAULT_MAX_INSTANCES;
    let mut pool = PoolingAllocationConfig::default();
    pool.total_component_instances(max_instances)
        .total_core_instances(max_instances * 8)
        .total_memories(max_instances * 2)
        .total_tables(max_instances * 8)
        .total_stacks(max_instances)
        .max_core_instances_per_component(64)
        .max_memories_per_component(4)
        .max_tables_per_component(32)
        .max_memory_size(usize::try_from(MAX_MEMORY_MB)? << 20)
        .table_elements(200_000);
    Ok(pool)
}

/// Builds an engine configuration with `pool`, fuel and epoch interruption,
/// as Moat's engine has.
fn metered_config(pool: PoolingAllocationConfig) -> Config {
    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .epoch_interruption(true)
        .consume_fuel(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    config
}

fn default_pooling_config() -> Config {
    let mut config = Config::new();
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(
        PoolingAllocationConfig::default(),
    ));
    config
}

/// Store data of a bare run: what the WASI and `wasi:http` linkers need.
struct BareState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    hooks: RejectAllHooks,
    table: ResourceTable,
}

impl BareState {
    fn new() -> BareState {
        BareState {
            wasi: WasiCtx::builder().build(),
            http: WasiHttpCtx::new(),
            hooks: RejectAllHooks,
            table: ResourceTable::new(),
        }
    }
}

impl WasiView for BareState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for BareState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// `wasi:http` hooks that reject every outgoing request. The workspace
/// builds `wasmtime-wasi-http` without its default `send_request`, and
/// `noop` sends nothing.
struct RejectAllHooks;

type HttpSendResult = wasmtime_wasi_http::Result<(
    http::Response<wasmtime_wasi_http::WasiBody>,
    Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
)>;

impl WasiHttpHooks for RejectAllHooks {
    fn send_request(
        &mut self,
        _request: http::Request<wasmtime_wasi_http::WasiBody>,
        _options: Option<wasmtime_wasi_http::RequestOptions>,
        _fut: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> Box<dyn Future<Output = HttpSendResult> + Send> {
        Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) })
    }
}

/// A compiled and linked playbook outside Moat.
struct Bare {
    engine: Engine,
    pre: PlaybookPre<BareState>,
    /// Whether stores need fuel and an epoch deadline, as with
    /// [`moat_engine_config`].
    metered: bool,
}

impl Bare {
    fn new(config: Config, wasm: &[u8], metered: bool) -> anyhow::Result<Bare> {
        let engine = Engine::new(&config)?;
        let component = Component::new(&engine, wasm)?;
        let mut linker = Linker::<BareState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        define_moat_stubs(&mut linker, &engine, &component)?;
        let pre = PlaybookPre::new(linker.instantiate_pre(&component)?)?;
        Ok(Bare {
            engine,
            pre,
            metered,
        })
    }

    async fn run_once(&self) -> anyhow::Result<()> {
        let mut store = self.new_store()?;
        let instance: Playbook = self.pre.instantiate_async(&mut store).await?;
        call_run(&instance, &mut store).await
    }

    /// Runs the playbook once like [`Bare::run_once`], timing each part.
    async fn run_split(&self) -> anyhow::Result<IterationTime> {
        let started = Instant::now();
        let mut store = self.new_store()?;
        let instance: Playbook = self.pre.instantiate_async(&mut store).await?;
        let instantiated = Instant::now();
        call_run(&instance, &mut store).await?;
        let called = Instant::now();
        drop(store);
        let dropped = Instant::now();
        Ok(IterationTime {
            setup: Duration::ZERO,
            run: dropped - started,
            parts: Some(BareRunParts {
                instantiate: instantiated - started,
                call: called - instantiated,
                drop: dropped - called,
            }),
        })
    }

    /// Instantiates the playbook and calls `run` twice, and times only the
    /// second call. The first call has already touched the memory pages
    /// and run any initialization that the language runtime defers to its
    /// first call, so the second shows the cost of the call itself.
    async fn second_call(&self) -> anyhow::Result<IterationTime> {
        let mut store = self.new_store()?;
        let instance: Playbook = self.pre.instantiate_async(&mut store).await?;
        call_run(&instance, &mut store).await?;
        time_run(call_run(&instance, &mut store)).await
    }

    fn new_store(&self) -> anyhow::Result<Store<BareState>> {
        let mut store = Store::new(&self.engine, BareState::new());
        if self.metered {
            store.set_fuel(u64::MAX)?;
            // No epoch ticker runs for this engine, so the deadline is never
            // reached. Moat's ticker adds one callback per 5 ms at most.
            store.set_epoch_deadline(1);
        }
        Ok(store)
    }
}

async fn call_run(instance: &Playbook, store: &mut Store<BareState>) -> anyhow::Result<()> {
    let trigger = wit::Trigger::Manual("{}".to_owned());
    match instance.call_run(store, &trigger).await? {
        Ok(_) => Ok(()),
        Err(error) => bail!("the playbook returned an error: {error:?}"),
    }
}

/// Defines each `moat:platform` interface that `component` imports, with
/// every function a stub that traps when called. The `noop` playbooks call
/// none of them, so a bare run still does no host work. An interface that
/// declares types only, such as `types`, gets an empty instance.
///
/// `Linker::define_unknown_imports_as_traps` does not work here: in
/// wasmtime 48 it redefines the `error` resource that `wasi:io/streams`
/// uses from `wasi:io/error`, and instantiation then fails with
/// "mismatched resource types".
fn define_moat_stubs(
    linker: &mut Linker<BareState>,
    engine: &Engine,
    component: &Component,
) -> anyhow::Result<()> {
    let component_type = component.component_type();
    for (interface, import) in component_type.imports(engine) {
        if !interface.starts_with(MOAT_PACKAGE_PREFIX) {
            continue;
        }
        let ComponentItem::ComponentInstance(instance_type) = import.ty else {
            bail!("the component imports `{interface}` as an item that is not an interface");
        };
        let mut instance = linker.instance(interface)?;
        for (name, export) in instance_type.exports(engine) {
            define_stub(&mut instance, interface, name, &export.ty)?;
        }
    }
    Ok(())
}

fn define_stub(
    instance: &mut LinkerInstance<'_, BareState>,
    interface: &str,
    name: &str,
    item: &ComponentItem,
) -> anyhow::Result<()> {
    match item {
        ComponentItem::ComponentFunc(_) => {
            let qualified = format!("{interface}#{name}");
            instance.func_new(name, move |_, _, _, _| {
                wasmtime::bail!(
                    "`{qualified}` is a stub in the bare benchmark linker and traps when called"
                )
            })?;
        }
        ComponentItem::Type(_) => {}
        _ => bail!(
            "`{interface}` exports `{name}`, which is neither a function nor a type, so the bare linker has no stub for it"
        ),
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Moat

/// `HostServices` that appends events to a `Vec` and rejects every other
/// call, so that a run measures the runtime without a database.
#[derive(Debug, Default)]
struct EventSink {
    events: Mutex<Vec<(String, u64, RunEvent)>>,
}

impl EventSink {
    fn len(&self) -> usize {
        self.events
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .len()
    }

    /// Returns `peak_memory_bytes` of the last `run_finished` event: the
    /// largest size that one linear memory of that run reached.
    fn last_peak_memory_bytes(&self) -> Option<u64> {
        let events = self
            .events
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        events.iter().rev().find_map(|(_, _, event)| match event {
            RunEvent::RunFinished {
                peak_memory_bytes, ..
            } => Some(*peak_memory_bytes),
            _ => None,
        })
    }
}

fn not_available() -> ServiceError {
    ServiceError::Invalid("not available in the benchmark".to_owned())
}

#[async_trait]
impl HostServices for EventSink {
    async fn open_or_update_case(
        &self,
        _actor: &Actor,
        _request: CaseRequest,
    ) -> Result<CaseInfo, ServiceError> {
        Err(not_available())
    }

    async fn get_case(&self, _id: &str) -> Result<CaseInfo, ServiceError> {
        Err(not_available())
    }

    async fn find_open_cases_by_observable(
        &self,
        _value: &Observable,
        _limit: u32,
    ) -> Result<Vec<CaseInfo>, ServiceError> {
        Err(not_available())
    }

    async fn add_case_note(
        &self,
        _actor: &Actor,
        _case_id: &str,
        _body: &str,
    ) -> Result<(), ServiceError> {
        Err(not_available())
    }

    async fn set_case_severity(
        &self,
        _actor: &Actor,
        _case_id: &str,
        _severity: Severity,
    ) -> Result<(), ServiceError> {
        Err(not_available())
    }

    async fn set_case_status(
        &self,
        _actor: &Actor,
        _case_id: &str,
        _status: CaseStatus,
    ) -> Result<(), ServiceError> {
        Err(not_available())
    }

    async fn lookup_indicators(&self, _value: &Observable) -> Result<Vec<Indicator>, ServiceError> {
        Err(not_available())
    }

    async fn add_indicator(
        &self,
        _actor: &Actor,
        _indicator: Indicator,
    ) -> Result<(), ServiceError> {
        Err(not_available())
    }

    async fn secret_value(&self, _name: &str) -> Result<Option<String>, ServiceError> {
        Err(not_available())
    }

    async fn state_get(
        &self,
        _component: &str,
        _key: &str,
    ) -> Result<Option<Vec<u8>>, ServiceError> {
        Err(not_available())
    }

    async fn state_set(
        &self,
        _component: &str,
        _key: &str,
        _value: &[u8],
    ) -> Result<(), ServiceError> {
        Err(not_available())
    }

    async fn state_delete(&self, _component: &str, _key: &str) -> Result<(), ServiceError> {
        Err(not_available())
    }

    async fn record_event(
        &self,
        run_id: &str,
        seq: u64,
        event: &RunEvent,
    ) -> Result<(), ServiceError> {
        self.events
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .push((run_id.to_owned(), seq, event.clone()));
        Ok(())
    }
}

/// A Moat runtime with the measured playbook registered, and the services
/// of each variant.
#[derive(Clone)]
struct MoatBench {
    runtime: Runtime,
    /// Registered name of the measured playbook.
    playbook: &'static str,
    sink: Arc<EventSink>,
    sink_services: Arc<dyn HostServices>,
    store: MoatStore,
}

impl MoatBench {
    async fn new(wasm: &[u8]) -> anyhow::Result<MoatBench> {
        let runtime = Runtime::new(RuntimeConfig::default())?;
        runtime.register(Manifest::parse(NOOP_MANIFEST)?, wasm)?;
        MoatBench::with_runtime(runtime, "noop").await
    }

    /// Wraps `runtime`, in which `playbook` is already registered.
    async fn with_runtime(runtime: Runtime, playbook: &'static str) -> anyhow::Result<MoatBench> {
        let sink = Arc::new(EventSink::default());
        let store = MoatStore::connect_with_key("sqlite::memory:", SecretKey::generate()).await?;
        Ok(MoatBench {
            runtime,
            playbook,
            sink_services: sink.clone(),
            sink,
            store,
        })
    }

    async fn run_with_sink(&self) -> anyhow::Result<()> {
        self.run(new_run_id(), self.sink_services.clone()).await
    }

    async fn run(&self, run_id: String, services: Arc<dyn HostServices>) -> anyhow::Result<()> {
        let request = RunRequest {
            run_id,
            playbook: self.playbook.to_owned(),
            trigger: Trigger::Manual("{}".into()),
            services,
        };
        let report = Box::pin(self.runtime.run_playbook(request)).await;
        match report.result {
            Ok(_) => Ok(()),
            Err(failure) => bail!("the run of `{}` failed: {failure}", self.playbook),
        }
    }

    /// Creates the run row that the SQLite variant's events refer to.
    async fn enqueue(&self) -> anyhow::Result<String> {
        let run = NewRun {
            component: self.playbook.to_owned(),
            component_version: "0.1.0".to_owned(),
            trigger_kind: TriggerKind::Manual,
            alert_id: None,
            input: serde_json::json!({}),
        };
        Ok(self.store.enqueue_run(run).await?)
    }
}

/// Returns a run id that is unique within the process and as long as a
/// real one. The event sink does not check ids.
fn new_run_id() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("bench-run-{n:020}")
}

/// Times of one iteration. `run` is the part compared with bare wasmtime,
/// and `setup` is preparation that bare wasmtime does not need, such as
/// creating the run row. `parts` splits `run` of a bare run when the
/// variant measures them.
#[derive(Clone, Copy)]
struct IterationTime {
    setup: Duration,
    run: Duration,
    parts: Option<BareRunParts>,
}

/// The three parts of a bare run, which add up to its `run` time.
#[derive(Clone, Copy)]
struct BareRunParts {
    /// New `Store` and `instantiate_async`.
    instantiate: Duration,
    call: Duration,
    /// Dropping the store, which returns the instance's slot to the
    /// pooling allocator and resets its memories.
    drop: Duration,
}

type StepFuture = Pin<Box<dyn Future<Output = anyhow::Result<IterationTime>> + Send>>;
type Step = Arc<dyn Fn() -> StepFuture + Send + Sync>;

/// A named way of doing one run.
#[derive(Clone)]
struct Variant {
    name: &'static str,
    step: Step,
}

impl Variant {
    fn new(name: &'static str, step: Step) -> Variant {
        Variant { name, step }
    }
}

/// Times `future` as the run part of an iteration without setup.
async fn time_run(
    future: impl Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<IterationTime> {
    let started = Instant::now();
    future.await?;
    Ok(IterationTime {
        setup: Duration::ZERO,
        run: started.elapsed(),
        parts: None,
    })
}

fn bare_step(bare: &Arc<Bare>) -> Step {
    let bare = bare.clone();
    Arc::new(move || {
        let bare = bare.clone();
        Box::pin(async move { time_run(bare.run_once()).await })
    })
}

fn bare_split_step(bare: &Arc<Bare>) -> Step {
    let bare = bare.clone();
    Arc::new(move || {
        let bare = bare.clone();
        Box::pin(async move { bare.run_split().await })
    })
}

fn second_call_step(bare: &Arc<Bare>) -> Step {
    let bare = bare.clone();
    Arc::new(move || {
        let bare = bare.clone();
        Box::pin(async move { bare.second_call().await })
    })
}

fn sink_step(moat: &MoatBench) -> Step {
    let moat = moat.clone();
    Arc::new(move || {
        let moat = moat.clone();
        Box::pin(async move { time_run(moat.run_with_sink()).await })
    })
}

/// Enqueues a run row, then runs `noop` with the SQLite store as services.
fn sqlite_step(moat: &MoatBench) -> Step {
    let moat = moat.clone();
    let services: Arc<dyn HostServices> = Arc::new(moat.store.clone());
    Arc::new(move || {
        let moat = moat.clone();
        let services = services.clone();
        Box::pin(async move {
            let started = Instant::now();
            let run_id = moat.enqueue().await?;
            let enqueued = Instant::now();
            moat.run(run_id, services).await?;
            Ok(IterationTime {
                setup: enqueued - started,
                run: enqueued.elapsed(),
                parts: None,
            })
        })
    })
}

/// Enqueues a run row, then times the two `append_run_event` calls that a
/// `noop` run makes, without running anything: the SQLite share of a run.
fn event_writes_step(moat: &MoatBench) -> Step {
    let moat = moat.clone();
    Arc::new(move || {
        let moat = moat.clone();
        Box::pin(async move {
            let started = Instant::now();
            let run_id = moat.enqueue().await?;
            let enqueued = Instant::now();
            let run_started = RunEvent::RunStarted {
                component: "noop".to_owned(),
                version: "0.1.0".to_owned(),
                trigger: "manual".to_owned(),
            };
            moat.store
                .append_run_event(&run_id, 0, &run_started)
                .await?;
            let run_finished = RunEvent::RunFinished {
                ok: true,
                duration_ms: 0,
                summary: Some("ok".to_owned()),
                error: None,
                fuel_consumed: None,
                peak_memory_bytes: 1 << 20,
            };
            moat.store
                .append_run_event(&run_id, 1, &run_finished)
                .await?;
            Ok(IterationTime {
                setup: enqueued - started,
                run: enqueued.elapsed(),
                parts: None,
            })
        })
    })
}

// ---------------------------------------------------------------------------
// Python and JavaScript

/// A Python or JavaScript playbook measured in its own section.
struct ScriptPlaybook {
    language: &'static str,
    /// Registered name, and the folder name under `playbooks-src/test-guests`.
    name: &'static str,
    wasm: Vec<u8>,
}

/// Figures of one Python or JavaScript section.
struct ScriptReport {
    language: &'static str,
    name: &'static str,
    component_bytes: usize,
    registration: RegistrationTimes,
    /// Largest size that one linear memory reached in the last Moat run.
    peak_memory_bytes: u64,
    latencies: Vec<Latency>,
    worker_threads: usize,
}

/// Wall-clock times of `Runtime::register`, which compiles the component,
/// checks its world and imports, and links it.
struct RegistrationTimes {
    /// Into an empty compilation cache folder: compiling with Cranelift,
    /// then compressing and writing the result to the folder.
    first: Duration,
    /// In a new runtime on the same folder: reading and decompressing the
    /// compiled code instead of compiling.
    cached: Duration,
}

async fn measure_script(playbook: &ScriptPlaybook) -> anyhow::Result<ScriptReport> {
    let cache_dir = tempfile::tempdir().context("failed to create a compilation cache folder")?;
    let (registration, runtime) = measure_registration(playbook, cache_dir.path())?;
    let bare_config = with_cache(moat_engine_config()?, cache_dir.path())?;
    let bare = Arc::new(Bare::new(bare_config, &playbook.wasm, true)?);
    let resident_config = with_cache(keep_resident_config(KEEP_RESIDENT_BYTES)?, cache_dir.path())?;
    let resident = Arc::new(Bare::new(resident_config, &playbook.wasm, true)?);
    let moat = MoatBench::with_runtime(runtime, playbook.name).await?;

    let variants = vec![
        Variant::new("bare, Moat engine settings", bare_split_step(&bare)),
        Variant::new("moat, event sink", sink_step(&moat)),
        Variant::new("bare, second call_run", second_call_step(&bare)),
        Variant::new(KEEP_RESIDENT_VARIANT, bare_step(&resident)),
    ];
    let samples = measure_interleaved(&variants, &SCRIPT_SCHEDULE).await?;
    let latencies = script_latencies(&samples)?;
    let peak_memory_bytes = check_script_events(&moat)?;

    Ok(ScriptReport {
        language: playbook.language,
        name: playbook.name,
        component_bytes: playbook.wasm.len(),
        registration,
        peak_memory_bytes,
        latencies,
        worker_threads: tokio::runtime::Handle::current().metrics().num_workers(),
    })
}

/// Checks that the event sink stored two events per Moat run of the
/// section, and returns the peak memory of the last run.
fn check_script_events(moat: &MoatBench) -> anyhow::Result<u64> {
    let stored = moat.sink.len();
    let expected = 2 * (SCRIPT_SCHEDULE.warm_up + SCRIPT_SCHEDULE.measured);
    ensure!(
        stored == expected,
        "the event sink stored {stored} events for `{}`, expected {expected} (run_started and run_finished per run)",
        moat.playbook
    );
    moat.sink
        .last_peak_memory_bytes()
        .context("the event sink stored no run_finished event")
}

/// Registers `playbook` in a runtime whose compilation cache folder
/// `cache_dir` is empty, then in a second runtime that loads the compiled
/// code from that folder. Returns both times and the second runtime.
fn measure_registration(
    playbook: &ScriptPlaybook,
    cache_dir: &Path,
) -> anyhow::Result<(RegistrationTimes, Runtime)> {
    let first = time_registration(&cached_runtime(cache_dir)?, playbook)?;
    let runtime = cached_runtime(cache_dir)?;
    let cached = time_registration(&runtime, playbook)?;
    Ok((RegistrationTimes { first, cached }, runtime))
}

fn cached_runtime(cache_dir: &Path) -> anyhow::Result<Runtime> {
    Runtime::new(RuntimeConfig {
        cache_dir: Some(cache_dir.to_owned()),
        ..RuntimeConfig::default()
    })
}

/// Registers `playbook` with default limits and no grants, and returns how
/// long `Runtime::register` took.
fn time_registration(runtime: &Runtime, playbook: &ScriptPlaybook) -> anyhow::Result<Duration> {
    let text = moat_tests::manifest(playbook.name, ComponentKind::Playbook, "");
    let manifest = Manifest::parse(&text)?;
    let started = Instant::now();
    runtime
        .register(manifest, &playbook.wasm)
        .with_context(|| format!("failed to register `{}`", playbook.name))?;
    Ok(started.elapsed())
}

/// Adds a compilation cache in `cache_dir` to `config`, so that the bare
/// engine loads the code that `Runtime::register` compiled instead of
/// compiling the component again.
fn with_cache(mut config: Config, cache_dir: &Path) -> anyhow::Result<Config> {
    let mut cache = CacheConfig::new();
    cache.with_directory(cache_dir);
    config.cache(Some(Cache::new(cache)?));
    Ok(config)
}

/// Turns the samples of the script section's variants, in the order
/// [`measure_script`] lists them, into its rows: the bare run as a whole
/// and its three parts, then each other variant.
fn script_latencies(samples: &[Vec<IterationTime>]) -> anyhow::Result<Vec<Latency>> {
    let [bare, moat, second_call, resident] = samples else {
        bail!("expected the samples of 4 variants, got {}", samples.len());
    };
    let parts = bare
        .iter()
        .map(|time| time.parts.context("a bare run has no split times"))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let run_times = |times: &[IterationTime]| times.iter().map(|time| time.run).collect();
    let part_times = |part: fn(&BareRunParts) -> Duration| parts.iter().map(part).collect();
    Ok(vec![
        Latency::from_samples("bare, Moat engine settings", run_times(bare)),
        Latency::from_samples("bare, instantiate only", part_times(|p| p.instantiate)),
        Latency::from_samples("bare, call_run only", part_times(|p| p.call)),
        Latency::from_samples("bare, drop only", part_times(|p| p.drop)),
        Latency::from_samples("moat, event sink", run_times(moat)),
        Latency::from_samples("bare, second call_run", run_times(second_call)),
        Latency::from_samples(KEEP_RESIDENT_VARIANT, run_times(resident)),
    ])
}

// ---------------------------------------------------------------------------
// Measurement

/// Per-run wall-clock times of one loop, in microseconds.
struct Latency {
    variant: &'static str,
    mean_us: f64,
    median_us: f64,
    p99_us: f64,
}

impl Latency {
    fn from_samples(variant: &'static str, mut samples: Vec<Duration>) -> Latency {
        samples.sort_unstable();
        let micros = |duration: Duration| duration.as_secs_f64() * 1e6;
        let total: f64 = samples.iter().copied().map(micros).sum();
        let p99_index = (samples.len() * 99 / 100).min(samples.len() - 1);
        Latency {
            variant,
            mean_us: total / samples.len() as f64,
            median_us: micros(samples[samples.len() / 2]),
            p99_us: micros(samples[p99_index]),
        }
    }
}

/// Run counts of one latency section.
struct Schedule {
    /// Unmeasured runs of each variant before timing.
    warm_up: usize,
    /// Timed runs of each variant.
    measured: usize,
    /// Turns the variants take. `measured` must be a multiple of it.
    rounds: usize,
}

/// Runs every variant `schedule.warm_up` times, then `schedule.measured`
/// times in `schedule.rounds` rounds that take turns between the variants,
/// all in one spawned task. Taking turns spreads the load of other
/// processes on the machine over all variants alike, so the ratios stay
/// fair when the load changes.
async fn measure_interleaved(
    variants: &[Variant],
    schedule: &Schedule,
) -> anyhow::Result<Vec<Vec<IterationTime>>> {
    let variants = variants.to_vec();
    let Schedule {
        warm_up,
        measured,
        rounds,
    } = *schedule;
    let handle = tokio::spawn(async move {
        for variant in &variants {
            for _ in 0..warm_up {
                (variant.step)()
                    .await
                    .with_context(|| format!("variant `{}` failed", variant.name))?;
            }
        }
        let mut samples = vec![Vec::with_capacity(measured); variants.len()];
        for _ in 0..rounds {
            for (variant, times) in variants.iter().zip(&mut samples) {
                for _ in 0..measured / rounds {
                    let time = (variant.step)()
                        .await
                        .with_context(|| format!("variant `{}` failed", variant.name))?;
                    times.push(time);
                }
            }
        }
        Ok::<_, anyhow::Error>(samples)
    });
    handle.await?
}

/// Runs completed per second by `CONCURRENT_LOOPS` loops at once.
struct Throughput {
    variant: &'static str,
    runs_per_second: f64,
}

/// For each variant, starts `CONCURRENT_LOOPS` tasks that each do
/// `MEASURED_RUNS / ROUNDS` runs, and adds up the wall-clock time until the
/// last task ends. The variants take turns for `ROUNDS` rounds, and are
/// already warm from [`measure_interleaved`].
async fn measure_throughput(variants: &[Variant]) -> anyhow::Result<Vec<Throughput>> {
    let mut elapsed = vec![Duration::ZERO; variants.len()];
    for _ in 0..ROUNDS {
        for (variant, total) in variants.iter().zip(&mut elapsed) {
            let started = Instant::now();
            let loops = (0..CONCURRENT_LOOPS)
                .map(|_| {
                    let step = variant.step.clone();
                    tokio::spawn(async move {
                        for _ in 0..MEASURED_RUNS / ROUNDS {
                            step().await?;
                        }
                        Ok::<_, anyhow::Error>(())
                    })
                })
                .collect::<Vec<_>>();
            for handle in loops {
                handle
                    .await?
                    .with_context(|| format!("variant `{}` failed", variant.name))?;
            }
            *total += started.elapsed();
        }
    }
    let runs = (CONCURRENT_LOOPS * MEASURED_RUNS) as f64;
    Ok(variants
        .iter()
        .zip(elapsed)
        .map(|(variant, total)| Throughput {
            variant: variant.name,
            runs_per_second: runs / total.as_secs_f64(),
        })
        .collect())
}

#[expect(
    clippy::print_stdout,
    reason = "the benchmark's report is its standard output"
)]
fn print_report(report: &Report) {
    println!(
        "\nPer-run latency of `noop`: {WARM_UP_RUNS} warm-up runs, then {MEASURED_RUNS} timed runs per variant in {ROUNDS} interleaved rounds; tokio worker threads: {}\n",
        report.worker_threads
    );
    print_latency_table(&report.latencies, TimeUnit::Micros);

    let throughput_baseline = &report.throughputs[0];
    println!(
        "\nThroughput: {CONCURRENT_LOOPS} loops at once, {MEASURED_RUNS} runs each per variant in {ROUNDS} interleaved rounds\n"
    );
    println!("| Variant | Runs/s | Wall time per run (µs) | Bare runs/s ÷ variant runs/s |");
    println!("|---|---:|---:|---:|");
    for row in &report.throughputs {
        println!(
            "| {} | {:.0} | {:.1} | {:.2} |",
            row.variant,
            row.runs_per_second,
            1e6 / row.runs_per_second,
            throughput_baseline.runs_per_second / row.runs_per_second,
        );
    }
}

/// Unit of the times in a latency table.
#[derive(Clone, Copy)]
enum TimeUnit {
    Micros,
    Millis,
}

impl TimeUnit {
    fn symbol(self) -> &'static str {
        match self {
            TimeUnit::Micros => "µs",
            TimeUnit::Millis => "ms",
        }
    }

    /// Digits printed after the decimal point.
    fn decimals(self) -> usize {
        match self {
            TimeUnit::Micros => 1,
            TimeUnit::Millis => 2,
        }
    }

    /// Converts `micros` microseconds to this unit.
    fn convert(self, micros: f64) -> f64 {
        match self {
            TimeUnit::Micros => micros,
            TimeUnit::Millis => micros / 1e3,
        }
    }
}

/// Prints `latencies` as a Markdown table whose ratios divide by the first
/// row.
#[expect(
    clippy::print_stdout,
    reason = "the benchmark's report is its standard output"
)]
fn print_latency_table(latencies: &[Latency], unit: TimeUnit) {
    let baseline = &latencies[0];
    let symbol = unit.symbol();
    let decimals = unit.decimals();
    println!(
        "| Variant | Mean ({symbol}) | Median ({symbol}) | p99 ({symbol}) | Mean / bare | Median / bare |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for row in latencies {
        println!(
            "| {} | {:.decimals$} | {:.decimals$} | {:.decimals$} | {:.2} | {:.2} |",
            row.variant,
            unit.convert(row.mean_us),
            unit.convert(row.median_us),
            unit.convert(row.p99_us),
            row.mean_us / baseline.mean_us,
            row.median_us / baseline.median_us,
        );
    }
}

#[expect(
    clippy::print_stdout,
    reason = "the benchmark's report is its standard output"
)]
fn print_script_report(report: &ScriptReport) {
    let Schedule {
        warm_up,
        measured,
        rounds,
    } = SCRIPT_SCHEDULE;
    println!("\n{} playbook `{}`\n", report.language, report.name);
    println!(
        "| Component size (bytes) | First registration, empty cache (s) | Registration from cache (ms) | Largest linear memory of a run (MiB) |"
    );
    println!("|---:|---:|---:|---:|");
    println!(
        "| {} | {:.2} | {:.1} | {:.1} |",
        report.component_bytes,
        report.registration.first.as_secs_f64(),
        report.registration.cached.as_secs_f64() * 1e3,
        report.peak_memory_bytes as f64 / f64::from(1 << 20),
    );
    println!(
        "\nPer-run latency of `{}`: {warm_up} warm-up runs, then {measured} timed runs per variant in {rounds} interleaved rounds; tokio worker threads: {}\n",
        report.name, report.worker_threads
    );
    print_latency_table(&report.latencies, TimeUnit::Millis);
}
