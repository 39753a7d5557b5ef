//! Validation and canonical form of observable values.
//!
//! Alert normalisers, the runtime and the API all call these functions, so a
//! value gets the same canonical text whichever path it arrives by.

use std::net::IpAddr;

use moat_runtime::model::{Observable, ObservableKind};

/// Maximum length in bytes of a file name observable.
pub const MAX_FILE_NAME_BYTES: usize = 1024;

/// Maximum length in bytes of a user observable.
pub const MAX_USER_BYTES: usize = 256;

/// Maximum length in bytes of a URL observable.
pub const MAX_URL_BYTES: usize = 8192;

const MAX_DOMAIN_BYTES: usize = 253;
const MAX_LABEL_BYTES: usize = 63;
const MAX_EMAIL_LOCAL_BYTES: usize = 64;

/// Validates `text` as an observable of `kind` and returns its canonical text.
///
/// An IPv4-mapped IPv6 address such as `::ffff:192.0.2.1` returns the IPv4
/// text. Call [`canonical_observable`] to learn the resulting kind as well.
pub fn normalize_observable(kind: ObservableKind, text: &str) -> Result<String, String> {
    canonical_observable(kind, text).map(|observable| observable.value)
}

/// Validates `text` as an observable of `kind` and returns its canonical form.
///
/// The returned kind differs from `kind` only when an IPv4-mapped IPv6 address
/// folds to [`ObservableKind::Ipv4`].
pub fn canonical_observable(kind: ObservableKind, text: &str) -> Result<Observable, String> {
    let (kind, value) = match kind {
        ObservableKind::Ipv4 | ObservableKind::Ipv6 => canonical_ip(kind, text)?,
        ObservableKind::Domain | ObservableKind::Hostname => (kind, canonical_domain(text)?),
        ObservableKind::Url => (kind, canonical_url(text)?),
        ObservableKind::Md5 | ObservableKind::Sha1 | ObservableKind::Sha256 => {
            (kind, canonical_hash(kind, text)?)
        }
        ObservableKind::Email => (kind, canonical_email(text)?),
        ObservableKind::User => (kind, canonical_user(text)?),
        ObservableKind::FileName => (kind, canonical_file_name(text)?),
    };
    Ok(Observable { kind, value })
}

/// Guesses the kind of a bare value and returns its canonical form.
///
/// Tries, in order: IP address, URL, MD5/SHA-1/SHA-256 by length of a hex
/// string, e-mail address, and a domain with at least two labels and a
/// letter in the last one. Returns `None` when nothing matches.
pub fn detect_and_normalize(text: &str) -> Option<Observable> {
    let trimmed = text.trim();
    if let Ok(address) = trimmed.parse::<IpAddr>() {
        return Some(ip_observable(address));
    }

    if looks_like_url(trimmed) {
        return canonical_observable(ObservableKind::Url, trimmed).ok();
    }

    if let Some(kind) = hash_kind_by_length(trimmed) {
        return canonical_observable(kind, trimmed).ok();
    }

    if trimmed.contains('@') {
        return canonical_observable(ObservableKind::Email, trimmed).ok();
    }

    if looks_like_domain(trimmed) {
        return canonical_observable(ObservableKind::Domain, trimmed).ok();
    }
    None
}

/// Returns the hash kind whose hex length matches `text`, if `text` is hex.
pub fn hash_kind_by_length(text: &str) -> Option<ObservableKind> {
    if !text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    match text.len() {
        32 => Some(ObservableKind::Md5),
        40 => Some(ObservableKind::Sha1),
        64 => Some(ObservableKind::Sha256),
        _ => None,
    }
}

/// Returns true when `text` starts with a URL scheme that observables accept.
pub fn looks_like_url(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("ftp://")
}

fn looks_like_domain(text: &str) -> bool {
    let Some((_, last_label)) = text.trim_end_matches('.').rsplit_once('.') else {
        return false;
    };
    let has_letter = last_label.chars().any(char::is_alphabetic);
    let has_space = text.chars().any(char::is_whitespace);
    has_letter && !has_space
}

fn ip_observable(address: IpAddr) -> Observable {
    match address {
        IpAddr::V4(v4) => Observable {
            kind: ObservableKind::Ipv4,
            value: v4.to_string(),
        },
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => Observable {
                kind: ObservableKind::Ipv4,
                value: v4.to_string(),
            },
            None => Observable {
                kind: ObservableKind::Ipv6,
                value: v6.to_string(),
            },
        },
    }
}

fn canonical_ip(kind: ObservableKind, text: &str) -> Result<(ObservableKind, String), String> {
    let trimmed = text.trim();
    let address: IpAddr = trimmed
        .parse()
        .map_err(|_| format!("`{trimmed}` is not a valid IP address"))?;
    let is_mapped = matches!(address, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some());
    let observable = ip_observable(address);

    let kind_matches = observable.kind == kind || is_mapped;
    if !kind_matches {
        return Err(format!(
            "`{trimmed}` is an {} address, expected {}",
            observable.kind.as_str(),
            kind.as_str()
        ));
    }
    Ok((observable.kind, observable.value))
}

/// Lower-cases `text`, converts IDN labels to punycode and checks DNS limits.
///
/// Underscores are accepted because service records such as
/// `_ldap._tcp.example.com` appear in DNS logs.
fn canonical_domain(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    let without_dot = trimmed.strip_suffix('.').unwrap_or(trimmed);
    if without_dot.is_empty() {
        return Err("domain is empty".to_string());
    }
    if without_dot.parse::<IpAddr>().is_ok() {
        return Err(format!("`{trimmed}` is an IP address, not a domain"));
    }

    let ascii = idna::domain_to_ascii(without_dot)
        .map_err(|_| format!("`{trimmed}` is not a valid internationalised domain name"))?;
    check_domain_limits(&ascii)
        .map_err(|reason| format!("`{trimmed}` is not a valid domain: {reason}"))?;
    Ok(ascii)
}

fn check_domain_limits(ascii: &str) -> Result<(), String> {
    if ascii.len() > MAX_DOMAIN_BYTES {
        return Err(format!("longer than {MAX_DOMAIN_BYTES} bytes"));
    }

    for label in ascii.split('.') {
        if label.is_empty() {
            return Err("empty label".to_string());
        }
        if label.len() > MAX_LABEL_BYTES {
            return Err(format!("label longer than {MAX_LABEL_BYTES} bytes"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("label `{label}` starts or ends with a hyphen"));
        }
        let allowed = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_';
        if !label.bytes().all(allowed) {
            return Err(format!(
                "label `{label}` contains a character other than a-z, 0-9, `-` or `_`"
            ));
        }
    }
    Ok(())
}

fn canonical_url(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if trimmed.len() > MAX_URL_BYTES {
        return Err(format!("URL is longer than {MAX_URL_BYTES} bytes"));
    }

    let parsed = url::Url::parse(trimmed)
        .map_err(|error| format!("`{trimmed}` is not a valid URL: {error}"))?;
    if !matches!(parsed.scheme(), "http" | "https" | "ftp") {
        return Err(format!(
            "URL scheme `{}` is not accepted, expected http, https or ftp",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("URL `{trimmed}` has no host"));
    }
    Ok(parsed.to_string())
}

fn canonical_hash(kind: ObservableKind, text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    let (name, expected_length) = match kind {
        ObservableKind::Md5 => ("MD5", 32),
        ObservableKind::Sha1 => ("SHA-1", 40),
        _ => ("SHA-256", 64),
    };

    if trimmed.len() != expected_length {
        return Err(format!(
            "{name} must be {expected_length} hex characters, got {}",
            trimmed.len()
        ));
    }
    if !trimmed.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(format!("{name} contains a character that is not hex"));
    }
    Ok(trimmed.to_ascii_lowercase())
}

/// Keeps the local part as sent (it is case-sensitive in RFC 5321) and
/// lower-cases the domain.
fn canonical_email(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    let Some((local, domain)) = trimmed.rsplit_once('@') else {
        return Err(format!("`{trimmed}` is not an e-mail address: missing `@`"));
    };

    if local.is_empty() || local.len() > MAX_EMAIL_LOCAL_BYTES {
        return Err(format!(
            "`{trimmed}` is not an e-mail address: the local part must be 1 to {MAX_EMAIL_LOCAL_BYTES} bytes"
        ));
    }
    let bad_local = |c: char| c.is_whitespace() || c.is_control() || c == '@';
    if local.chars().any(bad_local) {
        return Err(format!(
            "`{trimmed}` is not an e-mail address: the local part contains a space, control character or `@`"
        ));
    }

    let domain = canonical_domain(domain)
        .map_err(|reason| format!("`{trimmed}` is not an e-mail address: {reason}"))?;
    Ok(format!("{local}@{domain}"))
}

fn canonical_user(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("user name is empty".to_string());
    }
    if trimmed.len() > MAX_USER_BYTES {
        return Err(format!("user name is longer than {MAX_USER_BYTES} bytes"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err("user name contains a control character".to_string());
    }
    Ok(trimmed.to_string())
}

/// Keeps the name byte for byte, because leading or trailing spaces are
/// legal in file names.
fn canonical_file_name(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("file name is empty".to_string());
    }
    if text.contains('\0') {
        return Err("file name contains a NUL byte".to_string());
    }
    if text.len() > MAX_FILE_NAME_BYTES {
        return Err(format!(
            "file name is {} bytes, the maximum is {MAX_FILE_NAME_BYTES}",
            text.len()
        ));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(kind: ObservableKind, text: &str) -> Observable {
        canonical_observable(kind, text).expect("value should be valid")
    }

    #[test]
    fn ipv4_mapped_ipv6_folds_to_ipv4() {
        let observable = canonical(ObservableKind::Ipv6, "::ffff:192.0.2.7");
        assert_eq!(observable.kind, ObservableKind::Ipv4);
        assert_eq!(observable.value, "192.0.2.7");
        assert_eq!(
            normalize_observable(ObservableKind::Ipv6, "::FFFF:192.0.2.7").as_deref(),
            Ok("192.0.2.7")
        );
    }

    #[test]
    fn ipv6_compressed_lower_case() {
        let observable = canonical(ObservableKind::Ipv6, " 2001:DB8:0:0:0:0:0:1 ");
        assert_eq!(observable.kind, ObservableKind::Ipv6);
        assert_eq!(observable.value, "2001:db8::1");
    }

    #[test]
    fn ip_kind_mismatch_rejected() {
        let error = normalize_observable(ObservableKind::Ipv4, "2001:db8::1")
            .expect_err("ipv6 is not ipv4");
        assert!(error.contains("expected ipv4"), "{error}");
        assert!(normalize_observable(ObservableKind::Ipv6, "192.0.2.1").is_err());
        assert!(normalize_observable(ObservableKind::Ipv4, "192.0.2.256").is_err());
        assert!(normalize_observable(ObservableKind::Ipv4, "192.0.02.1").is_err());
    }

    #[test]
    fn idn_domain_to_punycode() {
        let value =
            normalize_observable(ObservableKind::Domain, "Bücher.Example.").expect("valid IDN");
        assert_eq!(value, "xn--bcher-kva.example");
    }

    #[test]
    fn domain_rules() {
        let value = normalize_observable(ObservableKind::Domain, "_ldap._tcp.Example.COM")
            .expect("service record");
        assert_eq!(value, "_ldap._tcp.example.com");
        assert!(normalize_observable(ObservableKind::Domain, "").is_err());
        assert!(normalize_observable(ObservableKind::Domain, "a..example").is_err());
        assert!(normalize_observable(ObservableKind::Domain, "-bad.example").is_err());
        assert!(normalize_observable(ObservableKind::Domain, "has space.example").is_err());
        assert!(normalize_observable(ObservableKind::Domain, "192.0.2.1").is_err());
        let long_label = format!("{}.example", "a".repeat(64));
        assert!(normalize_observable(ObservableKind::Domain, &long_label).is_err());
    }

    #[test]
    fn hostname_lower_cased() {
        let value =
            normalize_observable(ObservableKind::Hostname, "WORKSTATION01").expect("hostname");
        assert_eq!(value, "workstation01");
    }

    #[test]
    fn url_reserialised() {
        let value =
            normalize_observable(ObservableKind::Url, "HTTP://WWW.Example.COM/a b").expect("url");
        assert_eq!(value, "http://www.example.com/a%20b");
        let idn =
            normalize_observable(ObservableKind::Url, "https://bücher.example/").expect("idn url");
        assert_eq!(idn, "https://xn--bcher-kva.example/");
    }

    #[test]
    fn url_scheme_and_host_checked() {
        let error =
            normalize_observable(ObservableKind::Url, "javascript:alert(1)").expect_err("scheme");
        assert!(error.contains("scheme `javascript`"), "{error}");
        assert!(normalize_observable(ObservableKind::Url, "file:///etc/passwd").is_err());
        assert!(normalize_observable(ObservableKind::Url, "not a url").is_err());
    }

    #[test]
    fn hashes_checked_and_lower_cased() {
        let md5 = normalize_observable(ObservableKind::Md5, "D41D8CD98F00B204E9800998ECF8427E")
            .expect("md5");
        assert_eq!(md5, "d41d8cd98f00b204e9800998ecf8427e");
        let sha1 = "9c0e42a47d34240a9a4101cc5d3bc5787dc5ad73";
        assert_eq!(
            normalize_observable(ObservableKind::Sha1, sha1).as_deref(),
            Ok(sha1)
        );
        let error = normalize_observable(ObservableKind::Md5, sha1).expect_err("40 chars in md5");
        assert_eq!(error, "MD5 must be 32 hex characters, got 40");
        let not_hex = "z".repeat(64);
        assert!(normalize_observable(ObservableKind::Sha256, &not_hex).is_err());
    }

    #[test]
    fn email_domain_lower_cased() {
        let value =
            normalize_observable(ObservableKind::Email, "Alice.B@Mail.Example.COM").expect("email");
        assert_eq!(value, "Alice.B@mail.example.com");
        assert!(normalize_observable(ObservableKind::Email, "no-at-sign.example").is_err());
        assert!(normalize_observable(ObservableKind::Email, "@example.com").is_err());
        assert!(normalize_observable(ObservableKind::Email, "a b@example.com").is_err());
        assert!(normalize_observable(ObservableKind::Email, "user@bad..example").is_err());
    }

    #[test]
    fn user_and_file_name_rules() {
        let user =
            normalize_observable(ObservableKind::User, " WORKSTATION01\\user01 ").expect("user");
        assert_eq!(user, "WORKSTATION01\\user01");
        assert!(normalize_observable(ObservableKind::User, "  ").is_err());
        assert!(normalize_observable(ObservableKind::FileName, "").is_err());
        assert!(normalize_observable(ObservableKind::FileName, "a\0b").is_err());
        let too_long = "a".repeat(MAX_FILE_NAME_BYTES + 1);
        assert!(normalize_observable(ObservableKind::FileName, &too_long).is_err());
        let max = "a".repeat(MAX_FILE_NAME_BYTES);
        assert!(normalize_observable(ObservableKind::FileName, &max).is_ok());
    }

    #[test]
    fn detect_bare_values() {
        let cases = [
            ("198.51.100.23", ObservableKind::Ipv4, "198.51.100.23"),
            ("::ffff:203.0.113.9", ObservableKind::Ipv4, "203.0.113.9"),
            ("2001:db8::2", ObservableKind::Ipv6, "2001:db8::2"),
            (
                "https://Example.com/x",
                ObservableKind::Url,
                "https://example.com/x",
            ),
            (
                "D41D8CD98F00B204E9800998ECF8427E",
                ObservableKind::Md5,
                "d41d8cd98f00b204e9800998ecf8427e",
            ),
            ("soc@Example.org", ObservableKind::Email, "soc@example.org"),
            ("WWW.Example.net", ObservableKind::Domain, "www.example.net"),
        ];
        for (text, kind, value) in cases {
            let observable = detect_and_normalize(text).expect(text);
            assert_eq!(observable.kind, kind, "{text}");
            assert_eq!(observable.value, value, "{text}");
        }
        assert!(detect_and_normalize("just words").is_none());
        assert!(detect_and_normalize("1.2").is_none());
    }
}
