//! Components loaded into the runtime, checked once at registration.

use crate::bindings::PlaybookPre;
use crate::bindings::connector::ConnectorPre;
use crate::manifest::{ComponentKind, Manifest};
use crate::policy::allowlist::AllowList;
use crate::store_state::RunState;
use sha2::{Digest, Sha256};

/// Largest component accepted, in bytes. Interpreted-language components
/// (Python, JavaScript) are 12 to 20 MB; this leaves room to grow.
pub const MAX_COMPONENT_BYTES: usize = 64 * 1024 * 1024;

/// A compiled, linked component ready to instantiate.
pub struct LoadedComponent {
    pub manifest: Manifest,
    /// SHA-256 of the component bytes, lower-case hex.
    pub sha256: String,
    pub allow: AllowList,
    /// Granted secrets and the hosts each may be sent to.
    pub secret_bindings: Vec<(String, AllowList)>,
    pub(crate) entry: Entry,
}

pub(crate) enum Entry {
    Playbook(PlaybookPre<RunState>),
    Connector(ConnectorPre<RunState>),
}

impl std::fmt::Debug for LoadedComponent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedComponent")
            .field("name", &self.manifest.name)
            .field("version", &self.manifest.version)
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

/// Reason a component was not registered.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("component is {size} bytes, over the {max}-byte limit")]
    TooLarge { size: usize, max: usize },
    #[error("not a WebAssembly component: {0}")]
    NotComponent(String),
    #[error("invalid component: {0}")]
    Compile(String),
    #[error("component does not match the `{world}` world of its manifest's kind: {detail}")]
    WrongWorld { world: &'static str, detail: String },
    #[error("component imports what Moat does not provide: {0}")]
    Imports(String),
    #[error("invalid manifest: {0}")]
    Manifest(String),
}

/// Returns the SHA-256 of `wasm` as lower-case hex.
pub fn content_hash(wasm: &[u8]) -> String {
    hex::encode(Sha256::digest(wasm))
}

/// Checks the 8-byte header: a core module is rejected with its own message.
pub fn check_header(wasm: &[u8]) -> Result<(), RegisterError> {
    if wasm.len() > MAX_COMPONENT_BYTES {
        return Err(RegisterError::TooLarge {
            size: wasm.len(),
            max: MAX_COMPONENT_BYTES,
        });
    }
    let Some(header) = wasm.get(..8) else {
        return Err(RegisterError::NotComponent(format!(
            "the file is {} bytes, shorter than a WebAssembly header",
            wasm.len()
        )));
    };
    if &header[..4] != b"\0asm" {
        return Err(RegisterError::NotComponent(
            "the file does not start with the WebAssembly magic bytes `\\0asm`".to_owned(),
        ));
    }
    if header[4..] == [1, 0, 0, 0] {
        return Err(RegisterError::NotComponent(
            "this is a core WebAssembly module; build a component for target wasm32-wasip2, or wrap the module with `wasm-tools component new`".to_owned(),
        ));
    }
    Ok(())
}

/// Checks the component's exports against the world its manifest names.
pub fn check_world(
    component: &wasmtime::component::Component,
    kind: ComponentKind,
    engine: &wasmtime::Engine,
) -> Result<(), RegisterError> {
    let ty = component.component_type();
    let exports = ty
        .exports(engine)
        .map(|(name, _)| name.to_owned())
        .collect::<Vec<_>>();
    let (world, required): (&'static str, &[&str]) = match kind {
        ComponentKind::Playbook => ("moat:platform/playbook", &["run"]),
        ComponentKind::Connector => ("moat:platform/connector", &["describe", "invoke"]),
    };
    let missing = required
        .iter()
        .filter(|name| !exports.iter().any(|export| export == *name))
        .copied()
        .collect::<Vec<_>>();
    if missing.is_empty() {
        return Ok(());
    }
    Err(RegisterError::WrongWorld {
        world,
        detail: format!(
            "missing export(s) {}; the component exports [{}]",
            missing.join(", "),
            exports.join(", ")
        ),
    })
}

/// Rejects imports that the host never provides, naming each one.
pub fn check_imports(
    component: &wasmtime::component::Component,
    engine: &wasmtime::Engine,
) -> Result<(), RegisterError> {
    let ty = component.component_type();
    let forbidden = ty
        .imports(engine)
        .map(|(name, _)| name.to_owned())
        .filter(|name| name.starts_with("wasi:sockets/"))
        .collect::<Vec<_>>();
    if forbidden.is_empty() {
        return Ok(());
    }
    Err(RegisterError::Imports(format!(
        "{} (raw sockets are never granted; use wasi:http through allowed_outbound_hosts)",
        forbidden.join(", ")
    )))
}
