//! Loader: walk `guide-src/`, read every `.yaml`/`.yml` file and deserialize
//! it into the model, keeping source locations. Problems with a file's text
//! (encoding, BOM, tabs, YAML syntax, unknown fields, wrong types) become
//! located diagnostics; only I/O failures are `Err`.

use std::path::{Path, PathBuf};

use serde_saphyr::{Error as YamlError, Options};
use walkdir::WalkDir;

use crate::diag::{Diagnostic, Sources};
use crate::model::{Guide, SourceDoc};

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The result of loading: every file read, the merged guide, and the problems
/// found while reading. When `diagnostics` has an error, `guide` holds only
/// the files that parsed.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: Sources,
    pub guide: Guide,
    pub diagnostics: Vec<Diagnostic>,
}

/// An I/O failure: the guide could not be read at all.
#[derive(Debug)]
pub struct LoadError {
    pub path: PathBuf,
    pub error: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read {}: {}", self.path.display(), self.error)
    }
}

/// Load every YAML file under `src_dir`, in a stable (sorted) order.
/// `display_base` is stripped from paths shown in messages.
pub fn load_dir(src_dir: &Path, display_base: &Path) -> Result<Loaded, LoadError> {
    if !src_dir.is_dir() {
        return Err(LoadError {
            path: src_dir.to_path_buf(),
            error: "not a directory (expected the guide's YAML files here)".into(),
        });
    }
    let mut paths = Vec::new();
    for entry in WalkDir::new(src_dir)
        .sort_by_file_name()
        .follow_links(false)
    {
        let entry = entry.map_err(|e| LoadError {
            path: e.path().unwrap_or(src_dir).to_path_buf(),
            error: e.to_string(),
        })?;
        let is_yaml = entry
            .path()
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml");
        if entry.file_type().is_file() && is_yaml {
            paths.push(entry.into_path());
        }
    }
    let mut loaded = Loaded::default();
    for path in paths {
        let display = path
            .strip_prefix(display_base)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let meta = std::fs::metadata(&path).map_err(|e| LoadError {
            path: path.clone(),
            error: e.to_string(),
        })?;
        if meta.len() > MAX_FILE_BYTES {
            let file = loaded.sources.add(display, String::new());
            loaded.diagnostics.push(
                Diagnostic::error(
                    Some(loaded.sources.loc_at(file, 1, 1)),
                    format!(
                        "file is too large ({} bytes; the limit is {} bytes)",
                        meta.len(),
                        MAX_FILE_BYTES
                    ),
                )
                .help("split the guide into several smaller files"),
            );
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| LoadError {
            path: path.clone(),
            error: e.to_string(),
        })?;
        load_bytes(&mut loaded, display, &bytes);
    }
    if loaded.sources.files.is_empty() {
        loaded.diagnostics.push(
            Diagnostic::error(
                None,
                format!("no .yaml files found in {}", src_dir.display()),
            )
            .help("write the guide as YAML files in guide-src/ (see docs/authoring.md)"),
        );
    }
    Ok(loaded)
}

/// Parse one file's bytes and merge its sections into `loaded.guide`.
pub fn load_bytes(loaded: &mut Loaded, display: String, bytes: &[u8]) {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(e) => {
            let good = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
            let len = good.len();
            let file = loaded.sources.add(display, good);
            let loc = loaded.sources.loc_at_offset(file, len, 0);
            loaded.diagnostics.push(
                Diagnostic::error(Some(loc), "file is not valid UTF-8")
                    .label("invalid byte here")
                    .help("save the file with UTF-8 encoding"),
            );
            return;
        }
    };
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        let file = loaded.sources.add(display, rest.to_string());
        let loc = loaded.sources.loc_at(file, 1, 1);
        loaded.diagnostics.push(
            Diagnostic::error(Some(loc), "file starts with a byte-order mark (BOM)")
                .label("invisible U+FEFF before this")
                .help("save the file as UTF-8 without BOM (in Notepad: 'UTF-8', not 'UTF-8 with BOM')"),
        );
        return;
    }
    let file = loaded.sources.add(display, text);
    let text = &loaded.sources.files[file].text;

    if let Some(d) = lint_text(&loaded.sources, file, text) {
        loaded.diagnostics.push(d);
        return;
    }
    match serde_saphyr::from_str_with_options::<Option<SourceDoc>>(text, options()) {
        Ok(None) => {
            let loc = loaded.sources.loc_at(file, 1, 1);
            loaded.diagnostics.push(
                Diagnostic::error(Some(loc), "file has no content")
                    .help("add a section such as `causes:` or delete the file"),
            );
        }
        Ok(Some(doc)) => merge(
            &mut loaded.guide,
            file,
            doc,
            &loaded.sources,
            &mut loaded.diagnostics,
        ),
        Err(typed) => {
            // Parse again without types: when the YAML itself is broken, its
            // syntax error says where, rather than a missing field of an
            // earlier item. Only failing files pay for the second parse.
            let e =
                match serde_saphyr::from_str_with_options::<serde::de::IgnoredAny>(text, options())
                {
                    Err(syntax) => syntax,
                    Ok(_) => typed,
                };
            loaded
                .diagnostics
                .push(yaml_error(&loaded.sources, file, &e))
        }
    }
}

fn options() -> Options {
    let mut o = Options::default();
    o.strict_booleans = true;
    o.with_snippet = false;
    o
}

/// Checks on the raw text that YAML parsers accept or report badly.
fn lint_text(sources: &Sources, file: usize, text: &str) -> Option<Diagnostic> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let indent_len = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(tab) = line[..indent_len].find('\t') {
            let loc = sources.loc_at_offset(file, offset + tab, 1);
            return Some(
                Diagnostic::error(Some(loc), "tab character in indentation")
                    .label("tab here")
                    .help("YAML indentation must use spaces: replace the tab with spaces"),
            );
        }
        offset += line.len();
    }
    None
}

fn yaml_error(sources: &Sources, file: usize, e: &YamlError) -> Diagnostic {
    let (message, help) = explain(&clean_message(&e.to_string()));
    let loc = e
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| sources.loc_of(file, &l))
        .unwrap_or_else(|| sources.loc_at(file, 1, 1));
    Diagnostic::error(Some(loc), message).help(help)
}

/// The deserializer's message in words an author understands, and what to do.
fn explain(message: &str) -> (String, String) {
    let owned = |m: &str, h: &str| (m.to_string(), h.to_string());
    if message.starts_with("budget breached: Depth")
        || message.starts_with("budget breached: FlowDepth")
        || message.starts_with("recursion limit exceeded")
    {
        return owned(
            "the YAML is nested too deeply here",
            "a guide needs only a few levels of nesting: look for unclosed `[` or `{`, \
             or lines indented further and further",
        );
    }
    if message.starts_with("budget breached")
        || message.starts_with("alias replay")
        || message.starts_with("alias expansion")
    {
        // "budget breached: Nodes { nodes: 250001 }" → "250001 nodes"
        let what = message.trim_start_matches("budget breached: ");
        let count: String = what
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let kind = what
            .split([' ', '{', ':'])
            .next()
            .unwrap_or("")
            .to_lowercase();
        let detail = if count.is_empty() || kind.is_empty() {
            what.to_string()
        } else {
            format!("{count} {kind}, over the limit")
        };
        return (
            format!("the file expands to too much data ({detail})"),
            "YAML anchors (`&name`) repeated through aliases (`*name`) multiply the text: \
             write the text out instead of using anchors and aliases"
                .to_string(),
        );
    }
    if let Some(rest) = message.strip_prefix("unexpected character: `\\u{") {
        // "unexpected character: `\u{7}'": an invisible control character.
        let hex = rest.split('}').next().unwrap_or("");
        if let Ok(code) = u32::from_str_radix(hex, 16) {
            return (
                format!("invisible control character U+{code:04X} in the text"),
                "delete it (it often comes with text copied from another program); \
                 YAML files may not contain control characters other than tab and line breaks"
                    .to_string(),
            );
        }
    }
    if message.starts_with("multiple YAML documents") {
        return owned(
            "a second YAML document in the same file (a `---` line starts one)",
            "keep one document per file: remove the `---` line, or move what follows it into a file of its own",
        );
    }
    if message.starts_with("cannot deserialize null") {
        return owned(
            "this field has no value",
            "write the value after the colon (text that starts with a special character goes in quotes)",
        );
    }
    let typed = [
        (
            "expected string scalar",
            "expected text here, not a list or a mapping",
        ),
        (
            "expected sequence start",
            "expected a list here (items that start with `- `)",
        ),
        (
            "expected mapping start",
            "expected a mapping here (`key: value` lines)",
        ),
        ("invalid boolean", "expected true or false here"),
    ];
    for (prefix, plain) in typed {
        if message.starts_with(prefix) {
            return owned(
                plain,
                "check the value's type against docs/authoring.md; a guide file is a mapping of \
                 sections (`causes:`, `fixes:`, ...) whose values are lists of items",
            );
        }
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest
            .split_once("expected one of ")
            .map(|(_, l)| l.split(", ").collect())
            .unwrap_or_default();
        let help = match crate::check::nearest(field, &expected) {
            Some(n) => format!(
                "did you mean `{n}`? The fields each item accepts are listed in docs/authoring.md"
            ),
            None => {
                "check the spelling; the fields each item accepts are listed in docs/authoring.md"
                    .into()
            }
        };
        return (message.to_string(), help);
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let value = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest
            .split_once("expected one of ")
            .map(|(_, l)| l.split(", ").collect())
            .unwrap_or_default();
        let help = match crate::check::nearest(value, &expected) {
            Some(n) => format!("did you mean `{n}`?"),
            None => "use one of the values listed".into(),
        };
        return (message.to_string(), help);
    }
    let help = if message.starts_with("alias references unknown anchor") {
        "an alias `*name` repeats what an anchor `&name` marked earlier in the same file: \
         define the anchor first, or write the text out"
    } else if message.contains("missing field") {
        "add the field; the required fields are listed in docs/authoring.md"
    } else if message.contains("duplicate") {
        "remove or rename one of the two keys"
    } else if message.contains("invalid type") || message.contains("expected a whole number") {
        "check the value's type against docs/authoring.md (text, number, list or mapping)"
    } else {
        "fix the YAML syntax here or just above (an unclosed `[`, `{` or quote, indentation with spaces, \
         quotes around text that contains `: ` or starts with a special character)"
    };
    (message.to_string(), help.to_string())
}

/// The deserializer appends its own position ("at line 3 column 5"); we print
/// ours in front, so drop theirs.
fn clean_message(msg: &str) -> String {
    let first = msg.lines().next().unwrap_or(msg).trim();
    let cut = first
        .find(" at line ")
        .map(|i| &first[..i])
        .unwrap_or(first);
    let cut = cut.trim_end_matches([',', '.', ':']);
    if let Some(key) = cut.strip_prefix("duplicate mapping key: ") {
        let key = key.split(", set DuplicateKeyPolicy").next().unwrap_or(key);
        return format!("duplicate key `{key}` in this mapping");
    }
    for (ty, what) in [
        ("u8", "a whole number"),
        ("u16", "a whole number"),
        ("u32", "a whole number"),
        ("u64", "a whole number"),
        ("i64", "a whole number"),
        ("bool", "true or false"),
        ("f64", "a number"),
    ] {
        if cut == format!("invalid {ty}") {
            return format!("expected {what} here");
        }
    }
    cut.to_string()
}

fn merge(
    guide: &mut Guide,
    file: usize,
    doc: SourceDoc,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(meta) = doc.guide {
        if let Some((first_file, first)) = &guide.meta {
            diags.push(
                Diagnostic::error(
                    Some(sources.loc(file, &meta.title)),
                    "a second `guide:` section",
                )
                .label("second one here")
                .help(format!(
                    "keep one `guide:` section; the first is at {}",
                    sources.display(&sources.loc(*first_file, &first.title))
                )),
            );
        } else {
            guide.meta = Some((file, meta));
        }
    }
    fn tag<T>(file: usize, v: Vec<T>) -> Vec<(usize, T)> {
        v.into_iter().map(|x| (file, x)).collect()
    }
    guide.platforms.extend(tag(file, doc.platforms));
    guide.symptoms.extend(tag(file, doc.symptoms));
    guide.causes.extend(tag(file, doc.causes));
    guide.checks.extend(tag(file, doc.checks));
    guide.fixes.extend(tag(file, doc.fixes));
    guide.nothing_works.extend(tag(file, doc.nothing_works));
    guide.prevention.extend(tag(file, doc.prevention));
    guide.outdated.extend(tag(file, doc.outdated));
    guide.glossary.extend(tag(file, doc.glossary));
}
