//! Configuration from the environment (and a `.env` file, if present).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Development gets convenient defaults; production refuses to start without real secrets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Development,
    Production,
}

/// Everything the service reads at start.
#[derive(Clone, Debug)]
pub struct Config {
    pub mode: Mode,
    pub database_url: String,
    pub bind_addr: SocketAddr,
    pub jwt_secret: String,
    /// Development only: no `JWT_SECRET` was given and a random one is in use.
    pub generated_jwt_secret: bool,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    /// `None`: mail is written to `mail_dir` and logged instead of sent.
    pub smtp_url: Option<String>,
    pub mail_dir: PathBuf,
    pub mail_from: String,
    /// Where uploaded files are kept (`STORAGE_URL`).
    pub storage: Storage,
    /// The largest upload of each kind.
    pub files: FileLimits,
    /// clamd's address (`CLAMAV_URL`, `tcp://host:port`): every upload is held until it says
    /// clean. `None`: uploads are not scanned.
    pub clamav: Option<String>,
    pub public_base_url: String,
    pub cors_origins: Vec<String>,
    pub body_limit_bytes: usize,
    /// Security limits (kept in the database) and request rates (kept by each replica).
    pub limits: Limits,
    /// Addresses of the reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<IpNet>,
    pub log_format: LogFormat,
    /// HTTP worker threads (default: one per core).
    pub workers: usize,
    pub database_max_connections: u32,
    /// The longest wait for a connection, a connect, a statement (PostgreSQL's
    /// `statement_timeout`) or a lock (SQLite's `busy_timeout`).
    pub database_timeout: Duration,
    /// The longest a request may take before its answer starts: past it, 503 with `Retry-After`
    /// (a hung database holds no request longer).
    pub request_timeout: Duration,
    /// How often the outbox worker looks for due mail and reminders.
    pub outbox_poll_ms: u64,
    /// The longest wait between two delivery attempts of one message.
    pub outbox_max_backoff_secs: u64,
    /// Hours before a workshop that its reminder goes out.
    pub reminder_hours: i64,
    /// Webhook deliveries.
    pub webhooks: Webhooks,
    /// How long the changes feed keeps tombstones of deleted resources.
    pub changes_retention: Duration,
    /// Report cells counting fewer people than this are hidden from anyone but admins.
    pub report_min_cell: u64,
    /// The most groups one report answers (at most `domain::limits::MAX_REPORT_GROUPS`, the documented bound).
    pub report_max_groups: usize,
}

/// How webhooks are delivered; see the README's "Webhooks" section.
#[derive(Clone, Debug)]
pub struct Webhooks {
    /// Targets in private, loopback and link-local ranges (and plain `http://`) are allowed:
    /// for development and tests only.
    pub allow_private_targets: bool,
    /// The wait before the first retry; each further one doubles it (with jitter), up to 12 h.
    pub retry_base: Duration,
    /// How long a message is retried before it is given up.
    pub give_up_after: Duration,
    /// The longest an endpoint may take to answer (connecting included).
    pub timeout: Duration,
    /// The most subscriptions one person may have made (disabled ones count until deleted).
    pub max_subscriptions_per_creator: u64,
    /// The most messages a subscription may have waiting: a replay never queues past it.
    pub max_queued: u64,
}

fn parse_bool(src: &dyn Source, name: &'static str) -> Result<bool, ConfigError> {
    match src.get(name).as_deref().map(str::trim) {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(other) => Err(bad(name, format!("expected true or false, got {other:?}"))),
    }
}

impl Webhooks {
    fn load(src: &dyn Source) -> Result<Webhooks, ConfigError> {
        Ok(Webhooks {
            allow_private_targets: parse_bool(src, "WEBHOOKS_ALLOW_PRIVATE_TARGETS")?,
            retry_base: Duration::from_millis(
                parse_num(src, "WEBHOOK_RETRY_BASE_MS", 5000u64)?.max(10),
            ),
            give_up_after: Duration::from_secs(
                parse_num(src, "WEBHOOK_RETRY_HOURS", 72u64)?.clamp(1, 24 * 14) * 3600,
            ),
            timeout: Duration::from_millis(
                parse_num(src, "WEBHOOK_TIMEOUT_MS", 10_000u64)?.clamp(100, 60_000),
            ),
            max_subscriptions_per_creator: parse_num(src, "WEBHOOK_MAX_SUBSCRIPTIONS", 20u64)?
                .clamp(1, 1000),
            max_queued: parse_num(src, "WEBHOOK_MAX_QUEUED", 10_000u64)?.clamp(1, 1_000_000),
        })
    }
}

/// The limits, all configurable; see the README's "Limits" section for the policy.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Wrong passwords for one account from one address within the window.
    pub login_per_pair: u32,
    /// Wrong passwords for one account from all addresses it has never signed in from.
    pub login_per_account: u32,
    /// Wrong passwords from one address for accounts never signed in from it.
    pub login_per_address: u32,
    pub login_window: Duration,
    /// Password-reset and verification emails asked for one account, per hour.
    pub mail_links_per_account: u32,
    /// Password-reset emails asked from one address, per hour.
    pub mail_links_per_address: u32,
    /// Check-in attempts by one person for one workshop within 15 minutes.
    pub check_in_failures: u32,
    /// Registrations and cancellations of one person for one workshop per day.
    pub registration_changes: u32,
    /// Discussions and replies one person writes per minute (against floods).
    pub posts_per_minute: u32,
    /// Requests per minute of a signed-in caller (0: no limit).
    pub requests_per_user: u32,
    /// Requests per minute from one address without a valid token (0: no limit).
    pub requests_per_address: u32,
}

impl Limits {
    fn load(src: &dyn Source) -> Result<Limits, ConfigError> {
        let at_least_one = |name: &'static str, default: u32| -> Result<u32, ConfigError> {
            match parse_num(src, name, default)? {
                0 => Err(bad(name, "must be at least 1")),
                n => Ok(n),
            }
        };
        Ok(Limits {
            login_per_pair: at_least_one("LOGIN_MAX_FAILURES_PER_PAIR", 5)?,
            login_per_account: at_least_one("LOGIN_MAX_FAILURES_PER_ACCOUNT", 20)?,
            login_per_address: at_least_one("LOGIN_MAX_FAILURES_PER_IP", 100)?,
            login_window: Duration::from_secs(u64::from(at_least_one(
                "LOGIN_FAILURE_WINDOW_SECS",
                15 * 60,
            )?)),
            mail_links_per_account: at_least_one("MAIL_LINKS_PER_ACCOUNT_PER_HOUR", 3)?,
            mail_links_per_address: at_least_one("MAIL_LINKS_PER_IP_PER_HOUR", 20)?,
            check_in_failures: at_least_one("CHECK_IN_MAX_FAILURES", 10)?,
            registration_changes: at_least_one("REGISTRATION_CHANGES_PER_DAY", 6)?,
            posts_per_minute: at_least_one("POSTS_PER_MINUTE", 10)?,
            requests_per_user: parse_num(src, "RATE_LIMIT_USER_PER_MINUTE", 600)?,
            requests_per_address: parse_num(src, "RATE_LIMIT_ADDRESS_PER_MINUTE", 300)?,
        })
    }
}

/// An address or a CIDR block (`10.0.0.0/8`, `::1/128`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNet {
    addr: std::net::IpAddr,
    prefix: u8,
}

impl IpNet {
    pub fn parse(text: &str) -> Option<IpNet> {
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a.parse().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (text.parse().ok()?, None),
        };
        let max = if matches!(addr, std::net::IpAddr::V4(_)) {
            32
        } else {
            128
        };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(IpNet { addr, prefix })
    }

    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        use std::net::IpAddr::{V4, V6};
        let ip = match ip {
            V6(v6) => v6.to_ipv4_mapped().map_or(V6(v6), V4),
            v4 => v4,
        };
        let (a, b, bits) = match (self.addr, ip) {
            (V4(a), V4(b)) => (u128::from(a.to_bits()), u128::from(b.to_bits()), 32),
            (V6(a), V6(b)) => (a.to_bits(), b.to_bits(), 128),
            _ => return false,
        };
        let shift = bits - u32::from(self.prefix);
        shift >= bits || (a >> shift) == (b >> shift)
    }
}

fn trusted_proxies(src: &dyn Source) -> Result<Vec<IpNet>, ConfigError> {
    let Some(list) = src.get("TRUSTED_PROXIES") else {
        return Ok(Vec::new());
    };
    list.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            IpNet::parse(t).ok_or_else(|| {
                bad(
                    "TRUSTED_PROXIES",
                    format!("expected addresses or CIDR blocks, got {t:?}"),
                )
            })
        })
        .collect()
}

/// `json` in production and by default; `pretty` for a human at a terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

/// The largest upload of each kind of file, in bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileLimits {
    /// Each kind's largest upload, in [`Purpose::ALL`]'s order (`UPLOAD_MAX_MIB_<KIND>`: a
    /// workshop's material, an activity's output and a guide 200 MiB; an agenda, minutes, a
    /// paper's PDF and a step's document 50 MiB; a photo 5 MiB).
    ///
    /// [`Purpose::ALL`]: crate::domain::files::Purpose::ALL
    pub max: Vec<u64>,
    /// How long a resumable upload may be resumed after it was announced
    /// (`UPLOAD_RESUMABLE_HOURS`, 24 hours).
    pub resumable_hours: i64,
}

impl FileLimits {
    fn load(src: &dyn Source) -> Result<FileLimits, ConfigError> {
        use crate::domain::files::Purpose;
        let mut max = Vec::with_capacity(Purpose::ALL.len());
        for purpose in Purpose::ALL {
            let var = purpose.limit_variable();
            let mib: u64 = parse_num(src, var, purpose.default_max_bytes() / (1024 * 1024))?;
            if !(1..=1024 * 1024).contains(&mib) {
                return Err(bad(var, format!("expected 1 to 1048576 (MiB), got {mib}")));
            }
            max.push(mib * 1024 * 1024);
        }
        let resumable_hours: i64 = parse_num(src, "UPLOAD_RESUMABLE_HOURS", 24)?;
        if !(1..=24 * 30).contains(&resumable_hours) {
            return Err(bad(
                "UPLOAD_RESUMABLE_HOURS",
                format!("expected 1 to 720 (hours), got {resumable_hours}"),
            ));
        }
        Ok(FileLimits {
            max,
            resumable_hours,
        })
    }

    /// The largest upload of a kind.
    pub fn max_bytes(&self, purpose: crate::domain::files::Purpose) -> u64 {
        use crate::domain::files::Purpose;
        let at = Purpose::ALL.iter().position(|p| *p == purpose);
        at.and_then(|i| self.max.get(i).copied())
            .unwrap_or(purpose.default_max_bytes())
    }
}

/// Where uploaded files are kept: a directory (the default, `storage`), or a bucket of any
/// S3-compatible store (AWS, MinIO, Ceph, Garage) with the usual AWS variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Storage {
    /// `STORAGE_URL` a path or `file:///…`.
    Directory(PathBuf),
    /// `STORAGE_URL=s3://bucket/prefix`.
    S3(S3Storage),
}

/// An S3 bucket and how to reach it.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Storage {
    pub bucket: String,
    /// Keys are kept under it (`a/b`, no slash at either end), or at the bucket's root.
    pub prefix: String,
    /// `AWS_REGION` (or `AWS_DEFAULT_REGION`); `us-east-1` when neither is set.
    pub region: String,
    /// `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT`): a MinIO, Ceph or Garage server; AWS's own when
    /// unset. Plain `http://` is allowed for such an endpoint only.
    pub endpoint: Option<String>,
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`); without them
    /// the store takes the instance's or the container's credentials, as AWS's tools do.
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub session_token: Option<String>,
}

impl std::fmt::Debug for S3Storage {
    // The secret never reaches a log, even through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Storage")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

impl Storage {
    fn load(src: &dyn Source) -> Result<Storage, ConfigError> {
        let raw = src
            .get("STORAGE_URL")
            .unwrap_or_else(|| "storage".to_owned());
        let raw = raw.trim();
        if let Some(rest) = raw.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            // S3's bucket names: 3-63 lower-case letters, digits, dots and hyphens.
            let bucket_ok = (3..=63).contains(&bucket.len())
                && bucket.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'
                });
            if !bucket_ok {
                return Err(bad(
                    "STORAGE_URL",
                    format!("expected s3://bucket/prefix with a valid bucket name, got {raw:?}"),
                ));
            }
            let endpoint = src
                .get("AWS_ENDPOINT_URL")
                .or_else(|| src.get("AWS_ENDPOINT"));
            if let Some(e) = &endpoint
                && url::Url::parse(e)
                    .ok()
                    .is_none_or(|u| !matches!(u.scheme(), "http" | "https") || u.host().is_none())
            {
                return Err(bad(
                    "AWS_ENDPOINT_URL",
                    format!("expected an http(s) URL, got {e:?}"),
                ));
            }
            return Ok(Storage::S3(S3Storage {
                bucket: bucket.to_owned(),
                prefix: prefix.trim_matches('/').to_owned(),
                region: src
                    .get("AWS_REGION")
                    .or_else(|| src.get("AWS_DEFAULT_REGION"))
                    .unwrap_or_else(|| "us-east-1".to_owned()),
                endpoint,
                access_key_id: src.get("AWS_ACCESS_KEY_ID"),
                secret_access_key: src.get("AWS_SECRET_ACCESS_KEY"),
                session_token: src.get("AWS_SESSION_TOKEN"),
            }));
        }
        let path = match raw.strip_prefix("file://") {
            Some(p) if p.starts_with('/') => p,
            Some(_) => {
                return Err(bad(
                    "STORAGE_URL",
                    format!("a file URL names an absolute path (file:///…), got {raw:?}"),
                ));
            }
            None if raw.contains("://") => {
                return Err(bad(
                    "STORAGE_URL",
                    format!(
                        "expected a directory, file:///path or s3://bucket/prefix, got {raw:?}"
                    ),
                ));
            }
            None => raw,
        };
        Ok(Storage::Directory(PathBuf::from(path)))
    }
}

/// A configuration value that cannot be used; printed as one line before exiting.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {name}: {reason}")]
pub struct ConfigError {
    pub name: &'static str,
    pub reason: String,
}

fn bad(name: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        name,
        reason: reason.into(),
    }
}

/// The lookup the loader reads from: the process environment in the binary, a map in tests.
pub trait Source {
    fn get(&self, name: &str) -> Option<String>;
}

/// The process environment.
pub struct Env;

impl Source for Env {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }
}

impl<S: std::hash::BuildHasher> Source for std::collections::HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<String> {
        self.get(name).cloned().filter(|v| !v.trim().is_empty())
    }
}

/// `CLAMAV_URL`: `tcp://host:port` (clamd's `TCPSocket`), answered as `host:port`.
fn clamav(src: &dyn Source) -> Result<Option<String>, ConfigError> {
    let Some(url) = src.get("CLAMAV_URL") else {
        return Ok(None);
    };
    let address = url.trim().strip_prefix("tcp://").unwrap_or_default();
    let (host, port) = address.rsplit_once(':').unwrap_or_default();
    if host.is_empty() || port.parse::<u16>().map_or(true, |p| p == 0) || address.contains('/') {
        return Err(bad(
            "CLAMAV_URL",
            format!("expected tcp://host:port (clamd's TCPSocket), got {url:?}"),
        ));
    }
    Ok(Some(address.to_owned()))
}

fn parse_num<T: std::str::FromStr>(
    src: &dyn Source,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError> {
    match src.get(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| bad(name, format!("expected a whole number, got {v:?}"))),
    }
}

impl Config {
    /// Reads and checks every variable; the first bad one is the error.
    pub fn load(src: &dyn Source) -> Result<Config, ConfigError> {
        let mode = match src.get("APP_ENV").as_deref() {
            None | Some("development") | Some("dev") => Mode::Development,
            Some("production") | Some("prod") => Mode::Production,
            Some(other) => {
                return Err(bad(
                    "APP_ENV",
                    format!("expected development or production, got {other:?}"),
                ));
            }
        };
        let database_url = src
            .get("DATABASE_URL")
            .unwrap_or_else(|| "sqlite://exchange.db?mode=rwc".to_owned());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(bad(
                "DATABASE_URL",
                "expected a sqlite:// or postgres:// URL",
            ));
        }
        if database_url.contains(":memory:") {
            return Err(bad(
                "DATABASE_URL",
                "an in-memory SQLite database is not shared between connections; use a file",
            ));
        }
        let bind_addr = src
            .get("BIND_ADDR")
            .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let bind_addr: SocketAddr = bind_addr.parse().map_err(|_| {
            bad(
                "BIND_ADDR",
                format!("expected host:port, got {bind_addr:?}"),
            )
        })?;
        let mut generated_jwt_secret = false;
        let jwt_secret = match (src.get("JWT_SECRET"), mode) {
            (Some(s), _) if s.len() < 32 => {
                return Err(bad("JWT_SECRET", "must be at least 32 characters long"));
            }
            (Some(s), _) => s,
            (None, Mode::Production) => {
                return Err(bad("JWT_SECRET", "is required when APP_ENV=production"));
            }
            (None, Mode::Development) => {
                use base64::Engine as _;
                let bytes: [u8; 32] = rand::random();
                generated_jwt_secret = true;
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
            }
        };
        let admin_email = src.get("ADMIN_EMAIL");
        let admin_password = src.get("ADMIN_PASSWORD");
        match (&admin_email, &admin_password) {
            (Some(_), None) => return Err(bad("ADMIN_PASSWORD", "is required with ADMIN_EMAIL")),
            (None, Some(_)) => return Err(bad("ADMIN_EMAIL", "is required with ADMIN_PASSWORD")),
            (Some(e), Some(p)) => {
                if !e.contains('@') {
                    return Err(bad("ADMIN_EMAIL", "is not an email address"));
                }
                if p.chars().count() < crate::domain::MIN_PASSWORD_CHARS {
                    return Err(bad(
                        "ADMIN_PASSWORD",
                        format!(
                            "must be at least {} characters long",
                            crate::domain::MIN_PASSWORD_CHARS
                        ),
                    ));
                }
            }
            (None, None) => {}
        }
        let smtp_url = src.get("SMTP_URL");
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(bad("SMTP_URL", "expected an smtp:// or smtps:// URL"));
        }
        let public_base_url = src
            .get("PUBLIC_BASE_URL")
            .unwrap_or_else(|| format!("http://{bind_addr}"));
        if !(public_base_url.starts_with("http://") || public_base_url.starts_with("https://")) {
            return Err(bad(
                "PUBLIC_BASE_URL",
                "expected an http:// or https:// URL",
            ));
        }
        let cors_origins: Vec<String> = src
            .get("CORS_ORIGINS")
            .map(|v| {
                v.split(',')
                    .map(|o| o.trim().trim_end_matches('/').to_owned())
                    .filter(|o| !o.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(o) = cors_origins
            .iter()
            .find(|o| *o != "*" && !(o.starts_with("http://") || o.starts_with("https://")))
        {
            return Err(bad(
                "CORS_ORIGINS",
                format!("expected a comma-separated list of http(s) origins, got {o:?}"),
            ));
        }
        let log_format = match src.get("LOG_FORMAT").as_deref() {
            None | Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(other) => {
                return Err(bad(
                    "LOG_FORMAT",
                    format!("expected json or pretty, got {other:?}"),
                ));
            }
        };
        let mail_from = src
            .get("MAIL_FROM")
            .unwrap_or_else(|| "Exchange Platforms <no-reply@localhost>".to_owned());
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(bad("MAIL_FROM", format!("is not a mailbox: {mail_from:?}")));
        }
        Ok(Config {
            mode,
            database_url,
            bind_addr,
            jwt_secret,
            generated_jwt_secret,
            jwt_issuer: src
                .get("JWT_ISSUER")
                .unwrap_or_else(|| "exchange-platforms".to_owned()),
            jwt_audience: src
                .get("JWT_AUDIENCE")
                .unwrap_or_else(|| "exchange-platforms-api".to_owned()),
            access_token_ttl: Duration::from_secs(parse_num(src, "ACCESS_TOKEN_TTL_SECS", 900)?),
            refresh_token_ttl: Duration::from_secs(parse_num(
                src,
                "REFRESH_TOKEN_TTL_SECS",
                30 * 24 * 3600,
            )?),
            admin_email,
            admin_password,
            smtp_url,
            mail_dir: PathBuf::from(src.get("MAIL_DIR").unwrap_or_else(|| "mail".to_owned())),
            mail_from,
            storage: Storage::load(src)?,
            files: FileLimits::load(src)?,
            clamav: clamav(src)?,
            public_base_url: public_base_url.trim_end_matches('/').to_owned(),
            cors_origins,
            body_limit_bytes: parse_num(src, "BODY_LIMIT_BYTES", 256 * 1024)?,
            limits: Limits::load(src)?,
            trusted_proxies: trusted_proxies(src)?,
            log_format,
            workers: parse_num(
                src,
                "WORKERS",
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )?
            .max(1),
            database_max_connections: parse_num(src, "DATABASE_MAX_CONNECTIONS", 16)?.max(2),
            database_timeout: Duration::from_millis(
                parse_num(src, "DATABASE_TIMEOUT_MS", 2000u64)?.max(100),
            ),
            request_timeout: Duration::from_millis(
                parse_num(src, "REQUEST_TIMEOUT_MS", 2500u64)?.max(100),
            ),
            outbox_poll_ms: parse_num(src, "OUTBOX_POLL_MS", 1000)?,
            outbox_max_backoff_secs: parse_num(src, "OUTBOX_MAX_BACKOFF_SECS", 300)?,
            reminder_hours: parse_num(src, "REMINDER_HOURS", 24)?,
            webhooks: Webhooks::load(src)?,
            changes_retention: Duration::from_secs(
                parse_num(src, "CHANGES_RETENTION_DAYS", 30u64)?.clamp(1, 3650) * 86_400,
            ),
            report_min_cell: parse_num(src, "REPORT_MIN_CELL", 5u64)?.clamp(1, 1000),
            report_max_groups: parse_num(
                src,
                "REPORT_MAX_GROUPS",
                crate::domain::limits::MAX_REPORT_GROUPS,
            )?
            .clamp(1, crate::domain::limits::MAX_REPORT_GROUPS),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn load(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::load(&env)
    }

    #[test]
    fn development_defaults_to_sqlite_on_loopback_with_a_random_secret() {
        let c = load(&[]).expect("defaults");
        assert!(c.database_url.starts_with("sqlite://"));
        assert_eq!(c.bind_addr.to_string(), "127.0.0.1:8080");
        assert!(c.generated_jwt_secret && c.jwt_secret.len() >= 32);
        assert!(c.smtp_url.is_none());
    }

    #[test]
    fn production_needs_a_real_secret() {
        let e = load(&[("APP_ENV", "production")]).expect_err("no secret");
        assert_eq!(e.name, "JWT_SECRET");
        let c = load(&[("APP_ENV", "production"), ("JWT_SECRET", &"s".repeat(40))]).expect("ok");
        assert_eq!(c.mode, Mode::Production);
        assert!(!c.generated_jwt_secret);
    }

    #[test]
    fn files_are_kept_in_a_directory_unless_a_bucket_is_named() {
        assert_eq!(
            load(&[]).expect("defaults").storage,
            Storage::Directory(PathBuf::from("storage"))
        );
        assert_eq!(
            load(&[("STORAGE_URL", "file:///srv/files")])
                .expect("file URL")
                .storage,
            Storage::Directory(PathBuf::from("/srv/files"))
        );
        let c = load(&[
            ("STORAGE_URL", "s3://exchange-files/prod/uploads/"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9000"),
            ("AWS_DEFAULT_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "key-id"),
            ("AWS_SECRET_ACCESS_KEY", "very-secret-value"),
        ])
        .expect("s3");
        let Storage::S3(s3) = &c.storage else {
            panic!("an S3 store: {:?}", c.storage);
        };
        assert_eq!(
            (s3.bucket.as_str(), s3.prefix.as_str(), s3.region.as_str()),
            ("exchange-files", "prod/uploads", "eu-west-1")
        );
        assert_eq!(s3.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert!(!format!("{:?}", c.storage).contains("very-secret-value"));
        let e = load(&[
            ("STORAGE_URL", "s3://bucket"),
            ("AWS_ENDPOINT_URL", "minio:9000"),
        ])
        .expect_err("not a URL");
        assert_eq!(e.name, "AWS_ENDPOINT_URL");
    }

    #[test]
    fn trusted_proxies_are_addresses_and_blocks() {
        let c = load(&[("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,::1")]).expect("ok");
        let has = |ip: &str| {
            c.trusted_proxies
                .iter()
                .any(|n| n.contains(ip.parse().expect("an address")))
        };
        assert!(has("127.0.0.1") && has("10.20.30.40") && has("::1") && has("::ffff:10.1.1.1"));
        assert!(!has("127.0.0.2") && !has("11.0.0.1") && !has("::2"));
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (name, value) in [
            ("BIND_ADDR", "nowhere"),
            ("DATABASE_URL", "mysql://x"),
            ("LOGIN_MAX_FAILURES_PER_IP", "many"),
            ("LOGIN_MAX_FAILURES_PER_PAIR", "0"),
            ("TRUSTED_PROXIES", "10.0.0.0/33"),
            ("MAIL_FROM", "not a mailbox"),
            ("PUBLIC_BASE_URL", "ftp://x"),
            ("LOG_FORMAT", "xml"),
            ("STORAGE_URL", "ftp://files.example.org/x"),
            ("STORAGE_URL", "s3://No_Such_Bucket/x"),
            ("STORAGE_URL", "file://relative/path"),
            ("UPLOAD_MAX_MIB_MATERIAL", "0"),
            ("UPLOAD_MAX_MIB_PHOTO", "1048577"),
            ("UPLOAD_RESUMABLE_HOURS", "0"),
            ("UPLOAD_RESUMABLE_HOURS", "721"),
            ("CLAMAV_URL", "127.0.0.1:3310"),
            ("CLAMAV_URL", "tcp://clamd"),
            ("CLAMAV_URL", "tcp://clamd:0"),
        ] {
            let e = load(&[(name, value)]).expect_err(name);
            assert_eq!(e.name, name);
        }
    }
}
