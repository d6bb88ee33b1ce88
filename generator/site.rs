//! Site: writes the generated mdBook source and runs mdBook (the library)
//! on it, then swaps the finished site into place.

use std::path::{Path, PathBuf};

use mdbook_driver::config::{Config, HtmlConfig};
use mdbook_driver::MDBook;

use crate::check::Checked;
use crate::render::{Page, Rendered};

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

/// Write the mdBook source, build it with mdBook, copy the extra files, and
/// replace `dest` with the result only when all of that succeeded.
pub fn build_site(
    dir: &Path,
    site: &SiteConfig,
    checked: &Checked,
    rendered: &Rendered,
    dest: &Path,
    markdown_out: Option<&Path>,
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
    let result = build_into(&dir, site, checked, rendered, &staging, markdown_out)
        .and_then(|()| swap_into_place(&staging.join("html"), &dest, &parent, &name));
    let _ = std::fs::remove_dir_all(&staging);
    result
}

fn build_into(
    dir: &Path,
    site: &SiteConfig,
    checked: &Checked,
    rendered: &Rendered,
    staging: &Path,
    markdown_out: Option<&Path>,
) -> Result<(), SiteError> {
    if staging.exists() {
        std::fs::remove_dir_all(staging).map_err(io("cannot clear", staging))?;
    }
    let src = staging.join("src");
    write_pages(&src, &rendered.pages)?;
    if let Some(md) = markdown_out {
        write_pages(&absolute(md), &rendered.pages)?;
    }
    let mut cfg = site.config.clone();
    let meta = checked.meta();
    cfg.book.title = Some(crate::render::plain_text(&meta.title.value));
    cfg.book.language = Some(meta.language.value.clone());
    cfg.book.description = Some(meta.description.value.clone());
    cfg.book.src = src.clone();
    cfg.build.build_dir = staging.join("html");
    cfg.build.create_missing = false;
    let book = MDBook::load_with_config(dir, cfg)
        .map_err(|e| SiteError::Io(format!("mdBook could not load the generated book: {e:#}")))?;
    book.build()
        .map_err(|e| SiteError::Io(format!("mdBook could not build the site: {e:#}")))?;
    let html = staging.join("html");
    for f in &rendered.files {
        let path = html.join(&f.path);
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).map_err(io("cannot create", d))?;
        }
        std::fs::write(&path, &f.bytes).map_err(io("cannot write", &path))?;
    }
    // Last: the zip holds every other file of the site.
    write_offline_zip(&html, DOWNLOAD_PATH)?;
    Ok(())
}

/// Write the whole site (every file under `root` except the zip itself) as a
/// zip at `root/rel`, inside one folder named after the zip, so that it
/// unzips into a folder whose `index.html` opens the guide from disk.
/// Deterministic: entries sorted by path, fixed timestamps and permissions.
pub fn write_offline_zip(root: &Path, rel: &str) -> Result<(), SiteError> {
    use std::io::Write as _;
    use zip::write::SimpleFileOptions;

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
    let out = std::fs::File::create(&target).map_err(io("cannot write", &target))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(out));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let err =
        |e: zip::result::ZipError| SiteError::Io(format!("cannot write {}: {e}", target.display()));
    for (rel, path) in &files {
        let bytes = std::fs::read(path).map_err(io("cannot read", path))?;
        zip.start_file(format!("{folder}/{rel}"), options)
            .map_err(err)?;
        zip.write_all(&bytes)
            .map_err(|e| SiteError::Io(format!("cannot write {}: {e}", target.display())))?;
    }
    let mut out = zip.finish().map_err(err)?;
    out.flush().map_err(io("cannot write", &target))?;
    Ok(())
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
