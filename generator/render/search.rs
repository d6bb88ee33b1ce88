//! Search index for the site's own Japanese-capable search
//! (`themes/js/fixbook-search.js`).
//!
//! mdBook's search drops every non-ASCII character, so it finds no Japanese.
//! This renderer writes, at build time, a classic script
//! (`fixbook-search-index.js`, works from `file://`) that assigns
//! `window.fixbookSearchIndex`: one document per section of every page (page
//! URL and title, section anchor and title, text) and the guide's synonym
//! groups. The browser builds character-bigram postings from it on the first
//! search and checks every candidate by exact substring, see docs/search.md.
//!
//! Text is NFKC-normalised here (full-width ＡＢＣ → ABC, half-width ｶﾅ → カナ)
//! and kept in its original case so that snippets read well; both sides
//! lowercase it character by character (length-preserving) before matching.
//! Synonyms are stored folded (NFKC + lowercase).
//!
//! The documents are read back from the rendered pages rather than from the
//! model, so that the index holds exactly what readers see, with the same
//! anchors, and new templates are indexed without code here.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::{json, Value};
use unicode_normalization::UnicodeNormalization;

use super::{OutFile, Page, Strings};
use crate::check::Checked;

/// File name of the index in the site root.
pub const INDEX_FILE: &str = "fixbook-search-index.js";
/// File name of the interface words for the site's scripts.
pub const UI_FILE: &str = "fixbook-ui.js";

/// NFKC, then lowercase each character when that keeps its length, the same
/// fold as `fold()` in fixbook-search.js.
pub fn fold(s: &str) -> String {
    lower(&nfkc(s))
}

fn nfkc(s: &str) -> String {
    s.nfkc().collect()
}

fn lower(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut l = c.to_lowercase();
            match (l.next(), l.next()) {
                (Some(x), None) if x.len_utf16() == c.len_utf16() => x,
                _ => c,
            }
        })
        .collect()
}

/// One searchable section.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub page: usize,
    pub anchor: String,
    pub title: String,
    pub text: String,
}

/// Pages that only repeat other pages' words (a reader searching for 再起動
/// wants the fix, not thirty checklists that link to it).
fn indexed(path: &str) -> bool {
    let checklist = path.starts_with(super::troubleshoot::DIR) && !path.ends_with("/index.md");
    path != "SUMMARY.md" && !checklist
}

/// Pages (URL, title) and their sections.
pub fn documents(pages: &[Page]) -> (Vec<(String, String)>, Vec<Doc>) {
    let mut out_pages = Vec::new();
    let mut docs = Vec::new();
    for p in pages.iter().filter(|p| indexed(&p.path)) {
        let url = p.path.strip_suffix(".md").unwrap_or(&p.path).to_string() + ".html";
        let sections = sections(&p.content);
        let page_title = sections
            .first()
            .map(|s| s.title.clone())
            .unwrap_or_default();
        let page = out_pages.len();
        out_pages.push((url, nfkc(&page_title)));
        for (i, s) in sections.into_iter().enumerate() {
            let text = squeeze(&s.text);
            if text.is_empty() && i > 0 {
                continue;
            }
            docs.push(Doc {
                page,
                // The first section is the page itself.
                anchor: if i == 0 { String::new() } else { s.anchor },
                title: if i == 0 {
                    String::new()
                } else {
                    nfkc(&s.title)
                },
                text: nfkc(&text),
            });
        }
    }
    (out_pages, docs)
}

/// Collapse runs of white space to one space.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Debug, Default)]
struct Section {
    anchor: String,
    title: String,
    text: String,
}

/// Split one generated page (Markdown headings + HTML blocks) into sections:
/// a new one starts at every Markdown heading and at every HTML heading or
/// `<dt>` with an `id`.
fn sections(md: &str) -> Vec<Section> {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    opts.insert(Options::ENABLE_TABLES);
    let mut out: Vec<Section> = vec![Section::default()];
    let mut in_heading = false;
    let mut html = HtmlText::default();
    for ev in Parser::new_ext(md, opts) {
        match ev {
            Event::Start(Tag::Heading { id, .. }) => {
                out.push(Section {
                    anchor: id.map(|x| x.to_string()).unwrap_or_default(),
                    ..Section::default()
                });
                in_heading = true;
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(t) | Event::Code(t) => {
                let last = out.last_mut().expect("one section");
                if in_heading {
                    last.title.push_str(&t);
                } else {
                    last.text.push_str(&t);
                }
            }
            Event::Html(t) | Event::InlineHtml(t) => html.feed(&t, &mut out),
            Event::SoftBreak | Event::HardBreak => out.last_mut().expect("one").text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                out.last_mut().expect("one").text.push(' ')
            }
            _ => {}
        }
    }
    // A heading-less page keeps its first section; the page's own `# title`
    // becomes section 0 when the page starts with it.
    if out.len() > 1 && out[0].text.trim().is_empty() && out[0].title.is_empty() {
        out.remove(0);
    }
    for s in &mut out {
        s.title = squeeze(&s.title);
    }
    out
}

/// Text of HTML written by the templates, fed block by block.
#[derive(Debug, Default)]
struct HtmlText {
    /// Inside an element whose text is a section title (closing tag name).
    title_of: Option<String>,
}

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dt",
    "dd",
    "dl",
    "br",
    "tr",
    "td",
    "th",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "blockquote",
    "pre",
];

impl HtmlText {
    fn feed(&mut self, html: &str, out: &mut Vec<Section>) {
        let mut rest = html;
        while !rest.is_empty() {
            match rest.find('<') {
                Some(0) => {
                    let end = rest.find('>').map(|i| i + 1).unwrap_or(rest.len());
                    self.tag(&rest[..end], out);
                    rest = &rest[end..];
                }
                Some(i) => {
                    self.text(&rest[..i], out);
                    rest = &rest[i..];
                }
                None => {
                    self.text(rest, out);
                    rest = "";
                }
            }
        }
    }

    fn text(&mut self, raw: &str, out: &mut [Section]) {
        let t = decode_entities(raw);
        let last = out.last_mut().expect("one section");
        if self.title_of.is_some() {
            last.title.push_str(&t);
        } else {
            last.text.push_str(&t);
        }
    }

    fn tag(&mut self, tag: &str, out: &mut Vec<Section>) {
        let inner = tag.trim_start_matches('<').trim_end_matches('>');
        let closing = inner.starts_with('/');
        let inner = inner.trim_start_matches('/');
        let name: String = inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if closing {
            if self.title_of.as_deref() == Some(name.as_str()) {
                self.title_of = None;
            }
        } else {
            let titled = matches!(
                name.as_str(),
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "dt"
            );
            if let (true, Some(id)) = (titled, attr(inner, "id")) {
                out.push(Section {
                    anchor: id,
                    ..Section::default()
                });
                self.title_of = Some(name.clone());
            }
        }
        if BLOCKS.contains(&name.as_str()) {
            let last = out.last_mut().expect("one section");
            if self.title_of.is_some() {
                last.title.push(' ');
            } else {
                last.text.push(' ');
            }
        }
    }
}

/// The value of a (double-quoted) attribute of a start tag.
fn attr(tag: &str, name: &str) -> Option<String> {
    let pat = format!(" {name}=\"");
    let start = tag.find(&pat)? + pat.len();
    let end = tag[start..].find('"')? + start;
    Some(decode_entities(&tag[start..end]))
}

/// The entities `markdown::escape` and the templates write.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.bytes().take(12).position(|b| b == b';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Synonym groups, folded, without duplicates or one-word groups.
pub fn synonyms(c: &Checked) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for group in &c.meta().synonyms {
        let mut g: Vec<String> = Vec::new();
        for w in group {
            let f = squeeze(&fold(&w.value));
            if !f.is_empty() && !g.contains(&f) {
                g.push(f);
            }
        }
        if g.len() > 1 {
            out.push(g);
        }
    }
    out
}

/// The index as the value assigned to `window.fixbookSearchIndex`.
pub fn index_value(c: &Checked, pages: &[Page]) -> Value {
    let (pages, docs) = documents(pages);
    json!({
        "v": 1,
        "lang": c.meta().language.value,
        "synonyms": synonyms(c),
        "pages": pages.iter().map(|(u, t)| json!([u, t])).collect::<Vec<_>>(),
        "docs": docs.iter().map(|d| json!([d.page, d.anchor, d.title, d.text])).collect::<Vec<_>>(),
    })
}

fn script(global: &str, value: &Value) -> Vec<u8> {
    format!(
        "// Generated by fixbook: do not edit.\nwindow.{global} = {};\n",
        serde_json::to_string(value).expect("JSON of a Value")
    )
    .into_bytes()
}

/// The search index and the interface words of the site's scripts.
pub fn render(c: &Checked, pages: &[Page], strings: &Strings) -> Vec<OutFile> {
    let ui = json!({
        "lang": c.meta().language.value,
        "chrome": strings.rest.get("chrome"),
        "search": strings.rest.get("search"),
        "troubleshoot": strings.rest.get("troubleshoot"),
    });
    vec![
        OutFile {
            path: INDEX_FILE.into(),
            bytes: script("fixbookSearchIndex", &index_value(c, pages)),
        },
        OutFile {
            path: UI_FILE.into(),
            bytes: script("fixbookI18n", &ui),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_is_nfkc_and_lowercase() {
        assert_eq!(fold("ＤＮＳ"), "dns");
        assert_eq!(fold("ﾊﾟｽﾜｰﾄﾞ"), "パスワード");
        assert_eq!(fold("iCloud　Ｍａｉｌ"), "icloud mail");
        // Length-preserving: İ lowercases to two characters, so it is kept.
        assert_eq!(fold("İ").chars().count(), 1);
    }

    #[test]
    fn sections_from_headings_and_ids() {
        let md = "# ページ { #top }\n\n<p>本文 &amp; <strong>強調</strong></p>\n\n## 手順 { #steps }\n\n<ol><li>再起動&#42;</li></ol>\n<dl><dt id=\"dns\">DNS</dt>\n<dd>名前解決</dd></dl>\n";
        let s = sections(md);
        let got: Vec<(&str, &str, String)> = s
            .iter()
            .map(|x| (x.anchor.as_str(), x.title.as_str(), squeeze(&x.text)))
            .collect();
        assert_eq!(
            got,
            vec![
                ("top", "ページ", "本文 & 強調".to_string()),
                ("steps", "手順", "再起動*".to_string()),
                ("dns", "DNS", "名前解決".to_string()),
            ]
        );
    }

    #[test]
    fn entities() {
        assert_eq!(decode_entities("a&lt;b&#62;&#x41;&zz;&"), "a<b>A&zz;&");
        assert_eq!(decode_entities("&gt;「モバイル」&"), ">「モバイル」&");
    }
}
