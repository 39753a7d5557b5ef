//! The outbound HTTP policy, attacked through the real runtime.
//!
//! Most tests are tables. Each row is one request: a description, the
//! `allowed_outbound_hosts` entries, the request URL, the resolver setup and
//! the expected outcome. A denied row must fail with the `denied` error
//! kind, name the reason or `allowed_outbound_hosts` in its message, store a
//! `denied` event and dial nothing. A granted row must reach the fake
//! upstream through exactly the address it names.
//!
//! Every name resolves through the test resolver and every connection goes
//! through the test dialer, which reaches only loopback servers that the
//! test started. Non-loopback addresses in the tables are either denied
//! before any dial or routed to such a server.

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use moat_runtime::manifest::ComponentKind;
use moat_runtime::registry::RegisterError;
use moat_tests::{FakeUpstream, FinishedRun, Harness, manifest, wasm_bytes};
use serde_json::json;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

/// Registered name of the `capability-probe` playbook, which sends
/// requests through the SDK's HTTP client.
const PROBE: &str = "capability-probe";
/// Registered name of the `sandbox-probe` playbook, which builds raw
/// `wasi:http` requests and reads files.
const SANDBOX: &str = "sandbox-probe";
/// Value of the test secret, longer than the masker's minimum length.
const SECRET_VALUE: &str = "s3cr3t-value-for-tests";
/// Value of the second test secret.
const OTHER_SECRET_VALUE: &str = "0ther-s3cr3t-for-tests";
/// A public address, outside every special-purpose range, that the test
/// resolver returns. The test dialer routes it to a loopback server, so no
/// packet is sent to it.
const PUBLIC_ADDRESS: IpAddr = IpAddr::V4(Ipv4Addr::new(93, 184, 216, 34));

// ---------------------------------------------------------------------------
// Table rows and the runner
// ---------------------------------------------------------------------------

/// What a row expects.
#[derive(Debug, Clone)]
enum Outcome {
    /// `denied`, with every listed text in the message. Nothing is dialled.
    Denied(Vec<String>),
    /// `invalid`, because the guest's `wasi:http` layer rejected the URL
    /// before the policy saw it. Nothing is dialled.
    Invalid,
    /// Status 200 from the upstream, reached through this address only.
    Reached(SocketAddr),
}

/// One request through the policy.
#[derive(Debug, Clone)]
struct Case {
    description: String,
    /// `allowed_outbound_hosts` entries.
    entries: Vec<String>,
    url: String,
    /// Resolver setup: each name with one answer per lookup, the last
    /// answer repeating.
    names: Vec<(String, Vec<Vec<IpAddr>>)>,
    outcome: Outcome,
    /// Names the runtime must resolve for this request, in order.
    resolves: Vec<String>,
}

impl Case {
    fn new(description: &str, entries: &[String], url: String, outcome: Outcome) -> Case {
        Case {
            description: description.to_owned(),
            entries: entries.to_vec(),
            url,
            names: Vec::new(),
            outcome,
            resolves: Vec::new(),
        }
    }

    /// Makes `name` resolve to `answers` (one list per lookup) and expects
    /// exactly one lookup of it.
    fn resolving(mut self, name: &str, answers: &[&[IpAddr]]) -> Case {
        let answers = answers.iter().map(|answer| answer.to_vec()).collect();
        self.names.push((name.to_owned(), answers));
        self.resolves = vec![name.to_owned()];
        self
    }

    /// Expects the runtime to resolve nothing, even though `names` are set.
    fn without_lookup(mut self) -> Case {
        self.resolves.clear();
        self
    }
}

/// Returns a denied outcome whose message must contain every `word`.
fn denied(words: &[&str]) -> Outcome {
    Outcome::Denied(words.iter().map(|word| (*word).to_owned()).collect())
}

/// Returns entries from string slices.
fn entries(list: &[&str]) -> Vec<String> {
    list.iter().map(|entry| (*entry).to_owned()).collect()
}

/// Returns a `[grants]` table that allows exactly `entries`.
fn allowed_hosts(entries: &[String]) -> String {
    let quoted = entries
        .iter()
        .map(|entry| format!("\"{entry}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!("[grants]\nallowed_outbound_hosts = [{quoted}]\n")
}

/// Registers `component` under its own name with manifest `body`.
async fn register(harness: &Harness, component: &str, body: &str) {
    harness
        .register(
            &manifest(component, ComponentKind::Playbook, body),
            component,
        )
        .await
        .unwrap_or_else(|error| panic!("{component} failed to register: {error}\n{body}"));
}

/// Runs `case` on a fresh runtime with `upstream` as the only server, and
/// checks its outcome, the names resolved and the addresses dialled.
async fn check_case(case: &Case, upstream: &FakeUpstream) {
    let harness = Harness::new().await;
    for (name, answers) in &case.names {
        let answers = answers.iter().map(Vec::as_slice).collect::<Vec<_>>();
        harness.net.add_name_answers(name, &answers);
    }
    // The upstream listens on 127.0.0.1 only, so every other address a
    // granted row names, `[::1]` included, is routed to it.
    if let Outcome::Reached(address) = case.outcome
        && address != upstream.address()
    {
        harness.net.route(address, upstream.address());
    }
    register(&harness, PROBE, &allowed_hosts(&case.entries)).await;
    let requests_before = upstream.requests().len();

    let run = harness
        .run(PROBE, json!({ "action": "http", "url": case.url }))
        .await;

    let what = format!("{} (`{}`)", case.description, case.url);
    let dialed = harness.net.dialed();
    let reached = upstream.requests().len() - requests_before;
    match &case.outcome {
        Outcome::Denied(words) => {
            assert_failure(&run, "denied", words, &what);
            assert_denied_event(&run, &what);
            assert!(dialed.is_empty(), "{what}: dialled {dialed:?}");
            assert_eq!(reached, 0, "{what}: the upstream was reached");
        }
        Outcome::Invalid => {
            assert_failure(&run, "invalid", &[], &what);
            assert!(dialed.is_empty(), "{what}: dialled {dialed:?}");
            assert_eq!(reached, 0, "{what}: the upstream was reached");
        }
        Outcome::Reached(address) => {
            assert_status(&run, 200, &what);
            assert_eq!(dialed, vec![*address], "{what}: dialled addresses");
            assert_eq!(reached, 1, "{what}: requests at the upstream");
            assert!(
                run.events_of("denied").is_empty(),
                "{what}: unexpected `denied` event\n{}",
                run.events_text()
            );
        }
    }
    assert_eq!(
        harness.net.resolved_names(),
        case.resolves,
        "{what}: resolved names"
    );
}

/// Runs every case in order; see [`check_case`].
async fn check_cases(cases: &[Case], upstream: &FakeUpstream) {
    for case in cases {
        check_case(case, upstream).await;
    }
}

/// Asserts that `run` failed with `kind` and a message containing every
/// string in `words`.
fn assert_failure(run: &FinishedRun, kind: &str, words: &[String], what: &str) {
    let Err(failure) = &run.report.result else {
        panic!(
            "{what}: expected `{kind}`, the run succeeded with {:?}\nevents:\n{}",
            run.report.result,
            run.events_text()
        );
    };
    assert_eq!(failure.kind, kind, "{what}: {failure}");
    for word in words {
        assert!(
            failure.message.contains(word.as_str()),
            "{what}: the message lacks `{word}`: {}",
            failure.message
        );
    }
}

/// Asserts that the run stored a `denied` event for `http`.
fn assert_denied_event(run: &FinishedRun, what: &str) {
    let denied = run.events_of("denied");
    assert!(
        denied.iter().any(|event| event["capability"] == "http"),
        "{what}: no `denied` event for http; events:\n{}",
        run.events_text()
    );
}

/// Asserts that the guest received HTTP status `expected`.
fn assert_status(run: &FinishedRun, expected: u64, what: &str) {
    let data = match &run.report.result {
        Ok(output) => &output.data,
        Err(failure) => panic!(
            "{what}: expected status {expected}, the run failed with {failure}\nevents:\n{}",
            run.events_text()
        ),
    };
    assert_eq!(data["status"].as_u64(), Some(expected), "{what}: {data}");
}

/// Returns the IPv4 or IPv6 address in `text`, which must be valid.
fn ip(text: &str) -> IpAddr {
    text.parse()
        .unwrap_or_else(|error| panic!("invalid test address `{text}`: {error}"))
}

/// Returns `address:port` as a socket address.
fn socket(address: &str, port: u16) -> SocketAddr {
    SocketAddr::new(ip(address), port)
}

/// Returns `address` as it appears in a URL: IPv6 in brackets.
fn url_host(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// Returns the broadest name grants: every name on every port over both
/// schemes, and every name below `example`. None of them matches an address.
fn broad_entries() -> Vec<String> {
    entries(&[
        "http://*:*",
        "https://*:*",
        "http://*.example:*",
        "https://*.example:*",
    ])
}

// ---------------------------------------------------------------------------
// Non-public addresses as URL hosts
// ---------------------------------------------------------------------------

/// Non-public addresses, each with the reason the policy gives.
const NON_PUBLIC: &[(&str, &str)] = &[
    ("127.0.0.1", "loopback address"),
    ("127.255.255.254", "loopback address"),
    ("::1", "loopback address"),
    ("10.0.0.1", "private address"),
    ("10.255.255.255", "private address"),
    ("172.16.0.1", "private address"),
    ("172.31.255.254", "private address"),
    ("192.168.1.1", "private address"),
    ("fc00::1", "private address (unique local)"),
    ("fd12:3456::1", "private address (unique local)"),
    ("100.64.0.1", "shared address space (CGNAT)"),
    ("100.127.255.254", "shared address space (CGNAT)"),
    ("169.254.1.1", "link-local address"),
    ("fe80::1", "link-local address"),
    ("224.0.0.1", "multicast address"),
    ("239.255.255.250", "multicast address"),
    ("ff02::1", "multicast address"),
    ("255.255.255.255", "broadcast address"),
    ("0.0.0.0", "unspecified address"),
    ("::", "unspecified address"),
    ("169.254.169.254", "cloud metadata address"),
    ("fd00:ec2::254", "cloud metadata address"),
    ("100.100.100.200", "cloud metadata address"),
    ("64:ff9b::a9fe:a9fe", "NAT64 address"),
];

#[tokio::test(flavor = "multi_thread")]
async fn non_public_literals_denied_despite_wildcards() {
    let upstream = FakeUpstream::ok().await;
    let port = upstream.port();

    let mut cases = Vec::new();
    for (address, reason) in NON_PUBLIC {
        let host = url_host(ip(address));
        for url in [
            format!("http://{host}:{port}/"),
            format!("http://{host}/latest/meta-data/"),
            format!("https://{host}/"),
        ] {
            let description = format!("{address} under wildcard entries");
            cases.push(Case::new(
                &description,
                &broad_entries(),
                url,
                denied(&["allowed_outbound_hosts", reason]),
            ));
        }
    }

    check_cases(&cases, &upstream).await;
}

// ---------------------------------------------------------------------------
// Other spellings of the same addresses
// ---------------------------------------------------------------------------

/// Spellings that a URL parser reads as a non-public address: (spelling
/// in the URL authority, the address, the reason).
const SPELLINGS: &[(&str, &str, &str)] = &[
    ("2130706433", "127.0.0.1", "loopback address"),
    ("0177.0.0.1", "127.0.0.1", "loopback address"),
    ("0x7f.1", "127.0.0.1", "loopback address"),
    ("0x7f000001", "127.0.0.1", "loopback address"),
    ("0X7F.0.0.1", "127.0.0.1", "loopback address"),
    ("0x7f.0x0.0x0.0x1", "127.0.0.1", "loopback address"),
    ("017700000001", "127.0.0.1", "loopback address"),
    ("127.1", "127.0.0.1", "loopback address"),
    ("127.0.1", "127.0.0.1", "loopback address"),
    ("127.0.0.1.", "127.0.0.1", "loopback address"),
    ("[::ffff:127.0.0.1]", "127.0.0.1", "loopback address"),
    ("[::ffff:7f00:1]", "127.0.0.1", "loopback address"),
    ("[::FFFF:7F00:1]", "127.0.0.1", "loopback address"),
    (
        "[0:0:0:0:0:ffff:127.0.0.1]",
        "127.0.0.1",
        "loopback address",
    ),
    ("[::127.0.0.1]", "::127.0.0.1", "loopback address"),
    ("[0::1]", "::1", "loopback address"),
    (
        "[0000:0000:0000:0000:0000:0000:0000:0001]",
        "::1",
        "loopback address",
    ),
    ("167772161", "10.0.0.1", "private address"),
    ("10.1", "10.0.0.1", "private address"),
    ("0xa.0.0.1", "10.0.0.1", "private address"),
    ("[::ffff:10.0.0.1]", "10.0.0.1", "private address"),
    ("[::ffff:c0a8:101]", "192.168.1.1", "private address"),
    ("0xc0.0xa8.1.1", "192.168.1.1", "private address"),
    ("1681915905", "100.64.0.1", "shared address space (CGNAT)"),
    ("2852039166", "169.254.169.254", "cloud metadata address"),
    ("0xa9fea9fe", "169.254.169.254", "cloud metadata address"),
    (
        "0251.0376.0251.0376",
        "169.254.169.254",
        "cloud metadata address",
    ),
    ("169.254.43518", "169.254.169.254", "cloud metadata address"),
    (
        "[::ffff:a9fe:a9fe]",
        "169.254.169.254",
        "cloud metadata address",
    ),
    (
        "[::ffff:169.254.169.254]",
        "169.254.169.254",
        "cloud metadata address",
    ),
    (
        "169.254.169.254.",
        "169.254.169.254",
        "cloud metadata address",
    ),
    ("[FD00:EC2::254]", "fd00:ec2::254", "cloud metadata address"),
    (
        "[fd00:ec2:0:0:0:0:0:254]",
        "fd00:ec2::254",
        "cloud metadata address",
    ),
    ("0", "0.0.0.0", "unspecified address"),
    ("0x0", "0.0.0.0", "unspecified address"),
    ("[::ffff:0.0.0.0]", "0.0.0.0", "unspecified address"),
    ("4294967295", "255.255.255.255", "broadcast address"),
];

#[tokio::test(flavor = "multi_thread")]
async fn address_spellings_are_denied() {
    let upstream = FakeUpstream::ok().await;
    let port = upstream.port();

    let mut cases = Vec::new();
    for (spelling, address, reason) in SPELLINGS {
        let description = format!("{spelling} spells {address}");
        // The message names the canonical address, whatever the spelling.
        let canonical = format!("http://{}:{port}", url_host(ip(address).to_canonical()));
        cases.push(Case::new(
            &description,
            &broad_entries(),
            format!("http://{spelling}:{port}/"),
            denied(&["allowed_outbound_hosts", reason, &canonical]),
        ));
    }

    // wasmtime-wasi-http 48 checks the authority with
    // `http::uri::Authority::from_str`, which rejects `%` and non-ASCII
    // characters. These never reach the policy, so the guest gets `invalid`.
    for spelling in [
        "%31%32%37.0.0.1",
        "127.0.0.%31",
        "%5B::1%5D",
        "１２７.0.0.1",
    ] {
        let description = format!("{spelling} is not a valid authority");
        cases.push(Case::new(
            &description,
            &broad_entries(),
            format!("http://{spelling}:{port}/"),
            Outcome::Invalid,
        ));
    }

    check_cases(&cases, &upstream).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn literal_entry_allows_that_address() {
    let upstream = FakeUpstream::ok().await;
    let port = upstream.port();
    let entry = |host: &str| format!("http://{host}:{port}");

    // One granted row per family: the entry names the address literally,
    // the request uses the canonical spelling. Non-loopback addresses are
    // routed to the upstream by the test dialer.
    let families = [
        ("127.0.0.1", "loopback"),
        ("::1", "IPv6 loopback"),
        ("10.0.0.1", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd12:3456::1", "unique local"),
        ("100.64.0.1", "CGNAT"),
        ("169.254.1.1", "link-local"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "IPv6 cloud metadata"),
        ("0.0.0.0", "unspecified"),
    ];
    let mut cases = Vec::new();
    for (address, family) in families {
        let host = url_host(ip(address));
        cases.push(Case::new(
            &format!("{family} address named in an entry"),
            &[entry(&host)],
            format!("http://{host}:{port}/"),
            Outcome::Reached(socket(address, port)),
        ));
    }

    let loopback = socket("127.0.0.1", port);
    let literal = [entry("127.0.0.1")];
    let granted_spellings = [
        "2130706433",
        "0x7f.1",
        "127.1",
        "127.0.0.1.",
        "[::ffff:127.0.0.1]",
        "[::FFFF:7F00:1]",
    ];
    for spelling in granted_spellings {
        cases.push(Case::new(
            "another spelling of the named address",
            &literal,
            format!("http://{spelling}:{port}/"),
            Outcome::Reached(loopback),
        ));
    }
    cases.push(Case::new(
        "an IPv4-mapped entry names the IPv4 address",
        &[entry("[::ffff:127.0.0.1]")],
        format!("http://127.0.0.1:{port}/"),
        Outcome::Reached(loopback),
    ));

    // Twins that the same entry must not allow.
    let other_port = port.wrapping_add(1).max(1);
    cases.push(Case::new(
        "named address on another port",
        &literal,
        format!("http://127.0.0.1:{other_port}/"),
        denied(&["allowed_outbound_hosts", "loopback address"]),
    ));
    cases.push(Case::new(
        "another loopback address",
        &literal,
        format!("http://127.0.0.2:{port}/"),
        denied(&["allowed_outbound_hosts", "loopback address"]),
    ));
    cases.push(Case::new(
        "IPv4-compatible form is another address",
        &literal,
        format!("http://[::127.0.0.1]:{port}/"),
        denied(&["allowed_outbound_hosts", "loopback address"]),
    ));
    cases.push(Case::new(
        "IPv6 loopback is not IPv4 loopback",
        &literal,
        format!("http://[::1]:{port}/"),
        denied(&["allowed_outbound_hosts", "loopback address"]),
    ));
    cases.push(Case::new(
        "named address over https",
        &literal,
        format!("https://127.0.0.1:{port}/"),
        denied(&["allowed_outbound_hosts", "https://127.0.0.1"]),
    ));

    check_cases(&cases, &upstream).await;
}

// ---------------------------------------------------------------------------
// Names and the addresses they resolve to
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn resolved_addresses_are_checked() {
    let upstream = FakeUpstream::ok().await;
    let port = upstream.port();
    let name_entry = [format!("http://intel.example:{port}")];
    let url = format!("http://intel.example:{port}/");
    let public = SocketAddr::new(PUBLIC_ADDRESS, port);

    let mut cases = Vec::new();
    let non_public_answers = [
        ("10.0.0.5", "private address"),
        ("172.20.1.1", "private address"),
        ("192.168.0.10", "private address"),
        ("127.0.0.1", "loopback address"),
        ("::1", "loopback address"),
        ("::ffff:127.0.0.1", "loopback address"),
        ("::127.0.0.1", "loopback address"),
        ("100.64.1.1", "shared address space (CGNAT)"),
        ("169.254.10.10", "link-local address"),
        ("fe80::1", "link-local address"),
        ("169.254.169.254", "cloud metadata address"),
        ("::ffff:169.254.169.254", "cloud metadata address"),
        ("fd00:ec2::254", "cloud metadata address"),
        ("0.0.0.0", "unspecified address"),
        ("::", "unspecified address"),
        ("224.0.0.251", "multicast address"),
        ("fc00::5", "private address (unique local)"),
        ("64:ff9b::7f00:1", "NAT64 address"),
    ];
    for (answer, reason) in non_public_answers {
        // The message names the address as it was checked, with an
        // IPv4-mapped answer shown as IPv4.
        let checked = ip(answer).to_canonical().to_string();
        cases.push(
            Case::new(
                &format!("allowed name resolving to {answer}"),
                &name_entry,
                url.clone(),
                denied(&["not public", reason, &checked]),
            )
            .resolving("intel.example", &[&[ip(answer)]]),
        );
    }

    cases.push(
        Case::new(
            "name with only non-public addresses lists them all",
            &name_entry,
            url.clone(),
            denied(&[
                "10.0.0.1 (private",
                "127.0.0.1 (loopback",
                "169.254.169.254",
            ]),
        )
        .resolving(
            "intel.example",
            &[&[ip("10.0.0.1"), ip("127.0.0.1"), ip("169.254.169.254")]],
        ),
    );
    cases.push(
        Case::new(
            "localhost under a wildcard entry",
            &broad_entries(),
            format!("http://localhost:{port}/"),
            denied(&["not public", "loopback address"]),
        )
        .resolving("localhost", &[&[ip("127.0.0.1"), ip("::1")]]),
    );
    cases.push(
        Case::new(
            "name under a subdomain wildcard resolving to private",
            &broad_entries(),
            format!("http://db.internal.example:{port}/"),
            denied(&["not public", "private address"]),
        )
        .resolving("db.internal.example", &[&[ip("192.168.10.10")]]),
    );
    cases.push(
        Case::new(
            "name not in the allowlist is not resolved",
            &[format!("http://other.example:{port}")],
            url.clone(),
            denied(&["allowed_outbound_hosts", "intel.example"]),
        )
        .resolving("intel.example", &[&[PUBLIC_ADDRESS]])
        .without_lookup(),
    );

    // Granted twins.
    cases.push(
        Case::new(
            "private then public uses the public address",
            &name_entry,
            url.clone(),
            Outcome::Reached(public),
        )
        .resolving("intel.example", &[&[ip("10.0.0.1"), PUBLIC_ADDRESS]]),
    );
    cases.push(
        Case::new(
            "metadata and loopback then public uses the public address",
            &name_entry,
            url.clone(),
            Outcome::Reached(public),
        )
        .resolving(
            "intel.example",
            &[&[ip("169.254.169.254"), ip("::1"), PUBLIC_ADDRESS]],
        ),
    );
    cases.push(
        Case::new(
            "public then private uses the public address",
            &name_entry,
            url.clone(),
            Outcome::Reached(public),
        )
        .resolving("intel.example", &[&[PUBLIC_ADDRESS, ip("10.0.0.1")]]),
    );
    cases.push(
        Case::new(
            "upper-case name resolves in lower case",
            &name_entry,
            format!("http://INTEL.Example:{port}/"),
            Outcome::Reached(public),
        )
        .resolving("intel.example", &[&[PUBLIC_ADDRESS]]),
    );
    let loopback = socket("127.0.0.1", port);
    cases.push(
        Case::new(
            "loopback answer named literally in an entry",
            &[name_entry[0].clone(), format!("http://127.0.0.1:{port}")],
            url.clone(),
            Outcome::Reached(loopback),
        )
        .resolving("intel.example", &[&[ip("127.0.0.1")]]),
    );
    cases.push(
        Case::new(
            "IPv4-mapped loopback answer named as IPv4",
            &[name_entry[0].clone(), format!("http://127.0.0.1:{port}")],
            url.clone(),
            Outcome::Reached(loopback),
        )
        .resolving("intel.example", &[&[ip("::ffff:127.0.0.1")]]),
    );

    check_cases(&cases, &upstream).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rebinding_name_dials_checked_address() {
    let harness = Harness::new().await;
    let upstream = FakeUpstream::ok().await;
    let port = upstream.port();
    let public = SocketAddr::new(PUBLIC_ADDRESS, port);
    // The first lookup returns a public address, every later one loopback.
    // A host that resolved twice per request (once to check, once to
    // connect) would reach 127.0.0.1.
    harness
        .net
        .add_name_answers("rebind.example", &[&[PUBLIC_ADDRESS], &[ip("127.0.0.1")]]);
    harness.net.route(public, upstream.address());
    let entry = [format!("http://rebind.example:{port}")];
    register(&harness, PROBE, &allowed_hosts(&entry)).await;
    let url = format!("http://rebind.example:{port}/first");

    let first = harness
        .run(PROBE, json!({ "action": "http", "url": url }))
        .await;

    assert_status(&first, 200, "first request");
    assert_eq!(harness.net.resolved_names(), vec!["rebind.example"]);
    assert_eq!(harness.net.dialed(), vec![public]);
    let requests = upstream.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].uri, "/first");

    let second = harness
        .run(PROBE, json!({ "action": "http", "url": url }))
        .await;

    let words = ["not public".to_owned(), "loopback address".to_owned()];
    assert_failure(&second, "denied", &words, "second request");
    assert_eq!(
        harness.net.resolved_names(),
        vec!["rebind.example", "rebind.example"],
        "one lookup per request"
    );
    assert_eq!(
        harness.net.dialed(),
        vec![public],
        "no dial after the denial"
    );
    assert_eq!(upstream.requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn private_first_answer_is_not_retried() {
    let harness = Harness::new().await;
    let upstream = FakeUpstream::ok().await;
    let port = upstream.port();
    let public = SocketAddr::new(PUBLIC_ADDRESS, port);
    harness
        .net
        .add_name_answers("rebind.example", &[&[ip("10.0.0.1")], &[PUBLIC_ADDRESS]]);
    harness.net.route(public, upstream.address());
    let entry = [format!("http://rebind.example:{port}")];
    register(&harness, PROBE, &allowed_hosts(&entry)).await;

    let run = harness
        .run(
            PROBE,
            json!({ "action": "http", "url": format!("http://rebind.example:{port}/") }),
        )
        .await;

    let words = ["not public".to_owned(), "private address".to_owned()];
    assert_failure(&run, "denied", &words, "private first answer");
    assert_eq!(harness.net.resolved_names(), vec!["rebind.example"]);
    assert!(
        harness.net.dialed().is_empty(),
        "{:?}",
        harness.net.dialed()
    );
    assert!(upstream.requests().is_empty());
}

// ---------------------------------------------------------------------------
// Redirects
// ---------------------------------------------------------------------------

/// Starts an upstream that responds to every request with `status` and
/// `Location: location`.
async fn redirecting_upstream(status: StatusCode, location: String) -> FakeUpstream {
    let router = Router::new().fallback(move || {
        let location = location.clone();
        async move { (status, [(header::LOCATION, location)]).into_response() }
    });
    FakeUpstream::start(router).await
}

#[tokio::test(flavor = "multi_thread")]
async fn redirects_are_returned_not_followed() {
    // A second server that a followed redirect would reach.
    let target = FakeUpstream::ok().await;
    let target_port = target.port();
    let public_target = SocketAddr::new(PUBLIC_ADDRESS, target_port);
    let locations = [
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://[fd00:ec2::254]/latest/meta-data/".to_owned(),
        format!("http://evil.example:{target_port}/"),
        format!("{}/internal", target.origin()),
        format!("http://2130706433:{target_port}/"),
        "/relative-path".to_owned(),
    ];
    let mut rows = Vec::new();
    for location in &locations {
        rows.push((StatusCode::FOUND, location.clone()));
    }
    for status in [301, 303, 307, 308] {
        let status = StatusCode::from_u16(status).expect("valid status");
        rows.push((status, locations[0].clone()));
    }

    for (status, location) in rows {
        let what = format!("{status} to {location}");
        let harness = Harness::new().await;
        harness.net.add_name("evil.example", &[PUBLIC_ADDRESS]);
        harness.net.route(public_target, target.address());
        let upstream = redirecting_upstream(status, location.clone()).await;
        register(&harness, PROBE, &allowed_hosts(&[upstream.origin()])).await;

        let url = format!("{}/start", upstream.origin());
        let run = harness
            .run(PROBE, json!({ "action": "http", "url": url }))
            .await;

        assert_status(&run, u64::from(status.as_u16()), &what);
        let data = &run.output().data;
        assert_eq!(data["headers"]["location"], location.as_str(), "{what}");
        assert_eq!(upstream.requests().len(), 1, "{what}");
        assert_eq!(harness.net.dialed(), vec![upstream.address()], "{what}");
        assert!(
            harness.net.resolved_names().is_empty(),
            "{what}: resolved {:?}",
            harness.net.resolved_names()
        );
        assert!(
            target.requests().is_empty(),
            "{what}: the target was reached"
        );
        assert_eq!(
            run.events_of("http_request").len(),
            1,
            "{what}: {}",
            run.events_text()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn redirect_from_allowed_name_resolves_nothing_else() {
    let harness = Harness::new().await;
    let location = "http://evil.example/".to_owned();
    let upstream = redirecting_upstream(StatusCode::TEMPORARY_REDIRECT, location.clone()).await;
    let public = SocketAddr::new(PUBLIC_ADDRESS, upstream.port());
    harness.net.add_name("allowed.example", &[PUBLIC_ADDRESS]);
    harness.net.add_name("evil.example", &[ip("10.0.0.1")]);
    harness.net.route(public, upstream.address());
    let entry = [format!("http://allowed.example:{}", upstream.port())];
    register(&harness, PROBE, &allowed_hosts(&entry)).await;

    let url = format!("http://allowed.example:{}/", upstream.port());
    let run = harness
        .run(PROBE, json!({ "action": "http", "url": url }))
        .await;

    assert_status(&run, 307, "redirect from a name");
    assert_eq!(run.output().data["headers"]["location"], location.as_str());
    assert_eq!(harness.net.resolved_names(), vec!["allowed.example"]);
    assert_eq!(harness.net.dialed(), vec![public]);
    assert_eq!(upstream.requests().len(), 1);
}

// ---------------------------------------------------------------------------
// Entry matching: scheme, port, wildcards, IDN, trailing dots
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn entries_match_exactly() {
    let upstream = FakeUpstream::ok().await;
    let port = upstream.port();
    let other_port = port.wrapping_add(1).max(1);
    let public = SocketAddr::new(PUBLIC_ADDRESS, port);
    let public_answer: &[&[IpAddr]] = &[&[PUBLIC_ADDRESS]];
    let not_listed = denied(&["allowed_outbound_hosts"]);

    // (description, entries, URL, name in the test resolver, expected)
    let rows: Vec<(&str, Vec<String>, String, &str, Outcome)> = vec![
        // User info: the SDK rejects it before the request is built.
        (
            "user info naming the allowed host",
            entries(&["http://allowed.example:*", "http://evil.example:*"]),
            "http://allowed.example@evil.example/".to_owned(),
            "evil.example",
            Outcome::Invalid,
        ),
        (
            "user info with a port",
            entries(&["http://allowed.example:*", "http://evil.example:*"]),
            "http://allowed.example:80@evil.example/".to_owned(),
            "evil.example",
            Outcome::Invalid,
        ),
        // Scheme.
        (
            "https entry, http request",
            entries(&["https://allowed.example"]),
            "http://allowed.example/".to_owned(),
            "allowed.example",
            denied(&["allowed_outbound_hosts", "http://allowed.example:80"]),
        ),
        (
            "http entry, https request",
            entries(&["http://allowed.example"]),
            "https://allowed.example/".to_owned(),
            "allowed.example",
            denied(&["allowed_outbound_hosts", "https://allowed.example:443"]),
        ),
        // Port.
        (
            "entry port differs from request port",
            vec![format!("http://allowed.example:{port}")],
            format!("http://allowed.example:{other_port}/"),
            "allowed.example",
            not_listed.clone(),
        ),
        (
            "entry without port means port 80",
            entries(&["http://allowed.example"]),
            format!("http://allowed.example:{port}/"),
            "allowed.example",
            not_listed.clone(),
        ),
        (
            "entry with port, request on the default port",
            vec![format!("http://allowed.example:{port}")],
            "http://allowed.example/".to_owned(),
            "allowed.example",
            denied(&["allowed_outbound_hosts", "http://allowed.example:80"]),
        ),
        // Subdomain wildcards.
        (
            "wildcard parent as a prefix of another name",
            vec![format!("http://*.example.com:{port}")],
            format!("http://example.com.evil.example:{port}/"),
            "example.com.evil.example",
            not_listed.clone(),
        ),
        (
            "wildcard parent as a suffix without a dot",
            vec![format!("http://*.example.com:{port}")],
            format!("http://evilexample.com:{port}/"),
            "evilexample.com",
            not_listed.clone(),
        ),
        (
            "wildcard does not match its parent",
            vec![format!("http://*.example.com:{port}")],
            format!("http://example.com:{port}/"),
            "example.com",
            not_listed.clone(),
        ),
        (
            "wildcard parent with a trailing dot",
            vec![format!("http://*.example.com:{port}")],
            format!("http://example.com.:{port}/"),
            "example.com",
            not_listed.clone(),
        ),
        (
            "leading dot is not a valid name",
            vec![format!("http://*.example.com:{port}")],
            format!("http://.example.com:{port}/"),
            "example.com",
            denied(&["not a valid host name"]),
        ),
        // Punycode look-alikes: `xn--pple-43d` is `аpple` with a Cyrillic `а`.
        (
            "punycode entry, ASCII look-alike request",
            entries(&["https://xn--pple-43d.example"]),
            "https://apple.example/".to_owned(),
            "apple.example",
            not_listed.clone(),
        ),
        (
            "ASCII entry, punycode look-alike request",
            entries(&["https://apple.example"]),
            "https://xn--pple-43d.example/".to_owned(),
            "xn--pple-43d.example",
            not_listed.clone(),
        ),
        (
            "IDN entry, ASCII look-alike request",
            vec!["https://аpple.example".to_owned()],
            "https://apple.example/".to_owned(),
            "apple.example",
            not_listed.clone(),
        ),
        (
            "non-ASCII request host",
            vec![format!("http://xn--pple-43d.example:{port}")],
            format!("http://аpple.example:{port}/"),
            "xn--pple-43d.example",
            Outcome::Invalid,
        ),
        // Trailing dots.
        (
            "two trailing dots",
            vec![format!("http://allowed.example:{port}")],
            format!("http://allowed.example..:{port}/"),
            "allowed.example",
            denied(&["not a valid host name"]),
        ),
        (
            "allowed name as a label of another name",
            vec![format!("http://allowed.example:{port}")],
            format!("http://allowed.example.evil.example:{port}/"),
            "allowed.example.evil.example",
            not_listed.clone(),
        ),
    ];
    let mut cases = rows
        .into_iter()
        .map(|(description, entries, url, name, outcome)| {
            Case::new(description, &entries, url, outcome)
                .resolving(name, public_answer)
                .without_lookup()
        })
        .collect::<Vec<_>>();

    // Granted twins: (description, entries, URL, name resolved).
    let granted: Vec<(&str, Vec<String>, String, &str)> = vec![
        (
            "entry without port, request on port 80",
            entries(&["http://allowed.example"]),
            "http://allowed.example:80/".to_owned(),
            "allowed.example",
        ),
        (
            "subdomain under the wildcard",
            vec![format!("http://*.example.com:{port}")],
            format!("http://api.example.com:{port}/"),
            "api.example.com",
        ),
        (
            "deeper subdomain under the wildcard",
            vec![format!("http://*.example.com:{port}")],
            format!("http://a.b.example.com:{port}/"),
            "a.b.example.com",
        ),
        (
            "IDN entry, punycode request",
            vec![format!("http://аpple.example:{port}")],
            format!("http://xn--pple-43d.example:{port}/"),
            "xn--pple-43d.example",
        ),
        (
            "punycode entry, upper-case punycode request",
            vec![format!("http://xn--pple-43d.example:{port}")],
            format!("http://XN--PPLE-43D.example:{port}/"),
            "xn--pple-43d.example",
        ),
        (
            "request with a trailing dot",
            vec![format!("http://allowed.example:{port}")],
            format!("http://allowed.example.:{port}/"),
            "allowed.example",
        ),
        (
            "entry with a trailing dot",
            vec![format!("http://allowed.example.:{port}")],
            format!("http://allowed.example:{port}/"),
            "allowed.example",
        ),
        (
            "subdomain with a trailing dot under the wildcard",
            vec![format!("http://*.example.com:{port}")],
            format!("http://api.example.com.:{port}/"),
            "api.example.com",
        ),
    ];
    for (description, entries, url, name) in granted {
        let address = if url.contains(&format!(":{port}/")) {
            public
        } else {
            SocketAddr::new(PUBLIC_ADDRESS, 80)
        };
        cases.push(
            Case::new(description, &entries, url, Outcome::Reached(address))
                .resolving(name, public_answer),
        );
    }

    check_cases(&cases, &upstream).await;
}

/// What a raw `wasi:http` request through `sandbox-probe` must produce.
#[derive(Debug)]
enum RawOutcome {
    /// `denied` with this text in the message.
    Denied(&'static str),
    /// Any failure; the policy must not have resolved or dialled anything.
    Failed,
    /// Status 200 from the upstream.
    Reached,
}

#[tokio::test(flavor = "multi_thread")]
async fn raw_authorities_with_user_info_are_denied() {
    let upstream = FakeUpstream::ok().await;
    let port = upstream.port();
    let public = SocketAddr::new(PUBLIC_ADDRESS, port);
    let allowed = entries(&["http://allowed.example:*", "http://evil.example:*"]);

    // (authority as the guest sets it, scheme, expected)
    let rows = [
        (
            "allowed.example@evil.example".to_owned(),
            "http",
            RawOutcome::Denied("user name"),
        ),
        (
            format!("allowed.example:{port}@evil.example:{port}"),
            "http",
            RawOutcome::Denied("user name"),
        ),
        (
            format!("user:password@allowed.example:{port}"),
            "http",
            RawOutcome::Denied("user name"),
        ),
        (
            format!("allowed.example@127.0.0.1:{port}"),
            "http",
            RawOutcome::Denied("user name"),
        ),
        (
            format!("@allowed.example:{port}"),
            "http",
            RawOutcome::Failed,
        ),
        (
            format!("allowed.example:+{port}"),
            "http",
            RawOutcome::Denied("invalid"),
        ),
        (
            "allowed.example:99999".to_owned(),
            "http",
            RawOutcome::Denied("invalid"),
        ),
        ("[fe80::1%25lo]:80".to_owned(), "http", RawOutcome::Failed),
        (format!("allowed.example:{port}"), "ftp", RawOutcome::Failed),
        (
            format!("allowed.example:{port}"),
            "http",
            RawOutcome::Reached,
        ),
    ];

    for (authority, scheme, expected) in rows {
        let what = format!("{scheme}://{authority}");
        let harness = Harness::new().await;
        harness.net.add_name("allowed.example", &[PUBLIC_ADDRESS]);
        harness.net.add_name("evil.example", &[PUBLIC_ADDRESS]);
        harness.net.route(public, upstream.address());
        register(&harness, SANDBOX, &allowed_hosts(&allowed)).await;
        let requests_before = upstream.requests().len();

        let input = json!({ "action": "raw_http", "scheme": scheme, "authority": authority });
        let run = harness.run(SANDBOX, input).await;

        let reached = upstream.requests().len() - requests_before;
        match expected {
            RawOutcome::Denied(word) => {
                assert_failure(&run, "denied", &[word.to_owned()], &what);
                assert_denied_event(&run, &what);
            }
            RawOutcome::Failed => {
                assert!(
                    run.report.result.is_err(),
                    "{what}: {:?}",
                    run.report.result
                );
            }
            RawOutcome::Reached => {
                assert_status(&run, 200, &what);
                assert_eq!(harness.net.resolved_names(), vec!["allowed.example"]);
                assert_eq!(harness.net.dialed(), vec![public], "{what}");
                assert_eq!(reached, 1, "{what}");
                continue;
            }
        }
        assert!(
            harness.net.resolved_names().is_empty(),
            "{what}: resolved {:?}",
            harness.net.resolved_names()
        );
        assert!(
            harness.net.dialed().is_empty(),
            "{what}: dialled {:?}",
            harness.net.dialed()
        );
        assert_eq!(reached, 0, "{what}: the upstream was reached");
    }
}

// ---------------------------------------------------------------------------
// Raw sockets and the filesystem
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn socket_import_is_rejected_at_registration() {
    let harness = Harness::new().await;
    let text = manifest("socket-user", ComponentKind::Playbook, "");

    let error = harness
        .register_bytes(&text, wasm_bytes("socket-user"))
        .await
        .expect_err("a component that imports wasi:sockets must be rejected");

    assert!(matches!(error, RegisterError::Imports(_)), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("wasi:sockets/tcp@"), "{message}");
    assert!(message.contains("wasi:sockets/network@"), "{message}");
    assert!(message.contains("allowed_outbound_hosts"), "{message}");
    assert!(harness.runtime.component("socket-user").is_none());
    assert!(harness.net.dialed().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn file_reads_fail_without_preopens() {
    let harness = Harness::new().await;
    register(&harness, SANDBOX, "").await;

    for path in [
        "/etc/passwd",
        "etc/passwd",
        "../../etc/passwd",
        "/",
        ".",
        "/proc/self/environ",
    ] {
        let run = harness
            .run(SANDBOX, json!({ "action": "read_file", "path": path }))
            .await;

        let data = match &run.report.result {
            Ok(output) => &output.data,
            Err(failure) => panic!("{path}: the run failed with {failure}"),
        };
        assert_eq!(data["read"], false, "{path}: {data}");
        // With no preopened directory, wasi-libc finds no directory to
        // resolve any path against and reports `ENOENT`.
        assert_eq!(data["error_kind"], "NotFound", "{path}: {data}");
        let error = data["error"].as_str().unwrap_or_default();
        assert!(!error.is_empty(), "{path}: {data}");
        assert!(
            !error.contains("root:"),
            "{path}: the error text carries file contents: {error}"
        );
    }

    // The host still runs guests after the failed reads.
    let run = harness
        .run(
            SANDBOX,
            json!({ "action": "read_file", "path": "/etc/hostname" }),
        )
        .await;
    assert!(run.report.result.is_ok(), "{:?}", run.report.result);
}

// ---------------------------------------------------------------------------
// Secret placeholders
// ---------------------------------------------------------------------------

/// Manifest body that allows `origin` and binds secrets `key` and `other`
/// to the hosts given for each.
fn secret_grants(allowed: &[String], key_hosts: &[String], other_hosts: &[String]) -> String {
    let quote = |hosts: &[String]| {
        hosts
            .iter()
            .map(|host| format!("\"{host}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "{}\n[grants.secrets.key]\nhosts = [{}]\n\n[grants.secrets.other]\nhosts = [{}]\n",
        allowed_hosts(allowed),
        quote(key_hosts),
        quote(other_hosts)
    )
}

/// Creates a harness with both test secrets stored.
async fn harness_with_secrets() -> Harness {
    let harness = Harness::new().await;
    harness.put_secret("key", SECRET_VALUE).await;
    harness.put_secret("other", OTHER_SECRET_VALUE).await;
    harness
}

/// Asserts that no request the upstream received carries a secret value in
/// its URI or headers.
fn assert_no_secret_sent(upstream: &FakeUpstream, what: &str) {
    for request in upstream.requests() {
        let headers = format!("{:?}", request.headers);
        for value in [SECRET_VALUE, OTHER_SECRET_VALUE] {
            assert!(!request.uri.contains(value), "{what}: {}", request.uri);
            assert!(!headers.contains(value), "{what}: {headers}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn placeholders_for_unbound_hosts_are_denied() {
    let upstream = FakeUpstream::ok().await;
    let origin = upstream.origin();
    let elsewhere = "http://bound.example".to_owned();
    let allowed = [origin.clone(), elsewhere.clone()];

    // (description, headers, key bound to the upstream, other bound to it)
    let rows = [
        (
            "upper-case header name",
            json!({ "X-API-KEY": "{{secret.key}}" }),
            false,
            false,
        ),
        (
            "mixed-case header name",
            json!({ "x-Api-kEY": "{{secret.key}}" }),
            false,
            false,
        ),
        (
            "two placeholders, the second unbound",
            json!({ "Authorization": "{{secret.key}}:{{secret.other}}" }),
            true,
            false,
        ),
        (
            "two placeholders, the first unbound",
            json!({ "Authorization": "{{secret.key}}:{{secret.other}}" }),
            false,
            true,
        ),
        (
            "bound and unbound placeholders in two headers",
            json!({ "X-Key": "{{secret.key}}", "X-Other": "{{secret.other}}" }),
            true,
            false,
        ),
        (
            "unbound placeholder in a repeated header",
            json!({ "X-Key": "{{secret.key}}", "x-key": "{{secret.other}}" }),
            true,
            false,
        ),
    ];

    for (description, headers, key_bound, other_bound) in rows {
        let harness = harness_with_secrets().await;
        let bind = |bound: bool| {
            if bound {
                vec![origin.clone()]
            } else {
                vec![elsewhere.clone()]
            }
        };
        let body = secret_grants(&allowed, &bind(key_bound), &bind(other_bound));
        register(&harness, PROBE, &body).await;

        let input = json!({ "action": "http", "url": format!("{origin}/"), "headers": headers });
        let run = harness.run(PROBE, input).await;

        let words = ["not bound".to_owned(), "[grants.secrets.".to_owned()];
        assert_failure(&run, "denied", &words, description);
        assert_denied_event(&run, description);
        assert!(upstream.requests().is_empty(), "{description}");
        assert!(harness.net.dialed().is_empty(), "{description}");
        assert!(
            !run.events_text().contains(SECRET_VALUE),
            "{description}: {}",
            run.events_text()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn placeholders_for_bound_hosts_are_filled() {
    let harness = harness_with_secrets().await;
    let upstream = FakeUpstream::ok().await;
    let origin = upstream.origin();
    let bound = [origin.clone()];
    register(&harness, PROBE, &secret_grants(&bound, &bound, &bound)).await;

    let headers = json!({
        "X-API-KEY": "{{secret.key}}",
        "Authorization": "Basic {{secret.key}}:{{secret.other}}",
        "X-Repeated": "{{secret.other}}",
        "x-repeated": "literal",
        "X-Unfinished": "{{secret.key",
    });
    let input = json!({ "action": "http", "url": format!("{origin}/"), "headers": headers });
    let run = harness.run(PROBE, input).await;

    assert_status(&run, 200, "filled headers");
    let requests = upstream.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let request = &requests[0];
    assert_eq!(request.header("x-api-key"), Some(SECRET_VALUE));
    let both = format!("Basic {SECRET_VALUE}:{OTHER_SECRET_VALUE}");
    assert_eq!(request.header("authorization"), Some(both.as_str()));
    let repeated = request
        .headers
        .get_all("x-repeated")
        .iter()
        .map(|value| value.to_str().unwrap_or_default())
        .collect::<Vec<_>>();
    assert_eq!(repeated, vec![OTHER_SECRET_VALUE, "literal"]);
    assert_eq!(request.header("x-unfinished"), Some("{{secret.key"));
    let used = run.events_of("secret_used");
    assert_eq!(used.len(), 4, "{}", run.events_text());
    assert!(!run.events_text().contains(SECRET_VALUE));
}

/// Starts an upstream that records each request body.
async fn body_recording_upstream() -> (FakeUpstream, Arc<Mutex<Vec<String>>>) {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let recorded = bodies.clone();
    let router = Router::new().fallback(move |_headers: HeaderMap, body: String| {
        let recorded = recorded.clone();
        async move {
            recorded
                .lock()
                .unwrap_or_else(|poison| poison.into_inner())
                .push(body);
            "recorded"
        }
    });
    (FakeUpstream::start(router).await, bodies)
}

#[tokio::test(flavor = "multi_thread")]
async fn placeholders_outside_headers_stay_literal() {
    let harness = harness_with_secrets().await;
    let (upstream, bodies) = body_recording_upstream().await;
    let origin = upstream.origin();
    let bound = [origin.clone()];
    register(&harness, PROBE, &secret_grants(&bound, &bound, &bound)).await;

    let path = "/{{secret.key}}/lookup?token={{secret.key}}&encoded=%7B%7Bsecret.other%7D%7D";
    let body = "token={{secret.key}}&other={{secret.other}}";
    let input = json!({
        "action": "http",
        "method": "POST",
        "url": format!("{origin}{path}"),
        "body": body,
    });
    let run = harness.run(PROBE, input).await;

    assert_status(&run, 200, "placeholders in the URL and body");
    let requests = upstream.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].uri, path);
    let bodies = bodies
        .lock()
        .unwrap_or_else(|poison| poison.into_inner())
        .clone();
    assert_eq!(bodies, vec![body.to_owned()]);
    assert_no_secret_sent(&upstream, "URL and body");
    assert!(
        run.events_of("secret_used").is_empty(),
        "{}",
        run.events_text()
    );
}
