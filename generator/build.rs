//! Orchestration: the only module that knows every stage. `check_dir` runs
//! load → check; `build` runs load → check → render → site and swaps the
//! result into place atomically.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::check::{self, Checked};
use crate::diag;
use crate::load;
use crate::render;
use crate::site::{self, SiteConfig};

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// The guide has errors; they were printed. Exit code 1.
    Guide,
    /// Usage or I/O error, with its message. Exit code 2.
    Io(String),
}

impl From<site::SiteError> for Failure {
    fn from(e: site::SiteError) -> Self {
        match e {
            site::SiteError::Config(m) => Failure::Io(m),
            site::SiteError::Io(m) => Failure::Io(m),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub dir: PathBuf,
    pub dest: Option<PathBuf>,
    pub deny_warnings: bool,
    pub markdown_out: Option<PathBuf>,
    /// Overrides `[output.html] site-url` (`/<repo>/` for a project site).
    pub site_url: Option<String>,
}

pub struct BuildReport {
    pub pages: usize,
    pub dest: PathBuf,
    /// Wall time of each stage (see docs/performance.md).
    pub timings: site::Timings,
}

/// Load and check the guide in `dir/guide-src`, printing every diagnostic to
/// `out`. Returns the checked guide when it has no error (and no warning with
/// `deny_warnings`).
pub fn check_dir(dir: &Path, deny_warnings: bool, out: &mut dyn Write) -> Result<Checked, Failure> {
    let src = dir.join("guide-src");
    // Paths in messages are shown relative to the guide directory's parent
    // as the author typed it (`guide-src/x.yaml` when run inside it).
    let base = if dir == Path::new(".") {
        dir.to_path_buf()
    } else {
        PathBuf::new()
    };
    let loaded = load::load_dir(&src, &base).map_err(|e| Failure::Io(e.to_string()))?;
    let files = loaded.sources.files.len();
    let outcome = check::check(loaded);
    let _ = diag::emit(out, &outcome.sources, &outcome.diagnostics);
    let (errors, warnings) = (outcome.errors(), outcome.warnings());
    let denied = deny_warnings && warnings > 0;
    if errors > 0 || denied {
        let _ = writeln!(
            out,
            "fixbook: {} in {} file{}: {} error{}, {} warning{}{}",
            src.display(),
            files,
            plural(files),
            errors,
            plural(errors),
            warnings,
            plural(warnings),
            if denied && errors == 0 {
                " (warnings denied)"
            } else {
                ""
            }
        );
        return Err(Failure::Guide);
    }
    let checked = outcome.checked.ok_or(Failure::Guide)?;
    let _ = writeln!(
        out,
        "fixbook: {} is fine: {} file{}, {} cause{} covered on {} platform{}, {} warning{}",
        src.display(),
        files,
        plural(files),
        checked.guide.causes.len(),
        plural(checked.guide.causes.len()),
        checked.guide.platforms.len(),
        plural(checked.guide.platforms.len()),
        warnings,
        plural(warnings)
    );
    Ok(checked)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Check, render and build the site into the destination directory.
pub fn build(opts: &BuildOptions, out: &mut dyn Write) -> Result<BuildReport, Failure> {
    let dir = &opts.dir;
    // Configuration problems are reported before the (slower) guide check.
    let mut config = SiteConfig::from_dir(dir)?;
    if let Some(url) = &opts.site_url {
        config.set_site_url(url)?;
    }
    let mut timings = site::Timings::new();
    let t = Instant::now();
    let checked = check_dir(dir, opts.deny_warnings, out)?;
    timings.push(("load and check", t.elapsed()));
    let themes = dir.join(&config.themes);
    let dest = match &opts.dest {
        Some(d) => dir.join(d),
        None => dir.join(&config.build_dir),
    };
    // The critical path is render pages (two threads) → mdBook → zip (two
    // threads); the print edition and the search index render on the other
    // core while mdBook builds.
    let t = Instant::now();
    let pages = render::render_site(&checked, &themes).map_err(Failure::Io)?;
    timings.push(("render pages", t.elapsed()));
    let mut side = Vec::new();
    std::thread::scope(|s| -> Result<(), Failure> {
        let extra = s.spawn(|| -> Result<_, String> {
            let t = Instant::now();
            let mut files = render::print::render_print(&checked, &themes)?;
            let print = t.elapsed();
            let t = Instant::now();
            files.extend(render::render_search(&checked, &themes, &pages)?);
            Ok((files, print, t.elapsed()))
        });
        let files = || -> Result<Vec<render::OutFile>, site::SiteError> {
            let (files, print, search) = extra
                .join()
                .expect("print or search renderer panicked")
                .map_err(site::SiteError::Io)?;
            side.push(("render print (beside mdBook)", print));
            side.push(("render search (beside mdBook)", search));
            Ok(files)
        };
        site::build_site(
            dir,
            &config,
            &checked,
            &pages,
            files,
            &dest,
            opts.markdown_out.as_deref(),
            &mut timings,
        )?;
        Ok(())
    })?;
    timings.extend(side);
    Ok(BuildReport {
        pages: pages.len(),
        dest,
        timings,
    })
}
