//! The source address and user names of an sshd alert.

use moat_sdk::prelude::*;
use std::net::IpAddr;

/// Returns the first IPv4 or IPv6 observable, or else `data.srcip` from the
/// raw Wazuh record.
pub fn source_address(alert: &Alert) -> Result<Observable, Error> {
    let observed = alert
        .observables
        .iter()
        .find(|observable| observable.kind.is_address());
    if let Some(observable) = observed {
        return Ok(observable.clone());
    }

    let raw = alert.raw_json()?;
    raw.pointer("/data/srcip")
        .and_then(|value| value.as_str())
        .and_then(address_observable)
        .ok_or_else(|| {
            Error::invalid(format!(
                "alert {} has no source address: expected an ipv4 or ipv6 observable or a valid `data.srcip`",
                alert.id
            ))
        })
}

/// Returns the `user` observables, or else `data.srcuser` from the raw
/// Wazuh record. A raw record that does not parse yields no users.
pub fn user_names(alert: &Alert) -> Vec<String> {
    let observed: Vec<String> = alert
        .observables_of(ObservableKind::User)
        .map(|observable| observable.value.clone())
        .collect();
    if !observed.is_empty() {
        return observed;
    }

    let Ok(raw) = alert.raw_json() else {
        return Vec::new();
    };
    raw.pointer("/data/srcuser")
        .and_then(|value| value.as_str())
        .filter(|user| !user.trim().is_empty())
        .map(|user| vec![user.trim().to_owned()])
        .unwrap_or_default()
}

/// Parses `text` as an address observable, folding IPv4-mapped IPv6
/// addresses to IPv4 the way the host normalises observables.
fn address_observable(text: &str) -> Option<Observable> {
    let address: IpAddr = text.trim().parse().ok()?;
    let address = address.to_canonical();

    let kind = match address {
        IpAddr::V4(_) => ObservableKind::Ipv4,
        IpAddr::V6(_) => ObservableKind::Ipv6,
    };
    Some(Observable::new(kind, address.to_string()))
}
