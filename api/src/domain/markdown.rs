//! Markdown as people write it in discussions, rendered to HTML that is safe to show: CommonMark
//! with tables and strikethrough (`pulldown-cmark`), then cleaned by `ammonia` (an allow-list
//! sanitizer: no scripts, no event handlers, no `javascript:` links, no styles), each link
//! opening without access to the page that opened it and marked `nofollow`. The HTML is written
//! once, when the text is, and shown as stored.

use pulldown_cmark::{Options, Parser, html};

/// The HTML of `markdown`, sanitized.
pub fn render(markdown: &str) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow ugc"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(&raw)
        .to_string()
}

/// The language a text is mostly written in: Arabic when it has more Arabic letters than Latin
/// ones.
pub fn language_of(text: &str) -> &'static str {
    let (mut arabic, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        if ('\u{0600}'..='\u{06FF}').contains(&c) || ('\u{0750}'..='\u{077F}').contains(&c) {
            arabic += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    if arabic >= latin { "ar" } else { "en" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered_and_what_could_run_is_removed() {
        let html =
            render("**رسوم** النفايات\n\n- أولًا\n- ثانيًا\n\n[الدليل](https://example.org/guide)");
        assert!(html.contains("<strong>رسوم</strong>"), "{html}");
        assert!(html.contains("<li>أولًا</li>"), "{html}");
        assert!(
            html.contains(r#"href="https://example.org/guide""#)
                && html.contains(r#"rel="noopener noreferrer nofollow ugc""#),
            "{html}"
        );
        for hostile in [
            "<script>alert(1)</script>hi",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<p style=\"position:fixed\">x</p>",
            "<svg><script>alert(1)</script></svg>",
        ] {
            let html = render(hostile);
            let lower = html.to_lowercase();
            for bad in [
                "<script",
                "onerror",
                "javascript:",
                "<iframe",
                "style=",
                "<svg",
            ] {
                assert!(!lower.contains(bad), "{hostile} → {html}");
            }
        }
        assert_eq!(render("  \n"), "");
    }

    #[test]
    fn the_language_is_the_script_most_used() {
        assert_eq!(language_of("كيف جمعتم رسوم النفايات؟ GIS"), "ar");
        assert_eq!(language_of("How did you collect the fees? شكرا"), "en");
    }
}
