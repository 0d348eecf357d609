//! Helpers shared by the integration tests.

use followup::{calendar::Calendar, episode::Episode, plan::Plan, rules::RuleSet};

/// Every sample episode of `examples/episodes/`, in file-name order, read and checked by
/// `rules` (a sample the rules refuse fails the test).
pub fn sample_episodes(rules: &RuleSet) -> Vec<(String, Episode)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/episodes");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples/episodes")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .to_string();
            let text = std::fs::read_to_string(&p).expect("sample episode");
            let ep = rules
                .read_episode(&name, &text)
                .unwrap_or_else(|e| panic!("{e}"));
            (name, ep)
        })
        .collect()
}

pub fn builtin() -> RuleSet {
    RuleSet::builtin().expect("built-in rules compile")
}

/// The built-in rules and one more text (an override), named `name`.
pub fn builtin_and(name: &str, text: &str) -> RuleSet {
    RuleSet::builder()
        .builtin()
        .source(name.to_string(), text.to_string())
        .build()
        .unwrap()
}

/// The built-in programs with the course planning call waiting for `recovered` (a month,
/// then a supervisor looks into it): `examples/rule-overrides/course-planning-waits.json`,
/// a clinic's choice (docs/domain.md §8) and the tests' example of a wait that escalates.
pub fn course_planning_waits() -> RuleSet {
    builtin_and(
        "examples/rule-overrides/course-planning-waits.json",
        include_str!("../examples/rule-overrides/course-planning-waits.json"),
    )
}

/// The built-in programs under `limits`.
pub fn builtin_with(limits: followup::rules::Limits) -> RuleSet {
    RuleSet::builder()
        .limits(limits)
        .builtin()
        .build()
        .expect("built-in rules compile under these limits")
}

/// The rule set of one program written for a test: id `id` (also its name), then
/// `members` (JSON object members: `"steps": […]`, `"milestones": {…}`…).
pub fn one_program(id: &str, members: &str) -> RuleSet {
    let text = format!(
        r#"{{"format": "followup/v1", "id": "{id}", "name": {{"zh": "{id}", "en": "{id}"}}, {members}}}"#
    );
    RuleSet::builder()
        .source(format!("{id}.json"), text)
        .build()
        .unwrap_or_else(|e| panic!("test program {id}: {e}"))
}

/// A program `t` of three calls after a procedure: `day-1-call`, `day-3-call` and
/// `day-6-call` (offsets P1D, P3D, P6D), for the tests of calls that pass or supersede
/// one another.
pub fn calls_on_days_1_3_6() -> RuleSet {
    one_program(
        "t",
        r#""applies": {"event": "procedure"}, "steps": [
            {"id": "day-1-call", "offset": "P1D", "title": {"zh": "1", "en": "1"}},
            {"id": "day-3-call", "offset": "P3D", "title": {"zh": "3", "en": "3"}},
            {"id": "day-6-call", "offset": "P6D", "title": {"zh": "6", "en": "6"}}]"#,
    )
}

/// A program `o` of one call, `day-N`, N days after the event (`PND`): by phone, a
/// nurse, in the `day` window.
pub fn one_call_on_day(n: u32) -> RuleSet {
    one_program(
        "o",
        &format!(
            r#""defaults": {{"channel": "phone", "role": "nurse", "time": "day"}},
               "steps": [{{"id": "day-{n}", "offset": "P{n}D", "title": {{"zh": "{n}", "en": "{n}"}}}}]"#
        ),
    )
}

/// A history of the outcomes `rows` (JSON objects, comma-separated).
pub fn outcomes(rows: &str) -> followup::history::History {
    followup::history::History::from_json("h.json", &format!(r#"{{"outcomes": [{rows}]}}"#))
        .unwrap_or_else(|e| panic!("test history: {e}"))
}

pub fn episode(json: &str) -> Episode {
    Episode::from_json("test episode", json).expect("test episode parses")
}

/// The episode `json` read against `rules`: checked against their vocabulary too.
pub fn read(rules: &RuleSet, json: &str) -> Episode {
    rules.read_episode("ep", json).expect("test episode reads")
}

pub fn plan(json: &str) -> Plan {
    plan_on(json, &Calendar::default())
}

/// The built-in programs' plan of the episode `json` on `calendar`.
pub fn plan_on(json: &str, calendar: &Calendar) -> Plan {
    builtin().plan(&episode(json), calendar).expect("plan")
}

/// One line per task, `due step channel role` (`step/escalation` for a derived task), plus
/// ` <- nominal (reason)` when shifted: the form the golden tables below are written in.
pub fn lines(plan: &Plan) -> Vec<String> {
    plan.tasks
        .iter()
        .map(|t| {
            let step = match t.derived {
                Some(d) => format!("{}/{}", t.step(), d.name()),
                None => t.step().to_string(),
            };
            let mut s = format!("{} {step} {} {}", t.due, ser(&t.channel()), ser(&t.role()));
            if let Some(r) = t.shifted {
                s.push_str(&format!(" <- {} ({})", t.nominal, ser(&r)));
            }
            s
        })
        .collect()
}

/// The JSON name of a unit value (`"phone"`, `"customer_service"`…), empty if it has none.
pub fn ser<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Compares a plan with a golden table, showing both in full on a mismatch.
#[track_caller]
pub fn assert_calendar(plan: &Plan, expected: &[&str]) {
    let got = lines(plan);
    if got != expected {
        panic!(
            "calendar differs\n--- expected\n{}\n--- got\n{}\n",
            expected.join("\n"),
            got.join("\n")
        );
    }
}

/// The calendar of a clinic (`clinic_json`, `{}` for one open every day) with the official
/// 2026 calendar of mainland China merged in, as `--calendar FILE --calendar cn-2026`.
pub fn clinic_with_china_2026(clinic_json: &str) -> Calendar {
    Calendar::from_json("clinic.json", clinic_json)
        .and_then(|c| c.merge(&Calendar::china(2026)?))
        .expect("clinic calendar with the official 2026 dates")
}

/// The [`lines`] of `plan` that hold `part`.
pub fn lines_with(plan: &Plan, part: &str) -> Vec<String> {
    lines(plan)
        .into_iter()
        .filter(|l| l.contains(part))
        .collect()
}

/// `id due` of each task of `step` in `plan`, in plan order.
pub fn step_days(plan: &Plan, step: &str) -> Vec<String> {
    (plan.tasks.iter())
        .filter(|t| t.step() == step)
        .map(|t| format!("{} {}", t.id(), t.due))
        .collect()
}

/// The [`dropped`] entries of `plan` that hold `part`.
pub fn dropped_with(plan: &Plan, part: &str) -> Vec<String> {
    dropped(plan)
        .into_iter()
        .filter(|d| d.contains(part))
        .collect()
}

/// `id reason detail nominal` per dropped entry (`-` for none), in the plan's order.
pub fn dropped(p: &Plan) -> Vec<String> {
    p.dropped
        .iter()
        .map(|d| {
            format!(
                "{} {} {} {}",
                d.id(),
                ser(&d.reason),
                d.detail.as_deref().unwrap_or("-"),
                d.nominal.map_or("-".to_string(), |n| n.to_string())
            )
        })
        .collect()
}

/// `text` (an error, a message) holds `part`; the whole text is shown when not.
#[track_caller]
pub fn assert_has(text: impl std::fmt::Display, part: &str) {
    let text = text.to_string();
    assert!(text.contains(part), "{part:?} not in {text}");
}

/// `text` (an error, a message) starts with `head`; the whole text is shown when not.
#[track_caller]
pub fn assert_starts(text: impl std::fmt::Display, head: &str) {
    let text = text.to_string();
    assert!(text.starts_with(head), "{head:?} does not start {text}");
}

/// `p` drops an occurrence whose [`dropped`] line starts with `head` (`id reason`…).
#[track_caller]
pub fn assert_drop_starts(p: &Plan, head: &str) {
    let lines = dropped(p);
    assert!(
        lines.iter().any(|d| d.starts_with(head)),
        "{head:?} not in {lines:?}"
    );
}

/// A calendar of a clinic that rests 12:30-13:00 (a lunch break), open every day.
pub fn half_hour_lunch() -> Calendar {
    Calendar::from_json(
        "lunch.json",
        r#"{"quiet_hours": [{"start": "12:30", "end": "13:00"}]}"#,
    )
    .unwrap()
}

/// A key customer's repair `id` at `repair`, with a request raised in a callback at
/// `raised` (the after-sales `request-resolution` step counts from it).
pub fn key_request_episode(id: &str, repair: &str, raised: &str) -> String {
    format!(
        r#"{{"id": "{id}", "event": "repair", "at": "{repair}",
            "patient": {{"id": "c-{id}", "tags": ["key_customer"]}},
            "facts": [{{"kind": "request_raised", "at": "{raised}"}}]}}"#
    )
}

/// The task of `step` in `plan`, if any.
pub fn task_of<'a>(plan: &'a Plan, step: &str) -> Option<&'a followup::plan::Task> {
    plan.tasks.iter().find(|t| t.step() == step)
}

/// The contact policy of the default classes with a cap of 2 messages in 7 days (the
/// default until audit 206 is 3): the tests of how a cap moves and drops messages.
pub fn two_messages_a_week() -> followup::replan::ContactPolicy {
    let mut policy = followup::replan::ContactPolicy::default();
    for cap in policy.caps.iter_mut() {
        if cap.channel == followup::rules::Channel::Sms {
            cap.max = std::num::NonZeroU32::MIN.saturating_add(1);
        }
    }
    policy
}
