//! What each fuzz target feeds to the SDK and the emulator, and the properties it asserts.
//!
//! Each module is one target: `run(data)` decodes the fuzzer's bytes (the layout is in the
//! module's doc) and panics when a property fails. The libFuzzer binaries in `../fuzz_targets/`
//! only call `run`; `tests/replay.rs` calls it on stable for every committed corpus file and
//! every seed built from `tests/fixtures/` (see `seeds`), which is CI's smoke test.
//!
//! Properties are assertions (`assert!`), so a violation is a crash libFuzzer saves in
//! `fuzz/artifacts/<target>/`.

use serde_json::Value;

pub mod emulator;
pub mod notification;
pub mod response;
pub mod seeds;
pub mod validation;
pub mod wire;

/// A target: the name of its corpus folder (`fuzz/corpus/<name>/`) and its `run`.
pub type Target = (&'static str, fn(&[u8]));

/// Every target.
pub const TARGETS: &[Target] = &[
    ("response", response::run),
    ("notification", notification::run),
    ("validation", validation::run),
    ("emulator", emulator::run),
    ("wire", wire::run),
];

/// The target named `name`.
pub fn target(name: &str) -> Option<fn(&[u8])> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// A JSON string, or a number written as text (how the SDK reads CinetPay's codes).
pub(crate) fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The field an error names must be one of `known`, or a key of the input object (an unknown
/// key is named as given; payloads and settings cut it to 64 characters, lookups do not).
pub(crate) fn names_a_field(field: Option<&str>, known: &[&str], input: &Value) -> bool {
    let Some(field) = field else { return false };
    if known.contains(&field) {
        return true;
    }
    input.as_object().is_some_and(|o| {
        o.keys()
            .any(|k| k == field || k.chars().take(64).collect::<String>() == field)
    })
}
