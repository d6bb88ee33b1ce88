//! The corpus of broken guides (`tests/corpus/`, layout in its README): each
//! case is applied to a copy of the mini guide and checked with the real
//! `fixbook check` binary, under a time and memory bound. Every case must
//! exit 1, print no panic, and print the expected located diagnostic first.
//!
//! `FIXBOOK_CORPUS=/path/to/corpus` runs another corpus with the same layout
//! instead; `FIXBOOK_CORPUS_BLESS=1` writes the `expected.txt` of cases that
//! have none (review them before committing).

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::{copy_dir, repo, TempDir};

/// A case that runs longer than this has hung.
const TIME_LIMIT: Duration = Duration::from_secs(10);
/// Address space the checker may use (KiB, for `ulimit -v`).
const MEMORY_LIMIT_KIB: u64 = 1024 * 1024;

/// Files of a case directory that are instructions, not guide files.
const META: &[&str] = &["expected.txt", "remove", "README.md"];

fn corpus_dir() -> PathBuf {
    match std::env::var_os("FIXBOOK_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => repo().join("tests/corpus"),
    }
}

/// Build the guide of one case in `into`: the mini guide, minus the paths
/// listed in `remove`, plus the case's files (a `NAME.repeat` file is written
/// as `NAME`: its first line is a count, the rest is repeated that often).
fn materialise(case: &Path, into: &Path) -> Result<(), String> {
    copy_dir(&repo().join("tests/fixtures/mini"), into);
    if let Ok(list) = std::fs::read_to_string(case.join("remove")) {
        for rel in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let p = into.join(rel);
            if p.is_dir() {
                std::fs::remove_dir_all(&p).map_err(|e| format!("remove {rel}: {e}"))?;
            } else {
                std::fs::remove_file(&p).map_err(|e| format!("remove {rel}: {e}"))?;
            }
        }
    }
    for e in walkdir::WalkDir::new(case).min_depth(1) {
        let e = e.map_err(|e| e.to_string())?;
        let rel = e.path().strip_prefix(case).unwrap();
        if META.iter().any(|m| rel == Path::new(m)) {
            continue;
        }
        let dest = into.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).map_err(|e| e.to_string())?;
        } else if rel.extension().is_some_and(|x| x == "repeat") {
            let text = std::fs::read_to_string(e.path()).map_err(|e| e.to_string())?;
            let (count, body) = text.split_once('\n').ok_or("empty .repeat file")?;
            let count: usize = count.trim().parse().map_err(|_| "bad .repeat count")?;
            std::fs::write(dest.with_extension(""), body.repeat(count))
                .map_err(|e| e.to_string())?;
        } else {
            std::fs::copy(e.path(), &dest).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

struct Run {
    code: Option<i32>,
    stderr: String,
    elapsed: Duration,
    timed_out: bool,
}

/// `fixbook check .` in `dir`, under `ulimit -v`, killed after TIME_LIMIT.
fn run_check(dir: &Path) -> Run {
    let start = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" check ."
        ))
        .arg(env!("CARGO_BIN_EXE_fixbook"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run fixbook");
    // Read stderr on a thread so a chatty child cannot block on a full pipe.
    let mut pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        buf
    });
    let mut timed_out = false;
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > TIME_LIMIT {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    Run {
        code: status.code(),
        stderr,
        elapsed: start.elapsed(),
        timed_out,
    }
}

/// Run one case; `Err` says what went wrong.
fn run_case(case: &Path, bless: bool) -> Result<Duration, String> {
    let tmp = TempDir::new("corpus");
    materialise(case, tmp.path())?;
    let run = run_check(tmp.path());
    let stderr = &run.stderr;
    if run.timed_out {
        return Err(format!("took more than {TIME_LIMIT:?} (killed)"));
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        return Err(format!("panicked:\n{stderr}"));
    }
    if run.code != Some(1) {
        return Err(format!(
            "exit code {:?}, expected 1 (memory limit hit?):\n{stderr}",
            run.code
        ));
    }
    let first = stderr.lines().next().unwrap_or("");
    let expected_path = case.join("expected.txt");
    let expected = match std::fs::read_to_string(&expected_path) {
        Ok(t) => t,
        Err(_) if bless => {
            std::fs::write(&expected_path, format!("{first}\n")).map_err(|e| e.to_string())?;
            return Ok(run.elapsed);
        }
        Err(_) => return Err("no expected.txt".into()),
    };
    let mut lines = expected.lines();
    let want = lines.next().unwrap_or("").trim_end();
    if want.is_empty() {
        return Err("expected.txt is empty".into());
    }
    if first != want {
        return Err(format!(
            "first line differs\n  expected: {want}\n  got:      {first}\nfull output:\n{stderr}"
        ));
    }
    // Further lines of expected.txt must appear somewhere in the output.
    for more in lines.map(str::trim_end).filter(|l| !l.is_empty()) {
        if !stderr.lines().any(|l| l == more) {
            return Err(format!("no line {more:?} in the output:\n{stderr}"));
        }
    }
    // A located diagnostic names a file of the guide, a line and a column.
    if !first.starts_with("error: ") {
        let loc = first.split(": error: ").next().unwrap_or("");
        let parts: Vec<&str> = loc.rsplitn(3, ':').collect();
        let located = parts.len() == 3
            && parts[2].starts_with("guide-src/")
            && parts[1].parse::<u32>().is_ok_and(|n| n > 0)
            && parts[0].parse::<u32>().is_ok_and(|n| n > 0);
        if !located {
            return Err(format!(
                "first line is not `path:line:col: error: ...`: {first}"
            ));
        }
    }
    if !stderr.contains("help:") {
        return Err(format!("no `help:` hint in the output:\n{stderr}"));
    }
    Ok(run.elapsed)
}

#[test]
fn every_broken_guide_fails_with_its_located_message() {
    let dir = corpus_dir();
    let bless = std::env::var_os("FIXBOOK_CORPUS_BLESS").is_some();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read corpus {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    if std::env::var_os("FIXBOOK_CORPUS").is_none() {
        assert!(cases.len() >= 40, "only {} corpus cases", cases.len());
    }
    assert!(!cases.is_empty(), "no cases in {}", dir.display());

    let queue = Mutex::new(cases.clone());
    let results = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let Some(case) = queue.lock().unwrap().pop() else {
                    break;
                };
                let r = run_case(&case, bless);
                results.lock().unwrap().push((case, r));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let slowest = results
        .iter()
        .filter_map(|(c, r)| r.as_ref().ok().map(|d| (*d, c)))
        .max();
    if let Some((d, c)) = slowest {
        eprintln!(
            "{} cases; slowest {} in {d:?}",
            results.len(),
            c.file_name().unwrap().to_string_lossy()
        );
    }
    let failures: Vec<String> = results
        .iter()
        .filter_map(|(c, r)| {
            r.as_ref()
                .err()
                .map(|e| format!("[{}] {e}", c.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases failed:\n\n{}",
        failures.len(),
        results.len(),
        failures.join("\n\n")
    );
}
