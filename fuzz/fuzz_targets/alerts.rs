//! Splits and normalises arbitrary request bodies, as `POST /api/v1/alerts`
//! does. Any panic is a bug.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    for record in moat::normalize::split_records(body).into_iter().flatten() {
        let _ = moat::normalize::normalize(&record.value, time::OffsetDateTime::UNIX_EPOCH);
    }
});
