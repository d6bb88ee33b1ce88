//! Print renderer: the print edition and the one-page checklists.
//!
//! - `print.html`: the whole guide as one self-contained HTML document (CSS
//!   inline, no script, nothing from the network) for A4 paper. It replaces
//!   mdBook's own print page, so the print button of every site page leads
//!   here (see docs/print.md).
//! - `checklists/<platform>.html`: one A4 page per platform (checks first,
//!   then the fixes in recommended order) and `checklists/all.html` with all
//!   of them, one per page.
//!
//! Markup and styles live in `themes/print/` (Tera: `*.html` is autoescaped,
//! `*.css` is not); this module only builds the data. Texts go through
//! [`Linker`] like the site's, but item links point at anchors inside the
//! print edition.

use std::path::Path;

use serde_json::{json, Value};
use tera::{Context, Tera};

use super::markdown::{Linker, Urls};
use super::views::{self, plain};
use super::{load_strings, tera_error, Indexed, OutFile, Strings};
use crate::check::{allowed_external, Checked};
use crate::model::{Likelihood, RiskLevel};

/// Where the print edition is written (mdBook's own print page is replaced).
pub const EDITION: &str = "print.html";
/// Folder of the checklists, relative to the site root.
pub const CHECKLISTS: &str = "checklists";

/// Longest summary sentence shown as a hint on a checklist line (characters).
const HINT_MAX: usize = 46;

/// Render the print edition and the checklists.
pub fn render_print(c: &Checked, themes: &Path) -> Result<Vec<OutFile>, String> {
    let c = &Indexed::new(c);
    let tera = load_print_templates(themes)?;
    let strings = load_strings(themes, &c.meta().language.value)?;
    let mut files = Vec::new();
    files.push(OutFile {
        path: EDITION.into(),
        bytes: edition(c, &tera, &strings)?.into_bytes(),
    });
    let lists: Vec<Value> = c
        .guide
        .platforms
        .iter()
        .map(|(_, p)| checklist(c, &p.id.value))
        .collect();
    for (list, (_, p)) in lists.iter().zip(&c.guide.platforms) {
        let html = render_checklists(c, &tera, &strings, std::slice::from_ref(list))?;
        files.push(OutFile {
            path: format!("{CHECKLISTS}/{}.html", p.id.value),
            bytes: html.into_bytes(),
        });
    }
    files.push(OutFile {
        path: format!("{CHECKLISTS}/all.html"),
        bytes: render_checklists(c, &tera, &strings, &lists)?.into_bytes(),
    });
    Ok(files)
}

/// Templates and styles of `themes/print/`.
fn load_print_templates(themes: &Path) -> Result<Tera, String> {
    let dir = themes.join("print");
    let mut files = Vec::new();
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.ends_with(".html") || name.ends_with(".css") {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read template {}: {e}", path.display()))?;
            files.push((name, text));
        }
    }
    let mut tera = Tera::default();
    tera.add_raw_templates(files)
        .map_err(|e| format!("template error in {}: {}", dir.display(), tera_error(&e)))?;
    // Tera's default: `*.html` is autoescaped, `*.css` is not.
    Ok(tera)
}

fn render(tera: &Tera, template: &str, ctx: &Context) -> Result<String, String> {
    tera.render(template, ctx)
        .map_err(|e| format!("rendering template print/{template}: {}", tera_error(&e)))
}

/// A string for a CSS `content: "..."` value: everything that could end the
/// string, the rule or the `<style>` element is written as a CSS escape.
pub fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '"' | '\'' | '\\' | '<' | '>' | '&' | '{' | '}' => {
                out.push_str(&format!("\\{:x} ", ch as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\{:x} ", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Item links of the print edition: anchors inside the document.
fn print_urls(c: &Indexed) -> Urls {
    let g = &c.guide;
    let mut u = Urls::default();
    let mut add = |scheme: &str, id: &str| u.insert(scheme, id, format!("#{scheme}-{id}"));
    for (_, x) in &g.platforms {
        add("platform", &x.id.value);
    }
    for (_, x) in &g.causes {
        add("cause", &x.id.value);
    }
    for (_, x) in &g.fixes {
        add("fix", &x.id.value);
    }
    for (_, x) in &g.checks {
        add("check", &x.id.value);
    }
    for (_, x) in &g.symptoms {
        add("symptom", &x.id.value);
    }
    for (_, x) in g.nothing_works.iter().chain(&g.prevention) {
        add("topic", &x.id.value);
    }
    for (_, x) in &g.outdated {
        add("outdated", &x.id.value);
    }
    for (_, x) in &g.glossary {
        add("glossary", &x.id.value);
    }
    u
}

/// The guide's web address for a platform page, when the guide has one.
fn platform_url(c: &Indexed, platform: &str) -> Option<String> {
    let base = c.meta().url.as_ref()?.value.trim().to_string();
    if !allowed_external(&base) {
        return None;
    }
    Some(format!("{}/{platform}/", base.trim_end_matches('/')))
}

fn site_url(c: &Indexed) -> Option<String> {
    let base = c.meta().url.as_ref()?.value.trim().to_string();
    allowed_external(&base).then_some(base)
}

fn field(v: &Value, key: &str) -> Value {
    v.get(key).cloned().unwrap_or(Value::Null)
}

fn edition(c: &Indexed, tera: &Tera, strings: &Strings) -> Result<String, String> {
    let g = &c.guide;
    let urls = print_urls(c);
    let l = Linker::new(&urls, EDITION);
    let m = c.meta();
    let n = &strings.nav;

    let platforms: Vec<Value> = g
        .platforms
        .iter()
        .map(|(_, p)| {
            let mut v = views::platform(c, p, &l);
            v["fix_pages"] = Value::Array(
                c.fixes_for(&p.id.value)
                    .map(|(i, _)| views::fix_page(c, i, &l))
                    .collect(),
            );
            v["plain_name"] = Value::String(plain(&p.name.value));
            v
        })
        .collect();

    let mut cause_order: Vec<(Likelihood, usize)> = g
        .causes
        .iter()
        .enumerate()
        .map(|(i, (_, x))| (x.likelihood, i))
        .collect();
    cause_order.sort();
    let causes: Vec<Value> = cause_order
        .iter()
        .map(|(_, i)| views::cause_page(c, *i, &l))
        .collect();

    // Chapters in reading order: anchor, title (plain text) and entries.
    let entry = |scheme: &str, id: &str, title: &str| json!({ "id": format!("{scheme}-{id}"), "title": plain(title) });
    let mut chapters = vec![
        json!({ "id": "start", "title": n.start, "entries": [] }),
        json!({ "id": "checks", "title": n.checks,
            "entries": g.checks.iter().map(|(_, x)| entry("check", &x.id.value, &x.title.value)).collect::<Vec<_>>() }),
        json!({ "id": "messages", "title": n.messages, "entries": [] }),
    ];
    for (_, p) in &g.platforms {
        chapters.push(json!({
            "id": format!("platform-{}", p.id.value),
            "title": plain(&p.name.value),
            "entries": c.fixes_for(&p.id.value).map(|(_, f)| entry("fix", &f.id.value, &f.title.value)).collect::<Vec<_>>(),
        }));
    }
    for (id, title) in [
        ("causes", &n.causes),
        ("nothing-works", &n.nothing_works),
        ("prevention", &n.prevention),
        ("coverage", &n.coverage),
        ("glossary", &n.glossary),
        ("outdated", &n.outdated),
    ] {
        chapters.push(json!({ "id": id, "title": title, "entries": [] }));
    }
    for (i, ch) in chapters.iter_mut().enumerate() {
        ch["number"] = json!(i + 1);
        let label = format!("{}. {}", i + 1, ch["title"].as_str().unwrap_or(""));
        ch["label_css"] = Value::String(css_string(&label));
    }

    let by_id = |id: &str| {
        chapters
            .iter()
            .find(|ch| ch["id"] == id)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let ch: serde_json::Map<String, Value> = chapters
        .iter()
        .filter_map(|c| Some((c["id"].as_str()?.replace('-', "_"), c.clone())))
        .collect();
    let platforms: Vec<Value> = platforms
        .into_iter()
        .map(|mut p| {
            p["ch"] = by_id(&format!("platform-{}", p["id"].as_str().unwrap_or("")));
            p
        })
        .collect();

    let title = plain(&m.title.value);
    let mut css_ctx = Context::new();
    css_ctx.insert("title_css", &css_string(&title));
    css_ctx.insert("chapters", &chapters);
    let css = render(tera, "print.css", &css_ctx)?;

    let start = views::start(c, &l, strings);
    let page = json!({
        "lang": m.language.value,
        "title_text": title,
        "title": field(&start, "title"),
        "description": m.description.value,
        "reviewed": m.reviewed.value,
        "url": site_url(c),
        "intro": field(&start, "intro"),
        "how_to_use": field(&start, "how_to_use"),
        "chapters": chapters,
        "checks": field(&views::checks(c, &l), "checks"),
        "symptoms": field(&views::messages(c, &l), "symptoms"),
        "platforms": platforms,
        "causes": causes,
        "topic_chapters": [
            { "ch": by_id("nothing-works"), "topics": field(&views::topics(&g.nothing_works, &n.nothing_works, &l), "topics") },
            { "ch": by_id("prevention"), "topics": field(&views::topics(&g.prevention, &n.prevention, &l), "topics") },
        ],
        "ch": ch,
        "coverage": views::coverage(c, &l),
        "glossary": field(&views::glossary(c, &l), "entries"),
        "outdated": field(&views::outdated(c, &l), "items"),
        "checklists": format!("{CHECKLISTS}/all.html"),
    });
    let mut ctx = Context::new();
    ctx.insert("t", strings);
    ctx.insert("page", &page);
    ctx.insert("css", &css);
    render(tera, "print.html", &ctx)
}

/// The first sentence of a summary, when it is short enough for one line.
fn hint(summary: Option<&crate::model::Str>) -> Option<String> {
    let text = plain(&summary?.value);
    let end = text
        .find('。')
        .map(|i| i + '。'.len_utf8())
        .unwrap_or(text.len());
    let first = text[..end].trim();
    (!first.is_empty() && first.chars().count() <= HINT_MAX).then(|| first.to_string())
}

fn kebab_risk(r: RiskLevel) -> &'static str {
    match r {
        RiskLevel::None => "none",
        RiskLevel::Low => "low",
        RiskLevel::Medium => "medium",
        RiskLevel::High => "high",
    }
}

/// Data of one platform's checklist (plain strings: the template escapes).
fn checklist(c: &Indexed, platform: &str) -> Value {
    let g = &c.guide;
    let p = &g.platforms[c.platform_index(platform).unwrap_or(0)].1;
    let checks: Vec<Value> = g
        .checks
        .iter()
        .map(|(_, x)| {
            json!({
                "title": plain(&x.title.value),
                "hint": hint(x.summary.as_ref()),
                "minutes": x.minutes.value,
                "risk": "none",
                "data_loss": false,
            })
        })
        .collect();
    let fixes: Vec<Value> = c
        .fixes_for(platform)
        .map(|(_, f)| {
            json!({
                "title": plain(&f.title.value),
                "hint": hint(f.summary.as_ref()),
                "minutes": f.minutes.value,
                "risk": kebab_risk(f.risk.level),
                "data_loss": f.risk.data_loss,
                "warned": f.risk.level >= RiskLevel::Medium
                    || f.risk.data_loss
                    || f.steps.iter().any(|s| s.warning.is_some()),
            })
        })
        .collect();
    json!({
        "id": p.id.value,
        "name": plain(&p.name.value),
        "checks": checks,
        "fixes": fixes,
        "url": platform_url(c, platform),
    })
}

fn render_checklists(
    c: &Indexed,
    tera: &Tera,
    strings: &Strings,
    lists: &[Value],
) -> Result<String, String> {
    let m = c.meta();
    let title = plain(&m.title.value);
    let mut css_ctx = Context::new();
    css_ctx.insert("title_css", &css_string(&title));
    let css = render(tera, "checklist.css", &css_ctx)?;
    let mut ctx = Context::new();
    ctx.insert("t", strings);
    ctx.insert(
        "page",
        &json!({
            "lang": m.language.value,
            "title": title,
            "reviewed": m.reviewed.value,
            "lists": lists,
            "all": lists.len() > 1,
        }),
    );
    ctx.insert("css", &css);
    render(tera, "checklist.html", &ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_strings_cannot_escape() {
        assert_eq!(css_string("a\"b"), "a\\22 b");
        assert_eq!(css_string("</style>"), "\\3c /style\\3e ");
        assert_eq!(css_string("題名"), "題名");
    }
}
