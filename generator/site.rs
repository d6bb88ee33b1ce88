//! Site: writes the generated mdBook source and runs mdBook (the library)
//! on it, then swaps the finished site into place.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mdbook_driver::book::{Book, BookItem, Chapter};
use mdbook_driver::config::{Config, HtmlConfig};
use mdbook_driver::MDBook;

use crate::check::Checked;
use crate::render::{OutFile, Page};

/// Wall time of each stage of a build, in order (for the benchmarks).
pub type Timings = Vec<(&'static str, Duration)>;

#[derive(Debug)]
pub enum SiteError {
    /// book.toml is missing or wrong.
    Config(String),
    /// Reading or writing files, or mdBook itself, failed.
    Io(String),
}

/// `book.toml`, read and validated.
pub struct SiteConfig {
    pub config: Config,
    pub build_dir: PathBuf,
    /// fixbook's templates, interface words and CSS (`[fixbook] themes`,
    /// relative to the guide directory; default `themes`).
    pub themes: PathBuf,
    /// Where the site is served from (`[output.html] site-url`, or
    /// `--site-url`): `/` for a user site, `/<repo>/` for a GitHub project
    /// site. mdBook uses it only as the `<base>` of 404.html, the one page
    /// a server shows at any URL.
    pub site_url: Option<String>,
}

/// Where the build writes the offline copy of the whole site, relative to the
/// site root. `themes/templates/start.md` links to it.
pub const DOWNLOAD_PATH: &str = "download/fixbook-offline.zip";

/// Check a `site-url`: an absolute path of the server, with both slashes.
pub fn validate_site_url(url: &str) -> Result<(), String> {
    if url.starts_with('/') && url.ends_with('/') && !url.contains("//") {
        Ok(())
    } else {
        Err(format!(
            "site-url `{url}` must be the path the site is served from, starting and ending with `/` (`/` for a user site, `/<repo>/` for a GitHub project site)"
        ))
    }
}

/// Tables of book.toml we understand. Others (preprocessors, other
/// renderers) would make mdBook run external commands: refused.
const ALLOWED_TABLES: &[&str] = &["book", "build", "output", "fixbook"];

impl SiteConfig {
    pub fn from_dir(dir: &Path) -> Result<SiteConfig, SiteError> {
        let path = dir.join("book.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            SiteError::Config(format!(
                "cannot read {}: {e} (a guide directory needs book.toml and guide-src/)",
                path.display()
            ))
        })?;
        Self::from_str(&text, &path)
    }

    pub fn from_str(text: &str, path: &Path) -> Result<SiteConfig, SiteError> {
        let shown = path.display();
        let mut raw: toml::Table =
            toml::from_str(text).map_err(|e| SiteError::Config(format!("{shown}: {e}")))?;
        for key in raw.keys() {
            if !ALLOWED_TABLES.contains(&key.as_str()) {
                return Err(SiteError::Config(format!(
                    "{shown}: table `[{key}]` is not supported by fixbook (allowed: {})",
                    ALLOWED_TABLES.join(", ")
                )));
            }
        }
        if let Some(output) = raw.get("output").and_then(|o| o.as_table()) {
            for key in output.keys() {
                if key != "html" {
                    return Err(SiteError::Config(format!(
                        "{shown}: `[output.{key}]` is not supported: fixbook renders only `[output.html]`"
                    )));
                }
            }
        }
        // mdBook refuses tables it does not know: give it the rest.
        let fixbook = raw.remove("fixbook");
        let mdbook_text =
            toml::to_string(&raw).map_err(|e| SiteError::Config(format!("{shown}: {e}")))?;
        let config: Config = mdbook_text
            .parse()
            .map_err(|e: anyhow_like::Error| SiteError::Config(format!("{shown}: {e:#}")))?;
        // mdBook drops the whole [output.html] table on an unknown key, with
        // only a log line (upstream #2984): check it ourselves.
        let html: HtmlConfig = config
            .get::<HtmlConfig>("output.html")
            .map_err(|e| SiteError::Config(format!("{shown}: invalid [output.html]: {e:#}")))?
            .unwrap_or_default();
        // mdBook writes additional CSS/JS at the same relative path in the
        // output: a `..` or absolute path would write outside the site.
        for f in html.additional_css.iter().chain(&html.additional_js) {
            let escapes = f.is_absolute()
                || f.components()
                    .any(|c| !matches!(c, std::path::Component::Normal(_)));
            if escapes {
                return Err(SiteError::Config(format!(
                    "{shown}: additional file `{}` must be a relative path inside the guide directory (no `..`)",
                    f.display()
                )));
            }
        }
        let site_url: Option<String> = config
            .get("output.html.site-url")
            .map_err(|e| SiteError::Config(format!("{shown}: invalid site-url: {e:#}")))?;
        if let Some(url) = &site_url {
            validate_site_url(url)
                .map_err(|e| SiteError::Config(format!("{shown}: [output.html] {e}")))?;
        }
        let build_dir = config.build.build_dir.clone();
        let mut themes = PathBuf::from("themes");
        if let Some(fb) = &fixbook {
            let table = fb
                .as_table()
                .ok_or_else(|| SiteError::Config(format!("{shown}: `fixbook` must be a table")))?;
            for (k, v) in table {
                match (k.as_str(), v.as_str()) {
                    ("themes", Some(p)) => themes = PathBuf::from(p),
                    _ => {
                        return Err(SiteError::Config(format!(
                            "{shown}: unknown key `fixbook.{k}` (known: themes = \"path\")"
                        )))
                    }
                }
            }
        }
        Ok(SiteConfig {
            config,
            build_dir,
            themes,
            site_url,
        })
    }

    /// Override `site-url` (the `--site-url` flag).
    pub fn set_site_url(&mut self, url: &str) -> Result<(), SiteError> {
        validate_site_url(url).map_err(|e| SiteError::Config(format!("--site-url: {e}")))?;
        self.config
            .set("output.html.site-url", url)
            .map_err(|e| SiteError::Config(format!("--site-url: {e:#}")))?;
        self.site_url = Some(url.to_string());
        Ok(())
    }
}

mod anyhow_like {
    pub type Error = mdbook_driver::errors::Error;
}

fn io<E: std::fmt::Display>(what: &str, path: &Path) -> impl FnOnce(E) -> SiteError {
    let msg = format!("{what} {}", path.display());
    move |e| SiteError::Io(format!("{msg}: {e}"))
}

/// Absolute form of a path without touching the file system.
fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    }
}

/// Build the site with mdBook from the generated pages, add the extra files,
/// and replace `dest` with the result only when all of that succeeded. The
/// extra files are asked for only once mdBook has built the site, so that a
/// caller can render them meanwhile (on the other core).
#[allow(clippy::too_many_arguments)]
pub fn build_site(
    dir: &Path,
    site: &SiteConfig,
    checked: &Checked,
    pages: &[Page],
    files: impl FnOnce() -> Result<Vec<OutFile>, SiteError>,
    dest: &Path,
    markdown_out: Option<&Path>,
    timings: &mut Timings,
) -> Result<(), SiteError> {
    let dir = absolute(dir);
    let dest = absolute(dest);
    let parent = dest.parent().unwrap_or(Path::new("/")).to_path_buf();
    std::fs::create_dir_all(&parent).map_err(io("cannot create", &parent))?;
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "book".into());
    let staging = parent.join(format!(".{name}.fixbook-tmp-{}", std::process::id()));
    let result = build_into_with(
        &dir,
        site,
        checked,
        pages,
        files,
        &staging,
        markdown_out,
        timings,
    )
    .and_then(|()| swap_into_place(&staging.join("html"), &dest, &parent, &name));
    let _ = std::fs::remove_dir_all(&staging);
    result
}

#[allow(clippy::too_many_arguments)]
fn build_into_with(
    dir: &Path,
    site: &SiteConfig,
    checked: &Checked,
    pages: &[Page],
    files: impl FnOnce() -> Result<Vec<OutFile>, SiteError>,
    staging: &Path,
    markdown_out: Option<&Path>,
    timings: &mut Timings,
) -> Result<(), SiteError> {
    if staging.exists() {
        std::fs::remove_dir_all(staging).map_err(io("cannot clear", staging))?;
    }
    // mdBook gets the book in memory: the Markdown is written only when
    // asked for. Its source directory stays empty (mdBook copies every
    // non-Markdown file of it into the site).
    let src = staging.join("src");
    std::fs::create_dir_all(&src).map_err(io("cannot create", &src))?;
    if let Some(md) = markdown_out {
        let t = Instant::now();
        write_pages(&absolute(md), pages)?;
        timings.push(("write markdown", t.elapsed()));
    }
    let html = staging.join("html");
    let t = Instant::now();
    let book = book_in_memory(pages)?;
    run_mdbook_with(dir, mdbook_config(site, checked, &src, &html), Some(book))?;
    timings.push(("mdbook", t.elapsed()));
    let t = Instant::now();
    let files = files()?;
    timings.push(("wait for print and search", t.elapsed()));
    let t = Instant::now();
    for f in &files {
        let path = html.join(&f.path);
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).map_err(io("cannot create", d))?;
        }
        std::fs::write(&path, &f.bytes).map_err(io("cannot write", &path))?;
    }
    timings.push(("extra files", t.elapsed()));
    // Last: the zip holds every other file of the site.
    let t = Instant::now();
    write_offline_zip(&html, DOWNLOAD_PATH)?;
    timings.push(("zip", t.elapsed()));
    Ok(())
}

/// The book mdBook would load from `SUMMARY.md` and the chapter files in
/// its source directory, built from the generated pages without writing
/// them (the same steps as mdBook's own `load_book_from_disk`).
fn book_in_memory(pages: &[Page]) -> Result<Book, SiteError> {
    use mdbook_summary::{Link, SummaryItem};
    let by_path: HashMap<&str, &str> = pages
        .iter()
        .map(|p| (p.path.as_str(), p.content.as_str()))
        .collect();
    let summary_md = by_path
        .get("SUMMARY.md")
        .ok_or_else(|| SiteError::Io("the generated book has no SUMMARY.md".into()))?;
    let summary = mdbook_summary::parse_summary(summary_md).map_err(|e| {
        SiteError::Io(format!(
            "mdBook could not read the generated SUMMARY.md: {e:#}"
        ))
    })?;
    fn item(
        it: &SummaryItem,
        pages: &HashMap<&str, &str>,
        parents: &[String],
    ) -> Result<BookItem, SiteError> {
        Ok(match it {
            SummaryItem::Separator => BookItem::Separator,
            SummaryItem::PartTitle(t) => BookItem::PartTitle(t.clone()),
            SummaryItem::Link(link) => BookItem::Chapter(chapter(link, pages, parents)?),
            _ => {
                return Err(SiteError::Io(
                    "the generated SUMMARY.md has an entry this version of fixbook does not know"
                        .into(),
                ))
            }
        })
    }
    fn chapter(
        link: &Link,
        pages: &HashMap<&str, &str>,
        parents: &[String],
    ) -> Result<Chapter, SiteError> {
        let mut ch = match &link.location {
            Some(location) => {
                let key = location.to_string_lossy().replace('\\', "/");
                let content = pages.get(key.as_str()).ok_or_else(|| {
                    SiteError::Io(format!(
                        "the generated SUMMARY.md links to `{key}`, which was not generated"
                    ))
                })?;
                let content = content.strip_prefix('\u{feff}').unwrap_or(content);
                Chapter::new(&link.name, content.to_string(), location, parents.to_vec())
            }
            None => Chapter::new_draft(&link.name, parents.to_vec()),
        };
        ch.number = link.number.clone();
        let mut sub_parents = parents.to_vec();
        sub_parents.push(link.name.clone());
        ch.sub_items = link
            .nested_items
            .iter()
            .map(|i| item(i, pages, &sub_parents))
            .collect::<Result<_, _>>()?;
        Ok(ch)
    }
    let items = summary
        .prefix_chapters
        .iter()
        .chain(&summary.numbered_chapters)
        .chain(&summary.suffix_chapters)
        .map(|i| item(i, &by_path, &[]))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Book::new_with_items(items))
}

/// The mdBook configuration of the site: book.toml's, with the guide's
/// title, language and description, building `src` into `build_dir`.
pub fn mdbook_config(site: &SiteConfig, checked: &Checked, src: &Path, build_dir: &Path) -> Config {
    let mut cfg = site.config.clone();
    let meta = checked.meta();
    cfg.book.title = Some(crate::render::plain_text(&meta.title.value));
    cfg.book.language = Some(meta.language.value.clone());
    cfg.book.description = Some(meta.description.value.clone());
    cfg.book.src = src.to_path_buf();
    cfg.build.build_dir = build_dir.to_path_buf();
    cfg.build.create_missing = false;
    cfg
}

/// mdBook (the library) builds the book of `cfg` (`dir` is the book root),
/// read from its source directory.
pub fn run_mdbook(dir: &Path, cfg: Config) -> Result<(), SiteError> {
    run_mdbook_with(dir, cfg, None)
}

/// mdBook builds `book` when given, else the book in its source directory.
fn run_mdbook_with(dir: &Path, cfg: Config, book: Option<Book>) -> Result<(), SiteError> {
    let load = |e: mdbook_driver::errors::Error| {
        SiteError::Io(format!("mdBook could not load the generated book: {e:#}"))
    };
    let md = match book {
        Some(book) => {
            let mut md =
                MDBook::load_with_config_and_summary(dir, cfg, mdbook_summary::Summary::default())
                    .map_err(load)?;
            md.book = book;
            md
        }
        None => MDBook::load_with_config(dir, cfg).map_err(load)?,
    };
    md.build()
        .map_err(|e| SiteError::Io(format!("mdBook could not build the site: {e:#}")))
}

/// Write the whole site (every file under `root` except the zip itself) as a
/// zip at `root/rel`, inside one folder named after the zip, so that it
/// unzips into a folder whose `index.html` opens the guide from disk.
/// Deterministic: entries sorted by path, fixed timestamps and permissions.
pub fn write_offline_zip(root: &Path, rel: &str) -> Result<(), SiteError> {
    use std::io::Write as _;

    let target = root.join(rel);
    let folder = Path::new(rel)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry =
            entry.map_err(|e| SiteError::Io(format!("cannot list {}: {e}", root.display())))?;
        if entry.file_type().is_file() && entry.path() != target {
            let rel = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            files.push((rel, entry.path().to_path_buf()));
        }
    }
    files.sort();
    if let Some(d) = target.parent() {
        std::fs::create_dir_all(d).map_err(io("cannot create", d))?;
    }
    let err =
        |e: zip::result::ZipError| SiteError::Io(format!("cannot write {}: {e}", target.display()));
    // Compression is most of the time: the two halves of the list (by size)
    // are compressed on two threads into archives in memory, then merged
    // without recompressing. The result is the same bytes as one archive
    // written in order.
    let sizes: Vec<u64> = files
        .iter()
        .map(|(_, p)| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .collect();
    let total: u64 = sizes.iter().sum();
    let mut acc = 0;
    let split = sizes
        .iter()
        .position(|s| {
            acc += s;
            acc * 2 >= total
        })
        .map_or(files.len(), |i| i + 1);
    let (first, second) = files.split_at(split);
    let compress = |part: &[(String, PathBuf)]| -> Result<Vec<u8>, SiteError> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (rel, path) in part {
            let bytes = std::fs::read(path).map_err(io("cannot read", path))?;
            zip.start_file(format!("{folder}/{rel}"), zip_options())
                .map_err(err)?;
            zip.write_all(&bytes)
                .map_err(|e| SiteError::Io(format!("cannot write {}: {e}", target.display())))?;
        }
        Ok(zip.finish().map_err(err)?.into_inner())
    };
    let (a, b) = std::thread::scope(|s| {
        let b = s.spawn(|| compress(second));
        (compress(first), b.join().expect("zip thread panicked"))
    });
    let out = std::fs::File::create(&target).map_err(io("cannot write", &target))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(out));
    for part in [a?, b?] {
        let archive = zip::ZipArchive::new(std::io::Cursor::new(part)).map_err(err)?;
        zip.merge_archive(archive).map_err(err)?;
    }
    let mut out = zip.finish().map_err(err)?;
    out.flush().map_err(io("cannot write", &target))?;
    Ok(())
}

fn zip_options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
}

fn write_pages(root: &Path, pages: &[Page]) -> Result<(), SiteError> {
    for p in pages {
        let path = root.join(&p.path);
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).map_err(io("cannot create", d))?;
        }
        std::fs::write(&path, &p.content).map_err(io("cannot write", &path))?;
    }
    Ok(())
}

/// Replace `dest` by `built`: the old site is moved aside first and removed
/// only after the new one is in place.
fn swap_into_place(built: &Path, dest: &Path, parent: &Path, name: &str) -> Result<(), SiteError> {
    let old = parent.join(format!(".{name}.fixbook-old-{}", std::process::id()));
    let had_old = dest.exists();
    // Where the system can swap two directories in one step, there is no
    // moment without a site at `dest` (a build killed here loses nothing).
    if had_old && exchange(built, dest) {
        let _ = std::fs::remove_dir_all(built);
        return Ok(());
    }
    if had_old {
        std::fs::rename(dest, &old).map_err(io("cannot move the previous site aside:", dest))?;
    }
    if let Err(e) = std::fs::rename(built, dest) {
        if had_old {
            let _ = std::fs::rename(&old, dest);
        }
        return Err(SiteError::Io(format!(
            "cannot move the new site to {}: {e}",
            dest.display()
        )));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

/// Swap two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`); false
/// when the system or file system cannot, and the caller falls back to two
/// renames.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let (Ok(a), Ok(b)) = (
        CString::new(a.as_os_str().as_bytes()),
        CString::new(b.as_os_str().as_bytes()),
    ) else {
        return false;
    };
    // SAFETY: both are valid NUL-terminated paths that live across the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    rc == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

#[cfg(all(test, target_os = "linux"))]
mod exchange_tests {
    use super::*;

    #[test]
    fn exchange_swaps_two_directories_in_one_step() {
        let base = std::env::temp_dir().join(format!("fixbook-exchange-{}", std::process::id()));
        let (a, b) = (base.join("a"), base.join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("f"), "new").unwrap();
        std::fs::write(b.join("f"), "old").unwrap();
        assert!(
            exchange(&a, &b),
            "renameat2(RENAME_EXCHANGE) unsupported here"
        );
        assert_eq!(std::fs::read_to_string(b.join("f")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(a.join("f")).unwrap(), "old");
        swap_into_place(&a, &b, &base, "b").unwrap();
        assert_eq!(std::fs::read_to_string(b.join("f")).unwrap(), "old");
        assert!(!a.exists(), "the replaced site is removed");
        let _ = std::fs::remove_dir_all(&base);
    }
}
