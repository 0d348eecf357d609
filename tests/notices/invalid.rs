//! Invalid notice texts and the exact error each gives, plus the errors of
//! `plan_notices` on notices, patients and episodes built in code.
//!
//! `tests/notices/invalid/NAME.json` is a notice text that `RuleSet::read_notices` with the
//! built-in rules must refuse; `NAME.err` the whole error display (one line), the text
//! being named `invalid_notices/NAME.json`. A `.json` without its `.err` (or the reverse)
//! fails the walk, and so does a text that is accepted.

use super::*;
use followup::rules::{Limits, RuleSet};
use std::collections::BTreeMap;
use std::path::Path;

/// The walk fails with fewer cases (a lost folder is no pass).
const MIN_CASES: usize = 20;

#[test]
fn every_invalid_notice_file_gives_its_expected_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/notices/invalid");
    let mut pairs: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the invalid notices folder") {
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
    let rules = builtin();
    let mut cases = 0;
    for (name, pair) in &pairs {
        let (Some(json), Some(err)) = pair else {
            problems.push(format!("{name}: expected both {name}.json and {name}.err"));
            continue;
        };
        cases += 1;
        let expected = err.trim_end_matches(['\n', '\r']);
        let source = format!("invalid_notices/{name}.json");
        match rules.read_notices(&source, json) {
            Ok(_) => problems.push(format!("{name}: accepted, expected:\n    {expected}")),
            Err(e) => {
                let actual = e.to_string();
                if actual != expected {
                    problems.push(format!(
                        "{name}:\n    expected: {expected}\n    actual:   {actual}"
                    ));
                }
                if !e.is_notice() {
                    problems.push(format!("{name}: not a notice error: {e:?}"));
                }
            }
        }
    }
    if cases < MIN_CASES {
        problems.push(format!("only {cases} cases, expected at least {MIN_CASES}"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_notice_readers_agree_and_an_empty_array_is_no_notice() {
    let one = notice("expert-day", "2026-04-08", r#""audience": {}"#);
    let read = Notice::from_json("n.json", &one).unwrap();
    let alone = std::slice::from_ref(&read);
    assert_eq!(Notice::list_from_json("n.json", &one).unwrap(), alone);
    let array = format!("[{one}]");
    assert_eq!(Notice::list_from_json("n.json", &array).unwrap(), alone);
    assert!(Notice::list_from_json("n.json", "[]").unwrap().is_empty());
    // Serialised and read back, the same notice; defaults are written out.
    let json = serde_json::to_string(&read).unwrap();
    assert_eq!(
        json,
        r#"{"id":"expert-day","send_on":"2026-04-08","channel":"sms","role":"customer_service","time":"day","audience":{},"title":{"zh":"通知","en":"Notice"}}"#
    );
    assert_eq!(Notice::from_json("again", &json).unwrap(), read);
    // One notice is an object: an array is refused by `from_json`.
    let err = Notice::from_json("n.json", &format!("[{one}]")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "n.json: (root) (line 1, column 1): expected a notice (a JSON object), found an array"
    );
}

#[test]
fn max_notices_at_the_limit_passes_and_one_over_fails() {
    let rules = crate::support::builtin_with(Limits {
        max_notices: 2,
        ..Limits::default()
    });
    let n = |id: &str| notice(id, "2026-04-08", r#""audience": {}"#);
    let two = format!("[{}, {}]", n("a"), n("b"));
    let three = format!("[{}, {}, {}]", n("a"), n("b"), n("c"));
    assert_eq!(rules.read_notices("n.json", &two).unwrap().len(), 2);
    let err = rules.read_notices("n.json", &three).unwrap_err();
    assert_eq!(err.limit(), Some("max_notices"));
    assert!(
        err.to_string().starts_with("n.json: /2 (line 1, column "),
        "{err}"
    );
    assert!(
        err.to_string()
            .ends_with(": 3 notices, more than the limit max_notices (2): expected at most 2"),
        "{err}"
    );
    // The same limit holds for notices given to the planner, which may come from several
    // texts: no index of one (audit 166: `/2` of the combined list).
    let list = builtin().read_notices("n.json", &three).unwrap();
    let err = rules
        .plan_notices(
            &patient(r#"{"id": "p-1"}"#),
            &[],
            &list,
            &Calendar::default(),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "notices: (root): 3 notices given to one plan, more than the limit max_notices (2): expected at most 2 (give fewer, or raise the limit)"
    );
}

#[test]
fn notices_built_in_code_are_checked_when_planned() {
    let mut list = notices(&format!(
        "[{}, {}]",
        notice("a", "2026-04-08", r#""audience": {}"#),
        notice("b", "2026-04-08", r#""audience": {"category": "plastic"}"#)
    ));
    let p = patient(r#"{"id": "p-1"}"#);
    let cal = Calendar::default();
    let plan = |list: &[Notice]| {
        builtin()
            .plan_notices(&p, &[], list, &cal)
            .unwrap_err()
            .to_string()
    };
    list[1].id = "a".into();
    assert_eq!(
        plan(&list),
        "notices: /1/id: duplicate notice id \"a\" (also /0/id): expected each notice id once"
    );
    list[1].id = "b".into();
    list[1].audience.insert(
        "category".into(),
        followup::rules::Values(vec!["lazer".into()]),
    );
    assert_eq!(plan(&list), "notices: /1/audience/category: unknown category \"lazer\": expected one of dental, injection, laser, microneedling, non_invasive, peel, plastic, skin, thread_lift; did you mean \"laser\"?");
    list[1].audience.clear();
    list[1].event_day = Some("2026-04-01".parse().unwrap());
    assert_eq!(plan(&list), "notices: /1/event_day: the event on 2026-04-01 is before the notice goes out on 2026-04-08: expected an event day on or after send_on");
    assert!(list[1].check("b").is_err());
    assert!(list[0].check("a").is_ok());
}

#[test]
fn the_patient_and_the_episodes_are_checked_when_planned() {
    let list = notices(&format!(
        "[{}]",
        notice("a", "2026-04-08", r#""audience": {}"#)
    ));
    let cal = Calendar::default();
    let rules = builtin();
    let err = rules
        .plan_notices(&patient(r#"{"id": "p/1"}"#), &[], &list, &cal)
        .unwrap_err();
    assert!(err.is_episode());
    assert_eq!(err.to_string(), "patient \"p/1\": /patient/id: invalid patient id \"p/1\": expected 1 to 64 of A-Z, a-z, 0-9, '.', '_' and '-', not dots alone (task ids are program/step/episode/occurrence)");
    let other = procedure("ep-9", "laser", "outpatient"); // of patient p-1
    let err = rules
        .plan_notices(&patient(r#"{"id": "p-2"}"#), &[other], &list, &cal)
        .unwrap_err();
    assert_eq!(err.to_string(), "episode \"ep-9\": /patient/id: the episode is of patient \"p-1\": expected an episode of patient \"p-2\", whose notices are planned");
    let mut typo = procedure("ep-9", "laser", "outpatient");
    typo.attributes.insert("category".into(), "Laser".into());
    let err = rules
        .plan_notices(&patient(r#"{"id": "p-1"}"#), &[typo], &list, &cal)
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("episode \"ep-9\": /attributes/category: unknown category \"Laser\""),
        "{err}"
    );
}

#[test]
fn rule_files_cannot_take_the_notice_program_id() {
    let err = RuleSet::builder()
        .source(
            "clinic.json",
            r#"{"format": "followup/v1", "id": "notice",
            "name": {"zh": "通知", "en": "Notice"},
            "steps": [{"id": "a", "title": {"zh": "甲", "en": "A"}}]}"#,
        )
        .build()
        .unwrap_err();
    assert_eq!(err.to_string(), "clinic.json: /id (line 1, column 33): the program id \"notice\" is reserved for clinic notices (their task ids are notice/NOTICE/patient:ID/0): expected another id");
}

/// One notice read alone says an empty text is empty, at its end, as a list of them does
/// (audit 168: "the text ends where a value should be", a column short).
#[test]
fn one_empty_notice_text_says_it_is_empty() {
    let e = followup::rules::Notice::from_json("n.json", "   ").unwrap_err();
    assert_eq!(
        e.to_string(),
        "n.json: (root) (line 1, column 4): the text is empty: expected a notice (a JSON object)"
    );
}
