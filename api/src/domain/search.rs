//! Folding text for search: Arabic diacritics and tatweel removed, letter variants unified
//! (أ/إ/آ/ٱ → ا, ى → ي, ة → ه, ؤ → و, ئ → ي), Latin lower-cased, whitespace collapsed. The same
//! folding is applied to stored text and to queries: the lists' name filters match it with a
//! plain `LIKE`, and the one search (`services::search`) hands it to the databases' full-text
//! engines, with a query made here ([`terms`]) and snippets cut here from the text as written.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Folds one text for storage or for a query.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.chars() {
        let mapped = match c {
            // Harakat, tanween, shadda, sukun, superscript alef, Quranic marks, tatweel.
            '\u{0610}'..='\u{061A}'
            | '\u{064B}'..='\u{065F}'
            | '\u{0670}'
            | '\u{06D6}'..='\u{06ED}'
            | '\u{0640}' => continue,
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            'ى' | 'ئ' => 'ي',
            'ة' => 'ه',
            'ؤ' => 'و',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if mapped == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        last_space = false;
        out.extend(mapped.to_lowercase());
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Builds the stored search text from several parts.
pub fn fold_all<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts
        .into_iter()
        .map(fold)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// A `LIKE` pattern that matches the folded query anywhere, with `%`, `_` and `\` escaped.
pub fn like_pattern(query: &str) -> String {
    let folded = fold(query);
    let mut pattern = String::with_capacity(folded.len() + 2);
    pattern.push('%');
    for c in folded.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A `LIKE` pattern that matches the folded query in a person's names only: a person's search
/// text is "email | name | name", and matching after the first bar keeps the email out of reach.
pub fn names_pattern(query: &str) -> String {
    format!("%| {}", like_pattern(query).trim_start_matches('%'))
}

/// The folded search text of a workshop: its title and description.
pub fn workshop_search_text(title: (&str, &str), description: (&str, &str)) -> String {
    fold_all([title.0, title.1, description.0, description.1])
}

/// The folded search text of a platform.
pub fn platform_search_text(name: (&str, &str), description: (&str, &str)) -> String {
    fold_all([name.0, name.1, description.0, description.1])
}

/// What a search hit is, in the order hits of equal rank come.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    Platform,
    Topic,
    WorkingGroup,
    TaskForce,
    Workshop,
    PositionPaper,
    Practice,
    Document,
    Person,
    Discussion,
}

impl HitKind {
    pub const ALL: [HitKind; 10] = [
        HitKind::Platform,
        HitKind::Topic,
        HitKind::WorkingGroup,
        HitKind::TaskForce,
        HitKind::Workshop,
        HitKind::PositionPaper,
        HitKind::Practice,
        HitKind::Document,
        HitKind::Person,
        HitKind::Discussion,
    ];

    /// Its place in [`HitKind::ALL`].
    pub fn index(self) -> usize {
        HitKind::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }
}

/// The most words of a query that are looked for; the rest are ignored.
pub const MAX_TERMS: usize = 8;

/// The Arabic proclitics a word is also looked for with: the article and the article after a
/// conjunction or a preposition (و، ب، ف، ك، ل), so that `دليل` finds `الدليل` and `بالدليل`,
/// and `الإدارة` finds `إدارة`.
const ARTICLES: [&str; 6] = ["ال", "وال", "بال", "فال", "كال", "لل"];

/// The words of a query, folded, each with the forms it is found under (any of them; every word
/// must be found).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms(Vec<Vec<String>>);

/// A piece of a snippet: text as written, and whether it is a word the query found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Segment {
    #[schema(max_length = 400)]
    pub text: String,
    pub hit: bool,
}

fn is_arabic(c: char) -> bool {
    ('\u{0600}'..='\u{06FF}').contains(&c)
}

/// A character inside a word as written: a letter or digit, or an Arabic mark or tatweel
/// (which folding removes).
fn in_word(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}')
}

/// The word without a leading article (see [`ARTICLES`]) when one is there and a word of at
/// least two letters remains.
fn without_article(word: &str) -> &str {
    for a in ARTICLES.iter().rev() {
        if let Some(rest) = word.strip_prefix(a)
            && rest.chars().count() >= 2
        {
            return rest;
        }
    }
    word
}

/// The words of a query (folded; punctuation splits words; single letters are dropped, numbers
/// are kept), at most [`MAX_TERMS`].
pub fn terms(query: &str) -> Terms {
    let folded = fold(query);
    let words = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2 || w.chars().all(|c| c.is_ascii_digit()))
        .filter(|w| !w.is_empty())
        .take(MAX_TERMS);
    Terms(
        words
            .map(|w| {
                if !w.chars().any(is_arabic) {
                    return vec![w.to_owned()];
                }
                let stem = without_article(w);
                let mut forms = vec![w.to_owned()];
                for form in std::iter::once(stem.to_owned())
                    .chain(ARTICLES.iter().map(|a| format!("{a}{stem}")))
                {
                    if !forms.contains(&form) {
                        forms.push(form);
                    }
                }
                forms
            })
            .collect(),
    )
}

impl Terms {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The query for PostgreSQL's `to_tsquery` (each word's forms ORed, the words ANDed). The
    /// forms hold letters and digits only, so quoting them is safe.
    pub fn tsquery(&self) -> String {
        self.joined(" | ", " & ", |f| format!("'{f}'"))
    }

    /// The query for SQLite's FTS5 `MATCH`, in the same shape.
    pub fn fts5(&self) -> String {
        self.joined(" OR ", " AND ", |f| format!("\"{f}\""))
    }

    fn joined(&self, or: &str, and: &str, quote: impl Fn(&str) -> String) -> String {
        self.0
            .iter()
            .map(|forms| {
                let any: Vec<String> = forms.iter().map(|f| quote(f)).collect();
                format!("({})", any.join(or))
            })
            .collect::<Vec<_>>()
            .join(and)
    }

    /// Whether a word as written (folded here) is one the query looks for: an Arabic word in one
    /// of its forms; a Latin word sharing its stem with a query word (the engines stem English,
    /// so `waste` finds `wasted`).
    fn finds(&self, word: &str) -> bool {
        let w = fold(word);
        self.0.iter().flatten().any(|form| {
            if w == *form {
                return true;
            }
            if form.chars().any(is_arabic) || form.chars().count() < 4 {
                return false;
            }
            let common = w
                .chars()
                .zip(form.chars())
                .take_while(|(a, b)| a == b)
                .count();
            let shorter = w.chars().count().min(form.chars().count());
            common >= 4 && common + 2 >= shorter
        })
    }

    /// A snippet of the first text (in order) where the query finds a word: about
    /// [`SNIPPET_CHARS`] characters around the first word found, cut at words, with `…` where it
    /// is cut, and each found word a segment of its own. When no text has such a word, the
    /// start of the first text that is not empty.
    pub fn snippet(&self, texts: &[&str]) -> Vec<Segment> {
        let words = |t: &str| -> Vec<(usize, usize)> {
            let mut out = Vec::new();
            let mut start = None;
            for (i, c) in t.char_indices() {
                match (in_word(c), start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        out.push((s, i));
                        start = None;
                    }
                    _ => {}
                }
            }
            if let Some(s) = start {
                out.push((s, t.len()));
            }
            out
        };
        let found = texts.iter().find_map(|t| {
            let ws = words(t);
            let first = ws.iter().position(|&(a, b)| self.finds(&t[a..b]))?;
            Some((*t, ws, Some(first)))
        });
        let Some((text, ws, first)) = found.or_else(|| {
            texts
                .iter()
                .find(|t| !t.trim().is_empty())
                .map(|t| (*t, words(t), None))
        }) else {
            return Vec::new();
        };
        if ws.is_empty() {
            return Vec::new();
        }
        // The window: from a few words before the first found word, as many words as fit.
        let from = first.map_or(0, |f| f.saturating_sub(LEAD_WORDS));
        let start = ws[from].0;
        let mut end = ws[from].1;
        for &(_, b) in &ws[from..] {
            if text[start..b].chars().count() > SNIPPET_CHARS {
                break;
            }
            end = b;
        }
        let mut segments: Vec<Segment> = Vec::new();
        let push = |segments: &mut Vec<Segment>, text: &str, hit: bool| {
            if text.is_empty() {
                return;
            }
            match segments.last_mut() {
                Some(last) if !last.hit && !hit => last.text.push_str(text),
                _ => segments.push(Segment {
                    text: text.to_owned(),
                    hit,
                }),
            }
        };
        if start > 0 {
            push(&mut segments, "…", false);
        }
        let mut at = start;
        for &(a, b) in ws.iter().filter(|(a, b)| *a >= start && *b <= end) {
            if self.finds(&text[a..b]) {
                push(&mut segments, &text[at..a], false);
                push(&mut segments, &text[a..b], true);
                at = b;
            }
        }
        push(&mut segments, &text[at..end], false);
        if end < text.trim_end().len() {
            push(&mut segments, "…", false);
        }
        segments
    }
}

/// About how long a snippet is, in characters.
pub const SNIPPET_CHARS: usize = 200;

/// How many words a snippet shows before the first word found.
const LEAD_WORDS: usize = 6;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_words_take_their_arabic_forms() {
        let t = terms("دليل، الإدارة!");
        assert_eq!(t.0.len(), 2);
        assert!(t.0[0].contains(&"الدليل".to_owned()), "{t:?}");
        assert!(t.0[0].contains(&"بالدليل".to_owned()), "{t:?}");
        assert!(t.0[1].contains(&"اداره".to_owned()), "{t:?}");
        assert_eq!(terms("Solid, WASTE").tsquery(), "('solid') & ('waste')");
        assert_eq!(terms("a b").0.len(), 0, "single letters are dropped");
        assert_eq!(terms("2026").fts5(), "(\"2026\")");
        assert!(terms("!!").is_empty());
    }

    #[test]
    fn a_snippet_marks_the_words_found_as_written() {
        let t = terms("نظم المعلومات");
        let text = "تجربة بلدية الخليل في نظم المَعلومات الجغرافية لإدارة الخدمات";
        let s = t.snippet(&["", text]);
        let hits: Vec<&str> = s
            .iter()
            .filter(|g| g.hit)
            .map(|g| g.text.as_str())
            .collect();
        assert_eq!(hits, ["نظم", "المَعلومات"]);
        let whole: String = s.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(whole, text);
        // English: the stem finds the other forms; a long text is cut around the first hit.
        let long = format!(
            "{} the wasted water {}",
            "word ".repeat(80),
            "more ".repeat(80)
        );
        let s = terms("waste").snippet(&[&long]);
        assert!(
            s[0].text.starts_with('…') && s.last().is_some_and(|g| g.text.ends_with('…')),
            "{s:?}"
        );
        assert!(s.iter().any(|g| g.hit && g.text == "wasted"), "{s:?}");
        let chars: usize = s.iter().map(|g| g.text.chars().count()).sum();
        assert!(chars <= SNIPPET_CHARS + 2, "{chars}");
        // Nothing found in any text: the start of the first one.
        let s = terms("zzz").snippet(&["", "plain text"]);
        assert_eq!(
            s,
            vec![Segment {
                text: "plain text".into(),
                hit: false
            }]
        );
    }

    #[test]
    fn folds_diacritics_and_letter_variants() {
        assert_eq!(fold("الإدارة الماليّة"), fold("الاداره الماليه"));
        assert_eq!(fold("مُنَسِّق"), "منسق");
        assert_eq!(fold("مستشفى"), "مستشفي");
        assert_eq!(fold("  Hebron   MUNICIPALITY "), "hebron municipality");
    }

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(like_pattern("50%_a"), "%50\\%\\_a%");
        assert_eq!(names_pattern("رنا 5%"), "%| رنا 5\\%%");
    }
}
