//! Actions that use up CPU, memory or stack so the host's limits stop them.

use moat_sdk::Error;
use std::hint::black_box;

/// Bytes between touched bytes: one per 4 KiB, enough to commit every
/// 64 KiB wasm page.
const TOUCH_STRIDE: usize = 4096;

/// Loops forever. `black_box` keeps the compiler from proving the loop has
/// no effect and removing it.
pub fn spin() -> Result<serde_json::Value, Error> {
    let mut counter: u64 = 0;
    loop {
        counter = black_box(counter.wrapping_add(1));
    }
}

/// Allocates `mb` MiB, writes to every page and returns `mb`.
pub fn allocate(mb: u64) -> u64 {
    let bytes = usize::try_from(mb)
        .unwrap_or(usize::MAX)
        .saturating_mul(1024 * 1024);
    let mut buffer = vec![0u8; bytes];
    for index in (0..bytes).step_by(TOUCH_STRIDE) {
        buffer[index] = 1;
    }

    black_box(&buffer);
    mb
}

/// Recurses `depth` calls deep with a 128-byte frame each and returns
/// `depth`.
#[inline(never)]
pub fn recurse(depth: u64) -> u64 {
    let frame = black_box([depth; 16]);
    if depth == 0 {
        return frame[0];
    }
    recurse(depth - 1) + 1 + black_box(frame[1]) - frame[1]
}
