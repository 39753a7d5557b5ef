//! The compiled-component cache: a restarted runtime loads the compiled
//! code from disk instead of compiling the component again. The Python and
//! JavaScript components (12 to 22 MB, seconds to compile) are checked too;
//! `cargo bench -p moat-tests --bench per_run` measures both load times.

use moat_runtime::manifest::ComponentKind;
use moat_runtime::{Manifest, Runtime, RuntimeConfig};
use moat_tests::script_components::{js_component, python_component};
use std::path::Path;

fn cached_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if !is_usage_statistics(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Returns true for the usage-statistics files that wasmtime's cache
/// rewrites on every hit, and for files it is still writing. Only finished
/// compiled-code entries matter here.
fn is_usage_statistics(path: &Path) -> bool {
    let temporary = path
        .file_name()
        .is_some_and(|name| name.to_string_lossy().starts_with('.'));
    temporary
        || path
            .extension()
            .is_some_and(|extension| extension == "stats")
}

/// Returns the cached files once two listings 200 ms apart agree, because
/// wasmtime's cache worker thread may still be writing after registration.
fn settled_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut previous = cached_files(dir);
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(200));
        let current = cached_files(dir);
        if current == previous && !current.is_empty() {
            return current;
        }
        previous = current;
    }
    previous
}

fn register_in_fresh_runtime(cache: &Path, name: &str, wasm: &[u8]) {
    let config = RuntimeConfig {
        cache_dir: Some(cache.to_owned()),
        ..RuntimeConfig::default()
    };
    let runtime = Runtime::new(config).expect("runtime");
    let manifest = Manifest::parse(&moat_tests::manifest(name, ComponentKind::Playbook, ""))
        .expect("manifest");
    runtime
        .register(manifest, wasm)
        .unwrap_or_else(|error| panic!("{name} does not register: {error}"));
}

#[test]
fn restart_reuses_compiled_rust_component() {
    assert_restart_reuses_cache("noop", &moat_tests::wasm_bytes("noop"));
}

#[test]
fn restart_reuses_compiled_python_component() {
    assert_restart_reuses_cache("python-probe", &python_component("python-probe"));
}

#[test]
fn restart_reuses_compiled_js_component() {
    assert_restart_reuses_cache("js-probe", &js_component("js-probe"));
}

/// Registers `wasm` in two runtimes one after the other, as a server and
/// its restart would, and checks that the second wrote nothing new to the
/// shared cache.
fn assert_restart_reuses_cache(name: &str, wasm: &[u8]) {
    let cache = tempfile::tempdir().expect("temporary folder");

    register_in_fresh_runtime(cache.path(), name, wasm);
    let after_first = settled_files(cache.path());
    assert!(
        !after_first.is_empty(),
        "the first start wrote compiled code to the cache"
    );
    let modified = after_first
        .iter()
        .map(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok())
        .collect::<Vec<_>>();

    register_in_fresh_runtime(cache.path(), name, wasm);
    let after_second = settled_files(cache.path());
    assert_eq!(
        after_second, after_first,
        "the restart added no cache entry, so nothing was compiled again"
    );
    let modified_again = after_second
        .iter()
        .map(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok())
        .collect::<Vec<_>>();
    assert_eq!(
        modified_again, modified,
        "the restart rewrote no cache entry: a miss would have written it again"
    );
}
