//! Where uploaded files are kept, behind one interface (`object_store`): a directory by default
//! (the embedded start needs nothing set up), or a bucket of any S3-compatible store in
//! production. Bodies stream through: an upload is written in parts as it arrives, its size
//! bounded and its SHA-256 computed on the way, and a download is read as a stream, whole or a
//! byte range. An object is whole or absent: a directory's upload is written to a staging file
//! and renamed at the end, an S3 upload is a multipart upload completed at the end, and either
//! is aborted when the body fails or grows past its bound.

use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt, stream::BoxStream};
use object_store::{
    GetOptions, GetRange, ObjectStore, ObjectStoreExt, WriteMultipart, path::Path,
    prefix::PrefixStore,
};
use sha2::{Digest, Sha256};

use crate::config::{S3Storage, Storage as Target};

/// The size of the parts an upload is written in (S3's smallest part is 5 MiB), and so the
/// most of one upload held in memory at once, times the parts in flight.
const PART_BYTES: usize = 5 * 1024 * 1024;
/// Parts of one upload sent at once.
const PARTS_IN_FLIGHT: usize = 2;
/// How many of a body's first bytes are kept for telling its type.
pub const HEAD_BYTES: usize = 8 * 1024;

/// The file store.
#[derive(Clone, Debug)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// A directory store's root (its unfinished uploads' staging files are swept there).
    root: Option<std::path::PathBuf>,
    /// What it is, for logs and errors: "directory /srv/files" or "s3://bucket/prefix".
    name: String,
}

/// What an upload stored.
#[derive(Debug)]
pub struct Stored {
    pub size: u64,
    pub sha256: [u8; 32],
    /// The body's first bytes (up to [`HEAD_BYTES`]), for telling its type.
    pub head: Vec<u8>,
}

/// Why an upload was not stored (nothing is left at its key in every case).
#[derive(Debug, thiserror::Error)]
pub enum PutError {
    #[error("the body is longer than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the body could not be read: {0}")]
    Body(String),
    #[error("the file store failed: {0}")]
    Store(#[from] object_store::Error),
}

/// An object read from the store.
pub struct Fetched {
    /// The object's whole size.
    pub size: u64,
    /// The bytes sent (the range asked for, or the whole).
    pub range: Range<u64>,
    pub body: BoxStream<'static, Result<Bytes, object_store::Error>>,
}

impl Storage {
    /// Opens the store the configuration names (a directory is created when missing).
    pub async fn open(target: &Target) -> Result<Storage, String> {
        match target {
            Target::Directory(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| format!("STORAGE_URL {}: {e}", dir.display()))?;
                let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
                    .map_err(|e| format!("STORAGE_URL {}: {e}", dir.display()))?
                    .with_automatic_cleanup(true);
                Ok(Storage {
                    store: Arc::new(store),
                    root: Some(dir.clone()),
                    name: format!("directory {}", dir.display()),
                })
            }
            Target::S3(s3) => Ok(Storage {
                store: s3_store(s3)?,
                root: None,
                name: match s3.prefix.as_str() {
                    "" => format!("s3://{}", s3.bucket),
                    p => format!("s3://{}/{p}", s3.bucket),
                },
            }),
        }
    }

    /// What the store is ("directory storage", "s3://bucket/prefix").
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Streams a body to `key`, refusing it past `limit` bytes; the object exists only once
    /// the whole body is written.
    pub async fn put_stream<S, E>(&self, key: &str, body: S, limit: u64) -> Result<Stored, PutError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        match self.put(key, body, limit, false).await? {
            (stored, None) => Ok(stored),
            (_, Some(reason)) => Err(PutError::Body(reason)),
        }
    }

    /// Like [`Storage::put_stream`], but a body that breaks off keeps what arrived before the
    /// break (a resumable upload's chunk, resumed from there): answers what was stored and, when
    /// the body broke, why. When nothing arrived, nothing is stored.
    pub async fn put_stream_keeping<S, E>(
        &self,
        key: &str,
        body: S,
        limit: u64,
    ) -> Result<(Stored, Option<String>), PutError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        self.put(key, body, limit, true).await
    }

    async fn put<S, E>(
        &self,
        key: &str,
        body: S,
        limit: u64,
        keep: bool,
    ) -> Result<(Stored, Option<String>), PutError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let upload = self.store.put_multipart(&Path::from(key)).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let outcome = copy(body, &mut writer, limit).await;
        let kept = match &outcome {
            Ok((_, None)) => true,
            Ok((stored, Some(_))) => keep && stored.size > 0,
            Err(_) => false,
        };
        if kept {
            writer.finish().await?;
        } else if let Err(abort) = writer.abort().await {
            tracing::warn!(store = %self.name, error = %abort, "an upload could not be aborted");
        }
        outcome
    }

    /// Reads the object at `key`, whole or the byte range asked for (`None` for the whole).
    pub async fn get(
        &self,
        key: &str,
        range: Option<Range<u64>>,
    ) -> Result<Fetched, object_store::Error> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let got = self.store.get_opts(&Path::from(key), options).await?;
        Ok(Fetched {
            size: got.meta.size,
            range: got.range.clone(),
            body: got.into_stream(),
        })
    }

    /// Whether an object is at `key`, and its size.
    pub async fn size_of(&self, key: &str) -> Result<Option<u64>, object_store::Error> {
        match self.store.head(&Path::from(key)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Removes the object at `key`; one already gone is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), object_store::Error> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The keys under `prefix`, for sweeps and checks.
    pub async fn keys(&self, prefix: &str) -> Result<Vec<String>, object_store::Error> {
        let prefix = Path::from(prefix);
        self.store
            .list(Some(&prefix))
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await
    }

    /// The keys under `prefix` with when each was last written.
    pub async fn listed(
        &self,
        prefix: &str,
    ) -> Result<Vec<(String, chrono::DateTime<chrono::Utc>)>, object_store::Error> {
        let prefix = Path::from(prefix);
        self.store
            .list(Some(&prefix))
            .map_ok(|meta| (meta.location.to_string(), meta.last_modified))
            .try_collect()
            .await
    }

    /// A directory store's staging files of uploads that never finished (the server stopped
    /// mid-upload) and were last written before `before`: removed; how many. (An S3 bucket keeps
    /// an unfinished multipart upload until its lifecycle rule aborts it: see the README.)
    pub async fn remove_abandoned_uploads(
        &self,
        before: chrono::DateTime<chrono::Utc>,
    ) -> Result<u64, std::io::Error> {
        let Some(root) = self.root.clone() else {
            return Ok(0);
        };
        let before = std::time::SystemTime::from(before);
        tokio::task::spawn_blocking(move || remove_staging(&root, before))
            .await
            .map_err(std::io::Error::other)?
    }

    /// The store answers (readiness): a look-up of a key nobody writes, where "not found" is
    /// the healthy answer.
    pub async fn check(&self) -> Result<(), object_store::Error> {
        self.size_of(".ready-probe").await.map(|_| ())
    }
}

/// Walks a directory store for staging files (`name#digits`, as `object_store` names them)
/// written before `before`, and removes them.
fn remove_staging(root: &std::path::Path, before: std::time::SystemTime) -> std::io::Result<u64> {
    let mut removed = 0;
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                dirs.push(entry.path());
                continue;
            }
            let name = entry.file_name();
            let staging =
                name.to_str()
                    .and_then(|n| n.rsplit_once('#'))
                    .is_some_and(|(_, suffix)| {
                        !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit())
                    });
            if staging && entry.metadata()?.modified()? < before {
                match std::fs::remove_file(entry.path()) {
                    Ok(()) => removed += 1,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok(removed)
}

/// Copies a body into an upload in parts, counting and hashing it, and keeping its head.
/// Copies `body` to `writer`: what was copied, and why the body broke off if it did (the bytes
/// before the break are copied).
async fn copy<S, E>(
    mut body: S,
    writer: &mut WriteMultipart,
    limit: u64,
) -> Result<(Stored, Option<String>), PutError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    let mut head = Vec::new();
    let mut broke = None;
    while let Some(chunk) = body.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                broke = Some(e.to_string());
                break;
            }
        };
        size += chunk.len() as u64;
        if size > limit {
            return Err(PutError::TooLarge { limit });
        }
        if head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        hasher.update(&chunk);
        writer.wait_for_capacity(PARTS_IN_FLIGHT).await?;
        writer.put(chunk);
    }
    let stored = Stored {
        size,
        sha256: hasher.finalize().into(),
        head,
    };
    Ok((stored, broke))
}

/// A bucket of an S3-compatible store, through the process's HTTP client stack (rustls).
fn s3_store(s3: &S3Storage) -> Result<Arc<dyn ObjectStore>, String> {
    use object_store::aws::AmazonS3Builder;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&s3.bucket)
        .with_region(&s3.region)
        .with_client_options(
            object_store::ClientOptions::new()
                .with_connect_timeout(Duration::from_secs(5))
                .with_timeout(Duration::from_secs(60)),
        )
        // A few quick retries (a store that is down fails a readiness probe in about a second,
        // not after the crate's default three minutes).
        .with_retry(object_store::RetryConfig {
            max_retries: 3,
            retry_timeout: Duration::from_secs(10),
            ..object_store::RetryConfig::default()
        });
    if let Some(endpoint) = &s3.endpoint {
        builder = builder
            .with_endpoint(endpoint)
            .with_allow_http(endpoint.starts_with("http://"));
    }
    if let (Some(id), Some(secret)) = (&s3.access_key_id, &s3.secret_access_key) {
        builder = builder
            .with_access_key_id(id)
            .with_secret_access_key(secret);
        if let Some(token) = &s3.session_token {
            builder = builder.with_token(token);
        }
    }
    let store = builder
        .build()
        .map_err(|e| format!("STORAGE_URL s3://{}: {e}", s3.bucket))?;
    Ok(match s3.prefix.as_str() {
        "" => Arc::new(store),
        prefix => Arc::new(PrefixStore::new(store, prefix)),
    })
}
