//! Load + check + print diagnostics on arbitrary bytes.
//!
//! The input is one YAML file of a guide, loaded after the mini fixture's
//! `guide.yaml` (so the checker's reference and coverage rules run on what
//! parses). A NUL byte splits the input into more files, so the fuzzer can
//! also produce duplicate ids and sections across files. Nothing may panic,
//! and every located diagnostic must point inside its file.
#![no_main]

use fixbook::check::check;
use fixbook::diag::render_plain;
use fixbook::load::{load_bytes, Loaded};
use libfuzzer_sys::fuzz_target;

const GUIDE: &[u8] = include_bytes!("../../tests/fixtures/mini/guide-src/guide.yaml");

fuzz_target!(|data: &[u8]| {
    let mut loaded = Loaded::default();
    load_bytes(&mut loaded, "guide-src/guide.yaml".into(), GUIDE);
    for (i, part) in data.split(|b| *b == 0).take(4).enumerate() {
        load_bytes(&mut loaded, format!("guide-src/f{i}.yaml"), part);
    }
    let outcome = check(loaded);
    for d in &outcome.diagnostics {
        if let Some(l) = d.loc {
            let text = &outcome.sources.files[l.file].text;
            assert!(l.offset <= text.len(), "offset past the end: {d:?}");
            assert!(l.line >= 1 && l.col >= 1, "line/col not 1-based: {d:?}");
        }
    }
    let _ = render_plain(&outcome.sources, &outcome.diagnostics);
});
