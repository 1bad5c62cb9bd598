//! `api healthcheck`: the container's health probe, with nothing but the binary itself (the slim
//! image has no curl). It asks `/health/ready` of the server on `BIND_ADDR` (a wildcard address
//! is asked on loopback) and answers whether it said 200 within three seconds.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The address to probe for a server bound to `bind` (`0.0.0.0:8080` → `127.0.0.1:8080`).
pub fn target(bind: &str) -> Option<SocketAddr> {
    let mut addr = bind.to_socket_addrs().ok()?.next()?;
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv4() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        });
    }
    Some(addr)
}

/// Whether the server at `addr` answers `GET /health/ready` with 200.
pub fn ready(addr: SocketAddr) -> bool {
    let timeout = Duration::from_secs(3);
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, timeout) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(timeout));
    let _ = stream.set_write_timeout(Some(timeout));
    let request = format!(
        "GET /health/ready HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nUser-Agent: api-healthcheck\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 16];
    let mut read = 0;
    while read < head.len() {
        match stream.read(&mut head[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    let line = String::from_utf8_lossy(&head[..read]);
    line.starts_with("HTTP/1.1 200") || line.starts_with("HTTP/1.0 200")
}
