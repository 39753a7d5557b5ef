//! A playbook that does nothing: the baseline for measuring per-run host
//! overhead.

use moat_sdk::prelude::*;

struct Noop;

impl Playbook for Noop {
    fn run(_trigger: Trigger) -> Result<RunOutput, Error> {
        Ok(RunOutput::summary_only("ok"))
    }
}

moat_sdk::export_playbook!(Noop);
