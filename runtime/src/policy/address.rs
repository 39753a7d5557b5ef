//! Classification of resolved addresses into public and non-public.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Returns the reason an address is not public, or `None` for a public
/// address.
///
/// IPv4-mapped (`::ffff:a.b.c.d`) and IPv4-compatible (`::a.b.c.d`) IPv6
/// addresses are judged as the IPv4 address they carry.
pub fn non_public_reason(address: IpAddr) -> Option<&'static str> {
    match address {
        IpAddr::V4(v4) => ipv4_reason(v4),
        IpAddr::V6(v6) => match embedded_ipv4(v6) {
            Some(v4) => ipv4_reason(v4),
            None => ipv6_reason(v6),
        },
    }
}

/// Returns the IPv4 address inside an IPv4-mapped or IPv4-compatible IPv6
/// address.
pub fn embedded_ipv4(address: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(v4) = address.to_ipv4_mapped() {
        return Some(v4);
    }
    let segments = address.segments();
    let compatible = segments[..6].iter().all(|s| *s == 0)
        && !address.is_unspecified()
        && address != Ipv6Addr::LOCALHOST;
    compatible.then(|| {
        let [.., a, b] = segments;
        Ipv4Addr::new((a >> 8) as u8, a as u8, (b >> 8) as u8, b as u8)
    })
}

fn ipv4_reason(address: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = address.octets();
    if address == Ipv4Addr::new(169, 254, 169, 254) || address == Ipv4Addr::new(100, 100, 100, 200)
    {
        return Some("cloud metadata address");
    }
    if address.is_unspecified() || a == 0 {
        return Some("unspecified address");
    }
    if address.is_loopback() {
        return Some("loopback address");
    }
    if address.is_private() {
        return Some("private address");
    }
    if a == 100 && (64..128).contains(&b) {
        return Some("shared address space (CGNAT)");
    }
    if address.is_link_local() {
        return Some("link-local address");
    }
    if address.is_multicast() {
        return Some("multicast address");
    }
    if address.is_broadcast() {
        return Some("broadcast address");
    }
    if a >= 240 {
        return Some("reserved address");
    }
    let documentation =
        (a, b, c) == (192, 0, 2) || (a, b, c) == (198, 51, 100) || (a, b, c) == (203, 0, 113);
    if documentation {
        return Some("documentation address");
    }
    if a == 198 && (b == 18 || b == 19) {
        return Some("benchmarking address");
    }
    if (a, b, c) == (192, 0, 0) {
        return Some("IETF protocol assignment address");
    }
    None
}

fn ipv6_reason(address: Ipv6Addr) -> Option<&'static str> {
    let segments = address.segments();
    if address == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254) {
        return Some("cloud metadata address");
    }
    if address.is_unspecified() {
        return Some("unspecified address");
    }
    if address.is_loopback() {
        return Some("loopback address");
    }
    if address.is_multicast() {
        return Some("multicast address");
    }
    if segments[0] & 0xfe00 == 0xfc00 {
        return Some("private address (unique local)");
    }
    if segments[0] & 0xffc0 == 0xfe80 {
        return Some("link-local address");
    }
    if segments[0] & 0xffc0 == 0xfec0 {
        return Some("site-local address");
    }
    if segments[0] == 0x2001 && segments[1] == 0x0db8 {
        return Some("documentation address");
    }
    if segments[0] == 0x0064 && segments[1] == 0xff9b {
        return Some("NAT64 address");
    }
    if segments[0] == 0x2002 || (segments[0] == 0x2001 && segments[1] == 0) {
        return Some("IPv6 transition address");
    }
    if segments[0] == 0x0100 && segments[1..4].iter().all(|s| *s == 0) {
        return Some("discard-only address");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_public_addresses_have_a_reason() {
        let cases = [
            ("127.0.0.1", "loopback"),
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("192.168.1.1", "private"),
            ("100.64.0.1", "CGNAT"),
            ("169.254.10.10", "link-local"),
            ("169.254.169.254", "metadata"),
            ("224.0.0.1", "multicast"),
            ("255.255.255.255", "broadcast"),
            ("0.0.0.0", "unspecified"),
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("fe80::1", "link-local"),
            ("fc00::1", "unique local"),
            ("fd00:ec2::254", "metadata"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:169.254.169.254", "metadata"),
            ("::10.0.0.1", "private"),
            ("ff02::1", "multicast"),
        ];
        for (text, expected) in cases {
            let address: IpAddr = text.parse().expect(text);
            let reason =
                non_public_reason(address).unwrap_or_else(|| panic!("{text} was judged public"));
            assert!(reason.contains(expected), "{text}: {reason}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for text in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700:4700::1111",
            "::ffff:93.184.216.34",
        ] {
            let address: IpAddr = text.parse().expect(text);
            assert_eq!(non_public_reason(address), None, "{text}");
        }
    }
}
