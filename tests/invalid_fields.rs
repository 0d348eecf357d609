//! Invalid uses of the step and program fields added for courses, pre-sales and
//! after-sales (`sessions`, `unless`, `stop_when`, `until`, `wait_for`, `sample`, `picked_by`,
//! `window: {"around"}`, `declined`, the anchors `fact:KIND`, `latest:KIND` and the session
//! anchors, and the names they reserve), each with the exact error it must give.
//!
//! `tests/invalid_fields/NAME.json` is a rule text that must be rejected and
//! `tests/invalid_fields/NAME.err` the whole `Error` display string (one line, trimmed),
//! the text being added as `invalid_fields/NAME.json`. The messages were predicted from
//! src/compile (and serde's wording for shape errors) before running; line and column are
//! those of the start of the offending value (of the key, for unknown fields), in bytes;
//! serde_json's syntax errors keep serde's place (`NaN`: the `N`; `1e400`: its last digit).
//! A `.json` without its `.err` (or the reverse) fails the walk.

use followup::rules::RuleSet;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The walk fails if the folder holds fewer cases than this (a lost folder is no pass).
const MIN_CASES: usize = 50;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid_fields")
}

#[test]
fn every_invalid_field_file_gives_its_expected_error() {
    let mut pairs: BTreeMap<String, (Option<PathBuf>, Option<PathBuf>)> = BTreeMap::new();
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(dir()).expect("tests/invalid_fields exists") {
        let path = entry.expect("directory entry").path();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .map(str::to_string);
        let ext = path.extension().and_then(|s| s.to_str());
        match (stem, ext) {
            (Some(stem), Some("json")) => pairs.entry(stem).or_default().0 = Some(path),
            (Some(stem), Some("err")) => pairs.entry(stem).or_default().1 = Some(path),
            _ => problems.push(format!(
                "{}: expected NAME.json or NAME.err",
                path.display()
            )),
        }
    }
    let mut checked = 0;
    for (name, pair) in &pairs {
        let (Some(json), Some(err)) = pair else {
            problems.push(format!("{name}: the .json or the .err is missing"));
            continue;
        };
        let text = std::fs::read_to_string(json).expect("readable .json");
        let expected = std::fs::read_to_string(err).expect("readable .err");
        let expected = expected.trim();
        checked += 1;
        match RuleSet::builder()
            .source(format!("invalid_fields/{name}.json"), text)
            .build()
        {
            Ok(_) => problems.push(format!("{name}: accepted, expected:\n    {expected}")),
            Err(e) if !e.is_rule() => problems.push(format!("{name}: not a rule error: {e:?}")),
            Err(e) if e.to_string() != expected => problems.push(format!(
                "{name}:\n    expected: {expected}\n    actual:   {e}"
            )),
            Err(_) => {}
        }
    }
    if checked < MIN_CASES {
        problems.push(format!(
            "only {checked} cases in tests/invalid_fields, expected at least {MIN_CASES}"
        ));
    }
    assert!(
        problems.is_empty(),
        "{} problems in tests/invalid_fields:\n- {}",
        problems.len(),
        problems.join("\n- ")
    );
}

/// The valid neighbours of the cases above compile: the boundaries are where the
/// messages say they are.
#[test]
fn the_valid_neighbours_of_the_invalid_cases_compile() {
    let program = |extra: &str, step: &str| {
        format!(
            r#"{{"format": "followup/v1", "id": "dental", "name": {{"zh": "口腔", "en": "Dental"}},
                {extra} "steps": [{{{step}, "title": {{"zh": "回访", "en": "Call"}}}}]}}"#
        )
    };
    let ok = [
        program(
            "",
            r#""id": "s", "from": "each_session", "sessions": {"first": 1, "last": 1}"#,
        ),
        program(
            "",
            r#""id": "s", "from": "before_each_upcoming_session", "sessions": {}"#,
        ),
        program("", r#""id": "s", "sample": {"fraction": 1}"#),
        program("", r#""id": "s", "sample": {"fraction": 1e-9}"#),
        program(
            "",
            r#""id": "s", "sample": {"fraction": 0.5, "salt": "9-a_b"}"#,
        ),
        program(
            "",
            r#""id": "s", "picked_by": "consultant", "window": {"around": "P3D"}"#,
        ),
        program(
            "",
            r#""id": "s", "picked_by": "consultant", "window": "P1D""#,
        ),
        program(
            r#""defaults": {"window": "P26D"},"#,
            r#""id": "s", "picked_by": "consultant""#,
        ),
        program("", r#""id": "s", "window": {"around": "P0D"}"#),
        program(
            r#""declined": {"stop_channels": [], "horizon": "P0D"},"#,
            r#""id": "s""#,
        ),
        program(
            "",
            r#""id": "s", "from": "fact:a", "stop_when": ["0"], "wait_for": "z-9""#,
        ),
        program(
            "",
            r#""id": "s", "from": "latest:contacted", "unless": {"tag": "key_customer"}"#,
        ),
        program(
            r#""milestones": {"course_end_visit": null},"#,
            r#""id": "s", "from": "course_end_visit""#,
        ),
    ];
    for text in ok {
        if let Err(e) = RuleSet::builder().source("ok.json", text.clone()).build() {
            panic!("{e}\nfor {text}");
        }
    }
}

/// An optional field of one value given `null` is read as left out (rule-format.md,
/// "Program"): the rule set is the one without it, `scope`, a window's `fixed` and a time
/// override's `days` included (audits 165, 168: these were refused). The fields that hold conditions or lists refuse `null`, located
/// (`tests/invalid_fields/sample_always_null.*`, `vocabulary_events_null.*`).
#[test]
fn a_null_one_value_field_reads_as_left_out() {
    let with_nulls = r#"{"format": "followup/v1", "id": "dental", "scope": null,
        "name": {"zh": "口腔回访", "en": "Dental"}, "description": null,
        "applies": {"event": "procedure"}, "declined": null,
        "steps": [{"id": "call", "offset": null, "time_overrides": null, "expires": null,
                   "title": {"zh": "回访", "en": "Call"}},
                  {"id": "later", "offset": "P3D", "window": {"latest": "P2D", "fixed": null},
                   "time_overrides": [{"tag": "night_shift", "days": null, "time": "afternoon"}],
                   "title": {"zh": "回访", "en": "Call"}}]}"#;
    let without = r#"{"format": "followup/v1", "id": "dental",
        "name": {"zh": "口腔回访", "en": "Dental"},
        "applies": {"event": "procedure"},
        "steps": [{"id": "call", "title": {"zh": "回访", "en": "Call"}},
                  {"id": "later", "offset": "P3D", "window": {"latest": "P2D"},
                   "time_overrides": [{"tag": "night_shift", "time": "afternoon"}],
                   "title": {"zh": "回访", "en": "Call"}}]}"#;
    let a = RuleSet::builder()
        .source("a.json", with_nulls)
        .build()
        .unwrap();
    let b = RuleSet::builder()
        .source("a.json", without)
        .build()
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(
        a.definitions()[0].program.scope,
        followup::rules::Scope::Episode
    );
}
