//! CI's fuzz smoke test, on stable and without libFuzzer: every committed corpus file
//! (`fuzz/corpus/*/*`) and every seed built from `tests/fixtures/` goes through every target,
//! and each must hold its properties. `scripts/fuzz --replay` runs this.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use cinetpay_fuzz_checks::{TARGETS, seeds};

/// Runs every target on `data`; returns the failures as "target: what".
fn run_all(what: &str, data: &[u8]) -> Vec<String> {
    let mut failures = Vec::new();
    for (name, run) in TARGETS {
        if catch_unwind(AssertUnwindSafe(|| run(data))).is_err() {
            failures.push(format!("{name}: {what}"));
        }
    }
    failures
}

#[test]
fn every_corpus_file_through_every_target() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let mut files = 0;
    let mut failures = Vec::new();
    for (target, _) in TARGETS {
        let dir = corpus.join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            panic!("no corpus folder {}", dir.display());
        };
        for entry in entries {
            let path = entry.expect("a corpus entry").path();
            let data = std::fs::read(&path).expect("a corpus file");
            files += 1;
            failures.extend(run_all(&path.display().to_string(), &data));
        }
    }
    println!("{files} corpus files through {} targets", TARGETS.len());
    assert!(files > 0, "no corpus files");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_fixture_seed_through_every_target() {
    let mut failures = Vec::new();
    let all = seeds::all();
    for (target, name, data) in &all {
        failures.extend(run_all(&format!("seed {target}/{name}"), data));
    }
    println!("{} seeds through {} targets", all.len(), TARGETS.len());
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
