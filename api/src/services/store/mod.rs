//! How writes are kept safe: versioned rows and guarded status moves (`versioned`), and the
//! idempotency keys that answer a retried write with its first answer (`idempotency_keys`).

pub mod idempotency_keys;
pub mod versioned;
