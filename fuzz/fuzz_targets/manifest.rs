//! Parses arbitrary text as a `moat.toml` manifest. Any panic is a bug.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = moat_runtime::Manifest::parse(text);
});
