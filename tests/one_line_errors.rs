//! An error's text is one line of printable text whatever the input quotes: a key, a
//! repeat rule or a condition holding an escape or a line break never clears a terminal
//! or forges a line of a log (audit 96).

use followup::{history::History, rules::RuleSet};

/// No character that breaks a line or a terminal: controls, separators, bidi controls.
fn one_line(text: &str) -> bool {
    !text.chars().any(|c| {
        c.is_control()
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{61c}'
            )
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })
}

fn program(extra: &str) -> String {
    format!(
        r#"{{"format": "followup/v1", "id": "dental", "name": {{"zh": "口腔", "en": "Dental"}},
        {extra}
        "steps": [{{"id": "day-1", "offset": "P1D", "title": {{"zh": "回访", "en": "Call"}}}}]}}"#
    )
}

#[test]
fn a_key_holding_an_escape_and_a_line_break_is_written_escaped() {
    let rules = RuleSet::builtin().unwrap();
    let err = rules
        .read_episode(
            "ep.json",
            r#"{"id": "e-1", "event": "procedure", "at": "2026-03-02", "patient": {"id": "p-1"},
                "\u001b[2J\nerror: nothing wrong": 1}"#,
        )
        .unwrap_err();
    let text = err.to_string();
    assert!(one_line(&text), "{text}");
    assert!(
        text.starts_with(
            "ep.json: /\\u{1b}[2J\\u{a}error: nothing wrong (line 2, column 17): unknown field"
        ),
        "{text}"
    );
    // The accessors give the key as it is.
    assert_eq!(err.pointer(), "/\u{1b}[2J\nerror: nothing wrong");
    let err =
        History::from_json("h.json", r#"{"outcomes": [], "\r\u001b[31mPASS": 1}"#).unwrap_err();
    let text = err.to_string();
    assert!(one_line(&text), "{text}");
    assert!(text.starts_with("h.json: /\\u{d}\\u{1b}[31mPASS"), "{text}");
    // A file name given by the host, and a right-to-left override in a key.
    let err = rules
        .read_episode("ep\n.json", r#"{"id": "e-1", "\u202eevent": 1}"#)
        .unwrap_err();
    let text = err.to_string();
    assert!(one_line(&text), "{text}");
    assert!(text.starts_with("ep\\u{a}.json: /\\u{202e}event"), "{text}");
}

#[test]
fn a_repeat_rule_holding_a_control_character_is_refused_as_such() {
    for (rule, at) in [
        (
            r"FREQ=DAILY;COUNT=3\nPASS: 12 cases",
            "U+000A at character 19",
        ),
        (r"FREQ=DAILY;COUNT=\u001b[31m3", "U+001B at character 18"),
        (r"FREQ=DAILY\u0000", "U+0000 at character 11"),
    ] {
        let text = program("").replace(
            r#""offset": "P1D","#,
            &format!(r#""offset": "P1D", "repeat": "{rule}","#),
        );
        let err = RuleSet::builder()
            .source("r.json", text)
            .build()
            .unwrap_err();
        let shown = err.to_string();
        assert!(one_line(&shown), "{shown}");
        assert!(
            shown.contains("/steps/0/repeat (line 3, column 62): invalid repeat rule")
                && shown.ends_with(&format!(
                    "it holds the control character {at}: expected one line of KEY=VALUE parts"
                )),
            "{shown}"
        );
    }
}

#[test]
fn a_condition_holding_a_control_character_is_refused() {
    for (applies, at, char_at) in [
        (
            r#"{"event": "procedure\u001b[2J"}"#,
            "/applies/event",
            "U+001B at character 10",
        ),
        (
            r#"{"category": ["plastic", "dental\n"]}"#,
            "/applies/category/1",
            "U+000A at character 7",
        ),
        (
            r#"{"cate\tgory": "dental"}"#,
            "/applies/cate\tgory",
            "U+0009 at character 5",
        ),
    ] {
        let text = program(&format!(r#""applies": {applies},"#));
        let err = RuleSet::builder()
            .source("r.json", text)
            .build()
            .unwrap_err();
        assert_eq!(err.pointer(), at);
        assert!(
            err.to_string().ends_with(&format!(
                "the condition holds the control character {char_at}: expected printable text"
            )),
            "{err}"
        );
        assert!(one_line(&err.to_string()), "{err}");
    }
}

/// A huge value or key is shown by its start and end, with how much was left out (audit
/// 224: a 400 KB misspelt key was printed twice, 800 KB on one line); the pointer and
/// the message are kept whole for the host.
#[test]
fn a_huge_value_is_shown_cut() {
    let huge = "x".repeat(400_000);
    let text = program("").replace(
        r#""id": "day-1","#,
        &format!(r#""id": "day-1", "{huge}": 1,"#),
    );
    let err = RuleSet::builder()
        .source("dental.json", text)
        .build()
        .unwrap_err();
    let shown = err.to_string();
    assert!(shown.len() < 3_000, "{} bytes", shown.len());
    assert!(shown.contains("characters left out"), "{shown}");
    assert!(one_line(&shown));
    assert!(err.pointer().len() > 400_000, "{}", err.pointer().len());
}
