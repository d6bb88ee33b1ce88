//! Guide text (Markdown) → safe HTML fragments.
//!
//! Policy for text written by authors:
//! - raw HTML is shown as text, never passed through;
//! - links go only to guide items (`cause:id`, ...), `https://`, `http://`
//!   or `mailto:`; anything else (`javascript:`, `data:`, ...) loses its link;
//! - images are not rendered (only their alt text);
//! - text is escaped so that nothing in it is read as HTML *or* as Markdown
//!   again when the fragment is placed in a generated Markdown page;
//! - the fragment never contains a blank line, so it stays one HTML block.

use std::collections::HashMap;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::check::{allowed_external, item_link};

/// Maps item links (`cause:id`) to URLs relative to the site root.
#[derive(Debug, Default, Clone)]
pub struct Urls {
    map: HashMap<String, String>,
}

impl Urls {
    pub fn insert(&mut self, scheme: &str, id: &str, url: String) {
        self.map.insert(format!("{scheme}:{id}"), url);
    }
    pub fn get(&self, scheme: &str, id: &str) -> Option<&str> {
        self.map.get(&format!("{scheme}:{id}")).map(String::as_str)
    }
}

/// Renders text for one page: links are made relative to the page.
pub struct Linker<'a> {
    pub urls: &'a Urls,
    /// `../` repeated once per directory level of the page.
    pub to_root: String,
}

impl<'a> Linker<'a> {
    pub fn new(urls: &'a Urls, page_path: &str) -> Self {
        let depth = page_path.matches('/').count();
        Linker {
            urls,
            to_root: "../".repeat(depth),
        }
    }

    /// URL of an item, relative to this page.
    pub fn item(&self, scheme: &str, id: &str) -> String {
        match self.urls.get(scheme, id) {
            Some(u) => format!("{}{}", self.to_root, u),
            None => String::from("#"),
        }
    }

    /// A root-relative path made relative to this page.
    pub fn path(&self, root_relative: &str) -> String {
        format!("{}{}", self.to_root, root_relative)
    }

    /// Block Markdown (paragraphs, lists) to HTML.
    pub fn block(&self, md: &str) -> String {
        to_html(md, self, false)
    }

    /// One line of Markdown to inline HTML (no `<p>` around it).
    pub fn inline(&self, md: &str) -> String {
        to_html(md, self, true)
    }
}

/// Escape text for HTML and for a Markdown parser that may read it again.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '|' | '!' | '{' | '}' | '$' => {
                out.push_str(&format!("&#{};", c as u32))
            }
            _ => out.push(c),
        }
    }
    out
}

/// Escape an attribute value (URLs): also safe for Markdown.
fn escape_attr(s: &str) -> String {
    escape(s)
}

fn is_cjk(c: char) -> bool {
    !c.is_ascii() && !c.is_whitespace()
}

fn to_html(md: &str, linker: &Linker, inline: bool) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_TABLES);
    let events: Vec<Event> = Parser::new_ext(md, opts).collect();
    let mut out = String::with_capacity(md.len() * 2);
    let mut in_code_block = false;
    let mut link_stack: Vec<bool> = Vec::new();
    let mut image_depth = 0usize;
    for (i, ev) in events.iter().enumerate() {
        match ev {
            Event::Text(t) => {
                let e = escape(t);
                if in_code_block {
                    out.push_str(&e.replace('\n', "&#10;"));
                } else {
                    out.push_str(&e);
                }
            }
            Event::Code(t) => {
                out.push_str("<code>");
                out.push_str(&escape(t));
                out.push_str("</code>");
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                if image_depth == 0 {
                    out.push_str(&escape(t).replace('\n', " "));
                }
            }
            Event::SoftBreak => {
                // Japanese has no spaces between words: a line break inside a
                // paragraph must not become one.
                let prev = prev_char(&events[..i]);
                let next = next_char(&events[i + 1..]);
                if !(prev.is_some_and(is_cjk) || next.is_some_and(is_cjk)) {
                    out.push(' ');
                }
            }
            Event::HardBreak => out.push_str("<br>"),
            Event::Rule => out.push_str("<hr>"),
            Event::FootnoteReference(t) => out.push_str(&escape(t)),
            Event::TaskListMarker(done) => out.push_str(if *done { "☑ " } else { "☐ " }),
            Event::InlineMath(t) | Event::DisplayMath(t) => out.push_str(&escape(t)),
            Event::Start(tag) => match tag {
                Tag::Paragraph if !inline => out.push_str("<p>"),
                Tag::Heading { level, .. } => out.push_str(&format!("<{}>", heading_tag(*level))),
                Tag::BlockQuote(_) => out.push_str("<blockquote>"),
                Tag::CodeBlock(kind) => {
                    in_code_block = true;
                    let _ = matches!(kind, CodeBlockKind::Fenced(_));
                    out.push_str("<pre><code>");
                }
                Tag::List(Some(start)) if *start != 1 => {
                    out.push_str(&format!("<ol start=\"{start}\">"))
                }
                Tag::List(Some(_)) => out.push_str("<ol>"),
                Tag::List(None) => out.push_str("<ul>"),
                Tag::Item => out.push_str("<li>"),
                Tag::Emphasis => out.push_str("<em>"),
                Tag::Strong => out.push_str("<strong>"),
                Tag::Strikethrough => out.push_str("<del>"),
                Tag::Link {
                    dest_url,
                    link_type,
                    ..
                } => {
                    let (href, external) = resolve(dest_url, linker);
                    link_stack.push(href.is_some());
                    if let Some(h) = href {
                        // `<https://...>` shows its address already: the print
                        // edition must not print it a second time.
                        if external && matches!(link_type, LinkType::Autolink | LinkType::Email) {
                            out.push_str(&format!(
                                "<a class=\"external autolink\" href=\"{}\">",
                                escape_attr(&h)
                            ));
                        } else if external {
                            out.push_str(&format!(
                                "<a class=\"external\" href=\"{}\">",
                                escape_attr(&h)
                            ));
                        } else {
                            out.push_str(&format!("<a href=\"{}\">", escape_attr(&h)));
                        }
                    }
                }
                Tag::Image { .. } => image_depth += 1,
                Tag::Table(_) => out.push_str("<table>"),
                Tag::TableHead => out.push_str("<thead><tr>"),
                Tag::TableRow => out.push_str("<tr>"),
                Tag::TableCell => out.push_str("<td>"),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => {
                    if !inline {
                        out.push_str("</p>\n")
                    } else if next_is_paragraph(&events[i + 1..]) {
                        out.push_str("<br>");
                    }
                }
                TagEnd::Heading(level) => out.push_str(&format!("</{}>\n", heading_tag(*level))),
                TagEnd::BlockQuote(_) => out.push_str("</blockquote>\n"),
                TagEnd::CodeBlock => {
                    in_code_block = false;
                    out.push_str("</code></pre>\n");
                }
                TagEnd::List(true) => out.push_str("</ol>\n"),
                TagEnd::List(false) => out.push_str("</ul>\n"),
                TagEnd::Item => out.push_str("</li>\n"),
                TagEnd::Emphasis => out.push_str("</em>"),
                TagEnd::Strong => out.push_str("</strong>"),
                TagEnd::Strikethrough => out.push_str("</del>"),
                TagEnd::Link if link_stack.pop().unwrap_or(false) => out.push_str("</a>"),
                TagEnd::Image => image_depth = image_depth.saturating_sub(1),
                TagEnd::Table => out.push_str("</table>\n"),
                TagEnd::TableHead => out.push_str("</tr></thead>\n"),
                TagEnd::TableRow => out.push_str("</tr>\n"),
                TagEnd::TableCell => out.push_str("</td>"),
                _ => {}
            },
        }
    }
    let trimmed = out.trim_end();
    // One HTML block: no blank lines.
    let mut result = String::with_capacity(trimmed.len());
    for line in trimmed.lines() {
        if !line.trim().is_empty() {
            if !result.is_empty() {
                result.push('\n');
            }
            result.push_str(line);
        }
    }
    result
}

fn heading_tag(level: pulldown_cmark::HeadingLevel) -> &'static str {
    use pulldown_cmark::HeadingLevel::*;
    // Author headings sit under the page's own headings.
    match level {
        H1 | H2 | H3 => "h4",
        H4 => "h5",
        _ => "h6",
    }
}

fn resolve(dest: &CowStr, linker: &Linker) -> (Option<String>, bool) {
    if let Some((scheme, id)) = item_link(dest) {
        match linker.urls.get(scheme, id) {
            Some(_) => (Some(linker.item(scheme, id)), false),
            None => (None, false),
        }
    } else if allowed_external(dest) {
        (Some(dest.trim().to_string()), true)
    } else {
        (None, false)
    }
}

fn prev_char(events: &[Event]) -> Option<char> {
    events.iter().rev().find_map(|e| match e {
        Event::Text(t) | Event::Code(t) => t.chars().last(),
        _ => None,
    })
}

fn next_char(events: &[Event]) -> Option<char> {
    events.iter().find_map(|e| match e {
        Event::Text(t) | Event::Code(t) => t.chars().next(),
        _ => None,
    })
}

fn next_is_paragraph(events: &[Event]) -> bool {
    matches!(events.first(), Some(Event::Start(Tag::Paragraph)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls() -> Urls {
        let mut u = Urls::default();
        u.insert("cause", "dns", "causes/dns.html".into());
        u
    }

    #[test]
    fn links_are_relative_to_the_page() {
        let u = urls();
        let l = Linker::new(&u, "mac/restart.md");
        assert_eq!(
            l.inline("[DNS](cause:dns)"),
            "<a href=\"../causes/dns.html\">DNS</a>"
        );
        let l = Linker::new(&u, "index.md");
        assert_eq!(
            l.inline("[DNS](cause:dns)"),
            "<a href=\"causes/dns.html\">DNS</a>"
        );
    }

    #[test]
    fn raw_html_and_bad_links_are_neutralised() {
        let u = urls();
        let l = Linker::new(&u, "index.md");
        let h = l.block("<script>alert(1)</script>\n\n[x](javascript:alert(1)) ![i](data:x)");
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("javascript:alert"), "{h}");
        assert!(!h.contains("<img"), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
    }

    #[test]
    fn external_links_are_marked() {
        let u = urls();
        let l = Linker::new(&u, "index.md");
        assert_eq!(
            l.inline("[Apple](https://support.apple.com/ja-jp/102640)"),
            "<a class=\"external\" href=\"https://support.apple.com/ja-jp/102640\">Apple</a>"
        );
    }

    #[test]
    fn no_blank_lines_and_no_markdown_left() {
        let u = urls();
        let l = Linker::new(&u, "index.md");
        let h = l.block("一つ目\n\n二つ目\n\n```\na\n\nb\n```\n\n\\*星\\*");
        assert!(!h.contains("\n\n"), "{h}");
        assert!(h.contains("&#42;星&#42;"), "{h}");
    }

    #[test]
    fn japanese_soft_breaks_add_no_space() {
        let u = urls();
        let l = Linker::new(&u, "index.md");
        assert_eq!(l.inline("設定を\n開きます"), "設定を開きます");
        assert_eq!(l.inline("open\nthe app"), "open the app");
    }
}
