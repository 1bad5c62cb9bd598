//! Message language: English by default, Arabic when the caller's `Accept-Language` prefers it.

use std::borrow::Cow;

use actix_web::HttpRequest;
use actix_web::http::header::ACCEPT_LANGUAGE;

/// The languages messages are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Ar,
}

impl Lang {
    /// Picks the supported language with the highest `q` in `Accept-Language` (ties: the
    /// earlier one), English when none is supported.
    pub fn from_header(value: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in value.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = if tag == "ar" || tag.starts_with("ar-") {
                Lang::Ar
            } else if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::En, |(_, l)| l)
    }

    /// The language a request asks for.
    pub fn of(req: &HttpRequest) -> Lang {
        req.headers()
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map_or(Lang::En, Lang::from_header)
    }
}

/// A message in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub en: Cow<'static, str>,
    pub ar: Cow<'static, str>,
}

impl Text {
    pub fn new(en: impl Into<Cow<'static, str>>, ar: impl Into<Cow<'static, str>>) -> Text {
        Text {
            en: en.into(),
            ar: ar.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ar => &self.ar,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefers_the_highest_quality_supported_language() {
        assert_eq!(Lang::from_header("ar"), Lang::Ar);
        assert_eq!(Lang::from_header("ar-PS,en;q=0.8"), Lang::Ar);
        assert_eq!(Lang::from_header("fr, en;q=0.9, ar;q=0.5"), Lang::En);
        assert_eq!(Lang::from_header("fr"), Lang::En);
        assert_eq!(Lang::from_header("en;q=0.1, ar;q=0.9"), Lang::Ar);
    }
}
