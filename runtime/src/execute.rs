//! One call into a component: a playbook run or a connector action.

use crate::bindings::moat::platform::types as wit;
use crate::engine::Runtime;
use crate::error::RunFailure;
use crate::event_log::EventLog;
use crate::events::RunEvent;
use crate::host::convert;
use crate::limits::Limits;
use crate::mask::SecretMasker;
use crate::model::{Actor, Trigger};
use crate::policy::outbound::{OutboundContext, OutboundPolicy};
use crate::registry::{Entry, LoadedComponent};
use crate::services::HostServices;
use crate::store_state::{CallContext, Deadline, MemoryLimitExceeded, RunState};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use wasmtime::{Store, UpdateDeadline};

/// Value a playbook run returned.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunOutput {
    pub summary: String,
    pub data: serde_json::Value,
}

/// Outcome and measurements of one run.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub result: Result<RunOutput, RunFailure>,
    pub duration: Duration,
    pub fuel_consumed: Option<u64>,
    pub peak_memory_bytes: u64,
}

/// A request to run a playbook.
#[derive(Debug, Clone)]
pub struct RunRequest {
    pub run_id: String,
    pub playbook: String,
    pub trigger: Trigger,
    pub services: Arc<dyn HostServices>,
}

/// A request to run one connector action directly, as `moat test` does,
/// rather than from a playbook.
#[derive(Debug, Clone)]
pub struct ConnectorRequest {
    /// Id under which the call's events are recorded.
    pub run_id: String,
    pub connector: String,
    pub action: String,
    /// JSON text.
    pub input: String,
    pub services: Arc<dyn HostServices>,
}

/// Trap raised by the epoch callback once a call passes its deadline.
#[derive(Debug, thiserror::Error)]
#[error(
    "deadline of {timeout_ms} ms set by `{component}` passed; raise [limits] timeout_ms in the moat.toml of `{component}` if the work needs longer"
)]
pub struct DeadlineExceeded {
    /// `timeout_ms` of the component whose deadline passed.
    pub timeout_ms: u64,
    pub component: String,
}

impl DeadlineExceeded {
    fn new(deadline: &Deadline) -> DeadlineExceeded {
        DeadlineExceeded {
            timeout_ms: deadline.timeout_ms,
            component: deadline.component.clone(),
        }
    }
}

/// `limit` of the `limit_hit` event for a passed deadline.
const TIMEOUT_LIMIT: &str = "timeout_ms";

impl Runtime {
    /// Runs a registered playbook once in a fresh instance and records its
    /// execution log through `request.services`.
    pub async fn run_playbook(&self, request: RunRequest) -> RunReport {
        let started = Instant::now();
        let Some(component) = self.component(&request.playbook) else {
            let failure = RunFailure::new(
                "not-found",
                format!("playbook `{}` is not registered", request.playbook),
            );
            return failed_report(failure, started);
        };
        if !matches!(component.entry, Entry::Playbook(_)) {
            let failure = RunFailure::new(
                "invalid",
                format!("`{}` is a connector, not a playbook", request.playbook),
            );
            return failed_report(failure, started);
        }

        let masker = SecretMasker::default();
        let events = Arc::new(EventLog::new(
            &request.run_id,
            request.services.clone(),
            masker,
            component.manifest.limits.max_log_bytes,
        ));
        events
            .record(RunEvent::RunStarted {
                component: component.manifest.name.clone(),
                version: component.manifest.version.clone(),
                trigger: trigger_label(&request.trigger),
            })
            .await;

        let actor = Actor::Run {
            run_id: request.run_id.clone(),
            component: component.manifest.name.clone(),
        };
        let call = self.call_context(
            component,
            actor,
            request.services.clone(),
            events.clone(),
            0,
            None,
        );
        let report = self.execute(call, Invocation::Run(request.trigger)).await;
        let report = RunReport {
            duration: started.elapsed(),
            ..report.into_run_report()
        };

        events.record(finished_event(&report)).await;
        report
    }

    /// Runs one connector action in a fresh instance, with the connector's
    /// own grants and limits, and returns the JSON text it returned. Events
    /// are recorded through `request.services` under `request.run_id`.
    pub async fn invoke_connector(&self, request: ConnectorRequest) -> Result<String, RunFailure> {
        let component = self.connector_component(&request.connector)?;
        let events = Arc::new(EventLog::new(
            &request.run_id,
            request.services.clone(),
            SecretMasker::default(),
            component.manifest.limits.max_log_bytes,
        ));

        let actor = Actor::Run {
            run_id: request.run_id.clone(),
            component: component.manifest.name.clone(),
        };
        let call = self.call_context(component, actor, request.services, events, 0, None);
        let invocation = Invocation::Connector {
            action: request.action,
            input: request.input,
        };
        connector_result(self.execute(call, invocation).await)
    }

    /// Calls `action` of connector `name` on behalf of the caller in
    /// `parent`, in the connector's own sandbox with its own grants.
    pub(crate) async fn call_connector(
        &self,
        parent: &CallContext,
        name: &str,
        action: String,
        input: String,
    ) -> Result<String, RunFailure> {
        let component = self.connector_component(name)?;

        let actor = Actor::Run {
            run_id: parent.events.run_id().to_owned(),
            component: component.manifest.name.clone(),
        };
        let call = self.call_context(
            component,
            actor,
            parent.services.clone(),
            parent.events.clone(),
            parent.depth + 1,
            Some(parent.deadline.clone()),
        );
        connector_result(
            self.execute(call, Invocation::Connector { action, input })
                .await,
        )
    }

    fn connector_component(&self, name: &str) -> Result<Arc<LoadedComponent>, RunFailure> {
        let Some(component) = self.component(name) else {
            return Err(RunFailure::new(
                "not-found",
                format!("connector `{name}` is not registered"),
            ));
        };
        if !matches!(component.entry, Entry::Connector(_)) {
            return Err(RunFailure::new(
                "invalid",
                format!("`{name}` is a playbook, not a connector"),
            ));
        }
        Ok(component)
    }

    fn call_context(
        &self,
        component: Arc<LoadedComponent>,
        actor: Actor,
        services: Arc<dyn HostServices>,
        events: Arc<EventLog>,
        depth: u32,
        parent_deadline: Option<Deadline>,
    ) -> CallContext {
        let timeout_ms = component.manifest.limits.timeout_ms;
        let own_deadline = Deadline {
            at: tokio::time::Instant::now() + Duration::from_millis(timeout_ms),
            timeout_ms,
            component: component.manifest.name.clone(),
        };
        let (deadline, owns_deadline) = match parent_deadline {
            Some(parent) if parent.at <= own_deadline.at => (parent, false),
            _ => (own_deadline, true),
        };
        CallContext {
            runtime: self.clone(),
            component,
            actor,
            services,
            events,
            depth,
            deadline,
            owns_deadline,
        }
    }

    async fn execute(&self, call: CallContext, invocation: Invocation) -> CallReport {
        let limits = call.component.manifest.limits.clone();
        self.preload_secrets(&call).await;

        let body_cap_hit = Arc::new(AtomicBool::new(false));
        let mut store = self.new_store(call.clone(), &limits, body_cap_hit.clone());
        let outcome = tokio::time::timeout_at(
            call.deadline.at,
            invoke(&mut store, &call.component, invocation),
        )
        .await;

        let fuel_consumed = limits
            .fuel
            .and_then(|fuel| store.get_fuel().ok().map(|left| fuel - left));
        let peak_memory_bytes = store.data().limiter.peak_bytes as u64;
        // `limit` names the limit that this call hit itself. An error that
        // the guest returned carries no limit: a limit behind it, such as a
        // connector's memory cap, was recorded where it was hit.
        let (result, limit) = match outcome {
            Ok(Ok(Ok(completed))) => match check_output(completed, &limits, call.events.masker()) {
                Ok(completed) => (Ok(completed), None),
                Err(failure) => (Err(failure), Some("max_output_bytes")),
            },
            Ok(Ok(Err(failure))) => (Err(failure), None),
            Ok(Err(trap)) => {
                let (failure, limit) = classify_trap(trap, &call.deadline, &limits);
                (Err(failure), limit)
            }
            Err(_) => (Err(timeout_failure(&call.deadline)), Some(TIMEOUT_LIMIT)),
        };

        let body_cap_hit = body_cap_hit.load(Ordering::SeqCst);
        record_limits_hit(&call, &limits, &result, limit, body_cap_hit).await;
        CallReport {
            result,
            fuel_consumed,
            peak_memory_bytes,
        }
    }

    async fn preload_secrets(&self, call: &CallContext) {
        for name in call.component.manifest.grants.secrets.keys() {
            match call.services.secret_value(name).await {
                Ok(Some(value)) => call.events.masker().add(name, &value),
                Ok(None) => {}
                Err(error) => {
                    tracing::error!(secret = %name, error = %error, "failed to load secret for masking")
                }
            }
        }
    }

    fn new_store(
        &self,
        call: CallContext,
        limits: &Limits,
        body_cap_hit: Arc<AtomicBool>,
    ) -> Store<RunState> {
        let policy = OutboundPolicy {
            context: Arc::new(outbound_context(self, &call, limits, body_cap_hit)),
        };
        let memory_limit = (limits.memory_mb as usize) << 20;
        let mut store = Store::new(
            &self.inner.engine,
            RunState::new(call.clone(), policy, memory_limit),
        );
        store.limiter(|state| &mut state.limiter);
        let _ = store.set_fuel(limits.fuel.unwrap_or(u64::MAX));

        let deadline = call.deadline.clone();
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |_| {
            if tokio::time::Instant::now() >= deadline.at {
                return Err(wasmtime::Error::new(DeadlineExceeded::new(&deadline)));
            }
            Ok(UpdateDeadline::Yield(1))
        });
        store
    }
}

fn outbound_context(
    runtime: &Runtime,
    call: &CallContext,
    limits: &Limits,
    body_cap_hit: Arc<AtomicBool>,
) -> OutboundContext {
    OutboundContext {
        component: call.component.manifest.name.clone(),
        allow: call.component.allow.clone(),
        secret_bindings: call.component.secret_bindings.clone(),
        services: call.services.clone(),
        masker: call.events.masker().clone(),
        events: call.events.clone(),
        resolver: runtime.inner.resolver.clone(),
        dialer: runtime.inner.dialer.clone(),
        connections: Arc::new(Semaphore::new(limits.max_connections as usize)),
        max_connections: limits.max_connections,
        connect_timeout: Duration::from_millis(limits.connect_timeout_ms),
        max_body_bytes: limits.max_http_body_bytes,
        body_cap_hit,
        deadline: call.deadline.at,
    }
}

enum Invocation {
    Run(Trigger),
    Connector { action: String, input: String },
}

enum Completed {
    Run(RunOutput),
    Connector(String),
}

struct CallReport {
    result: Result<Completed, RunFailure>,
    fuel_consumed: Option<u64>,
    peak_memory_bytes: u64,
}

impl CallReport {
    fn into_run_report(self) -> RunReport {
        let result = match self.result {
            Ok(Completed::Run(output)) => Ok(output),
            Ok(Completed::Connector(_)) => Err(RunFailure::new(
                "internal",
                "playbook returned a connector result",
            )),
            Err(failure) => Err(failure),
        };
        RunReport {
            result,
            duration: Duration::ZERO,
            fuel_consumed: self.fuel_consumed,
            peak_memory_bytes: self.peak_memory_bytes,
        }
    }
}

/// Instantiates the component in `store` and makes the one call.
/// `Err` is a trap; a WIT error from the guest is an `Ok(Err(..))` inside.
async fn invoke(
    store: &mut Store<RunState>,
    component: &LoadedComponent,
    invocation: Invocation,
) -> wasmtime::Result<Result<Completed, RunFailure>> {
    match (&component.entry, invocation) {
        (Entry::Playbook(pre), Invocation::Run(trigger)) => {
            let instance = pre.instantiate_async(&mut *store).await?;
            let trigger = convert::trigger_to_wit(&trigger);
            let returned = instance.call_run(&mut *store, &trigger).await?;
            Ok(returned
                .map_err(|error| RunFailure::from_guest(&error))
                .and_then(run_output))
        }
        (Entry::Connector(pre), Invocation::Connector { action, input }) => {
            let instance = pre.instantiate_async(&mut *store).await?;
            let returned = instance.call_invoke(&mut *store, &action, &input).await?;
            Ok(returned
                .map(Completed::Connector)
                .map_err(|error| RunFailure::from_guest(&error)))
        }
        _ => Ok(Err(RunFailure::new(
            "invalid",
            "the component does not export the called world",
        ))),
    }
}

fn connector_result(report: CallReport) -> Result<String, RunFailure> {
    match report.result {
        Ok(Completed::Connector(output)) => Ok(output),
        Ok(Completed::Run(_)) => Err(RunFailure::new(
            "internal",
            "connector returned a playbook result",
        )),
        Err(failure) => Err(failure),
    }
}

fn run_output(output: wit::RunOutput) -> Result<Completed, RunFailure> {
    let data = if output.data.trim().is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&output.data).map_err(|error| {
            RunFailure::new(
                "invalid",
                format!("run output `data` is not valid JSON: {error}"),
            )
        })?
    };
    Ok(Completed::Run(RunOutput {
        summary: output.summary,
        data,
    }))
}

fn check_output(
    completed: Completed,
    limits: &Limits,
    masker: &SecretMasker,
) -> Result<Completed, RunFailure> {
    let size = match &completed {
        Completed::Run(output) => output.summary.len() + output.data.to_string().len(),
        Completed::Connector(output) => output.len(),
    };
    if size as u64 > limits.max_output_bytes {
        return Err(RunFailure::new(
            "limit-exceeded",
            format!(
                "output of {size} bytes is over the {}-byte limit; raise [limits] max_output_bytes in moat.toml",
                limits.max_output_bytes
            ),
        ));
    }
    Ok(mask_completed(completed, masker))
}

fn mask_completed(completed: Completed, masker: &SecretMasker) -> Completed {
    match completed {
        Completed::Connector(output) => Completed::Connector(masker.mask(&output)),
        Completed::Run(output) => {
            let data_text = masker.mask(&output.data.to_string());
            Completed::Run(RunOutput {
                summary: masker.mask(&output.summary),
                data: serde_json::from_str(&data_text)
                    .unwrap_or(serde_json::Value::String(data_text)),
            })
        }
    }
}

/// Turns a trap into the run failure and the name of the limit it hit,
/// if any.
fn classify_trap(
    error: wasmtime::Error,
    deadline: &Deadline,
    limits: &Limits,
) -> (RunFailure, Option<&'static str>) {
    if let Some(passed) = error.downcast_ref::<DeadlineExceeded>() {
        return (
            RunFailure::new("timeout", passed.to_string()),
            Some(TIMEOUT_LIMIT),
        );
    }
    if let Some(memory) = error.downcast_ref::<MemoryLimitExceeded>() {
        return (
            RunFailure::new("limit-exceeded", memory.to_string()),
            Some("memory_mb"),
        );
    }
    match error.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::OutOfFuel) => (
            RunFailure::new(
                "limit-exceeded",
                format!(
                    "fuel limit of {} exhausted; raise [limits] fuel in moat.toml",
                    limits.fuel.unwrap_or(0)
                ),
            ),
            Some("fuel"),
        ),
        Some(wasmtime::Trap::StackOverflow) => (
            RunFailure::new("limit-exceeded", "call stack exhausted (deep recursion)"),
            Some(CALL_STACK_LIMIT),
        ),
        Some(wasmtime::Trap::MemoryOutOfBounds) if is_runaway_recursion(&error) => (
            RunFailure::new(
                "limit-exceeded",
                "call stack exhausted (deep recursion): the guest's stack in linear memory overflowed into an out-of-bounds access",
            ),
            Some(CALL_STACK_LIMIT),
        ),
        Some(wasmtime::Trap::Interrupt) => (timeout_failure(deadline), Some(TIMEOUT_LIMIT)),
        _ => (RunFailure::new("trap", format!("{error:#}")), None),
    }
}

/// `limit` of the `limit_hit` event for an exhausted call stack. It has no
/// `[limits]` key: the guest's toolchain sets its stack size.
const CALL_STACK_LIMIT: &str = "call_stack";

/// Innermost frames that must repeat one short cycle of functions for an
/// out-of-bounds trap to count as stack exhaustion. wasmtime 48 keeps 20
/// frames of a backtrace by default (`Config::wasm_backtrace_max_frames`).
const RECURSION_FRAMES: usize = 16;

/// Maximum length of a cycle of functions, such as `a -> b -> a`, that
/// counts as recursion.
const MAX_RECURSION_CYCLE: usize = 4;

/// Returns whether the backtrace of `error` shows a function recursing.
///
/// Rust and C guests keep their stack in linear memory below the data
/// segment, so recursing past it reads or writes below address 0, which
/// wraps to an out-of-bounds address instead of raising wasmtime's own
/// stack-overflow trap.
// NOTE: the trap carries no faulting address here, so this infers stack
// exhaustion from the backtrace. An out-of-bounds bug inside a deep
// recursion is reported as stack exhaustion too.
fn is_runaway_recursion(error: &wasmtime::Error) -> bool {
    let Some(backtrace) = error.downcast_ref::<wasmtime::WasmBacktrace>() else {
        return false;
    };
    // The innermost frame may be a leaf, such as `memset`, that the
    // recursing function called, so it is left out.
    let functions: Vec<u32> = backtrace
        .frames()
        .iter()
        .skip(1)
        .map(wasmtime::FrameInfo::func_index)
        .collect();
    if functions.len() < RECURSION_FRAMES - 1 {
        return false;
    }
    (1..=MAX_RECURSION_CYCLE).any(|cycle| {
        functions
            .windows(cycle + 1)
            .all(|window| window[0] == window[cycle])
    })
}

fn timeout_failure(deadline: &Deadline) -> RunFailure {
    RunFailure::new("timeout", DeadlineExceeded::new(deadline).to_string())
}

/// Returns the limit to record for `result`, or `None` when this call
/// did not hit one or another call records it.
///
/// A deadline shared by nested calls is recorded once, by the call that
/// set it. That call also records a timeout that a connector returned
/// once the shared deadline has passed.
fn reported_limit(
    call: &CallContext,
    result: &Result<Completed, RunFailure>,
    limit: Option<&'static str>,
) -> Option<&'static str> {
    let deadline_passed = tokio::time::Instant::now() >= call.deadline.at;
    let timed_out = match result {
        Err(failure) => failure.kind == "timeout" && deadline_passed,
        Ok(_) => false,
    };
    if limit == Some(TIMEOUT_LIMIT) || timed_out {
        return call.owns_deadline.then_some(TIMEOUT_LIMIT);
    }
    limit
}

/// Records a `limit_hit` event for each limit that the call hit and must
/// report itself; see [`reported_limit`].
async fn record_limits_hit(
    call: &CallContext,
    limits: &Limits,
    result: &Result<Completed, RunFailure>,
    limit: Option<&'static str>,
    body_cap_hit: bool,
) {
    if body_cap_hit {
        let detail = format!(
            "an HTTP response body passed the {}-byte limit and was cut off; raise [limits] max_http_body_bytes in moat.toml",
            limits.max_http_body_bytes
        );
        record_limit_hit(&call.events, "max_http_body_bytes", detail).await;
    }
    if let (Err(failure), Some(limit)) = (result, reported_limit(call, result, limit)) {
        record_limit_hit(&call.events, limit, failure.message.clone()).await;
    }
}

async fn record_limit_hit(events: &EventLog, limit: &str, detail: String) {
    events
        .record(RunEvent::LimitHit {
            limit: limit.to_owned(),
            detail,
        })
        .await;
}

fn failed_report(failure: RunFailure, started: Instant) -> RunReport {
    RunReport {
        result: Err(failure),
        duration: started.elapsed(),
        fuel_consumed: None,
        peak_memory_bytes: 0,
    }
}

fn finished_event(report: &RunReport) -> RunEvent {
    RunEvent::RunFinished {
        ok: report.result.is_ok(),
        duration_ms: report.duration.as_millis() as u64,
        summary: report
            .result
            .as_ref()
            .ok()
            .map(|output| output.summary.clone()),
        error: report.result.as_ref().err().map(ToString::to_string),
        fuel_consumed: report.fuel_consumed,
        peak_memory_bytes: report.peak_memory_bytes,
    }
}

fn trigger_label(trigger: &Trigger) -> String {
    match trigger {
        Trigger::Alert(alert) => format!("alert {}", alert.id),
        Trigger::Manual(_) => "manual".to_owned(),
    }
}
