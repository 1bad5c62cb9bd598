//! Strict reading of JSON request bodies.
//!
//! serde's derived `Deserialize` for a struct also accepts a JSON array of its fields in order, so
//! `[null, null]` would pass for an object; JSON Schema counts `316.0` as an integer while serde
//! refuses it; and serde's messages are English only. Bodies are therefore parsed to a
//! `serde_json::Value` first (syntax errors: 400), checked for control characters, then read
//! through [`Strict`], which takes objects only where a struct or map is expected, integral
//! numbers wherever an integer is expected, and reports every failure with a stable code and a
//! message in both languages.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, Expected, MapAccess, SeqAccess, Unexpected, Visitor};
use serde_json::{Map, Number, Value};

use crate::error::{ApiError, FieldError, ProblemCode};
use crate::i18n::Text;

/// Characters refused in any text: C0 controls but tab, line feed and carriage return; DEL; C1.
pub fn is_forbidden_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// The JSON Schema pattern saying the same as [`is_forbidden_char`], for the OpenAPI document.
pub const TEXT_PATTERN: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

/// The pattern of text that must not be blank (a `minLength` of 1 or more): the same characters,
/// and at least one that is not white space.
pub const NONBLANK_TEXT_PATTERN: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

/// Parses and reads a JSON body strictly: 400 for malformed JSON, 422 (with every field's
/// pointer) for control characters, wrong types and missing fields.
pub fn from_slice<T: de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::Problem(
            ProblemCode::MalformedJson,
            Text::new(
                format!("The request body is not valid JSON: {e}"),
                format!(
                    "محتوى الطلب ليس JSON صالحًا (السطر {}، العمود {}).",
                    e.line(),
                    e.column()
                ),
            ),
        )
    })?;
    from_value(&value)
}

/// Reads an already parsed JSON value strictly (see [`from_slice`]).
pub fn from_value<T: de::DeserializeOwned>(value: &Value) -> Result<T, ApiError> {
    let mut controls = Vec::new();
    find_control_chars(value, &mut String::new(), &mut controls);
    if !controls.is_empty() {
        return Err(ApiError::Validation(controls));
    }
    serde_path_to_error::deserialize(Strict(value)).map_err(|err| {
        let mut pointer = path_to_pointer(err.path());
        let inner = err.into_inner();
        if let Some(field) = inner.missing {
            pointer.push('/');
            pointer.push_str(&escape_pointer(field));
        }
        ApiError::Validation(vec![FieldError::new(pointer, inner.code, inner.message)])
    })
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                pointer.push('/');
                pointer.push_str(&index.to_string());
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push('/');
                pointer.push_str(&escape_pointer(key));
            }
            Segment::Unknown => {}
        }
    }
    pointer
}

fn control_char_error(pointer: String) -> FieldError {
    FieldError::new(
        pointer,
        "control_character",
        Text::new(
            "must not contain control characters (tab and line breaks are allowed)",
            "يجب ألا يحتوي على محارف تحكم (يُسمح بالجدولة وفواصل الأسطر)",
        ),
    )
}

/// Every string (and object key) holding a forbidden character, by pointer.
fn find_control_chars(value: &Value, pointer: &mut String, out: &mut Vec<FieldError>) {
    match value {
        Value::String(s) if s.chars().any(is_forbidden_char) => {
            out.push(control_char_error(pointer.clone()));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                find_control_chars(item, pointer, out);
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&escape_pointer(key));
                if key.chars().any(is_forbidden_char) {
                    out.push(control_char_error(pointer.clone()));
                } else {
                    find_control_chars(item, pointer, out);
                }
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// Why a value could not be read: a stable code and a message in both languages.
#[derive(Debug)]
pub struct StrictError {
    code: &'static str,
    message: Text,
    /// For a missing field: its name, appended to the pointer of the object that lacks it.
    missing: Option<&'static str>,
}

impl StrictError {
    fn new(code: &'static str, en: String, ar: String) -> StrictError {
        StrictError {
            code,
            message: Text::new(en, ar),
            missing: None,
        }
    }
}

impl fmt::Display for StrictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message.en)
    }
}

impl std::error::Error for StrictError {}

/// The JSON type of an unexpected value, in Arabic.
fn unexpected_ar(unexp: &Unexpected<'_>) -> &'static str {
    match unexp {
        Unexpected::Bool(_) => "قيمة منطقية",
        Unexpected::Unsigned(_) | Unexpected::Signed(_) => "عدد صحيح",
        Unexpected::Float(_) => "عدد عشري",
        Unexpected::Char(_) | Unexpected::Str(_) => "نص",
        Unexpected::Unit | Unexpected::Option => "null",
        Unexpected::Seq => "مصفوفة",
        Unexpected::Map => "كائن",
        _ => "قيمة",
    }
}

/// What was expected, in Arabic, read from serde's English description.
fn expected_ar(exp: &str) -> &'static str {
    let exp = exp.to_ascii_lowercase();
    if exp.contains("struct") || exp.contains("map") {
        "كائن"
    } else if exp.contains("sequence") || exp.contains("tuple") || exp.contains("array") {
        "مصفوفة"
    } else if exp.contains("bool") {
        "قيمة منطقية"
    } else if exp.starts_with('i') || exp.starts_with('u') || exp.contains("integer") {
        "عدد صحيح"
    } else if exp.starts_with('f') || exp.contains("number") {
        "عدد"
    } else if exp.contains("date") || exp.contains("time") {
        "تاريخ أو وقت بصيغة RFC 3339"
    } else {
        "نص"
    }
}

impl de::Error for StrictError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        let en = msg.to_string();
        let en = en.split(" at line ").next().unwrap_or(&en).to_owned();
        StrictError::new("invalid", en, "قيمة غير صالحة".to_owned())
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        let expected = exp.to_string();
        StrictError::new(
            "type",
            format!("invalid type: {unexp}, expected {expected}"),
            format!(
                "نوع القيمة غير صحيح: {}، والمتوقع {}",
                unexpected_ar(&unexp),
                expected_ar(&expected)
            ),
        )
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        StrictError::new(
            "invalid",
            format!("invalid value: {unexp}, expected {exp}"),
            "قيمة غير صالحة".to_owned(),
        )
    }

    fn invalid_length(len: usize, exp: &dyn Expected) -> Self {
        StrictError::new(
            "length",
            format!("invalid length {len}, expected {exp}"),
            format!("عدد العناصر غير صحيح: \u{2066}{len}\u{2069}"),
        )
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let list = expected.join(", ");
        StrictError::new(
            "enum",
            format!("unknown value `{variant}`, expected one of: {list}"),
            format!("قيمة غير معروفة، والقيم المسموحة: \u{2066}{list}\u{2069}"),
        )
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let list = expected.join(", ");
        StrictError::new(
            "unknown_field",
            format!("unknown field `{field}`, expected one of: {list}"),
            format!("حقل غير معروف، والحقول المسموحة: \u{2066}{list}\u{2069}"),
        )
    }

    fn missing_field(field: &'static str) -> Self {
        StrictError {
            code: "required",
            message: Text::new("is required", "هذا الحقل مطلوب"),
            missing: Some(field),
        }
    }

    fn duplicate_field(field: &'static str) -> Self {
        StrictError::new(
            "duplicate_field",
            format!("duplicate field `{field}`"),
            "الحقل مكرر".to_owned(),
        )
    }
}

/// A JSON value read strictly (see the module's documentation).
pub struct Strict<'de>(pub &'de Value);

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (None, Some(i)) => Unexpected::Signed(i),
            _ => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// An integral number written with a fraction or an exponent (`316.0`, `3e2`), as an integer.
fn integral(n: &Number) -> Option<Result<u64, i64>> {
    if let Some(u) = n.as_u64() {
        return Some(Ok(u));
    }
    if let Some(i) = n.as_i64() {
        return Some(Err(i));
    }
    let f = n.as_f64()?;
    // 2^63 and 2^64 are exact in f64; anything integral below them converts without loss.
    if f.fract() != 0.0 || !f.is_finite() {
        return None;
    }
    if (0.0..18_446_744_073_709_551_616.0).contains(&f) {
        Some(Ok(f as u64))
    } else if (-9_223_372_036_854_775_808.0..0.0).contains(&f) {
        Some(Err(f as i64))
    } else {
        None
    }
}

impl<'de> Strict<'de> {
    fn integer<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        match self.0 {
            Value::Number(n) => match integral(n) {
                Some(Ok(u)) => visitor.visit_u64(u),
                Some(Err(i)) => visitor.visit_i64(i),
                None => self.deserialize_any(visitor),
            },
            _ => self.deserialize_any(visitor),
        }
    }
}

macro_rules! integers {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
            self.integer(visitor)
        })*
    };
}

impl<'de> Deserializer<'de> for Strict<'de> {
    type Error = StrictError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => visitor.visit_u64(u),
                (None, Some(i)) => visitor.visit_i64(i),
                _ => visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visit_array(items, visitor),
            Value::Object(map) => visitor.visit_map(Entries::new(map)),
        }
    }

    integers!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
              deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128);

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        match self.0 {
            Value::Array(items) => visit_array(items, visitor),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        self.deserialize_seq(visitor)
    }

    /// Objects only: a struct is never read from an array of its fields.
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(Entries::new(map)),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        self.deserialize_map(visitor)
    }

    /// Unit variants, written as strings (every vocabulary of this API).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        match self.0 {
            Value::String(s) => {
                let de = de::value::BorrowedStrDeserializer::<StrictError>::new(s);
                visitor.visit_enum(de)
            }
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool f32 f64 char str string bytes byte_buf unit_struct identifier
    }
}

fn visit_array<'de, V: Visitor<'de>>(
    items: &'de [Value],
    visitor: V,
) -> Result<V::Value, StrictError> {
    let mut seq = Items { iter: items.iter() };
    let value = visitor.visit_seq(&mut seq)?;
    if seq.iter.len() > 0 {
        return Err(de::Error::invalid_length(
            items.len(),
            &"fewer elements in the array",
        ));
    }
    Ok(value)
}

struct Items<'de> {
    iter: std::slice::Iter<'de, Value>,
}

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = StrictError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, StrictError> {
        match self.iter.next() {
            Some(item) => seed.deserialize(Strict(item)).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct Entries<'de> {
    iter: serde_json::map::Iter<'de>,
    value: Option<&'de Value>,
}

impl<'de> Entries<'de> {
    fn new(map: &'de Map<String, Value>) -> Entries<'de> {
        Entries {
            iter: map.iter(),
            value: None,
        }
    }
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = StrictError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, StrictError> {
        match self.iter.next() {
            Some((key, value)) => {
                self.value = Some(value);
                let de = de::value::BorrowedStrDeserializer::<StrictError>::new(key);
                seed.deserialize(de).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, StrictError> {
        match self.value.take() {
            Some(value) => seed.deserialize(Strict(value)),
            None => Err(de::Error::custom("a value was read before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Pair {
        name: String,
        count: Option<i32>,
        #[serde(default)]
        tags: Vec<Kind>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Thematic,
        Regional,
    }

    fn read(value: Value) -> Result<Pair, Vec<FieldError>> {
        from_value::<Pair>(&value).map_err(|e| match e {
            ApiError::Validation(errors) => errors,
            other => panic!("unexpected {other:?}"),
        })
    }

    #[test]
    fn an_array_is_not_an_object() {
        let errors = read(json!(["x", 1])).expect_err("refused");
        assert_eq!(errors[0].pointer, "");
        assert_eq!(errors[0].code, "type");
        assert!(read(json!("x")).is_err());
        assert!(read(json!(null)).is_err());
    }

    #[test]
    fn integral_numbers_with_a_fraction_are_integers() {
        let pair = read(json!({"name": "a", "count": 316.0})).expect("accepted");
        assert_eq!(pair.count, Some(316));
        let pair = read(json!({"name": "a", "count": 3e2})).expect("accepted");
        assert_eq!(pair.count, Some(300));
        let errors = read(json!({"name": "a", "count": 1.5})).expect_err("refused");
        assert_eq!(
            (errors[0].pointer.as_str(), errors[0].code.as_str()),
            ("/count", "type")
        );
        let errors = read(json!({"name": "a", "count": 3e10})).expect_err("refused");
        assert_eq!(errors[0].pointer, "/count");
    }

    #[test]
    fn control_characters_are_refused_with_their_pointers() {
        let errors = read(json!({"name": "a\u{0}b", "tags": ["x\u{7}"]})).expect_err("refused");
        let pointers: Vec<_> = errors.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/name", "/tags/0"]);
        assert!(errors.iter().all(|e| e.code == "control_character"));
        assert!(read(json!({"name": "line one\nline two\ttab\r"})).is_ok());
        assert!(read(json!({"name": "\u{85}"})).is_err());
    }

    #[test]
    fn missing_fields_are_named_in_the_pointer_and_messages_are_arabic() {
        let errors = read(json!({"count": 1})).expect_err("refused");
        assert_eq!(
            (errors[0].pointer.as_str(), errors[0].code.as_str()),
            ("/name", "required")
        );
        let errors = read(json!({"name": 5})).expect_err("refused");
        assert!(!errors[0].message.ar.is_ascii());
        assert!(!errors[0].message.ar.contains("expected"));
        let errors = read(json!({"name": "a", "tags": ["global"]})).expect_err("refused");
        assert_eq!(
            (errors[0].pointer.as_str(), errors[0].code.as_str()),
            ("/tags/0", "enum")
        );
        let errors = read(json!({"name": "a", "extra": 1})).expect_err("refused");
        assert_eq!(errors[0].code, "unknown_field");
    }
}
