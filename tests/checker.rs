//! One broken fixture per checker rule: each must give exactly the expected
//! located diagnostic (file, line, column, message) and fail the check.

mod common;

use common::{edit, mini_guide};
use fixbook::check::check;
use fixbook::diag::{render_plain, Severity};
use fixbook::load::load_dir;

/// Load and check a guide directory; return the first lines of each
/// diagnostic ("path:line:col: severity: message") and the full text.
fn diagnose(dir: &std::path::Path) -> (Vec<String>, String, bool) {
    let loaded = load_dir(&dir.join("guide-src"), dir).expect("guide readable");
    let outcome = check(loaded);
    let text = render_plain(&outcome.sources, &outcome.diagnostics);
    let heads = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let sev = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            match d.loc {
                Some(l) => format!("{}: {sev}: {}", outcome.sources.display(&l), d.message),
                None => format!("{sev}: {}", d.message),
            }
        })
        .collect();
    (heads, text, outcome.checked.is_some())
}

#[test]
fn mini_guide_is_valid() {
    let g = mini_guide();
    let (heads, text, ok) = diagnose(g.path());
    assert!(ok, "{text}");
    assert!(heads.is_empty(), "{text}");
}

const ITEMS: &str = "guide-src/items.yaml";
const GUIDE: &str = "guide-src/guide.yaml";

/// (name, file, find, replace, expected first diagnostic)
const CASES: &[(&str, &str, &str, &str, &str)] = &[
    ("yaml syntax error", ITEMS, "    title: 接続を確かめる", "    title: [接続を確かめる",
     "guide-src/items.yaml:23:11: error: illegal placement of ':' indicator"),
    ("unknown field", ITEMS, "    likelihood: high\n", "    likelihood: high\n    colour: red\n",
     "guide-src/items.yaml:12:5: error: unknown field `colour`, expected one of id, title, likelihood, explanation, confirm, not_applicable"),
    ("wrong type", ITEMS, "    minutes: 1", "    minutes: one",
     "guide-src/items.yaml:24:14: error: expected a whole number here"),
    ("unknown enum value", ITEMS, "    likelihood: high", "    likelihood: sometimes",
     "guide-src/items.yaml:11:17: error: unknown variant `sometimes`, expected one of high, medium, low"),
    ("duplicate key", ITEMS, "    likelihood: high\n", "    likelihood: high\n    likelihood: low\n",
     "guide-src/items.yaml:12:5: error: duplicate key `likelihood` in this mapping"),
    ("missing required field", ITEMS, "    confirm: ほかのウェブサイトが開けるか試します。\n", "",
     "guide-src/items.yaml:12:5: error: missing field `confirm`"),
    ("tab in indentation", ITEMS, "    title: 接続を確かめる", "\ttitle: 接続を確かめる",
     "guide-src/items.yaml:22:1: error: tab character in indentation"),
    ("id not a slug", ITEMS, "  - id: offline\n", "  - id: Off Line\n",
     "guide-src/items.yaml:9:9: error: cause id `Off Line` is not a valid id"),
    ("duplicate id", ITEMS, "  - id: pc-retype", "  - id: phone-retype",
     "guide-src/items.yaml:62:9: error: duplicate id `phone-retype`"),
    ("symptom to unknown cause", ITEMS, "causes: [offline, wrong-password]", "causes: [offline, wrong-pasword]",
     "guide-src/items.yaml:6:23: error: symptom refers to unknown cause `wrong-pasword`"),
    ("fix to unknown cause", ITEMS, "    causes: [offline]\n    minutes: 5", "    causes: [ofline]\n    minutes: 5",
     "guide-src/items.yaml:45:14: error: fix refers to unknown cause `ofline`"),
    ("fix to unknown platform", ITEMS, "    platform: pc", "    platform: windows",
     "guide-src/items.yaml:63:15: error: fix refers to unknown platform `windows`"),
    ("next to unknown fix", ITEMS, "    next: [phone-reset]", "    next: [phone-rest]",
     "guide-src/items.yaml:40:12: error: next refers to unknown fix `phone-rest`"),
    ("next cycle", ITEMS, "    worked: サインインできれば解決です。\n  - id: pc-retype",
     "    worked: サインインできれば解決です。\n    next: [phone-retype]\n  - id: pc-retype",
     "guide-src/items.yaml:62:12: error: `next` goes round in a circle: phone-retype → phone-reset → phone-retype"),
    ("link to unknown item", GUIDE, "(cause:offline)", "(cause:ofline)",
     "guide-src/guide.yaml:7:30: error: link to unknown cause `ofline`"),
    ("javascript link", GUIDE, "(cause:offline)", "(javascript:alert(1))",
     "guide-src/guide.yaml:7:30: error: link target `javascript:alert(1)` is not allowed"),
    ("coverage hole", ITEMS, "    causes: [wrong-password]\n    minutes: 2\n    steps:\n      - text: Caps Lock",
     "    causes: [offline]\n    minutes: 2\n    steps:\n      - text: Caps Lock",
     "guide-src/items.yaml:14:9: error: cause `wrong-password` has no fix on platform `pc` (パソコン)"),
    ("symptom without cause", ITEMS, "causes: [offline, wrong-password]", "causes: []",
     "guide-src/items.yaml:2:9: error: symptom `cannot-connect` names no cause"),
    ("fix without cause", ITEMS, "    causes: [wrong-password]\n    minutes: 2\n    steps:\n      - text: Caps Lock",
     "    causes: []\n    minutes: 2\n    steps:\n      - text: Caps Lock",
     "guide-src/items.yaml:62:9: error: fix `pc-retype` addresses no cause"),
    ("empty step list", ITEMS, "    steps:\n      - text: Caps Lock を確認します。", "    steps: []",
     "guide-src/items.yaml:62:9: error: `pc-retype` has no steps"),
    ("risk without consequence", ITEMS, "      consequence: 保存した Wi-Fi パスワードが消えます。\n", "",
     "guide-src/items.yaml:41:9: error: fix `phone-reset` has risk level medium but no `consequence`"),
    ("bad date", GUIDE, "reviewed: \"2026-11-25\"", "reviewed: \"2026-02-30\"",
     "guide-src/guide.yaml:5:13: error: `2026-02-30` is not a date"),
    ("merged list item", ITEMS, "        path: [設定, 一般]", "        substeps:\n          - 一つ目\n           - 二つ目",
     "guide-src/items.yaml:40:12: error: this list item is indented deeper than the one before, so YAML merges it into the previous text"),
];

#[test]
fn each_rule_gives_its_located_diagnostic() {
    let mut failures = Vec::new();
    for (name, file, find, replace, expected) in CASES {
        let g = mini_guide();
        edit(&g.path().join(file), find, replace);
        let (heads, text, ok) = diagnose(g.path());
        if ok {
            failures.push(format!("[{name}] the check passed; expected {expected}"));
        } else if !heads.iter().any(|h| h == expected) {
            failures.push(format!("[{name}] expected\n  {expected}\ngot\n{text}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn fix_without_cause_and_empty_steps_are_named() {
    let g = mini_guide();
    let items = g.path().join(ITEMS);
    edit(&items, "    causes: [wrong-password]\n    minutes: 2\n    steps:\n      - text: Caps Lock を確認します。",
        "    causes: []\n    minutes: 2\n    steps: []");
    let (heads, text, _) = diagnose(g.path());
    for expected in [
        "guide-src/items.yaml:62:9: error: fix `pc-retype` addresses no cause",
        "guide-src/items.yaml:62:9: error: `pc-retype` has no steps",
    ] {
        assert!(
            heads.iter().any(|h| h == expected),
            "expected {expected}\ngot\n{text}"
        );
    }
}

#[test]
fn bom_is_one_located_error() {
    let g = mini_guide();
    let p = g.path().join(GUIDE);
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, format!("\u{feff}{text}")).unwrap();
    let (heads, text, ok) = diagnose(g.path());
    assert!(!ok);
    assert_eq!(
        heads,
        vec!["guide-src/guide.yaml:1:1: error: file starts with a byte-order mark (BOM)"],
        "{text}"
    );
}

#[test]
fn invalid_utf8_is_located() {
    let g = mini_guide();
    let p = g.path().join("guide-src/bad.yaml");
    std::fs::write(&p, b"causes:\n  - id: x\n    title: \xff\xfe\n").unwrap();
    let (heads, text, _) = diagnose(g.path());
    assert!(
        heads.contains(&"guide-src/bad.yaml:3:12: error: file is not valid UTF-8".to_string()),
        "{text}"
    );
}

#[test]
fn empty_and_comment_only_files_are_errors() {
    for body in ["", "# only a comment\n"] {
        let g = mini_guide();
        std::fs::write(g.path().join("guide-src/empty.yaml"), body).unwrap();
        let (heads, text, ok) = diagnose(g.path());
        assert!(!ok, "{body:?}");
        assert_eq!(
            heads,
            vec!["guide-src/empty.yaml:1:1: error: file has no content"],
            "{text}"
        );
    }
}

#[test]
fn unmentioned_cause_is_a_warning_only() {
    let g = mini_guide();
    edit(
        &g.path().join(ITEMS),
        "causes: [offline, wrong-password]",
        "causes: [offline]",
    );
    let (heads, text, ok) = diagnose(g.path());
    assert!(ok, "{text}");
    assert_eq!(
        heads,
        vec!["guide-src/items.yaml:14:9: warning: no symptom mentions cause `wrong-password`"]
    );
}

#[test]
fn not_applicable_is_a_warning_and_fills_the_hole() {
    let g = mini_guide();
    let items = g.path().join(ITEMS);
    edit(
        &items,
        "    causes: [wrong-password]\n    minutes: 2\n    steps:\n      - text: Caps Lock",
        "    causes: [offline]\n    minutes: 2\n    steps:\n      - text: Caps Lock",
    );
    edit(&items, "    confirm: パスワードを声に出さずにゆっくり確認します。\n",
        "    confirm: パスワードを声に出さずにゆっくり確認します。\n    not_applicable:\n      - platform: pc\n        reason: パソコンではパスワードを使いません。\n");
    let (heads, text, ok) = diagnose(g.path());
    assert!(ok, "{text}");
    assert!(heads.iter().any(|h| h.starts_with("guide-src/items.yaml:20:19: warning: cause `wrong-password` is marked not applicable on pc")), "{text}");
}

#[test]
fn diagnostics_are_sorted_and_all_reported() {
    let g = mini_guide();
    let items = g.path().join(ITEMS);
    edit(
        &items,
        "causes: [offline, wrong-password]",
        "causes: [nope1, nope2]",
    );
    edit(&items, "    next: [phone-reset]", "    next: [nope3]");
    let (heads, text, _) = diagnose(g.path());
    let errors: Vec<&String> = heads.iter().filter(|h| h.contains(": error: ")).collect();
    assert!(errors.len() >= 3, "{text}");
    let lines: Vec<u32> = errors
        .iter()
        .map(|h| h.split(':').nth(1).unwrap().parse().unwrap())
        .collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "{text}");
    assert!(
        text.contains("= help:"),
        "diagnostics carry a hint:\n{text}"
    );
    assert!(
        text.contains(" │ "),
        "diagnostics carry a source snippet:\n{text}"
    );
}
