//! Connector for a REST reputation service.
//!
//! `GET {base_url}/api/v3/reputation/{kind}/{value}` returns
//! `{"verdict", "score", "tags", "description"}`. The API key travels as the
//! `{{secret.intel_api_key}}` placeholder, which the host fills in only on
//! requests to the hosts the manifest binds the secret to.

mod lookup;
mod schema;

use moat_sdk::prelude::*;

struct ThreatIntelHttp;

impl Connector for ThreatIntelHttp {
    fn describe() -> Vec<Action> {
        vec![Action::new(
            "lookup",
            "Returns the reputation of an IP address, domain, URL or file hash.",
            schema::lookup_input(),
            schema::lookup_output(),
        )]
    }

    fn invoke(action: String, input: String) -> Result<String, Error> {
        match action.as_str() {
            "lookup" => {
                let input = parse_input(&action, &input)?;
                to_output(&lookup::lookup(&input)?)
            }
            _ => Err(unknown_action(&action, &["lookup"])),
        }
    }
}

moat_sdk::export_connector!(ThreatIntelHttp);
