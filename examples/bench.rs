//! What fixbook costs on top of mdBook, and how it scales (docs/performance.md).
//!
//! ```sh
//! cargo run --release --example bench -- [--runs 5] [--runs-large 3] [--scales 10,100] [--work DIR]
//! ```
//!
//! For the shipped guide and synthetic guides (`examples/common/synth.rs`)
//! at each scale, it runs several times, each step in a fresh child process
//! of this program: `check` (load + check), `build` (check, render, mdBook,
//! extra files, zip, swap; the first run also keeps the Markdown with
//! `--markdown-out`, and the time that takes is subtracted) and mdBook
//! alone (`MDBook::load_with_config(...).build()` on that Markdown, over the
//! previous output, with the same `Config` as the build:
//! `site::mdbook_config`). Times are measured inside the child around the
//! library call (mdBook alone needs the checked guide for its title: that
//! check is not timed); peak memory is the child's VmHWM. Prints medians
//! with min–max, the ratios, the build's stages and the growth per page.
//! `--runs-large` is the number of runs for scales of 100 and more.

#[path = "common/synth.rs"]
#[allow(dead_code)]
mod synth;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use fixbook::build::{self, BuildOptions};
use fixbook::site::{self, SiteConfig};

fn peak_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Child modes: one measured step, printed as `key=value` lines.
fn child(mode: &str, args: &[String]) -> ! {
    let dir = PathBuf::from(&args[0]);
    let mut sink = std::io::sink();
    let t = Instant::now();
    match mode {
        "check" => {
            build::check_dir(&dir, false, &mut sink).unwrap_or_else(|_| fail("check failed"));
            println!("ms={}", ms(t));
        }
        "build" => {
            let opts = BuildOptions {
                dir: dir.clone(),
                dest: Some(PathBuf::from(&args[1])),
                markdown_out: args.get(2).map(PathBuf::from),
                ..BuildOptions::default()
            };
            let report = build::build(&opts, &mut sink).unwrap_or_else(|_| fail("build failed"));
            println!("ms={}", ms(t));
            println!("pages={}", report.pages);
            for (stage, d) in &report.timings {
                println!("stage {stage}={}", d.as_secs_f64() * 1000.0);
            }
        }
        "mdbook" => {
            let md = PathBuf::from(&args[1]);
            let dest = PathBuf::from(&args[2]);
            let config = SiteConfig::from_dir(&dir).unwrap_or_else(|_| fail("book.toml"));
            let checked =
                build::check_dir(&dir, false, &mut sink).unwrap_or_else(|_| fail("check failed"));
            let abs = |p: &Path| std::env::current_dir().expect("cwd").join(p);
            let cfg = site::mdbook_config(&config, &checked, &abs(&md), &abs(&dest));
            drop(checked);
            // Like `mdbook build` over an existing book: mdBook empties the
            // previous output itself, as the build replaces the previous site.
            let t = Instant::now();
            site::run_mdbook(&abs(&dir), cfg).unwrap_or_else(|_| fail("mdBook failed"));
            println!("ms={}", ms(t));
        }
        _ => fail("unknown child mode"),
    }
    println!("peak_kb={}", peak_kb());
    std::process::exit(0)
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn fail(what: &str) -> ! {
    eprintln!("bench: {what}");
    std::process::exit(1)
}

#[derive(Default)]
struct Sample {
    ms: f64,
    peak_kb: u64,
    stages: Vec<(String, f64)>,
}

fn run_child(mode: &str, args: &[&Path]) -> Sample {
    let exe = std::env::current_exe().expect("own path");
    let out = Command::new(exe)
        .arg("--child")
        .arg(mode)
        .args(args)
        .output()
        .expect("run child");
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        fail(&format!("child {mode} failed"));
    }
    let mut s = Sample::default();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if let Some(v) = line.strip_prefix("ms=") {
            s.ms = v.parse().unwrap_or(0.0);
        } else if let Some(v) = line.strip_prefix("peak_kb=") {
            s.peak_kb = v.parse().unwrap_or(0);
        } else if let Some(v) = line.strip_prefix("stage ") {
            if let Some((k, v)) = v.split_once('=') {
                s.stages.push((k.to_string(), v.parse().unwrap_or(0.0)));
            }
        }
    }
    s
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn spread(v: &[f64]) -> String {
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(0.0, f64::max);
    format!("{} ({}–{})", fmt_ms(median(v)), fmt_ms(min), fmt_ms(max))
}

fn fmt_ms(v: f64) -> String {
    if v >= 10_000.0 {
        format!("{:.1} s", v / 1000.0)
    } else if v >= 100.0 {
        format!("{v:.0} ms")
    } else {
        format!("{v:.1} ms")
    }
}

fn dir_size(p: &Path) -> (u64, usize) {
    let (mut bytes, mut files) = (0, 0);
    for e in walkdir::WalkDir::new(p).into_iter().flatten() {
        if e.file_type().is_file() {
            bytes += e.metadata().map(|m| m.len()).unwrap_or(0);
            files += 1;
        }
    }
    (bytes, files)
}

struct Row {
    name: String,
    yaml: u64,
    pages: usize,
    check: Vec<f64>,
    build: Vec<f64>,
    mdbook: Vec<f64>,
    peak_build: u64,
    peak_mdbook: u64,
    out_bytes: u64,
    out_files: usize,
    index: u64,
    zip: u64,
    stages: Vec<(String, Vec<f64>)>,
    runs: usize,
}

fn measure(name: &str, dir: &Path, work: &Path, runs: usize) -> Row {
    let dest = work.join("site");
    let md = work.join("md");
    let alone = work.join("mdbook-alone");
    let _ = std::fs::remove_dir_all(&md);
    let mut row = Row {
        name: name.to_string(),
        yaml: dir_size(&dir.join("guide-src")).0,
        pages: 0,
        check: Vec::new(),
        build: Vec::new(),
        mdbook: Vec::new(),
        peak_build: 0,
        peak_mdbook: 0,
        out_bytes: 0,
        out_files: 0,
        index: 0,
        zip: 0,
        stages: Vec::new(),
        runs,
    };
    for i in 0..runs {
        eprintln!("bench: {name}: run {}/{runs}", i + 1);
        row.check.push(run_child("check", &[dir]).ms);
        // The first build also keeps the Markdown for mdBook alone; the
        // time it took to write it is not counted.
        let b = if i == 0 {
            run_child("build", &[dir, &dest, &md])
        } else {
            run_child("build", &[dir, &dest])
        };
        let kept: f64 = b
            .stages
            .iter()
            .filter(|(k, _)| k == "write markdown")
            .map(|(_, v)| v)
            .sum();
        row.build.push(b.ms - kept);
        row.peak_build = row.peak_build.max(b.peak_kb);
        for (k, v) in b.stages.into_iter().filter(|(k, _)| k != "write markdown") {
            match row.stages.iter_mut().find(|(s, _)| *s == k) {
                Some((_, list)) => list.push(v),
                None => row.stages.push((k, vec![v])),
            }
        }
        let m = run_child("mdbook", &[dir, &md, &alone]);
        row.mdbook.push(m.ms);
        row.peak_mdbook = row.peak_mdbook.max(m.peak_kb);
    }
    row.pages = walkdir::WalkDir::new(&md)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.file_name() != "SUMMARY.md")
        .count();
    (row.out_bytes, row.out_files) = dir_size(&dest);
    let len = |p: PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    row.index = len(dest.join("fixbook-search-index.js"));
    row.zip = len(dest.join(site::DOWNLOAD_PATH));
    row
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(&args[1], &args[2..]);
    }
    let mut runs = 5;
    let mut runs_large = 3;
    let mut scales: Vec<usize> = vec![10, 100];
    let mut work = std::env::temp_dir().join("fixbook-bench");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let v = it
            .next()
            .unwrap_or_else(|| fail(&format!("{a} needs a value")));
        match a.as_str() {
            "--runs" => runs = v.parse().unwrap_or_else(|_| fail("--runs N")),
            "--runs-large" => runs_large = v.parse().unwrap_or_else(|_| fail("--runs-large N")),
            "--scales" => {
                scales = v
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse().unwrap_or_else(|_| fail("--scales 10,100")))
                    .collect()
            }
            "--work" => work = PathBuf::from(v),
            _ => fail(&format!(
                "unknown option {a} (--runs N, --runs-large N, --scales 10,100, --work DIR)"
            )),
        }
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut rows = vec![measure("shipped", &repo, &work.join("shipped"), runs)];
    for s in scales {
        let dir = work.join(format!("synth-{s}"));
        let guide = dir.join("guide");
        synth::write_guide(&guide, &synth::Params::scale(s), &repo)
            .unwrap_or_else(|e| fail(&format!("synth: {e}")));
        let n = if s >= 100 { runs_large } else { runs };
        rows.push(measure(&format!("synthetic {s}×"), &guide, &dir, n));
    }
    print_report(&rows);
}

fn print_report(rows: &[Row]) {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "fixbook benchmark: {} cores, load average {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!("times: median (min–max) of the runs; peak = largest VmHWM of the runs\n");
    println!(
        "| guide | runs | YAML | pages | check | build | mdBook alone | build / mdBook | check / build | build per page | peak build | peak mdBook | site | search index | zip |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mb = |b: u64| format!("{:.1} MB", b as f64 / 1e6);
    for r in rows {
        let (b, m, c) = (median(&r.build), median(&r.mdbook), median(&r.check));
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {:.2} | {:.1}% | {:.2} ms | {} | {} | {} ({} files) | {} | {} |",
            r.name,
            r.runs,
            mb(r.yaml),
            r.pages,
            spread(&r.check),
            spread(&r.build),
            spread(&r.mdbook),
            b / m,
            100.0 * c / b,
            b / r.pages.max(1) as f64,
            mb(r.peak_build * 1024),
            mb(r.peak_mdbook * 1024),
            mb(r.out_bytes),
            r.out_files,
            mb(r.index),
            mb(r.zip),
        );
    }
    println!("\nbuild stages (median ms; render is render pages + print + search):\n");
    let names: Vec<&str> = rows[0].stages.iter().map(|(k, _)| k.as_str()).collect();
    println!("| guide | {} |", names.join(" | "));
    println!("|---|{}", "---:|".repeat(names.len()));
    for r in rows {
        let cells: Vec<String> = names
            .iter()
            .map(|n| {
                r.stages
                    .iter()
                    .find(|(k, _)| k == n)
                    .map(|(_, v)| fmt_ms(median(v)))
                    .unwrap_or_default()
            })
            .collect();
        println!("| {} | {} |", r.name, cells.join(" | "));
    }
    if rows.len() >= 2 {
        println!("\nscaling (build time per page relative to the first synthetic guide):");
        let base = &rows[1];
        let per = |r: &Row| median(&r.build) / r.pages.max(1) as f64;
        let mper = |r: &Row| median(&r.mdbook) / r.pages.max(1) as f64;
        // fixbook's own part: the build without its mdBook stage (mdBook
        // alone also reads the Markdown and empties its output, so build −
        // mdBook alone can be negative).
        let own = |r: &Row| {
            let md: f64 = r
                .stages
                .iter()
                .find(|(k, _)| k == "mdbook")
                .map_or(0.0, |(_, v)| median(v));
            (median(&r.build) - md) / r.pages.max(1) as f64
        };
        for r in &rows[1..] {
            println!(
                "  {}: build {:.2}× ({:.2} ms/page), mdBook alone {:.2}× ({:.2} ms/page), fixbook's own part (build − its mdBook stage) {:.2}× ({:.3} ms/page)",
                r.name,
                per(r) / per(base),
                per(r),
                mper(r) / mper(base),
                mper(r),
                own(r) / own(base),
                own(r)
            );
        }
    }
}
