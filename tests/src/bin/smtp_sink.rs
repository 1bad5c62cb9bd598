//! A minimal SMTP server for tests: accepts every message on 127.0.0.1:<port> and writes each
//! to <dir>/<n>.eml. Run as a separate process so a test can stop and start the mail server.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

fn serve(stream: TcpStream, dir: PathBuf, counter: Arc<AtomicU64>) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    out.write_all(b"220 sink ESMTP ready\r\n")?;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_ascii_uppercase();
        if cmd.starts_with("EHLO") {
            out.write_all(b"250-sink\r\n250 8BITMIME\r\n")?;
        } else if cmd.starts_with("HELO")
            || cmd.starts_with("MAIL")
            || cmd.starts_with("RCPT")
            || cmd.starts_with("RSET")
            || cmd.starts_with("NOOP")
        {
            out.write_all(b"250 OK\r\n")?;
        } else if cmd == "DATA" {
            out.write_all(b"354 go ahead\r\n")?;
            let mut body = Vec::new();
            loop {
                let mut l = Vec::new();
                if reader.read_until(b'\n', &mut l)? == 0 {
                    return Ok(());
                }
                if l == b".\r\n" || l == b".\n" {
                    break;
                }
                let l = if l.starts_with(b"..") {
                    l[1..].to_vec()
                } else {
                    l
                };
                body.extend_from_slice(&l);
            }
            let n = counter.fetch_add(1, Ordering::SeqCst);
            std::fs::write(dir.join(format!("{n:06}.eml")), &body)?;
            out.write_all(b"250 queued\r\n")?;
        } else if cmd == "QUIT" {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            out.write_all(b"502 not implemented\r\n")?;
        }
    }
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(2525);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&dir)?;
    let existing = std::fs::read_dir(&dir)?.count() as u64;
    let counter = Arc::new(AtomicU64::new(existing));
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    println!("listening");
    for stream in listener.incoming() {
        let (dir, counter) = (dir.clone(), counter.clone());
        if let Ok(stream) = stream {
            // Answers go out at once, as a mail server's do (no Nagle delay per reply).
            let _ = stream.set_nodelay(true);
            std::thread::spawn(move || {
                let _ = serve(stream, dir, counter);
            });
        }
    }
    Ok(())
}
