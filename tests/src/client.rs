//! An HTTP client for a [`TestServer`], with the token chosen per request.

use crate::server::TestServer;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

/// Sends requests to one test server and decodes JSON responses.
#[derive(Debug, Clone)]
pub struct ApiClient {
    client: reqwest::Client,
    base_url: String,
}

impl ApiClient {
    pub fn new(server: &TestServer) -> ApiClient {
        // A server that rejects a request before reading its body closes the
        // connection, and a pooled connection could then fail the next
        // request with `IncompleteMessage`, so every request opens its own.
        let client = reqwest::Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(0)
            .build()
            .expect("failed to build the HTTP client");
        ApiClient {
            client,
            base_url: server.base_url.clone(),
        }
    }

    /// Sends `method path` with `Authorization: Bearer TOKEN` when `token`
    /// is given and `body` as JSON when given. Returns the status and the
    /// decoded body, or `Value::Null` for a body that is not JSON.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.base_url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|error| panic!("{method} {path} failed: {error:?}"));
        let status = response.status();
        let text = response
            .text()
            .await
            .unwrap_or_else(|error| panic!("{method} {path}: failed to read the body: {error}"));
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Sends `GET path` and asserts 200.
    pub async fn get(&self, token: &str, path: &str) -> Value {
        let (status, body) = self.send(Method::GET, path, Some(token), None).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    /// Sends `POST path` with a JSON body.
    pub async fn post_json(&self, token: &str, path: &str, body: &Value) -> (StatusCode, Value) {
        let bytes = serde_json::to_vec(body).expect("a JSON value encodes");
        self.send(Method::POST, path, Some(token), Some(bytes))
            .await
    }

    /// Sends `POST /api/v1/components` with `manifest` and the bytes in
    /// base64.
    pub async fn upload_component(
        &self,
        token: &str,
        manifest: &str,
        wasm: &[u8],
    ) -> (StatusCode, Value) {
        let body = json!({ "manifest": manifest, "wasm_base64": STANDARD.encode(wasm) });
        self.post_json(token, "/api/v1/components", &body).await
    }

    /// Polls run `run_id` every 100 ms until it succeeds or fails, for at
    /// most 30 s, and returns the run.
    pub async fn wait_for_run(&self, token: &str, run_id: &str) -> Value {
        for _ in 0..300 {
            let run = self.get(token, &format!("/api/v1/runs/{run_id}")).await;
            if run["status"] == "succeeded" || run["status"] == "failed" {
                return run;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("run {run_id} did not finish within 30 s");
    }
}
