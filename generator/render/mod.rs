//! Renderers: the checked guide → files. `render_site` produces the mdBook
//! source (Markdown chapters and `SUMMARY.md`) from the Tera templates in
//! `themes/templates/`, with the interface words of `themes/i18n/<lang>.toml`.

pub mod markdown;
pub mod print;
pub mod search;
pub mod troubleshoot;
mod views;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use tera::{Context, Tera};

use crate::check::{Checked, Cover};
use crate::model::{Fix, Platform, Symptom};
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
    /// Wall time of each renderer (for the benchmarks).
    pub timings: Vec<(&'static str, Duration)>,
}

/// Run every renderer.
pub fn render_all(c: &Checked, themes: &Path) -> Result<Rendered, String> {
    let mut timings = Vec::new();
    let t = Instant::now();
    let pages = render_site(c, themes)?;
    timings.push(("render pages", t.elapsed()));
    let t = Instant::now();
    let mut files = Vec::new();
    files.extend(print::render_print(c, themes)?);
    timings.push(("render print", t.elapsed()));
    let t = Instant::now();
    files.extend(render_search(c, themes, &pages)?);
    timings.push(("render search", t.elapsed()));
    Ok(Rendered {
        pages,
        files,
        timings,
    })
}

/// The search index (read back from the rendered pages) and the interface
/// words of the site's scripts.
pub fn render_search(c: &Checked, themes: &Path, pages: &[Page]) -> Result<Vec<OutFile>, String> {
    let strings = load_strings(themes, &c.meta().language.value)?;
    Ok(search::render(c, pages, &strings))
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

fn render_context(tera: &Tera, template: &str, ctx: &Context) -> Result<String, String> {
    let out = tera
        .render(template, ctx)
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

/// One page of the site to render.
enum Job<'g> {
    Start,
    TroubleshootIndex,
    Troubleshoot(&'g Symptom, &'g Platform),
    Checks,
    Messages,
    Platform(&'g Platform),
    Fix(usize),
    Causes,
    Cause(usize),
    NothingWorks,
    Prevention,
    Coverage,
    Glossary,
    Outdated,
    Summary,
}

/// The whole mdBook source of the site. Pages are rendered on two threads
/// (alternately, for balance) and returned in order.
pub fn render_site(c: &Checked, themes: &Path) -> Result<Vec<Page>, String> {
    let c = &Indexed::new(c);
    let tera = load_templates(themes)?;
    let strings = load_strings(themes, &c.meta().language.value)?;
    let urls = urls(c);
    let g = &c.guide;

    let mut jobs: Vec<(String, Job)> = vec![
        ("index.md".into(), Job::Start),
        (
            format!("{}index.md", troubleshoot::DIR),
            Job::TroubleshootIndex,
        ),
    ];
    for (s, p) in troubleshoot::pairs(c) {
        let path = troubleshoot::page_path(&s.id.value, &p.id.value);
        jobs.push((path, Job::Troubleshoot(s, p)));
    }
    jobs.push(("checks.md".into(), Job::Checks));
    jobs.push(("messages.md".into(), Job::Messages));
    for (_, p) in &g.platforms {
        jobs.push((format!("{}/index.md", p.id.value), Job::Platform(p)));
        for (i, f) in c.fixes_for(&p.id.value) {
            jobs.push((format!("{}/{}.md", p.id.value, f.id.value), Job::Fix(i)));
        }
    }
    jobs.push(("causes/index.md".into(), Job::Causes));
    for (i, (_, x)) in g.causes.iter().enumerate() {
        jobs.push((format!("causes/{}.md", x.id.value), Job::Cause(i)));
    }
    jobs.push(("nothing-works.md".into(), Job::NothingWorks));
    jobs.push(("prevention.md".into(), Job::Prevention));
    jobs.push(("coverage.md".into(), Job::Coverage));
    jobs.push(("glossary.md".into(), Job::Glossary));
    jobs.push(("outdated.md".into(), Job::Outdated));
    jobs.push(("SUMMARY.md".into(), Job::Summary));

    // The interface words are converted once; each page's view moves into
    // its context (`Context::insert` would copy it).
    let words = serde_json::to_value(&strings).map_err(|e| format!("interface words: {e}"))?;
    let render = |(path, job): &(String, Job)| -> Result<Page, String> {
        let l = Linker::new(&urls, path);
        let (template, view) = match job {
            Job::Start => {
                let mut start = views::start(c, &l, &strings);
                start["troubleshoot"] = troubleshoot::start(c, &l);
                ("start.md", start)
            }
            Job::TroubleshootIndex => ("troubleshoot-index.md", troubleshoot::index(c, &l)),
            Job::Troubleshoot(s, p) => ("troubleshoot.md", troubleshoot::page(c, s, p, &l)),
            Job::Checks => ("checks.md", views::checks(c, &l)),
            Job::Messages => ("messages.md", views::messages(c, &l)),
            Job::Platform(p) => ("platform.md", views::platform(c, p, &l)),
            Job::Fix(i) => ("fix.md", views::fix_page(c, *i, &l)),
            Job::Causes => ("causes.md", views::causes(c, &l)),
            Job::Cause(i) => ("cause.md", views::cause_page(c, *i, &l)),
            Job::NothingWorks => (
                "topics.md",
                views::topics(&g.nothing_works, &strings.nav.nothing_works, &l),
            ),
            Job::Prevention => (
                "topics.md",
                views::topics(&g.prevention, &strings.nav.prevention, &l),
            ),
            Job::Coverage => ("coverage.md", views::coverage(c, &l)),
            Job::Glossary => ("glossary.md", views::glossary(c, &l)),
            Job::Outdated => ("outdated.md", views::outdated(c, &l)),
            Job::Summary => {
                let mut summary = views::summary(c, &l);
                summary["troubleshoot"] = troubleshoot::summary(c);
                ("SUMMARY.md", summary)
            }
        };
        let mut ctx = serde_json::Map::new();
        ctx.insert("t".into(), words.clone());
        ctx.insert("page".into(), view);
        let ctx = Context::from_value(serde_json::Value::Object(ctx))
            .map_err(|e| format!("rendering template {template}: {}", tera_error(&e)))?;
        let content = render_context(&tera, template, &ctx)?;
        Ok(Page {
            path: path.clone(),
            content,
        })
    };
    let (even, odd) = std::thread::scope(|s| {
        let odd = s.spawn(|| {
            jobs.iter()
                .skip(1)
                .step_by(2)
                .map(render)
                .collect::<Vec<_>>()
        });
        let even: Vec<_> = jobs.iter().step_by(2).map(render).collect();
        (even, odd.join().expect("page renderer panicked"))
    });
    let mut pages = Vec::with_capacity(jobs.len());
    let mut odd = odd.into_iter();
    for page in even {
        pages.push(page?);
        if let Some(page) = odd.next() {
            pages.push(page?);
        }
    }
    Ok(pages)
}

/// The checked guide with its items indexed by id, so that views find a
/// cause, a fix or a platform's fixes without scanning the whole guide
/// (the scans made rendering quadratic in the guide's size). Derefs to
/// [`Checked`]; the methods of the same name give the same answers.
pub struct Indexed<'a> {
    checked: &'a Checked,
    causes: HashMap<&'a str, usize>,
    fixes: HashMap<&'a str, usize>,
    platforms: HashMap<&'a str, usize>,
    by_platform: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Indexed<'a> {
    pub fn new(checked: &'a Checked) -> Self {
        fn first<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
            let mut map = HashMap::new();
            for (i, id) in ids.enumerate() {
                map.entry(id).or_insert(i);
            }
            map
        }
        let g = &checked.guide;
        let mut by_platform: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, (_, f)) in g.fixes.iter().enumerate() {
            by_platform.entry(&f.platform.value).or_default().push(i);
        }
        Indexed {
            checked,
            causes: first(g.causes.iter().map(|(_, x)| x.id.value.as_str())),
            fixes: first(g.fixes.iter().map(|(_, x)| x.id.value.as_str())),
            platforms: first(g.platforms.iter().map(|(_, x)| x.id.value.as_str())),
            by_platform,
        }
    }
    pub fn cause_index(&self, id: &str) -> Option<usize> {
        self.causes.get(id).copied()
    }
    pub fn fix_index(&self, id: &str) -> Option<usize> {
        self.fixes.get(id).copied()
    }
    pub fn platform_index(&self, id: &str) -> Option<usize> {
        self.platforms.get(id).copied()
    }
    /// Indexes of the fixes of one platform, in recommended order.
    pub fn fix_order(&self, platform: &str) -> &[usize] {
        self.by_platform.get(platform).map_or(&[], Vec::as_slice)
    }
    /// Fixes of one platform, in recommended order (as written).
    pub fn fixes_for(&self, platform: &str) -> impl Iterator<Item = (usize, &'a Fix)> + '_ {
        let fixes = &self.checked.guide.fixes;
        self.fix_order(platform)
            .iter()
            .map(move |&i| (i, &fixes[i].1))
    }
}

impl std::ops::Deref for Indexed<'_> {
    type Target = Checked;
    fn deref(&self) -> &Checked {
        self.checked
    }
}

/// Which fix or check covers a cause on a platform, for views.
pub(crate) fn cover_items(c: &Checked, cause: usize, platform: usize) -> &[Cover] {
    &c.coverage[cause][platform]
}

/// Plain text of one line of Markdown.
pub fn plain_text(md: &str) -> String {
    views::plain(md)
}
