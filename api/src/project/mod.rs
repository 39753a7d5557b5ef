//! Playbook and connector projects: `moat new` creates one from a template,
//! `moat build` turns it into a checked component, and `moat test` runs its
//! test cases through the runtime.
//!
//! A project is a folder with a `moat.toml` and the sources of one of the
//! languages in [`Language`]. The build tools and SDKs come from the Moat
//! source folder ([`home::MoatHome`]).

pub mod build;
mod build_js;
mod build_python;
mod build_rust;
pub mod home;
mod json_subset;
mod lang;
pub mod new;
mod templates;
mod test_case;
pub mod test_run;
mod tools;

pub use lang::Language;
