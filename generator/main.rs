//! The `fixbook` command line. Exit codes: 0 ok, 1 the guide has errors,
//! 2 usage or I/O error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use fixbook::build::{self, BuildOptions, Failure};

#[derive(Parser)]
#[command(
    name = "fixbook",
    version,
    about = "Check a troubleshooting guide written as YAML and build it into an mdBook site",
    long_about = "Check a troubleshooting guide written as YAML and build it into an mdBook site.\n\n\
        A guide directory holds `book.toml` (the site's mdBook configuration) and `guide-src/` \
        (the guide's YAML files). See docs/authoring.md for the format.\n\n\
        Exit status: 0 when all is well, 1 when the guide has errors, 2 on a usage or I/O error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the guide, then build the site (HTML) into the build directory
    #[command(long_about = "Check the guide, then build the site.\n\n\
        The site is written to DEST (default: `build-dir` of book.toml, normally `book/`). \
        The build happens in a temporary directory next to DEST and replaces DEST only when \
        everything succeeded: a failed build leaves the previous site as it was.")]
    Build(BuildArgs),
    /// Check the guide and report every problem, without writing anything
    #[command(
        long_about = "Check the guide and report every problem, without writing anything.\n\n\
        Problems are printed as `path:line:col: error: message`, with the source line and a hint, \
        sorted by file and line. Warnings do not fail the check unless --deny-warnings is given."
    )]
    Check(CheckArgs),
}

#[derive(Args)]
struct CheckArgs {
    /// Directory holding book.toml and guide-src/
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Treat warnings as errors (exit 1 when there is any)
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    check: CheckArgs,
    /// Output directory for the site (default: build-dir of book.toml, `book/`)
    #[arg(short = 'd', long = "dest-dir", value_name = "DEST")]
    dest: Option<PathBuf>,
    /// Also keep the generated mdBook source (Markdown and SUMMARY.md) in this directory
    #[arg(long, value_name = "DIR")]
    markdown_out: Option<PathBuf>,
    /// Path the site is served from, starting and ending with `/` (overrides
    /// `site-url` of book.toml; `/<repo>/` for a GitHub project site)
    #[arg(long, value_name = "PATH")]
    site_url: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let result = match cli.command {
        Command::Check(a) => {
            build::check_dir(&a.dir, a.deny_warnings, &mut std::io::stderr()).map(|_| ())
        }
        Command::Build(a) => {
            let opts = BuildOptions {
                dir: a.check.dir,
                dest: a.dest,
                deny_warnings: a.check.deny_warnings,
                markdown_out: a.markdown_out,
                site_url: a.site_url,
            };
            build::build(&opts, &mut std::io::stderr()).map(|report| {
                eprintln!(
                    "fixbook: built {} pages into {}",
                    report.pages,
                    report.dest.display()
                );
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Guide) => ExitCode::from(1),
        Err(Failure::Io(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

/// mdBook reports through `tracing`: without a subscriber its warnings are lost.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("FIXBOOK_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .try_init();
}
