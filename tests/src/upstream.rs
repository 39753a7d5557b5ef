//! Fake upstream services: real HTTP servers on 127.0.0.1 that record what
//! reaches them.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::Response;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One request as the fake upstream received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// Path and query.
    pub uri: String,
    pub headers: HeaderMap,
}

impl RecordedRequest {
    /// Returns the value of header `name` as text, if present and valid.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

type RequestLog = Arc<Mutex<Vec<RecordedRequest>>>;

/// An axum server on 127.0.0.1 with an OS-assigned port. Every request is
/// recorded before the router handles it. The server stops when the value
/// is dropped.
#[derive(Debug)]
pub struct FakeUpstream {
    address: SocketAddr,
    requests: RequestLog,
    task: JoinHandle<()>,
}

impl FakeUpstream {
    /// Binds 127.0.0.1:0 and serves `router` with request recording.
    pub async fn start(router: Router) -> FakeUpstream {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("failed to bind the fake upstream to 127.0.0.1:0");
        let address = listener
            .local_addr()
            .expect("failed to read the fake upstream address");

        let requests = RequestLog::default();
        let app = router.layer(middleware::from_fn_with_state(requests.clone(), record));
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                report_server_error(&format!("fake upstream on {address} stopped: {error}"));
            }
        });
        FakeUpstream {
            address,
            requests,
            task,
        }
    }

    /// Starts a server that returns `200 OK` with the body `fake upstream`
    /// for every request.
    pub async fn ok() -> FakeUpstream {
        FakeUpstream::start(Router::new().fallback(|| async { "fake upstream" })).await
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// Returns `http://127.0.0.1:PORT`, which is also the allowlist entry
    /// that names this server.
    pub fn origin(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Returns every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.requests).clone()
    }
}

impl Drop for FakeUpstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(State(log): State<RequestLog>, request: Request, next: Next) -> Response {
    let recorded = RecordedRequest {
        method: request.method().to_string(),
        uri: request
            .uri()
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |path| path.as_str().to_owned()),
        headers: request.headers().clone(),
    };
    lock(&log).push(recorded);
    next.run(request).await
}

/// A TCP server on 127.0.0.1 that accepts connections, keeps them open and
/// never reads or writes a byte, like an upstream that hangs.
#[derive(Debug)]
pub struct SilentUpstream {
    address: SocketAddr,
    accepted: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl SilentUpstream {
    pub async fn start() -> SilentUpstream {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("failed to bind the silent upstream to 127.0.0.1:0");
        let address = listener
            .local_addr()
            .expect("failed to read the silent upstream address");
        let accepted = Arc::new(AtomicUsize::new(0));

        let counter = accepted.clone();
        let task = tokio::spawn(async move {
            // Accepted streams stay in this vector so they are not closed.
            let mut open: Vec<TcpStream> = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                open.push(stream);
            }
        });
        SilentUpstream {
            address,
            accepted,
            task,
        }
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// Returns `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Returns the number of connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for SilentUpstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// Reports a server failure on stderr: the test harness shows it next to
/// the failing test, and this crate has no logging subscriber.
#[allow(clippy::print_stderr)]
fn report_server_error(message: &str) {
    eprintln!("{message}");
}
