//! `moat upload`: sends a built component and its manifest to
//! `POST /api/v1/components` of a running server.

use crate::cli::UploadArgs;
use anyhow::{Context, bail};
use base64::Engine as _;
use moat_runtime::manifest::Manifest;
use serde_json::{Value, json};

/// Reply of a successful upload: the stored component's identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    pub name: String,
    pub version: String,
    pub kind: String,
    pub sha256: String,
}

/// Uploads the component and prints what the server stored.
pub async fn run(args: UploadArgs) -> anyhow::Result<bool> {
    let uploaded = upload(&args).await?;
    print_uploaded(&uploaded);
    Ok(true)
}

/// Reads the manifest and its component and uploads both. A rejection
/// returns the server's status and message.
pub async fn upload(args: &UploadArgs) -> anyhow::Result<Uploaded> {
    let body = request_body(args)?;
    let url = format!("{}/api/v1/components", args.server.trim_end_matches('/'));

    let response = reqwest::Client::new()
        .post(&url)
        .bearer_auth(&args.token)
        .json(&body)
        .send()
        .await
        .with_context(|| {
            format!("failed to send the upload to {url}; is `moat serve` running there?")
        })?;
    let status = response.status();
    let reply: Value = response.json().await.unwrap_or(Value::Null);

    if !status.is_success() {
        let message = reply["error"]["message"]
            .as_str()
            .unwrap_or("no error message");
        bail!("the server rejected the upload with {status}: {message}");
    }
    Ok(Uploaded {
        name: text(&reply, "name"),
        version: text(&reply, "version"),
        kind: text(&reply, "kind"),
        sha256: text(&reply, "sha256"),
    })
}

fn request_body(args: &UploadArgs) -> anyhow::Result<Value> {
    let manifest_text = std::fs::read_to_string(&args.manifest)
        .with_context(|| format!("failed to read {}", args.manifest.display()))?;
    let manifest = Manifest::parse(&manifest_text)
        .with_context(|| format!("{} is not a valid manifest", args.manifest.display()))?;
    let wasm_path = manifest.component_path(&args.manifest);
    let wasm = std::fs::read(&wasm_path).with_context(|| {
        format!(
            "failed to read component {}; build it first with `moat build {}`",
            wasm_path.display(),
            args.manifest
                .parent()
                .map_or(".".into(), |dir| dir.display().to_string())
        )
    })?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(wasm);
    Ok(json!({ "manifest": manifest_text, "wasm_base64": encoded }))
}

fn text(reply: &Value, key: &str) -> String {
    reply[key].as_str().unwrap_or_default().to_owned()
}

#[expect(
    clippy::print_stdout,
    reason = "the stored component is the command's output"
)]
fn print_uploaded(uploaded: &Uploaded) {
    println!(
        "uploaded {} {} {} (sha256 {})",
        uploaded.kind, uploaded.name, uploaded.version, uploaded.sha256
    );
}
