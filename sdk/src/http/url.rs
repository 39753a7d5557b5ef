//! Splitting a request URL into the parts `wasi:http` takes.

use crate::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    Http,
    Https,
}

/// An absolute `http` or `https` URL, split for an outgoing request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub scheme: Scheme,
    /// `host[:port]`, as written in the URL.
    pub authority: String,
    /// Path and query, always starting with `/`. The fragment is dropped.
    pub path_with_query: String,
}

impl Target {
    /// Splits `url`. Rejects other schemes, user info, and whitespace or
    /// control characters, which a caller must percent-encode.
    pub fn parse(url: &str) -> Result<Target, Error> {
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::invalid(format!(
                "invalid URL `{}`: it contains whitespace or control characters, which must be percent-encoded",
                url.escape_debug()
            )));
        }

        let (scheme, rest) = url.split_once("://").ok_or_else(|| {
            Error::invalid(format!(
                "invalid URL `{url}`: expected an absolute http or https URL"
            ))
        })?;
        let scheme = parse_scheme(url, scheme)?;

        let rest = rest.split('#').next().unwrap_or_default();
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path_with_query) = rest.split_at(authority_end);
        check_authority(url, authority)?;

        Ok(Target {
            scheme,
            authority: authority.to_owned(),
            path_with_query: normalize_path(path_with_query),
        })
    }

    /// Returns the URL without its query string, for error messages, because
    /// a query may carry tokens.
    pub fn display_without_query(&self) -> String {
        let scheme = match self.scheme {
            Scheme::Http => "http",
            Scheme::Https => "https",
        };
        let path = self.path_with_query.split('?').next().unwrap_or_default();
        format!("{scheme}://{}{path}", self.authority)
    }
}

fn parse_scheme(url: &str, scheme: &str) -> Result<Scheme, Error> {
    match scheme.to_ascii_lowercase().as_str() {
        "http" => Ok(Scheme::Http),
        "https" => Ok(Scheme::Https),
        _ => Err(Error::invalid(format!(
            "invalid URL `{url}`: scheme `{scheme}` is not supported, use http or https"
        ))),
    }
}

fn check_authority(url: &str, authority: &str) -> Result<(), Error> {
    if authority.is_empty() {
        return Err(Error::invalid(format!(
            "invalid URL `{url}`: the host is missing"
        )));
    }
    if authority.contains('@') {
        return Err(Error::invalid(format!(
            "invalid URL `{url}`: user info is not supported, send credentials in a header"
        )));
    }
    Ok(())
}

fn normalize_path(path_with_query: &str) -> String {
    if path_with_query.starts_with('/') {
        return path_with_query.to_owned();
    }
    format!("/{path_with_query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> Target {
        Target::parse(url).expect("URL parses")
    }

    #[test]
    fn splits_authority_path_and_query() {
        let target = parse("https://api.example.com:8443/v1/items?id=7#top");
        assert_eq!(target.scheme, Scheme::Https);
        assert_eq!(target.authority, "api.example.com:8443");
        assert_eq!(target.path_with_query, "/v1/items?id=7");
    }

    #[test]
    fn empty_path_becomes_slash() {
        assert_eq!(parse("http://127.0.0.1:8080").path_with_query, "/");
        assert_eq!(parse("http://127.0.0.1:8080?q=1").path_with_query, "/?q=1");
    }

    #[test]
    fn bracketed_ipv6_authority_is_kept() {
        assert_eq!(parse("http://[::1]:9000/x").authority, "[::1]:9000");
    }

    #[test]
    fn scheme_is_case_insensitive() {
        assert_eq!(parse("HTTPS://example.com/").scheme, Scheme::Https);
    }

    #[test]
    fn invalid_urls_are_rejected() {
        let cases = [
            ("ftp://example.com/", "scheme `ftp`"),
            ("example.com/path", "absolute"),
            ("https:///path", "host is missing"),
            ("https://user:pw@example.com/", "user info"),
            ("https://example.com/a b", "whitespace"),
        ];
        for (url, expected) in cases {
            let error = Target::parse(url).expect_err(url);
            assert_eq!(error.kind(), "invalid", "{url}");
            assert!(
                error.message().contains(expected),
                "{url}: {}",
                error.message()
            );
        }
    }

    #[test]
    fn display_drops_query() {
        let target = parse("https://example.com/lookup?key=abc");
        assert_eq!(target.display_without_query(), "https://example.com/lookup");
    }
}
