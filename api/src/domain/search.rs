//! Folding text for search: Arabic diacritics and tatweel removed, letter variants unified
//! (أ/إ/آ/ٱ → ا, ى → ي, ة → ه, ؤ → و, ئ → ي), Latin lower-cased, whitespace collapsed. The same
//! folding is applied to stored text and to queries, so search behaves alike on SQLite and
//! PostgreSQL with a plain `LIKE`.

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

/// The folded search text of a platform.
pub fn platform_search_text(name: (&str, &str), description: (&str, &str)) -> String {
    fold_all([name.0, name.1, description.0, description.1])
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
