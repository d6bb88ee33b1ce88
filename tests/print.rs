//! The print edition and the checklists, checked the way a reader gets them:
//! build the shipped guide, print each document to PDF with headless
//! Chromium, and read the PDFs back with poppler.
//!
//! Needs Chromium, the Noto CJK and DejaVu fonts and poppler-utils (`.ci/run`
//! installs them). Missing tools make the test fail, never skip.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use fixbook::build::{build, check_dir, BuildOptions};
use fixbook::check::Checked;
use fixbook::model::Step;

const INSTALL: &str =
    "apt-get install chromium chromium-headless-shell fonts-noto-cjk fonts-dejavu-core poppler-utils";
const CHROMIUM: &str = "/usr/lib/chromium/chromium-headless-shell";
/// A4 in PostScript points as Chromium writes it.
const A4: (f64, f64) = (594.96, 841.92);
/// Width of the printed content box: A4 (210 mm) minus the 15 mm side
/// margins of themes/print/*.css, in CSS pixels (180 mm = 680.3 px).
const CONTENT_WIDTH_PX: u32 = 680;
/// The font families the print styles name; every character must be in one.
const FONTS: &[&str] = &["Noto Sans CJK JP", "DejaVu Sans"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn chromium() -> PathBuf {
    let path = std::env::var_os("FIXBOOK_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(CHROMIUM));
    assert!(
        path.exists(),
        "headless Chromium not found at {}: the print tests need it.\n  install: {INSTALL}",
        path.display()
    );
    path
}

fn tool(name: &str) -> Command {
    let ok = Command::new(name)
        .arg("-v")
        .output()
        .map(|_| true)
        .unwrap_or(false);
    assert!(
        ok,
        "`{name}` not found: the print tests need it.\n  install: {INSTALL}"
    );
    Command::new(name)
}

fn run(mut cmd: Command, what: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        out.status.success(),
        "{what}: exit {:?}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A headless Chromium with a profile of its own (parallel runs need that).
fn chrome(profile: &Path) -> Command {
    let mut c = Command::new(chromium());
    c.arg("--no-sandbox")
        .arg("--disable-gpu")
        .arg(format!("--user-data-dir={}", profile.display()));
    c
}

fn print_pdf(html: &Path, pdf: &Path, profile: &Path) {
    let mut c = chrome(profile);
    c.arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()));
    run(c, &format!("printing {}", html.display()));
    let bytes = std::fs::read(pdf).unwrap_or_default();
    assert!(
        bytes.starts_with(b"%PDF-"),
        "Chromium wrote no PDF for {}",
        html.display()
    );
}

/// Load a copy of the document with the probe script at the print content
/// width and return what it reported.
fn probe_overflow(html: &Path, profile: &Path) -> String {
    let text = std::fs::read_to_string(html).unwrap();
    let script = std::fs::read_to_string(root().join("tests/print-probe.js")).unwrap();
    let probe = html.with_extension("probe.html");
    let injected = text.replacen("</body>", &format!("<script>{script}</script></body>"), 1);
    std::fs::write(&probe, injected).unwrap();
    let mut c = chrome(profile);
    c.arg("--hide-scrollbars")
        .arg(format!("--window-size={CONTENT_WIDTH_PX},1000"))
        .arg("--dump-dom")
        .arg(format!("file://{}", probe.display()));
    let dom = run(c, &format!("loading {}", probe.display()));
    let _ = std::fs::remove_file(&probe);
    let start = dom
        .find("PROBE ")
        .unwrap_or_else(|| panic!("the overflow probe did not run in {}", html.display()));
    let end = dom[start..].find("\nEND").map_or(dom.len(), |e| start + e);
    dom[start..end].to_string()
}

struct PdfInfo {
    pages: usize,
    size: (f64, f64),
}

fn pdfinfo(pdf: &Path) -> PdfInfo {
    let mut c = tool("pdfinfo");
    c.arg(pdf);
    let out = run(c, "pdfinfo");
    let value = |key: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(str::trim)
            .unwrap_or_else(|| panic!("pdfinfo has no {key}\n{out}"))
            .to_string()
    };
    let pages = value("Pages:").parse().unwrap();
    let size = value("Page size:");
    let mut nums = size
        .split_whitespace()
        .filter_map(|w| w.parse::<f64>().ok());
    PdfInfo {
        pages,
        size: (nums.next().unwrap(), nums.next().unwrap()),
    }
}

fn pdftotext(pdf: &Path) -> String {
    let mut c = tool("pdftotext");
    // `-raw` keeps Chromium's content order: table cells stay whole.
    c.arg("-raw").arg("-enc").arg("UTF-8").arg(pdf).arg("-");
    run(c, "pdftotext")
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Pieces of text a Markdown field shows, split where the print edition may
/// add something between them (a link target, a list number, a line break).
fn segments(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut flush = |cur: &mut String| {
        let s = squash(cur);
        if !s.is_empty() {
            out.push(s);
        }
        cur.clear();
    };
    for ev in Parser::new(md) {
        match ev {
            Event::Text(t) | Event::Code(t) => cur.push_str(&t),
            Event::SoftBreak => {}
            Event::Start(Tag::Link { .. }) | Event::End(TagEnd::Link) => flush(&mut cur),
            Event::Start(_) | Event::End(_) | Event::HardBreak => flush(&mut cur),
            _ => {}
        }
    }
    flush(&mut cur);
    out
}

/// Every text that must be printed: fix titles and every warning.
fn expected_texts(c: &Checked) -> Vec<(String, String)> {
    let g = &c.guide;
    let mut out = Vec::new();
    let steps = |what: &str, steps: &[Step], out: &mut Vec<(String, String)>| {
        for (i, s) in steps.iter().enumerate() {
            if let Some(w) = &s.warning {
                out.push((
                    format!("{what}, warning of step {}", i + 1),
                    w.value.clone(),
                ));
            }
        }
    };
    for (_, f) in &g.fixes {
        let id = &f.id.value;
        out.push((format!("title of fix {id}"), f.title.value.clone()));
        for (k, v) in [
            ("consequence", &f.risk.consequence),
            ("avoid", &f.risk.avoid),
            ("undo", &f.risk.undo),
        ] {
            if let Some(v) = v {
                out.push((format!("risk {k} of fix {id}"), v.value.clone()));
            }
        }
        steps(&format!("fix {id}"), &f.steps, &mut out);
    }
    for (_, x) in &g.checks {
        steps(&format!("check {}", x.id.value), &x.steps, &mut out);
    }
    for (_, x) in g.nothing_works.iter().chain(&g.prevention) {
        steps(&format!("topic {}", x.id.value), &x.steps, &mut out);
    }
    out
}

/// Unicode code points covered by the installed faces of a font family.
fn font_charset(family: &str) -> BTreeSet<u32> {
    let mut c = tool("fc-list");
    c.arg("--format=%{charset}\n")
        .arg(format!(":family={family}"));
    let out = run(c, "fc-list");
    let mut set = BTreeSet::new();
    for token in out.split_whitespace() {
        let (a, b) = token.split_once('-').unwrap_or((token, token));
        if let (Ok(a), Ok(b)) = (u32::from_str_radix(a, 16), u32::from_str_radix(b, 16)) {
            set.extend(a..=b);
        }
    }
    assert!(
        !set.is_empty(),
        "font `{family}` is not installed.\n  install: {INSTALL}"
    );
    set
}

#[test]
fn print_edition_and_checklists_print_well() {
    let started = std::time::Instant::now();
    let chromium = chromium();
    let root = root();
    let tmp = std::env::temp_dir().join(format!("fixbook-print-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let site = tmp.join("site");
    let mut log = Vec::new();
    let opts = BuildOptions {
        dir: root.clone(),
        dest: Some(site.clone()),
        deny_warnings: false,
        markdown_out: None,
        site_url: None,
    };
    if let Err(e) = build(&opts, &mut log) {
        panic!("build failed: {e:?}\n{}", String::from_utf8_lossy(&log));
    }
    let checked =
        check_dir(&root, false, &mut Vec::new()).unwrap_or_else(|e| panic!("check failed: {e:?}"));
    let platforms: Vec<String> = checked
        .guide
        .platforms
        .iter()
        .map(|(_, p)| p.id.value.clone())
        .collect();

    // The site: our print edition replaced mdBook's, the print button and
    // the checklist links are there.
    let edition = site.join("print.html");
    let edition_html = std::fs::read_to_string(&edition).unwrap();
    assert!(
        edition_html.contains("id=\"toc-title\""),
        "print.html is not the fixbook print edition"
    );
    for bad in ["<script", "<link", "src=", "@import", "url("] {
        assert!(
            !edition_html.contains(bad),
            "the print edition must be self-contained, found `{bad}`"
        );
    }
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(
        index.contains("href=\"print.html\""),
        "mdBook's print button (link to print.html) is missing from index.html"
    );
    assert!(
        index.contains("checklists/all.html"),
        "the start page does not link the checklists"
    );
    for p in &platforms {
        let page = std::fs::read_to_string(site.join(p).join("index.html")).unwrap();
        assert!(
            page.contains(&format!("../checklists/{p}.html")),
            "the {p} page does not link its checklist"
        );
    }

    // Documents to print.
    let mut docs: Vec<(String, PathBuf)> = vec![("print".into(), edition.clone())];
    for p in &platforms {
        docs.push((p.clone(), site.join("checklists").join(format!("{p}.html"))));
    }
    docs.push(("all".into(), site.join("checklists/all.html")));

    // Every character is in an installed font the styles name.
    let mut covered = BTreeSet::new();
    for f in FONTS {
        covered.extend(font_charset(f));
    }
    for (_, html) in &docs {
        let text = std::fs::read_to_string(html).unwrap();
        let missing: BTreeSet<char> = text
            .chars()
            .filter(|c| !c.is_control() && !covered.contains(&(*c as u32)))
            .collect();
        assert!(
            missing.is_empty(),
            "{}: characters in no font of {FONTS:?}: {:?}",
            html.display(),
            missing
                .iter()
                .map(|c| format!("{c} U+{:04X}", *c as u32))
                .collect::<Vec<_>>()
        );
    }

    // Overflow first (Chromium shrinks a too-wide document to fit, which
    // would hide the other failures), then print, in parallel.
    let results: Vec<(String, String, PathBuf)> = std::thread::scope(|s| {
        let handles: Vec<_> = docs
            .iter()
            .enumerate()
            .map(|(i, (name, html))| {
                let tmp = &tmp;
                s.spawn(move || {
                    let probe = probe_overflow(html, &tmp.join(format!("profile-probe-{i}")));
                    let pdf = tmp.join(format!("{name}.pdf"));
                    print_pdf(html, &pdf, &tmp.join(format!("profile-pdf-{i}")));
                    (name.clone(), probe, pdf)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (name, probe, _) in &results {
        assert!(
            probe.contains(&format!("scrollWidth={CONTENT_WIDTH_PX} "))
                && probe.contains("overflowing=0"),
            "{name}: content is wider than the printed page ({CONTENT_WIDTH_PX} px):\n{probe}"
        );
    }

    let mut figures = Vec::new();
    for (name, _, pdf) in &results {
        let info = pdfinfo(pdf);
        let bytes = std::fs::metadata(pdf).unwrap().len();
        figures.push(format!("{name}: {} pages, {} KB", info.pages, bytes / 1024));
        assert!(
            (info.size.0 - A4.0).abs() <= 1.5 && (info.size.1 - A4.1).abs() <= 1.5,
            "{name}: page size {:?} is not A4 {A4:?}",
            info.size
        );
        if name == "all" {
            assert_eq!(
                info.pages,
                platforms.len(),
                "checklists/all.html must print one page per platform"
            );
        } else if name != "print" {
            assert_eq!(
                info.pages, 1,
                "checklist {name} must print on exactly one page"
            );
        }
    }

    // The print edition: page numbers "n / N", the title in the margin,
    // every fix title and every warning.
    let (_, _, pdf) = &results[0];
    let info = pdfinfo(pdf);
    let text = pdftotext(pdf);
    let lines: BTreeSet<String> = text.lines().map(squash).collect();
    for n in 1..=info.pages {
        let want = format!("{n}/{}", info.pages);
        assert!(
            lines.contains(&want),
            "page number `{n} / {}` is missing",
            info.pages
        );
    }
    let flat = squash(&text);
    let title = squash(&fixbook::render::plain_text(&checked.meta().title.value));
    assert!(
        flat.matches(&title).count() >= info.pages - 1,
        "the guide's title is not in the page margins"
    );
    let mut missing = Vec::new();
    for (what, md) in expected_texts(&checked) {
        for seg in segments(&md) {
            if !flat.contains(&seg) {
                missing.push(format!("{what}: {seg}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "texts missing from the printed edition:\n{}",
        missing.join("\n")
    );

    // Each checklist names its fixes.
    for (name, _, pdf) in &results[1..results.len() - 1] {
        let flat = squash(&pdftotext(pdf));
        for (_, f) in checked.fixes_for(name) {
            let t = squash(&fixbook::render::plain_text(&f.title.value));
            assert!(flat.contains(&t), "checklist {name} lacks fix `{t}`");
        }
    }

    eprintln!(
        "print test: {} in {:.1} s ({})",
        figures.join(", "),
        started.elapsed().as_secs_f64(),
        chromium.display()
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
