//! The one place where a guest's HTTP request leaves the host.
//!
//! Order of checks for every request: the URL's scheme, host and port must
//! match an `allowed_outbound_hosts` entry; `{{secret.NAME}}` placeholders
//! in headers are filled in only for secrets granted to the component and
//! bound to this host; the host name is resolved here, and an address that
//! is not public is used only when an entry names that literal address; the
//! connection goes to the address that was checked, never to a fresh lookup.
//! Redirects are returned to the guest, not followed.

use super::address::non_public_reason;
use super::allowlist::{AllowList, RequestHost, Scheme};
use super::body::CappedBody;
use super::net::{Dialer, Resolver};
use crate::event_log::EventLog;
use crate::events::RunEvent;
use crate::mask::SecretMasker;
use crate::services::HostServices;
use http::{HeaderValue, Request, Response};
use http_body_util::BodyExt;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::Semaphore;
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiHttpHooks};

/// Body type that `wasmtime-wasi-http` passes in and expects back.
pub type WasiBody = wasmtime_wasi_http::WasiBody;

type SendResult = Result<
    (
        Response<WasiBody>,
        Box<dyn Future<Output = Result<(), HttpError>> + Send>,
    ),
    HttpError,
>;

/// Prefix of the message a guest receives when the policy rejects a
/// request. The SDKs map it to the WIT `denied` error.
pub const DENIED_PREFIX: &str = "denied: ";

/// Prefix of the message a guest receives when a request would pass one of
/// the run's `[limits]`. The SDKs map it to the WIT `limit-exceeded` error.
pub const LIMIT_EXCEEDED_PREFIX: &str = "limit-exceeded: ";

/// Everything the policy needs for one run; shared with in-flight requests.
#[derive(Debug)]
pub struct OutboundContext {
    pub component: String,
    pub allow: AllowList,
    /// Granted secrets and the hosts each may be sent to.
    pub secret_bindings: Vec<(String, AllowList)>,
    pub services: Arc<dyn HostServices>,
    pub masker: SecretMasker,
    pub events: Arc<EventLog>,
    pub resolver: Arc<dyn Resolver>,
    pub dialer: Arc<dyn Dialer>,
    pub connections: Arc<Semaphore>,
    pub max_connections: u32,
    pub connect_timeout: Duration,
    pub max_body_bytes: u64,
    /// Set once a response body passes `max_body_bytes`, so that the run
    /// records one `limit_hit` event when the call ends.
    pub body_cap_hit: Arc<AtomicBool>,
    /// End of the run; in-flight connections are closed at this instant.
    pub deadline: tokio::time::Instant,
}

/// `wasi:http` hooks that route every request through [`OutboundContext`].
#[derive(Debug, Clone)]
pub struct OutboundPolicy {
    pub context: Arc<OutboundContext>,
}

/// The parts of a request URL the policy decides on.
#[derive(Debug, Clone)]
struct Target {
    scheme: Scheme,
    host: RequestHost,
    port: u16,
    path: String,
    method: String,
}

impl WasiHttpHooks for OutboundPolicy {
    fn send_request(
        &mut self,
        request: Request<WasiBody>,
        _options: Option<RequestOptions>,
        _fut: Box<dyn Future<Output = Result<(), HttpError>> + Send>,
    ) -> Box<dyn Future<Output = SendResult> + Send> {
        let context = self.context.clone();
        Box::new(async move { context.send(request).await })
    }
}

impl OutboundContext {
    /// Checks a request to `url` as [`WasiHttpHooks::send_request`] would,
    /// up to the address the connection would use, and returns the
    /// reason it would be denied. Sends nothing and records no event.
    ///
    /// The check covers the URL, the allowlist, the resolved addresses and
    /// the `{{secret.NAME}}` placeholders in `header_values`.
    pub async fn check_url(&self, url: &str, header_values: &[String]) -> Result<(), CheckFailure> {
        let uri: http::Uri = url
            .parse()
            .map_err(|_| CheckFailure::Invalid(format!("`{url}` is not a valid URL")))?;
        let target = parse_target(&uri, &http::Method::GET).map_err(CheckFailure::Denied)?;
        if let Some(reason) = self.allowlist_refusal(&target) {
            return Err(CheckFailure::Denied(reason));
        }

        match self.pick_address(&target).await {
            Ok(_) => {}
            Err(AddressError::Refused(reason)) => return Err(CheckFailure::Denied(reason)),
            Err(AddressError::Lookup(error)) => {
                return Err(CheckFailure::Lookup(error.to_string()));
            }
        }

        for name in header_values
            .iter()
            .flat_map(|value| placeholder_names(value))
        {
            match self.bound_secret(&target, name).await {
                Ok(_) => {}
                Err(SecretError::Refused(reason)) => return Err(CheckFailure::Denied(reason)),
                Err(SecretError::Failed(error)) => {
                    return Err(CheckFailure::Failed(error.to_string()));
                }
            }
        }
        Ok(())
    }

    async fn send(self: Arc<Self>, mut request: Request<WasiBody>) -> SendResult {
        let started = Instant::now();
        let target = match parse_target(request.uri(), request.method()) {
            Ok(target) => target,
            Err(reason) => return Err(self.deny(reason).await),
        };
        if let Some(reason) = self.allowlist_refusal(&target) {
            return Err(self.deny(reason).await);
        }

        let permit = self.connections.clone().try_acquire_owned().map_err(|_| {
            HttpError::InternalError(Some(format!(
                "{LIMIT_EXCEEDED_PREFIX}more than {} HTTP requests at once; raise [limits] max_connections in moat.toml",
                self.max_connections
            )))
        });
        let permit = match permit {
            Ok(permit) => permit,
            Err(error) => {
                self.limit_hit("max_connections", &error).await;
                return Err(error);
            }
        };

        self.substitute_secrets(&target, request.headers_mut())
            .await?;
        let address = match self.pick_address(&target).await {
            Ok(address) => address,
            Err(AddressError::Lookup(error)) => return Err(error),
            Err(AddressError::Refused(reason)) => return Err(self.deny(reason).await),
        };

        let result = self.exchange(&target, address, request, permit).await;
        let summary = summarize(&result);
        self.record_request(&target, summary, started).await;
        result
    }

    /// Returns why `target` is not in `allowed_outbound_hosts`, or `None`
    /// when an entry matches.
    fn allowlist_refusal(&self, target: &Target) -> Option<String> {
        if self
            .allow
            .find(target.scheme, &target.host, target.port)
            .is_some()
        {
            return None;
        }
        let origin = origin_of(target);
        let hint = match &target.host {
            RequestHost::Address(address) => match non_public_reason(*address) {
                Some(reason) => {
                    format!(" ({reason}, allowed only when an entry names it literally)")
                }
                None => String::new(),
            },
            RequestHost::Name(_) => String::new(),
        };
        Some(format!(
            "`{origin}` is not in allowed_outbound_hosts{hint}; to allow it, add \"{origin}\" to [grants] allowed_outbound_hosts in the moat.toml of `{}`",
            self.component
        ))
    }

    async fn substitute_secrets(
        &self,
        target: &Target,
        headers: &mut http::HeaderMap,
    ) -> Result<(), HttpError> {
        let mut names: Vec<http::HeaderName> = Vec::new();
        for (name, value) in headers.iter() {
            if contains_placeholder(value) && !names.contains(name) {
                names.push(name.clone());
            }
        }

        // A header may appear several times, so every value of a name is
        // rebuilt in its original order, and values without a placeholder
        // are kept as they are.
        let mut filled = Vec::new();
        for name in names {
            let mut values = Vec::new();
            for value in headers.get_all(&name) {
                if !contains_placeholder(value) {
                    values.push(value.clone());
                    continue;
                }
                let text = value.to_str().unwrap_or_default();
                let text = self.fill_placeholders(target, text).await?;
                let mut value = HeaderValue::from_str(&text).map_err(|_| {
                    HttpError::InternalError(Some(format!(
                        "the value of header `{name}` is not valid after secret substitution"
                    )))
                })?;
                value.set_sensitive(true);
                values.push(value);
            }
            filled.push((name, values));
        }

        for (name, values) in filled {
            headers.remove(&name);
            for value in values {
                headers.append(name.clone(), value);
            }
        }
        Ok(())
    }

    async fn fill_placeholders(&self, target: &Target, text: &str) -> Result<String, HttpError> {
        let mut filled = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(PLACEHOLDER_START) {
            filled.push_str(&rest[..start]);
            let after = &rest[start + PLACEHOLDER_START.len()..];
            let Some(end) = after.find(PLACEHOLDER_END) else {
                filled.push_str(&rest[start..]);
                return Ok(filled);
            };
            let name = &after[..end];
            filled.push_str(&self.secret_for(target, name).await?);
            rest = &after[end + PLACEHOLDER_END.len()..];
        }
        filled.push_str(rest);
        Ok(filled)
    }

    async fn secret_for(&self, target: &Target, name: &str) -> Result<String, HttpError> {
        let value = match self.bound_secret(target, name).await {
            Ok(value) => value,
            Err(SecretError::Refused(reason)) => return Err(self.deny(reason).await),
            Err(SecretError::Failed(error)) => return Err(error),
        };
        self.masker.add(name, &value);
        self.events
            .record(RunEvent::SecretUsed {
                name: name.to_owned(),
                how: "header".to_owned(),
                host: Some(target.host.to_string()),
            })
            .await;
        Ok(value)
    }

    /// Returns the value of secret `name` if a placeholder for it may be
    /// filled in on a request to `target`: the secret is granted, bound to
    /// the target and stored.
    async fn bound_secret(&self, target: &Target, name: &str) -> Result<String, SecretError> {
        let Some((_, hosts)) = self
            .secret_bindings
            .iter()
            .find(|(granted, _)| granted == name)
        else {
            return Err(SecretError::Refused(format!(
                "secret `{name}` is not granted; add [grants.secrets.{name}] with hosts = [\"{}\"] to the moat.toml of `{}`",
                origin_of(target),
                self.component
            )));
        };
        if hosts
            .find(target.scheme, &target.host, target.port)
            .is_none()
        {
            return Err(SecretError::Refused(format!(
                "secret `{name}` is not bound to `{}`, so its placeholder was not filled and the request was not sent; add \"{}\" to hosts of [grants.secrets.{name}]",
                origin_of(target),
                origin_of(target)
            )));
        }

        match self.services.secret_value(name).await {
            Ok(Some(value)) => Ok(value),
            Ok(None) => Err(SecretError::Refused(format!(
                "secret `{name}` has no stored value; set it with `PUT /api/v1/secrets/{name}`, or with `--secret {name}=VALUE` for `moat run` and `moat test`"
            ))),
            Err(error) => {
                tracing::error!(secret = name, error = %error, "failed to load secret");
                Err(SecretError::Failed(HttpError::InternalError(Some(
                    format!("failed to load secret `{name}`"),
                ))))
            }
        }
    }

    /// Resolves the target's host name and returns the first address the
    /// policy allows.
    async fn pick_address(&self, target: &Target) -> Result<SocketAddr, AddressError> {
        let name = match &target.host {
            RequestHost::Address(address) => return Ok(SocketAddr::new(*address, target.port)),
            RequestHost::Name(name) => name,
        };

        let resolved = tokio::time::timeout(
            self.connect_timeout,
            self.resolver.resolve(name, target.port),
        )
        .await;
        let addresses = match resolved {
            Ok(Ok(addresses)) if !addresses.is_empty() => addresses,
            Ok(Ok(_)) | Ok(Err(_)) => {
                return Err(AddressError::Lookup(HttpError::DnsError {
                    rcode: Some(format!("failed to resolve `{name}`")),
                    info_code: None,
                }));
            }
            Err(_) => return Err(AddressError::Lookup(HttpError::DnsTimeout)),
        };

        let mut rejected = Vec::new();
        for address in addresses {
            // An IPv4-mapped answer is checked and dialled as its IPv4
            // address, so the address checked is the address dialled.
            let address = address.to_canonical();
            match self.address_refusal(address, target.port) {
                None => return Ok(SocketAddr::new(address, target.port)),
                Some(reason) => rejected.push(format!("{address} ({reason})")),
            }
        }
        Err(AddressError::Refused(format!(
            "`{name}` resolves only to addresses that are not public: {}; to allow one, add an entry that names the address, such as \"{}://{}:{}\"",
            rejected.join(", "),
            target.scheme.as_str(),
            rejected
                .first()
                .and_then(|r| r.split(' ').next())
                .unwrap_or(""),
            target.port
        )))
    }

    fn address_refusal(&self, address: IpAddr, port: u16) -> Option<&'static str> {
        let reason = non_public_reason(address)?;
        if self.allow.names_address(address, port) {
            return None;
        }
        Some(reason)
    }

    async fn exchange(
        &self,
        target: &Target,
        address: SocketAddr,
        mut request: Request<WasiBody>,
        permit: tokio::sync::OwnedSemaphorePermit,
    ) -> SendResult {
        let stream = tokio::time::timeout(self.connect_timeout, self.dialer.connect(address))
            .await
            .map_err(|_| HttpError::ConnectionTimeout)?
            .map_err(HttpError::Connect)?;
        let stream = self.secure(target, stream).await?;

        let io = hyper_util::rt::TokioIo::new(stream);
        let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
            .handshake(io)
            .await
            .map_err(HttpError::Hyper)?;
        let deadline = self.deadline;
        tokio::spawn(async move {
            let _permit = permit;
            let _ = tokio::time::timeout_at(deadline, connection).await;
        });

        let path = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned());
        *request.uri_mut() = path.parse().map_err(|_| HttpError::HttpRequestUriInvalid)?;

        let response = sender
            .send_request(request)
            .await
            .map_err(HttpError::Hyper)?;
        let cap = self.max_body_bytes;
        let cap_hit = self.body_cap_hit.clone();
        let response = response.map(|body| CappedBody::new(body, cap, cap_hit).boxed_unsync());
        Ok((response, Box::new(async { Ok(()) })))
    }

    async fn secure(
        &self,
        target: &Target,
        stream: tokio::net::TcpStream,
    ) -> Result<Box<dyn Stream>, HttpError> {
        if target.scheme == Scheme::Http {
            return Ok(Box::new(stream));
        }
        let server_name = match &target.host {
            RequestHost::Address(address) => {
                rustls::pki_types::ServerName::IpAddress((*address).into())
            }
            RequestHost::Name(name) => rustls::pki_types::ServerName::try_from(name.clone())
                .map_err(|_| HttpError::TlsProtocolError)?,
        };
        let connector = tokio_rustls::TlsConnector::from(tls_config());
        let stream = connector
            .connect(server_name, stream)
            .await
            .map_err(HttpError::Tls)?;
        Ok(Box::new(stream))
    }

    async fn record_request(&self, target: &Target, summary: ResponseSummary, started: Instant) {
        let (status, bytes, error) = summary;
        let event = RunEvent::HttpRequest {
            method: target.method.clone(),
            scheme: target.scheme.as_str().to_owned(),
            host: target.host.to_string(),
            port: target.port,
            path: target.path.clone(),
            status,
            response_bytes: bytes,
            duration_ms: started.elapsed().as_millis() as u64,
            error,
        };
        self.events.record(event).await;
    }

    async fn deny(&self, reason: String) -> HttpError {
        self.events
            .record(RunEvent::Denied {
                capability: "http".to_owned(),
                reason: reason.clone(),
            })
            .await;
        HttpError::InternalError(Some(format!("{DENIED_PREFIX}{reason}")))
    }

    async fn limit_hit(&self, limit: &str, error: &HttpError) {
        self.events
            .record(RunEvent::LimitHit {
                limit: limit.to_owned(),
                detail: error.to_string(),
            })
            .await;
    }
}

/// Failure that [`OutboundContext::check_url`] predicts for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckFailure {
    /// The URL does not parse.
    Invalid(String),
    /// The policy would deny the request; the text names the fix.
    Denied(String),
    /// The host name did not resolve.
    Lookup(String),
    /// The host failed for a reason that is not the caller's fault.
    Failed(String),
}

/// Reason a secret placeholder cannot be filled in.
enum SecretError {
    /// The grant or the stored value is missing; the text names the fix.
    Refused(String),
    /// The secret could not be loaded.
    Failed(HttpError),
}

/// Returns the secret names of the `{{secret.NAME}}` placeholders in `text`,
/// in order. An unterminated placeholder is not a name.
fn placeholder_names(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(PLACEHOLDER_START) {
        let after = &rest[start + PLACEHOLDER_START.len()..];
        let Some(end) = after.find(PLACEHOLDER_END) else {
            break;
        };
        names.push(&after[..end]);
        rest = &after[end + PLACEHOLDER_END.len()..];
    }
    names
}

/// Outcome of resolving a target that yields no usable address.
enum AddressError {
    /// The lookup failed or timed out.
    Lookup(HttpError),
    /// Every address is refused by the policy; the text names the fix.
    Refused(String),
}

/// Splits a request URI into the parts the policy decides on, or returns
/// why the URI cannot be sent.
fn parse_target(uri: &http::Uri, method: &http::Method) -> Result<Target, String> {
    let scheme_text = uri.scheme_str().unwrap_or("https");
    let Some(scheme) = Scheme::parse(scheme_text) else {
        return Err(format!(
            "the scheme `{scheme_text}` is not supported: use http or https"
        ));
    };
    let authority = uri.authority().map(|a| a.as_str()).unwrap_or("");
    let host = parse_request_host(authority, scheme)?;
    let port = uri.port_u16().unwrap_or(scheme.default_port());
    Ok(Target {
        scheme,
        host,
        port,
        path: uri.path().to_owned(),
        method: method.to_string(),
    })
}

/// Status, `Content-Length` and error text of a finished exchange.
type ResponseSummary = (Option<u16>, u64, Option<String>);

fn summarize(result: &SendResult) -> ResponseSummary {
    match result {
        Ok((response, _)) => {
            let length = response
                .headers()
                .get(http::header::CONTENT_LENGTH)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.parse().ok())
                .unwrap_or(0);
            (Some(response.status().as_u16()), length, None)
        }
        Err(error) => (None, 0, Some(error.to_string())),
    }
}

const PLACEHOLDER_START: &str = "{{secret.";
const PLACEHOLDER_END: &str = "}}";

/// Whether a header value is text that contains a placeholder. A value
/// with bytes outside visible ASCII is sent unchanged and never filled in.
fn contains_placeholder(value: &HeaderValue) -> bool {
    value
        .to_str()
        .is_ok_and(|text| text.contains(PLACEHOLDER_START))
}

trait Stream: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T> Stream for T where T: AsyncRead + AsyncWrite + Send + Unpin + 'static {}

fn origin_of(target: &Target) -> String {
    format!(
        "{}://{}:{}",
        target.scheme.as_str(),
        target.host,
        target.port
    )
}

/// Normalises the host of a request authority the way a URL parser does,
/// so that `2130706433`, `0x7f.1`, `127.1` and `[::ffff:7f00:1]` all become
/// the address they denote, names become lower-case punycode, and a user
/// name in the authority is rejected.
pub fn parse_request_host(authority: &str, scheme: Scheme) -> Result<RequestHost, String> {
    if authority.is_empty() {
        return Err("the request URL has no host".to_owned());
    }
    if authority.contains('@') {
        return Err(format!(
            "the request URL authority `{authority}` contains a user name, which is not allowed"
        ));
    }
    let url = url::Url::parse(&format!("{}://{authority}/", scheme.as_str()))
        .map_err(|error| format!("the request host `{authority}` is invalid: {error}"))?;
    match url.host() {
        Some(url::Host::Ipv4(address)) => Ok(RequestHost::Address(IpAddr::V4(address))),
        Some(url::Host::Ipv6(address)) => Ok(RequestHost::Address(canonical_v6(address))),
        Some(url::Host::Domain(name)) => {
            super::allowlist::normalize_name(name).map(RequestHost::Name)
        }
        None => Err(format!("the request host `{authority}` is invalid")),
    }
}

fn canonical_v6(address: std::net::Ipv6Addr) -> IpAddr {
    match address.to_ipv4_mapped() {
        Some(v4) => IpAddr::V4(v4),
        None => IpAddr::V6(address),
    }
}

fn tls_config() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map(|builder| builder.with_root_certificates(roots).with_no_client_auth())
                .unwrap_or_else(|_| unreachable_tls_config());
            Arc::new(config)
        })
        .clone()
}

fn unreachable_tls_config() -> rustls::ClientConfig {
    // NOTE: ring supports the default protocol versions, so this branch is
    // not taken; it exists to avoid a panic path.
    rustls::ClientConfig::builder_with_protocol_versions(&[&rustls::version::TLS13])
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(text: &str) -> RequestHost {
        RequestHost::Address(text.parse().expect("address"))
    }

    #[test]
    fn request_hosts_in_every_spelling_become_addresses() {
        let loopback = address("127.0.0.1");
        let spellings = [
            "127.0.0.1",
            "2130706433",
            "0177.0.0.1",
            "0x7f.1",
            "127.1",
            "[::ffff:127.0.0.1]",
            "[::ffff:7f00:1]",
            "127.0.0.1:8080",
            "%31%32%37.0.0.1",
        ];
        for spelling in spellings {
            let parsed = parse_request_host(spelling, Scheme::Http);
            assert_eq!(parsed.as_ref(), Ok(&loopback), "{spelling}");
        }
    }

    #[test]
    fn request_names_are_normalised() {
        let parsed = parse_request_host("API.Example.COM.", Scheme::Https);
        assert_eq!(parsed, Ok(RequestHost::Name("api.example.com".to_owned())));
    }

    #[test]
    fn user_name_in_authority_is_rejected() {
        let parsed = parse_request_host("allowed.example@evil.example", Scheme::Https);
        assert!(parsed.is_err_and(|error| error.contains("user name")));
    }
}
