//! Diagnostics: located errors and warnings, and the source files they point
//! into. Printing goes through `codespan-reporting`; the first line of each
//! diagnostic is rustc's short form `path:line:col: error: message`, so that
//! editors and `grep` find it, followed by the source snippet and the hint.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config, DisplayStyle};
use std::io::Write;

use crate::model::{Loc, Spanned};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// `None` for problems that belong to no file (e.g. "no guide.yaml").
    pub loc: Option<Loc>,
    pub message: String,
    /// Short text under the snippet's marker.
    pub label: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(loc: Option<Loc>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            loc,
            message: message.into(),
            label: None,
            help: None,
        }
    }
    pub fn warning(loc: Option<Loc>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(loc, message)
        }
    }
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// A file that was read, with its display path and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as shown to the author (relative to where they ran the command when possible).
    pub display: String,
    pub text: String,
}

/// Every source file of the guide, indexed by the `file` field of [`Loc`].
#[derive(Debug, Default, Clone)]
pub struct Sources {
    pub files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, display: String, text: String) -> usize {
        self.files.push(SourceFile { display, text });
        self.files.len() - 1
    }

    /// The location of a value read by the YAML deserializer.
    pub fn loc<T>(&self, file: usize, s: &Spanned<T>) -> Loc {
        self.loc_of(file, &s.referenced)
    }

    pub fn loc_of(&self, file: usize, l: &serde_saphyr::Location) -> Loc {
        let text = self.files.get(file).map(|f| f.text.as_str()).unwrap_or("");
        let span = l.span();
        let offset = span.byte_offset().map(|o| o as usize);
        let line = l.line() as u32;
        let col = l.column() as u32;
        let offset = offset.unwrap_or_else(|| offset_of(text, line, col));
        let len = span.byte_len().map(|l| l as usize).unwrap_or(0);
        Loc {
            file,
            line,
            col,
            offset: offset.min(text.len()),
            len,
        }
    }

    /// A location from a 1-based line and column (in characters).
    pub fn loc_at(&self, file: usize, line: u32, col: u32) -> Loc {
        let text = self.files.get(file).map(|f| f.text.as_str()).unwrap_or("");
        Loc {
            file,
            line,
            col,
            offset: offset_of(text, line, col),
            len: 0,
        }
    }

    /// A location from a byte offset.
    pub fn loc_at_offset(&self, file: usize, offset: usize, len: usize) -> Loc {
        let text = self.files.get(file).map(|f| f.text.as_str()).unwrap_or("");
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() as u32 + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let col = before[line_start..].chars().count() as u32 + 1;
        Loc {
            file,
            line,
            col,
            offset,
            len,
        }
    }

    pub fn display(&self, loc: &Loc) -> String {
        let path = self
            .files
            .get(loc.file)
            .map(|f| f.display.as_str())
            .unwrap_or("?");
        format!("{}:{}:{}", path, loc.line, loc.col)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte offset of a 1-based line and column (in characters).
fn offset_of(text: &str, line: u32, col: u32) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            let in_line: usize = l
                .char_indices()
                .nth(col.saturating_sub(1) as usize)
                .map(|(b, _)| b)
                .unwrap_or(l.len());
            return offset + in_line;
        }
        offset += l.len();
    }
    text.len()
}

/// Sort diagnostics by file, line and column; those without a place first.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (
            a.loc.map(|l| (l.file, l.line, l.col)),
            a.severity,
            &a.message,
        )
            .cmp(&(
                b.loc.map(|l| (l.file, l.line, l.col)),
                b.severity,
                &b.message,
            ))
    });
}

/// Print diagnostics: `path:line:col: error: message`, then the snippet and
/// the hint.
pub fn emit(out: &mut dyn Write, sources: &Sources, diags: &[Diagnostic]) -> std::io::Result<()> {
    let mut files = SimpleFiles::new();
    for f in &sources.files {
        files.add(f.display.clone(), f.text.clone());
    }
    let rich = Config {
        display_style: DisplayStyle::Rich,
        ..Config::default()
    };
    for d in diags {
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match d.loc {
            Some(loc) => {
                writeln!(
                    out,
                    "{}: {}: {}",
                    sources.display(&loc),
                    severity,
                    d.message
                )?;
                let text = &sources.files[loc.file].text;
                let start = floor_char_boundary(text, loc.offset.min(text.len()));
                let end = floor_char_boundary(text, (start + loc.len.max(1)).min(text.len()));
                let mut cs = match d.severity {
                    Severity::Error => CsDiagnostic::error(),
                    Severity::Warning => CsDiagnostic::warning(),
                }
                .with_labels(vec![Label::primary(loc.file, start..end)
                    .with_message(d.label.clone().unwrap_or_default())]);
                if let Some(h) = &d.help {
                    cs = cs.with_notes(vec![format!("help: {h}")]);
                }
                // The rich form starts with its own "error: message" header,
                // which the line above already gave: keep only the snippet.
                if let Ok(rendered) = term::emit_into_string(&rich, &files, &cs) {
                    let body = rendered.split_once('\n').map(|(_, b)| b).unwrap_or("");
                    out.write_all(body.as_bytes())?;
                } else {
                    writeln!(out)?;
                }
            }
            None => {
                writeln!(out, "{severity}: {}", d.message)?;
                if let Some(h) = &d.help {
                    writeln!(out, "  = help: {h}")?;
                }
                writeln!(out)?;
            }
        }
    }
    Ok(())
}

/// All diagnostics as plain text (for tests and for error values).
pub fn render_plain(sources: &Sources, diags: &[Diagnostic]) -> String {
    let mut buf = Vec::new();
    let _ = emit(&mut buf, sources, diags);
    String::from_utf8_lossy(&buf).into_owned()
}
