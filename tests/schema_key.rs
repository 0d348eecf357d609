//! `"$schema"`: rule files, episodes, calendars, histories and notices may name their JSON
//! Schema for editors; the readers ignore it, and a rule set keeps no trace of it.

use followup::{
    calendar::Calendar,
    episode::Episode,
    history::History,
    rules::{Notice, ProgramDef, RuleSet, BUILTIN_RULES},
};

/// The built-in rule texts without their `"$schema"` lines.
fn without_schema() -> RuleSet {
    let mut builder = RuleSet::builder();
    for (name, text) in BUILTIN_RULES {
        let stripped: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("\"$schema\""))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_ne!(stripped.len(), text.len(), "{name} names its schema");
        builder = builder.source(*name, stripped);
    }
    builder.build().unwrap()
}

#[test]
fn the_fingerprint_and_json_of_a_rule_set_do_not_count_schema() {
    let with = RuleSet::builtin().unwrap();
    let without = without_schema();
    assert_eq!(with.stamp(), without.stamp());
    assert_eq!(with, without);
    let json = serde_json::to_string(&with).unwrap();
    assert_eq!(json, serde_json::to_string(&without).unwrap());
    assert!(!json.contains("$schema"));
    assert!(with
        .definitions()
        .iter()
        .all(|d| d.program.schema.is_none()));
    let back: RuleSet = serde_json::from_str(&json).unwrap();
    assert_eq!(back.stamp(), with.stamp());
}

#[test]
fn a_program_definition_keeps_its_schema_through_serde() {
    let text = r#"{"$schema": "../schema/rules.schema.json", "format": "followup/v1", "id": "p",
        "name": {"zh": "回访", "en": "Call"}, "steps": [{"id": "a", "title": {"zh": "回访", "en": "Call"}}]}"#;
    let def: ProgramDef = serde_json::from_str(text).unwrap();
    assert_eq!(def.schema.as_deref(), Some("../schema/rules.schema.json"));
    let back = serde_json::to_string(&def).unwrap();
    assert!(back.starts_with(r#"{"$schema":"../schema/rules.schema.json","format""#));
    // An array of programs: each may name it.
    let array = format!("[{text}, {}]", text.replace(r#""id": "p""#, r#""id": "q""#));
    let rules = RuleSet::builder()
        .source("two.json", array)
        .build()
        .unwrap();
    assert_eq!(rules.program_ids().collect::<Vec<_>>(), ["p", "q"]);
}

#[test]
fn the_readers_of_episodes_calendars_histories_and_notices_ignore_a_top_level_schema() {
    let ep = Episode::from_json(
        "ep.json",
        r#"{"$schema": "../schema/episode.schema.json", "id": "e", "event": "procedure",
            "at": "2026-03-02", "patient": {"id": "p"}}"#,
    )
    .unwrap();
    assert_eq!(&*ep.id, "e");
    RuleSet::builtin()
        .unwrap()
        .read_episode(
            "ep.json",
            r#"{"id": "e", "$schema": "x", "event": "procedure", "at": "2026-03-02",
                "attributes": {"category": "laser"}, "patient": {"id": "p"}}"#,
        )
        .unwrap();
    let cal = Calendar::from_json(
        "cal.json",
        r#"{"$schema": "../schema/calendar.schema.json", "closed_weekdays": ["Mon"]}"#,
    )
    .unwrap();
    assert_eq!(
        cal,
        Calendar::from_json("cal.json", r#"{"closed_weekdays": ["Mon"]}"#).unwrap()
    );
    let h = History::from_json("h.json", r#"{"$schema": "x", "outcomes": []}"#).unwrap();
    assert!(h.is_empty());
    let notice = r#"{"$schema": "x", "id": "n", "send_on": "2026-03-09", "audience": {},
        "title": {"zh": "通知", "en": "Notice"}}"#;
    Notice::from_json("n.json", notice).unwrap();
    assert_eq!(
        Notice::list_from_json("n.json", &format!("[{notice}]"))
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn schema_is_a_string_at_the_top_and_nowhere_else() {
    let err = Episode::from_json(
        "ep.json",
        r#"{"$schema": 1, "id": "e", "event": "procedure", "at": "2026-03-02", "patient": {"id": "p"}}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "ep.json: /$schema (line 1, column 13): expected a string, found the number 1"
    );
    let err = Episode::from_json(
        "ep.json",
        r#"{"id": "e", "event": "procedure", "at": "2026-03-02", "patient": {"$schema": "x", "id": "p"}}"#,
    )
    .unwrap_err();
    assert!(
        err.to_string().starts_with("ep.json: /patient/$schema (line 1, column 67): unknown field `$schema`, expected one of `id`"),
        "{err}"
    );
    let err = Calendar::from_json("cal.json", r#"{"call_desk": {"$schema": "x"}}"#).unwrap_err();
    assert!(err.to_string().contains("unknown field `$schema`"), "{err}");
}
