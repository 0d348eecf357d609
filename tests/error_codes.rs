//! `Error::code()` over the fixture folders: every refused rule text and episode gets a
//! code of its input kind, and the problem part agrees with what the hand-written
//! expected message (`NAME.err`) and the text itself say.

use followup::{rules::RuleSet, Error};
use std::collections::BTreeMap;
use std::path::Path;

/// `(name, text, expected message)` of every `NAME.json` with its `NAME.err` in `folder`.
fn fixtures(folder: &str) -> Vec<(String, String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("fixture folder") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let Ok(expected) = std::fs::read_to_string(path.with_extension("err")) else {
            continue;
        };
        let text = String::from_utf8_lossy(&std::fs::read(&path).expect("fixture")).into_owned();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_owned();
        out.push((name, text, expected.trim().to_owned()));
    }
    out.sort();
    out
}

/// What the code's problem must be, judged from the text and the expected message
/// without `Error::code`'s own rules: `None` where only "some specific problem" is known.
fn expected_problem(err: &Error, text: &str, expected: &str) -> Option<&'static str> {
    if err.is_limit() {
        return Some("limit");
    }
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if serde_json::from_str::<serde_json::Value>(body).is_err() && !expected.contains("given twice")
    {
        return Some("syntax");
    }
    if expected.contains(": unknown field `") {
        return Some("unknown_field");
    }
    if expected.contains(": missing field ") || expected.contains(": missing language ") {
        return Some("missing_field");
    }
    None
}

fn check(kind: &str, folder: &str, refuse: impl Fn(&str, &str) -> Option<Error>) {
    let mut problems = Vec::new();
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let cases = fixtures(folder);
    assert!(cases.len() >= 30, "{folder}: only {} fixtures", cases.len());
    for (name, text, expected) in &cases {
        let Some(err) = refuse(name, text) else {
            continue; // accepted: the folder's own test reports it
        };
        let code = err.code();
        *counts.entry(code).or_default() += 1;
        let Some(problem) = code.strip_prefix(kind).and_then(|c| c.strip_prefix('/')) else {
            problems.push(format!("{name}: code {code}, expected {kind}/…"));
            continue;
        };
        if let Some(want) = expected_problem(&err, text, expected) {
            if problem != want {
                problems.push(format!(
                    "{name}: code {code}, expected {kind}/{want}: {err}"
                ));
            }
        } else if ["limit", "syntax", "unknown_field", "missing_field"].contains(&problem) {
            problems.push(format!(
                "{name}: code {code}, but the fixture is not of that kind: {err}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every problem class shows up somewhere: the classification is not one bucket.
    assert!(counts.len() >= 5, "{folder}: codes {counts:?}");
}

#[test]
fn refused_rule_texts_have_rule_codes() {
    check("rule", "tests/invalid", |name, text| {
        RuleSet::builder().source(name, text).build().err()
    });
}

#[test]
fn refused_episodes_have_episode_codes() {
    let rules = RuleSet::builtin().expect("built-in rules");
    check("episode", "tests/invalid_episodes", |name, text| {
        rules.read_episode(name, text).err()
    });
}

#[test]
fn codes_of_chosen_fixtures() {
    let rules = RuleSet::builtin().expect("built-in rules");
    let episode = |text: &str| rules.read_episode("ep.json", text).unwrap_err().code();
    let base = r#""id": "e1", "event": "procedure", "at": "2026-03-02", "patient": {"id": "p1"}"#;
    assert_eq!(
        episode(&format!(
            r#"{{{base}, "attributes": {{"category": "plastik"}}}}"#
        )),
        "episode/unknown_value"
    );
    assert_eq!(
        episode(&format!(r#"{{{base}, "atributes": {{}}}}"#)),
        "episode/unknown_field"
    );
    assert_eq!(
        episode(r#"{"id": "e1", "event": "procedure"}"#),
        "episode/missing_field"
    );
    assert_eq!(
        episode(&format!(r#"{{{base}, "id": "e2"}}"#)),
        "episode/duplicate"
    );
    assert_eq!(episode(r#"{"id": 7}"#), "episode/wrong_type");
    assert_eq!(episode(r#"{"id": "e1""#), "episode/syntax");
    // A word field given null, a number or true: valid JSON of the wrong type (serde_json
    // calls it a syntax error, "expected value").
    for role in ["null", "7", "true", "[]"] {
        assert_eq!(
            episode(&format!(
                r#"{{{base}, "reassignments": [{{"role": {role}, "to": "u-1", "at": "2026-03-03"}}]}}"#
            )),
            "episode/wrong_type",
            "{role}"
        );
    }
    let history = followup::history::History::from_json(
        "h.json",
        r#"{"outcomes": [{"task": "t", "outcome": null, "at": "2026-03-03T10:00"}]}"#,
    );
    let code = history.map(|_| "accepted").unwrap_or_else(|e| e.code());
    assert_eq!(code, "history/wrong_type");
    assert_eq!(
        episode(
            r#"{"id": "e1", "event": "procedure", "at": "2026-02-30", "patient": {"id": "p1"}}"#
        ),
        "episode/invalid_value"
    );
    let cal =
        followup::calendar::Calendar::from_json("c.json", r#"{"closed_weekdays": ["Sunday!"]}"#);
    let code = cal.map(|_| "accepted").unwrap_or_else(|e| e.code());
    assert!(code.starts_with("calendar/"), "{code}");
}

/// A contact policy is read as every other input: its errors name the file, the JSON
/// pointer, line and column (counted by hand), and have `policy/…` codes (audit 259: they
/// were plain serde_json errors, with no name or pointer).
#[test]
fn a_contact_policy_is_refused_located_with_policy_codes() {
    use followup::replan::ContactPolicy;
    let read = |text: &str| ContactPolicy::from_json("policy.json", text).unwrap_err();
    let e = read("{\n  \"caps\": [{\"channel\": \"sms\", \"max\": 0, \"per_days\": 7}]\n}");
    assert!(e.is_policy());
    assert_eq!(
        (e.source_name(), e.pointer(), e.line_column(), e.code()),
        (
            "policy.json",
            "/caps/0/max",
            Some((2, 38)),
            "policy/invalid_value"
        )
    );
    let e = read(r#"{"drop_over_caps": ["sales"]}"#);
    assert_eq!(
        (e.pointer(), e.code()),
        ("/drop_over_caps", "policy/unknown_field")
    );
    let e = read(r#"{"drop_over_cap": ["salse"]}"#);
    assert_eq!(
        (e.pointer(), e.code()),
        ("/drop_over_cap/0", "policy/unknown_value")
    );
    let e = read(r#"{"caps": [{"channel": "fax", "max": 1, "per_days": 1}]}"#);
    assert_eq!(
        (e.pointer(), e.code()),
        ("/caps/0/channel", "policy/unknown_value")
    );
    assert_eq!(read("").code(), "policy/syntax");
    assert_eq!(read(r#"{"caps": ["#).code(), "policy/syntax");
    assert_eq!(
        ContactPolicy::from_json("policy.json", "{}"),
        Ok(ContactPolicy::default())
    );
}

/// Audit 145: a host reports which file, which field and what, from the error's parts,
/// without parsing its text — for a rule file, a calendar, a merged calendar and a
/// history alike. Lines and columns counted by hand in the texts below.
#[test]
fn an_error_gives_its_source_pointer_position_and_message_apart() {
    use followup::{calendar::Calendar, history::History};
    let parts = |e: Error| {
        let text = e.to_string();
        let (name, pointer, at, message) = (
            e.source_name().to_string(),
            e.pointer().to_string(),
            e.line_column(),
            e.message().to_string(),
        );
        // The parts are what the text says, in its order.
        let place = at.map_or(String::new(), |(l, c)| format!(" (line {l}, column {c})"));
        assert_eq!(text, format!("{name}: {pointer}{place}: {message}"));
        (name, pointer, at, message)
    };
    let rule = RuleSet::builder()
        .source(
            "skin/laser.json",
            "{\"format\": \"followup/v1\", \"id\": \"l\", \"name\": {\"zh\": \"l\", \"en\": \"l\"},\n \"steps\": [{\"id\": \"a\", \"offset\": \"P1X\", \"title\": {\"zh\": \"a\", \"en\": \"a\"}}]}",
        )
        .build()
        .unwrap_err();
    let (name, pointer, at, message) = parts(rule);
    assert_eq!(
        (name.as_str(), pointer.as_str(), at),
        ("skin/laser.json", "/steps/0/offset", Some((2, 34)))
    );
    assert!(message.starts_with("invalid duration \"P1X\""), "{message}");
    let cal =
        Calendar::from_json("clinic.json", "{\"closed_dates\": [\"2026-02-30\"]}").unwrap_err();
    let (name, pointer, at, _) = parts(cal);
    assert_eq!(
        (name.as_str(), pointer.as_str(), at),
        ("clinic.json", "/closed_dates/0", Some((1, 19)))
    );
    let a = Calendar::from_json(
        "a.json",
        r#"{"covers": {"from": "2026-01-01", "to": "2026-06-30"}}"#,
    )
    .unwrap();
    let b = Calendar::from_json(
        "b.json",
        r#"{"covers": {"from": "2027-01-01", "to": "2027-06-30"}}"#,
    )
    .unwrap();
    let (name, pointer, at, _) = parts(a.merge(&b).unwrap_err());
    assert_eq!(
        (name.as_str(), pointer.as_str(), at),
        ("merged calendar", "/covers", None)
    );
    let history = History::from_json("h.json", "{\"outcomes\": [\n {\"task\": \"t\", \"outcome\": \"reached\", \"at\": \"2026-03-03T10:00\"}]}").unwrap_err();
    let (name, pointer, at, message) = parts(history);
    assert_eq!(
        (name.as_str(), pointer.as_str(), at),
        ("h.json", "/outcomes/0/outcome", Some((2, 27)))
    );
    assert!(message.contains("reached"), "{message}");
}
