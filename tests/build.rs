//! The shipped guide and the `fixbook` command as an author and a reader use
//! them: check passes with full coverage, build writes the expected pages,
//! exit codes and messages are right, a failed build keeps the old site.

mod common;

use std::process::Command;

use common::{copy_dir, mini_guide, repo, TempDir};
use fixbook::build::{build, check_dir, BuildOptions};
use fixbook::check::Cover;

fn fixbook() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fixbook"))
}

#[test]
fn shipped_guide_passes_with_full_coverage() {
    let mut out = Vec::new();
    let checked = check_dir(&repo(), true, &mut out)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out)));
    let g = &checked.guide;
    let ids: Vec<&str> = g
        .platforms
        .iter()
        .map(|(_, p)| p.id.value.as_str())
        .collect();
    assert_eq!(ids, ["iphone-ipad", "mac", "windows"]);
    for (ci, (_, cause)) in g.causes.iter().enumerate() {
        for (pi, (_, p)) in g.platforms.iter().enumerate() {
            let cell = &checked.coverage[ci][pi];
            assert!(
                !cell.is_empty(),
                "{} has nothing on {}",
                cause.id.value,
                p.id.value
            );
            assert!(
                !cell.iter().any(|c| matches!(c, Cover::NotApplicable(_))),
                "{} uses not_applicable on {}",
                cause.id.value,
                p.id.value
            );
        }
    }
}

#[test]
fn build_writes_the_expected_pages() {
    let out = TempDir::new("site");
    let dest = out.path().join("book");
    let mut log = Vec::new();
    let report = build(
        &BuildOptions {
            dir: repo(),
            dest: Some(dest.clone()),
            deny_warnings: false,
            markdown_out: Some(out.path().join("md")),
            site_url: None,
        },
        &mut log,
    )
    .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&log)));
    assert_eq!(report.dest, dest);
    for page in [
        "index.html",
        "checks.html",
        "messages.html",
        "causes/index.html",
        "iphone-ipad/index.html",
        "mac/index.html",
        "windows/index.html",
        "nothing-works.html",
        "prevention.html",
        "coverage.html",
        "glossary.html",
        "outdated.html",
        "404.html",
    ] {
        assert!(dest.join(page).is_file(), "missing {page}");
    }
    assert!(out.path().join("md/SUMMARY.md").is_file());

    let mut out_ = Vec::new();
    let checked = check_dir(&repo(), false, &mut out_).ok().unwrap();
    let index = std::fs::read_to_string(dest.join("index.html")).unwrap();
    assert!(
        index.contains("<html lang=\"ja\""),
        "html lang from the guide"
    );
    // Every cause page links to fixes (or checks) on all three platforms.
    for (_, cause) in &checked.guide.causes {
        let page =
            std::fs::read_to_string(dest.join(format!("causes/{}.html", cause.id.value))).unwrap();
        for (_, p) in &checked.guide.platforms {
            let section = page
                .split(&format!("id=\"fixes-{}\"", p.id.value))
                .nth(1)
                .unwrap_or_else(|| panic!("{} has no section for {}", cause.id.value, p.id.value));
            let section = section.split("<h3").next().unwrap();
            assert!(
                section.contains(&format!("href=\"../{}/", p.id.value))
                    || section.contains("href=\"../checks.html#"),
                "cause {} links no fix on {}",
                cause.id.value,
                p.id.value
            );
        }
    }
    // Every fix has its page in its platform's chapter.
    for (_, f) in &checked.guide.fixes {
        assert!(dest
            .join(format!("{}/{}.html", f.platform.value, f.id.value))
            .is_file());
    }
}

/// Delete the YAML item starting at `- id: <id>` (to the next item).
fn delete_item(text: &str, id: &str) -> String {
    let start = text.find(&format!("  - id: {id}\n")).expect("item present");
    let rest = &text[start + 1..];
    let end = rest
        .find("\n  - id: ")
        .map(|i| start + 1 + i + 1)
        .unwrap_or(text.len());
    format!("{}{}", &text[..start], &text[end..])
}

#[test]
fn removing_the_only_windows_fix_of_a_cause_fails_with_its_location() {
    let mut log = Vec::new();
    let checked = check_dir(&repo(), false, &mut log).ok().unwrap();
    let g = &checked.guide;
    let win = g
        .platforms
        .iter()
        .position(|(_, p)| p.id.value == "windows")
        .unwrap();
    // A cause covered on Windows by exactly one fix and no check.
    let (ci, fix) = (0..g.causes.len())
        .find_map(|ci| match checked.coverage[ci][win].as_slice() {
            [Cover::Fix(f)] => Some((ci, *f)),
            _ => None,
        })
        .expect("some cause has a single Windows fix");
    let cause = &g.causes[ci].1.id.value;
    let fix_id = &g.fixes[fix].1.id.value;

    let t = TempDir::new("nowin");
    copy_dir(&repo().join("guide-src"), &t.path().join("guide-src"));
    std::fs::copy(repo().join("book.toml"), t.path().join("book.toml")).unwrap();
    let file = t.path().join("guide-src/fixes/windows.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, delete_item(&text, fix_id)).unwrap();

    let out = fixbook()
        .arg("check")
        .arg(".")
        .current_dir(t.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let wanted = format!("error: cause `{cause}` has no fix on platform `windows` (Windows)");
    let line = stderr
        .lines()
        .find(|l| l.contains(&wanted))
        .unwrap_or_else(|| panic!("no line with {wanted:?} in\n{stderr}"));
    let loc = line.split(": error:").next().unwrap();
    let parts: Vec<&str> = loc.rsplitn(3, ':').collect();
    assert_eq!(parts.len(), 3, "{line}");
    assert!(parts[2].ends_with("guide-src/causes.yaml"), "{line}");
    assert!(
        parts[1].parse::<u32>().unwrap() > 0 && parts[0].parse::<u32>().unwrap() > 0,
        "{line}"
    );
}

#[test]
fn exit_codes_follow_the_convention() {
    let ok = fixbook().args(["check"]).arg(repo()).output().unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let missing = fixbook()
        .args(["check", "/nonexistent/guide"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/guide"));
    let usage = fixbook()
        .args(["build", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
    let help = fixbook().args(["build", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--dest-dir"));
}

#[test]
fn unknown_output_html_key_is_refused() {
    let g = mini_guide();
    let toml = g.path().join("book.toml");
    common::edit(
        &toml,
        "[output.html]\n",
        "[output.html]\nsite-ur = \"/x/\"\n",
    );
    let out = fixbook().arg("build").arg(g.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("site-ur"), "{stderr}");
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let g = mini_guide();
    let ok = fixbook().arg("build").arg(g.path()).output().unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let before = snapshot(&g.path().join("book"));
    assert!(!before.is_empty());
    // A broken guide, then a broken template: both fail, the site stays.
    common::edit(
        &g.path().join("guide-src/items.yaml"),
        "causes: [offline, wrong-password]",
        "causes: [nope]",
    );
    let bad = fixbook().arg("build").arg(g.path()).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(snapshot(&g.path().join("book")), before);
    // mdBook itself failing half-way (a broken theme template) must not
    // touch the published site either.
    common::edit(
        &g.path().join("guide-src/items.yaml"),
        "causes: [nope]",
        "causes: [offline, wrong-password]",
    );
    let hbs = g.path().join("themes/mdbook/index.hbs");
    let mut text = std::fs::read_to_string(&hbs).unwrap();
    text.push_str("{{#if}}");
    std::fs::write(&hbs, text).unwrap();
    let bad = fixbook().arg("build").arg(g.path()).output().unwrap();
    assert_eq!(
        bad.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    assert_eq!(snapshot(&g.path().join("book")), before);
    let leftovers: Vec<_> = std::fs::read_dir(g.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("fixbook-tmp") || n.contains("fixbook-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn two_builds_are_identical() {
    let g = mini_guide();
    let a = g.path().join("a");
    let b = g.path().join("b");
    for d in [&a, &b] {
        let out = fixbook()
            .arg("build")
            .arg(g.path())
            .arg("-d")
            .arg(d)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for e in walkdir::WalkDir::new(&a) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&a).unwrap();
            assert_eq!(
                std::fs::read(e.path()).unwrap(),
                std::fs::read(b.join(rel)).unwrap(),
                "{}",
                rel.display()
            );
        }
    }
}

#[test]
fn additional_files_outside_the_guide_are_refused() {
    let g = mini_guide();
    common::edit(
        &g.path().join("book.toml"),
        "additional-css = [",
        "additional-css = [\"../outside.css\", ",
    );
    let out = fixbook().arg("build").arg(g.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("../outside.css") && stderr.contains("no `..`"),
        "{stderr}"
    );
    assert!(!g.path().parent().unwrap().join("outside.css").exists());
}

/// Copy the files of a guide directory (guide-src, themes, book.toml) into
/// `to`, creating them in the given order of their relative paths.
fn copy_in_order(from: &std::path::Path, to: &std::path::Path, reverse: bool) {
    let mut files: Vec<std::path::PathBuf> = ["guide-src", "themes"]
        .iter()
        .flat_map(|d| walkdir::WalkDir::new(from.join(d)))
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(from).unwrap().to_path_buf())
        .chain([std::path::PathBuf::from("book.toml")])
        .collect();
    files.sort();
    if reverse {
        files.reverse();
    }
    for rel in files {
        let dest = to.join(&rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&rel), dest).unwrap();
    }
}

/// The shipped guide built twice, from copies whose files were created in
/// opposite orders (so directories list them differently), at different
/// paths, with a different time zone, locale and SOURCE_DATE_EPOCH: every
/// file of the two sites, the offline zip included, must be byte-identical.
#[test]
fn shipped_guide_builds_are_byte_identical_whatever_the_environment() {
    let t = TempDir::new("determinism");
    // The second copy goes to a tmpfs when there is one: tmpfs lists a
    // directory newest first, ext4 in hash order, so the loader and the
    // template walk see the files in different orders.
    let shm = std::path::Path::new("/dev/shm");
    let t2 = if shm.is_dir() && std::fs::create_dir_all(shm.join("fixbook-probe")).is_ok() {
        let _ = std::fs::remove_dir(shm.join("fixbook-probe"));
        let p = shm.join(format!("fixbook-test-determinism-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        TempDir(p)
    } else {
        TempDir::new("determinism-b")
    };
    let (a, b) = (t.path().join("guide-a"), t2.path().join("other/guide-b"));
    copy_in_order(&repo(), &a, true);
    copy_in_order(&repo(), &b, false);
    let listing = |d: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(d.join("guide-src"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let (la, lb) = (listing(&a), listing(&b));
    eprintln!("listing order: {la:?} vs {lb:?}");
    if t2.path().starts_with(shm) {
        assert_ne!(la, lb, "the two copies list their files in the same order");
    }
    let envs: [&[(&str, &str)]; 2] = [
        &[
            ("TZ", "UTC"),
            ("LC_ALL", "C"),
            ("LANG", "C"),
            ("SOURCE_DATE_EPOCH", "0"),
        ],
        &[
            ("TZ", "Pacific/Kiritimati"),
            ("LC_ALL", "ja_JP.UTF-8"),
            ("LANG", "tr_TR.UTF-8"),
            ("SOURCE_DATE_EPOCH", "1900000000"),
        ],
    ];
    for (dir, env) in [(&a, envs[0]), (&b, envs[1])] {
        let out = fixbook()
            .arg("build")
            .arg(".")
            .current_dir(dir)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let files = |root: &std::path::Path| -> Vec<String> {
        let mut v: Vec<String> = walkdir::WalkDir::new(root)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(root).unwrap().display().to_string())
            .collect();
        v.sort();
        v
    };
    let (sa, sb) = (a.join("book"), b.join("book"));
    let names = files(&sa);
    assert_eq!(names, files(&sb), "the two sites have different files");
    assert!(names.iter().any(|n| n.ends_with(".zip")), "{names:?}");
    let differ: Vec<&String> = names
        .iter()
        .filter(|n| std::fs::read(sa.join(n)).unwrap() != std::fs::read(sb.join(n)).unwrap())
        .collect();
    assert!(
        differ.is_empty(),
        "files differ between the builds: {differ:?}"
    );
    // Neither build's location nor the clock leaks into the site: the only
    // dates are the ones written in the YAML (so there is no build date for
    // SOURCE_DATE_EPOCH to replace).
    let (y, m, d) = today();
    let stamps = [
        format!("{y}-{m:02}-{d:02}"),
        format!("{y}/{m:02}/{d:02}"),
        format!("{y}年{m}月{d}日"),
    ];
    let yaml: String = walkdir::WalkDir::new(repo().join("guide-src"))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    for n in &names {
        let bytes = std::fs::read(sb.join(n)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("guide-b"), "{n} contains the build path");
        for s in stamps.iter().filter(|s| !yaml.contains(s.as_str())) {
            assert!(!text.contains(s.as_str()), "{n} shows today's date {s}");
        }
    }
}

/// Today's date (UTC) as (year, month, day), without a date library.
fn today() -> (i64, u32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // Howard Hinnant's days-to-civil algorithm.
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Every file of a directory with its bytes, sorted.
fn snapshot(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// A template error, and a build killed while writing (a file size limit
/// stands in for a full disk: the kernel stops the process with SIGXFSZ in
/// the middle of the build), leave the previous site byte-identical.
#[test]
fn template_errors_and_killed_builds_leave_the_previous_site_untouched() {
    let g = mini_guide();
    let ok = fixbook().arg("build").arg(g.path()).output().unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let site = g.path().join("book");
    let before = snapshot(&site);
    assert!(!before.is_empty());

    // The guide changes, so a build that got through would change the site.
    common::edit(
        &g.path().join("guide-src/items.yaml"),
        "title: 接続を確かめる",
        "title: 接続を確かめ直す",
    );

    // 1. A broken template: exit 2, nothing replaced.
    let fix_md = g.path().join("themes/templates/fix.md");
    let good_template = std::fs::read_to_string(&fix_md).unwrap();
    std::fs::write(
        &fix_md,
        format!("{good_template}\n{{{{ page.title | no_such_filter }}}}\n"),
    )
    .unwrap();
    let bad = fixbook().arg("build").arg(g.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("fix.md"),
        "the message names the template: {stderr}"
    );
    assert_eq!(snapshot(&site), before, "a template error changed the site");
    std::fs::write(&fix_md, good_template).unwrap();

    // 2. Killed in the middle of writing (64 KiB file size limit).
    let killed = Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 64 && exec \"$0\" build \"$1\"")
        .arg(env!("CARGO_BIN_EXE_fixbook"))
        .arg(g.path())
        .output()
        .unwrap();
    assert_ne!(
        killed.status.code(),
        Some(0),
        "the build should have been stopped by the file size limit: {}",
        String::from_utf8_lossy(&killed.stderr)
    );
    assert_eq!(snapshot(&site), before, "a killed build changed the site");

    // 3. The next good build replaces the site and leaves nothing of its own behind.
    let again = fixbook().arg("build").arg(g.path()).output().unwrap();
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_ne!(
        snapshot(&site),
        before,
        "the good build did not update the site"
    );
}
