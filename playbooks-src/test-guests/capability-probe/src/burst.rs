//! Requests that are all in flight at once, sent through raw `wasi:http`
//! because the SDK client waits for each response before returning.

use moat_sdk::Error;
use moat_sdk::http::error_from_code;
use serde_json::{Value, json};
use wasi::http::outgoing_handler;
use wasi::http::types::{Fields, FutureIncomingResponse, OutgoingRequest, Scheme};
use wasi::io::poll::Pollable;

/// Starts `count` GETs to `url`, an `http://` URL, then waits for them in
/// the order they finish. Returns `{"statuses": [...]}`, or the first
/// error, mapped the way the SDK client maps it.
pub fn get_all(url: &str, count: u32) -> Result<Value, Error> {
    let (authority, path) = split_http_url(url)?;
    let target = format!("GET {url}");

    let mut futures = Vec::new();
    for _ in 0..count {
        let request = OutgoingRequest::new(Fields::new());
        let set = [
            request.set_scheme(Some(&Scheme::Http)),
            request.set_authority(Some(authority)),
            request.set_path_with_query(Some(path)),
        ];
        if set.iter().any(Result::is_err) {
            return Err(Error::invalid(format!("the host rejected the URL `{url}`")));
        }
        let future = outgoing_handler::handle(request, None)
            .map_err(|code| error_from_code(&target, &code))?;
        futures.push(Some(future));
    }

    let mut statuses = Vec::new();
    // Every pass takes at least one ready response, so `count` passes are
    // enough.
    for _ in 0..count {
        let waiting: Vec<usize> = (0..futures.len())
            .filter(|&index| futures[index].is_some())
            .collect();
        if waiting.is_empty() {
            break;
        }
        for index in ready_indexes(&futures, &waiting) {
            let Some(future) = futures[index].take() else {
                continue;
            };
            match future.get() {
                Some(Ok(Ok(response))) => statuses.push(response.status()),
                Some(Ok(Err(code))) => return Err(error_from_code(&target, &code)),
                Some(Err(())) => {
                    return Err(Error::internal(format!(
                        "{target}: the response was already taken"
                    )));
                }
                None => futures[index] = Some(future),
            }
        }
    }
    Ok(json!({ "statuses": statuses }))
}

/// Blocks until at least one of the futures at `waiting` is ready and
/// returns the indexes into `futures` of the ready ones.
fn ready_indexes(futures: &[Option<FutureIncomingResponse>], waiting: &[usize]) -> Vec<usize> {
    // The pollables are dropped before this returns, because a future must
    // outlive the pollables made from it.
    let pollables: Vec<Pollable> = waiting
        .iter()
        .filter_map(|&index| {
            futures[index]
                .as_ref()
                .map(FutureIncomingResponse::subscribe)
        })
        .collect();
    let borrowed: Vec<&Pollable> = pollables.iter().collect();
    wasi::io::poll::poll(&borrowed)
        .into_iter()
        .filter_map(|position| waiting.get(position as usize).copied())
        .collect()
}

/// Splits `http://host[:port]/path` into the authority and the path.
fn split_http_url(url: &str) -> Result<(&str, &str), Error> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        Error::invalid(format!(
            "`{url}` is not an http:// URL; http_burst sends plain HTTP only"
        ))
    })?;
    Ok(match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, "/"),
    })
}
