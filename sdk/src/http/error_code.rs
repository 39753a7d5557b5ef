//! Mapping of `wasi:http` error codes to the WIT `error` variant.

use crate::Error;
use wasi::http::types::ErrorCode;

/// Start of an `internal-error` message with which the Moat host reports
/// that its outbound policy rejected a request.
pub const DENIED_PREFIX: &str = "denied: ";

/// Start of an `internal-error` message with which the Moat host reports
/// that a request would pass one of the run's `[limits]`, such as
/// `max_connections`.
pub const LIMIT_EXCEEDED_PREFIX: &str = "limit-exceeded: ";

/// Converts `code`, returned for a request described by `target` such as
/// `GET https://api.example.com/v1`, into `denied`, `limit-exceeded` or
/// `upstream`.
///
/// `http-request-denied` and `destination-ip-prohibited` become `denied`.
/// So does an `internal-error` whose message starts with [`DENIED_PREFIX`]:
/// the Moat host reports policy rejections that way, because that case is
/// the only one that can carry the host's explanation. An `internal-error`
/// that starts with [`LIMIT_EXCEEDED_PREFIX`], and
/// `http-response-body-size`, which the host returns once a body passes
/// `max_http_body_bytes`, become `limit-exceeded`. Every other code is
/// `upstream`. The message keeps the host's own message or the code's debug
/// text.
///
/// Guests that call `wasi:http` directly, instead of through
/// [`Request::send`](super::Request::send), use this to get the same errors.
pub fn error_from_code(target: &str, code: &ErrorCode) -> Error {
    match code {
        ErrorCode::HttpRequestDenied | ErrorCode::DestinationIpProhibited => Error::denied(
            format!("{target} was denied by the host's outbound policy ({code:?})"),
        ),
        ErrorCode::HttpResponseBodySize(limit) => Error::limit_exceeded(format!(
            "{target}: the response body is larger than the host's limit{}; raise [limits] max_http_body_bytes in moat.toml",
            limit.map_or_else(String::new, |bytes| format!(" of {bytes} bytes"))
        )),
        ErrorCode::InternalError(Some(message)) => error_from_host_message(target, message),
        _ => Error::upstream(format!("{target} failed: {code:?}")),
    }
}

fn error_from_host_message(target: &str, message: &str) -> Error {
    if message.starts_with(DENIED_PREFIX) {
        return Error::denied(format!("{target}: {message}"));
    }
    if let Some(detail) = message.strip_prefix(LIMIT_EXCEEDED_PREFIX) {
        return Error::limit_exceeded(format!("{target}: {detail}"));
    }
    Error::upstream(format!(
        "{target} failed: {message} (ErrorCode::InternalError)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGET: &str = "GET https://api.example.com/v1";

    #[test]
    fn request_denied_maps_to_denied() {
        let error = error_from_code(TARGET, &ErrorCode::HttpRequestDenied);
        assert_eq!(error.kind(), "denied");
        assert!(error.message().contains(TARGET), "{}", error.message());
        assert!(
            error.message().contains("HttpRequestDenied"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn host_denial_message_is_kept() {
        let message = "denied: api.example.com is not in allowed_outbound_hosts";
        let code = ErrorCode::InternalError(Some(message.to_owned()));
        let error = error_from_code(TARGET, &code);
        assert_eq!(error.kind(), "denied");
        assert!(error.message().contains(message), "{}", error.message());
    }

    #[test]
    fn host_limit_message_maps_to_limit_exceeded() {
        let message = "limit-exceeded: more than 2 HTTP requests at once; raise [limits] max_connections in moat.toml";
        let code = ErrorCode::InternalError(Some(message.to_owned()));
        let error = error_from_code(TARGET, &code);
        assert_eq!(error.kind(), "limit-exceeded");
        assert!(
            error.message().contains("max_connections"),
            "{}",
            error.message()
        );
        assert!(
            !error.message().contains("limit-exceeded:"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn response_body_size_maps_to_limit_exceeded() {
        let error = error_from_code(TARGET, &ErrorCode::HttpResponseBodySize(Some(1024)));
        assert_eq!(error.kind(), "limit-exceeded");
        assert!(
            error.message().contains("1024 bytes"),
            "{}",
            error.message()
        );
        assert!(
            error.message().contains("max_http_body_bytes"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn denied_elsewhere_in_message_maps_to_upstream() {
        let code = ErrorCode::InternalError(Some("upstream said: access denied".to_owned()));
        let error = error_from_code(TARGET, &code);
        assert_eq!(error.kind(), "upstream");
    }

    #[test]
    fn other_internal_error_maps_to_upstream() {
        let code = ErrorCode::InternalError(Some("TLS handshake failed".to_owned()));
        let error = error_from_code(TARGET, &code);
        assert_eq!(error.kind(), "upstream");
        assert!(
            error.message().contains("TLS handshake failed"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn connection_refused_maps_to_upstream() {
        let error = error_from_code(TARGET, &ErrorCode::ConnectionRefused);
        assert_eq!(error.kind(), "upstream");
        assert!(
            error.message().contains("ConnectionRefused"),
            "{}",
            error.message()
        );
    }
}
