//! The audit trail: every write records who did it, what it did, to which object and which
//! fields changed, in the same transaction as the write, so a rolled-back write leaves no entry
//! and a committed one always has its entry. Secrets are redacted before anything is stored.
//!
//! This room builds entries ([`Entry`], naming a typed [`Action`]); writing one, with what it
//! tells partners and people, is the events workflow's ([`Entry::write`] is defined in
//! `services::events`), so that nothing here reaches up into the workflows.

mod action;

#[cfg(test)]
pub(crate) use action::every_action;
pub use action::{Action, Entity};

use chrono::{DateTime, Utc};
use entity::audit_entry;
use sea_orm::sea_query::Value;
use sea_orm::{EntityTrait, IdenStatic, Iterable, ModelTrait, Set};
use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::domain::MailKind;
use crate::email::Email;

/// What a redacted value is shown as.
pub const REDACTED: &str = "[redacted]";

/// Field names whose values never reach the trail.
pub fn is_secret(field: &str) -> bool {
    let f = field.to_ascii_lowercase();
    ["password", "hash", "token", "secret"]
        .iter()
        .any(|s| f.contains(s))
        || f == "code"
        || f.ends_with("_code")
}

/// Columns that only mirror others (search keys) and would add noise.
fn is_derived(field: &str) -> bool {
    field == "search_text"
}

/// A column's value as the trail shows it: plain JSON, instants in RFC 3339 (UTC, `Z`), dates
/// and times in ISO 8601 — never the database's quoted literal.
fn value_to_json(v: &Value) -> Json {
    use chrono::SecondsFormat;
    match v {
        // Bytes are never shown (they are not text and may be key material).
        Value::Bytes(Some(_)) => Json::String(REDACTED.to_owned()),
        Value::ChronoDateTimeUtc(Some(t)) => {
            Json::String(t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        }
        Value::ChronoDateTimeWithTimeZone(Some(t)) => Json::String(
            t.with_timezone(&chrono::Utc)
                .to_rfc3339_opts(SecondsFormat::AutoSi, true),
        ),
        Value::ChronoDateTimeLocal(Some(t)) => Json::String(
            t.with_timezone(&chrono::Utc)
                .to_rfc3339_opts(SecondsFormat::AutoSi, true),
        ),
        Value::ChronoDateTime(Some(t)) => {
            Json::String(t.format("%Y-%m-%dT%H:%M:%S%.f").to_string())
        }
        Value::ChronoDate(Some(d)) => Json::String(d.format("%Y-%m-%d").to_string()),
        Value::ChronoTime(Some(t)) => Json::String(t.format("%H:%M:%S%.f").to_string()),
        other => sea_orm::sea_query::value::sea_value_to_json_value(other),
    }
}

/// Long texts (paper bodies, minutes) are kept to their first characters: the full text lives
/// in its own table (paper versions), and the trail only needs to show that it changed.
const MAX_TEXT_CHARS: usize = 500;

fn redacted(field: &str, value: Json) -> Json {
    match value {
        Json::Null => Json::Null,
        _ if is_secret(field) => Json::String(REDACTED.to_owned()),
        Json::String(s) if s.chars().count() > MAX_TEXT_CHARS => {
            let total = s.chars().count();
            let head: String = s.chars().take(MAX_TEXT_CHARS).collect();
            Json::String(format!("{head}… ({total} characters)"))
        }
        other => other,
    }
}

/// A model's columns as a JSON object, secrets redacted.
pub fn snapshot<M: ModelTrait>(m: &M) -> Map<String, Json> {
    let mut out = Map::new();
    for col in <<M::Entity as EntityTrait>::Column as Iterable>::iter() {
        let name = col.as_str().to_owned();
        if is_derived(&name) {
            continue;
        }
        let v = value_to_json(&m.get(col));
        out.insert(name.clone(), redacted(&name, v));
    }
    out
}

/// The columns that differ between two versions of a row, as `{field: {"from": …, "to": …}}`.
pub fn diff<M: ModelTrait>(before: &M, after: &M) -> Map<String, Json> {
    let mut out = Map::new();
    for col in <<M::Entity as EntityTrait>::Column as Iterable>::iter() {
        let name = col.as_str().to_owned();
        if is_derived(&name) {
            continue;
        }
        let (a, b) = (before.get(col), after.get(col));
        if a != b {
            let mut pair = Map::new();
            pair.insert("from".into(), redacted(&name, value_to_json(&a)));
            pair.insert("to".into(), redacted(&name, value_to_json(&b)));
            out.insert(name, Json::Object(pair));
        }
    }
    out
}

/// Who made a change: a person, and the API key they acted through when it was one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub api_key_id: Option<i64>,
}

impl From<Option<i64>> for Actor {
    fn from(user_id: Option<i64>) -> Actor {
        Actor {
            user_id,
            api_key_id: None,
        }
    }
}

impl From<i64> for Actor {
    fn from(user_id: i64) -> Actor {
        Some(user_id).into()
    }
}

/// One entry, built up and then written with [`Entry::write`] (in `services::events`).
#[must_use = "an audit entry does nothing until written"]
#[derive(Debug)]
pub struct Entry {
    pub(crate) action: Action,
    pub(crate) entity_id: Option<i64>,
    pub(crate) platform_id: Option<i64>,
    pub(crate) changes: Map<String, Json>,
    /// The person a registration or membership belongs to (and a registration's workshop),
    /// when the writer knows it: what partners and people are told names them, and it need not
    /// be read back.
    pub(crate) owner: Option<(i64, Option<i64>)>,
    /// Mail the change sends, queued with the entry (on PostgreSQL in its statement).
    pub(crate) mail: Vec<(MailKind, Email)>,
}

impl Entry {
    /// What was done (its name and entity are the action's) to the object `entity_id`.
    pub fn new(action: Action, entity_id: i64) -> Entry {
        Entry {
            action,
            entity_id: Some(entity_id),
            platform_id: None,
            changes: Map::new(),
            owner: None,
            mail: Vec::new(),
        }
    }

    /// Mail the change sends: queued in the outbox with the entry.
    pub fn mail(mut self, mail: Vec<(MailKind, Email)>) -> Entry {
        self.mail = mail;
        self
    }

    /// The platform the change belongs to (its coordinators see the entry).
    pub fn platform(mut self, platform_id: impl Into<Option<i64>>) -> Entry {
        self.platform_id = platform_id.into();
        self
    }

    /// Whose registration (at which workshop) or membership this is.
    pub fn owner(mut self, user_id: i64, workshop_id: Option<i64>) -> Entry {
        self.owner = Some((user_id, workshop_id));
        self
    }

    /// A created row: all its fields.
    pub fn created<M: ModelTrait>(mut self, m: &M) -> Entry {
        self.changes.extend(snapshot(m));
        self
    }

    /// A changed row: the fields that differ.
    pub fn updated<M: ModelTrait>(mut self, before: &M, after: &M) -> Entry {
        self.changes.extend(diff(before, after));
        self
    }

    /// A deleted row: what it held.
    pub fn deleted<M: ModelTrait>(mut self, m: &M) -> Entry {
        self.changes
            .insert("deleted".into(), Json::Object(snapshot(m)));
        self
    }

    /// A field set by hand (redacted when it names a secret).
    pub fn field(mut self, name: &str, value: impl Serialize) -> Entry {
        let v = serde_json::to_value(value).unwrap_or(Json::Null);
        self.changes.insert(name.to_owned(), redacted(name, v));
        self
    }

    /// The trail's row for this entry.
    pub fn row(&self, actor: Actor, at: DateTime<Utc>) -> audit_entry::ActiveModel {
        audit_entry::ActiveModel {
            at: Set(at),
            actor_id: Set(actor.user_id),
            api_key_id: Set(actor.api_key_id),
            action: Set(self.action.name().to_owned()),
            entity_type: Set(self.action.entity().as_str().to_owned()),
            entity_id: Set(self.entity_id),
            platform_id: Set(self.platform_id),
            changes: Set(serde_json::to_string(&self.changes).unwrap_or_default()),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_recognised() {
        for f in [
            "password_hash",
            "token_hash",
            "refresh_token",
            "check_in_code",
            "code",
            "jwt_secret",
        ] {
            assert!(is_secret(f), "{f}");
        }
        for f in ["title_ar", "email", "status", "country", "encoded_by"] {
            assert!(!is_secret(f), "{f}");
        }
    }

    #[test]
    fn long_texts_are_abbreviated() {
        let long = "ب".repeat(MAX_TEXT_CHARS + 20);
        let Json::String(s) = redacted("body_ar", Json::String(long)) else {
            panic!("not a string");
        };
        assert!(s.ends_with(&format!("… ({} characters)", MAX_TEXT_CHARS + 20)));
        assert_eq!(s.chars().filter(|c| *c == 'ب').count(), MAX_TEXT_CHARS);
    }

    #[test]
    fn a_secret_field_set_by_hand_is_redacted() {
        let e = Entry::new(Action::UserPasswordChange, 1).field("password", "hunter2hunter2");
        assert_eq!(e.changes["password"], Json::String(REDACTED.into()));
    }
}
