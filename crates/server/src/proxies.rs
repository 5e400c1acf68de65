//! Whose word the server takes for a client's address: the reverse proxies in
//! `SO_TRUSTED_PROXIES` (addresses and CIDR ranges). Behind a TLS proxy every connection
//! comes from the proxy; the client's address is then in `X-Forwarded-For`, which anyone
//! can also write. So the header is believed only when the TCP peer is a trusted proxy,
//! and only up to the right-most address that is not one: each trusted proxy appends the
//! address it saw, so what stands left of the first untrusted one is the client's own
//! claim. Anything else — no header, a peer that is not trusted, an entry that is not an
//! address — leaves the nearest address known to be true.
//!
//! The sign-in rate limits count by this address (`auth::limits`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One trusted address or range (`10.0.0.0/8`, `::1`, `2001:db8::/32`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Range {
    base: IpAddr,
    prefix: u8,
}

impl Range {
    fn parse(text: &str) -> Option<Range> {
        let (ip, prefix) = match text.split_once('/') {
            Some((ip, prefix)) => (ip, Some(prefix)),
            None => (text, None),
        };
        let base: IpAddr = ip.trim().parse().ok()?;
        let base = base.to_canonical();
        let max = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p.trim().parse::<u8>().ok().filter(|p| *p <= max)?,
        };
        Some(Range { base, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        match (self.base, ip.to_canonical()) {
            (IpAddr::V4(base), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(base) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(base), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(base) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The trusted proxies; none by default (the TCP peer is the client).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Range>);

impl TrustedProxies {
    /// A comma-separated list of addresses and CIDR ranges; `Err` names the first entry
    /// that is neither. Empty entries are skipped (`""` is no proxy).
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                Range::parse(entry).ok_or_else(|| {
                    format!("{entry:?} is not an IP address or a CIDR range like 10.0.0.0/8")
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(ip))
    }

    /// The client's address of a request that came from `peer` with these
    /// `X-Forwarded-For` header values (in the order received): see the module comment.
    pub fn client_of<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl Iterator<Item = &'a str>,
    ) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.contains(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for.flat_map(|value| value.split(',')).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                // Not an address: nothing left of it can be told apart from a forgery.
                break;
            };
            client = ip;
            if !self.contains(ip) {
                break;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, an IPv6 one possibly in brackets, either
/// possibly with a port.
fn parse_hop(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Some(rest) = text.strip_prefix('[') {
        let (ip, _) = rest.split_once(']')?;
        return ip
            .parse::<Ipv6Addr>()
            .ok()
            .map(|ip| IpAddr::V6(ip).to_canonical());
    }
    let (ip, port) = text.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    ip.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn lists_of_addresses_and_ranges_parse() {
        let proxies =
            TrustedProxies::parse(" 10.0.0.0/8, 192.168.1.7 ,::1, 2001:db8::/32,").unwrap();
        for inside in [
            "10.1.2.3",
            "192.168.1.7",
            "::1",
            "2001:db8:ffff::1",
            "::ffff:10.9.9.9",
        ] {
            assert!(proxies.contains(ip(inside)), "{inside} is trusted");
        }
        for outside in ["11.0.0.1", "192.168.1.8", "::2", "2001:db9::1"] {
            assert!(!proxies.contains(ip(outside)), "{outside} is not trusted");
        }
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert!(TrustedProxies::parse("0.0.0.0/0")
            .unwrap()
            .contains(ip("8.8.8.8")));
        for bad in [
            "10.0.0.0/33",
            "proxy.local",
            "10.0.0/8",
            "::1/129",
            "1.2.3.4/x",
        ] {
            let e = TrustedProxies::parse(bad).unwrap_err();
            assert!(e.contains(bad), "{bad}: {e}");
        }
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_peer() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_of(ip("127.0.0.1"), ["203.0.113.7"].into_iter()),
            ip("127.0.0.1"),
            "no trusted proxy: the header is anyone's claim"
        );
        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        assert_eq!(
            proxies.client_of(ip("198.51.100.1"), ["203.0.113.7"].into_iter()),
            ip("198.51.100.1"),
            "a peer that is not a proxy is the client, whatever it says"
        );
        assert_eq!(
            proxies.client_of(ip("127.0.0.1"), std::iter::empty()),
            ip("127.0.0.1"),
            "no header: the peer"
        );
    }

    #[test]
    fn the_right_most_untrusted_address_is_the_client() {
        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        let client = |headers: &[&str]| proxies.client_of(ip("127.0.0.1"), headers.iter().copied());
        assert_eq!(client(&["203.0.113.7"]), ip("203.0.113.7"));
        assert_eq!(
            client(&["6.6.6.6, 203.0.113.7"]),
            ip("203.0.113.7"),
            "what the client wrote itself, left of it, is ignored"
        );
        assert_eq!(
            client(&["6.6.6.6", "203.0.113.7, 10.1.1.1"]),
            ip("203.0.113.7"),
            "trusted hops are skipped, across header lines"
        );
        assert_eq!(
            client(&["10.2.2.2, 10.1.1.1"]),
            ip("10.2.2.2"),
            "all trusted: the left-most"
        );
        assert_eq!(
            client(&["203.0.113.7, junk, 10.1.1.1"]),
            ip("10.1.1.1"),
            "garbage stops the walk at the last address known good"
        );
        assert_eq!(client(&["[2001:db8::5]:443"]), ip("2001:db8::5"));
        assert_eq!(client(&["203.0.113.7:51000"]), ip("203.0.113.7"));
        assert_eq!(
            client(&["::ffff:203.0.113.7"]),
            ip("203.0.113.7"),
            "an IPv4-mapped address is the IPv4 one"
        );
    }
}
