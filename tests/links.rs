//! Every link of the built site resolves: on disk (as read from `file://`,
//! fragments included), and served under a GitHub-Pages-like subpath from a
//! loopback HTTP server (every link answers 200, a missing page gets the 404
//! page with status 404, and that page's links work too).

mod common;
#[path = "common/site.rs"]
mod site;

use std::collections::{BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use site::{build_guide, check_links, join, parse, percent_decode};

#[test]
fn every_link_and_anchor_of_the_site_resolves_on_disk() {
    let started = Instant::now();
    let (_tmp, root) = build_guide("links", None);
    let report = check_links(&root, "/");
    let external: usize = report.external.values().sum();
    eprintln!(
        "link check: {} pages, {} internal links ({} with #fragment), {} external links to {} hosts (not fetched), {} other, {} broken, {:.1} s",
        report.pages,
        report.internal,
        report.fragments,
        external,
        report.external.len(),
        report.other,
        report.broken.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(report.pages > 40, "only {} pages", report.pages);
    assert!(
        report.broken.is_empty(),
        "{} broken links:\n{}",
        report.broken.len(),
        report.broken.join("\n")
    );
    // Links into the print edition and the checklists are among those
    // checked (when those pages exist); Japanese ids are checked by the
    // test below and counted here.
    let pages: Vec<_> = site::html_files(&root)
        .iter()
        .map(|f| parse(&std::fs::read_to_string(root.join(f)).unwrap()))
        .collect();
    let japanese_ids: usize = pages
        .iter()
        .map(|p| p.ids.iter().filter(|id| !id.is_ascii()).count())
        .sum();
    let into = |needle: &str| {
        pages
            .iter()
            .flat_map(|p| p.links.iter())
            .filter(|(_, _, url)| url.contains(needle) && !url.starts_with("http"))
            .count()
    };
    let (to_print, to_checklists) = (into("print.html"), into("checklists/"));
    eprintln!(
        "link check: {japanese_ids} non-ASCII ids, {to_print} links into print.html, {to_checklists} into checklists/"
    );
    if root.join("print.html").exists() {
        assert!(to_print > 0, "no link into print.html was checked");
    }
    if root.join("checklists").exists() {
        assert!(to_checklists > 0, "no link into checklists/ was checked");
    }
}

#[test]
fn the_link_checker_reports_broken_links_and_anchors() {
    let tmp = common::TempDir::new("links-self");
    let root = tmp.path();
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(
        root.join("index.html"),
        r##"<!-- <a href="ignored.html"> --><h2 id="確認">x</h2>
<a href="sub/a.html#%E7%A2%BA%E8%AA%8D">ok jp</a>
<a href="sub/a.html#%E7%84%A1%E3%81%84">missing jp</a>
<a href="missing.html">missing</a>
<a href="#確認">ok</a><a href="#nope">bad</a>
<a href="sub/">dir</a><a href="/abs.html">abs</a>
<a href="https://support.apple.com/ja-jp/HT201355">ext</a>
<script>var s = '<a href="not-a-link.html">';</script>
<img src="sub/../sub/a.html">"##,
    )
    .unwrap();
    std::fs::write(
        root.join("sub/a.html"),
        r##"<h1 id='確認'>t</h1><a href="../index.html#%E7%A2%BA%E8%AA%8D">b</a><a href=../../x.html>up</a>"##,
    )
    .unwrap();
    let r = check_links(root, "/");
    let broken = r.broken.join("\n");
    assert_eq!(r.broken.len(), 6, "{broken}");
    for needle in [
        "no id `無い`",
        "missing.html does not exist",
        "no id `nope`",
        "directory link",
        "root-absolute",
        "above the site root",
    ] {
        assert!(broken.contains(needle), "{needle} not in:\n{broken}");
    }
    assert_eq!(r.external.values().sum::<usize>(), 1);
}

const SUBPATH: &str = "/fixbook-test/";

#[test]
fn served_under_a_subpath_every_link_answers_200() {
    let started = Instant::now();
    let (_tmp, root) = build_guide("subpath", Some(SUBPATH));
    let server = Server::start(root.clone(), SUBPATH);
    let mut crawl = Crawl::new(server.port);

    // A missing page gets the 404 page, with status 404.
    let missing = format!("{SUBPATH}no/such/page.html");
    let (status, body) = crawl.get(&missing);
    assert_eq!(status, 404, "GET {missing}");
    let body = String::from_utf8_lossy(&body).into_owned();
    let page = parse(&body);
    assert_eq!(
        page.base.as_deref(),
        Some(SUBPATH),
        "404.html must have <base href=\"{SUBPATH}\">"
    );
    // Its links, resolved the way a browser does from the missing URL
    // (against <base>), must all work: seed the crawl with them.
    crawl.queue_links(&missing, &body);
    crawl.queue(SUBPATH.to_string(), "start".into());
    crawl.run();
    server.stop();

    eprintln!(
        "subpath crawl: {} URLs fetched ({} HTML pages), {} errors, {:.1} s",
        crawl.fetched,
        crawl.html_pages,
        crawl.errors.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(crawl.html_pages > 40, "only {} pages", crawl.html_pages);
    assert!(
        crawl.errors.is_empty(),
        "{} errors:\n{}",
        crawl.errors.len(),
        crawl.errors.join("\n")
    );
}

/// A minimal static file server like GitHub Pages: files under `prefix`,
/// `dir/` serves `dir/index.html`, `dir` redirects to `dir/`, anything
/// missing gets `404.html` with status 404. One thread, loopback only,
/// stops when told to or after two minutes.
struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(root: PathBuf, prefix: &'static str) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            while !flag.load(Ordering::SeqCst) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let _ = serve(stream, &root, prefix);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    Err(_) => break,
                }
            }
        });
        Server {
            port,
            stop,
            thread: Some(thread),
        }
    }

    fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

fn serve(stream: TcpStream, root: &Path, prefix: &str) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut out = stream;
    let respond = |out: &mut TcpStream, status: &str, headers: &str, body: &[u8]| {
        let head = format!(
            "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        out.write_all(head.as_bytes())?;
        out.write_all(body)?;
        out.flush()?;
        out.shutdown(Shutdown::Write)
    };
    let found = path
        .strip_prefix(prefix)
        .and_then(percent_decode)
        .filter(|rel| !rel.split('/').any(|s| s == ".." || s == "."))
        .map(|rel| {
            let file = root.join(&rel);
            if !file.is_dir() {
                Ok(file)
            } else if rel.is_empty() || rel.ends_with('/') {
                Ok(file.join("index.html"))
            } else {
                Err(format!("{path}/"))
            }
        });
    match found {
        Some(Err(location)) => respond(
            &mut out,
            "301 Moved Permanently",
            &format!("Location: {location}\r\n"),
            b"",
        ),
        Some(Ok(file)) if file.is_file() => {
            let body = std::fs::read(&file)?;
            let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
            let ctype = match ext {
                "html" => "text/html; charset=utf-8",
                "css" => "text/css",
                "js" => "text/javascript",
                "svg" => "image/svg+xml",
                "png" => "image/png",
                "woff2" => "font/woff2",
                "zip" => "application/zip",
                _ => "application/octet-stream",
            };
            respond(
                &mut out,
                "200 OK",
                &format!("Content-Type: {ctype}\r\n"),
                &body,
            )
        }
        _ => {
            let body = std::fs::read(root.join("404.html")).unwrap_or_default();
            respond(
                &mut out,
                "404 Not Found",
                "Content-Type: text/html; charset=utf-8\r\n",
                &body,
            )
        }
    }
}

/// Breadth-first crawl of every same-site URL, following redirects.
struct Crawl {
    port: u16,
    seen: BTreeSet<String>,
    todo: VecDeque<(String, String)>,
    fetched: usize,
    html_pages: usize,
    errors: Vec<String>,
}

impl Crawl {
    fn new(port: u16) -> Crawl {
        Crawl {
            port,
            seen: BTreeSet::new(),
            todo: VecDeque::new(),
            fetched: 0,
            html_pages: 0,
            errors: Vec::new(),
        }
    }

    fn get(&mut self, path: &str) -> (u16, Vec<u8>) {
        let (status, _location, body) = http_get(self.port, path);
        (status, body)
    }

    fn queue(&mut self, path: String, from: String) {
        if self.seen.insert(path.clone()) {
            self.todo.push_back((path, from));
        }
    }

    /// Queue every link of an HTML page fetched at `url` (absolute path).
    fn queue_links(&mut self, url: &str, body: &str) {
        let page = parse(body);
        let base = page.base.clone().unwrap_or_else(|| url.to_string());
        let base_dir = &base[..base.rfind('/').map(|p| p + 1).unwrap_or(0)];
        for (tag, attr, link) in &page.links {
            let lower = link.to_ascii_lowercase();
            if lower.starts_with("http:")
                || lower.starts_with("https:")
                || lower.starts_with("mailto:")
                || lower.starts_with("tel:")
                || lower.starts_with("data:")
                || link.starts_with('#')
            {
                continue;
            }
            let link = link.split('#').next().unwrap_or("");
            let link = link.split('?').next().unwrap_or("");
            let resolved = if link.starts_with('/') {
                Some(link.to_string())
            } else {
                join(base_dir, link).map(|p| format!("/{p}"))
            };
            match resolved {
                Some(p) if p.starts_with(SUBPATH) => {
                    self.queue(p, format!("{url} <{tag} {attr}=\"{link}\">"))
                }
                _ => self
                    .errors
                    .push(format!("{url}: <{tag} {attr}=\"{link}\"> leaves {SUBPATH}")),
            }
        }
    }

    fn run(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(90);
        while let Some((path, from)) = self.todo.pop_front() {
            assert!(Instant::now() < deadline, "crawl took too long");
            let (status, location, body) = http_get(self.port, &path);
            self.fetched += 1;
            match status {
                200 => {
                    if path.ends_with(".html") || path.ends_with('/') {
                        self.html_pages += 1;
                        let text = String::from_utf8_lossy(&body).into_owned();
                        self.queue_links(&path, &text);
                    }
                }
                301 => match location {
                    Some(l) => self.queue(l, path.clone()),
                    None => self
                        .errors
                        .push(format!("{path}: redirect without Location")),
                },
                s => self
                    .errors
                    .push(format!("{path}: status {s} (linked from {from})")),
            }
        }
    }
}

/// GET over HTTP/1.1 with `Connection: close`: (status, Location, body).
fn http_get(port: u16, path: &str) -> (u16, Option<String>, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // Links hold raw UTF-8 (Japanese file names would be escaped).
    let mut encoded = String::new();
    for b in path.bytes() {
        if b.is_ascii_graphic() {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    write!(
        s,
        "GET {encoded} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let location = head
        .lines()
        .find_map(|l| l.strip_prefix("Location: "))
        .map(str::to_string);
    (status, location, raw[split + 4..].to_vec())
}
