//! The `lookup` action: one request to the reputation service.

use moat_sdk::http::{Request, Response, encode_path_segment};
use moat_sdk::prelude::*;
use serde::{Deserialize, Serialize};

/// Name of the secret that contains the service's API key.
const API_KEY_SECRET: &str = "intel_api_key";
/// Maximum length of an error body quoted in an error message, in characters.
const MAX_QUOTED_BODY_CHARS: usize = 200;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupInput {
    kind: ObservableKind,
    value: String,
}

/// The service's response body, and the action's output.
#[derive(Debug, Serialize, Deserialize)]
pub struct Reputation {
    verdict: Verdict,
    /// 0 to 100; a missing score reads as 0.
    #[serde(default)]
    score: u8,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    description: String,
}

pub fn lookup(input: &LookupInput) -> Result<Reputation, Error> {
    check_input(input)?;
    let base_url = config::require("base_url")?;
    let url = format!(
        "{}/api/v3/reputation/{}/{}",
        base_url.trim_end_matches('/'),
        input.kind,
        encode_path_segment(&input.value)
    );

    let response = Request::get(url)
        .header("X-Api-Key", secrets::placeholder(API_KEY_SECRET))
        .header("Accept", "application/json")
        .send()?;
    reputation_from_response(&response)
}

fn check_input(input: &LookupInput) -> Result<(), Error> {
    let supported = input.kind.is_address()
        || input.kind.is_hash()
        || matches!(input.kind, ObservableKind::Domain | ObservableKind::Url);
    if !supported {
        return Err(Error::invalid(format!(
            "observable kind `{}` is not supported: use ipv4, ipv6, domain, url, md5, sha1 or sha256",
            input.kind
        )));
    }
    if input.value.trim().is_empty() {
        return Err(Error::invalid(
            "`value` is empty: pass the observable to look up",
        ));
    }
    Ok(())
}

fn reputation_from_response(response: &Response) -> Result<Reputation, Error> {
    let status = response.status;
    match status {
        200 => parse_reputation(response),
        404 => Ok(Reputation {
            verdict: Verdict::Unknown,
            score: 0,
            tags: Vec::new(),
            description: "not known to the reputation service".to_owned(),
        }),
        401 | 403 => Err(Error::upstream(format!(
            "reputation service rejected the API key (HTTP {status}): check the `intel_api_key` secret"
        ))),
        429 => Err(Error::upstream(format!(
            "reputation service rate limited the request (HTTP 429){}",
            retry_after(response)
        ))),
        300..=399 => Err(Error::upstream(format!(
            "reputation service returned a redirect (HTTP {status}{}), and redirects are not followed: set `base_url` to the final address",
            location(response)
        ))),
        _ => Err(Error::upstream(format!(
            "reputation service returned HTTP {status}: {}",
            quoted_body(response)
        ))),
    }
}

fn parse_reputation(response: &Response) -> Result<Reputation, Error> {
    let reputation: Reputation = response.json()?;
    if reputation.score > 100 {
        return Err(Error::upstream(format!(
            "reputation service returned score {}, expected 0 to 100",
            reputation.score
        )));
    }
    Ok(reputation)
}

fn retry_after(response: &Response) -> String {
    match response.header("retry-after") {
        Some(value) => format!(", Retry-After: {value}"),
        None => String::new(),
    }
}

fn location(response: &Response) -> String {
    match response.header("location") {
        Some(target) => format!(" to {target}"),
        None => String::new(),
    }
}

fn quoted_body(response: &Response) -> String {
    let text = response.text();
    let quoted: String = text.chars().take(MAX_QUOTED_BODY_CHARS).collect();
    if quoted.len() < text.len() {
        return format!("{quoted}…");
    }
    quoted
}
