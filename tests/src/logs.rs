//! Captures the `tracing` output of the test process, so tests can check
//! that no secret reaches a log line.

use std::io::Write;
use std::sync::{Mutex, OnceLock};

static CAPTURED: Mutex<Vec<u8>> = Mutex::new(Vec::new());

#[derive(Debug, Clone, Copy)]
struct CaptureWriter;

impl Write for CaptureWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        CAPTURED
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the capturing subscriber once per process, at `debug` level.
pub fn capture() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("debug,hyper=info,h2=info,sqlx=info,cranelift=info,wasmtime=info")
            .with_ansi(false)
            .with_writer(|| CaptureWriter)
            .try_init();
    });
}

/// Returns everything logged so far.
pub fn text() -> String {
    String::from_utf8_lossy(&CAPTURED.lock().unwrap_or_else(|poison| poison.into_inner()))
        .into_owned()
}
