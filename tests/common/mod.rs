//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The repository root (the shipped guide lives here).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "fixbook-test-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copy a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A copy of the mini fixture guide with the repository's book.toml and
/// themes, in a temporary directory.
pub fn mini_guide() -> TempDir {
    let t = TempDir::new("mini");
    copy_dir(&repo().join("tests/fixtures/mini"), t.path());
    copy_dir(&repo().join("themes"), &t.path().join("themes"));
    std::fs::copy(repo().join("book.toml"), t.path().join("book.toml")).unwrap();
    t
}

/// Replace the first `find` in a file with `replace` (panics if absent).
pub fn edit(path: &Path, find: &str, replace: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.contains(find),
        "{} does not contain {find:?}",
        path.display()
    );
    std::fs::write(path, text.replacen(find, replace, 1)).unwrap();
}

/// A `file://` URL for a path, percent-encoding everything but safe bytes.
pub fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}
