//! Hostile text: XSS payloads in every kind of text field of a guide. The
//! guide is built, every generated page (site, print edition, checklists,
//! troubleshooter, a search results page) is loaded in headless Chromium, and
//! the test fails if any payload ran. Each payload, when it runs, sets the
//! attribute `data-pwned="<payload>-<field>"` on `<html>`; `--dump-dom` shows
//! it. A canary page proves that a running payload is seen.

mod common;
use common::file_url;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use common::{mini_guide, TempDir};

const INSTALL: &str =
    "apt-get install chromium chromium-headless-shell fonts-noto-cjk fonts-dejavu-core";

fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("FIXBOOK_CHROMIUM") {
        return PathBuf::from(p);
    }
    for p in [
        "/usr/lib/chromium/chromium-headless-shell",
        "/usr/bin/chromium-headless-shell",
        "/usr/bin/chromium",
    ] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    panic!("headless Chromium is needed for the hostile-text test and was not found (or set FIXBOOK_CHROMIUM): {INSTALL}");
}

/// The word every hostile text starts with: the search page looks for it.
const WORD: &str = "攻撃テスト";

/// JavaScript that marks the page when it runs (no spaces, so it also works
/// in an unquoted attribute). The attribute name is built at run time, so the
/// payload's own text never looks like the mark.
fn mark(tag: &str) -> String {
    format!("document.documentElement.setAttribute('data-'+'pwned','{tag}')")
}

/// Payloads that may stand in any text field (Markdown or plain).
fn payloads(field: &str) -> Vec<String> {
    let m = |n: usize| mark(&format!("{n}-{field}"));
    vec![
        format!("<script>{}</script>", m(1)),
        format!("<img src=x onerror={}>", m(2)),
        format!("<svg onload={}>", m(3)),
        format!("\"><svg onload={}>", m(4)),
        format!("'><img src=x onerror={}>", m(5)),
        format!("</style><script>{}</script>", m(6)),
        format!("</title><script>{}</script>", m(7)),
        format!("</textarea></noscript>--><script>{}</script>", m(8)),
        format!(
            "<iframe srcdoc=\"<script>parent.{}</script>\"></iframe>",
            m(9)
        ),
        format!("<details open ontoggle={}>x</details>", m(10)),
        format!("<a href=\"javascript:{}\">a</a>", m(11)),
        format!(
            "[t](https://example.com/\"onmouseover={} \"t\\\" onfocus=x\")",
            m(12)
        ),
        format!("\";{};//", m(13)),
        format!("';{};//", m(14)),
        format!("`${{{}}}`", m(15)),
        "{{ 1234*5 }} {% if true %}TE{% endif %}RA ${7*191} {{#each x}}".to_string(),
        format!("<style>@import 'javascript:{}';</style>", m(16)),
        format!(
            "<math><mtext><table><mglyph><style><img src=x onerror={}>",
            m(17)
        ),
    ]
}

/// Payloads the checker refuses in Markdown (links to other schemes, images):
/// they go into plain-text fields, which are never read as Markdown.
fn plain_payloads(field: &str) -> Vec<String> {
    let m = |n: usize| mark(&format!("{n}-{field}"));
    vec![
        format!("[x](javascript:{})", m(20)),
        format!("<javascript:{}>", m(21)),
        format!(
            "![i](x \"t\") ![j](data:text/html,<script>{}</script>)",
            m(22)
        ),
        format!("[y](data:text/html;base64,PHNjcmlwdD4=)"),
    ]
}

/// A YAML double-quoted scalar.
fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Hostile Markdown text for one field.
fn t(field: &str) -> String {
    q(&format!("{WORD} {}", payloads(field).join(" ")))
}

/// Hostile plain text for one field.
fn p(field: &str) -> String {
    let mut all = payloads(field);
    all.extend(plain_payloads(field));
    q(&format!("{WORD} {}", all.join(" ")))
}

/// A hostile source list (title and address).
fn sources(field: &str, indent: &str) -> String {
    format!(
        "{indent}sources:\n{indent}  - title: {}\n{indent}    url: {}\n{indent}    checked: \"2026-11-25\"\n",
        p(&format!("{field}-source-title")),
        q(&format!(
            "https://example.com/?q=\"><script>{}</script>&x='onmouseover={}",
            mark(&format!("30-{field}-source-url")),
            mark(&format!("31-{field}-source-url"))
        )),
    )
}

fn steps(field: &str, indent: &str) -> String {
    format!(
        "{indent}steps:\n\
         {indent}  - text: {}\n\
         {indent}    warning: {}\n\
         {indent}    path: [{}, {}]\n\
         {indent}    substeps: [{}]\n\
         {indent}  - variants:\n\
         {indent}      - when: {}\n\
         {indent}        text: {}\n\
         {indent}        path: [{}]\n\
         {indent}        substeps: [{}]\n",
        t(&format!("{field}-step-text")),
        t(&format!("{field}-step-warning")),
        p(&format!("{field}-step-path")),
        q(WORD),
        t(&format!("{field}-step-substep")),
        t(&format!("{field}-variant-when")),
        t(&format!("{field}-variant-text")),
        p(&format!("{field}-variant-path")),
        t(&format!("{field}-variant-substep")),
    )
}

/// The whole hostile guide: every text field of every kind of item.
fn hostile_guide() -> (String, String) {
    let guide = format!(
        "guide:\n  title: {}\n  language: ja\n  description: {}\n  reviewed: \"2026-11-25\"\n  intro: {}\n  how_to_use: {}\n  url: {}\n  synonyms:\n    - [{}, {}]\n",
        t("guide-title"),
        p("guide-description"),
        t("guide-intro"),
        t("guide-how-to-use"),
        q(&format!("https://example.com/\"><img src=x onerror={}>", mark("40-guide-url"))),
        q(WORD),
        p("guide-synonym"),
    );
    let mut items = String::new();
    items += &format!(
        "platforms:\n  - id: phone\n    name: {}\n    covers: {}\n    versions: [{}]\n  - id: pc\n    name: {}\n    covers: {}\n",
        t("platform-name"),
        t("platform-covers"),
        t("platform-version"),
        t("platform2-name"),
        t("platform2-covers"),
    );
    items += &format!(
        "symptoms:\n  - id: cannot-connect\n    message: {}\n    variants: [{}]\n    where: {}\n    note: {}\n    causes: [offline, wrong-password, odd]\n",
        p("symptom-message"),
        p("symptom-variant"),
        t("symptom-where"),
        t("symptom-note"),
    );
    items += &format!(
        "causes:\n  - id: offline\n    title: {}\n    likelihood: high\n    explanation: {}\n    confirm: {}\n  - id: wrong-password\n    title: {}\n    likelihood: medium\n    explanation: x\n    confirm: y\n  - id: odd\n    title: {}\n    likelihood: low\n    explanation: x\n    confirm: y\n    not_applicable:\n      - platform: pc\n        reason: {}\n",
        t("cause-title"),
        t("cause-explanation"),
        t("cause-confirm"),
        t("cause2-title"),
        t("cause3-title"),
        t("cause-not-applicable-reason"),
    );
    items += &format!(
        "checks:\n  - id: check-network\n    title: {}\n    summary: {}\n    causes: [offline]\n    minutes: 1\n{}    worked: {}\n{}",
        t("check-title"),
        t("check-summary"),
        steps("check", "    "),
        t("check-worked"),
        sources("check", "    "),
    );
    items += &format!(
        "fixes:\n  - id: phone-retype\n    platform: phone\n    title: {}\n    kind: quick-check\n    causes: [wrong-password, odd]\n    summary: {}\n    minutes: 2\n    prerequisites: [{}]\n    risk:\n      level: medium\n      data_loss: true\n      consequence: {}\n      avoid: {}\n      undo: {}\n{}    worked: {}\n    next: [phone-reset]\n    confidence: third-party\n    confidence_note: {}\n{}",
        t("fix-title"),
        t("fix-summary"),
        t("fix-prerequisite"),
        t("fix-risk-consequence"),
        t("fix-risk-avoid"),
        t("fix-risk-undo"),
        steps("fix", "    "),
        t("fix-worked"),
        t("fix-confidence-note"),
        sources("fix", "    "),
    );
    items += &format!(
        "  - id: phone-reset\n    platform: phone\n    title: {}\n    kind: resolution\n    causes: [offline]\n    minutes: 5\n    steps:\n      - text: {}\n    worked: {}\n  - id: pc-retype\n    platform: pc\n    title: {}\n    kind: quick-check\n    causes: [wrong-password]\n    minutes: 2\n    steps:\n      - text: x\n    worked: y\n",
        t("fix2-title"),
        t("fix2-step"),
        t("fix2-worked"),
        t("fix3-title"),
    );
    for section in ["nothing_works", "prevention"] {
        items += &format!(
            "{section}:\n  - id: {}\n    title: {}\n    body: {}\n    replaces: {}\n{}{}",
            section.replace('_', "-"),
            t(&format!("{section}-title")),
            t(&format!("{section}-body")),
            t(&format!("{section}-replaces")),
            steps(section, "    "),
            sources(section, "    "),
        );
    }
    items += &format!(
        "outdated:\n  - id: periodic-change\n    advice: {}\n    why: {}\n    instead: {}\n{}",
        t("outdated-advice"),
        t("outdated-why"),
        t("outdated-instead"),
        sources("outdated", "    "),
    );
    items += &format!(
        "glossary:\n  - id: dns\n    term: {}\n    aliases: [{}]\n    definition: {}\n",
        t("glossary-term"),
        p("glossary-alias"),
        t("glossary-definition"),
    );
    (guide, items)
}

fn build_hostile() -> (TempDir, PathBuf) {
    let g = mini_guide();
    let (guide, items) = hostile_guide();
    std::fs::write(g.path().join("guide-src/guide.yaml"), guide).unwrap();
    std::fs::write(g.path().join("guide-src/items.yaml"), items).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_fixbook"))
        .arg("build")
        .arg(g.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the hostile guide must build:\n{stderr}"
    );
    let site = g.path().join("book");
    (g, site)
}

/// The DOM of a page after its scripts ran (and 3 s of virtual time).
fn dump_dom(chromium: &Path, url: &str) -> String {
    let profile = TempDir::new("hostile-profile");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--virtual-time-budget=3000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}; {INSTALL}", chromium.display()));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `data-pwned="..."` values in a DOM dump.
fn pwned(dom: &str) -> Vec<String> {
    dom.split("data-pwned=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or("").to_string())
        .collect()
}

/// Where a payload's mark sits in markup where it could act: outside a
/// quoted attribute value, in an event-handler attribute (`on...`), or in the
/// body of a script element. Inside an ordinary quoted value (escaped) it is
/// only text.
fn marks_in_tags(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let after = &rest[lt..];
        if let Some(comment) = after.strip_prefix("<!--") {
            let close = comment.find("-->").map_or(comment.len(), |i| i + 3);
            if comment[..close].contains("pwned") {
                found.push(format!("comment: {}", &comment[..close.min(200)]));
            }
            rest = &comment[close..];
            continue;
        }
        // The end of the tag: the first `>` outside quotes.
        let mut quote: Option<char> = None;
        let mut end = after.len();
        let mut unquoted = String::new();
        let mut attr = String::new();
        let mut in_handler = false;
        for (i, c) in after.char_indices().skip(1) {
            match quote {
                Some(qc) if c == qc => quote = None,
                Some(_) => {
                    if in_handler {
                        unquoted.push(c);
                    }
                }
                None if c == '"' || c == '\'' => {
                    in_handler = attr.trim().to_ascii_lowercase().starts_with("on");
                    quote = Some(c);
                }
                None if c == '>' => {
                    end = i + 1;
                    break;
                }
                None => {
                    unquoted.push(c);
                    if c == ' ' || c == '\n' {
                        attr.clear();
                    } else if c != '=' {
                        attr.push(c);
                    }
                }
            }
        }
        let tag = &after[..end];
        let lower = tag.to_ascii_lowercase();
        let bad_url = [
            "href=\"javascript:",
            "href='javascript:",
            "src=\"javascript:",
            "href=\"data:",
            "src=\"data:",
        ]
        .iter()
        .any(|b| lower.contains(b));
        if unquoted.contains("pwned") || bad_url {
            found.push(tag.chars().take(200).collect());
        }
        rest = &after[end..];
        if lower.starts_with("<script") {
            let close = rest.find("</script").unwrap_or(rest.len());
            let body = &rest[..close];
            if body.contains("pwned") {
                found.push(format!(
                    "script: {}",
                    body.chars().take(200).collect::<String>()
                ));
            }
            rest = &rest[close..];
        }
    }
    found
}

#[test]
fn no_payload_runs_in_any_page() {
    let chromium = chromium();
    let (_g, site) = build_hostile();

    // Static checks on every generated file.
    let mut problems = Vec::new();
    let mut pages = Vec::new();
    for e in walkdir::WalkDir::new(&site).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(&site)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let Ok(text) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        for tera in ["6170", "1337", "TERA"] {
            if text.contains(tera) {
                problems.push(format!(
                    "{rel}: template syntax in guide text was evaluated ({tera})"
                ));
            }
        }
        if rel.ends_with(".html") {
            for tag in marks_in_tags(&text) {
                problems.push(format!("{rel}: payload inside markup: {tag}"));
            }
            pages.push(e.path().to_path_buf());
        }
    }
    // The payloads reached the print edition, checklists, troubleshooter and search index.
    let files: Vec<String> = walkdir::WalkDir::new(&site)
        .into_iter()
        .map(|e| {
            e.unwrap()
                .path()
                .strip_prefix(&site)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    for must in ["print.html", "checklists/", "fixbook-search-index.js"] {
        let hit = files
            .iter()
            .find(|f| f.starts_with(must) || f.ends_with(must));
        let hit = hit.unwrap_or_else(|| panic!("no {must} in the site"));
        let text = std::fs::read_to_string(site.join(hit)).unwrap_or_default();
        assert!(
            text.contains(WORD),
            "{hit} holds no hostile text: the test would prove nothing"
        );
    }
    assert!(
        pages
            .iter()
            .any(|p| p.to_string_lossy().contains("troubleshoot")
                || std::fs::read_to_string(p)
                    .unwrap_or_default()
                    .contains("fixbook-troubleshoot")),
        "no troubleshooter page found"
    );

    // Canary: a page where a payload does run must be caught.
    let canary = site.join("canary-test.html");
    std::fs::write(
        &canary,
        format!(
            "<!doctype html><title>c</title><img src=x onerror={}>",
            mark("canary")
        ),
    )
    .unwrap();
    let canary_dom = dump_dom(&chromium, &file_url(&canary));
    assert_eq!(
        pwned(&canary_dom),
        vec!["canary"],
        "the canary payload was not seen: the detection does not work\n{canary_dom}"
    );
    std::fs::remove_file(&canary).unwrap();

    // Every page, then the search results page.
    let mut urls: Vec<String> = pages.iter().map(|p| file_url(p)).collect();
    let search = format!("{}?search={}", file_url(&site.join("index.html")), WORD);
    urls.push(search.clone());
    let queue = Mutex::new(urls.clone());
    let results = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(6));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let Some(url) = queue.lock().unwrap().pop() else {
                    break;
                };
                let dom = dump_dom(&chromium, &url);
                results.lock().unwrap().push((url, dom));
            });
        }
    });
    let results = results.into_inner().unwrap();
    assert_eq!(results.len(), urls.len());
    for (url, dom) in &results {
        if dom.trim().is_empty() {
            problems.push(format!("{url}: Chromium printed no DOM"));
        }
        for tag in pwned(dom) {
            problems.push(format!("{url}: payload {tag} RAN"));
        }
    }
    // The search page really showed results with the hostile text.
    let (_, search_dom) = results.iter().find(|(u, _)| *u == search).unwrap();
    assert!(
        search_dom.contains("<mark>") && search_dom.contains("&lt;script&gt;"),
        "the search page showed no results with the hostile text: the search check proves nothing\n{}",
        search_dom.chars().take(3000).collect::<String>()
    );
    assert!(
        problems.is_empty(),
        "{} problems in {} pages:\n{}",
        problems.len(),
        urls.len(),
        problems.join("\n")
    );
    eprintln!("{} pages loaded, no payload ran", urls.len());
}
