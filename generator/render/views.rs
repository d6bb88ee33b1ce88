//! View models: what each template receives. Every text is already safe
//! HTML (see `markdown`), every URL relative to the page.

use serde::Serialize;
use serde_json::{json, Value};

use super::cover_items;
use super::markdown::{escape, Linker};
use super::Indexed;
use crate::check::Cover;
use crate::model::*;

/// The interface words of one language (`themes/i18n/<lang>.toml`).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Strings {
    pub nav: Nav,
    #[serde(flatten)]
    pub rest: toml::Table,
}

/// Page titles, needed by Rust for the table of contents.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Nav {
    pub start: String,
    pub checks: String,
    pub messages: String,
    pub causes: String,
    pub nothing_works: String,
    pub prevention: String,
    pub coverage: String,
    pub glossary: String,
    pub outdated: String,
    #[serde(flatten)]
    pub rest: toml::Table,
}

/// `QuickCheck` → `quick-check`: enum values as written in the YAML.
pub(crate) fn kebab<T: std::fmt::Debug>(v: T) -> String {
    let s = format!("{v:?}");
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Plain text of one line of Markdown (for the table of contents and titles).
pub fn plain(md: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let mut s = String::new();
    for ev in Parser::new(md) {
        match ev {
            Event::Text(t) | Event::Code(t) => s.push_str(&t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

fn steps(l: &Linker, steps: &[Step]) -> Value {
    let path = |p: &[Str]| p.iter().map(|x| escape(x.value.trim())).collect::<Vec<_>>();
    let sub = |s: &[Str]| s.iter().map(|x| l.inline(&x.value)).collect::<Vec<_>>();
    Value::Array(
        steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                json!({
                    "n": i + 1,
                    "text": s.text.as_ref().map(|t| l.inline(&t.value)),
                    "path": path(&s.path),
                    "warning": s.warning.as_ref().map(|t| l.block(&t.value)),
                    "substeps": sub(&s.substeps),
                    "variants": s.variants.iter().map(|v| json!({
                        "when": l.inline(&v.when.value),
                        "text": v.text.as_ref().map(|t| l.inline(&t.value)),
                        "path": path(&v.path),
                        "substeps": sub(&v.substeps),
                    })).collect::<Vec<_>>(),
                    "unconfirmed": s.confidence.is_some_and(|c| c != Confidence::Verified),
                    "confidence": s.confidence.map(kebab),
                })
            })
            .collect(),
    )
}

fn sources(l: &Linker, s: &[Source]) -> Value {
    Value::Array(
        s.iter()
            .map(|x| {
                json!({
                    "title": l.inline(&x.title.value),
                    "url": escape(x.url.value.trim()),
                    "checked": escape(&x.checked.value),
                    "confidence": kebab(x.confidence),
                })
            })
            .collect(),
    )
}

fn cause_link(c: &Indexed, l: &Linker, id: &str) -> Value {
    match c.cause_index(id) {
        Some(i) => {
            let cause = &c.guide.causes[i].1;
            json!({
                "id": id,
                "title": l.inline(&cause.title.value),
                "url": l.item("cause", id),
                "likelihood": kebab(cause.likelihood),
            })
        }
        None => json!({ "id": id, "title": escape(id), "url": "#", "likelihood": "low" }),
    }
}

pub(crate) fn fix_link(c: &Indexed, l: &Linker, i: usize) -> Value {
    let f = &c.guide.fixes[i].1;
    json!({
        "id": f.id.value,
        "title": l.inline(&f.title.value),
        "url": l.item("fix", &f.id.value),
        "kind": kebab(f.kind),
        "minutes": f.minutes.value,
        "risk": kebab(f.risk.level),
        "data_loss": f.risk.data_loss,
        "causes": f.causes.iter().map(|x| cause_link(c, l, &x.value)).collect::<Vec<_>>(),
    })
}

pub(crate) fn check_link(c: &Indexed, l: &Linker, i: usize) -> Value {
    let x = &c.guide.checks[i].1;
    json!({
        "id": x.id.value,
        "title": l.inline(&x.title.value),
        "url": l.item("check", &x.id.value),
        "kind": "check",
        "minutes": x.minutes.value,
        "risk": "none",
        "data_loss": false,
    })
}

fn common(c: &Indexed, l: &Linker) -> Value {
    let m = c.meta();
    json!({
        "guide_title": l.inline(&m.title.value),
        "reviewed": escape(&m.reviewed.value),
        "root": l.to_root,
        "links": {
            "start": l.path("index.html"),
            "checks": l.path("checks.html"),
            "messages": l.path("messages.html"),
            "causes": l.path("causes/index.html"),
            "nothing_works": l.path("nothing-works.html"),
            "prevention": l.path("prevention.html"),
            "coverage": l.path("coverage.html"),
            "glossary": l.path("glossary.html"),
            "outdated": l.path("outdated.html"),
        },
    })
}

fn with_common(c: &Indexed, l: &Linker, mut v: Value) -> Value {
    if let (Value::Object(o), Value::Object(common)) = (&mut v, common(c, l)) {
        o.extend(common);
    }
    v
}

pub fn start(c: &Indexed, l: &Linker, _s: &super::Strings) -> Value {
    let m = c.meta();
    let g = &c.guide;
    with_common(
        c,
        l,
        json!({
            "title": l.inline(&m.title.value),
            "description": escape(&m.description.value),
            "intro": l.block(&m.intro.value),
            "how_to_use": m.how_to_use.as_ref().map(|t| l.block(&t.value)),
            "messages": g.symptoms.iter().map(|(_, s)| json!({
                "id": s.id.value,
                "message": escape(&s.message.value),
                "url": l.item("symptom", &s.id.value),
            })).collect::<Vec<_>>(),
            "platforms": g.platforms.iter().map(|(_, p)| {
                let first = c.fixes_for(&p.id.value).next().map(|(i, _)| fix_link(c, l, i));
                json!({
                    "id": p.id.value,
                    "name": l.inline(&p.name.value),
                    "url": l.item("platform", &p.id.value),
                    "first": first,
                })
            }).collect::<Vec<_>>(),
            "checks": (0..g.checks.len()).map(|i| check_link(c, l, i)).collect::<Vec<_>>(),
        }),
    )
}

fn check_view(c: &Indexed, l: &Linker, x: &Check) -> Value {
    json!({
        "id": x.id.value,
        "title": l.inline(&x.title.value),
        "summary": x.summary.as_ref().map(|t| l.block(&t.value)),
        "minutes": x.minutes.value,
        "steps": steps(l, &x.steps),
        "worked": l.block(&x.worked.value),
        "sources": sources(l, &x.sources),
        "causes": x.causes.iter().map(|r| cause_link(c, l, &r.value)).collect::<Vec<_>>(),
    })
}

pub fn checks(c: &Indexed, l: &Linker) -> Value {
    with_common(
        c,
        l,
        json!({
            "checks": c.guide.checks.iter().map(|(_, x)| check_view(c, l, x)).collect::<Vec<_>>(),
        }),
    )
}

pub fn messages(c: &Indexed, l: &Linker) -> Value {
    let g = &c.guide;
    with_common(
        c,
        l,
        json!({
            "symptoms": g.symptoms.iter().map(|(_, s)| json!({
                "id": s.id.value,
                "message": escape(&s.message.value),
                "variants": s.variants.iter().map(|v| escape(&v.value)).collect::<Vec<_>>(),
                "where": l.block(&s.where_.value),
                "platforms": s.platforms.iter().filter_map(|p| {
                    let i = c.platform_index(&p.value)?;
                    let p = &g.platforms[i].1;
                    Some(json!({ "name": l.inline(&p.name.value), "url": l.item("platform", &p.id.value) }))
                }).collect::<Vec<_>>(),
                "causes": s.causes.iter().map(|r| cause_link(c, l, &r.value)).collect::<Vec<_>>(),
                "note": s.note.as_ref().map(|t| l.block(&t.value)),
            })).collect::<Vec<_>>(),
        }),
    )
}

pub fn platform(c: &Indexed, p: &Platform, l: &Linker) -> Value {
    with_common(
        c,
        l,
        json!({
            "id": p.id.value,
            "name": l.inline(&p.name.value),
            "covers": l.block(&p.covers.value),
            "versions": p.versions.iter().map(|v| l.inline(&v.value)).collect::<Vec<_>>(),
            "fixes": c.fixes_for(&p.id.value).map(|(i, _)| fix_link(c, l, i)).collect::<Vec<_>>(),
            "checks": (0..c.guide.checks.len()).map(|i| check_link(c, l, i)).collect::<Vec<_>>(),
        }),
    )
}

pub fn fix_page(c: &Indexed, i: usize, l: &Linker) -> Value {
    let f = &c.guide.fixes[i].1;
    let pi = c.platform_index(&f.platform.value).unwrap_or(0);
    let p = &c.guide.platforms[pi].1;
    let order = c.fix_order(&p.id.value);
    let pos = order.iter().position(|x| *x == i).unwrap_or(0);
    let r = &f.risk;
    with_common(
        c,
        l,
        json!({
            "id": f.id.value,
            "title": l.inline(&f.title.value),
            "platform": { "id": p.id.value, "name": l.inline(&p.name.value), "url": l.item("platform", &p.id.value) },
            "position": pos + 1,
            "total": order.len(),
            "badge": { "kind": kebab(f.kind), "minutes": f.minutes.value, "risk": kebab(r.level), "data_loss": r.data_loss },
            "performer": kebab(f.performer),
            "risk": {
                "level": kebab(r.level),
                "data_loss": r.data_loss,
                "consequence": r.consequence.as_ref().map(|t| l.block(&t.value)),
                "avoid": r.avoid.as_ref().map(|t| l.block(&t.value)),
                "undo": r.undo.as_ref().map(|t| l.block(&t.value)),
            },
            "summary": f.summary.as_ref().map(|t| l.block(&t.value)),
            "prerequisites": f.prerequisites.iter().map(|t| l.inline(&t.value)).collect::<Vec<_>>(),
            "steps": steps(l, &f.steps),
            "worked": l.block(&f.worked.value),
            "next": f.next.iter().filter_map(|n| c.fix_index(&n.value)).map(|i| fix_link(c, l, i)).collect::<Vec<_>>(),
            "sources": sources(l, &f.sources),
            "confidence": kebab(f.confidence),
            "confidence_note": f.confidence_note.as_ref().map(|t| l.inline(&t.value)),
            "causes": f.causes.iter().map(|r| cause_link(c, l, &r.value)).collect::<Vec<_>>(),
        }),
    )
}

pub fn causes(c: &Indexed, l: &Linker) -> Value {
    let mut list: Vec<(Likelihood, usize)> = c
        .guide
        .causes
        .iter()
        .enumerate()
        .map(|(i, (_, x))| (x.likelihood, i))
        .collect();
    list.sort();
    with_common(
        c,
        l,
        json!({
            "causes": list.iter().map(|(_, i)| {
                let x = &c.guide.causes[*i].1;
                let mut v = cause_link(c, l, &x.id.value);
                v["explanation"] = Value::String(l.block(&x.explanation.value));
                v
            }).collect::<Vec<_>>(),
        }),
    )
}

pub fn cause_page(c: &Indexed, i: usize, l: &Linker) -> Value {
    let g = &c.guide;
    let x = &g.causes[i].1;
    with_common(
        c,
        l,
        json!({
            "id": x.id.value,
            "title": l.inline(&x.title.value),
            "likelihood": kebab(x.likelihood),
            "explanation": l.block(&x.explanation.value),
            "confirm": l.block(&x.confirm.value),
            "symptoms": g.symptoms.iter().filter(|(_, s)| s.causes.iter().any(|r| r.value == x.id.value)).map(|(_, s)| json!({
                "message": escape(&s.message.value),
                "url": l.item("symptom", &s.id.value),
            })).collect::<Vec<_>>(),
            "platforms": g.platforms.iter().enumerate().map(|(pi, (_, p))| {
                let mut items = Vec::new();
                let mut na = None;
                for cover in cover_items(c, i, pi) {
                    match cover {
                        Cover::Fix(f) => items.push(fix_link(c, l, *f)),
                        Cover::Check(k) => items.push(check_link(c, l, *k)),
                        Cover::NotApplicable(n) => na = Some(l.block(&x.not_applicable[*n].reason.value)),
                    }
                }
                json!({
                    "id": p.id.value,
                    "name": l.inline(&p.name.value),
                    "url": l.item("platform", &p.id.value),
                    "items": items,
                    "not_applicable": na,
                })
            }).collect::<Vec<_>>(),
        }),
    )
}

pub fn topics(list: &[(usize, Topic)], title: &str, l: &Linker) -> Value {
    json!({
        "title": escape(title),
        "topics": list.iter().map(|(_, t)| json!({
            "id": t.id.value,
            "title": l.inline(&t.title.value),
            "body": l.block(&t.body.value),
            "steps": steps(l, &t.steps),
            "replaces": t.replaces.as_ref().map(|x| l.block(&x.value)),
            "sources": sources(l, &t.sources),
        })).collect::<Vec<_>>(),
    })
}

pub fn coverage(c: &Indexed, l: &Linker) -> Value {
    let g = &c.guide;
    with_common(
        c,
        l,
        json!({
            "platforms": g.platforms.iter().map(|(_, p)| json!({
                "name": l.inline(&p.name.value),
                "url": l.item("platform", &p.id.value),
            })).collect::<Vec<_>>(),
            "rows": g.causes.iter().enumerate().map(|(ci, (_, x))| json!({
                "title": l.inline(&x.title.value),
                "url": l.item("cause", &x.id.value),
                "cells": (0..g.platforms.len()).map(|pi| {
                    let mut items = Vec::new();
                    let mut na = false;
                    for cover in cover_items(c, ci, pi) {
                        match cover {
                            Cover::Fix(f) => items.push(fix_link(c, l, *f)),
                            Cover::Check(k) => items.push(check_link(c, l, *k)),
                            Cover::NotApplicable(_) => na = true,
                        }
                    }
                    json!({ "items": items, "not_applicable": na })
                }).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }),
    )
}

pub fn glossary(c: &Indexed, l: &Linker) -> Value {
    with_common(
        c,
        l,
        json!({
            "entries": c.guide.glossary.iter().map(|(_, e)| json!({
                "id": e.id.value,
                "term": l.inline(&e.term.value),
                "aliases": e.aliases.iter().map(|a| escape(&a.value)).collect::<Vec<_>>(),
                "definition": l.block(&e.definition.value),
            })).collect::<Vec<_>>(),
        }),
    )
}

pub fn outdated(c: &Indexed, l: &Linker) -> Value {
    with_common(
        c,
        l,
        json!({
            "items": c.guide.outdated.iter().map(|(_, o)| json!({
                "id": o.id.value,
                "advice": l.block(&o.advice.value),
                "why": l.block(&o.why.value),
                "instead": l.block(&o.instead.value),
                "sources": sources(l, &o.sources),
            })).collect::<Vec<_>>(),
        }),
    )
}

pub fn summary(c: &Indexed, _l: &Linker) -> Value {
    let g = &c.guide;
    let t = |md: &str| escape(&plain(md));
    json!({
        "title": t(&c.meta().title.value),
        "platforms": g.platforms.iter().map(|(_, p)| json!({
            "name": t(&p.name.value),
            "path": format!("{}/index.md", p.id.value),
            "fixes": c.fixes_for(&p.id.value).map(|(_, f)| json!({
                "title": t(&f.title.value),
                "path": format!("{}/{}.md", p.id.value, f.id.value),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "causes": g.causes.iter().map(|(_, x)| json!({
            "title": t(&x.title.value),
            "path": format!("causes/{}.md", x.id.value),
        })).collect::<Vec<_>>(),
    })
}
