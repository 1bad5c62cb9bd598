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
    pub public_base_url: String,
    pub cors_origins: Vec<String>,
    pub body_limit_bytes: usize,
    pub login_max_failures_per_account: u32,
    pub login_max_failures_per_ip: u32,
    pub login_failure_window: Duration,
    pub log_format: LogFormat,
    /// HTTP worker threads (default: one per core).
    pub workers: usize,
    pub database_max_connections: u32,
    /// How often the outbox worker looks for due mail and reminders.
    pub outbox_poll_ms: u64,
    /// The longest wait between two delivery attempts of one message.
    pub outbox_max_backoff_secs: u64,
    /// Hours before a workshop that its reminder goes out.
    pub reminder_hours: i64,
}

/// `json` in production and by default; `pretty` for a human at a terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
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
            public_base_url: public_base_url.trim_end_matches('/').to_owned(),
            cors_origins,
            body_limit_bytes: parse_num(src, "BODY_LIMIT_BYTES", 256 * 1024)?,
            login_max_failures_per_account: parse_num(src, "LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)?,
            login_max_failures_per_ip: parse_num(src, "LOGIN_MAX_FAILURES_PER_IP", 30)?,
            login_failure_window: Duration::from_secs(parse_num(
                src,
                "LOGIN_FAILURE_WINDOW_SECS",
                15 * 60,
            )?),
            log_format,
            workers: parse_num(
                src,
                "WORKERS",
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )?
            .max(1),
            database_max_connections: parse_num(src, "DATABASE_MAX_CONNECTIONS", 16)?.max(2),
            outbox_poll_ms: parse_num(src, "OUTBOX_POLL_MS", 1000)?,
            outbox_max_backoff_secs: parse_num(src, "OUTBOX_MAX_BACKOFF_SECS", 300)?,
            reminder_hours: parse_num(src, "REMINDER_HOURS", 24)?,
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
    fn bad_values_name_their_variable() {
        for (name, value) in [
            ("BIND_ADDR", "nowhere"),
            ("DATABASE_URL", "mysql://x"),
            ("LOGIN_MAX_FAILURES_PER_IP", "many"),
            ("MAIL_FROM", "not a mailbox"),
            ("PUBLIC_BASE_URL", "ftp://x"),
            ("LOG_FORMAT", "xml"),
        ] {
            let e = load(&[(name, value)]).expect_err(name);
            assert_eq!(e.name, name);
        }
    }
}
