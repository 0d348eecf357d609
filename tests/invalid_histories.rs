//! Invalid histories and the exact error each gives.
//!
//! `tests/invalid_histories/NAME.json` is a history `History::from_json` must refuse;
//! `NAME.err` the whole error display (one line), the text being named
//! `invalid_histories/NAME.json`. A `.json` without its `.err` (or the reverse) fails the
//! walk, and so does a text that is accepted.

use followup::history::History;
use std::collections::BTreeMap;
use std::path::Path;

/// The walk fails with fewer cases (a lost folder is no pass).
const MIN_CASES: usize = 25;

#[test]
fn every_invalid_history_gives_its_expected_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid_histories");
    let mut pairs: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the invalid histories folder") {
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
        let source = format!("invalid_histories/{name}.json");
        let (Some(json), err) = pair else {
            problems.push(format!("{name}: expected both {name}.json and {name}.err"));
            continue;
        };
        let actual = match History::from_json(&source, json) {
            Ok(_) => {
                problems.push(format!("{name}: accepted"));
                continue;
            }
            Err(e) => {
                if !e.is_history() {
                    problems.push(format!("{name}: not a history error: {e:?}"));
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
