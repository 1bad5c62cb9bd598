//! Cheap refreshes: every successful read carries a strong `ETag` computed from the exact bytes
//! it answers (so a seat count, a translation or a list page that changes changes it), and
//! `If-None-Match` with a current tag answers 304 without a body. Each answer says how it may be
//! cached: public reads `public, no-cache` (stored, revalidated), a caller's own reads
//! `private, no-cache`, the documentation's assets for an hour, and anything written, refused,
//! holding tokens or the person's own account `no-store`.
//!
//! A versioned resource keeps its version in front of the tag (`"3.Zm9v…"`), so that the same tag
//! goes back in `If-Match` (see [`crate::etag`]). A tagged answer of 1 KiB or more is compressed
//! here when the client asks (gzip, brotli or deflate, by `q`; gzip on a tie): at once up to
//! 64 KiB, on the blocking pool above. Only streamed answers (exports) are left to actix's
//! `Compress` outside. Two codings are two representations: the outermost layer ([`codings`])
//! gives a compressed answer's tag the coding as a suffix (`"…-br"`), `If-None-Match` matches a
//! tag of the coding the answer would have (a gzip tag does not validate a plain answer), and a
//! 304 carries the tag and the `Vary` the full answer would have (RFC 9110 §15.4.5), which a
//! shared cache merges into what it stored.

use actix_web::Error;

use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Bodies shorter than this are not worth compressing.
pub const COMPRESS_FROM_BYTES: usize = 1024;
/// Bodies up to this size are compressed at once (tens of microseconds at the fast levels);
/// larger ones on the blocking pool.
pub const COMPRESS_INLINE_UP_TO: usize = 64 * 1024;
/// The suffixes the compression layer adds to a tag.
const CODINGS: [&str; 4] = ["gzip", "br", "zstd", "deflate"];

/// The longest `If-None-Match` read (a client holds a few tags, not hundreds).
pub const MAX_IF_NONE_MATCH: usize = 512;

/// A representation that never changes (a position paper's version), readable by anyone.
pub const IMMUTABLE_PUBLIC: &str = "public, max-age=31536000, immutable";
/// A representation that never changes, for the caller only.
pub const IMMUTABLE_PRIVATE: &str = "private, max-age=31536000, immutable";

/// How an answer may be cached.
fn cache_policy(read: bool, status: StatusCode, path: &str, personal: bool) -> &'static str {
    // The person's own account (address, phone) is not kept on a device that may be shared.
    if !read
        || personal && !status.is_success()
        || path.starts_with("/api/v1/auth/")
        || path == "/api/v1/me"
    {
        "no-store"
    } else if !status.is_success() {
        // A public refusal (a 404, say) holds nothing private, but is not kept either.
        "no-cache"
    } else if path.starts_with("/docs/") {
        "public, max-age=3600"
    } else if personal {
        "private, no-cache"
    } else {
        "public, no-cache"
    }
}

/// The strong tag of a body: the version the handler named, if any, then a hash of the bytes.
pub fn tag_of(version_tag: Option<&HeaderValue>, body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hash = URL_SAFE_NO_PAD.encode(&digest[..12]);
    let version = version_tag
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_start_matches("W/").trim_matches('"'))
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
    match version {
        Some(v) => format!("\"{v}.{hash}\""),
        None => format!("\"{hash}\""),
    }
}

/// A tag as sent back, without a coding suffix and weakness (If-None-Match compares weakly).
/// A tag's opaque part, for the weak comparison of RFC 9110 §8.8.3.2 (`W/` does not count).
fn opaque(tag: &str) -> &str {
    tag.trim().trim_start_matches("W/").trim_matches('"')
}

/// Whether `If-None-Match` names the current tag (or `*`). The coding is part of the tag: a
/// gzip answer's tag does not match the plain answer's, nor the other way round.
pub fn none_match(if_none_match: &str, current: &str) -> bool {
    let current = opaque(current);
    if_none_match
        .split(',')
        .any(|t| t.trim() == "*" || opaque(t) == current)
}

/// A tag with its coding's suffix, as [`codings`] will write it.
fn coded_tag(tag: &str, coding: Option<&str>) -> String {
    match coding {
        Some(c) => format!("{}-{c}\"", tag.trim_end_matches('"')),
        None => tag.to_owned(),
    }
}

/// The coding to answer in, from `Accept-Encoding` (RFC 9110 §12.5.3): the accepted coding of
/// highest `q` among gzip, brotli and deflate (`*` standing for any of them), gzip before brotli
/// before deflate on a tie; none when none is accepted.
pub fn negotiate(accept: &str) -> Option<&'static str> {
    const RANK: [&str; 3] = ["gzip", "br", "deflate"];
    let mut q_of: [Option<f32>; 3] = [None; 3];
    let mut any: Option<f32> = None;
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let coding = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .filter(|q| q.is_finite())
            .unwrap_or(1.0);
        let slot = match coding.as_str() {
            "gzip" | "x-gzip" => &mut q_of[0],
            "br" => &mut q_of[1],
            "deflate" => &mut q_of[2],
            "*" => &mut any,
            _ => continue,
        };
        *slot = Some(slot.map_or(q, |old: f32| old.max(q)));
    }
    let mut best: Option<(f32, &'static str)> = None;
    for (i, name) in RANK.iter().enumerate() {
        let q = q_of[i].or(any).unwrap_or(0.0);
        if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, name));
        }
    }
    best.map(|(_, name)| name)
}

fn compressible(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.starts_with("application/json")
                || ct.starts_with("application/problem+json")
                || ct.starts_with("text/")
                || ct.starts_with("application/javascript")
                || ct.starts_with("image/svg+xml")
        })
}

/// Compresses at the fast levels (gzip and deflate 1, brotli 4).
fn compress(coding: &str, body: &[u8]) -> Option<Vec<u8>> {
    match coding {
        "gzip" => {
            // RFC 1952: the header (no name, no time; XFL 4, "fastest"; OS 255, unknown), the
            // raw deflate stream, then the CRC-32 and the length modulo 2^32, little-endian.
            let mut out = Vec::with_capacity(body.len() / 3 + 64);
            out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255]);
            deflate_into(false, body, &mut out)?;
            let mut crc = flate2::Crc::new();
            crc.update(body);
            out.extend_from_slice(&crc.sum().to_le_bytes());
            out.extend_from_slice(&(body.len() as u32).to_le_bytes());
            Some(out)
        }
        "deflate" => {
            // HTTP's "deflate" is the zlib format (RFC 9110 §8.4.1.2).
            let mut out = Vec::with_capacity(body.len() / 3 + 64);
            deflate_into(true, body, &mut out)?;
            Some(out)
        }
        "br" => {
            use std::io::Write as _;
            let mut out = Vec::with_capacity(body.len() / 3 + 64);
            // A window no larger than the body (brotli's smallest is 2^10): the encoder's ring
            // buffer and hash tables follow it, and the stream is the same to any decoder.
            let window = body
                .len()
                .max(1)
                .next_power_of_two()
                .trailing_zeros()
                .clamp(10, 20);
            let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 4, window);
            enc.write_all(body).ok()?;
            enc.flush().ok()?;
            drop(enc);
            Some(out)
        }
        _ => None,
    }
}

thread_local! {
    /// Each thread's deflate state (about 300 kB), made once and reset for every answer: a new
    /// one per answer made the allocator hold many of them (18 MiB at 64 connections).
    static RAW_DEFLATE: std::cell::RefCell<Option<flate2::Compress>> =
        const { std::cell::RefCell::new(None) };
    static ZLIB_DEFLATE: std::cell::RefCell<Option<flate2::Compress>> =
        const { std::cell::RefCell::new(None) };
}

/// Appends `body` deflated at level 1 to `out` with this thread's state: in the zlib format
/// (its header and trailer) or raw.
fn deflate_into(zlib: bool, body: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let state = if zlib { &ZLIB_DEFLATE } else { &RAW_DEFLATE };
    state.with(|cell| {
        let mut cell = cell.try_borrow_mut().ok()?;
        let z =
            cell.get_or_insert_with(|| flate2::Compress::new(flate2::Compression::fast(), zlib));
        z.reset();
        loop {
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(1024));
            }
            let read = usize::try_from(z.total_in()).ok()?;
            let status = z
                .compress_vec(&body[read..], out, flate2::FlushCompress::Finish)
                .ok()?;
            if status == flate2::Status::StreamEnd {
                return Some(());
            }
        }
    })
}

fn set(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
}

/// ETags, 304s and caching fields.
pub async fn conditional(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let read = matches!(*req.method(), Method::GET | Method::HEAD);
    let path = req.path().to_owned();
    let personal = req.headers().contains_key(header::AUTHORIZATION)
        || path.starts_with("/api/v1/me")
        || path.starts_with("/api/v1/calendar/");
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .map(|v| v.to_str().map(str::to_owned));
    let if_none_match = match if_none_match {
        Some(Ok(v)) if v.len() <= MAX_IF_NONE_MATCH => Some(v),
        None => None,
        Some(_) => {
            return Err(ApiError::Problem(
                ProblemCode::InvalidParameter,
                Text::new(
                    format!(
                        "If-None-Match holds at most {MAX_IF_NONE_MATCH} printable ASCII characters."
                    ),
                    format!(
                        "الترويسة If-None-Match تحمل {MAX_IF_NONE_MATCH} محرفًا مطبوعًا من ASCII على الأكثر."
                    ),
                ),
            )
            .into());
        }
    };
    let coding = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .and_then(negotiate);
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    let (http_req, mut res) = res.into_parts();
    let headers = res.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        set(
            headers,
            header::CACHE_CONTROL,
            cache_policy(read, status, &path, personal),
        );
    }
    if path.starts_with("/api/") {
        add_vary(headers, &["authorization", "accept-language"]);
    }
    let tagged = status.is_success() && (read || headers.contains_key(header::ETAG));
    if !tagged {
        return Ok(ServiceResponse::new(http_req, res));
    }
    let (mut res, body) = res.into_parts();
    let bytes = match body.try_into_bytes() {
        Ok(bytes) => bytes,
        // A streamed answer is not held in memory to be hashed.
        Err(body) => return Ok(ServiceResponse::new(http_req, res.set_body(body))),
    };
    let tag = tag_of(res.headers().get(header::ETAG), &bytes);
    set(res.headers_mut(), header::ETAG, &tag);
    // The coding this answer goes out in, decided here for every tagged answer, so that the tag
    // compared and sent, and the `Vary` of a 304, are those of the answer's own coding.
    let varies = bytes.len() >= COMPRESS_FROM_BYTES && compressible(res.headers());
    let coding = coding.filter(|_| varies);
    if varies {
        add_vary(res.headers_mut(), &["accept-encoding"]);
    }
    if read
        && status == StatusCode::OK
        && if_none_match.is_some_and(|m| none_match(&m, &coded_tag(&tag, coding)))
    {
        let mut not_modified = res.set_body(BoxBody::new(()));
        *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
        let headers = not_modified.headers_mut();
        headers.remove(header::CONTENT_TYPE);
        headers.remove(header::CONTENT_LENGTH);
        // The tag the full answer would have carried; "leave as it is" for the outer layers.
        set(headers, header::ETAG, &coded_tag(&tag, coding));
        headers.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static("identity"),
        );
        return Ok(ServiceResponse::new(http_req, not_modified));
    }
    let packed = match coding {
        Some(c) if bytes.len() <= COMPRESS_INLINE_UP_TO => compress(c, &bytes),
        Some(c) => {
            let plain = bytes.clone();
            actix_web::web::block(move || compress(c, &plain))
                .await
                .ok()
                .flatten()
        }
        None => None,
    };
    let headers = res.headers_mut();
    match (coding, packed) {
        (Some(c), Some(packed)) => {
            // `codings`, outside, names the coding in the tag.
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
            Ok(ServiceResponse::new(
                http_req,
                res.set_body(BoxBody::new(packed)),
            ))
        }
        _ => {
            // Read by the compression layer as "leave as it is", then removed (see `codings`).
            headers.insert(
                header::CONTENT_ENCODING,
                HeaderValue::from_static("identity"),
            );
            Ok(ServiceResponse::new(
                http_req,
                res.set_body(BoxBody::new(bytes)),
            ))
        }
    }
}

/// Adds `names` to the answer's `Vary`, keeping it one field with each name once (several
/// `Vary` lines are merged).
pub fn add_vary(headers: &mut HeaderMap, names: &[&str]) {
    let mut all: Vec<String> = Vec::new();
    let present = headers
        .get_all(header::VARY)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|n| n.trim().to_ascii_lowercase())
        .collect::<Vec<_>>();
    for name in present
        .into_iter()
        .chain(names.iter().map(|n| n.to_string()))
    {
        if !name.is_empty() && !all.contains(&name) {
            all.push(name);
        }
    }
    if all.is_empty() {
        return;
    }
    if let Ok(value) = HeaderValue::from_str(&all.join(", ")) {
        headers.insert(header::VARY, value);
    }
}

/// Outside the compression layer: a compressed answer's tag names its coding, and the
/// "leave as it is" mark is taken off.
pub async fn codings(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let mut res = next.call(req).await?.map_into_boxed_body();
    let headers = res.headers_mut();
    let coding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // Whatever could be answered compressed varies on Accept-Encoding, in its plain form too,
    // and the fields the inner layers wrote (one of them may have rebuilt it) become one line.
    let may_vary_on_coding = coding.as_deref() != Some("identity") && compressible(headers);
    add_vary(
        headers,
        if may_vary_on_coding {
            &["accept-encoding"]
        } else {
            &[]
        },
    );
    match coding.as_deref() {
        Some("identity") => {
            headers.remove(header::CONTENT_ENCODING);
        }
        Some(coding) if CODINGS.contains(&coding) => {
            let tag = headers
                .get(header::ETAG)
                .and_then(|v| v.to_str().ok())
                .filter(|t| t.starts_with('"') && t.ends_with('"') && t.len() >= 2)
                .map(|t| format!("\"{}-{coding}\"", &t[1..t.len() - 1]));
            if let Some(tag) = tag {
                set(headers, header::ETAG, &tag);
            }
        }
        _ => {}
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_coding_decodes_to_the_body_again_and_again_on_one_thread() {
        use std::io::Read as _;
        let bodies: Vec<Vec<u8>> = (0..6)
            .map(|i| {
                "{\"title_ar\":\"ورشة عمل حول الموازنة\",\"seats\":30}"
                    .repeat(1 + i * 700)
                    .into_bytes()
            })
            .chain([
                Vec::new(),
                b"x".to_vec(),
                (0..=255u8).cycle().take(200_000).collect(),
            ])
            .collect();
        for body in &bodies {
            let gz = compress("gzip", body).expect("in a test");
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(gz.as_slice())
                .read_to_end(&mut plain)
                .expect("in a test");
            assert_eq!(&plain, body);
            let zl = compress("deflate", body).expect("in a test");
            plain.clear();
            flate2::read::ZlibDecoder::new(zl.as_slice())
                .read_to_end(&mut plain)
                .expect("in a test");
            assert_eq!(&plain, body);
            let br = compress("br", body).expect("in a test");
            plain.clear();
            brotli::Decompressor::new(br.as_slice(), 4096)
                .read_to_end(&mut plain)
                .expect("in a test");
            assert_eq!(&plain, body);
            if body.len() > 10_000 && body[0] == b'{' {
                assert!(gz.len() < body.len() / 4, "{} of {}", gz.len(), body.len());
            }
        }
        assert_eq!(compress("zstd", b"x"), None);
    }

    #[test]
    fn a_tag_changes_with_any_byte_and_keeps_the_version_in_front() {
        let v = HeaderValue::from_static("\"3\"");
        let a = tag_of(Some(&v), b"{\"seats_left\":30}");
        let b = tag_of(Some(&v), b"{\"seats_left\":29}");
        assert_ne!(a, b);
        assert!(a.starts_with("\"3.") && a.ends_with('"'), "{a}");
        assert!(!tag_of(None, b"x").contains('.'));
    }

    #[test]
    fn if_none_match_compares_weakly_and_each_coding_apart() {
        let tag = "\"3.abc\"";
        assert!(none_match("\"3.abc\"", tag));
        assert!(none_match("W/\"3.abc\"", tag));
        assert!(none_match("*", tag));
        assert!(!none_match("\"3\"", tag));
        assert!(!none_match("\"3.abd\"", tag));
        // A gzip answer's tag does not validate the plain answer, nor the plain one a gzip one.
        assert!(!none_match("\"3.abc-gzip\"", tag));
        let gzip = coded_tag(tag, Some("gzip"));
        assert_eq!(gzip, "\"3.abc-gzip\"");
        assert!(none_match("\"x\", \"3.abc-gzip\"", &gzip));
        assert!(!none_match(tag, &gzip));
        assert!(!none_match("\"3.abc-br\"", &gzip));
    }

    #[test]
    fn the_coding_is_the_accepted_one_of_highest_q() {
        assert_eq!(negotiate("gzip, deflate, br"), Some("gzip"));
        assert_eq!(negotiate("br;q=1.0, gzip;q=0.8"), Some("br"));
        assert_eq!(negotiate("deflate"), Some("deflate"));
        assert_eq!(negotiate("deflate, gzip;q=0.5"), Some("deflate"));
        assert_eq!(negotiate("identity"), None);
        assert_eq!(negotiate("gzip;q=0, br;q=0"), None);
        assert_eq!(negotiate("zstd"), None);
        assert_eq!(negotiate("*"), Some("gzip"));
        assert_eq!(negotiate("*;q=0.5, br"), Some("br"));
        assert_eq!(negotiate("gzip;q=0, *"), Some("br"));
        assert_eq!(negotiate("gzip;q=nan"), Some("gzip"));
        assert_eq!(negotiate(""), None);
    }

    #[test]
    fn only_successful_reads_are_cached_and_the_callers_privately() {
        let ok = StatusCode::OK;
        assert_eq!(
            cache_policy(true, ok, "/api/v1/platforms", false),
            "public, no-cache"
        );
        assert_eq!(
            cache_policy(true, ok, "/api/v1/platforms", true),
            "private, no-cache"
        );
        assert_eq!(
            cache_policy(false, ok, "/api/v1/platforms", true),
            "no-store"
        );
        assert_eq!(
            cache_policy(true, StatusCode::NOT_FOUND, "/api/v1/x", false),
            "no-cache"
        );
        assert_eq!(
            cache_policy(true, StatusCode::NOT_FOUND, "/api/v1/x", true),
            "no-store"
        );
        assert_eq!(
            cache_policy(true, ok, "/api/v1/auth/login", false),
            "no-store"
        );
    }
}
