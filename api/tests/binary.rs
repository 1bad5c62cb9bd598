//! The binary itself: bad configuration exits with one clear line, SIGTERM stops it gracefully.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn api(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_api"));
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", format!("sqlite://{}/api.db", dir.display()))
        .env("MAIL_DIR", dir.join("mail"))
        .env("BIND_ADDR", "127.0.0.1:0");
    cmd
}

#[test]
fn bad_configuration_prints_one_line_and_exits_non_zero() {
    let dir = tempfile::tempdir().expect("dir");
    let cases: &[(&str, &str, &str)] = &[
        (
            "APP_ENV",
            "production",
            "JWT_SECRET: is required when APP_ENV=production",
        ),
        ("BIND_ADDR", "not-an-address", "BIND_ADDR"),
        ("DATABASE_URL", "mysql://localhost/x", "DATABASE_URL"),
        (
            "JWT_SECRET",
            "short",
            "JWT_SECRET: must be at least 32 characters",
        ),
        (
            "ADMIN_EMAIL",
            "admin@example.org",
            "ADMIN_PASSWORD: is required with ADMIN_EMAIL",
        ),
        ("SMTP_URL", "http://mail", "SMTP_URL"),
        ("CORS_ORIGINS", "example.org", "CORS_ORIGINS"),
    ];
    for (name, value, expected) in cases {
        let out = api(dir.path()).env(name, value).output().expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}={value}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: one line, got {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

#[test]
fn sigterm_stops_the_server_gracefully() {
    let dir = tempfile::tempdir().expect("dir");
    let mut child = api(dir.path())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let mut port = None;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        let Some(Ok(line)) = lines.next() else { break };
        if line.contains("\"listening\"") {
            let tail = line.split("\"port\":").nth(1).expect("port field");
            port = tail
                .trim_start()
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|p| p.parse::<u16>().ok());
            break;
        }
    }
    let port = port.expect("the server logged its port");

    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .write_all(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    // The container's probe: `api healthcheck` asks /health/ready on BIND_ADDR.
    let probe = |bind: &str| {
        api(dir.path())
            .arg("healthcheck")
            .env("BIND_ADDR", bind)
            .status()
            .expect("probe")
            .code()
    };
    assert_eq!(probe(&format!("127.0.0.1:{port}")), Some(0), "ready");
    assert_eq!(
        probe(&format!("0.0.0.0:{port}")),
        Some(0),
        "a wildcard bind is probed on loopback"
    );

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        assert!(Instant::now() < deadline, "did not stop within 30 s");
        std::thread::sleep(Duration::from_millis(50));
    };
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(exit.success(), "exit {exit:?}: {rest:?}");
    assert!(
        rest.iter().any(|l| l.contains("graceful shutdown")),
        "{rest:?}"
    );
    assert!(
        rest.iter().any(|l| l.contains("stopped gracefully")),
        "{rest:?}"
    );
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "port released"
    );
    assert_eq!(
        probe(&format!("127.0.0.1:{port}")),
        Some(1),
        "nothing answers any more"
    );
}
