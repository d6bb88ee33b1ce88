//! Deterministic synthetic guides of any size, for the benchmarks
//! (`examples/synth.rs`, `examples/bench.rs`; see docs/performance.md).
//!
//! A guide directory is written with `book.toml`, a copy of `themes/` and
//! `guide-src/` (one file per section, one fix file per platform). The same
//! parameters always give the same bytes: the text comes from a fixed word
//! list drawn by a seeded splitmix64 generator. Every cause has a fix on
//! every platform, every reference resolves and `next` never goes round in
//! a circle, so the guide passes `fixbook check`.

use std::fmt::Write as _;
use std::path::Path;

/// Size and shape of a synthetic guide.
#[derive(Debug, Clone)]
pub struct Params {
    pub platforms: usize,
    pub causes: usize,
    pub symptoms: usize,
    /// Causes named by each symptom.
    pub causes_per_symptom: usize,
    /// Fixes per cause on each platform (each fix also addresses the next cause).
    pub fixes_per_cause: usize,
    pub steps_per_fix: usize,
    /// Sentences per paragraph of text.
    pub sentences: usize,
    /// Share of sentences written in Latin script (0-100); the rest is Japanese.
    pub latin_percent: u64,
    pub checks: usize,
    pub glossary: usize,
    pub topics: usize,
    pub outdated: usize,
    pub seed: u64,
}

impl Params {
    /// About `scale` times the shipped guide (79 pages, 154 KB of YAML):
    /// 1 → ~90 pages, 10 → ~800 pages, 100 → ~5,000 pages.
    pub fn scale(scale: usize) -> Params {
        let (platforms, causes, symptoms) = match scale {
            0 | 1 => (3, 11, 10),
            2..=10 => (3 + scale * 3 / 10, 6 * scale, 6 * scale),
            _ => (3 + scale * 9 / 100, 2 * scale, 2 * scale),
        };
        Params {
            platforms,
            causes,
            symptoms,
            causes_per_symptom: 4.min(causes),
            fixes_per_cause: 1,
            steps_per_fix: 4,
            sentences: 2,
            latin_percent: 20,
            checks: 3.max(causes / 4),
            glossary: 18 * scale.max(1),
            topics: 5 * scale.max(1),
            outdated: 15 * scale.max(1),
            seed: 2026,
        }
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

const JA_NOUNS: &[&str] = &[
    "設定",
    "サインイン",
    "確認コード",
    "パスワード",
    "ネットワーク",
    "日付と時刻",
    "ソフトウェア・アップデート",
    "キーチェーン",
    "セキュリティソフト",
    "プロファイル",
    "ルーター",
    "サーバ",
    "アカウント",
    "バックアップ",
    "再起動",
    "モバイル通信",
    "ブラウザ",
    "証明書",
];
const JA_VERBS: &[&str] = &[
    "を確認します",
    "を開きます",
    "をオフにします",
    "をやり直します",
    "が表示されます",
    "を選びます",
    "が変わることがあります",
    "を入力します",
    "を待ちます",
];
const JA_JOIN: &[&str] = &[
    "まず",
    "次に",
    "その後",
    "必要なら",
    "うまくいかないときは",
    "",
];
const LATIN: &[&str] = &[
    "sign",
    "in",
    "network",
    "settings",
    "password",
    "restart",
    "device",
    "update",
    "profile",
    "proxy",
    "certificate",
    "server",
    "account",
    "verify",
    "code",
    "router",
    "DNS",
    "VPN",
    "Wi-Fi",
    "iCloud",
];

struct Gen {
    p: Params,
    rng: Rng,
}

impl Gen {
    fn sentence(&mut self) -> String {
        if self.rng.below(100) < self.p.latin_percent as usize {
            let n = 6 + self.rng.below(8);
            let mut s = String::new();
            for i in 0..n {
                let w = self.rng.pick(LATIN);
                if i == 0 {
                    let mut c = w.chars();
                    let first = c.next().unwrap_or('x').to_ascii_uppercase();
                    s.push(first);
                    s.push_str(c.as_str());
                } else {
                    s.push(' ');
                    s.push_str(w);
                }
            }
            s.push_str(". ");
            s
        } else {
            let j = self.rng.pick(JA_JOIN);
            let a = self.rng.pick(JA_NOUNS);
            let b = self.rng.pick(JA_NOUNS);
            let v = self.rng.pick(JA_VERBS);
            format!("{j}{a}の「{b}」{v}。")
        }
    }

    /// A paragraph with links to other items, some emphasis and code.
    fn para(&mut self, link: bool) -> String {
        let mut s = String::new();
        for _ in 0..self.p.sentences.max(1) {
            s.push_str(&self.sentence());
        }
        if link {
            match self.rng.below(5) {
                0 => {
                    let c = self.rng.below(self.p.causes);
                    let _ = write!(s, "[原因 {c}](cause:cause-{c}) も参照してください。");
                }
                1 if self.p.glossary > 0 => {
                    let g = self.rng.below(self.p.glossary);
                    let _ = write!(s, "[用語 {g}](glossary:term-{g}) の意味は用語集にあります。");
                }
                2 => s.push_str(
                    "詳しくは [Apple サポート](https://support.apple.com/ja-jp/102640) を見てください。",
                ),
                3 => s.push_str("**大切**: `設定` の値を `auto` にします。"),
                _ => {}
            }
        }
        s.trim_end().to_string()
    }

    fn short(&mut self) -> String {
        let a = self.rng.pick(JA_NOUNS);
        let b = self.rng.pick(JA_NOUNS);
        format!("{a}と{b}")
    }
}

/// A YAML block scalar (`|`) indented under a key at `indent` spaces.
fn block(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent + 2);
    let mut out = String::from("|\n");
    for line in text.lines() {
        out.push_str(&pad);
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A YAML double-quoted string.
fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn platform_id(i: usize) -> String {
    format!("platform-{i}")
}

/// The guide's YAML files: (path relative to guide-src, text).
pub fn guide_files(p: &Params) -> Vec<(String, String)> {
    let mut g = Gen {
        p: p.clone(),
        rng: Rng(p.seed),
    };
    let mut files = Vec::new();
    let pc = p.platforms.max(1);
    let cc = p.causes.max(1);

    let mut s = String::new();
    let _ = writeln!(s, "guide:");
    let _ = writeln!(
        s,
        "  title: {}",
        q(&format!("合成ガイド（原因 {cc}・端末 {pc}）"))
    );
    let _ = writeln!(s, "  language: ja");
    let _ = writeln!(
        s,
        "  description: {}",
        q("ベンチマーク用に自動で作ったガイドです。")
    );
    let _ = writeln!(s, "  reviewed: \"2026-11-25\"");
    let intro = format!("{}\n\n{}", g.para(true), g.para(true));
    let _ = write!(s, "  intro: {}", block(&intro, 2));
    let _ = writeln!(
        s,
        "  synonyms:\n    - [サーバ, サーバー]\n    - [サインイン, ログイン]"
    );
    let _ = writeln!(s, "platforms:");
    for i in 0..pc {
        let _ = writeln!(s, "  - id: {}", platform_id(i));
        let _ = writeln!(s, "    name: {}", q(&format!("端末 {i}")));
        let _ = writeln!(s, "    covers: {}", q(&g.short()));
        let _ = writeln!(s, "    versions: [\"OS {i}.0 以降\"]");
    }
    files.push(("guide.yaml".to_string(), s));

    let mut s = String::from("causes:\n");
    for i in 0..cc {
        let likelihood = ["high", "medium", "low"][i % 3];
        let _ = writeln!(s, "  - id: cause-{i}");
        let _ = writeln!(s, "    title: {}", q(&format!("{}（{i}）", g.short())));
        let _ = writeln!(s, "    likelihood: {likelihood}");
        let _ = write!(s, "    explanation: {}", block(&g.para(true), 4));
        let _ = write!(s, "    confirm: {}", block(&g.para(false), 4));
    }
    files.push(("causes.yaml".to_string(), s));

    let mut s = String::from("symptoms:\n");
    for i in 0..p.symptoms {
        let _ = writeln!(s, "  - id: symptom-{i}");
        let _ = writeln!(
            s,
            "    message: {}",
            q(&format!(
                "{}でエラーが起きました（{i}）",
                g.rng.pick(JA_NOUNS)
            ))
        );
        let _ = writeln!(
            s,
            "    variants: [{}]",
            q(&format!("エラー {i} が発生しました"))
        );
        let _ = write!(s, "    where: {}", block(&g.para(false), 4));
        let _ = writeln!(s, "    causes:");
        // Every cause is named by some symptom (the first symptoms walk
        // through all of them), the rest are drawn at random.
        let mut named = Vec::new();
        for k in 0..p.causes_per_symptom.max(1) {
            let c = if k == 0 { i % cc } else { g.rng.below(cc) };
            if !named.contains(&c) {
                named.push(c);
                let _ = writeln!(s, "      - cause-{c}");
            }
        }
    }
    // Causes no symptom reached yet: one more symptom names them all.
    if p.symptoms < cc {
        let _ = writeln!(s, "  - id: symptom-rest");
        let _ = writeln!(s, "    message: \"その他のエラー\"");
        let _ = writeln!(s, "    where: \"どこでも\"");
        let _ = writeln!(s, "    causes:");
        for c in p.symptoms..cc {
            let _ = writeln!(s, "      - cause-{c}");
        }
    }
    files.push(("symptoms.yaml".to_string(), s));

    let steps = |g: &mut Gen, s: &mut String, n: usize, indent: usize| {
        let pad = " ".repeat(indent);
        let _ = writeln!(s, "{pad}steps:");
        for k in 0..n.max(1) {
            let _ = writeln!(s, "{pad}  - text: {}", q(&g.para(k == 0)));
            if k % 2 == 0 {
                let _ = writeln!(
                    s,
                    "{pad}    path: [{}, {}]",
                    g.rng.pick(JA_NOUNS),
                    g.rng.pick(JA_NOUNS)
                );
            }
            if k == 1 {
                let _ = writeln!(s, "{pad}    substeps:");
                let _ = writeln!(s, "{pad}      - {}", q(&g.sentence()));
                let _ = writeln!(s, "{pad}      - {}", q(&g.sentence()));
            }
            if k == 2 {
                let _ = writeln!(s, "{pad}    variants:");
                let _ = writeln!(s, "{pad}      - when: \"OS 17 以前\"");
                let _ = writeln!(s, "{pad}        text: {}", q(&g.sentence()));
            }
        }
    };
    let source = |s: &mut String, indent: usize| {
        let pad = " ".repeat(indent);
        let _ = writeln!(s, "{pad}sources:");
        let _ = writeln!(s, "{pad}  - title: \"Apple サポート\"");
        let _ = writeln!(
            s,
            "{pad}    url: \"https://support.apple.com/ja-jp/102640\""
        );
        let _ = writeln!(s, "{pad}    checked: \"2026-11-25\"");
    };

    let mut s = String::from("checks:\n");
    for i in 0..p.checks {
        let _ = writeln!(s, "  - id: check-{i}");
        let _ = writeln!(
            s,
            "    title: {}",
            q(&format!("{}を確かめる（{i}）", g.short()))
        );
        let _ = writeln!(
            s,
            "    causes: [cause-{}, cause-{}]",
            (i * 4) % cc,
            (i * 4 + 1) % cc
        );
        let _ = write!(s, "    summary: {}", block(&g.para(false), 4));
        let _ = writeln!(s, "    minutes: {}", 1 + i % 5);
        steps(&mut g, &mut s, 2, 4);
        let _ = write!(s, "    worked: {}", block(&g.para(false), 4));
        source(&mut s, 4);
    }
    files.push(("checks.yaml".to_string(), s));

    for pi in 0..pc {
        let pid = platform_id(pi);
        let mut s = String::from("fixes:\n");
        let total = cc * p.fixes_per_cause.max(1);
        for n in 0..total {
            let c = n / p.fixes_per_cause.max(1);
            let id = format!("fix-{pi}-{n}");
            let _ = writeln!(s, "  - id: {id}");
            let _ = writeln!(s, "    platform: {pid}");
            let _ = writeln!(
                s,
                "    title: {}",
                q(&format!("{}を直す（{pi}-{n}）", g.short()))
            );
            let kind = ["quick-check", "workaround", "resolution", "escalation"][n % 4];
            let _ = writeln!(s, "    kind: {kind}");
            if cc > 1 {
                let _ = writeln!(s, "    causes: [cause-{c}, cause-{}]", (c + 1) % cc);
            } else {
                let _ = writeln!(s, "    causes: [cause-{c}]");
            }
            let _ = write!(s, "    summary: {}", block(&g.para(true), 4));
            let _ = writeln!(s, "    minutes: {}", 1 + n % 30);
            let _ = writeln!(s, "    prerequisites:\n      - {}", q(&g.sentence()));
            match n % 5 {
                0 | 1 => {
                    let _ = writeln!(s, "    risk:\n      level: none");
                }
                2 => {
                    let _ = writeln!(s, "    risk:\n      level: low");
                    let _ = write!(s, "      consequence: {}", block(&g.para(false), 6));
                }
                _ => {
                    let _ = writeln!(s, "    risk:\n      level: medium\n      data_loss: true");
                    let _ = write!(s, "      consequence: {}", block(&g.para(false), 6));
                    let _ = write!(s, "      avoid: {}", block(&g.para(false), 6));
                    let _ = write!(s, "      undo: {}", block(&g.para(false), 6));
                }
            }
            steps(&mut g, &mut s, p.steps_per_fix, 4);
            if n % 5 >= 3 {
                // The risky step is announced before it.
                let _ = writeln!(s, "      - warning: {}", q(&g.sentence()));
                let _ = writeln!(s, "        text: {}", q(&g.sentence()));
            }
            let _ = write!(s, "    worked: {}", block(&g.para(false), 4));
            if n + 1 < total {
                let _ = writeln!(s, "    next: [fix-{pi}-{}]", n + 1);
            }
            source(&mut s, 4);
            if n % 7 == 6 {
                let _ = writeln!(s, "    confidence: third-party");
                let _ = writeln!(s, "    confidence_note: {}", q(&g.sentence()));
            }
        }
        files.push((format!("fixes/{pid}.yaml"), s));
    }

    let topic = |g: &mut Gen, s: &mut String, prefix: &str, i: usize| {
        let _ = writeln!(s, "  - id: {prefix}-{i}");
        let _ = writeln!(s, "    title: {}", q(&g.short()));
        let _ = write!(s, "    body: {}", block(&g.para(true), 4));
        if i.is_multiple_of(2) {
            steps(g, s, 2, 4);
        }
        source(s, 4);
    };
    let mut s = String::from("nothing_works:\n");
    for i in 0..p.topics.max(1) {
        topic(&mut g, &mut s, "nothing", i);
    }
    files.push(("nothing-works.yaml".to_string(), s));
    let mut s = String::from("prevention:\n");
    for i in 0..p.topics.max(1) {
        topic(&mut g, &mut s, "prevent", i);
    }
    files.push(("prevention.yaml".to_string(), s));

    let mut s = String::from("outdated:\n");
    for i in 0..p.outdated.max(1) {
        let _ = writeln!(s, "  - id: old-{i}");
        let _ = write!(s, "    advice: {}", block(&g.para(false), 4));
        let _ = write!(s, "    why: {}", block(&g.para(true), 4));
        let _ = write!(s, "    instead: {}", block(&g.para(false), 4));
        source(&mut s, 4);
    }
    files.push(("outdated.yaml".to_string(), s));

    let mut s = String::from("glossary:\n");
    for i in 0..p.glossary.max(1) {
        let _ = writeln!(s, "  - id: term-{i}");
        let _ = writeln!(
            s,
            "    term: {}",
            q(&format!("{}{i}", g.rng.pick(JA_NOUNS)))
        );
        let _ = writeln!(
            s,
            "    aliases: [{}]",
            q(&format!("{}{i}", g.rng.pick(LATIN)))
        );
        let _ = write!(s, "    definition: {}", block(&g.para(false), 4));
    }
    files.push(("glossary.yaml".to_string(), s));
    files
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    let mut entries: Vec<_> = std::fs::read_dir(from)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), &target)?;
        }
    }
    Ok(())
}

/// Write a guide directory: `book.toml` and `themes/` copied from `repo`
/// (the repository root), `guide-src/` generated. Returns the YAML bytes.
pub fn write_guide(out: &Path, p: &Params, repo: &Path) -> std::io::Result<u64> {
    let src = out.join("guide-src");
    if src.exists() {
        std::fs::remove_dir_all(&src)?;
    }
    let themes = out.join("themes");
    if themes.exists() {
        std::fs::remove_dir_all(&themes)?;
    }
    copy_dir(&repo.join("themes"), &themes)?;
    std::fs::copy(repo.join("book.toml"), out.join("book.toml"))?;
    let mut bytes = 0;
    for (path, text) in guide_files(p) {
        let path = src.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent"))?;
        std::fs::write(&path, &text)?;
        bytes += text.len() as u64;
    }
    Ok(bytes)
}
