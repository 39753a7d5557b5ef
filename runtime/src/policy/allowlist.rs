//! The `allowed_outbound_hosts` allowlist.
//!
//! Entry syntax: `scheme://host[:port]`.
//! - `scheme` is `http` or `https`.
//! - `host` is a DNS name, `*.` followed by a DNS name (any name one or more
//!   labels below it, but not the name itself), `*` (any host name, never an
//!   address literal), an IPv4 literal or a bracketed IPv6 literal.
//! - `port` is a number or `*`; without it the scheme's default port is meant.
//!
//! Names are compared in lower-case ASCII with IDN labels in punycode and
//! without a trailing dot. A path, query, fragment or user name in an entry
//! is rejected rather than ignored, so an entry never means less than it
//! appears to.

use std::fmt;
use std::net::IpAddr;

/// One allowlist entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowEntry {
    pub scheme: Scheme,
    pub host: HostPattern,
    pub port: PortPattern,
    /// The entry as written in the manifest.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    pub fn parse(text: &str) -> Option<Scheme> {
        match text.to_ascii_lowercase().as_str() {
            "http" => Some(Scheme::Http),
            "https" => Some(Scheme::Https),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    /// Any host name; address literals are not matched.
    AnyName,
    /// Names strictly below this domain.
    Subdomains(String),
    Name(String),
    Address(IpAddr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortPattern {
    Any,
    Exact(u16),
}

/// A parsed `allowed_outbound_hosts` list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList {
    entries: Vec<AllowEntry>,
}

/// An entry that does not follow the syntax above.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid allowed host `{entry}`: {reason}")]
pub struct AllowListError {
    pub entry: String,
    pub reason: String,
}

/// Host part of a request URL after normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestHost {
    Name(String),
    Address(IpAddr),
}

impl fmt::Display for RequestHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestHost::Name(name) => f.write_str(name),
            RequestHost::Address(IpAddr::V6(address)) => write!(f, "[{address}]"),
            RequestHost::Address(address) => write!(f, "{address}"),
        }
    }
}

impl AllowList {
    /// Parses every entry; the first invalid one is the error.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<AllowList, AllowListError> {
        let entries = entries
            .iter()
            .map(|entry| AllowEntry::parse(entry.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AllowList { entries })
    }

    pub fn entries(&self) -> &[AllowEntry] {
        &self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Returns the first entry that allows a request to `host` and `port`
    /// over `scheme`.
    pub fn find(&self, scheme: Scheme, host: &RequestHost, port: u16) -> Option<&AllowEntry> {
        self.entries
            .iter()
            .find(|entry| entry.matches(scheme, host, port))
    }

    /// Returns true when an entry names `address` literally. That is the only
    /// way to allow a loopback, private or metadata address.
    /// An IPv4-mapped `address` is compared as its IPv4 address.
    pub fn names_address(&self, address: IpAddr, port: u16) -> bool {
        let address = address.to_canonical();
        self.entries
            .iter()
            .any(|entry| entry.host == HostPattern::Address(address) && entry.port.matches(port))
    }

    /// Returns true when every request that `other` allows is also allowed here.
    pub fn covers(&self, other: &AllowEntry) -> bool {
        self.entries.iter().any(|entry| entry.covers(other))
    }
}

impl AllowEntry {
    /// Parses one entry.
    pub fn parse(text: &str) -> Result<AllowEntry, AllowListError> {
        let fail = |reason: &str| AllowListError {
            entry: text.to_owned(),
            reason: reason.to_owned(),
        };

        let (scheme_text, rest) = text.split_once("://").ok_or_else(|| {
            fail("expected `scheme://host[:port]`, such as `https://api.example.com`")
        })?;
        let scheme = Scheme::parse(scheme_text)
            .ok_or_else(|| fail("the scheme must be `http` or `https`"))?;
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.is_empty() {
            return Err(fail("the host is missing"));
        }
        if authority.contains(['/', '?', '#']) {
            return Err(fail(
                "remove the path, query or fragment: entries name hosts only",
            ));
        }
        if authority.contains('@') {
            return Err(fail("remove the user name: entries name hosts only"));
        }

        let (host_text, port_text) = split_host_port(authority).map_err(|reason| fail(&reason))?;
        let port = parse_port_pattern(port_text, scheme).map_err(|reason| fail(&reason))?;
        let host = parse_host_pattern(host_text).map_err(|reason| fail(&reason))?;
        Ok(AllowEntry {
            scheme,
            host,
            port,
            text: text.to_owned(),
        })
    }

    /// Returns true when this entry allows a request to `host` and `port` over
    /// `scheme`.
    pub fn matches(&self, scheme: Scheme, host: &RequestHost, port: u16) -> bool {
        if self.scheme != scheme || !self.port.matches(port) {
            return false;
        }
        match (&self.host, host) {
            (HostPattern::AnyName, RequestHost::Name(_)) => true,
            (HostPattern::Subdomains(parent), RequestHost::Name(name)) => name
                .strip_suffix(parent.as_str())
                .is_some_and(|prefix| prefix.len() > 1 && prefix.ends_with('.')),
            (HostPattern::Name(expected), RequestHost::Name(name)) => expected == name,
            (HostPattern::Address(expected), RequestHost::Address(address)) => expected == address,
            _ => false,
        }
    }

    fn covers(&self, other: &AllowEntry) -> bool {
        if self.scheme != other.scheme {
            return false;
        }
        let port_covered = match (self.port, other.port) {
            (PortPattern::Any, _) => true,
            (PortPattern::Exact(_), PortPattern::Any) => false,
            (PortPattern::Exact(mine), PortPattern::Exact(theirs)) => mine == theirs,
        };
        let host_covered = match (&self.host, &other.host) {
            (HostPattern::AnyName, HostPattern::Address(_)) => false,
            (HostPattern::AnyName, _) => true,
            (HostPattern::Subdomains(mine), HostPattern::Subdomains(theirs)) => {
                theirs == mine || theirs.ends_with(&format!(".{mine}"))
            }
            (HostPattern::Subdomains(_), HostPattern::Name(name)) => self.host_matches_name(name),
            (mine, theirs) => mine == theirs,
        };
        port_covered && host_covered
    }

    fn host_matches_name(&self, name: &str) -> bool {
        match &self.host {
            HostPattern::Subdomains(parent) => name
                .strip_suffix(parent.as_str())
                .is_some_and(|prefix| prefix.len() > 1 && prefix.ends_with('.')),
            _ => false,
        }
    }
}

impl PortPattern {
    fn matches(self, port: u16) -> bool {
        match self {
            PortPattern::Any => true,
            PortPattern::Exact(expected) => expected == port,
        }
    }
}

impl fmt::Display for AllowEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), String> {
    if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or("an IPv6 address must be closed with `]`")?;
        return match after {
            "" => Ok((host, None)),
            _ => after
                .strip_prefix(':')
                .map(|port| (host, Some(port)))
                .ok_or_else(|| "expected `:port` after `]`".to_owned()),
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => Ok((host, Some(port))),
        None => Ok((authority, None)),
    }
}

fn parse_port_pattern(text: Option<&str>, scheme: Scheme) -> Result<PortPattern, String> {
    match text {
        None => Ok(PortPattern::Exact(scheme.default_port())),
        Some("*") => Ok(PortPattern::Any),
        Some(digits) => digits
            .parse::<u16>()
            .ok()
            .filter(|port| *port != 0)
            .map(PortPattern::Exact)
            .ok_or_else(|| format!("the port `{digits}` must be a number from 1 to 65535, or `*`")),
    }
}

fn parse_host_pattern(text: &str) -> Result<HostPattern, String> {
    if text == "*" {
        return Ok(HostPattern::AnyName);
    }
    if let Some(parent) = text.strip_prefix("*.") {
        let parent = normalize_name(parent)?;
        return Ok(HostPattern::Subdomains(parent));
    }
    if text.contains('*') {
        return Err(
            "`*` may only stand alone or as the first label, as in `*.example.com`".to_owned(),
        );
    }
    // An IPv4-mapped IPv6 literal is stored as its IPv4 address, the form
    // in which request hosts and resolved addresses are compared.
    if let Ok(address) = text.parse::<IpAddr>() {
        return Ok(HostPattern::Address(address.to_canonical()));
    }
    if looks_numeric(text) {
        return Err(
            "write an IPv4 address as four decimal numbers, such as `192.0.2.10`".to_owned(),
        );
    }
    normalize_name(text).map(HostPattern::Name)
}

/// Returns true when the last label is numeric. URL parsers then read the
/// whole host as an IPv4 address in some spelling (`127.1`, `0x7f.1`).
pub(crate) fn looks_numeric(text: &str) -> bool {
    let last = text.trim_end_matches('.').rsplit('.').next().unwrap_or("");
    !last.is_empty()
        && (last.chars().all(|c| c.is_ascii_digit())
            || (last.len() > 2 && last.as_bytes()[..2].eq_ignore_ascii_case(b"0x")))
}

/// Lower-cases a DNS name, converts IDN labels to punycode and strips one
/// trailing dot.
pub fn normalize_name(text: &str) -> Result<String, String> {
    let trimmed = text.strip_suffix('.').unwrap_or(text);
    if trimmed.is_empty() {
        return Err("the host name is empty".to_owned());
    }
    let ascii = idna::domain_to_ascii_strict(trimmed)
        .map_err(|_| format!("`{text}` is not a valid host name"))?;
    if ascii.is_empty() || ascii.split('.').any(str::is_empty) {
        return Err(format!("`{text}` is not a valid host name"));
    }
    Ok(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> RequestHost {
        RequestHost::Name(text.to_owned())
    }

    fn allows(entries: &[&str], scheme: Scheme, host: RequestHost, port: u16) -> bool {
        let list = AllowList::parse(entries).expect("valid list");
        list.find(scheme, &host, port).is_some()
    }

    #[test]
    fn exact_name_matches_only_itself() {
        let entries = ["https://api.example.com"];
        assert!(allows(
            &entries,
            Scheme::Https,
            name("api.example.com"),
            443
        ));
        assert!(!allows(&entries, Scheme::Http, name("api.example.com"), 80));
        assert!(!allows(
            &entries,
            Scheme::Https,
            name("api.example.com"),
            8443
        ));
        assert!(!allows(
            &entries,
            Scheme::Https,
            name("api.example.com.evil.example"),
            443
        ));
        assert!(!allows(
            &entries,
            Scheme::Https,
            name("evil-api.example.com"),
            443
        ));
    }

    #[test]
    fn wildcard_matches_subdomains_only() {
        let entries = ["https://*.example.com"];
        assert!(allows(&entries, Scheme::Https, name("a.example.com"), 443));
        assert!(allows(
            &entries,
            Scheme::Https,
            name("a.b.example.com"),
            443
        ));
        assert!(!allows(&entries, Scheme::Https, name("example.com"), 443));
        assert!(!allows(
            &entries,
            Scheme::Https,
            name("example.com.evil.example"),
            443
        ));
        assert!(!allows(
            &entries,
            Scheme::Https,
            name("badexample.com"),
            443
        ));
    }

    #[test]
    fn star_host_never_matches_addresses() {
        let entries = ["http://*:*"];
        assert!(allows(
            &entries,
            Scheme::Http,
            name("anything.example"),
            8080
        ));
        let loopback = RequestHost::Address("127.0.0.1".parse().expect("address"));
        assert!(!allows(&entries, Scheme::Http, loopback, 80));
    }

    #[test]
    fn literal_address_entry_matches_that_address() {
        let entries = ["http://127.0.0.1:8081", "http://[::1]:9000"];
        let v4 = RequestHost::Address("127.0.0.1".parse().expect("address"));
        let v6 = RequestHost::Address("::1".parse().expect("address"));
        assert!(allows(&entries, Scheme::Http, v4.clone(), 8081));
        assert!(!allows(&entries, Scheme::Http, v4, 8082));
        assert!(allows(&entries, Scheme::Http, v6, 9000));
    }

    #[test]
    fn mapped_address_entry_is_stored_as_ipv4() {
        let list = AllowList::parse(&["http://[::ffff:127.0.0.1]:8081"]).expect("valid list");
        let loopback: IpAddr = "127.0.0.1".parse().expect("address");
        assert_eq!(list.entries()[0].host, HostPattern::Address(loopback));
        let request = RequestHost::Address(loopback);
        assert!(list.find(Scheme::Http, &request, 8081).is_some());
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().expect("address");
        assert!(list.names_address(mapped, 8081));
        assert!(list.names_address(loopback, 8081));
        assert!(!list.names_address(loopback, 8082));
    }

    #[test]
    fn names_are_normalised() {
        let list = AllowList::parse(&["https://API.Example.COM."]).expect("valid list");
        assert_eq!(
            list.entries()[0].host,
            HostPattern::Name("api.example.com".to_owned())
        );
        let idn = AllowList::parse(&["https://bücher.example"]).expect("valid list");
        assert_eq!(
            idn.entries()[0].host,
            HostPattern::Name("xn--bcher-kva.example".to_owned())
        );
    }

    #[test]
    fn malformed_entries_are_rejected_with_reason() {
        let cases = [
            ("api.example.com", "scheme://host"),
            ("ftp://api.example.com", "http` or `https"),
            ("https://api.example.com/path", "path"),
            ("https://user@api.example.com", "user name"),
            ("https://api.example.com:0", "1 to 65535"),
            ("https://api.*.example.com", "first label"),
            ("http://127.1", "four decimal numbers"),
            ("http://0x7f.0.0.1", "four decimal numbers"),
            ("https://", "missing"),
        ];
        for (entry, expected) in cases {
            let error = AllowEntry::parse(entry).expect_err(entry).to_string();
            assert!(error.contains(expected), "{entry}: {error}");
            assert!(error.contains(entry), "the error names the entry: {error}");
        }
    }

    #[test]
    fn non_ascii_last_label_does_not_panic() {
        // Slicing the label by bytes once split a multi-byte character.
        assert!(!looks_numeric("a.éé"));
        assert!(AllowEntry::parse("https://api.ü.example").is_ok());
    }

    #[test]
    fn covers_checks_subsets() {
        let list =
            AllowList::parse(&["https://*.example.com", "http://127.0.0.1:*"]).expect("valid list");
        let covered = [
            "https://a.example.com",
            "https://*.b.example.com",
            "http://127.0.0.1:8080",
        ];
        for entry in covered {
            assert!(
                list.covers(&AllowEntry::parse(entry).expect("valid")),
                "{entry}"
            );
        }
        let not_covered = [
            "https://example.com",
            "http://a.example.com",
            "http://127.0.0.2:80",
            "https://a.example.com:8443",
        ];
        for entry in not_covered {
            assert!(
                !list.covers(&AllowEntry::parse(entry).expect("valid")),
                "{entry}"
            );
        }
    }
}
