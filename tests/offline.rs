//! Reading offline: every generated page, opened from `file://` in headless
//! Chromium, makes no network request (NetLog, counting only events caused
//! by the page); the offline zip unzips into a complete site that opens and
//! searches with no server.

mod common;
use common::file_url;
#[path = "common/site.rs"]
mod site;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::TempDir;
use fixbook::site::DOWNLOAD_PATH;
use site::{build_guide, check_links, files, html_files};

const INSTALL: &str = "apt-get install chromium chromium-headless-shell fonts-noto-cjk fonts-dejavu-core poppler-utils";

/// The full browser (the headless shell ignores `preconnect` and
/// `dns-prefetch`). `FIXBOOK_CHROMIUM` overrides the search.
fn full_browser() -> PathBuf {
    if let Some(p) = std::env::var_os("FIXBOOK_CHROMIUM") {
        return PathBuf::from(p);
    }
    let direct = Path::new("/usr/lib/chromium/chromium");
    if direct.is_file() {
        return direct.to_path_buf();
    }
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        if let Some(path) = on_path(name) {
            return path;
        }
    }
    panic!("Chromium is needed for the offline tests and was not found (or set FIXBOOK_CHROMIUM): {INSTALL}");
}

/// The headless shell (faster) when installed, else the full browser.
fn headless_shell() -> PathBuf {
    let shell = Path::new("/usr/lib/chromium/chromium-headless-shell");
    if shell.is_file() {
        shell.to_path_buf()
    } else {
        full_browser()
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// Run a command, killing it after `limit`; true when it exited in time.
fn run_bounded(cmd: &mut Command, limit: Duration) -> bool {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {:?}: {e} ({INSTALL})", cmd.get_program()));
    let end = Instant::now() + limit;
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            return true;
        }
        if Instant::now() > end {
            let _ = child.kill();
            let _ = child.wait();
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Load one page in the full browser with a NetLog, printing it (printing
/// loads print-only and lazy resources). Returns the requests the page made
/// (URLs and hosts of NetLog events whose network isolation/anonymization
/// key is `file://`), or why the page could not be checked.
fn requests_of(browser: &Path, page: &Path, work: &Path) -> Result<Vec<String>, String> {
    let profile = work.join("profile");
    let netlog = work.join("net.json");
    let pdf = work.join("page.pdf");
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-pings",
        "--disable-dev-shm-usage",
        "--virtual-time-budget=5000",
        "--net-log-capture-mode=Default",
        "--no-pdf-header-footer",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg(format!("--log-net-log={}", netlog.display()))
    .arg(format!("--print-to-pdf={}", pdf.display()))
    .arg(file_url(page));
    if !run_bounded(&mut cmd, Duration::from_secs(60)) {
        return Err("Chromium did not finish within 60 s".into());
    }
    let printed = std::fs::read(&pdf).unwrap_or_default();
    if !printed.starts_with(b"%PDF-") {
        return Err("Chromium did not load and print the page".into());
    }
    let log = std::fs::read_to_string(&netlog).map_err(|e| format!("no NetLog: {e}"))?;
    if !log.trim_end().ends_with('}') {
        return Err("the NetLog was not closed".into());
    }
    let mut found = Vec::new();
    for line in log.lines() {
        if !(line.contains(r#""network_isolation_key":"file://"#)
            || line.contains(r#""network_anonymization_key":"file://"#))
        {
            continue;
        }
        for key in [r#""url":""#, r#""host":""#] {
            let mut rest = line;
            while let Some(p) = rest.find(key) {
                rest = &rest[p + key.len()..];
                let end = rest.find('"').unwrap_or(rest.len());
                found.push(rest[..end].to_string());
                rest = &rest[end..];
            }
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

/// Check pages in parallel (Chromium waits a lot: twice the cores).
fn check_pages(pages: &[PathBuf]) -> BTreeMap<PathBuf, Result<Vec<String>, String>> {
    let browser = full_browser();
    let workers = std::thread::available_parallelism()
        .map(|n| n.get() * 2)
        .unwrap_or(4)
        .clamp(2, 8);
    let next = AtomicUsize::new(0);
    let results = Mutex::new(BTreeMap::new());
    let tmp = TempDir::new("netlog");
    std::thread::scope(|s| {
        for w in 0..workers {
            let (next, results, browser, tmp) = (&next, &results, &browser, &tmp);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(page) = pages.get(i) else { break };
                let mut result = Err(String::new());
                for attempt in 0..2 {
                    let work = tmp.path().join(format!("w{w}-{i}-{attempt}"));
                    std::fs::create_dir_all(&work).unwrap();
                    result = requests_of(browser, page, &work);
                    let _ = std::fs::remove_dir_all(&work);
                    if result.is_ok() {
                        break;
                    }
                }
                results.lock().unwrap().insert(page.clone(), result);
            });
        }
    });
    results.into_inner().unwrap()
}

#[test]
fn no_page_makes_a_network_request_from_file() {
    let started = Instant::now();
    let (_tmp, root) = build_guide("offline", None);
    // A canary page with remote resources proves that the method sees
    // requests (preconnect, stylesheet, image, fetch).
    let canary_dir = TempDir::new("canary");
    let canary = canary_dir.path().join("canary.html");
    std::fs::write(
        &canary,
        r#"<!doctype html><html><head><link rel="preconnect" href="https://fonts.googleapis.com">
<link rel="stylesheet" href="https://cdn.invalid/x.css"></head>
<body><img src="http://img.invalid/a.png"><p>canary</p></body></html>"#,
    )
    .unwrap();
    let mut pages: Vec<PathBuf> = vec![canary.clone()];
    pages.extend(html_files(&root).iter().map(|f| root.join(f)));
    let results = check_pages(&pages);

    let mut failures = Vec::new();
    let mut requests = 0;
    for (page, result) in &results {
        if page == &canary {
            continue;
        }
        let shown = page.strip_prefix(&root).unwrap_or(page).display();
        match result {
            Ok(found) if found.is_empty() => {}
            Ok(found) => {
                requests += found.len();
                failures.push(format!("{shown}: {}", found.join(", ")));
            }
            Err(why) => failures.push(format!("{shown}: not checked: {why}")),
        }
    }
    let checked = results.len() - 1;
    eprintln!(
        "zero-network: {checked} pages loaded from file:// and printed, {requests} requests, {} failures, {:.1} s",
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    let seen = results[&canary]
        .clone()
        .unwrap_or_else(|e| panic!("canary: {e}"));
    for host in ["fonts.googleapis.com", "cdn.invalid", "img.invalid"] {
        assert!(
            seen.iter().any(|r| r.contains(host)),
            "the NetLog method missed the canary's request to {host}: {seen:?}"
        );
    }
    assert!(checked > 40, "only {checked} pages");
    assert!(
        failures.is_empty(),
        "{} pages make network requests or could not be checked:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_offline_zip_unzips_into_a_site_that_opens_and_searches() {
    let started = Instant::now();
    let (_tmp, root) = build_guide("zip", None);
    let zip_path = root.join(DOWNLOAD_PATH);
    let bytes = std::fs::read(&zip_path).expect("the build writes the offline zip");
    let index = std::fs::read_to_string(root.join("index.html")).unwrap();
    assert!(
        index.contains(&format!("href=\"{DOWNLOAD_PATH}\"")),
        "the start page does not link to {DOWNLOAD_PATH}"
    );

    // Unzip into a fresh folder.
    let out = TempDir::new("unzip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let rel = entry.enclosed_name().expect("unsafe path in the zip");
        names.push(entry.name().unwrap().to_string());
        let dest = out.path().join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        let mut f = std::fs::File::create(&dest).unwrap();
        std::io::copy(&mut entry, &mut f).unwrap();
    }
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "zip entries are not sorted");
    let folder = out.path().join("fixbook-offline");
    assert!(
        folder.join("index.html").is_file(),
        "no index.html in the zip's folder"
    );

    // Every file of the site is there, byte for byte, except the zip.
    let expected: Vec<String> = files(&root)
        .into_iter()
        .filter(|f| f != DOWNLOAD_PATH)
        .collect();
    assert_eq!(files(&folder), expected, "the zip does not hold the site");
    for f in &expected {
        assert!(
            std::fs::read(root.join(f)).unwrap() == std::fs::read(folder.join(f)).unwrap(),
            "{f} differs in the zip"
        );
    }
    // Its links work from disk; the only missing target is the zip itself.
    let report = check_links(&folder, "/");
    let broken: Vec<&String> = report
        .broken
        .iter()
        .filter(|b| !b.contains(&format!("{DOWNLOAD_PATH} does not exist")))
        .collect();
    assert!(
        broken.is_empty(),
        "broken links in the unzipped site: {broken:#?}"
    );

    // It opens and searches from file://, with no server.
    let page = folder.join("index.html");
    let query = "%E3%82%B5%E3%82%A4%E3%83%B3%E3%82%A4%E3%83%B3"; // サインイン
    let dom = dump_dom(&format!("{}?search={query}", file_url(&page)));
    assert!(
        dom.contains("fb-download"),
        "index.html of the unzipped site did not render"
    );
    let results = dom
        .split_once("id=\"mdbook-searchresults\"")
        .map(|(_, rest)| rest.split("</ul>").next().unwrap_or(""))
        .unwrap_or("");
    let hits = results.matches("<li").count();
    eprintln!(
        "offline zip: {} bytes, {} entries, search for サインイン from file://: {hits} results, {:.1} s",
        bytes.len(),
        names.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        hits > 0,
        "searching the unzipped site from file:// found nothing"
    );
}

/// The DOM of a page after its scripts ran.
fn dump_dom(url: &str) -> String {
    let profile = TempDir::new("dom-profile");
    let mut last = String::new();
    for _ in 0..2 {
        let out = Command::new(headless_shell())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--virtual-time-budget=5000",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run Chromium: {e} ({INSTALL})"));
        last = String::from_utf8_lossy(&out.stdout).into_owned();
        if last.contains("</html>") {
            break;
        }
    }
    last
}
