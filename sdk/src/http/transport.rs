//! Sending a [`Request`] through `wasi:http/outgoing-handler`, blocking on
//! pollables until the response and its whole body have arrived.

use super::error_code::{LIMIT_EXCEEDED_PREFIX, error_from_code};
use super::request::Request;
use super::response::Response;
use super::url::{Scheme, Target};
use crate::Error;
use wasi::http::outgoing_handler;
use wasi::http::types::{
    Fields, FutureIncomingResponse, IncomingBody, IncomingResponse, Method, OutgoingBody,
    OutgoingRequest,
};
use wasi::io::streams::StreamError;

/// Bytes requested per read from the response body stream.
const READ_CHUNK_BYTES: u64 = 64 * 1024;
/// Bytes per write to the request body stream; `blocking-write-and-flush`
/// accepts at most 4096 bytes per call.
const WRITE_CHUNK_BYTES: usize = 4096;

pub(super) fn send(request: &Request, target: &Target) -> Result<Response, Error> {
    let description = format!("{} {}", request.method(), target.display_without_query());
    let outgoing = build_request(request, target)?;

    // A request without a body never calls `outgoing-request.body`, so the
    // host sends it with an empty body.
    let body = if request.body_bytes().is_empty() {
        None
    } else {
        Some(outgoing.body().map_err(|()| body_taken(&description))?)
    };

    let future = outgoing_handler::handle(outgoing, None)
        .map_err(|code| error_from_code(&description, &code))?;

    // The body is written after `handle` so that a large body streams to the
    // host instead of filling its buffer before the request starts.
    let written = match body {
        Some(body) => write_body(body, request.body_bytes(), &description),
        None => Ok(()),
    };

    // A failed write usually means the request failed, and the response
    // future then carries the more precise error code.
    let response = wait_for_response(&future, &description)?;
    written?;

    read_response(response, request.max_body(), &description)
}

fn build_request(request: &Request, target: &Target) -> Result<OutgoingRequest, Error> {
    let headers = Fields::new();
    for (name, value) in request.headers() {
        headers.append(name, value.as_bytes()).map_err(|error| {
            Error::invalid(format!("HTTP header `{name}` was rejected: {error:?}"))
        })?;
    }

    let outgoing = OutgoingRequest::new(headers);
    let scheme = match target.scheme {
        Scheme::Http => wasi::http::types::Scheme::Http,
        Scheme::Https => wasi::http::types::Scheme::Https,
    };
    let set = [
        outgoing.set_method(&method(request.method())),
        outgoing.set_scheme(Some(&scheme)),
        outgoing.set_authority(Some(&target.authority)),
        outgoing.set_path_with_query(Some(&target.path_with_query)),
    ];
    if set.iter().any(Result::is_err) {
        return Err(Error::invalid(format!(
            "invalid HTTP request `{} {}`: the host rejected the method, host or path",
            request.method(),
            target.display_without_query()
        )));
    }

    Ok(outgoing)
}

fn method(text: &str) -> Method {
    match text.to_ascii_uppercase().as_str() {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        "CONNECT" => Method::Connect,
        "OPTIONS" => Method::Options,
        "TRACE" => Method::Trace,
        "PATCH" => Method::Patch,
        _ => Method::Other(text.to_owned()),
    }
}

fn write_body(body: OutgoingBody, bytes: &[u8], description: &str) -> Result<(), Error> {
    let stream = body.write().map_err(|()| body_taken(description))?;
    for chunk in bytes.chunks(WRITE_CHUNK_BYTES) {
        stream
            .blocking_write_and_flush(chunk)
            .map_err(|error| stream_error(description, "writing the request body", error))?;
    }
    drop(stream);

    OutgoingBody::finish(body, None).map_err(|code| error_from_code(description, &code))
}

fn wait_for_response(
    future: &FutureIncomingResponse,
    description: &str,
) -> Result<IncomingResponse, Error> {
    loop {
        match future.get() {
            Some(Ok(Ok(response))) => return Ok(response),
            Some(Ok(Err(code))) => return Err(error_from_code(description, &code)),
            Some(Err(())) => {
                return Err(Error::internal(format!(
                    "{description}: the response was already taken"
                )));
            }
            None => future.subscribe().block(),
        }
    }
}

fn read_response(
    response: IncomingResponse,
    max_body_bytes: usize,
    description: &str,
) -> Result<Response, Error> {
    let status = response.status();
    let headers = read_headers(&response);
    let incoming = response.consume().map_err(|()| body_taken(description))?;
    let body = read_body(&incoming, max_body_bytes, description)?;

    // Trailers are not used; dropping the future discards them.
    drop(IncomingBody::finish(incoming));
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn read_headers(response: &IncomingResponse) -> Vec<(String, String)> {
    response
        .headers()
        .entries()
        .into_iter()
        .map(|(name, value)| (name, String::from_utf8_lossy(&value).into_owned()))
        .collect()
}

fn read_body(
    incoming: &IncomingBody,
    max_body_bytes: usize,
    description: &str,
) -> Result<Vec<u8>, Error> {
    let stream = incoming.stream().map_err(|()| body_taken(description))?;
    let mut body = Vec::new();
    loop {
        let chunk = match stream.blocking_read(READ_CHUNK_BYTES) {
            Ok(chunk) => chunk,
            Err(StreamError::Closed) => return Ok(body),
            Err(error) => {
                return Err(stream_error(
                    description,
                    "reading the response body",
                    error,
                ));
            }
        };

        if body.len() + chunk.len() > max_body_bytes {
            return Err(Error::limit_exceeded(format!(
                "{description}: the response body is larger than {max_body_bytes} bytes; raise the cap with `Request::max_body_bytes`"
            )));
        }
        body.extend_from_slice(&chunk);
    }
}

fn stream_error(description: &str, step: &str, error: StreamError) -> Error {
    let StreamError::LastOperationFailed(io_error) = error else {
        return Error::upstream(format!(
            "{description} failed while {step}: the stream closed"
        ));
    };

    match wasi::http::types::http_error_code(&io_error) {
        Some(code) => error_from_code(&format!("{description} ({step})"), &code),
        None => error_from_stream_text(description, step, &io_error.to_debug_string()),
    }
}

/// Converts the text of a stream error that carries no `wasi:http` error
/// code. The Moat host reports a body past `max_http_body_bytes` as an
/// internal error whose message starts with [`LIMIT_EXCEEDED_PREFIX`], and
/// wasmtime 48 shows it as `internal error: MESSAGE`.
fn error_from_stream_text(description: &str, step: &str, text: &str) -> Error {
    let message = text.strip_prefix("internal error: ").unwrap_or(text);
    if let Some(detail) = message.strip_prefix(LIMIT_EXCEEDED_PREFIX) {
        return Error::limit_exceeded(format!("{description} ({step}): {detail}"));
    }
    Error::upstream(format!("{description} failed while {step}: {text}"))
}

fn body_taken(description: &str) -> Error {
    Error::internal(format!("{description}: the HTTP body was already taken"))
}

#[cfg(test)]
mod tests {
    use super::error_from_stream_text;

    const TARGET: &str = "GET http://127.0.0.1:8080/big";

    #[test]
    fn host_body_limit_text_maps_to_limit_exceeded() {
        let text = "internal error: limit-exceeded: the response body passed the 1024-byte limit";
        let error = error_from_stream_text(TARGET, "reading the response body", text);
        assert_eq!(error.kind(), "limit-exceeded");
        assert!(error.message().contains("1024-byte"), "{}", error.message());
    }

    #[test]
    fn other_stream_text_maps_to_upstream() {
        let text = "connection reset by peer";
        let error = error_from_stream_text(TARGET, "reading the response body", text);
        assert_eq!(error.kind(), "upstream");
        assert!(error.message().contains(text), "{}", error.message());
    }
}
