//! The fixed bounds on texts: a filled title or script stays small whatever the input.
//! Before them, a 1 MB patient name in a script with `{patient}` 2,000 times made a plan
//! of gigabytes. Each bound at its value is taken; one past it is refused, located.

use followup::{
    calendar::Calendar,
    history::History,
    rules::{RuleSet, MAX_PLACEHOLDERS, MAX_TEXT_CHARS, MAX_VALUE_CHARS},
};

fn program(script: &str) -> String {
    format!(
        r#"{{"format": "followup/v1", "id": "p", "name": {{"zh": "p", "en": "p"}},
  "applies": {{"event": "procedure"}}, "vocabulary": {{"attributes": {{"procedure": "free"}}}},
  "steps": [{{"id": "call", "offset": "P1D", "title": {{"zh": "回访", "en": "Call"}},
    "script": {{"zh": "{script}", "en": "Call."}}}}]}}"#
    )
}

fn build(script: &str) -> Result<RuleSet, followup::Error> {
    RuleSet::builder().source("r.json", program(script)).build()
}

/// The error of a script of `piece` written `limit + 1` times, when `limit` times reads.
fn one_past(piece: &str, limit: usize) -> String {
    assert!(build(&piece.repeat(limit)).is_ok());
    build(&piece.repeat(limit + 1)).unwrap_err().to_string()
}

#[test]
fn a_text_holds_at_most_2000_characters() {
    assert_eq!(MAX_TEXT_CHARS, 2_000);
    assert_eq!(
        one_past("话", MAX_TEXT_CHARS),
        "r.json: /steps/0/script/zh (line 4, column 22): the text has 2001 characters: expected at most 2000"
    );
}

#[test]
fn a_text_holds_at_most_16_placeholders() {
    assert_eq!(MAX_PLACEHOLDERS, 16);
    assert_eq!(
        one_past("{patient}", MAX_PLACEHOLDERS),
        "r.json: /steps/0/script/zh (line 4, column 22): the text has 17 placeholders: expected at most 16"
    );
}

fn episode(name: &str, procedure: &str, owner: &str) -> String {
    format!(
        r#"{{"id": "e-1", "event": "procedure", "at": "2026-03-02T10:00:00",
  "attributes": {{"procedure": "{procedure}"}},
  "owners": {{"customer_service": {{"id": "u-1", "name": "{owner}"}}}},
  "patient": {{"id": "p-1", "name": "{name}"}}}}"#
    )
}

/// The first task's script in Chinese, filled, of the episode `ep` planned by `rules`.
fn zh_script(rules: &RuleSet, ep: &followup::episode::Episode) -> String {
    let plan = rules.plan(ep, &Calendar::default()).unwrap();
    plan.tasks[0]
        .script()
        .unwrap()
        .get(followup::rules::Lang::Zh)
        .to_string()
}

#[test]
fn a_value_that_fills_a_placeholder_holds_at_most_200_characters() {
    assert_eq!(MAX_VALUE_CHARS, 200);
    let rules = build("{patient}，{procedure}，{owner}").unwrap();
    let at = "名".repeat(MAX_VALUE_CHARS);
    let past = "名".repeat(MAX_VALUE_CHARS + 1);
    let ep = rules
        .read_episode("ep.json", &episode(&at, &at, &at))
        .unwrap();
    let script = zh_script(&rules, &ep);
    assert_eq!(script.chars().count(), 3 * MAX_VALUE_CHARS + 2);
    for (json, at) in [
        (
            episode(&past, "x", "x"),
            "/patient/name (line 4, column 36)",
        ),
        (
            episode("x", &past, "x"),
            "/attributes/procedure (line 2, column 31)",
        ),
        (
            episode("x", "x", &past),
            "/owners/customer_service/name (line 3, column 56)",
        ),
    ] {
        let e = rules
            .read_episode("ep.json", &json)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with(&format!("ep.json: {at}: ")), "{e}");
        assert!(
            e.ends_with("has 201 characters: expected at most 200"),
            "{e}"
        );
    }
    let cal = Calendar::from_json(
        "cal.json",
        &format!(r#"{{"clinic": {{"zh": "{past}", "en": "Clinic"}}}}"#),
    );
    let e = cal.unwrap_err().to_string();
    assert_error(
        &e,
        "cal.json: /clinic/zh",
        "the clinic's name has 201 characters: expected at most 200",
    );
}

#[test]
fn a_follow_up_added_by_hand_is_bounded_too() {
    let long = "话".repeat(MAX_TEXT_CHARS + 1);
    let json = format!(
        r#"{{"follow_ups": [{{"id": "photos", "due": "2026-03-24", "channel": "phone",
  "role": "onsite_consultant", "title": {{"zh": "{long}", "en": "Photos"}}}}]}}"#
    );
    let e = History::from_json("h.json", &json).unwrap_err().to_string();
    assert_error(
        &e,
        "h.json: /follow_ups/0/title/zh",
        "the text has 2001 characters: expected at most 2000",
    );
}

/// The bounds above are per language; a text holds at most 8 languages (a text of 1,500
/// languages each with 16 `{patient}` made a plan of gigabytes).
#[test]
fn a_text_holds_at_most_8_languages() {
    assert_eq!(followup::rules::MAX_LANGUAGES, 8);
    let title = |n: usize| {
        let more: Vec<String> = (0..n - 2)
            .map(|i| format!(r#", "xx-l{i}": "{{patient}}""#))
            .collect();
        format!(
            r#"{{"format": "followup/v1", "id": "p", "name": {{"zh": "p", "en": "p"}},
  "steps": [{{"id": "call", "title": {{"zh": "回访", "en": "Call"{}}}}}]}}"#,
            more.concat()
        )
    };
    let build = |n| RuleSet::builder().source("r.json", title(n)).build();
    assert!(build(8).is_ok());
    let e = build(9).unwrap_err().to_string();
    assert!(
        e.starts_with("r.json: /steps/0/title")
            && e.ends_with("more than 8 languages: expected at most 8 in one text"),
        "{e}"
    );
}

/// `e` starts with the file and pointer `at` and ends with what it `says`.
#[track_caller]
fn assert_error(e: &str, at: &str, says: &str) {
    assert!(e.starts_with(at) && e.ends_with(says), "{e}");
}

/// A value that fills a placeholder holds no control character (audit 9 of 6 December: a
/// NUL and an escape in a patient's name went into messages and, raw, into the CSV
/// export). Printable signs that share their first UTF-8 byte with the C1 controls stay:
/// the middle dot of 买买提·艾力 (U+00B7), the non-breaking space (U+00A0). A clinic's
/// name with a tab is refused when the calendar is read.
#[test]
fn a_value_that_fills_a_placeholder_is_printable() {
    let rules = build("{patient}，{procedure}，{owner}").unwrap();
    let ep = rules
        .read_episode(
            "ep.json",
            &episode("买买提·艾力", "双眼皮\u{a0}修复", "小周"),
        )
        .unwrap();
    assert_eq!(
        zh_script(&rules, &ep),
        "买买提·艾力，双眼皮\u{a0}修复，小周"
    );
    let e = rules
        .read_episode("ep.json", &episode("王\\u0007女士", "x", "x"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "ep.json: /patient/name (line 4, column 36): the patient's name holds the control character U+0007 at character 2: expected printable text"
    );
    let e = Calendar::from_json(
        "cal.json",
        r#"{"clinic": {"zh": "美\t丽", "en": "Clinic"}}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("cal.json: /clinic/zh"), "{e}");
    assert!(
        e.ends_with(
            "the clinic's name holds the control character U+0009 at character 2: expected printable text on one line (no line break, tab, separator or bidirectional control)"
        ),
        "{e}"
    );
    // A line separator: no hint that line breaks are allowed, which they are not here
    // (audits 180, 186).
    let e = Calendar::from_json(
        "cal.json",
        "{\"clinic\": {\"zh\": \"美丽\u{2028}诊所\", \"en\": \"Clinic\"}}",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "cal.json: /clinic/zh (line 1, column 19): the clinic's name holds the line separator U+2028 at character 3: expected printable text on one line (no line break, tab, separator or bidirectional control)"
    );
}
