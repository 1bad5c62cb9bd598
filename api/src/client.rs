//! Who is on the other end: the client's address, read through trusted reverse proxies only.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header::HeaderName;

use crate::config::IpNet;

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The client's address: the peer's, unless the peer is a trusted proxy; then the nearest
/// address in `X-Forwarded-For` that is not itself a trusted proxy (entries further left were
/// written by the client and could be anything). `None` only without a peer (in-process tests).
pub fn client_ip(req: &HttpRequest, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let hops: Vec<IpAddr> = req
        .headers()
        .get_all(X_FORWARDED_FOR)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|h| h.trim().parse::<IpAddr>())
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        client = hop;
        if !is_trusted(hop) {
            break;
        }
    }
    Some(client)
}

/// The client's address as text, for keys and logs.
pub fn client_addr(req: &HttpRequest, trusted: &[IpNet]) -> String {
    client_ip(req, trusted).map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter()
            .map(|n| IpNet::parse(n).expect("valid"))
            .collect()
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let req = |peer: &str, xff: Option<&str>| {
            let mut r =
                TestRequest::default().peer_addr(format!("{peer}:5000").parse().expect("valid"));
            if let Some(x) = xff {
                r = r.insert_header(("x-forwarded-for", x));
            }
            r.to_http_request()
        };
        let proxies = nets(&["127.0.0.1", "10.0.0.0/8"]);
        // Straight from the client: its header is ignored.
        assert_eq!(
            client_addr(&req("203.0.113.9", Some("1.2.3.4")), &proxies),
            "203.0.113.9"
        );
        // Through two proxies: the nearest untrusted hop; the client's own claim is skipped.
        assert_eq!(
            client_addr(
                &req("127.0.0.1", Some("6.6.6.6, 198.51.100.7, 10.1.2.3")),
                &proxies
            ),
            "198.51.100.7"
        );
        // A garbled header is not believed: the proxy itself is the client.
        assert_eq!(
            client_addr(&req("127.0.0.1", Some("nonsense")), &proxies),
            "127.0.0.1"
        );
        assert_eq!(
            client_addr(&req("127.0.0.1", Some("6.6.6.6")), &[]),
            "127.0.0.1"
        );
    }
}
