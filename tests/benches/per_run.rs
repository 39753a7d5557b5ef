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

use anyhow::{Context, bail, ensure};
use async_trait::async_trait;
use moat::store::{NewRun, SecretKey, Store as MoatStore, TriggerKind};
use moat_runtime::bindings::moat::platform::types as wit;
use moat_runtime::bindings::{Playbook, PlaybookPre};
use moat_runtime::engine::DEFAULT_MAX_INSTANCES;
use moat_runtime::events::RunEvent;
use moat_runtime::execute::RunRequest;
use moat_runtime::limits::MAX_MEMORY_MB;
use moat_runtime::model::{
    Actor, CaseInfo, CaseRequest, CaseStatus, Indicator, Observable, Severity, Trigger,
};
use moat_runtime::services::{HostServices, ServiceError};
use moat_runtime::{Manifest, Runtime, RuntimeConfig};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

/// Unmeasured runs of each variant before timing, which fill the pooling
/// allocator's slots and the allocator caches.
const WARM_UP_RUNS: usize = 200;
/// Timed runs of each variant.
const MEASURED_RUNS: usize = 2_000;
/// Turns the variants take. `MEASURED_RUNS` must be a multiple of it.
const ROUNDS: usize = 20;
/// Loops run at once in the throughput section. The per-run target is
/// stated for two cores.
const CONCURRENT_LOOPS: usize = 2;

/// Versioned name of the WIT interface that declares Moat's shared types.
const MOAT_TYPES_INTERFACE: &str = "moat:platform/types@0.1.0";

/// Manifest of the `noop` playbook: default limits and no grants.
const NOOP_MANIFEST: &str = r#"
name = "noop"
version = "0.1.0"
kind = "playbook"
component = "noop.wasm"
"#;

fn main() -> anyhow::Result<()> {
    let wasm = moat_tests::components::wasm_bytes("noop");
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the tokio runtime")?;
    let report = tokio.block_on(measure_all(wasm))?;
    print_report(&report);
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
    let samples = measure_interleaved(&variants).await?;
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

    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .epoch_interruption(true)
        .consume_fuel(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Ok(config)
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

/// A compiled and linked `noop` outside Moat.
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
        // `noop` imports WASI and `moat:platform/types`, which declares types
        // only, so an empty instance satisfies it and no moat host function
        // is needed. `define_unknown_imports_as_traps` does not work here:
        // in wasmtime 48 it redefines the `error` resource that
        // `wasi:io/streams` uses from `wasi:io/error`, and instantiation then
        // fails with "mismatched resource types".
        linker.instance(MOAT_TYPES_INTERFACE)?;
        let pre = PlaybookPre::new(linker.instantiate_pre(&component)?)?;
        Ok(Bare {
            engine,
            pre,
            metered,
        })
    }

    async fn run_once(&self) -> anyhow::Result<()> {
        let mut store = Store::new(&self.engine, BareState::new());
        if self.metered {
            store.set_fuel(u64::MAX)?;
            // No epoch ticker runs for this engine, so the deadline is never
            // reached. Moat's ticker adds one callback per 5 ms at most.
            store.set_epoch_deadline(1);
        }
        let instance: Playbook = self.pre.instantiate_async(&mut store).await?;
        let trigger = wit::Trigger::Manual("{}".to_owned());
        match instance.call_run(&mut store, &trigger).await? {
            Ok(_) => Ok(()),
            Err(error) => bail!("noop returned an error: {error:?}"),
        }
    }
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

/// A Moat runtime with `noop` registered, and the services of each variant.
#[derive(Clone)]
struct MoatBench {
    runtime: Runtime,
    sink: Arc<EventSink>,
    sink_services: Arc<dyn HostServices>,
    store: MoatStore,
}

impl MoatBench {
    async fn new(wasm: &[u8]) -> anyhow::Result<MoatBench> {
        let runtime = Runtime::new(RuntimeConfig::default())?;
        runtime.register(Manifest::parse(NOOP_MANIFEST)?, wasm)?;
        let sink = Arc::new(EventSink::default());
        let store = MoatStore::connect_with_key("sqlite::memory:", SecretKey::generate()).await?;
        Ok(MoatBench {
            runtime,
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
            playbook: "noop".to_owned(),
            trigger: Trigger::Manual("{}".into()),
            services,
        };
        let report = Box::pin(self.runtime.run_playbook(request)).await;
        match report.result {
            Ok(_) => Ok(()),
            Err(failure) => bail!("noop run failed: {failure}"),
        }
    }

    /// Creates the run row that the SQLite variant's events refer to.
    async fn enqueue(&self) -> anyhow::Result<String> {
        let run = NewRun {
            component: "noop".to_owned(),
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
/// creating the run row.
#[derive(Clone, Copy)]
struct IterationTime {
    setup: Duration,
    run: Duration,
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
    })
}

fn bare_step(bare: &Arc<Bare>) -> Step {
    let bare = bare.clone();
    Arc::new(move || {
        let bare = bare.clone();
        Box::pin(async move { time_run(bare.run_once()).await })
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
            })
        })
    })
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

/// Runs every variant `WARM_UP_RUNS` times, then `MEASURED_RUNS` times in
/// `ROUNDS` rounds that take turns between the variants, all in one spawned
/// task. Taking turns spreads the load of other processes on the machine
/// over all variants alike, so the ratios stay fair when the load changes.
async fn measure_interleaved(variants: &[Variant]) -> anyhow::Result<Vec<Vec<IterationTime>>> {
    let variants = variants.to_vec();
    let handle = tokio::spawn(async move {
        for variant in &variants {
            for _ in 0..WARM_UP_RUNS {
                (variant.step)()
                    .await
                    .with_context(|| format!("variant `{}` failed", variant.name))?;
            }
        }
        let mut samples = vec![Vec::with_capacity(MEASURED_RUNS); variants.len()];
        for _ in 0..ROUNDS {
            for (variant, times) in variants.iter().zip(&mut samples) {
                for _ in 0..MEASURED_RUNS / ROUNDS {
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
    let baseline = &report.latencies[0];
    println!(
        "\nPer-run latency of `noop`: {WARM_UP_RUNS} warm-up runs, then {MEASURED_RUNS} timed runs per variant in {ROUNDS} interleaved rounds; tokio worker threads: {}\n",
        report.worker_threads
    );
    println!("| Variant | Mean (µs) | Median (µs) | p99 (µs) | Mean / bare | Median / bare |");
    println!("|---|---:|---:|---:|---:|---:|");
    for row in &report.latencies {
        println!(
            "| {} | {:.1} | {:.1} | {:.1} | {:.2} | {:.2} |",
            row.variant,
            row.mean_us,
            row.median_us,
            row.p99_us,
            row.mean_us / baseline.mean_us,
            row.median_us / baseline.median_us,
        );
    }

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
