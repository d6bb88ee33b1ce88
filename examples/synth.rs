//! Write a deterministic synthetic guide (see docs/performance.md):
//!
//! ```sh
//! cargo run --release --example synth -- OUT_DIR [--scale N] [--platforms N] [--causes N]
//!     [--symptoms N] [--fixes-per-cause N] [--steps N] [--sentences N] [--latin PERCENT] [--seed N]
//! ```
//!
//! `--scale N` gives about N times the shipped guide (1, 10, 100); the other
//! options override single parameters. `book.toml` and `themes/` are copied
//! from the repository, so `fixbook build OUT_DIR` works as is.

#[path = "common/synth.rs"]
#[allow(dead_code)]
mod synth;

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut out: Option<PathBuf> = None;
    let mut p = synth::Params::scale(1);
    let usage = "usage: synth OUT_DIR [--scale N] [--platforms N] [--causes N] [--symptoms N] \
                 [--fixes-per-cause N] [--steps N] [--sentences N] [--latin PERCENT] [--seed N]";
    while let Some(a) = args.next() {
        if !a.starts_with("--") {
            out = Some(PathBuf::from(a));
            continue;
        }
        let v: u64 = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
            eprintln!("{a} needs a number\n{usage}");
            std::process::exit(2)
        });
        let n = v as usize;
        match a.as_str() {
            "--scale" => p = synth::Params::scale(n),
            "--platforms" => p.platforms = n,
            "--causes" => p.causes = n,
            "--symptoms" => p.symptoms = n,
            "--fixes-per-cause" => p.fixes_per_cause = n,
            "--steps" => p.steps_per_fix = n,
            "--sentences" => p.sentences = n,
            "--latin" => p.latin_percent = v.min(100),
            "--seed" => p.seed = v,
            _ => {
                eprintln!("unknown option {a}\n{usage}");
                std::process::exit(2)
            }
        }
    }
    let Some(out) = out else {
        eprintln!("{usage}");
        std::process::exit(2)
    };
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    match synth::write_guide(&out, &p, &repo) {
        Ok(bytes) => eprintln!("synth: {} ({bytes} bytes of YAML), {p:?}", out.display()),
        Err(e) => {
            eprintln!("synth: cannot write {}: {e}", out.display());
            std::process::exit(2)
        }
    }
}
