//! Troubleshooter: "I see this message on this device: what do I do?"
//!
//! `troubleshoot/index.md` lists the exact messages, each with one link per
//! device; `troubleshoot/<symptom>-<platform>.md` is one checklist per
//! message × device: the checks that address the message's causes first,
//! then the platform's fixes that address them, in the platform's
//! recommended order, each linked to its full steps. Progress is kept by
//! `themes/js/fixbook-troubleshoot.js` (localStorage); without JavaScript the
//! pages are plain ordered lists of links.

use serde_json::{json, Value};

use super::markdown::{escape, Linker};
use super::Indexed;
use crate::model::{Platform, Symptom};

/// Folder of the troubleshooter pages in the site (with trailing slash).
pub const DIR: &str = "troubleshoot/";

/// Source path of the page for one message on one device.
pub fn page_path(symptom: &str, platform: &str) -> String {
    format!("{DIR}{symptom}-{platform}.md")
}

/// Platforms a message is seen on (all when the symptom names none), in the
/// guide's order.
pub fn platforms_of<'a>(c: &'a Indexed, s: &'a Symptom) -> Vec<&'a Platform> {
    c.guide
        .platforms
        .iter()
        .map(|(_, p)| p)
        .filter(|p| s.platforms.is_empty() || s.platforms.iter().any(|x| x.value == p.id.value))
        .collect()
}

/// Every (symptom, platform) pair that gets a page.
pub fn pairs<'a>(c: &'a Indexed) -> Vec<(&'a Symptom, &'a Platform)> {
    c.guide
        .symptoms
        .iter()
        .flat_map(|(_, s)| platforms_of(c, s).into_iter().map(move |p| (s, p)))
        .collect()
}

/// Messages with one link per device: for the troubleshooter's index and
/// the start page (so any message × device is one click from the start).
pub fn message_links(c: &Indexed, l: &Linker) -> Value {
    Value::Array(
        c.guide
            .symptoms
            .iter()
            .map(|(_, s)| {
                json!({
                    "id": s.id.value,
                    "message": escape(&s.message.value),
                    "variants": s.variants.iter().map(|v| escape(&v.value)).collect::<Vec<_>>(),
                    "details": l.item("symptom", &s.id.value),
                    "devices": platforms_of(c, s).iter().map(|p| json!({
                        "id": p.id.value,
                        "name": l.inline(&p.name.value),
                        "url": l.path(&html(&page_path(&s.id.value, &p.id.value))),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// "My message is not in this list": each platform's full fix list.
fn other_message(c: &Indexed, l: &Linker) -> Value {
    Value::Array(
        c.guide
            .platforms
            .iter()
            .map(|(_, p)| {
                json!({
                    "id": p.id.value,
                    "name": l.inline(&p.name.value),
                    "url": l.item("platform", &p.id.value),
                })
            })
            .collect(),
    )
}

fn html(md_path: &str) -> String {
    md_path.strip_suffix(".md").unwrap_or(md_path).to_string() + ".html"
}

use super::views::{check_link, fix_link};

fn links(l: &Linker) -> Value {
    json!({
        "start": l.path("index.html"),
        "troubleshoot": l.path(&format!("{DIR}index.html")),
        "checks": l.path("checks.html"),
        "messages": l.path("messages.html"),
        "nothing_works": l.path("nothing-works.html"),
    })
}

/// View of `troubleshoot/index.md`.
pub fn index(c: &Indexed, l: &Linker) -> Value {
    json!({
        "messages": message_links(c, l),
        "other": other_message(c, l),
        "links": links(l),
    })
}

/// Data added to the start page's view (`page.troubleshoot`).
pub fn start(c: &Indexed, l: &Linker) -> Value {
    json!({
        "url": l.path(&format!("{DIR}index.html")),
        "messages": message_links(c, l),
        "other": other_message(c, l),
    })
}

/// Entries for SUMMARY.md (`page.troubleshoot`): the index, with every
/// message × device page nested under it.
pub fn summary(c: &Indexed) -> Value {
    let t = |md: &str| escape(&super::plain_text(md));
    json!({
        "path": format!("{DIR}index.md"),
        "pages": pairs(c).iter().map(|(s, p)| json!({
            "title": format!("「{}」— {}", escape(&s.message.value), t(&p.name.value)),
            "message": escape(&s.message.value),
            "platform": t(&p.name.value),
            "path": page_path(&s.id.value, &p.id.value),
        })).collect::<Vec<_>>(),
    })
}

/// View of one message × device page.
pub fn page(c: &Indexed, s: &Symptom, p: &Platform, l: &Linker) -> Value {
    let g = &c.guide;
    let causes: Vec<&str> = s.causes.iter().map(|x| x.value.as_str()).collect();
    let cause_title = |id: &str| {
        c.cause_index(id)
            .map(|i| {
                json!({
                    "id": id,
                    "title": l.inline(&g.causes[i].1.title.value),
                    "url": l.item("cause", id),
                })
            })
            .unwrap_or_else(|| json!({ "id": id, "title": escape(id), "url": "#" }))
    };
    // Causes of this message that cannot happen on this platform.
    let pi = c.platform_index(&p.id.value);
    let not_applicable: Vec<Value> = causes
        .iter()
        .filter_map(|id| {
            let ci = c.cause_index(id)?;
            let cause = &g.causes[ci].1;
            let na = cause
                .not_applicable
                .iter()
                .find(|n| Some(n.platform.value.as_str()) == Some(p.id.value.as_str()))?;
            let covered = pi.is_some_and(|pi| {
                c.coverage
                    .get(ci)
                    .and_then(|row| row.get(pi))
                    .is_some_and(|cell| {
                        cell.iter()
                            .any(|x| !matches!(x, crate::check::Cover::NotApplicable(_)))
                    })
            });
            (!covered).then(|| {
                let mut v = cause_title(id);
                v["reason"] = Value::String(l.block(&na.reason.value));
                v
            })
        })
        .collect();
    let addresses = |list: &[crate::model::Str]| -> Vec<Value> {
        // In the message's order of likelihood.
        causes
            .iter()
            .filter(|id| list.iter().any(|x| x.value == **id))
            .map(|id| cause_title(id))
            .collect()
    };
    let mut steps = Vec::new();
    // The same item links as everywhere else, with the troubleshooter's own
    // key (for saved progress) and only the causes of this message.
    let mut item = |mut v: Value, key: String, kind: &str, hit: Vec<Value>| {
        v["id"] = Value::String(key);
        v["type"] = Value::String(kind.to_string());
        v["causes"] = Value::Array(hit);
        steps.push(v);
    };
    for (i, (_, x)) in g.checks.iter().enumerate() {
        let hit = addresses(&x.causes);
        if !hit.is_empty() {
            item(
                check_link(c, l, i),
                format!("check-{}", x.id.value),
                "check",
                hit,
            );
        }
    }
    for (i, f) in c.fixes_for(&p.id.value) {
        let hit = addresses(&f.causes);
        if !hit.is_empty() {
            item(fix_link(c, l, i), format!("fix-{}", f.id.value), "fix", hit);
        }
    }
    let others: Vec<Value> = platforms_of(c, s)
        .iter()
        .filter(|o| o.id.value != p.id.value)
        .map(|o| {
            json!({
                "name": l.inline(&o.name.value),
                "url": l.path(&html(&page_path(&s.id.value, &o.id.value))),
            })
        })
        .collect();
    json!({
        "key": format!("{}-{}", s.id.value, p.id.value),
        "message": escape(&s.message.value),
        "variants": s.variants.iter().map(|v| escape(&v.value)).collect::<Vec<_>>(),
        "where": l.block(&s.where_.value),
        "details": l.item("symptom", &s.id.value),
        "platform": {
            "id": p.id.value,
            "name": l.inline(&p.name.value),
            "url": l.item("platform", &p.id.value),
        },
        "causes": causes.iter().map(|id| cause_title(id)).collect::<Vec<_>>(),
        "not_applicable": not_applicable,
        "steps": steps,
        "others": others,
        "links": links(l),
    })
}
