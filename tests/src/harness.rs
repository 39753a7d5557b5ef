//! The real runtime on real storage, with the loopback resolver and dialer.

use crate::components::{playbooks_target_dir, wasm_bytes};
use crate::net::LoopbackNet;
use moat::store::{NewRun, SecretKey, Store, StoredRunEvent, TriggerKind};
use moat_runtime::manifest::ComponentKind;
use moat_runtime::model::Trigger;
use moat_runtime::registry::{LoadedComponent, RegisterError};
use moat_runtime::{
    Manifest, RunFailure, RunOutput, RunReport, RunRequest, Runtime, RuntimeConfig,
};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tempfile::TempDir;

/// Component instances one test runtime may hold at once: a playbook and
/// the connectors it calls, with room for a few runs in parallel.
const TEST_MAX_INSTANCES: u32 = 16;

/// A [`Store`] on a SQLite file in its own temporary folder, removed when
/// the value is dropped.
#[derive(Debug)]
pub struct TestStore {
    pub store: Store,
    _dir: TempDir,
}

/// Opens the storage that every end-to-end test uses: a fresh SQLite file
/// with migrations applied and a random secret key.
pub async fn open_store() -> TestStore {
    let dir = tempfile::tempdir().expect("failed to create a temporary folder for the store");
    let url = format!("sqlite://{}", dir.path().join("moat.db").display());
    let store = Store::connect_with_key(&url, SecretKey::generate())
        .await
        .unwrap_or_else(|error| panic!("failed to open the SQLite store at {url}: {error:#}"));
    TestStore { store, _dir: dir }
}

/// Time allowed past a deadline for the epoch tick and the teardown.
pub const DEADLINE_SLACK: Duration = Duration::from_secs(3);

/// Returns manifest text with the required fields and `body` appended, for
/// example `"[grants]\nstate = true\n"`.
pub fn manifest(name: &str, kind: ComponentKind, body: &str) -> String {
    format!(
        "name = \"{name}\"\nversion = \"0.1.0\"\nkind = \"{}\"\ncomponent = \"{name}.wasm\"\n\n{body}",
        kind.as_str()
    )
}

/// One runtime, its network and its store, private to one test.
#[derive(Debug)]
pub struct Harness {
    pub runtime: Runtime,
    pub net: Arc<LoopbackNet>,
    pub store: TestStore,
}

impl Harness {
    /// Creates a runtime that resolves and dials only through a new
    /// [`LoopbackNet`], on a fresh store. Compiled components are cached in
    /// the `playbooks-src` target folder, shared by all tests.
    pub async fn new() -> Harness {
        let net = LoopbackNet::new();
        let config = RuntimeConfig {
            cache_dir: Some(playbooks_target_dir().join("moat-tests-wasmtime-cache")),
            resolver: net.clone(),
            dialer: net.clone(),
            max_instances: TEST_MAX_INSTANCES,
        };
        let runtime = Runtime::new(config).expect("failed to create the runtime");
        Harness {
            runtime,
            net,
            store: open_store().await,
        }
    }

    /// Parses `manifest_text` and registers the `playbooks-src` component
    /// `component` under it. Compilation runs on a blocking thread.
    pub async fn register(
        &self,
        manifest_text: &str,
        component: &str,
    ) -> Result<Arc<LoadedComponent>, RegisterError> {
        let wasm = wasm_bytes(component);
        self.register_bytes(manifest_text, wasm).await
    }

    /// Parses `manifest_text` and registers `wasm` under it.
    pub async fn register_bytes(
        &self,
        manifest_text: &str,
        wasm: Vec<u8>,
    ) -> Result<Arc<LoadedComponent>, RegisterError> {
        let manifest = Manifest::parse(manifest_text)
            .unwrap_or_else(|error| panic!("invalid test manifest: {error}\n{manifest_text}"));
        let runtime = self.runtime.clone();
        tokio::task::spawn_blocking(move || {
            // One registration at a time per process: the first compiles a
            // component and fills the shared cache, and the tests waiting
            // behind it load the cached code instead of compiling it again.
            static REGISTRATION: Mutex<()> = Mutex::new(());
            let _turn = REGISTRATION
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            runtime.register(manifest, &wasm)
        })
        .await
        .expect("the registration thread panicked")
    }

    /// Stores the value of secret `name`.
    pub async fn put_secret(&self, name: &str, value: &str) {
        self.store
            .store
            .put_secret(name, value)
            .await
            .unwrap_or_else(|error| panic!("failed to store secret `{name}`: {error}"));
    }

    /// Queues a manual run of `playbook` in the store, runs it with `input`
    /// as the trigger, and returns the report with the stored events.
    pub async fn run(&self, playbook: &str, input: serde_json::Value) -> FinishedRun {
        let version = self
            .runtime
            .component(playbook)
            .map_or_else(|| "0.0.0".to_owned(), |c| c.manifest.version.clone());
        let run = NewRun {
            component: playbook.to_owned(),
            component_version: version,
            trigger_kind: TriggerKind::Manual,
            alert_id: None,
            input: input.clone(),
        };
        let run_id = self
            .store
            .store
            .enqueue_run(run)
            .await
            .unwrap_or_else(|error| panic!("failed to queue a run of `{playbook}`: {error}"));

        let request = RunRequest {
            run_id: run_id.clone(),
            playbook: playbook.to_owned(),
            trigger: Trigger::Manual(input.to_string()),
            services: Arc::new(self.store.store.clone()),
        };
        let report = self.runtime.run_playbook(request).await;
        let events = self
            .store
            .store
            .list_run_events(&run_id, None)
            .await
            .unwrap_or_else(|error| panic!("failed to list the events of run {run_id}: {error}"));
        FinishedRun {
            run_id,
            report,
            events,
        }
    }
}

/// A finished run: what the runtime returned and what it stored.
#[derive(Debug)]
pub struct FinishedRun {
    pub run_id: String,
    pub report: RunReport,
    pub events: Vec<StoredRunEvent>,
}

impl FinishedRun {
    /// Returns the run's output, or panics with the failure and the events.
    pub fn output(&self) -> &RunOutput {
        match &self.report.result {
            Ok(output) => output,
            Err(failure) => panic!(
                "expected the run to succeed, it failed with {failure}\nevents:\n{}",
                self.events_text()
            ),
        }
    }

    /// Returns the run's failure, or panics with the output and the events.
    pub fn failure(&self) -> &RunFailure {
        match &self.report.result {
            Err(failure) => failure,
            Ok(output) => panic!(
                "expected the run to fail, it returned {output:?}\nevents:\n{}",
                self.events_text()
            ),
        }
    }

    /// Returns the stored events whose `type` is `kind`, as JSON.
    pub fn events_of(&self, kind: &str) -> Vec<&serde_json::Value> {
        self.events
            .iter()
            .filter(|event| event.kind == kind)
            .map(|event| &event.event)
            .collect()
    }

    /// Asserts that the run failed with `timeout` naming `timeout_ms`, no
    /// earlier than `timeout_ms` after it started and at most
    /// [`DEADLINE_SLACK`] later, with one `limit_hit` event. `elapsed` is
    /// the wall-clock time of the run.
    pub fn assert_stopped_at_deadline(&self, elapsed: Duration, timeout_ms: u64) {
        let failure = self.failure();
        assert_eq!(failure.kind, "timeout", "{failure}");
        assert!(failure.message.contains("timeout_ms"), "{failure}");

        let deadline = Duration::from_millis(timeout_ms);
        assert!(
            elapsed >= deadline,
            "the run stopped after {elapsed:?}, before its deadline"
        );
        assert!(
            elapsed < deadline + DEADLINE_SLACK,
            "the run stopped after {elapsed:?}"
        );
        assert_eq!(
            self.events_of("limit_hit").len(),
            1,
            "{}",
            self.events_text()
        );
    }

    /// Returns every stored event as JSON, one per line, for searching and
    /// for assertion messages.
    pub fn events_text(&self) -> String {
        self.events
            .iter()
            .map(|event| event.event.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }
}
