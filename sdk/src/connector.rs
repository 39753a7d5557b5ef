//! Export glue for the `connector` world, behind the `connector` feature.
//!
//! Implement [`Connector`] on a unit struct and export it with
//! [`export_connector!`](crate::export_connector):
//!
//! ```ignore
//! use moat_sdk::prelude::*;
//! use serde_json::json;
//!
//! struct Echo;
//!
//! impl Connector for Echo {
//!     fn describe() -> Vec<Action> {
//!         vec![Action::new("echo", "Returns its input.", json!({}), json!({}))]
//!     }
//!
//!     fn invoke(action: String, input: String) -> Result<String, Error> {
//!         match action.as_str() {
//!             "echo" => Ok(input),
//!             _ => Err(unknown_action(&action, &["echo"])),
//!         }
//!     }
//! }
//!
//! moat_sdk::export_connector!(Echo);
//! ```

use crate::Error;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Bindings generated for the `connector` world. Its interfaces and types
/// are the ones in [`crate::bindings`]; `describe`, `invoke` and the
/// `action` record are new.
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
        world: "connector",
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
        additional_derives: [PartialEq, Eq, Hash],
        pub_export_macro: true,
        default_bindings_module: "moat_sdk::connector::bindings",
    });
}

/// One action in the list that `describe` returns.
pub use bindings::Action;
/// The `describe` and `invoke` exports.
pub use bindings::Guest as Connector;

impl Action {
    /// Builds an action; the schemas are JSON Schema documents.
    pub fn new(
        name: impl Into<String>,
        description: impl Into<String>,
        input_schema: serde_json::Value,
        output_schema: serde_json::Value,
    ) -> Action {
        Action {
            name: name.into(),
            description: description.into(),
            input_schema: input_schema.to_string(),
            output_schema: output_schema.to_string(),
        }
    }
}

/// Parses the JSON input of `action`; the error is `invalid` and names the
/// action.
pub fn parse_input<T: DeserializeOwned>(action: &str, input: &str) -> Result<T, Error> {
    serde_json::from_str(input)
        .map_err(|error| Error::invalid(format!("invalid input for action `{action}`: {error}")))
}

/// Serializes the output of an action.
pub fn to_output<T: Serialize + ?Sized>(output: &T) -> Result<String, Error> {
    crate::json::to_json(output)
}

/// Returns the `not-found` error for an action this connector does not
/// have, the kind the `connectors` interface documents for it.
pub fn unknown_action(action: &str, known: &[&str]) -> Error {
    Error::not_found(format!(
        "unknown action `{action}`: this connector offers {}",
        known.join(", ")
    ))
}

/// Exports a type that implements [`Connector`] as the component's
/// `describe` and `invoke`.
#[macro_export]
macro_rules! export_connector {
    ($connector:ident) => {
        $crate::__export_connector_impl!($connector with_types_in $crate::connector::bindings);
    };
}
