#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests
# (the browser tests need Chromium, fonts and poppler: see README).
set -euo pipefail
cd "$(dirname "$0")"
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo test --quiet -- --include-ignored
