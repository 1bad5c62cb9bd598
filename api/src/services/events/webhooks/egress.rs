//! Where messages may go: targets in private ranges are refused (in every form an IPv6 address
//! can carry an IPv4 one) unless `WEBHOOKS_ALLOW_PRIVATE_TARGETS=true`, at registration and at
//! every connection (a resolver that drops private answers), and the HTTP client that sends
//! them (no redirects, bounded time).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use crate::config::Webhooks as WebhookConfig;
use crate::error::ApiError;

/// Whether an address is one a webhook may not reach outside development: loopback, private,
/// carrier-grade NAT, link-local, unique-local, site-local, multicast, unspecified,
/// documentation, benchmark, discard-only; and any IPv6 address that carries an IPv4 one a
/// router would reach (IPv4-compatible, -mapped and -translated, NAT64, 6to4, Teredo) when
/// that IPv4 address is itself private.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                // Site-local (deprecated, still routed inside some networks).
                || (s[0] & 0xffc0) == 0xfec0
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                // Discard-only and local-use NAT64 prefixes.
                || (s[0] == 0x0100 && s[1..4] == [0, 0, 0])
                || (s[0] == 0x0064 && s[1] == 0xff9b && s[2] == 1)
                || embedded_v4(&s)
                    .into_iter()
                    .any(|v4| is_private(IpAddr::V4(v4)))
        }
    }
}

/// The IPv4 addresses an IPv6 address carries for translation or tunnelling.
fn embedded_v4(s: &[u16; 8]) -> Vec<std::net::Ipv4Addr> {
    let v4 = |hi: u16, lo: u16| std::net::Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    let mut found = Vec::new();
    // IPv4-compatible ::a.b.c.d, IPv4-mapped ::ffff:a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d.
    if s[..4] == [0, 0, 0, 0] && matches!((s[4], s[5]), (0, 0) | (0, 0xffff) | (0xffff, 0)) {
        found.push(v4(s[6], s[7]));
    }
    // NAT64 well-known prefix 64:ff9b::/96.
    if s[..6] == [0x0064, 0xff9b, 0, 0, 0, 0] {
        found.push(v4(s[6], s[7]));
    }
    // 6to4 2002:a.b.c.d::/48.
    if s[0] == 0x2002 {
        found.push(v4(s[1], s[2]));
    }
    // Teredo 2001:0::/32: the server, and the client (its bits inverted).
    if s[0] == 0x2001 && s[1] == 0 {
        found.push(v4(s[2], s[3]));
        found.push(v4(!s[6], !s[7]));
    }
    found
}

/// What is wrong with a target URL, as a field code and a message: not http(s), not https
/// outside development, or an address in a private range (a name is resolved to check it).
pub async fn target_problem(
    url: &str,
    config: &crate::config::Config,
) -> Option<(&'static str, crate::i18n::Text)> {
    use crate::i18n::Text;
    let parsed = url::Url::parse(url).ok().filter(|u| {
        matches!(u.scheme(), "http" | "https")
            && u.host_str().is_some_and(|h| !h.is_empty())
            && u.username().is_empty()
            && u.password().is_none()
    });
    let Some(parsed) = parsed else {
        return Some((
            "url",
            Text::new(
                "An absolute http(s) URL with a host and no user name or password.",
                "رابط http(s) كامل فيه اسم مضيف ومن غير اسم مستخدم أو كلمة مرور.",
            ),
        ));
    };
    let development =
        config.mode == crate::config::Mode::Development || config.webhooks.allow_private_targets;
    if parsed.scheme() != "https" && !development {
        return Some((
            "not_https",
            Text::new(
                "Webhooks are only sent over https.",
                "لا تُرسل الخطافات إلا عبر https.",
            ),
        ));
    }
    if config.webhooks.allow_private_targets {
        return None;
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    let private = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => is_private(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => is_private(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => {
            // Well within a request's time: a name that does not answer by then is checked
            // again at every delivery.
            let lookup = tokio::time::timeout(
                Duration::from_secs(1),
                tokio::net::lookup_host((name.to_owned(), port)),
            )
            .await;
            match lookup {
                // Refused when any address is private; a name that does not resolve now may
                // later, and is checked again at every delivery.
                Ok(Ok(addrs)) => addrs.into_iter().any(|a| is_private(a.ip())),
                _ => false,
            }
        }
        None => true,
    };
    private.then(|| {
        (
            "private_target",
            Text::new(
                "The address is in a private, loopback or link-local range: webhooks only go to public addresses.",
                "العنوان في نطاق خاص أو محلي: لا تُرسل الخطافات إلا إلى عناوين عامة.",
            ),
        )
    })
}

/// Resolves names for deliveries, dropping private addresses unless they are allowed: checked
/// at every connection, so a name that later resolves elsewhere cannot reach inside.
struct PublicOnly {
    allow_private: bool,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = format!("{}:0", name.as_str());
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host(host)
                .await?
                .filter(|a| allow_private || !is_private(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err("the name resolves to no public address".into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

/// The HTTP client of deliveries: bounded time, no redirects, no proxies, private targets
/// refused unless allowed.
pub fn client(config: &WebhookConfig) -> Result<reqwest::Client, ApiError> {
    // The process's TLS provider: ring, which the rest of the service already uses. Installing it
    // twice (a second server in one process) is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(config.timeout)
        .connect_timeout(config.timeout.min(Duration::from_secs(5)))
        .no_proxy()
        .pool_max_idle_per_host(8)
        .user_agent("experience-exchange-webhooks/1")
        .dns_resolver(Arc::new(PublicOnly {
            allow_private: config.allow_private_targets,
        }))
        .build()
        .map_err(|e| ApiError::Unexpected(format!("webhook client: {e}")))
}
