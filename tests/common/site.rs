//! Helpers of the offline and link tests: build the shipped guide, read
//! the links and ids of generated HTML, check that links resolve.
//! Included with `#[path = "common/site.rs"] mod site;`.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use fixbook::build::{build, BuildOptions};

use super::common::{repo, TempDir};

/// Build the shipped guide into a fresh temporary directory; returns the
/// directory (removed when dropped) and the site inside it.
pub fn build_guide(tag: &str, site_url: Option<&str>) -> (TempDir, PathBuf) {
    let tmp = TempDir::new(tag);
    let dest = tmp.path().join("site");
    let mut log = Vec::new();
    build(
        &BuildOptions {
            dir: repo(),
            dest: Some(dest.clone()),
            site_url: site_url.map(str::to_string),
            ..Default::default()
        },
        &mut log,
    )
    .unwrap_or_else(|_| panic!("build failed:\n{}", String::from_utf8_lossy(&log)));
    (tmp, dest)
}

/// Every file of a site, as sorted `/`-separated paths relative to the root.
pub fn files(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

pub fn html_files(root: &Path) -> Vec<String> {
    files(root)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect()
}

/// What the link checker needs from one HTML page.
#[derive(Debug, Default)]
pub struct Page {
    /// (tag, attribute, value) of every `href`, `src` and `srcset` URL.
    pub links: Vec<(String, String, String)>,
    /// Every `id`, and `name` of `<a>`.
    pub ids: HashSet<String>,
    /// `<base href>`, if any.
    pub base: Option<String>,
}

/// A small HTML scanner: tags and their attributes, skipping comments and
/// the raw text of `<script>` and `<style>`.
pub fn parse(html: &str) -> Page {
    let mut page = Page::default();
    let lower = html.to_ascii_lowercase();
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off;
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map(|e| i + e + 3).unwrap_or(b.len());
            continue;
        }
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'/' || b[j] == b'!' || b[j] == b'?') {
            i = html[j..].find('>').map(|e| j + e + 1).unwrap_or(b.len());
            continue;
        }
        let start = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
            j += 1;
        }
        if j == start {
            i += 1;
            continue;
        }
        let tag = lower[start..j].to_string();
        let mut attrs: Vec<(String, String)> = Vec::new();
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                j += 1;
                break;
            }
            let ns = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/')
            {
                j += 1;
            }
            let name = lower[ns..j].to_string();
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let mut value = String::new();
            if j < b.len() && b[j] == b'=' {
                j += 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let q = b[j] as char;
                    let vs = j + 1;
                    let ve = html[vs..].find(q).map(|e| vs + e).unwrap_or(b.len());
                    value = html[vs..ve].to_string();
                    j = (ve + 1).min(b.len());
                } else {
                    let vs = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    value = html[vs..j].to_string();
                }
            }
            if name.is_empty() {
                j += 1;
                continue;
            }
            attrs.push((name, decode_entities(&value)));
        }
        for (name, value) in &attrs {
            match name.as_str() {
                "id" => {
                    page.ids.insert(value.clone());
                }
                "name" if tag == "a" => {
                    page.ids.insert(value.clone());
                }
                "href" if tag == "base" => page.base = Some(value.clone()),
                "href" | "src" => page.links.push((tag.clone(), name.clone(), value.clone())),
                "srcset" => {
                    for part in value.split(',') {
                        if let Some(url) = part.split_whitespace().next() {
                            page.links
                                .push((tag.clone(), name.clone(), url.to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
        i = j.min(b.len());
        if tag == "script" || tag == "style" {
            let close = format!("</{tag}");
            i = lower[i..].find(&close).map(|e| i + e).unwrap_or(b.len());
        }
    }
    page
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest.find(';').filter(|e| *e < 12);
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                    u32::from_str_radix(&ent[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
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

/// Percent-decoding (UTF-8); `None` when the result is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && b[i + 1].is_ascii_hexdigit()
            && b[i + 2].is_ascii_hexdigit()
        {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// `dir` (a `/`-separated directory, "" for the root) joined with a relative
/// path, `.` and `..` resolved; `None` when it leaves the root.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    let segs: Vec<&str> = rel.split('/').collect();
    for (n, seg) in segs.iter().enumerate() {
        match *seg {
            "." => {}
            "" if n + 1 < segs.len() => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if rel.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

pub fn parent_dir(path: &str) -> &str {
    path.rfind('/').map(|p| &path[..p]).unwrap_or("")
}

/// `url(...)` references of a stylesheet.
pub fn css_urls(css: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = css;
    while let Some(p) = rest.find("url(") {
        rest = &rest[p + 4..];
        let end = rest.find(')').unwrap_or(rest.len());
        let v = rest[..end].trim().trim_matches(|c| c == '"' || c == '\'');
        out.push(v.to_string());
        rest = &rest[end..];
    }
    out
}

/// Result of checking every link of a site on disk.
#[derive(Debug, Default)]
pub struct LinkReport {
    pub pages: usize,
    /// Internal links checked (href, src, srcset, CSS url()).
    pub internal: usize,
    /// Of which with a `#fragment` checked against ids.
    pub fragments: usize,
    /// External http(s) links: counted, not fetched.
    pub external: BTreeMap<String, usize>,
    /// `mailto:`, `tel:`, `data:`...
    pub other: usize,
    /// "page: <tag attr=value>: why"
    pub broken: Vec<String>,
}

/// Check every relative link and fragment of every HTML page (and every
/// `url()` of every stylesheet) of the site at `root`, as read from disk
/// (`file://`). `site_url` maps the `<base href>` of 404.html to the root.
pub fn check_links(root: &Path, site_url: &str) -> LinkReport {
    let mut report = LinkReport::default();
    let all: HashSet<String> = files(root).into_iter().collect();
    let mut parsed: HashMap<String, Page> = HashMap::new();
    for f in html_files(root) {
        let text = std::fs::read_to_string(root.join(&f)).unwrap();
        parsed.insert(f, parse(&text));
    }
    report.pages = parsed.len();
    let mut names: Vec<&String> = parsed.keys().collect();
    names.sort();
    for name in names {
        let page = &parsed[name];
        let dir = match &page.base {
            Some(base) => match base.strip_prefix(site_url) {
                Some(rest) => rest.trim_end_matches('/').to_string(),
                None => {
                    report.broken.push(format!(
                        "{name}: <base href={base:?}> is outside {site_url}"
                    ));
                    continue;
                }
            },
            None => parent_dir(name).to_string(),
        };
        for (tag, attr, url) in &page.links {
            let what = format!("{name}: <{tag} {attr}=\"{url}\">");
            check_one(&mut report, &all, &parsed, name, &dir, url, &what);
        }
    }
    for css in all.iter().filter(|f| f.ends_with(".css")) {
        let text = std::fs::read_to_string(root.join(css)).unwrap();
        for url in css_urls(&text) {
            let what = format!("{css}: url({url})");
            check_one(
                &mut report,
                &all,
                &parsed,
                css,
                parent_dir(css),
                &url,
                &what,
            );
        }
    }
    report.broken.sort();
    report
}

fn check_one(
    report: &mut LinkReport,
    all: &HashSet<String>,
    parsed: &HashMap<String, Page>,
    from: &str,
    dir: &str,
    url: &str,
    what: &str,
) {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//") {
        let host = url
            .split("//")
            .nth(1)
            .and_then(|r| r.split(['/', '?', '#']).next())
            .unwrap_or("")
            .to_string();
        *report.external.entry(host).or_default() += 1;
        return;
    }
    if lower.starts_with("mailto:") || lower.starts_with("tel:") || lower.starts_with("data:") {
        report.other += 1;
        return;
    }
    report.internal += 1;
    if url.is_empty() {
        report.broken.push(format!("{what}: empty URL"));
        return;
    }
    if let Some(scheme) = scheme(&lower) {
        report
            .broken
            .push(format!("{what}: unexpected URL scheme `{scheme}:`"));
        return;
    }
    if url.starts_with('/') {
        report.broken.push(format!(
            "{what}: a root-absolute URL does not work from file:// nor under a subpath"
        ));
        return;
    }
    let (no_frag, fragment) = match url.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (url, None),
    };
    let path_part = no_frag.split('?').next().unwrap_or("");
    let target = if path_part.is_empty() {
        from.to_string()
    } else {
        let Some(decoded) = percent_decode(path_part) else {
            report.broken.push(format!("{what}: bad percent-encoding"));
            return;
        };
        match join(dir, &decoded) {
            Some(t) => t,
            None => {
                report
                    .broken
                    .push(format!("{what}: goes above the site root"));
                return;
            }
        }
    };
    if target.is_empty() || target.ends_with('/') {
        report.broken.push(format!(
            "{what}: a directory link does not open index.html from file://"
        ));
        return;
    }
    if !all.contains(&target) {
        report
            .broken
            .push(format!("{what}: {target} does not exist"));
        return;
    }
    if let Some(frag) = fragment.filter(|f| !f.is_empty()) {
        let Some(page) = parsed.get(&target) else {
            return;
        };
        report.fragments += 1;
        let Some(id) = percent_decode(frag) else {
            report.broken.push(format!("{what}: bad percent-encoding"));
            return;
        };
        if !page.ids.contains(&id) && !id.eq_ignore_ascii_case("top") {
            report
                .broken
                .push(format!("{what}: no id `{id}` in {target}"));
        }
    }
}

/// The scheme of an absolute URL (`javascript`, `file`...).
fn scheme(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let s = &url[..colon];
    let mut chars = s.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)))
        .then_some(s)
}
