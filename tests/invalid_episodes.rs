//! Invalid episodes and the exact error each one gives.
//!
//! `tests/invalid_episodes/NAME.json` is an episode that [`RuleSet::read_episode`] with the
//! built-in rules must refuse, and `tests/invalid_episodes/NAME.err` the whole `Error`
//! display string it must give (one line; the trailing newline is trimmed), the episode
//! being named `invalid_episodes/NAME.json`. The cases cover malformed JSON, unknown and
//! missing fields, wrong types, unsafe ids, bad dates and date-times, the data slips of
//! `Episode::check` (milestones and course sessions before the event, inconsistent
//! courses, opt-outs without a channel, rest hours, channels opted out of twice), the
//! depth and milestone-date limits, and the vocabulary of the built-in rules (events,
//! attribute keys and values, fact kinds, milestones, with and without a "did you mean").
//!
//! Every message must start with `invalid_episodes/NAME.json: ` followed by the JSON
//! pointer of the offending value (`(root)` for the whole text), as `Error::pointer` gives
//! it, then the line and column (counted in bytes, as serde_json counts them). To add a
//! case, write both files;
//! a `.json` without its `.err` (or the reverse) fails the walk, and so does an episode
//! that is accepted.

use followup::{rules::RuleSet, Error};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The walk fails if the folder holds fewer cases than this (a lost folder is no pass).
const MIN_CASES: usize = 60;

/// The folder, and the prefix of the names the episodes are read under.
const FOLDER: &str = "invalid_episodes";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(FOLDER)
}

/// A case: its name, the episode text and the expected message.
struct Case {
    name: String,
    text: String,
    expected: String,
}

/// The `NAME.json`/`NAME.err` pairs of `dir`, sorted by name, and every file without its
/// partner (or with another extension) as a problem.
fn read_cases(dir: &Path) -> (Vec<Case>, Vec<String>) {
    let mut files: BTreeMap<String, (Option<PathBuf>, Option<PathBuf>)> = BTreeMap::new();
    let mut problems = Vec::new();
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            problems.push(format!("{}: unexpected folder", path.display()));
            continue;
        }
        let stem = path.file_stem().and_then(|s| s.to_str()).map(String::from);
        let ext = path.extension().and_then(|s| s.to_str());
        match (stem, ext) {
            (Some(stem), Some("json")) => files.entry(stem).or_default().0 = Some(path),
            (Some(stem), Some("err")) => files.entry(stem).or_default().1 = Some(path),
            _ => problems.push(format!(
                "{}: expected NAME.json or NAME.err",
                path.display()
            )),
        }
    }
    let mut cases = Vec::new();
    for (name, pair) in files {
        match pair {
            (Some(json), Some(err)) => {
                let text = std::fs::read_to_string(&json)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", json.display()));
                let expected = std::fs::read_to_string(&err)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", err.display()));
                let expected = expected.trim_end_matches(['\n', '\r']).to_string();
                cases.push(Case {
                    name,
                    text,
                    expected,
                });
            }
            (Some(_), None) => problems.push(format!("{name}.json has no {name}.err")),
            (None, Some(_)) => problems.push(format!("{name}.err has no {name}.json")),
            (None, None) => {}
        }
    }
    (cases, problems)
}

/// The problems of one case: its `.err` file's form, then the error it gives.
fn check_case(rules: &RuleSet, case: &Case) -> Vec<String> {
    let Case {
        name,
        text,
        expected,
    } = case;
    let source = format!("{FOLDER}/{name}.json");
    let prefix = format!("{source}: ");
    let mut problems = Vec::new();
    if expected.contains('\n') {
        problems.push(format!("{name}.err: expected one line"));
    }
    if !expected.starts_with(&prefix) {
        problems.push(format!("{name}.err: expected it to start with {prefix:?}"));
    }
    let err = match rules.read_episode(&source, text) {
        Ok(_) => {
            problems.push(format!("{name}: accepted, expected:\n    {expected}"));
            return problems;
        }
        Err(err) => err,
    };
    let actual = err.to_string();
    if actual != *expected {
        problems.push(format!(
            "{name}:\n    expected: {expected}\n    actual:   {actual}"
        ));
    }
    if !err.is_episode() {
        problems.push(format!("{name}: not an episode error: {err:?}"));
    }
    problems.extend(pointer_problem(name, &prefix, &err, &actual));
    if err.line_column().is_none() {
        problems.push(format!("{name}: the message names no line and column"));
    }
    problems
}

/// The message must name the JSON pointer of `err` right after `prefix` (`(root)` for the
/// whole text, else a pointer starting with `/`), followed by the line and column or the
/// message.
fn pointer_problem(name: &str, prefix: &str, err: &Error, actual: &str) -> Option<String> {
    let Some(rest) = actual.strip_prefix(prefix) else {
        return Some(format!(
            "{name}: the message does not start with {prefix:?}"
        ));
    };
    let pointer = err.pointer();
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Some(format!("{name}: {pointer:?} is not a JSON pointer"));
    }
    let named = if pointer.is_empty() {
        "(root)"
    } else {
        pointer
    };
    match rest.strip_prefix(named) {
        Some(after) if after.starts_with(" (line ") || after.starts_with(": ") => None,
        _ => Some(format!(
            "{name}: the message does not name the pointer {named:?} after {prefix:?}"
        )),
    }
}

#[test]
fn every_invalid_episode_file_gives_its_expected_error() {
    let rules = RuleSet::builtin().expect("built-in rules compile");
    let dir = dir();
    let (cases, mut problems) = read_cases(&dir);
    if cases.len() < MIN_CASES {
        problems.push(format!(
            "only {} cases in {}, expected at least {MIN_CASES}",
            cases.len(),
            dir.display()
        ));
    }
    for case in &cases {
        problems.extend(check_case(&rules, case));
    }
    if problems.is_empty() {
        return;
    }
    let mut report = format!(
        "{} problems with the {} cases of {}:\n",
        problems.len(),
        cases.len(),
        dir.display()
    );
    for p in &problems {
        let _ = writeln!(report, "- {p}");
    }
    panic!("{report}");
}

/// `Episode::new` is the episode JSON with its four required fields and nothing else
/// (audit 41: a host building one in code had to fill ten fields).
#[test]
fn an_episode_built_in_code_is_the_minimal_json_one() {
    let at = "2026-03-02T10:00:00".parse().unwrap();
    let built = followup::episode::Episode::new("ep-7", "procedure", at, "p-7");
    let read = followup::episode::Episode::from_json(
        "ep.json",
        r#"{"id": "ep-7", "event": "procedure", "at": "2026-03-02T10:00:00", "patient": {"id": "p-7"}}"#,
    )
    .unwrap();
    assert_eq!(built, read);
    assert!(built.check("built").is_ok());
    // Nothing is checked when it is built: an unsafe id is refused by the check.
    let bad = followup::episode::Episode::new("ep/7", "procedure", at, "p-7");
    assert!(bad
        .check("built")
        .unwrap_err()
        .to_string()
        .starts_with("built: /id"));
}
