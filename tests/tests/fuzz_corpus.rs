//! Replays every fuzz corpus input through the fuzz targets' entry points,
//! so that an input that once crashed a parser stays fixed without nightly
//! Rust or cargo-fuzz.

use moat_runtime::policy::allowlist::{AllowList, Scheme};
use moat_runtime::policy::outbound::parse_request_host;
use std::path::{Path, PathBuf};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn files_in(folder: &Path) -> Vec<PathBuf> {
    let mut files = std::fs::read_dir(folder)
        .unwrap_or_else(|error| panic!("failed to read {}: {error}", folder.display()))
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect::<Vec<_>>();
    files.sort();
    files
}

/// Reads a corpus file as text. The `&str` fuzz targets see only valid
/// UTF-8, so invalid bytes are replaced rather than rejected.
fn read_text(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("corpus file is readable");
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn alerts_corpus_replays() {
    let mut inputs = files_in(&Path::new(ROOT).join("fuzz/corpus/alerts"));
    for source in ["suricata", "sigma", "wazuh", "elastic"] {
        inputs.extend(files_in(
            &Path::new(ROOT).join("tests/fixtures/alerts").join(source),
        ));
    }
    assert!(inputs.len() > 10, "the alert corpus is seeded: {inputs:?}");

    for path in inputs {
        let body = std::fs::read(&path).expect("corpus file is readable");
        for record in moat::normalize::split_records(&body).into_iter().flatten() {
            let alert = moat::normalize::normalize(&record.value, time::OffsetDateTime::UNIX_EPOCH);
            assert!(!alert.source.is_empty(), "{}", path.display());
        }
    }
}

#[test]
fn manifest_corpus_replays() {
    let inputs = files_in(&Path::new(ROOT).join("fuzz/corpus/manifest"));
    assert!(!inputs.is_empty(), "the manifest corpus is seeded");
    for path in inputs {
        let text = read_text(&path);
        let parsed = moat_runtime::Manifest::parse(&text);
        // The seeds are the example manifests and must parse; inputs that the
        // fuzzer adds only have to return without panicking.
        if path
            .extension()
            .is_some_and(|extension| extension == "toml")
        {
            assert!(
                parsed.is_ok(),
                "example manifest {} parses: {parsed:?}",
                path.display()
            );
        }
    }
}

#[test]
fn allowlist_corpus_replays() {
    let inputs = files_in(&Path::new(ROOT).join("fuzz/corpus/allowlist"));
    assert!(!inputs.is_empty(), "the allowlist corpus is seeded");
    for path in inputs {
        let text = read_text(&path);
        let entries = text
            .lines()
            .filter(|line| AllowList::parse(&[*line]).is_ok())
            .collect::<Vec<_>>();
        let list = AllowList::parse(&entries).expect("entries that parse alone parse together");
        for line in text.lines() {
            for scheme in [Scheme::Http, Scheme::Https] {
                if let Ok(host) = parse_request_host(line, scheme) {
                    let _ = list.find(scheme, &host, scheme.default_port());
                }
            }
        }
    }
}
