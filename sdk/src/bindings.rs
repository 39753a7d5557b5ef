//! Generated bindings for the `host` world of `moat:platform`: every host
//! interface, with no exports.
//!
//! The playbook and connector export glue reuses these types, so a value
//! returned by one host call can be passed to another or returned from `run`.

wit_bindgen::generate!({
    world: "host",
    path: "../wit",
    additional_derives: [PartialEq, Eq, Hash],
});
