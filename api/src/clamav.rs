//! A client of clamd, ClamAV's daemon, over TCP: `zINSTREAM` sends a file's bytes in chunks,
//! each prefixed by its length (4 bytes, network order), ended by a zero length; clamd answers
//! `stream: OK`, `stream: <signature> FOUND`, or an error (`… ERROR`).

use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a whole scan may take (a 1 GiB video on a busy scanner).
const SCAN_TIMEOUT: Duration = Duration::from_secs(600);
/// The largest chunk sent at once (clamd's default `StreamMaxLength` is far larger).
const CHUNK: usize = 64 * 1024;
/// The longest answer read.
const MAX_ANSWER: usize = 1024;

/// What clamd said of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// The signature it matched.
    Infected(String),
}

/// Why a file could not be scanned (it stays held, to be scanned again).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("clamd does not answer: {0}")]
    Unreachable(String),
    #[error("the file could not be read: {0}")]
    Read(String),
    #[error("clamd refused the scan: {0}")]
    Refused(String),
}

/// Scans the bytes `body` gives with the clamd at `address` (`host:port`).
pub async fn scan<S, E>(address: &str, body: S) -> Result<Verdict, ScanError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    tokio::time::timeout(SCAN_TIMEOUT, stream_to(address, body))
        .await
        .unwrap_or_else(|_| Err(ScanError::Unreachable("the scan timed out".into())))
}

/// Whether clamd answers `PING` with `PONG`.
pub async fn ping(address: &str) -> Result<(), ScanError> {
    let mut socket = connect(address).await?;
    socket.write_all(b"zPING\0").await.map_err(unreachable)?;
    match read_answer(&mut socket).await?.as_str() {
        "PONG" => Ok(()),
        other => Err(ScanError::Refused(other.to_owned())),
    }
}

async fn connect(address: &str) -> Result<tokio::net::TcpStream, ScanError> {
    tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(address))
        .await
        .map_err(|_| ScanError::Unreachable(format!("no answer from {address}")))?
        .map_err(unreachable)
}

async fn stream_to<S, E>(address: &str, mut body: S) -> Result<Verdict, ScanError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut socket = connect(address).await?;
    socket
        .write_all(b"zINSTREAM\0")
        .await
        .map_err(unreachable)?;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| ScanError::Read(e.to_string()))?;
        for piece in chunk.chunks(CHUNK) {
            let len = u32::try_from(piece.len()).unwrap_or(u32::MAX);
            if let Err(e) = write_piece(&mut socket, len, piece).await {
                // clamd closes the connection once a stream passes its StreamMaxLength, after
                // saying so: its answer says more than the broken pipe.
                return Err(match read_answer(&mut socket).await {
                    Ok(answer) if !answer.is_empty() => ScanError::Refused(answer),
                    _ => unreachable(e),
                });
            }
        }
    }
    socket.write_all(&[0, 0, 0, 0]).await.map_err(unreachable)?;
    let answer = read_answer(&mut socket).await?;
    verdict(&answer)
}

async fn write_piece(
    socket: &mut tokio::net::TcpStream,
    len: u32,
    piece: &[u8],
) -> std::io::Result<()> {
    socket.write_all(&len.to_be_bytes()).await?;
    socket.write_all(piece).await
}

/// clamd's answer, up to its terminating NUL (or the end of the connection).
async fn read_answer(socket: &mut tokio::net::TcpStream) -> Result<String, ScanError> {
    let mut answer = Vec::new();
    let mut buf = [0u8; 256];
    loop {
        let n = socket.read(&mut buf).await.map_err(unreachable)?;
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
        if answer.contains(&0) || answer.len() > MAX_ANSWER {
            break;
        }
    }
    let end = answer.iter().position(|b| *b == 0).unwrap_or(answer.len());
    Ok(String::from_utf8_lossy(&answer[..end]).trim().to_owned())
}

/// `stream: OK`, `stream: <signature> FOUND`, or an error.
fn verdict(answer: &str) -> Result<Verdict, ScanError> {
    let said = answer.strip_prefix("stream: ").unwrap_or(answer);
    if said == "OK" {
        return Ok(Verdict::Clean);
    }
    if let Some(signature) = said.strip_suffix(" FOUND") {
        return Ok(Verdict::Infected(signature.trim().to_owned()));
    }
    Err(ScanError::Refused(answer.to_owned()))
}

fn unreachable(e: std::io::Error) -> ScanError {
    ScanError::Unreachable(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamds_answers_are_read() {
        assert_eq!(verdict("stream: OK").ok(), Some(Verdict::Clean));
        assert_eq!(
            verdict("stream: Eicar-Test-Signature FOUND").ok(),
            Some(Verdict::Infected("Eicar-Test-Signature".into()))
        );
        assert!(matches!(
            verdict("INSTREAM size limit exceeded. ERROR"),
            Err(ScanError::Refused(_))
        ));
    }
}
