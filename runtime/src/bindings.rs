//! Host bindings generated from the WIT package in `wit/`.
//!
//! Every import is async, because cases, intel and state calls go to the
//! database and connector calls run another component, and trappable, so
//! that a host fault becomes a trap while a capability failure becomes the
//! WIT `error` returned to the guest (see [`crate::error::HostError`]).

wasmtime::component::bindgen!({
    world: "playbook",
    path: "../wit",
    imports: { default: async | trappable },
    exports: { default: async },
    trappable_error_type: {
        "moat:platform/types.error" => crate::error::HostError,
    },
});

/// Bindings of the `connector` world, sharing the interface types above.
pub mod connector {
    wasmtime::component::bindgen!({
        world: "connector",
        path: "../wit",
        imports: { default: async | trappable },
        exports: { default: async },
        with: {
            "moat:platform/types": crate::bindings::moat::platform::types,
            "moat:platform/log": crate::bindings::moat::platform::log,
            "moat:platform/config": crate::bindings::moat::platform::config,
            "moat:platform/secrets": crate::bindings::moat::platform::secrets,
            "moat:platform/cases": crate::bindings::moat::platform::cases,
            "moat:platform/connectors": crate::bindings::moat::platform::connectors,
            "moat:platform/intel": crate::bindings::moat::platform::intel,
            "moat:platform/state": crate::bindings::moat::platform::state,
            "moat:platform/http-policy": crate::bindings::moat::platform::http_policy,
        },
        trappable_error_type: {
            "moat:platform/types.error" => crate::error::HostError,
        },
    });
}

pub use moat::platform::types::Error as GuestError;
