//! Keyset pagination: `limit` 1–100 (default 20) and an opaque `cursor` naming the last row
//! seen. Rows come in a stable order (by id), so pages never skip or repeat rows under inserts.

use base64::Engine as _;

use crate::error::{ApiError, ProblemCode};
use crate::i18n::Text;

pub const DEFAULT_LIMIT: u64 = 20;
pub const MAX_LIMIT: u64 = 100;
/// The longest cursor this API issues, with room to spare; a longer one is refused unread.
pub const MAX_CURSOR_CHARS: usize = 200;

pub fn bad_cursor() -> ApiError {
    ApiError::Problem(
        ProblemCode::InvalidCursor,
        Text::new(
            "The cursor is not one this API issued.",
            "قيمة cursor ليست صادرة عن هذه الواجهة.",
        ),
    )
}

/// The text inside a cursor (every cursor is URL-safe base64 of a short text), or 400.
pub fn cursor_text(cursor: &str) -> Result<String, ApiError> {
    if cursor.len() > MAX_CURSOR_CHARS {
        return Err(bad_cursor());
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(bad_cursor)
}

/// A checked page request.
#[derive(Clone, Copy, Debug)]
pub struct PageRequest {
    pub limit: u64,
    /// Only rows after this id.
    pub after: Option<i64>,
}

impl PageRequest {
    /// Checks the raw parameters: out-of-range `limit` or a foreign `cursor` → 400.
    pub fn new(limit: Option<i64>, cursor: Option<&str>) -> Result<PageRequest, ApiError> {
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(n) if (1..=MAX_LIMIT as i64).contains(&n) => n as u64,
            Some(n) => {
                return Err(ApiError::Problem(
                    ProblemCode::InvalidParameter,
                    Text::new(
                        format!("limit must be between 1 and {MAX_LIMIT}, got {n}."),
                        format!("يجب أن تكون قيمة limit بين 1 و{MAX_LIMIT}، والقيمة المرسلة {n}."),
                    ),
                ));
            }
        };
        let after = cursor.map(decode).transpose()?;
        Ok(PageRequest { limit, after })
    }

    /// Rows to fetch: one more than the page, to know whether another page follows.
    pub fn fetch(&self) -> u64 {
        self.limit + 1
    }

    /// Trims the extra row and names the cursor of the next page.
    pub fn finish<T>(&self, mut rows: Vec<T>, id: impl Fn(&T) -> i64) -> (Vec<T>, Option<String>) {
        let more = rows.len() as u64 > self.limit;
        rows.truncate(self.limit as usize);
        let next = if more {
            rows.last().map(|r| encode(id(r)))
        } else {
            None
        };
        (rows, next)
    }
}

/// A cursor over (instant, id) keys, for lists ordered by time.
pub fn encode_instant(at: chrono::DateTime<chrono::Utc>, id: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!("t:{}:{id}", at.timestamp_nanos_opt().unwrap_or(0)))
}

/// Reads a cursor made by `encode_instant`.
pub fn decode_instant(cursor: &str) -> Result<(chrono::DateTime<chrono::Utc>, i64), ApiError> {
    let bad = bad_cursor;
    let raw = cursor_text(cursor)?;
    let mut parts = raw.strip_prefix("t:").ok_or_else(bad)?.split(':');
    let nanos = parts
        .next()
        .and_then(|p| p.parse::<i64>().ok())
        .ok_or_else(bad)?;
    let id = parts
        .next()
        .and_then(|p| p.parse::<i64>().ok())
        .ok_or_else(bad)?;
    let at = chrono::DateTime::from_timestamp_nanos(nanos);
    Ok((at, id))
}

/// Checks `limit` alone (1–100, default 20).
pub fn limit(limit: Option<i64>) -> Result<u64, ApiError> {
    Ok(PageRequest::new(limit, None)?.limit)
}

fn encode(id: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("id:{id}"))
}

fn decode(cursor: &str) -> Result<i64, ApiError> {
    cursor_text(cursor)?
        .strip_prefix("id:")
        .and_then(|n| n.parse().ok())
        .ok_or_else(bad_cursor)
}

/// One page of a list: the items and the cursor of the next page. Every list of the API answers
/// this shape; its name and description in the OpenAPI document come from the item
/// (`Listed`), so that each list keeps its own schema name (`UserList`, `WorkshopList`, …).
#[derive(Debug, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The `cursor` of the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, next_cursor: Option<String>) -> Page<T> {
        Page { items, next_cursor }
    }

    /// The same page with each item turned into another shape.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

/// An item that lists are made of: names the list's schema.
pub trait Listed: utoipa::ToSchema {
    /// The list's schema name.
    const LIST: &'static str;
    /// The list's description.
    const LIST_DOC: &'static str;
}

/// Declares the list of an item type: `listed!(UserResponse => UserList, "A page of users.")`,
/// and `UserList` as the name handlers use.
#[macro_export]
macro_rules! listed {
    ($item:ident $(<$lt:lifetime>)? => $list:ident, $doc:literal) => {
        impl$(<$lt>)? $crate::pagination::Listed for $item$(<$lt>)? {
            const LIST: &'static str = stringify!($list);
            const LIST_DOC: &'static str = $doc;
        }

        #[doc = $doc]
        pub type $list$(<$lt>)? = $crate::pagination::Page<$item$(<$lt>)?>;
    };
}

impl<T: Listed> utoipa::PartialSchema for Page<T> {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::Ref;
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
        ObjectBuilder::new()
            .description(Some(T::LIST_DOC))
            .property(
                "items",
                ArrayBuilder::new().items(Ref::from_schema_name(T::name())),
            )
            .required("items")
            .property(
                "next_cursor",
                ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                        Type::String,
                        Type::Null,
                    ]))
                    .description(Some(
                        "The `cursor` of the next page; null on the last page.",
                    )),
            )
            .required("next_cursor")
            .into()
    }
}

impl<T: Listed> utoipa::ToSchema for Page<T> {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed(T::LIST)
    }

    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        schemas.push((T::name().into_owned(), T::schema()));
        T::schemas(schemas);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let p = PageRequest::new(Some(2), None).expect("valid");
        let (rows, next) = p.finish(vec![1, 2, 3], |r| *r);
        assert_eq!(rows, vec![1, 2]);
        let next = next.expect("more rows");
        assert_eq!(
            PageRequest::new(None, Some(&next)).expect("valid").after,
            Some(2)
        );
        assert!(PageRequest::new(None, Some("nope")).is_err());
        assert!(PageRequest::new(Some(0), None).is_err());
        assert!(PageRequest::new(Some(101), None).is_err());
    }

    #[test]
    fn instant_cursors_round_trip_to_the_nanosecond() {
        let at = chrono::DateTime::from_timestamp(1_795_523_022, 123_456_789).expect("t");
        assert_eq!(
            decode_instant(&encode_instant(at, 42)).expect("valid"),
            (at, 42)
        );
        assert!(decode_instant("dDp4OjE").is_err());
    }
}
