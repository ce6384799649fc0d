//! Where a request comes from, for limits and abuse signals. The socket's peer, unless
//! that peer is a configured proxy: only then is `X-Forwarded-For` believed, read from the
//! right past every trusted hop, so a client cannot choose its own address by sending one.

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::IpNet;

#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> Self {
        Self(networks)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the peer, or — behind trusted proxies — the first address in
    /// `X-Forwarded-For`, from the right, that is not one of them.
    pub fn client(&self, peer: Option<IpAddr>, forwarded_for: &[&str]) -> Option<IpAddr> {
        let mut client = peer?;
        if !self.trusts(client) {
            return Some(client);
        }
        // Several headers are one list, in order.
        let hops = forwarded_for.iter().flat_map(|h| h.split(',')).map(str::trim);
        for hop in hops.collect::<Vec<_>>().into_iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else {
                // A garbled hop: stop at the last address we could trust.
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        Some(client)
    }

    pub fn of_request(&self, req: &HttpRequest) -> Option<IpAddr> {
        let headers: Vec<&str> =
            req.headers().get_all("x-forwarded-for").filter_map(|v| v.to_str().ok()).collect();
        self.client(req.peer_addr().map(|a| a.ip()), &headers)
    }
}

/// The part of an address that limits count against: an IPv4 address, or an IPv6 /64
/// (one subscriber's usual allocation).
pub fn limit_key(ip: Option<IpAddr>) -> String {
    match ip {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => prefix(IpAddr::V6(v6), 64),
        None => "unknown".into(),
    }
}

/// The block that pattern bursts are counted in: IPv4 /24, IPv6 /48.
pub fn block_key(ip: Option<IpAddr>) -> String {
    match ip {
        Some(ip @ IpAddr::V4(_)) => prefix(ip, 24),
        Some(ip @ IpAddr::V6(_)) => prefix(ip, 48),
        None => "unknown".into(),
    }
}

fn prefix(ip: IpAddr, len: u8) -> String {
    IpNet::new(ip, len).map(|n| n.trunc().to_string()).unwrap_or_else(|_| ip.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_cannot_choose_its_address() {
        let proxies = TrustedProxies::default();
        assert_eq!(proxies.client(Some(ip("203.0.113.9")), &["1.2.3.4"]), Some(ip("203.0.113.9")));
    }

    #[test]
    fn behind_trusted_proxies_the_first_untrusted_hop_from_the_right_is_the_client() {
        let proxies = TrustedProxies::new(vec!["10.0.0.0/8".parse().unwrap()]);
        let peer = Some(ip("10.0.0.2"));
        // The client put a fake address first; the proxies appended the real one.
        assert_eq!(proxies.client(peer, &["6.6.6.6, 198.51.100.7, 10.0.0.1"]), Some(ip("198.51.100.7")));
        assert_eq!(proxies.client(peer, &["6.6.6.6", "198.51.100.7"]), Some(ip("198.51.100.7")));
        // No header: the proxy itself.
        assert_eq!(proxies.client(peer, &[]), Some(ip("10.0.0.2")));
        // Garbage stops the walk at the last trusted hop.
        assert_eq!(proxies.client(peer, &["198.51.100.7, nonsense"]), Some(ip("10.0.0.2")));
    }

    #[test]
    fn limits_and_blocks_group_addresses() {
        assert_eq!(limit_key(Some(ip("198.51.100.7"))), "198.51.100.7");
        assert_eq!(limit_key(Some(ip("2001:db8:1:2:3:4:5:6"))), "2001:db8:1:2::/64");
        assert_eq!(block_key(Some(ip("198.51.100.7"))), "198.51.100.0/24");
        assert_eq!(block_key(Some(ip("2001:db8:1:2:3:4:5:6"))), "2001:db8:1::/48");
    }
}
