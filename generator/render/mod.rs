//! Renderers: the checked guide → files. `render_site` produces the mdBook
//! source (Markdown chapters and `SUMMARY.md`) from the Tera templates in
//! `themes/templates/`, with the interface words of `themes/i18n/<lang>.toml`.

pub mod markdown;
pub mod print;
pub mod search;
pub mod troubleshoot;
mod views;

use std::path::Path;

use serde::Serialize;
use tera::{Context, Tera};

use crate::check::{Checked, Cover};
use markdown::{Linker, Urls};
pub use views::Strings;

/// One generated file of the mdBook source, path relative to `src/`.
#[derive(Debug, Clone)]
pub struct Page {
    pub path: String,
    pub content: String,
}

/// A file written into the finished site next to mdBook's output (print
/// edition, checklists, search index...), path relative to the site root.
#[derive(Debug, Clone)]
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Everything the renderers produce.
#[derive(Debug, Default)]
pub struct Rendered {
    /// mdBook source: chapters and `SUMMARY.md`.
    pub pages: Vec<Page>,
    /// Files added to the site after mdBook has built it.
    pub files: Vec<OutFile>,
}

/// Run every renderer.
pub fn render_all(c: &Checked, themes: &Path) -> Result<Rendered, String> {
    let pages = render_site(c, themes)?;
    let mut files = Vec::new();
    files.extend(print::render_print(c, themes)?);
    let strings = load_strings(themes, &c.meta().language.value)?;
    files.extend(search::render(c, &pages, &strings));
    Ok(Rendered { pages, files })
}

/// Where each item lives in the site (root-relative `.html` URLs).
pub fn urls(c: &Checked) -> Urls {
    let g = &c.guide;
    let mut u = Urls::default();
    for (_, p) in &g.platforms {
        u.insert(
            "platform",
            &p.id.value,
            format!("{}/index.html", p.id.value),
        );
    }
    for (_, x) in &g.causes {
        u.insert("cause", &x.id.value, format!("causes/{}.html", x.id.value));
    }
    for (_, x) in &g.fixes {
        u.insert(
            "fix",
            &x.id.value,
            format!("{}/{}.html", x.platform.value, x.id.value),
        );
    }
    for (_, x) in &g.checks {
        u.insert("check", &x.id.value, format!("checks.html#{}", x.id.value));
    }
    for (_, x) in &g.symptoms {
        u.insert(
            "symptom",
            &x.id.value,
            format!("messages.html#{}", x.id.value),
        );
    }
    for (_, x) in &g.nothing_works {
        u.insert(
            "topic",
            &x.id.value,
            format!("nothing-works.html#{}", x.id.value),
        );
    }
    for (_, x) in &g.prevention {
        u.insert(
            "topic",
            &x.id.value,
            format!("prevention.html#{}", x.id.value),
        );
    }
    for (_, x) in &g.outdated {
        u.insert(
            "outdated",
            &x.id.value,
            format!("outdated.html#{}", x.id.value),
        );
    }
    for (_, x) in &g.glossary {
        u.insert(
            "glossary",
            &x.id.value,
            format!("glossary.html#{}", x.id.value),
        );
    }
    u
}

/// Load every template of `themes/templates/` once.
pub fn load_templates(themes: &Path) -> Result<Tera, String> {
    let dir = themes.join("templates");
    let mut tera = Tera::default();
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry =
            entry.map_err(|e| format!("cannot read templates in {}: {e}", dir.display()))?;
        if entry.file_type().is_file() {
            let name = entry
                .path()
                .strip_prefix(&dir)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(entry.path())
                .map_err(|e| format!("cannot read template {}: {e}", entry.path().display()))?;
            files.push((name, text));
        }
    }
    if files.is_empty() {
        return Err(format!("no templates found in {}", dir.display()));
    }
    tera.add_raw_templates(files)
        .map_err(|e| format!("template error in {}: {}", dir.display(), tera_error(&e)))?;
    tera.autoescape_on(vec![]);
    Ok(tera)
}

/// Tera's errors keep the useful part in their source chain.
pub fn tera_error(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

/// The interface words for the guide's language.
pub fn load_strings(themes: &Path, language: &str) -> Result<Strings, String> {
    let primary = language.split('-').next().unwrap_or(language);
    let path = themes.join("i18n").join(format!("{primary}.toml"));
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read the interface words for language `{language}` at {}: {e} (add that file to translate the interface)",
            path.display()
        )
    })?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn render_one<T: Serialize>(
    tera: &Tera,
    template: &str,
    strings: &Strings,
    page: &T,
) -> Result<String, String> {
    let mut ctx = Context::new();
    ctx.insert("t", strings);
    ctx.insert("page", page);
    let out = tera
        .render(template, &ctx)
        .map_err(|e| format!("rendering template {template}: {}", tera_error(&e)))?;
    Ok(if template == "SUMMARY.md" {
        out
    } else {
        tidy(&out)
    })
}

/// Page bodies are HTML blocks under Markdown headings. A blank line ends an
/// HTML block in Markdown, so templates may leave none by accident: drop all
/// blank lines, then put one around each heading, where Markdown needs it.
pub fn tidy(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for line in md.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let heading = line.starts_with('#');
        if heading && !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        if heading {
            out.push('\n');
        }
    }
    out
}

/// The whole mdBook source of the site.
pub fn render_site(c: &Checked, themes: &Path) -> Result<Vec<Page>, String> {
    let tera = load_templates(themes)?;
    let strings = load_strings(themes, &c.meta().language.value)?;
    let urls = urls(c);
    let g = &c.guide;
    let mut pages = Vec::new();
    let mut add = |path: String, template: &str, view: &dyn erased::View| -> Result<(), String> {
        let content = view.render(&tera, template, &strings)?;
        pages.push(Page { path, content });
        Ok(())
    };

    let l = Linker::new(&urls, "index.md");
    let mut start = views::start(c, &l, &strings);
    start["troubleshoot"] = troubleshoot::start(c, &l);
    add("index.md".into(), "start.md", &start)?;
    let ts_index = format!("{}index.md", troubleshoot::DIR);
    let l = Linker::new(&urls, &ts_index);
    add(
        ts_index.clone(),
        "troubleshoot-index.md",
        &troubleshoot::index(c, &l),
    )?;
    for (s, p) in troubleshoot::pairs(c) {
        let path = troubleshoot::page_path(&s.id.value, &p.id.value);
        let l = Linker::new(&urls, &path);
        add(path, "troubleshoot.md", &troubleshoot::page(c, s, p, &l))?;
    }
    let l = Linker::new(&urls, "checks.md");
    add("checks.md".into(), "checks.md", &views::checks(c, &l))?;
    let l = Linker::new(&urls, "messages.md");
    add("messages.md".into(), "messages.md", &views::messages(c, &l))?;
    for (_, p) in &g.platforms {
        let path = format!("{}/index.md", p.id.value);
        let l = Linker::new(&urls, &path);
        add(path, "platform.md", &views::platform(c, p, &l))?;
        for (i, f) in c.fixes_for(&p.id.value) {
            let path = format!("{}/{}.md", p.id.value, f.id.value);
            let l = Linker::new(&urls, &path);
            add(path, "fix.md", &views::fix_page(c, i, &l))?;
        }
    }
    let l = Linker::new(&urls, "causes/index.md");
    add("causes/index.md".into(), "causes.md", &views::causes(c, &l))?;
    for (i, (_, x)) in g.causes.iter().enumerate() {
        let path = format!("causes/{}.md", x.id.value);
        let l = Linker::new(&urls, &path);
        add(path, "cause.md", &views::cause_page(c, i, &l))?;
    }
    let l = Linker::new(&urls, "nothing-works.md");
    add(
        "nothing-works.md".into(),
        "topics.md",
        &views::topics(&g.nothing_works, &strings.nav.nothing_works, &l),
    )?;
    let l = Linker::new(&urls, "prevention.md");
    add(
        "prevention.md".into(),
        "topics.md",
        &views::topics(&g.prevention, &strings.nav.prevention, &l),
    )?;
    let l = Linker::new(&urls, "coverage.md");
    add("coverage.md".into(), "coverage.md", &views::coverage(c, &l))?;
    let l = Linker::new(&urls, "glossary.md");
    add("glossary.md".into(), "glossary.md", &views::glossary(c, &l))?;
    let l = Linker::new(&urls, "outdated.md");
    add("outdated.md".into(), "outdated.md", &views::outdated(c, &l))?;
    let l = Linker::new(&urls, "SUMMARY.md");
    let mut summary = views::summary(c, &l);
    summary["troubleshoot"] = troubleshoot::summary(c);
    add("SUMMARY.md".into(), "SUMMARY.md", &summary)?;
    Ok(pages)
}

/// Which fix or check covers a cause on a platform, for views.
pub(crate) fn cover_items(c: &Checked, cause: usize, platform: usize) -> &[Cover] {
    &c.coverage[cause][platform]
}

mod erased {
    use super::*;
    /// Lets `render_site` take any serializable view.
    pub trait View {
        fn render(&self, tera: &Tera, template: &str, strings: &Strings) -> Result<String, String>;
    }
    impl<T: Serialize> View for T {
        fn render(&self, tera: &Tera, template: &str, strings: &Strings) -> Result<String, String> {
            render_one(tera, template, strings, self)
        }
    }
}

/// Plain text of one line of Markdown.
pub fn plain_text(md: &str) -> String {
    views::plain(md)
}
