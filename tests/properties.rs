//! Property tests (proptest): the loader and checker never panic on any
//! bytes, any text in any field never puts markup into the output, and the
//! helpers (`is_slug`, `slugify`, `escape`, `Linker`) keep their promises.
//! Case counts are small so that the suite stays fast; the fuzz target in
//! `fuzz/` explores the same ground for much longer.

mod common;

use proptest::prelude::*;

use fixbook::check::{check, is_slug, slugify};
use fixbook::diag::render_plain;
use fixbook::load::{load_bytes, Loaded};
use fixbook::render::markdown::{escape, Linker, Urls};

const GUIDE: &str = include_str!("fixtures/mini/guide-src/guide.yaml");
const ITEMS: &str = include_str!("fixtures/mini/guide-src/items.yaml");

/// Load files given as (name, bytes), check, print the diagnostics; assert
/// that every located diagnostic points inside its file.
fn load_and_check(files: &[(&str, &[u8])]) -> fixbook::check::Outcome {
    let mut loaded = Loaded::default();
    for (name, bytes) in files {
        load_bytes(&mut loaded, format!("guide-src/{name}"), bytes);
    }
    let outcome = check(loaded);
    for d in &outcome.diagnostics {
        if let Some(l) = d.loc {
            let text = &outcome.sources.files[l.file].text;
            assert!(l.offset <= text.len(), "{d:?}");
            assert!(l.line >= 1 && l.col >= 1, "{d:?}");
        }
    }
    let _ = render_plain(&outcome.sources, &outcome.diagnostics);
    outcome
}

/// YAML-ish text: pieces of YAML syntax and of the guide's format, glued
/// with arbitrary characters.
fn yamlish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just("causes:\n".to_string()),
        Just("fixes:\n".to_string()),
        Just("glossary:\n".to_string()),
        Just("  - id: x\n".to_string()),
        Just("    title: t\n".to_string()),
        Just("    term: t\n    definition: d\n".to_string()),
        Just("    next: [phone-reset]\n".to_string()),
        Just("- ".to_string()),
        Just(": ".to_string()),
        Just("\n".to_string()),
        Just("  ".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("|\n".to_string()),
        Just("---\n".to_string()),
        Just("# c\n".to_string()),
        Just("\t".to_string()),
        Just("\u{feff}".to_string()),
        Just("!!str ".to_string()),
        Just("? ".to_string()),
        "\\PC{0,12}",
    ];
    (
        prop::collection::vec(piece, 0..40),
        prop::collection::vec(any::<u8>(), 0..4),
    )
        .prop_map(|(pieces, noise)| {
            let mut b = pieces.concat().into_bytes();
            // A few raw bytes (maybe invalid UTF-8) somewhere in the middle.
            let at = b.len() / 2;
            b.splice(at..at, noise);
            b
        })
}

/// A YAML double-quoted scalar holding any string.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text with many characters that mean something in HTML, Markdown, YAML
/// or templates.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<script>".to_string()),
        Just("</script>".to_string()),
        Just("<".to_string()),
        Just(">".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("&".to_string()),
        Just("&lt;".to_string()),
        Just("`".to_string()),
        Just("*".to_string()),
        Just("[a](https://x/\"y)".to_string()),
        Just("[a](cause:offline)".to_string()),
        Just("<https://x>".to_string()),
        Just("{{ x }}".to_string()),
        Just("{%".to_string()),
        Just("\n\n".to_string()),
        Just("\n- ".to_string()),
        Just("# ".to_string()),
        Just("|".to_string()),
        Just("\\".to_string()),
        Just("設定".to_string()),
        "\\PC{0,8}",
    ];
    prop::collection::vec(piece, 1..20).prop_map(|v| v.concat())
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

/// Every page and file rendered from a checked guide, as text.
fn rendered_text(outcome: fixbook::check::Outcome) -> Option<Vec<(String, String)>> {
    let checked = outcome.checked?;
    let themes = common::repo().join("themes");
    let r = fixbook::render::render_all(&checked, &themes).expect("render");
    let mut out: Vec<(String, String)> = r.pages.into_iter().map(|p| (p.path, p.content)).collect();
    out.extend(
        r.files
            .into_iter()
            .map(|f| (f.path, String::from_utf8_lossy(&f.bytes).into_owned())),
    );
    Some(out)
}

fn with_text(s: &str) -> String {
    let q = quoted(s);
    ITEMS
        .replace(
            "title: インターネットにつながっていない",
            &format!("title: {q}"),
        )
        .replace(
            "message: サーバへの接続中にエラーが起きました",
            &format!("message: {q}"),
        )
        .replace("text: Caps Lock を確認します。", &format!("text: {q}"))
        .replace("path: [設定, 一般]", &format!("path: [{q}, 一般]"))
        .replace(
            "definition: 名前を住所に変える仕組みです。",
            &format!("definition: {q}"),
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_the_loader(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        load_and_check(&[("guide.yaml", GUIDE.as_bytes()), ("x.yaml", &bytes)]);
    }

    #[test]
    fn yamlish_text_never_panics_the_loader_or_checker(bytes in yamlish()) {
        load_and_check(&[("guide.yaml", GUIDE.as_bytes()), ("items.yaml", ITEMS.as_bytes()), ("x.yaml", &bytes)]);
    }

    #[test]
    fn slugify_gives_a_slug_or_nothing(s in "\\PC{0,80}") {
        let slug = slugify(&s);
        prop_assert!(slug.is_empty() || is_slug(&slug), "{s:?} -> {slug:?}");
    }

    #[test]
    fn slugs_are_lowercase_ascii_words(s in "\\PC{0,70}") {
        if is_slug(&s) {
            prop_assert!(s.len() <= 64);
            prop_assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            prop_assert!(!s.starts_with('-') && !s.ends_with('-') && !s.contains("--"));
            prop_assert_eq!(s.to_lowercase(), s.clone());
        }
    }

    #[test]
    fn escape_leaves_no_markup(s in "\\PC{0,60}") {
        let e = escape(&s);
        for c in ['<', '>', '"', '\'', '`', '*', '[', ']', '{', '}'] {
            prop_assert!(!e.contains(c), "{s:?} -> {e:?}");
        }
    }

    #[test]
    fn linker_output_has_only_its_own_tags(s in hostile_text()) {
        let mut urls = Urls::default();
        urls.insert("cause", "offline", "causes/offline.html".into());
        let l = Linker::new(&urls, "mac/x.md");
        const ALLOWED: &[&str] = &[
            "a", "p", "br", "hr", "em", "strong", "del", "code", "pre", "ul", "ol", "li",
            "blockquote", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "td", "th",
        ];
        for html in [l.block(&s), l.inline(&s)] {
            for tag in html.split('<').skip(1) {
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                prop_assert!(ALLOWED.contains(&name.as_str()), "tag <{name}> from {s:?}: {html}");
            }
            for href in html.split("href=\"").skip(1) {
                prop_assert!(
                    href.starts_with("https://") || href.starts_with("http://")
                        || href.starts_with("mailto:") || href.starts_with("../causes/"),
                    "href {href:?} from {s:?}"
                );
            }
        }
    }
}

proptest! {
    // Rendering the whole guide costs more: fewer cases.
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn any_text_in_fields_never_adds_markup_to_the_output(s in hostile_text()) {
        static BASE: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
        let base = BASE.get_or_init(|| {
            rendered_text(load_and_check(&[("guide.yaml", GUIDE.as_bytes()), ("items.yaml", ITEMS.as_bytes())]))
                .expect("the mini guide renders")
        });
        let items = with_text(&s);
        let outcome = load_and_check(&[("guide.yaml", GUIDE.as_bytes()), ("items.yaml", items.as_bytes())]);
        if let Some(out) = rendered_text(outcome) {
            for (path, text) in &out {
                if path.ends_with(".js") {
                    // Data scripts hold the text as JSON strings (the search
                    // page inserts it escaped): it must stay valid JSON.
                    if let Some(json) = text
                        .split_once(" = ")
                        .filter(|_| text.starts_with("// Generated by fixbook"))
                        .map(|(_, j)| j.trim_end().trim_end_matches(';'))
                    {
                        prop_assert!(
                            serde_json::from_str::<serde_json::Value>(json).is_ok(),
                            "{path} is not `window.x = <JSON>;` with text {s:?}"
                        );
                        continue;
                    }
                }
                let before = base.iter().find(|(p, _)| p == path).map_or("", |(_, t)| t.as_str());
                for tag in ["<script", "<img", "<svg", "<iframe", "javascript:"] {
                    prop_assert!(
                        count(text, tag) <= count(before, tag),
                        "{path}: more {tag} than in the plain guide, with text {s:?}"
                    );
                }
            }
        }
    }
}
