//! The content model: what an author writes in `guide-src/*.yaml`.
//!
//! These types are only data. The loader fills them (with source locations
//! through [`Spanned`]), the checker validates them, the renderers read them.
//! Nothing here depends on a later stage. Ids and enum values are English and
//! language-neutral; every text field is Markdown in the guide's language, so
//! a second edition can reuse the same ids.

use serde::Deserialize;
pub use serde_saphyr::Spanned;

/// A string with the place it was written. Used for ids, references and
/// every text field, so that any diagnostic can point at it.
pub type Str = Spanned<String>;

/// One YAML file of the guide. Every section is optional, so a guide can be
/// one file or one file per section; sections from all files are merged.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SourceDoc {
    pub guide: Option<GuideMeta>,
    #[serde(default)]
    pub platforms: Vec<Platform>,
    #[serde(default)]
    pub symptoms: Vec<Symptom>,
    #[serde(default)]
    pub causes: Vec<Cause>,
    #[serde(default)]
    pub checks: Vec<Check>,
    #[serde(default)]
    pub fixes: Vec<Fix>,
    #[serde(default)]
    pub nothing_works: Vec<Topic>,
    #[serde(default)]
    pub prevention: Vec<Topic>,
    #[serde(default)]
    pub outdated: Vec<Outdated>,
    #[serde(default)]
    pub glossary: Vec<GlossaryEntry>,
}

/// `guide:`, the book's metadata and start page. Exactly one per guide.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuideMeta {
    pub title: Str,
    /// BCP 47 language tag, e.g. `ja`. Drives `<html lang>` and the UI strings.
    pub language: Str,
    /// One or two sentences, plain text (used in `<meta name="description">`).
    pub description: Str,
    /// Date the content was last reviewed, `YYYY-MM-DD`.
    pub reviewed: Str,
    /// Start page: what the error is (Markdown).
    pub intro: Str,
    /// Start page: how to use the guide (Markdown).
    #[serde(default)]
    pub how_to_use: Option<Str>,
    /// Where the published site lives (shown on printed checklists).
    #[serde(default)]
    pub url: Option<Str>,
    /// Groups of words a search treats as the same (e.g. `[サーバ, サーバー]`).
    #[serde(default)]
    pub synonyms: Vec<Vec<Str>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    pub id: Str,
    pub name: Str,
    /// What the platform covers (devices, apps), Markdown.
    pub covers: Str,
    /// OS versions or device models that matter, Markdown each.
    #[serde(default)]
    pub versions: Vec<Str>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Symptom {
    pub id: Str,
    /// The exact on-screen message, plain text.
    pub message: Str,
    /// Other wordings of the same message (older names, spellings), plain text.
    #[serde(default)]
    pub variants: Vec<Str>,
    /// Where it appears (Markdown).
    #[serde(rename = "where")]
    pub where_: Str,
    /// Platforms it is seen on; empty means all.
    #[serde(default)]
    pub platforms: Vec<Str>,
    /// Causes that can lead to it, most likely first.
    #[serde(default)]
    pub causes: Vec<Str>,
    #[serde(default)]
    pub note: Option<Str>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Likelihood {
    High,
    Medium,
    Low,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cause {
    pub id: Str,
    pub title: Str,
    pub likelihood: Likelihood,
    pub explanation: Str,
    /// How to confirm that this is the cause (Markdown).
    pub confirm: Str,
    /// Platforms where the cause cannot happen, with the reason shown to readers.
    #[serde(default)]
    pub not_applicable: Vec<NotApplicable>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotApplicable {
    pub platform: Str,
    pub reason: Str,
}

/// A check to do first, on any device. It counts as a fix on every platform
/// for the causes it lists.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub id: Str,
    pub title: Str,
    #[serde(default)]
    pub causes: Vec<Str>,
    #[serde(default)]
    pub summary: Option<Str>,
    pub minutes: Spanned<u32>,
    pub steps: Vec<Step>,
    /// How to tell the check found the problem or ruled it out.
    pub worked: Str,
    #[serde(default)]
    pub sources: Vec<Source>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    QuickCheck,
    Workaround,
    Resolution,
    Escalation,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
#[serde(rename_all = "kebab-case")]
pub enum RiskLevel {
    #[default]
    None,
    Low,
    Medium,
    High,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Performer {
    #[default]
    User,
    ItAdmin,
    AppleSupport,
}

/// How sure we are of the on-screen labels in a fix or step.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// Seen on the vendor's own documentation.
    #[default]
    Verified,
    /// Only third-party pages confirm it.
    ThirdParty,
    /// Believed, not confirmed.
    Unverified,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    pub level: RiskLevel,
    /// Can the step lose data (photos, passwords, settings)?
    #[serde(default)]
    pub data_loss: bool,
    /// What can go wrong (Markdown). Required unless `level: none`.
    #[serde(default)]
    pub consequence: Option<Str>,
    /// How to avoid the risk before starting (Markdown).
    #[serde(default)]
    pub avoid: Option<Str>,
    /// How to undo the change (Markdown).
    #[serde(default)]
    pub undo: Option<Str>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    pub id: Str,
    pub platform: Str,
    pub title: Str,
    pub kind: Kind,
    /// Causes this fix addresses.
    pub causes: Vec<Str>,
    /// What the fix does and why (Markdown).
    #[serde(default)]
    pub summary: Option<Str>,
    /// Time estimate in minutes.
    pub minutes: Spanned<u32>,
    #[serde(default)]
    pub performer: Performer,
    #[serde(default)]
    pub prerequisites: Vec<Str>,
    #[serde(default)]
    pub risk: Risk,
    pub steps: Vec<Step>,
    /// How to tell it worked (Markdown).
    pub worked: Str,
    /// Fix ids to try next if this did not help; empty means "nothing works".
    #[serde(default)]
    pub next: Vec<Str>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub confidence: Confidence,
    /// Why a label is not certain (shown when `confidence` is not `verified`).
    #[serde(default)]
    pub confidence_note: Option<Str>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What to do (Markdown). Required unless the step has `variants`.
    #[serde(default)]
    pub text: Option<Str>,
    /// Exact on-screen labels to follow, in order: `[設定, 一般, 日付と時刻]`.
    #[serde(default)]
    pub path: Vec<Str>,
    /// A warning shown before the step (Markdown).
    #[serde(default)]
    pub warning: Option<Str>,
    #[serde(default)]
    pub substeps: Vec<Str>,
    /// The same step, done differently by device model or OS version.
    #[serde(default)]
    pub variants: Vec<Variant>,
    #[serde(default)]
    pub confidence: Option<Confidence>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// Which devices or versions (Markdown), e.g. `macOS 13 Ventura 以降`.
    pub when: Str,
    #[serde(default)]
    pub text: Option<Str>,
    #[serde(default)]
    pub path: Vec<Str>,
    #[serde(default)]
    pub substeps: Vec<Str>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: Str,
    pub url: Str,
    /// Date the source was checked, `YYYY-MM-DD`.
    pub checked: Str,
    #[serde(default)]
    pub confidence: Confidence,
}

/// An entry of "when nothing works" or "prevention".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub id: Str,
    pub title: Str,
    pub body: Str,
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Outdated advice this entry replaces (Markdown), shown to readers.
    #[serde(default)]
    pub replaces: Option<Str>,
    #[serde(default)]
    pub sources: Vec<Source>,
}

/// Advice that used to be given and is now outdated or risky.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outdated {
    pub id: Str,
    /// What was said (Markdown).
    pub advice: Str,
    /// Why it is outdated or risky (Markdown).
    pub why: Str,
    /// What to do instead (Markdown).
    pub instead: Str,
    #[serde(default)]
    pub sources: Vec<Source>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryEntry {
    pub id: Str,
    pub term: Str,
    /// Other names readers may know (plain text).
    #[serde(default)]
    pub aliases: Vec<Str>,
    pub definition: Str,
}

/// Where a value was written: file index (into the source map), 1-based
/// line and column, and the byte offset in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Loc {
    pub file: usize,
    pub line: u32,
    pub col: u32,
    pub offset: usize,
    pub len: usize,
}

/// Items of the guide merged from every file, each with the file it came from.
#[derive(Debug, Default)]
pub struct Guide {
    pub meta: Option<(usize, GuideMeta)>,
    pub platforms: Vec<(usize, Platform)>,
    pub symptoms: Vec<(usize, Symptom)>,
    pub causes: Vec<(usize, Cause)>,
    pub checks: Vec<(usize, Check)>,
    pub fixes: Vec<(usize, Fix)>,
    pub nothing_works: Vec<(usize, Topic)>,
    pub prevention: Vec<(usize, Topic)>,
    pub outdated: Vec<(usize, Outdated)>,
    pub glossary: Vec<(usize, GlossaryEntry)>,
}
