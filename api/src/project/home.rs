//! The Moat source folder that `moat new`, `moat build` and `moat test`
//! take the WIT files, SDKs and build helpers from.

use anyhow::bail;
use std::path::{Path, PathBuf};

/// File whose presence marks a Moat source folder.
const MARKER: &str = "wit/worlds.wit";

/// A validated Moat source folder, as an absolute path.
#[derive(Debug, Clone)]
pub struct MoatHome {
    root: PathBuf,
}

impl MoatHome {
    /// Resolves the folder from `--moat-home` or `MOAT_HOME` (`explicit`),
    /// or else from the checkout this binary was built in, and checks that
    /// it contains `wit/worlds.wit`.
    pub fn resolve(explicit: Option<&Path>) -> anyhow::Result<MoatHome> {
        let (root, origin) = match explicit {
            Some(path) => (path.to_owned(), "--moat-home or MOAT_HOME"),
            None => (
                build_checkout(),
                "the checkout this moat binary was built from",
            ),
        };
        if !root.join(MARKER).is_file() {
            bail!(
                "{} ({origin}) is not a Moat source folder: {MARKER} is missing; pass --moat-home DIR or set MOAT_HOME to a checkout of the Moat repository",
                root.display()
            );
        }
        let root = std::path::absolute(&root)?;
        Ok(MoatHome { root })
    }

    /// Returns `relative` inside the Moat source folder.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Checks that `relative` exists, naming `purpose` in the error.
    pub fn require(&self, relative: &str, purpose: &str) -> anyhow::Result<PathBuf> {
        let path = self.path(relative);
        if !path.exists() {
            bail!(
                "{} is missing from the Moat source folder {}; {purpose} needs it. Pass --moat-home DIR or set MOAT_HOME to a complete checkout",
                relative,
                self.root.display()
            );
        }
        Ok(path)
    }
}

// NOTE: this default ties the `moat` binary to the source checkout it was
// built from. A binary copied elsewhere, or a checkout that was moved or
// deleted, needs `--moat-home` or `MOAT_HOME` for `moat new`, `moat build`
// and `moat test`.
fn build_checkout() -> PathBuf {
    let api_crate = Path::new(env!("CARGO_MANIFEST_DIR"));
    api_crate.parent().unwrap_or(api_crate).to_owned()
}
