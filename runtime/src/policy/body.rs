//! Response bodies with a size cap.

use super::outbound::LIMIT_EXCEEDED_PREFIX;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use wasmtime_wasi_http::Error as HttpError;

/// A response body that fails once more than `cap` bytes have arrived.
#[derive(Debug)]
pub struct CappedBody {
    inner: hyper::body::Incoming,
    cap: u64,
    received: u64,
    /// Set when the cap is passed.
    cap_hit: Arc<AtomicBool>,
}

impl CappedBody {
    pub fn new(inner: hyper::body::Incoming, cap: u64, cap_hit: Arc<AtomicBool>) -> CappedBody {
        CappedBody {
            inner,
            cap,
            received: 0,
            cap_hit,
        }
    }
}

impl Body for CappedBody {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        let frame = match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Ready(Some(Err(error))) => {
                return Poll::Ready(Some(Err(HttpError::Hyper(error))));
            }
            Poll::Ready(Some(Ok(frame))) => frame,
        };

        if let Some(data) = frame.data_ref() {
            self.received += data.len() as u64;
            if self.received > self.cap {
                self.cap_hit.store(true, Ordering::SeqCst);
                // NOTE: wasmtime-wasi-http 48 gives a guest reading the body
                // only the text of this error, not an error code, so the
                // message carries the prefix that the SDKs map to
                // `limit-exceeded`.
                let message = format!(
                    "{LIMIT_EXCEEDED_PREFIX}the response body passed the {}-byte limit; raise [limits] max_http_body_bytes in moat.toml",
                    self.cap
                );
                return Poll::Ready(Some(Err(HttpError::InternalError(Some(message)))));
            }
        }
        Poll::Ready(Some(Ok(frame)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
