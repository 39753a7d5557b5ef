//! Parses each line of arbitrary text as an allowlist entry and as a request
//! host, and matches the hosts against the entries. Any panic is a bug.

#![no_main]

use libfuzzer_sys::fuzz_target;
use moat_runtime::policy::allowlist::{AllowList, Scheme};
use moat_runtime::policy::outbound::parse_request_host;

fuzz_target!(|text: &str| {
    let entries = text.lines().filter(|line| AllowList::parse(&[*line]).is_ok()).collect::<Vec<_>>();
    let Ok(list) = AllowList::parse(&entries) else {
        return;
    };
    for line in text.lines() {
        for scheme in [Scheme::Http, Scheme::Https] {
            if let Ok(host) = parse_request_host(line, scheme) {
                let _ = list.find(scheme, &host, scheme.default_port());
            }
        }
    }
});
