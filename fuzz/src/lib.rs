//! The checks the fuzz targets run on every input, shared so that each target is one
//! line and the same checks run on stable over the seed corpus (`cargo test` here).
//!
//! Every check asserts three things, and panics (a crash for libFuzzer) when one fails:
//!
//! - **no panic**: reading, compiling and planning return values, never unwind;
//! - **deterministic**: the same text read twice, and the same plan made twice, are
//!   equal — as values and as JSON;
//! - **errors name their source**: an error about the fuzzed text starts with
//!   `fuzz.json: ` and is of the right kind (`is_rule`, `is_episode`…); an error made
//!   while planning starts with `episode "<id>": `; a line and column, when given, lie
//!   inside the text.
//!
//! What is read is also written back: a rule set, an episode, a calendar, a history, a
//! notice text and every plan serialise to JSON and read back equal, and every plan's `Plan::to_json` is
//! serde_json's text to the byte.

#![forbid(unsafe_code)]

pub mod mutate;

use followup::{
    calendar::Calendar,
    episode::{Episode, Patient},
    history::History,
    plan::Plan,
    rules::{Notice, RuleSet},
    Error,
};
use serde::Serialize;
use std::fmt::Debug;
use std::sync::OnceLock;

/// The name every fuzzed text is read under; its errors must start with `fuzz.json: `.
pub const SOURCE: &str = "fuzz.json";

/// The sample episodes the rule and calendar targets plan, one per kind of event: read
/// once, with the built-in programs.
const EPISODES: [(&str, &str); 7] = [
    (
        "plastic-inpatient.json",
        include_str!("../../examples/episodes/plastic-inpatient.json"),
    ),
    (
        "laser.json",
        include_str!("../../examples/episodes/laser.json"),
    ),
    (
        "skin-course.json",
        include_str!("../../examples/episodes/skin-course.json"),
    ),
    (
        "consultation-visited.json",
        include_str!("../../examples/episodes/consultation-visited.json"),
    ),
    (
        "complaint.json",
        include_str!("../../examples/episodes/complaint.json"),
    ),
    (
        "repair.json",
        include_str!("../../examples/episodes/repair.json"),
    ),
    (
        "new-assignment.json",
        include_str!("../../examples/episodes/new-assignment.json"),
    ),
];

/// The built-in programs, compiled once.
pub fn builtin() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().expect("the built-in programs compile"))
}

/// The official calendar of mainland China for 2026, built once.
pub fn china() -> &'static Calendar {
    static CHINA: OnceLock<Calendar> = OnceLock::new();
    CHINA.get_or_init(|| Calendar::china(2026).expect("cn-2026 is shipped"))
}

/// The sample episodes planned against fuzzed rules and calendars. The first is the
/// sample inpatient `ep-1001`, whom `examples/histories/p42-march.json` is about.
pub fn sample_episodes() -> &'static [Episode] {
    static EPS: OnceLock<Vec<Episode>> = OnceLock::new();
    EPS.get_or_init(|| {
        EPISODES
            .iter()
            .map(|(name, text)| {
                builtin()
                    .read_episode(name, text)
                    .expect("the sample episodes read")
            })
            .collect()
    })
}

/// Runs `check` on `data` when it is UTF-8; other bytes are skipped (the library takes
/// `&str`: decoding is the host's job).
pub fn on_utf8(data: &[u8], check: fn(&str)) {
    if let Ok(text) = std::str::from_utf8(data) {
        check(text);
    }
}

/// A rule text, alone and (when it overrides a program) after the built-in programs:
/// compiled twice, equal; an error names `fuzz.json`; a rule set that compiles
/// round-trips through JSON and plans the sample episodes deterministically.
pub fn check_rule_text(text: &str) {
    check_rules_from(RuleSet::builder, text);
    if text.contains("override") {
        check_rules_from(|| RuleSet::builder().builtin(), text);
    }
}

fn check_rules_from(builder: impl Fn() -> followup::rules::RuleSetBuilder, text: &str) {
    let build = || builder().source(SOURCE, text).build();
    let rules = match twice("rule set", build) {
        Ok(rules) => rules,
        Err(e) => return names_source(&e, SOURCE, Some(text), Error::is_rule),
    };
    round_trip("rule set", &rules, |json| {
        serde_json::from_str::<RuleSet>(json)
    });
    for episode in sample_episodes() {
        check_plan(|| rules.plan(episode, &Calendar::default()), episode);
    }
}

/// An episode text, read with the built-in programs: read twice, equal; an error names
/// `fuzz.json`; an episode that reads round-trips through JSON and is planned with the
/// default calendar and the official one of 2026.
pub fn check_episode_text(text: &str) {
    let plain = twice("episode", || Episode::from_json(SOURCE, text));
    if let Err(e) = &plain {
        names_source(e, SOURCE, Some(text), Error::is_episode);
    }
    let episode = match twice("episode", || builtin().read_episode(SOURCE, text)) {
        Ok(episode) => episode,
        Err(e) => return names_source(&e, SOURCE, Some(text), Error::is_episode),
    };
    assert!(
        plain.as_ref() == Ok(&episode),
        "read_episode accepts what Episode::from_json refuses: {plain:?}"
    );
    round_trip("episode", &episode, |json| {
        builtin().read_episode("round trip", json)
    });
    check_plan(|| builtin().plan(&episode, &Calendar::default()), &episode);
    check_plan(|| builtin().plan(&episode, china()), &episode);
}

/// A calendar text: read twice, equal; an error names `fuzz.json`; a calendar that reads
/// round-trips through JSON, merges with the official calendar of 2026 both ways round (or
/// says why not, naming the merged calendar), and plans the sample episodes
/// deterministically.
pub fn check_calendar_text(text: &str) {
    let calendar = match twice("calendar", || Calendar::from_json(SOURCE, text)) {
        Ok(calendar) => calendar,
        Err(e) => return names_source(&e, SOURCE, Some(text), Error::is_calendar),
    };
    round_trip("calendar", &calendar, |json| {
        Calendar::from_json("round trip", json)
    });
    // Both ways round: the official dates into the fuzzed calendar (its policies win, as
    // a clinic's do), and the fuzzed dates into the official calendar.
    let merge =
        |into: &Calendar, from: &Calendar| match twice("merged calendar", || into.merge(from)) {
            Ok(merged) => Some(merged),
            Err(e) => {
                names_source(&e, "merged calendar", None, Error::is_calendar);
                None
            }
        };
    let merged = [merge(&calendar, china()), merge(china(), &calendar)];
    for episode in &sample_episodes()[..3] {
        check_plan(|| builtin().plan(episode, &calendar), episode);
        for merged in merged.iter().flatten() {
            check_plan(|| builtin().plan(episode, merged), episode);
        }
    }
}

/// A history text: read twice, equal; an error names `fuzz.json`; a history that reads
/// round-trips through JSON and plans the sample inpatient (`ep-1001`) deterministically.
pub fn check_history_text(text: &str) {
    let history = match twice("history", || History::from_json(SOURCE, text)) {
        Ok(history) => history,
        Err(e) => return names_source(&e, SOURCE, Some(text), Error::is_history),
    };
    round_trip("history", &history, |json| {
        History::from_json("round trip", json)
    });
    let episode = &sample_episodes()[0];
    check_plan(
        || builtin().plan_with(episode, &history, &Calendar::default()),
        episode,
    );
    check_plan(|| builtin().plan_with(episode, &history, china()), episode);
}

/// A notice text, read with the built-in programs' vocabulary: read twice, equal; an
/// error names `fuzz.json`; notices that read round-trip through JSON and are planned for
/// three patients (the sample inpatient with their episode, a key customer, one with no
/// episode) on the default and the 2026 calendars, deterministically.
pub fn check_notice_text(text: &str) {
    let notices = match twice("notices", || builtin().read_notices(SOURCE, text)) {
        Ok(notices) => notices,
        Err(e) => return names_source(&e, SOURCE, Some(text), Error::is_notice),
    };
    let plain = twice("notices", || Notice::list_from_json(SOURCE, text));
    assert!(
        plain.as_ref() == Ok(&notices),
        "read_notices accepts what Notice::list_from_json refuses: {plain:?}"
    );
    round_trip("notices", &notices, |json| {
        builtin().read_notices("round trip", json)
    });
    let inpatient = &sample_episodes()[0];
    let key = Patient {
        id: "p-key".into(),
        tags: vec!["key_customer".into()],
        ..Patient::default()
    };
    let plain = Patient {
        id: "p-7".into(),
        ..Patient::default()
    };
    let patients: [(&Patient, &[Episode]); 3] = [
        (&inpatient.patient, std::slice::from_ref(inpatient)),
        (&key, &[]),
        (&plain, &[]),
    ];
    for (patient, episodes) in patients {
        for calendar in [&Calendar::default(), china()] {
            check_notice_plan(
                || builtin().plan_notices(patient, episodes, &notices, calendar),
                &notices,
            );
        }
    }
}

/// Plans notices twice: equal plans, as values and as JSON; the JSON reads back equal and
/// is `to_json`'s to the byte; every notice read is one task, one dropped entry or not
/// targeted at all. Notices that read cannot fail to plan on calendars without quiet
/// hours.
fn check_notice_plan(make: impl Fn() -> Result<Plan, Error>, notices: &[Notice]) {
    let plan = match (make(), make()) {
        (Ok(plan), Ok(again)) => {
            assert!(
                plan == again,
                "notice plan: not deterministic:\n{plan:?}\n{again:?}"
            );
            plan
        }
        (first, second) => panic!("notices that read do not plan:\n{first:?}\n{second:?}"),
    };
    for n in notices {
        let made = (plan.tasks.iter().filter(|t| t.step() == n.id).count())
            + (plan.dropped.iter().filter(|d| *d.step() == *n.id).count());
        assert!(made <= 1, "notice {} made {made} entries", n.id);
    }
    written_back(&plan);
}

/// Any text, tried as each kind of input in turn: the `structured` target.
pub fn check_any(text: &str) {
    check_episode_text(text);
    check_rule_text(text);
    check_calendar_text(text);
    check_history_text(text);
    check_notice_text(text);
}

/// Runs `make` twice and asserts both results are equal, as values and as their
/// `Debug` form (which is what an error shows).
fn twice<T: PartialEq + Debug>(
    what: &str,
    make: impl Fn() -> Result<T, Error>,
) -> Result<T, Error> {
    let first = make();
    let second = make();
    assert!(
        first == second,
        "{what}: not deterministic:\n{first:?}\n{second:?}"
    );
    first
}

/// Plans twice: equal plans, as values and as JSON; the JSON reads back equal; an error
/// names the episode.
fn check_plan(make: impl Fn() -> Result<Plan, Error>, episode: &Episode) {
    let (first, second) = (make(), make());
    let plan = match (first, second) {
        (Ok(plan), Ok(again)) => {
            assert!(
                plan == again,
                "plan: not deterministic:\n{plan:?}\n{again:?}"
            );
            let (json, again) = (to_json(&plan), to_json(&again));
            assert!(
                json == again,
                "plan: JSON not deterministic:\n{json}\n{again}"
            );
            plan
        }
        (Err(e), Err(again)) => {
            assert!(e == again, "plan: not deterministic:\n{e:?}\n{again:?}");
            let what = format!("episode {:?}", episode.id);
            let message = e.to_string();
            assert!(
                message.starts_with(&format!("{what}: ")),
                "a planning error does not name the episode ({what}): {message}"
            );
            return;
        }
        (first, second) => panic!("plan: not deterministic:\n{first:?}\n{second:?}"),
    };
    written_back(&plan);
}

/// The plan's JSON: `to_json`'s is serde's, to the byte, and reads back equal.
fn written_back(plan: &Plan) {
    let json = to_json(plan);
    match plan.to_json() {
        Ok(fast) => assert!(fast == json, "to_json differs from serde:\n{fast}\n{json}"),
        Err(e) => panic!("to_json fails where serde does not: {e}"),
    }
    match serde_json::from_str::<Plan>(&json) {
        Ok(back) => assert!(back == *plan, "the plan read back differs: {json}"),
        Err(e) => panic!("the plan's JSON does not read back: {e}\n{json}"),
    }
}

/// `value` written as JSON and read back by `read` is `value` again.
fn round_trip<T, E>(what: &str, value: &T, read: impl FnOnce(&str) -> Result<T, E>)
where
    T: Serialize + PartialEq,
    E: std::fmt::Display,
{
    let json = to_json(value);
    match read(&json) {
        Ok(back) => assert!(back == *value, "the {what} read back differs: {json}"),
        Err(e) => panic!("the {what}'s JSON does not read back: {e}\n{json}"),
    }
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_string(value) {
        Ok(json) => json,
        Err(e) => panic!("does not serialise: {e}"),
    }
}

/// An error about `text` read as `source`: its message starts with `source: `, it is of
/// the expected kind, its pointer is empty or a JSON pointer, and its line and column,
/// when given, lie inside the text (a merged calendar has no text: no line).
fn names_source(e: &Error, source: &str, text: Option<&str>, kind: fn(&Error) -> bool) {
    let message = e.to_string();
    assert!(
        message.starts_with(&format!("{source}: ")),
        "the error does not name its source ({source}): {message}"
    );
    assert!(kind(e), "an error of the wrong kind: {e:?}");
    let pointer = e.pointer();
    assert!(
        pointer.is_empty() || pointer.starts_with('/'),
        "not a JSON pointer: {pointer:?} in {message}"
    );
    if let Some((line, column)) = e.line_column() {
        let Some(text) = text else {
            panic!("a line and column in a text that has none: {message}");
        };
        let lines: Vec<&str> = text.split('\n').collect();
        assert!(
            line >= 1 && line <= lines.len(),
            "line {line} outside the text ({} lines): {message}",
            lines.len()
        );
        let width = lines[line - 1].len();
        assert!(
            column >= 1 && column <= width + 1,
            "column {column} outside line {line} ({width} bytes): {message}"
        );
    }
}

#[cfg(test)]
mod tests;
