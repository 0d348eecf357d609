//! The `Task` value: its JSON form (the `Task` of docs/design.md, one flat object), reading it
//! back, and what a task shares with the rule set and the episode instead of copying.

use crate::support::{builtin, dropped, episode, plan};
use followup::{
    calendar::Calendar,
    plan::{Plan, Task},
    rules::Text,
};

/// A laser treatment on Mon 2 Mar 2026 (docs/domain.md §2: calls on D+1, D+3, D+6…).
const LASER: &str = r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
    "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#;

fn day1(p: &Plan) -> &Task {
    p.tasks
        .iter()
        .find(|t| t.step() == "day-1-call")
        .expect("a day-1 call")
}

/// The keys of a task's JSON, in docs/design.md's order; the optional ones (`beyond_calendar`,
/// `picked_by`, `waits_for`, `status`) are absent when they do not apply.
#[test]
fn a_task_is_written_as_one_flat_object_in_the_design_order() {
    let p = plan(LASER);
    let json = serde_json::to_string(day1(&p)).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut in_text_order = keys.clone();
    in_text_order.sort_by_key(|k| json.find(&format!("\"{k}\":")).unwrap());
    assert_eq!(
        in_text_order,
        [
            "id",
            "program",
            "step",
            "occurrence",
            "episode",
            "patient",
            "channel",
            "role",
            "earliest",
            "due",
            "latest",
            "expires",
            "window",
            "nominal",
            "shifted",
            "title",
            "script"
        ]
    );
    assert_eq!(value["id"], "laser-aftercare/day-1-call/ep-1/0");
    assert_eq!(
        (&value["episode"], &value["patient"]),
        (&"ep-1".into(), &"p-1".into())
    );
    assert_eq!(value["shifted"], serde_json::Value::Null);
    // A call is worth making until 7 days after its last on-time day.
    assert_eq!(
        (&value["latest"], &value["expires"]),
        (&"2026-03-03".into(), &"2026-03-10".into())
    );
}

/// Reading a task back gives an equal task, whose id is derived from its fields as
/// the planned one's is.
#[test]
fn a_task_read_back_equals_the_planned_one() {
    let p = plan(LASER);
    for t in &p.tasks {
        let back: Task = serde_json::from_str(&serde_json::to_string(t).unwrap()).unwrap();
        assert_eq!(&back, t);
        assert_eq!(back.id(), t.id());
        assert_eq!(back.title().en(), t.title().en());
    }
}

/// The id is not free text: a task whose id does not match its program, step, episode
/// and occurrence is refused with both ids in the message.
#[test]
fn a_task_whose_id_does_not_match_its_fields_is_refused() {
    let p = plan(LASER);
    let mut value = serde_json::to_value(day1(&p)).unwrap();
    value["id"] = "laser-aftercare/day-1-call/ep-2/0".into();
    let err = serde_json::from_value::<Task>(value).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the task id \"laser-aftercare/day-1-call/ep-2/0\" does not match its program, step, \
         episode and occurrence: expected \"laser-aftercare/day-1-call/ep-1/0\""
    );
}

/// A plan read back holds the ids the engine writes, as its inputs are checked (audit 63
/// A3): a BEL in the episode id was exported as a space (two tasks, one iCalendar UID), a
/// NUL or an escape in the patient id, the owner or who recorded an outcome went raw
/// into the CSV. Each is refused, naming the task and what was expected; `patient:<id>`
/// (a patient-level plan's episode) is read.
#[test]
fn a_task_with_an_id_the_engine_never_writes_is_refused() {
    let p = plan(LASER);
    let base = serde_json::to_value(day1(&p)).unwrap();
    let with = |field: &str, v: serde_json::Value| {
        let mut value = base.clone();
        if field == "by" {
            value["record"] = serde_json::json!({"outcome": "done", "at": "2026-03-03T10:00:00", "closed": true, "by": v});
        } else {
            value[field] = v;
        }
        if field == "episode" {
            let e = value["episode"].as_str().unwrap().to_string();
            value["id"] = format!("laser-aftercare/day-1-call/{e}/0").into();
        }
        serde_json::from_value::<Task>(value)
    };
    let expected = "1 to 64 of A-Z, a-z, 0-9, '.', '_' and '-', not dots alone";
    for (field, bad, message) in [
        ("episode", "ep\u{7}x", format!("invalid episode id \"ep\\u{{7}}x\" of task \"laser-aftercare/day-1-call/ep\\u{{7}}x/0\": expected {expected}, or patient:<id>")),
        ("patient", "p\0\u{1b}", format!("invalid patient id \"p\\0\\u{{1b}}\" of task \"laser-aftercare/day-1-call/ep-1/0\": expected {expected}")),
        ("owner", "u-3\u{1b}", format!("invalid staff id \"u-3\\u{{1b}}\" of task \"laser-aftercare/day-1-call/ep-1/0\" (owner): expected {expected}")),
        ("by", "u 3\r\n", format!("invalid staff id \"u 3\\r\\n\" of task \"laser-aftercare/day-1-call/ep-1/0\" (record.by): expected {expected}")),
    ] {
        let err = with(field, bad.into()).unwrap_err();
        assert_eq!(err.to_string(), message, "{field}");
    }
    // A program or step id no rule can have (audit 66 A1: an escape went raw into the
    // CSV; a BEL beside a space gave two tasks one UID).
    let mut value = base.clone();
    value["program"] = "first\u{1b}visit".into();
    value["id"] = "first\u{1b}visit/day-1-call/ep-1/0".into();
    let err = serde_json::from_value::<Task>(value).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid program id \"first\\u{1b}visit\" of task \"first\\u{1b}visit/day-1-call/ep-1/0\": \
         expected 1 to 64 of a-z, 0-9, '-' and '_', starting with a letter or digit"
    );
    let mut value = base.clone();
    value["step"] = "Day-1-call".into();
    value["id"] = "laser-aftercare/Day-1-call/ep-1/0".into();
    let err = serde_json::from_value::<Task>(value).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid step id \"Day-1-call\""),
        "{err}"
    );
    // The ids the engine writes are read.
    assert!(with("episode", "patient:p-1".into()).is_ok());
    assert!(with("owner", "u-3".into()).is_ok());
    assert!(with("by", "u-3".into()).is_ok());
}

/// A plan holds one task per id: one read back with a task twice is refused, naming
/// both places (audit 63 B8: it was read, and `apply(a, diff(a, b))` then missed `b`).
#[test]
fn a_plan_with_a_task_twice_is_refused() {
    let p = plan(LASER);
    let mut value = serde_json::to_value(&p).unwrap();
    let tasks = value["tasks"].as_array_mut().unwrap();
    let n = tasks.len();
    let first = tasks[1].clone();
    tasks.push(first);
    let id = p.tasks[1].id().to_string();
    let err = serde_json::from_value::<followup::plan::Plan>(value).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("the task {id:?} is given twice (tasks/1 and tasks/{n}): expected each task once")
    );
    // The plan itself reads back.
    let back: followup::plan::Plan =
        serde_json::from_value(serde_json::to_value(&p).unwrap()).unwrap();
    assert_eq!(back.tasks.len(), n);
}

/// A plan holds one dropped occurrence per id too (audit 70 B6: one given twice was read).
#[test]
fn a_plan_with_a_dropped_occurrence_twice_is_refused() {
    let p = plan(include_str!("../examples/episodes/plastic-inpatient.json"));
    let mut value = serde_json::to_value(&p).unwrap();
    let list = value["dropped"].as_array_mut().unwrap();
    assert_eq!(
        list.len(),
        2,
        "the inpatient's review reminder and thank-you"
    );
    let first = list[0].clone();
    list.push(first);
    let err = serde_json::from_value::<followup::plan::Plan>(value).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the dropped occurrence \"plastic-aftercare/review-reminder/ep-1001/0\" is given twice \
         (dropped/0 and dropped/2): expected each dropped occurrence once"
    );
}

/// A plan holds each occurrence once, planned or dropped: one read back listed both
/// ways is refused (audit 81 B3: it was read).
#[test]
fn a_plan_with_an_occurrence_both_planned_and_dropped_is_refused() {
    let p = plan(include_str!("../examples/episodes/plastic-inpatient.json"));
    let mut value = serde_json::to_value(&p).unwrap();
    let first = value["dropped"][0].clone();
    let id = first["id"].as_str().unwrap().to_string();
    let mut task = value["tasks"][0].clone();
    for field in ["id", "program", "step", "occurrence"] {
        task[field] = first[field].clone();
    }
    value["tasks"].as_array_mut().unwrap().push(task);
    let err = serde_json::from_value::<followup::plan::Plan>(value).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("the occurrence {id:?} is both a task and dropped (dropped/0): expected it once, planned or dropped")
    );
}

/// A task read back holds texts the engine can write: none empty or blank, none longer
/// than a filled template can be (2,000 characters and 16 values of 200), as rules are
/// refused with them (audit 74: an empty title was read, and exported as an empty FHIR
/// string).
#[test]
fn a_task_with_an_empty_or_huge_text_is_refused() {
    let p = plan(LASER);
    for (text, message) in [
        (
            "".to_string(),
            "the text is empty: expected a non-empty text".to_string(),
        ),
        (
            "  ".to_string(),
            "the text is empty: expected a non-empty text".to_string(),
        ),
        (
            "长".repeat(5_201),
            "the \"zh\" text has more than 5200 characters: expected at most 2000 characters \
             and 16 placeholders of 200 each"
                .to_string(),
        ),
    ] {
        let mut value = serde_json::to_value(day1(&p)).unwrap();
        value["title"]["zh"] = text.into();
        let err = serde_json::from_value::<Task>(value).unwrap_err();
        assert_eq!(err.to_string(), message);
    }
    // The longest a filled text can be is read.
    let mut value = serde_json::to_value(day1(&p)).unwrap();
    value["title"]["zh"] = "长".repeat(5_200).into();
    assert!(serde_json::from_value::<Task>(value).is_ok());
}

/// A plan's days are read as every date is: `YYYY-MM-DD` exactly, an existing day (audit
/// 66 A2: chrono alone took `2026-3-3` and `+2026-03-03`).
#[test]
fn a_task_with_a_loose_date_is_refused() {
    let p = plan(LASER);
    for (bad, message) in [
        ("2026-3-3", "invalid date \"2026-3-3\": expected an existing day written \"YYYY-MM-DD\", such as \"2026-03-02\""),
        ("+2026-03-03", "invalid date \"+2026-03-03\": expected an existing day written \"YYYY-MM-DD\", such as \"2026-03-02\""),
    ] {
        let mut value = serde_json::to_value(day1(&p)).unwrap();
        value["due"] = bad.into();
        let err = serde_json::from_value::<Task>(value).unwrap_err();
        assert_eq!(err.to_string(), message);
    }
}

/// A dropped occurrence read back holds the ids the engine writes too: its id is its
/// program, step, an episode id and its occurrence (audit 66 B2: a NUL in it was read).
#[test]
fn a_dropped_occurrence_with_an_id_the_engine_never_writes_is_refused() {
    let d = serde_json::json!({"id": "care/day-1-call/ep-1/0", "program": "care",
        "step": "day-1-call", "occurrence": 0, "nominal": null, "reason": "missing_anchor"});
    assert!(serde_json::from_value::<followup::plan::Dropped>(d.clone()).is_ok());
    let mut bad = d.clone();
    bad["id"] = "care/day-1-call/ep\u{0}1/0".into();
    let err = serde_json::from_value::<followup::plan::Dropped>(bad).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the dropped occurrence id \"care/day-1-call/ep\\01/0\" does not match its program, step and occurrence: \
         expected care/day-1-call/<episode>/0 with an episode id of 1 to 64 of A-Z, a-z, 0-9, '.', '_' and '-', not dots alone"
    );
    // Its day is read as every date is (audit 67 A4).
    let mut loose = d.clone();
    loose["nominal"] = "2026-3-3".into();
    let err = serde_json::from_value::<followup::plan::Dropped>(loose).unwrap_err();
    assert!(
        err.to_string().starts_with("invalid date \"2026-3-3\""),
        "{err}"
    );
    let mut other = d.clone();
    other["id"] = "care/day-3-call/ep-1/0".into();
    assert!(serde_json::from_value::<followup::plan::Dropped>(other).is_err());
    let mut program = d;
    program["program"] = "care\u{7}".into();
    program["id"] = "care\u{7}/day-1-call/ep-1/0".into();
    let err = serde_json::from_value::<followup::plan::Dropped>(program).unwrap_err();
    assert!(err.to_string().starts_with("invalid program id"), "{err}");
}

/// Unknown keys are refused, as everywhere in the crate's JSON.
#[test]
fn a_task_with_an_unknown_key_is_refused() {
    let p = plan(LASER);
    let mut value = serde_json::to_value(day1(&p)).unwrap();
    value["colour"] = "red".into();
    let err = serde_json::from_value::<Task>(value).unwrap_err();
    assert!(
        err.to_string().starts_with("unknown field `colour`"),
        "{err}"
    );
}

/// Two tasks differing in one shown field are not equal, whether the field is shared
/// (the role, through the step) or the task's own (the due day).
#[test]
fn equality_sees_shared_and_own_fields() {
    let p = plan(LASER);
    let t = day1(&p);
    let mut value = serde_json::to_value(t).unwrap();
    value["role"] = "onsite_consultant".into();
    let other_role: Task = serde_json::from_value(value).unwrap();
    assert_ne!(&other_role, t);
    let mut later = t.clone();
    later.due = later.due.succ_opt().unwrap();
    assert_ne!(&later, t);
}

/// Titles and scripts are the rule set's, the episode and patient ids the episode's: a
/// plan copies none of them.
#[test]
fn tasks_share_texts_with_the_rules_and_ids_with_the_episode() {
    let rules = builtin();
    let ep = episode(LASER);
    let a = rules.plan(&ep, &Calendar::default()).unwrap();
    let b = rules.plan(&ep, &Calendar::default()).unwrap();
    let (ta, tb) = (day1(&a), day1(&b));
    assert!(Text::ptr_eq(&ta.title(), &tb.title()));
    assert!(Text::ptr_eq(&ta.script().unwrap(), &tb.script().unwrap()));
    assert!(std::ptr::eq(ta.episode(), &*ep.id));
    assert!(std::ptr::eq(ta.patient(), &*ep.patient.id));
    // Every task of the plan shares the same episode id.
    assert!(a.tasks.iter().all(|t| std::ptr::eq(t.episode(), &*ep.id)));
}

/// `plan_into` reuses a plan's vectors and gives what `plan` gives: every sample episode
/// on the China calendar (shifts, second passes, drops), into one plan, forwards and back.
#[test]
fn plan_into_a_reused_plan_equals_plan() {
    let rules = builtin();
    let china = Calendar::china_years(2025..=2026).unwrap();
    let episodes = crate::support::sample_episodes(&rules);
    let mut reused = Plan::default();
    let order = (0..episodes.len()).chain((0..episodes.len()).rev());
    for i in order {
        let (name, ep) = &episodes[i];
        rules.plan_into(ep, &china, &mut reused).unwrap();
        assert_eq!(reused, rules.plan(ep, &china).unwrap(), "{name}");
        assert_eq!(
            reused.to_json().unwrap(),
            rules.plan(ep, &china).unwrap().to_json().unwrap(),
            "{name}"
        );
    }
}

/// A repeat rule that gives fewer dates than its `COUNT` from the episode's day is not a
/// silent gap: `BYMONTHDAY=31` every 12 months from 2 April 2026 gives no date at all
/// (April has no 31st), so both occurrences are listed, `no_repeat_date`; from 2 January
/// the same rule gives 31 Jan 2026 and 31 Jan 2027, and nothing is dropped.
#[test]
fn a_repeat_with_fewer_dates_than_its_count_lists_the_missing_ones() {
    let rules = followup::rules::RuleSet::builder()
        .source(
            "r.json",
            r#"{"format": "followup/v1", "id": "r", "name": {"zh": "r", "en": "r"},
  "steps": [{"id": "yearly", "repeat": "FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=31;COUNT=2",
             "title": {"zh": "年", "en": "Yearly"}}]}"#,
        )
        .build()
        .unwrap();
    let plan = |at: &str| {
        let ep = crate::support::read(
            &rules,
            &format!(r#"{{"id": "e", "event": "x", "at": "{at}", "patient": {{"id": "p"}}}}"#),
        );
        rules.plan(&ep, &Calendar::default()).unwrap()
    };
    let april = plan("2026-04-02");
    assert!(april.tasks.is_empty());
    assert_eq!(
        dropped(&april),
        [
            "r/yearly/e/0 no_repeat_date - -",
            "r/yearly/e/1 no_repeat_date - -"
        ]
    );
    let january = plan("2026-01-02");
    let days: Vec<String> = january.tasks.iter().map(|t| t.due.to_string()).collect();
    assert_eq!(days, ["2026-01-31", "2027-01-31"]);
    assert!(january.dropped.is_empty());
}

/// Leap days (RFC 5545 expansion, Gregorian leap years: 2100 is not one). A rule of every
/// fourth 29 February gives dates from a leap year's start only: it compiles (it was
/// refused as giving "no date at all", checked from one common-year start), and from 1
/// Mar 2028 its date is 29 Feb 2032. A yearly 29 February twice from 1 Mar 2097 gives
/// 29 Feb 2104 (2,556 days on) and 29 Feb 2108 (4,017 days on, past max_offset_days,
/// 3,720): the second is a missing date, `no_repeat_date` (it was planned, past the
/// bound the limit promises).
#[test]
fn leap_day_repeats_are_checked_from_a_leap_year_and_bounded_from_any_start() {
    let plan = |rule: &str, at: &str| {
        let rules = followup::rules::RuleSet::builder()
            .source(
                "r.json",
                format!(
                    r#"{{"format": "followup/v1", "id": "r", "name": {{"zh": "r", "en": "r"}},
  "steps": [{{"id": "leap", "repeat": "{rule}", "title": {{"zh": "闰", "en": "Leap"}}}}]}}"#
                ),
            )
            .build()
            .unwrap();
        let ep = crate::support::read(
            &rules,
            &format!(
                r#"{{"id": "e", "event": "x", "at": "{at}T10:00:00", "patient": {{"id": "p"}}}}"#
            ),
        );
        rules.plan(&ep, &Calendar::default()).unwrap()
    };
    let every_fourth = plan(
        "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29;COUNT=1",
        "2028-03-01",
    );
    let days: Vec<String> = (every_fourth.tasks.iter())
        .map(|t| t.due.to_string())
        .collect();
    assert_eq!(days, ["2032-02-29"]);
    let across_2100 = plan("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=2", "2097-03-01");
    let days: Vec<String> = (across_2100.tasks.iter())
        .map(|t| t.due.to_string())
        .collect();
    assert_eq!(days, ["2104-02-29"]);
    assert_eq!(dropped(&across_2100), ["r/leap/e/1 no_repeat_date - -"]);
}
