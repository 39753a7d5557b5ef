//! Export glue for the `playbook` world, behind the `playbook` feature.
//!
//! Implement [`Playbook`] on a unit struct and export it with
//! [`export_playbook!`](crate::export_playbook):
//!
//! ```ignore
//! use moat_sdk::prelude::*;
//!
//! struct Hello;
//!
//! impl Playbook for Hello {
//!     fn run(trigger: Trigger) -> Result<RunOutput, Error> {
//!         let alert = trigger.require_alert()?;
//!         moat_sdk::info!("alert {} from {}", alert.id, alert.source);
//!         Ok(RunOutput::summary_only("seen"))
//!     }
//! }
//!
//! moat_sdk::export_playbook!(Hello);
//! ```

/// Bindings generated for the `playbook` world. Its interfaces and types are
/// the ones in [`crate::bindings`]; only the `run` export is new.
#[allow(
    unsafe_code,
    reason = "generated export glue lifts and lowers values through raw pointers"
)]
#[allow(
    clippy::too_many_arguments,
    reason = "generated export glue takes one argument per flattened field"
)]
#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        world: "playbook",
        path: "../wit",
        with: {
            "moat:platform/types@0.1.0": crate::bindings::moat::platform::types,
            "moat:platform/log@0.1.0": crate::bindings::moat::platform::log,
            "moat:platform/config@0.1.0": crate::bindings::moat::platform::config,
            "moat:platform/secrets@0.1.0": crate::bindings::moat::platform::secrets,
            "moat:platform/cases@0.1.0": crate::bindings::moat::platform::cases,
            "moat:platform/connectors@0.1.0": crate::bindings::moat::platform::connectors,
            "moat:platform/intel@0.1.0": crate::bindings::moat::platform::intel,
            "moat:platform/state@0.1.0": crate::bindings::moat::platform::state,
            "moat:platform/http-policy@0.1.0": crate::bindings::moat::platform::http_policy,
        },
        pub_export_macro: true,
        default_bindings_module: "moat_sdk::playbook::bindings",
    });
}

/// The `run` export. A fresh instance serves each run, so statics start
/// from their initial values every time.
pub use bindings::Guest as Playbook;

/// Exports a type that implements [`Playbook`] as the component's `run`.
///
/// Use it once per component, at the crate root or in any module.
#[macro_export]
macro_rules! export_playbook {
    ($playbook:ident) => {
        $crate::__export_playbook_impl!($playbook with_types_in $crate::playbook::bindings);
    };
}
