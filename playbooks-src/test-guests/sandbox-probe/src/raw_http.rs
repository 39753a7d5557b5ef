//! One `wasi:http` request built field by field, with no URL parsing in
//! the guest.

use moat_sdk::Error;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use wasi::http::outgoing_handler;
use wasi::http::types::{ErrorCode, Fields, IncomingResponse, Method, OutgoingRequest, Scheme};
use wasi::io::streams::StreamError;

/// Bytes requested per read from the response body stream.
const READ_CHUNK_BYTES: u64 = 64 * 1024;

/// Start of the `internal-error` message with which the Moat host reports
/// an outbound policy rejection.
const DENIED_PREFIX: &str = "denied: ";

/// Sends `GET scheme://authority path_with_query` with `headers` and
/// returns `{status, headers, body}`.
pub fn send(
    scheme: &str,
    authority: &str,
    path_with_query: &str,
    headers: &BTreeMap<String, String>,
) -> Result<Value, Error> {
    let fields = Fields::new();
    for (name, value) in headers {
        fields
            .append(name, value.as_bytes())
            .map_err(|error| Error::invalid(format!("header `{name}` was rejected: {error:?}")))?;
    }

    let request = OutgoingRequest::new(fields);
    request
        .set_method(&Method::Get)
        .map_err(|()| Error::invalid("the host rejected the method GET"))?;
    request
        .set_scheme(Some(&scheme_of(scheme)))
        .map_err(|()| Error::invalid(format!("the host rejected the scheme `{scheme}`")))?;
    request
        .set_authority(Some(authority))
        .map_err(|()| Error::invalid(format!("the host rejected the authority `{authority}`")))?;
    request
        .set_path_with_query(Some(path_with_query))
        .map_err(|()| Error::invalid(format!("the host rejected the path `{path_with_query}`")))?;

    let future = outgoing_handler::handle(request, None).map_err(|code| error_from_code(&code))?;
    let response = loop {
        match future.get() {
            Some(Ok(Ok(response))) => break response,
            Some(Ok(Err(code))) => return Err(error_from_code(&code)),
            Some(Err(())) => return Err(Error::internal("the response was already taken")),
            None => future.subscribe().block(),
        }
    };
    read_response(response)
}

fn scheme_of(text: &str) -> Scheme {
    match text {
        "http" => Scheme::Http,
        "https" => Scheme::Https,
        other => Scheme::Other(other.to_owned()),
    }
}

fn read_response(response: IncomingResponse) -> Result<Value, Error> {
    let status = response.status();
    let headers: BTreeMap<String, String> = response
        .headers()
        .entries()
        .into_iter()
        .map(|(name, value)| (name, String::from_utf8_lossy(&value).into_owned()))
        .collect();

    let incoming = response
        .consume()
        .map_err(|()| Error::internal("the response body was already taken"))?;
    let stream = incoming
        .stream()
        .map_err(|()| Error::internal("the response body stream was already taken"))?;
    let mut body = Vec::new();
    loop {
        match stream.blocking_read(READ_CHUNK_BYTES) {
            Ok(chunk) => body.extend_from_slice(&chunk),
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(error)) => {
                return Err(Error::upstream(format!(
                    "reading the response body failed: {}",
                    error.to_debug_string()
                )));
            }
        }
    }

    Ok(json!({
        "status": status,
        "headers": headers,
        "body": String::from_utf8_lossy(&body),
    }))
}

/// Maps a host error code the way the SDK does: a message that starts with
/// [`DENIED_PREFIX`] is `denied`, everything else is `upstream`.
fn error_from_code(code: &ErrorCode) -> Error {
    match code {
        ErrorCode::InternalError(Some(message)) if message.starts_with(DENIED_PREFIX) => {
            Error::denied(message.clone())
        }
        other => Error::upstream(format!("the request failed: {other:?}")),
    }
}
