//! The file store behind one interface: a directory (the default), and a real S3 server (the
//! `moto` server `.ci/run` starts and names in `TEST_S3_ENDPOINT` and `TEST_S3_BUCKET`).

use actix_web::web::Bytes;
use api::config::{S3Storage, Storage as Target};
use api::storage::{HEAD_BYTES, PutError, Storage};
use futures_util::{StreamExt, TryStreamExt, stream};
use sha2::{Digest, Sha256};

use tests::spawn_app_with;

const MIB: usize = 1024 * 1024;

/// Bytes that differ at every offset, so that a range read from the wrong place shows.
fn data(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[1])
        .collect()
}

/// A body arriving in 64 KiB chunks, as an upload's does.
fn body(
    bytes: &[u8],
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Unpin + use<> {
    let chunks: Vec<Result<Bytes, std::io::Error>> = bytes
        .chunks(64 * 1024)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    stream::iter(chunks)
}

async fn read_all(storage: &Storage, key: &str, range: Option<std::ops::Range<u64>>) -> Vec<u8> {
    let fetched = storage.get(key, range).await.expect("get");
    let parts: Vec<Bytes> = fetched.body.try_collect().await.expect("body");
    parts.concat()
}

/// Every operation an upload and a download need, and that a failed upload leaves nothing.
async fn exercise(storage: &Storage, prefix: &str) {
    // 12 MiB: more than two of the 5 MiB parts an S3 multipart upload is written in.
    let bytes = data(12 * MIB + 123);
    let key = format!("{prefix}/materials/workshop-1.pdf");
    let stored = storage
        .put_stream(&key, body(&bytes), 20 * MIB as u64)
        .await
        .expect("stored");
    assert_eq!(stored.size, bytes.len() as u64);
    assert_eq!(stored.sha256, <[u8; 32]>::from(Sha256::digest(&bytes)));
    assert_eq!(stored.head, bytes[..HEAD_BYTES]);
    assert_eq!(
        storage.size_of(&key).await.expect("head"),
        Some(bytes.len() as u64)
    );

    let whole = storage.get(&key, None).await.expect("get");
    assert_eq!(
        (whole.size, whole.range.clone()),
        (bytes.len() as u64, 0..bytes.len() as u64)
    );
    assert!(
        read_all(storage, &key, None).await == bytes,
        "the whole body reads back"
    );
    // A range across a part boundary, and one at the end.
    let (a, b) = (5 * MIB - 10, 5 * MIB + 10);
    let part = storage
        .get(&key, Some(a as u64..b as u64))
        .await
        .expect("range");
    assert_eq!(
        (part.size, part.range.clone()),
        (bytes.len() as u64, a as u64..b as u64)
    );
    assert_eq!(
        read_all(storage, &key, Some(a as u64..b as u64)).await,
        bytes[a..b]
    );
    let end = bytes.len() as u64;
    assert_eq!(
        read_all(storage, &key, Some(end - 7..end)).await,
        bytes[bytes.len() - 7..]
    );
    assert!(
        storage.keys(prefix).await.expect("list").contains(&key),
        "the key is listed"
    );

    // Past its bound, and a body that breaks off: refused, and nothing is at the key.
    let too_large = format!("{prefix}/materials/too-large.bin");
    let refused = storage
        .put_stream(&too_large, body(&data(6 * MIB)), MIB as u64 * 5)
        .await
        .expect_err("too large");
    assert!(matches!(refused, PutError::TooLarge { limit } if limit == 5 * MIB as u64));
    let broken_key = format!("{prefix}/materials/broken.bin");
    let first = data(6 * MIB);
    let broken = body(&first).chain(stream::iter(vec![Err(std::io::Error::new(
        std::io::ErrorKind::ConnectionReset,
        "the connection dropped",
    ))]));
    let failed = storage
        .put_stream(&broken_key, broken, 20 * MIB as u64)
        .await
        .expect_err("broken body");
    assert!(
        matches!(failed, PutError::Body(ref m) if m.contains("dropped")),
        "{failed}"
    );
    for gone in [&too_large, &broken_key] {
        assert_eq!(storage.size_of(gone).await.expect("head"), None, "{gone}");
        assert!(storage.get(gone, None).await.is_err(), "{gone}");
    }
    assert_eq!(storage.keys(prefix).await.expect("list"), vec![key.clone()]);

    // A resumable upload's chunk that breaks off keeps what arrived (more than a part, so that
    // S3 completes a multipart upload of a whole part and a short one); one that breaks off
    // before its first byte keeps nothing.
    let kept_key = format!("{prefix}/uploads/kept.bin");
    let broken = body(&first).chain(stream::iter(vec![Err(std::io::Error::new(
        std::io::ErrorKind::ConnectionReset,
        "the connection dropped",
    ))]));
    let (kept, why) = storage
        .put_stream_keeping(&kept_key, broken, 20 * MIB as u64)
        .await
        .expect("kept");
    assert!(why.is_some_and(|m| m.contains("dropped")));
    assert_eq!(kept.size, first.len() as u64);
    assert_eq!(kept.sha256, <[u8; 32]>::from(Sha256::digest(&first)));
    assert!(
        read_all(storage, &kept_key, None).await == first,
        "what arrived reads back"
    );
    let empty_key = format!("{prefix}/uploads/empty.bin");
    let (nothing, why) = storage
        .put_stream_keeping(
            &empty_key,
            stream::iter(vec![Err::<Bytes, _>(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "the connection dropped",
            ))]),
            MIB as u64,
        )
        .await
        .expect("nothing kept");
    assert_eq!((nothing.size, why.is_some()), (0, true));
    assert_eq!(storage.size_of(&empty_key).await.expect("head"), None);
    storage.delete(&kept_key).await.expect("delete");

    storage.delete(&key).await.expect("delete");
    storage
        .delete(&key)
        .await
        .expect("deleting what is gone is not an error");
    assert_eq!(storage.size_of(&key).await.expect("head"), None);
    assert!(storage.keys(prefix).await.expect("list").is_empty());
    storage.check().await.expect("the store answers");
}

#[tokio::test]
async fn a_directory_streams_files_in_reads_ranges_and_leaves_nothing_of_a_failed_upload() {
    let dir = tempfile::tempdir().expect("dir");
    let root = dir.path().join("files");
    let storage = Storage::open(&Target::Directory(root.clone()))
        .await
        .expect("opens, creating the directory");
    exercise(&storage, "test").await;
    // No staging file of the aborted uploads is left behind either.
    let mut left = Vec::new();
    let mut dirs = vec![root];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let entry = entry.expect("entry");
            if entry.file_type().expect("type").is_dir() {
                dirs.push(entry.path());
            } else {
                left.push(entry.path());
            }
        }
    }
    assert!(left.is_empty(), "files left behind: {left:?}");
}

/// The S3 server CI starts, when there is one (the README's test command on a newcomer's
/// machine has none; `.ci/run` sets `REQUIRE_S3=1` so that CI cannot skip it).
fn s3_target(prefix: &str) -> Option<Target> {
    let Ok(endpoint) = std::env::var("TEST_S3_ENDPOINT") else {
        assert!(
            std::env::var_os("REQUIRE_S3").is_none(),
            "REQUIRE_S3 is set but TEST_S3_ENDPOINT is not"
        );
        eprintln!("no S3 server (TEST_S3_ENDPOINT): the S3 half of this test did not run");
        return None;
    };
    Some(Target::S3(S3Storage {
        bucket: std::env::var("TEST_S3_BUCKET").unwrap_or_else(|_| "exchange-test".to_owned()),
        prefix: prefix.to_owned(),
        region: "us-east-1".to_owned(),
        endpoint: Some(endpoint),
        access_key_id: Some("testing".to_owned()),
        secret_access_key: Some("testing".to_owned()),
        session_token: None,
    }))
}

#[tokio::test]
async fn an_s3_bucket_streams_files_in_parts_reads_ranges_and_leaves_nothing_of_a_failed_upload() {
    let prefix = format!("run-{}", uuid::Uuid::new_v4());
    let Some(target) = s3_target(&prefix) else {
        return;
    };
    let storage = Storage::open(&target).await.expect("opens");
    assert!(storage.name().starts_with("s3://"), "{}", storage.name());
    exercise(&storage, "test").await;
    // The failed uploads were aborted, not left as incomplete multipart uploads (which S3 keeps,
    // and bills, until someone aborts them): asked of the server itself.
    let Target::S3(s3) = target else {
        unreachable!()
    };
    let uploads = reqwest::get(format!(
        "{}/{}?uploads&prefix={prefix}/",
        s3.endpoint.unwrap_or_default(),
        s3.bucket
    ))
    .await
    .expect("the server answers")
    .text()
    .await
    .expect("text");
    assert!(
        uploads.contains("ListMultipartUploadsResult") && !uploads.contains("<Upload>"),
        "{uploads}"
    );
}

#[tokio::test]
async fn readiness_says_503_while_the_file_store_does_not_answer() {
    // A port nothing listens on: the store is down.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let endpoint = format!("http://127.0.0.1:{closed}");
    let app = spawn_app_with(&[
        ("STORAGE_URL", "s3://exchange-files/uploads"),
        ("AWS_ENDPOINT_URL", &endpoint),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
    ])
    .await;
    let started = std::time::Instant::now();
    let res = app.get("/health/ready", None).await;
    assert_eq!(res.status(), 503);
    assert_eq!(
        res.headers()["content-type"],
        "application/problem+json",
        "a problem"
    );
    let problem: serde_json::Value = res.json().await.expect("json");
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("file store") || d.contains("مخزن الملفات")),
        "{problem}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "answered in {:?}",
        started.elapsed()
    );
    // The liveness probe does not depend on it.
    assert_eq!(app.get("/health/live", None).await.status(), 200);

    // With the store answering, ready.
    let app = spawn_app_with(&[]).await;
    assert_eq!(app.get("/health/ready", None).await.status(), 200);
    if let Some(target) = s3_target("ready") {
        let Target::S3(s3) = target else {
            unreachable!()
        };
        let endpoint = s3.endpoint.clone().unwrap_or_default();
        let app = spawn_app_with(&[
            ("STORAGE_URL", &format!("s3://{}/ready", s3.bucket)),
            ("AWS_ENDPOINT_URL", &endpoint),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
        ])
        .await;
        assert_eq!(app.get("/health/ready", None).await.status(), 200);
    }
}
