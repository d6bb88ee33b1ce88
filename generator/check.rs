//! Checker: takes the loaded guide and either returns a [`Checked`] guide
//! (every reference resolves, every cause has a fix on every platform) or the
//! list of problems, all of them, sorted by file and line.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diag::{self, Diagnostic, Sources};
use crate::load::Loaded;
use crate::model::*;

/// Schemes of Markdown links that point at other items of the guide.
pub const ITEM_SCHEMES: &[&str] = &[
    "cause", "fix", "check", "symptom", "platform", "topic", "outdated", "glossary",
];

/// How one cause is covered on one platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cover {
    /// Index into `guide.fixes`.
    Fix(usize),
    /// Index into `guide.checks`.
    Check(usize),
    /// The cause cannot happen there; index into the cause's `not_applicable`.
    NotApplicable(usize),
}

/// A guide that passed the checker. Renderers only see this.
#[derive(Debug)]
pub struct Checked {
    pub guide: Guide,
    /// `coverage[cause index][platform index]`: what covers it, in the
    /// platform's recommended order (checks first).
    pub coverage: Vec<Vec<Vec<Cover>>>,
    /// Warnings found (the guide is still usable).
    pub warnings: Vec<Diagnostic>,
}

impl Checked {
    pub fn meta(&self) -> &GuideMeta {
        &self.guide.meta.as_ref().expect("checked guide has meta").1
    }
    pub fn platform_index(&self, id: &str) -> Option<usize> {
        self.guide
            .platforms
            .iter()
            .position(|(_, p)| p.id.value == id)
    }
    pub fn cause_index(&self, id: &str) -> Option<usize> {
        self.guide.causes.iter().position(|(_, c)| c.id.value == id)
    }
    pub fn fix_index(&self, id: &str) -> Option<usize> {
        self.guide.fixes.iter().position(|(_, f)| f.id.value == id)
    }
    /// Fixes of one platform, in recommended order (as written).
    pub fn fixes_for<'a>(
        &'a self,
        platform: &'a str,
    ) -> impl Iterator<Item = (usize, &'a Fix)> + 'a {
        self.guide
            .fixes
            .iter()
            .enumerate()
            .filter(move |(_, (_, f))| f.platform.value == platform)
            .map(|(i, (_, f))| (i, f))
    }
}

/// What the checker found: the checked guide when there is no error.
pub struct Outcome {
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
    pub checked: Option<Checked>,
}

impl Outcome {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == diag::Severity::Error)
            .count()
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Is `s` a slug: lowercase ASCII letters and digits in groups joined by `-`?
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Is `s` a date `YYYY-MM-DD` that exists?
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    if !s[0..4].bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d) && y >= 1990
}

/// Split a Markdown link target into an item scheme and id, if it is one.
pub fn item_link(dest: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = dest.split_once(':')?;
    ITEM_SCHEMES.contains(&scheme).then_some((scheme, rest))
}

/// Is a link target one we allow in reader-facing text?
pub fn allowed_external(dest: &str) -> bool {
    let lower = dest.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

struct Ctx<'a> {
    sources: &'a Sources,
    diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn loc<T>(&self, file: usize, s: &Spanned<T>) -> Option<Loc> {
        Some(self.sources.loc(file, s))
    }
    fn error<T>(&mut self, file: usize, at: &Spanned<T>, msg: String) -> &mut Diagnostic {
        let d = Diagnostic::error(self.loc(file, at), msg);
        self.diags.push(d);
        self.diags.last_mut().unwrap()
    }
    fn warning<T>(&mut self, file: usize, at: &Spanned<T>, msg: String) -> &mut Diagnostic {
        let d = Diagnostic::warning(self.loc(file, at), msg);
        self.diags.push(d);
        self.diags.last_mut().unwrap()
    }
}

trait Builder {
    fn label(&mut self, s: impl Into<String>) -> &mut Self;
    fn help(&mut self, s: impl Into<String>) -> &mut Self;
}
impl Builder for Diagnostic {
    fn label(&mut self, s: impl Into<String>) -> &mut Self {
        self.label = Some(s.into());
        self
    }
    fn help(&mut self, s: impl Into<String>) -> &mut Self {
        self.help = Some(s.into());
        self
    }
}

/// Run every rule. Load errors are passed through; when a file did not parse,
/// reference rules are skipped (they would report items that are only
/// missing because their file is broken).
pub fn check(loaded: Loaded) -> Outcome {
    let Loaded {
        sources,
        guide,
        mut diagnostics,
    } = loaded;
    let load_failed = diagnostics
        .iter()
        .any(|d| d.severity == diag::Severity::Error);
    let mut coverage = Vec::new();
    if !load_failed {
        let mut ctx = Ctx {
            sources: &sources,
            diags: Vec::new(),
        };
        coverage = run_rules(&mut ctx, &guide);
        diagnostics.extend(ctx.diags);
    }
    diag::sort(&mut diagnostics);
    let has_errors = diagnostics
        .iter()
        .any(|d| d.severity == diag::Severity::Error);
    let checked = (!has_errors).then(|| Checked {
        guide,
        coverage,
        warnings: diagnostics.clone(),
    });
    Outcome {
        sources,
        diagnostics,
        checked,
    }
}

type Ids<'a> = HashMap<&'a str, (usize, &'a Str)>;

fn run_rules(ctx: &mut Ctx, g: &Guide) -> Vec<Vec<Vec<Cover>>> {
    let Some((meta_file, meta)) = &g.meta else {
        ctx.diags.push(
            Diagnostic::error(None, "the guide has no `guide:` section")
                .help("add a file guide-src/guide.yaml with `guide:` (title, language, description, reviewed, intro)"),
        );
        return Vec::new();
    };
    check_meta(ctx, *meta_file, meta);

    // Ids: slug-shaped and unique across the whole guide.
    let mut all: HashMap<&str, (usize, &Str, &str)> = HashMap::new();
    let mut kinds: BTreeMap<&str, Ids> = BTreeMap::new();
    let items: Vec<(&'static str, usize, &Str)> = g
        .platforms
        .iter()
        .map(|(f, x)| ("platform", *f, &x.id))
        .chain(g.symptoms.iter().map(|(f, x)| ("symptom", *f, &x.id)))
        .chain(g.causes.iter().map(|(f, x)| ("cause", *f, &x.id)))
        .chain(g.checks.iter().map(|(f, x)| ("check", *f, &x.id)))
        .chain(g.fixes.iter().map(|(f, x)| ("fix", *f, &x.id)))
        .chain(g.nothing_works.iter().map(|(f, x)| ("topic", *f, &x.id)))
        .chain(g.prevention.iter().map(|(f, x)| ("topic", *f, &x.id)))
        .chain(g.outdated.iter().map(|(f, x)| ("outdated", *f, &x.id)))
        .chain(g.glossary.iter().map(|(f, x)| ("glossary", *f, &x.id)))
        .collect();
    // Ids become file names: two that differ only in case would be one file
    // on Windows and macOS.
    let mut folded: HashMap<String, Vec<(usize, &Str)>> = HashMap::new();
    for (_, file, id) in &items {
        folded
            .entry(id.value.to_lowercase())
            .or_default()
            .push((*file, *id));
    }
    for (kind, file, id) in items {
        let twin = folded
            .get(&id.value.to_lowercase())
            .and_then(|v| v.iter().find(|(_, o)| o.value != id.value));
        if let Some((tfile, tid)) = twin.filter(|_| !is_slug(&id.value)) {
            let other = ctx.sources.display(&ctx.sources.loc(*tfile, *tid));
            ctx.error(
                file,
                id,
                format!(
                    "{kind} id `{}` differs from the id `{}` only in capitals",
                    id.value, tid.value
                ),
            )
            .label("not a lowercase slug")
            .help(format!(
                "ids become file names, and on a case-insensitive file system (Windows, macOS) \
                 both would be the same file: ids use lowercase letters only; rename this one \
                 (`{}` is at {other})",
                tid.value
            ));
        } else if id.value.trim().is_empty() {
            ctx.error(file, id, format!("{kind} id is empty"))
                .label("no id")
                .help("give the item an id: lowercase ASCII letters, digits and single hyphens");
        } else if !is_slug(&id.value) {
            let suggestion = slugify(&id.value);
            ctx.error(file, id, format!("{kind} id `{}` is not a valid id", id.value))
                .label("not a slug")
                .help(format!(
                    "ids use lowercase ASCII letters, digits and single hyphens (at most 64 characters){}",
                    if suggestion.is_empty() {
                        String::new()
                    } else {
                        format!(", e.g. `{suggestion}`")
                    }
                ));
        }
        if let Some((pfile, pid, pkind)) = all.get(id.value.as_str()) {
            let first = ctx.sources.display(&ctx.sources.loc(*pfile, *pid));
            ctx.error(file, id, format!("duplicate id `{}`", id.value))
                .label("used again here")
                .help(format!(
                    "ids must be unique in the whole guide; the {pkind} at {first} already uses it"
                ));
        } else {
            all.insert(&id.value, (file, id, kind));
            kinds.entry(kind).or_default().insert(&id.value, (file, id));
        }
    }
    let empty = Ids::new();
    let platforms = kinds.get("platform").unwrap_or(&empty);
    let causes = kinds.get("cause").unwrap_or(&empty);
    let fixes_ids = kinds.get("fix").unwrap_or(&empty);

    if g.platforms.is_empty() {
        ctx.diags.push(
            Diagnostic::error(None, "the guide has no platforms")
                .help("add `platforms:` with at least one platform (id, name, covers)"),
        );
    }

    let resolve =
        |ctx: &mut Ctx, file: usize, r: &Str, table: &Ids, kind: &str, field: &str| -> bool {
            if table.contains_key(r.value.as_str()) {
                return true;
            }
            let mut known: Vec<&str> = table.keys().copied().collect();
            known.sort();
            let near = nearest(&r.value, &known);
            ctx.error(
                file,
                r,
                format!("{field} refers to unknown {kind} `{}`", r.value),
            )
            .label(format!("no {kind} has this id"))
            .help(match near {
                Some(n) => format!("did you mean `{n}`?"),
                None if known.is_empty() => format!("define the {kind} first"),
                None if known.len() > 12 => format!(
                    "known {kind} ids include {}, … ({} in all)",
                    known[..12].join(", "),
                    known.len()
                ),
                None => format!("known {kind} ids: {}", known.join(", ")),
            });
            false
        };

    // Symptoms.
    let mut mentioned: HashSet<&str> = HashSet::new();
    for (file, s) in &g.symptoms {
        nonempty(ctx, *file, &s.message, "message");
        if s.causes.is_empty() {
            ctx.error(
                *file,
                &s.id,
                format!("symptom `{}` names no cause", s.id.value),
            )
            .help("add `causes:` with the ids of the causes that can lead to this message");
        }
        for c in &s.causes {
            if resolve(ctx, *file, c, causes, "cause", "symptom") {
                mentioned.insert(&c.value);
            }
        }
        for p in &s.platforms {
            resolve(ctx, *file, p, platforms, "platform", "symptom");
        }
        dupes(ctx, *file, &s.causes, "cause");
    }

    // Causes.
    for (file, c) in &g.causes {
        for na in &c.not_applicable {
            resolve(
                ctx,
                *file,
                &na.platform,
                platforms,
                "platform",
                "not_applicable",
            );
        }
        if !mentioned.contains(c.id.value.as_str()) && !g.symptoms.is_empty() {
            ctx.warning(*file, &c.id, format!("no symptom mentions cause `{}`", c.id.value))
                .help("list it under `causes:` of the symptoms it can produce, so readers find it from the message");
        }
    }

    // Checks.
    for (file, c) in &g.checks {
        for r in &c.causes {
            resolve(ctx, *file, r, causes, "cause", "check");
        }
        steps(ctx, *file, &c.id, &c.steps);
        sources_ok(ctx, *file, &c.sources);
    }

    // Fixes.
    // First fix of each id (a duplicate is reported above), found in O(1).
    let mut fix_by_id: HashMap<&str, &Fix> = HashMap::new();
    for (_, f) in &g.fixes {
        fix_by_id.entry(f.id.value.as_str()).or_insert(f);
    }
    for (file, f) in &g.fixes {
        resolve(ctx, *file, &f.platform, platforms, "platform", "fix");
        if f.causes.is_empty() {
            ctx.error(
                *file,
                &f.id,
                format!("fix `{}` addresses no cause", f.id.value),
            )
            .help("add `causes:` with the ids of the causes this fix addresses");
        }
        for c in &f.causes {
            resolve(ctx, *file, c, causes, "cause", "fix");
        }
        dupes(ctx, *file, &f.causes, "cause");
        for n in &f.next {
            if resolve(ctx, *file, n, fixes_ids, "fix", "next") {
                let target = fix_by_id.get(n.value.as_str()).copied();
                if let Some(t) = target {
                    if t.platform.value != f.platform.value {
                        ctx.error(
                            *file,
                            n,
                            format!(
                                "next fix `{}` is for platform `{}`, but `{}` is for `{}`",
                                n.value, t.platform.value, f.id.value, f.platform.value
                            ),
                        )
                        .help("`next` lists fixes of the same platform");
                    }
                    if t.id.value == f.id.value {
                        ctx.error(
                            *file,
                            n,
                            format!("fix `{}` lists itself as next", f.id.value),
                        )
                        .help("name the fix to try after this one, or leave `next` empty");
                    }
                }
            }
        }
        if f.minutes.value == 0 {
            ctx.error(*file, &f.minutes, "time estimate is 0 minutes".into())
                .help("give a realistic estimate in whole minutes (at least 1)");
        }
        risk(ctx, *file, f);
        steps(ctx, *file, &f.id, &f.steps);
        sources_ok(ctx, *file, &f.sources);
        if f.confidence != Confidence::Verified && f.confidence_note.is_none() {
            ctx.warning(
                *file,
                &f.id,
                format!(
                    "fix `{}` has unconfirmed labels but no confidence_note",
                    f.id.value
                ),
            )
            .help("say which label could not be confirmed in `confidence_note`");
        }
    }
    next_cycles(ctx, g);

    for (file, t) in g.nothing_works.iter().chain(&g.prevention) {
        steps_if_any(ctx, *file, &t.steps);
        sources_ok(ctx, *file, &t.sources);
    }
    for (file, o) in &g.outdated {
        sources_ok(ctx, *file, &o.sources);
    }

    // Text fields: Markdown links and list items merged into text.
    for (file, t, plain) in texts(g) {
        markdown_links(ctx, file, t, plain, &kinds);
        merged_list_item(ctx, file, t);
    }

    coverage(ctx, g)
}

fn check_meta(ctx: &mut Ctx, file: usize, m: &GuideMeta) {
    let lang = &m.language.value;
    let lang_ok = !lang.is_empty()
        && lang
            .split('-')
            .all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if !lang_ok {
        ctx.error(file, &m.language, format!("`{lang}` is not a language tag"))
            .help("use a BCP 47 tag such as `ja` or `en`");
    }
    if !is_date(&m.reviewed.value) {
        ctx.error(
            file,
            &m.reviewed,
            format!("`{}` is not a date", m.reviewed.value),
        )
        .help("write the date as YYYY-MM-DD, e.g. 2026-11-25");
    }
    if let Some(u) = &m.url {
        if !u.value.starts_with("https://") && !u.value.starts_with("http://") {
            ctx.error(file, u, format!("`{}` is not a web address", u.value))
                .help("give the published site's address, starting with https://");
        }
    }
    for (field, v) in [
        ("title", &m.title),
        ("description", &m.description),
        ("intro", &m.intro),
    ] {
        nonempty(ctx, file, v, field);
    }
}

fn nonempty(ctx: &mut Ctx, file: usize, s: &Str, field: &str) {
    if s.value.trim().is_empty() {
        ctx.error(file, s, format!("`{field}` is empty"))
            .help("write the text, or remove the item");
    }
}

fn dupes(ctx: &mut Ctx, file: usize, refs: &[Str], kind: &str) {
    let mut seen = HashSet::new();
    for r in refs {
        if !seen.insert(r.value.as_str()) {
            ctx.warning(file, r, format!("{kind} `{}` is listed twice", r.value))
                .help("remove the second mention");
        }
    }
}

fn risk(ctx: &mut Ctx, file: usize, f: &Fix) {
    let r = &f.risk;
    if r.level != RiskLevel::None && r.consequence.is_none() {
        ctx.error(
            file,
            &f.id,
            format!(
                "fix `{}` has risk level {:?} but no `consequence`",
                f.id.value, r.level
            )
            .to_lowercase(),
        )
        .help(
            "say under `risk: consequence:` what can go wrong, so readers see it before the step",
        );
    }
    if r.data_loss && r.level < RiskLevel::Medium {
        ctx.error(
            file,
            &f.id,
            format!(
                "fix `{}` can lose data but its risk level is below medium",
                f.id.value
            ),
        )
        .help("set `risk: level: medium` or `high` for steps that can lose data");
    }
    if r.level >= RiskLevel::Medium && r.avoid.is_none() {
        ctx.error(file, &f.id, format!("fix `{}` is {:?} risk but says nothing under `avoid`", f.id.value, r.level).to_lowercase())
            .help("say under `risk: avoid:` how to avoid the risk before starting (e.g. make a backup first)");
    }
}

fn steps(ctx: &mut Ctx, file: usize, owner: &Str, steps: &[Step]) {
    if steps.is_empty() {
        ctx.error(file, owner, format!("`{}` has no steps", owner.value))
            .help("add `steps:` with at least one step (`- text: ...`)");
    }
    steps_if_any(ctx, file, steps);
}

fn steps_if_any(ctx: &mut Ctx, file: usize, steps: &[Step]) {
    for s in steps {
        match (&s.text, s.variants.is_empty()) {
            (None, true) if s.path.is_empty() => {
                // No text, no path, no variants: point at the warning if any.
                let at = s.warning.as_ref().or(s.substeps.first());
                if let Some(at) = at {
                    ctx.error(file, at, "step has no `text`, `path` or `variants`".into())
                        .help("say what to do in `text:`");
                }
            }
            _ => {}
        }
        for v in &s.variants {
            if v.text.is_none() && v.path.is_empty() && v.substeps.is_empty() {
                ctx.error(file, &v.when, "variant says nothing to do".into())
                    .help("add `text`, `path` or `substeps` to the variant");
            }
        }
        for p in s
            .path
            .iter()
            .chain(s.variants.iter().flat_map(|v| v.path.iter()))
        {
            if p.value.trim().is_empty() {
                ctx.error(file, p, "empty label in `path`".into())
                    .help("write the exact on-screen label");
            }
            if p.value.contains('「') || p.value.contains('」') || p.value.contains('>') {
                ctx.warning(file, p, "label in `path` contains 「」 or `>`".into())
                    .help("write one label per list item without brackets; the renderer adds 「」 and the arrows");
            }
        }
    }
}

fn sources_ok(ctx: &mut Ctx, file: usize, sources: &[Source]) {
    for s in sources {
        if !s.url.value.starts_with("https://") && !s.url.value.starts_with("http://") {
            ctx.error(
                file,
                &s.url,
                format!("source address `{}` is not a web address", s.url.value),
            )
            .help("give the full address, starting with https://");
        }
        if !is_date(&s.checked.value) {
            ctx.error(
                file,
                &s.checked,
                format!("`{}` is not a date", s.checked.value),
            )
            .help("write the date the source was checked as YYYY-MM-DD");
        }
    }
}

/// "What to try next" must not go round in circles.
fn next_cycles(ctx: &mut Ctx, g: &Guide) {
    let index: HashMap<&str, usize> = g
        .fixes
        .iter()
        .enumerate()
        .map(|(i, (_, f))| (f.id.value.as_str(), i))
        .collect();
    // 0 = unvisited, 1 = on stack, 2 = done
    let mut state = vec![0u8; g.fixes.len()];
    let mut reported = HashSet::new();
    for start in 0..g.fixes.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some((node, edge)) = stack.pop() {
            let nexts = &g.fixes[node].1.next;
            if edge < nexts.len() {
                stack.push((node, edge + 1));
                let Some(&to) = index.get(nexts[edge].value.as_str()) else {
                    continue;
                };
                if to == node {
                    continue; // reported as "lists itself"
                }
                match state[to] {
                    0 => {
                        state[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => {
                        let pos = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                        let cycle: Vec<&str> = stack[pos..]
                            .iter()
                            .map(|(n, _)| g.fixes[*n].1.id.value.as_str())
                            .chain([g.fixes[to].1.id.value.as_str()])
                            .collect();
                        if reported.insert(node) {
                            let (file, f) = &g.fixes[node];
                            let at = &f.next[edge];
                            ctx.error(*file, at, format!("`next` goes round in a circle: {}", cycle.join(" → ")))
                                .label("this link closes the circle")
                                .help("a reader following `next` would never reach the end: point the last fix elsewhere or leave its `next` empty");
                        }
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
            }
        }
    }
}

/// Every text field of the guide, with whether it is plain text (no Markdown).
fn texts(g: &Guide) -> Vec<(usize, &Str, bool)> {
    let mut out: Vec<(usize, &Str, bool)> = Vec::new();
    fn step_texts<'a>(out: &mut Vec<(usize, &'a Str, bool)>, file: usize, steps: &'a [Step]) {
        for s in steps {
            out.extend(s.text.iter().map(|t| (file, t, false)));
            out.extend(s.warning.iter().map(|t| (file, t, false)));
            out.extend(s.substeps.iter().map(|t| (file, t, false)));
            out.extend(s.path.iter().map(|t| (file, t, true)));
            for v in &s.variants {
                out.push((file, &v.when, false));
                out.extend(v.text.iter().map(|t| (file, t, false)));
                out.extend(v.substeps.iter().map(|t| (file, t, false)));
                out.extend(v.path.iter().map(|t| (file, t, true)));
            }
        }
    }
    fn src_texts<'a>(out: &mut Vec<(usize, &'a Str, bool)>, file: usize, sources: &'a [Source]) {
        for s in sources {
            out.push((file, &s.title, true));
        }
    }
    if let Some((f, m)) = &g.meta {
        out.push((*f, &m.title, false));
        out.push((*f, &m.description, true));
        out.push((*f, &m.intro, false));
        out.extend(m.how_to_use.iter().map(|t| (*f, t, false)));
    }
    for (f, p) in &g.platforms {
        out.push((*f, &p.name, false));
        out.push((*f, &p.covers, false));
        out.extend(p.versions.iter().map(|t| (*f, t, false)));
    }
    for (f, s) in &g.symptoms {
        out.push((*f, &s.message, true));
        out.extend(s.variants.iter().map(|t| (*f, t, true)));
        out.push((*f, &s.where_, false));
        out.extend(s.note.iter().map(|t| (*f, t, false)));
    }
    for (f, c) in &g.causes {
        out.push((*f, &c.title, false));
        out.push((*f, &c.explanation, false));
        out.push((*f, &c.confirm, false));
        out.extend(c.not_applicable.iter().map(|n| (*f, &n.reason, false)));
    }
    for (f, c) in &g.checks {
        out.push((*f, &c.title, false));
        out.extend(c.summary.iter().map(|t| (*f, t, false)));
        out.push((*f, &c.worked, false));
        step_texts(&mut out, *f, &c.steps);
        src_texts(&mut out, *f, &c.sources);
    }
    for (f, x) in &g.fixes {
        out.push((*f, &x.title, false));
        out.extend(x.summary.iter().map(|t| (*f, t, false)));
        out.extend(x.prerequisites.iter().map(|t| (*f, t, false)));
        for t in [&x.risk.consequence, &x.risk.avoid, &x.risk.undo]
            .into_iter()
            .flatten()
        {
            out.push((*f, t, false));
        }
        out.push((*f, &x.worked, false));
        out.extend(x.confidence_note.iter().map(|t| (*f, t, false)));
        step_texts(&mut out, *f, &x.steps);
        src_texts(&mut out, *f, &x.sources);
    }
    for (f, t) in g.nothing_works.iter().chain(&g.prevention) {
        out.push((*f, &t.title, false));
        out.push((*f, &t.body, false));
        out.extend(t.replaces.iter().map(|x| (*f, x, false)));
        step_texts(&mut out, *f, &t.steps);
        src_texts(&mut out, *f, &t.sources);
    }
    for (f, o) in &g.outdated {
        out.push((*f, &o.advice, false));
        out.push((*f, &o.why, false));
        out.push((*f, &o.instead, false));
        src_texts(&mut out, *f, &o.sources);
    }
    for (f, e) in &g.glossary {
        out.push((*f, &e.term, false));
        out.extend(e.aliases.iter().map(|t| (*f, t, true)));
        out.push((*f, &e.definition, false));
    }
    out
}

/// The place of `needle` inside the YAML text of a value (searching from the
/// value's start), or the value's own place.
fn loc_in_value(ctx: &Ctx, file: usize, t: &Str, needle: &str) -> Option<Loc> {
    let base = ctx.sources.loc(file, t);
    let text = &ctx.sources.files[file].text;
    match text.get(base.offset..).and_then(|rest| rest.find(needle)) {
        Some(i) => Some(
            ctx.sources
                .loc_at_offset(file, base.offset + i, needle.len()),
        ),
        None => Some(base),
    }
}

fn markdown_links(ctx: &mut Ctx, file: usize, t: &Str, plain: bool, kinds: &BTreeMap<&str, Ids>) {
    if plain {
        return;
    }
    use pulldown_cmark::{Event, Parser, Tag};
    for ev in Parser::new(&t.value) {
        let dest = match &ev {
            Event::Start(Tag::Link { dest_url, .. }) => dest_url.to_string(),
            Event::Start(Tag::Image { dest_url, .. }) => {
                let d = Diagnostic::error(loc_in_value(ctx, file, t, dest_url), "images are not supported in guide text")
                    .help("describe the screen in words; images would also break the offline and print editions");
                ctx.diags.push(d);
                continue;
            }
            _ => continue,
        };
        if let Some((scheme, id)) = item_link(&dest) {
            let ok = kinds.get(scheme).is_some_and(|t| t.contains_key(id));
            if !ok {
                let mut known: Vec<&str> = kinds
                    .get(scheme)
                    .map(|t| t.keys().copied().collect())
                    .unwrap_or_default();
                known.sort();
                let near = nearest(id, &known);
                let d = Diagnostic::error(
                    loc_in_value(ctx, file, t, &dest),
                    format!("link to unknown {scheme} `{id}`"),
                )
                .label("no such item")
                .help(match near {
                    Some(n) => format!("did you mean `{scheme}:{n}`?"),
                    None => format!("link to an existing {scheme} id, e.g. `[text]({scheme}:ID)`"),
                });
                ctx.diags.push(d);
            }
        } else if !allowed_external(&dest) {
            let d = Diagnostic::error(
                loc_in_value(ctx, file, t, &dest),
                format!("link target `{dest}` is not allowed"),
            )
            .label("not a web address or guide item")
            .help(format!(
                "use https:// addresses, or one of {} followed by `:` and an id",
                ITEM_SCHEMES.join(", ")
            ));
            ctx.diags.push(d);
        }
    }
}

/// A list item indented deeper than the one before is, for YAML, the
/// continuation of the previous plain string: `- a\n   - b` is "a - b".
fn merged_list_item(ctx: &mut Ctx, file: usize, t: &Str) {
    let loc = ctx.sources.loc(file, t);
    let text = &ctx.sources.files[file].text;
    let Some(raw) = text.get(loc.offset..) else {
        return;
    };
    if raw.starts_with(['|', '>', '"', '\'']) {
        return;
    }
    // The plain scalar runs over following lines that are indented more than
    // the line it started on.
    let line_start = text[..loc.offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let base_indent = text[line_start..].len() - text[line_start..].trim_start_matches(' ').len();
    let Some(first_end) = raw.find('\n') else {
        return;
    };
    let mut offset = loc.offset + first_end + 1;
    for line in text[offset..].split_inclusive('\n') {
        offset += line.len();
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if trimmed.trim().is_empty() || indent <= base_indent || trimmed.starts_with('#') {
            break;
        }
        if trimmed.starts_with("- ") && t.value.contains(" - ") {
            let at = offset - line.len() + indent;
            let d = Diagnostic::error(
                Some(ctx.sources.loc_at_offset(file, at, 1)),
                "this list item is indented deeper than the one before, so YAML merges it into the previous text",
            )
            .label("merged into the line above")
            .help("indent `-` of every item of a list by the same number of spaces");
            ctx.diags.push(d);
            return;
        }
    }
}

fn coverage(ctx: &mut Ctx, g: &Guide) -> Vec<Vec<Vec<Cover>>> {
    let mut out = Vec::with_capacity(g.causes.len());
    // Index fixes and checks by cause once: linear in the guide's size.
    let mut by_cause_fix: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (_, f)) in g.fixes.iter().enumerate() {
        for c in &f.causes {
            by_cause_fix.entry(c.value.as_str()).or_default().push(i);
        }
    }
    let mut by_cause_check: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (_, c)) in g.checks.iter().enumerate() {
        for cause in &c.causes {
            by_cause_check
                .entry(cause.value.as_str())
                .or_default()
                .push(i);
        }
    }
    for (file, c) in &g.causes {
        let mut row = Vec::with_capacity(g.platforms.len());
        for (_, p) in &g.platforms {
            let mut cell: Vec<Cover> = by_cause_check
                .get(c.id.value.as_str())
                .map(|v| v.iter().map(|i| Cover::Check(*i)).collect())
                .unwrap_or_default();
            if let Some(v) = by_cause_fix.get(c.id.value.as_str()) {
                cell.extend(
                    v.iter()
                        .filter(|i| g.fixes[**i].1.platform.value == p.id.value)
                        .map(|i| Cover::Fix(*i)),
                );
            }
            let na = c
                .not_applicable
                .iter()
                .position(|n| n.platform.value == p.id.value);
            match (cell.is_empty(), na) {
                (true, Some(i)) => {
                    ctx.warning(
                        *file,
                        &c.not_applicable[i].platform,
                        format!(
                            "cause `{}` is marked not applicable on {} ({})",
                            c.id.value, p.id.value, p.name.value
                        ),
                    )
                    .help("readers see the reason instead of a fix; make sure it is true");
                    cell.push(Cover::NotApplicable(i));
                }
                (true, None) => {
                    ctx.error(*file, &c.id, format!(
                        "cause `{}` has no fix on platform `{}` ({})",
                        c.id.value, p.id.value, p.name.value
                    ))
                    .label(format!("no fix for {}", p.name.value))
                    .help(format!(
                        "add a fix with `platform: {}` and `causes: [{}]`, list the cause in a check, \
                         or add `not_applicable: [{{platform: {}, reason: ...}}]` to the cause",
                        p.id.value, c.id.value, p.id.value
                    ));
                }
                (false, Some(i)) => {
                    ctx.warning(
                        *file,
                        &c.not_applicable[i].platform,
                        format!(
                            "cause `{}` is marked not applicable on {} but has fixes there",
                            c.id.value, p.id.value
                        ),
                    )
                    .help("remove the `not_applicable` entry or the fixes");
                }
                (false, None) => {}
            }
            row.push(cell);
        }
        out.push(row);
    }
    for (file, p) in &g.platforms {
        if !g.fixes.iter().any(|(_, f)| f.platform.value == p.id.value) {
            ctx.warning(
                *file,
                &p.id,
                format!("platform `{}` has no fixes", p.id.value),
            )
            .help("add fixes with `platform: ` this id");
        }
    }
    out
}

/// The closest known id, for "did you mean" hints.
pub(crate) fn nearest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(word, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 8 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A slug suggestion for an invalid id.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let short: String = out.chars().take(64).collect();
    short.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("iphone-restart"));
        assert!(is_slug("a1"));
        for bad in ["", "A", "a b", "a--b", "-a", "a-", "a/b", "..", "ａ", "a_b"] {
            assert!(!is_slug(bad), "{bad:?} should not be a slug");
        }
        assert_eq!(slugify("Sign Out / In"), "sign-out-in");
        // Cut to 64 characters before trimming: never ends with `-`.
        let long = format!("{} b", "a".repeat(63));
        assert!(is_slug(&slugify(&long)), "{}", slugify(&long));
    }

    #[test]
    fn dates() {
        assert!(is_date("2026-11-25"));
        assert!(is_date("2024-02-29"));
        for bad in [
            "2025-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-11-25",
            "2026/11/25",
            "1900-01-01",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn links() {
        assert_eq!(item_link("cause:dns"), Some(("cause", "dns")));
        assert_eq!(item_link("https://x"), None);
        assert!(allowed_external("https://support.apple.com/ja-jp/102640"));
        assert!(!allowed_external("javascript:alert(1)"));
        assert!(!allowed_external("data:text/html,x"));
    }

    #[test]
    fn near() {
        assert_eq!(
            nearest("wrong-pasword", &["wrong-password", "dns"]),
            Some("wrong-password")
        );
        assert_eq!(nearest("zzz", &["wrong-password"]), None);
    }
}
