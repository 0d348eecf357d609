//! Malformed case files and the exact error each gives.
//!
//! `tests/invalid_cases/NAME.json` is a case file the built-in rule set's `read_cases`
//! must refuse; `NAME.err` the whole error display (one line), the text being named
//! `invalid_cases/NAME.json`. A `.json` without its `.err` (or the reverse) fails the
//! walk, and so does a text that is accepted.

use followup::rules::RuleSet;
use std::collections::BTreeMap;
use std::path::Path;

/// The walk fails with fewer cases (a lost folder is no pass).
const MIN_CASES: usize = 40;

#[test]
fn every_invalid_case_file_gives_its_expected_error() {
    let rules = RuleSet::builtin().expect("built-in rules");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid_cases");
    let mut pairs: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the invalid case files folder") {
        let path = entry.expect("entry").path();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        let text = std::fs::read_to_string(&path).expect("a text file");
        match path.extension().and_then(|s| s.to_str()) {
            Some("json") => pairs.entry(stem).or_default().0 = Some(text),
            Some("err") => pairs.entry(stem).or_default().1 = Some(text),
            _ => problems.push(format!(
                "{}: expected NAME.json or NAME.err",
                path.display()
            )),
        }
    }
    let mut cases = 0;
    for (name, pair) in &pairs {
        let source = format!("invalid_cases/{name}.json");
        let (Some(json), err) = pair else {
            problems.push(format!("{name}: expected both {name}.json and {name}.err"));
            continue;
        };
        let actual = match rules.read_cases(&source, json) {
            Ok(_) => {
                problems.push(format!("{name}: accepted"));
                continue;
            }
            Err(e) => {
                if !e.is_case() {
                    problems.push(format!("{name}: not a case error: {e:?}"));
                }
                e.to_string()
            }
        };
        let Some(err) = err else {
            problems.push(format!(
                "{name}: no {name}.err; the error is:\n    {actual}"
            ));
            continue;
        };
        cases += 1;
        let expected = err.trim_end_matches(['\n', '\r']);
        if actual != expected {
            problems.push(format!(
                "{name}:\n    expected: {expected}\n    actual:   {actual}"
            ));
        }
    }
    if cases < MIN_CASES {
        problems.push(format!("only {cases} cases, expected at least {MIN_CASES}"));
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n- {}",
        problems.len(),
        problems.join("\n- ")
    );
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(256))]

    /// Arbitrary texts never panic the case readers, and an error is a case error naming
    /// the text.
    #[test]
    fn prop_case_readers_never_panic_on_arbitrary_texts(text in proptest::prop_oneof![
        "\\PC{0,64}",
        "[\\[\\]{}\",:0-9a-z \\\\-]{0,64}",
    ]) {
        for result in [followup::cases::Cases::from_json("t", &text), builtin().read_cases("t", &text)] {
            if let Err(e) = result {
                proptest::prop_assert!(e.is_case());
                proptest::prop_assert!(e.to_string().starts_with("t: "));
            }
        }
    }

    /// Arbitrary task and drop lines in a case file never panic reading or running it.
    #[test]
    fn prop_arbitrary_lines_never_panic(
        task in "(2026-0[1-9]-[0-3][0-9] )?[a-z0-9:#/@_-]{0,20}( [a-z_]{0,12}){0,3}( [0-9:-]{0,11})?( @[a-z0-9-]{0,5})?",
        drop in "[a-z0-9:#/_-]{0,20}( [a-z_]{0,16}){0,2}",
        at_least in proptest::bool::ANY,
    ) {
        let text = format!(
            r#"{{"cases": [{{"name": "c", "episode": {{"id": "e-1", "event": "procedure", "at": "2026-03-02T10:00",
                "attributes": {{"category": "plastic", "setting": "outpatient"}}, "patient": {{"id": "p-1"}}}},
                "expect": {{"match": "{}", "tasks": [{}], "dropped": [{}]}}}}]}}"#,
            if at_least { "at_least" } else { "exact" },
            serde_json::to_string(&task).unwrap(),
            serde_json::to_string(&drop).unwrap(),
        );
        if let Ok(cases) = followup::cases::Cases::from_json("t", &text) {
            let report = builtin().run_cases(&cases);
            proptest::prop_assert!(!report.to_string().is_empty());
        }
    }
}

fn builtin() -> RuleSet {
    RuleSet::builtin().expect("built-in rules")
}
