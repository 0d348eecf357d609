//! Overriding a built-in program without copying it (issue 12): offsets, roles, texts of
//! named steps, steps switched off, steps added; located errors; the effective program.
//! Expected days are worked out by hand from docs/domain.md §1 and §2 and the override.

use crate::support::{assert_calendar, dropped, episode};
use followup::{calendar::Calendar, plan::Plan, rules::RuleSet};

const EXACT_DAYS: &str = include_str!("../examples/rule-overrides/plastic-exact-days.json");

fn rules_with(name: &str, text: &str) -> RuleSet {
    RuleSet::builder()
        .builtin()
        .source(name, text)
        .build()
        .expect("rules")
}

fn plan(rules: &RuleSet, json: &str) -> Plan {
    rules
        .plan(&episode(json), &Calendar::default())
        .expect("plan")
}

/// Surgery on Mon 2 Mar 2026 (outpatient, default calendar: open every day). The exact-day
/// table: D+1 3 Mar, D+3 5 Mar, D+6 8 Mar, D+15 17 Mar, D+30 1 Apr, D+60 1 May, D+90 31
/// May, D+180 29 Aug, D+365 2 Mar 2027 — where the built-in months give 2 Apr, 2 May,
/// 2 Jun, 2 Sep and 2 Mar 2027. The visits and their messages do not change.
#[test]
fn the_post_op_program_counted_in_exact_days() {
    let rules = rules_with("clinic/plastic-exact-days.json", EXACT_DAYS);
    let p = plan(
        &rules,
        r#"{"id": "s-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-1"}}"#,
    );
    assert_calendar(
        &p,
        &[
            "2026-03-03 day-1-call phone customer_service",
            "2026-03-03 dressing-change-reminder sms customer_service",
            "2026-03-04 dressing-change-reception in_person onsite_consultant",
            "2026-03-05 day-3-call phone customer_service",
            "2026-03-08 day-6-call phone customer_service",
            "2026-03-08 suture-removal-reminder sms customer_service",
            "2026-03-10 suture-removal-followup sms customer_service",
            "2026-03-17 day-15-call phone onsite_consultant",
            "2026-04-01 month-1-call phone customer_service",
            "2026-04-01 month-1-sms sms customer_service",
            "2026-05-01 month-2-call phone customer_service",
            "2026-05-31 month-3-call phone onsite_consultant",
            "2026-05-31 month-3-sms sms customer_service",
            "2026-08-29 further-needs-call phone onsite_consultant",
            "2026-08-29 month-6-call phone onsite_consultant",
            "2026-08-29 month-6-sms sms customer_service",
            "2027-03-02 month-12-sms sms customer_service",
        ],
    );
    // The built-in program alone keeps its calendar months.
    let builtin = RuleSet::builtin().unwrap();
    let month1 = |p: &Plan| {
        p.tasks
            .iter()
            .find(|t| t.step() == "month-1-call")
            .map(|t| t.due.to_string())
    };
    let base = plan(
        &builtin,
        r#"{"id": "s-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-1"}}"#,
    );
    assert_eq!(month1(&base).as_deref(), Some("2026-04-02"));
    assert_eq!(month1(&p).as_deref(), Some("2026-04-01"));
    // The effective program says where it came from, and is what the set serialises.
    let def = rules.definition("plastic-aftercare").unwrap();
    assert_eq!(def.source, "rules/plastic-aftercare.json");
    assert_eq!(def.overridden_by, ["clinic/plastic-exact-days.json"]);
    let step = def
        .program
        .steps
        .iter()
        .find(|s| s.id == "month-3-call")
        .unwrap();
    assert_eq!(step.offset.as_deref(), Some("P90D"));
    // Its fingerprint differs from the built-in set's.
    assert_ne!(rules.stamp().rules, builtin.stamp().rules);
}

#[test]
fn steps_change_role_and_text_switch_off_and_are_added() {
    let rules = rules_with(
        "clinic/laser.json",
        r#"{"format": "followup/v1", "override": "laser-aftercare",
            "steps": {
              "day-3-call": {"offset": "P2D", "role": "onsite_consultant",
                             "title": {"zh": "术后第二天回访", "en": "Day-2 call"}},
              "month-6-call": {"enabled": false},
              "month-3-further-needs": {"enabled": false},
              "further-needs-call": {"enabled": false}
            },
            "add_steps": [
              {"id": "week-2-call", "offset": "P14D", "title": {"zh": "术后两周回访", "en": "Week-2 call"}}
            ]}"#,
    );
    // Laser treatment on Mon 2 Mar 2026: D+1 3 Mar; the day-3 call now D+2, 4 Mar, by the
    // onsite consultant; D+6 8 Mar; the new week-2 call 16 Mar; M+1 2 Apr; M+3 2 Jun; no
    // month-6 or further-needs call.
    let p = plan(
        &rules,
        r#"{"id": "l-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "laser"}, "patient": {"id": "p-2"}}"#,
    );
    assert_calendar(
        &p,
        &[
            "2026-03-03 day-1-call phone customer_service",
            "2026-03-04 day-3-call phone onsite_consultant",
            "2026-03-08 day-6-call phone customer_service",
            "2026-03-16 week-2-call phone customer_service",
            "2026-04-02 month-1-call phone customer_service",
            "2026-06-02 month-3-call phone customer_service",
        ],
    );
    // The review visit's reminder and thanks: no visit given.
    assert_eq!(
        dropped(&p),
        [
            "laser-aftercare/review-reminder/l-1/0 missing_anchor review_visit -",
            "laser-aftercare/review-thanks-sms/l-1/0 missing_anchor review_visit -"
        ]
    );
    let day2 = p.tasks.iter().find(|t| t.step() == "day-3-call").unwrap();
    assert_eq!(day2.title().en(), "Day-2 call");
}

#[test]
fn overrides_apply_in_order_and_to_programs_of_earlier_files() {
    let dental = r#"{"format": "followup/v1", "id": "dental", "name": {"zh": "口腔", "en": "Dental"},
        "applies": {"event": "procedure", "category": "dental_clinic"},
        "vocabulary": {"attributes": {"category": ["dental_clinic"]}},
        "steps": [{"id": "day-1", "offset": "P1D", "title": {"zh": "第一天", "en": "Day 1"}}]}"#;
    let first =
        r#"{"format": "followup/v1", "override": "dental", "steps": {"day-1": {"offset": "P2D"}}}"#;
    let second = r#"[{"format": "followup/v1", "override": "dental",
        "defaults": {"time": "afternoon"}, "steps": {"day-1": {"offset": "P3D"}}}]"#;
    let rules = RuleSet::builder()
        .source("dental.json", dental)
        .source("a.json", first)
        .source("b.json", second)
        .build()
        .unwrap();
    let p = plan(
        &rules,
        r#"{"id": "d-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "dental_clinic"}, "patient": {"id": "p-3"}}"#,
    );
    let t = &p.tasks[0];
    assert_eq!(
        (t.due.to_string(), t.window.to_string()),
        ("2026-03-05".into(), "14:00-18:00".into())
    );
    assert_eq!(
        rules.definition("dental").unwrap().overridden_by,
        ["a.json", "b.json"]
    );
}

/// The error the built-in programs and `text`, as `clinic.json`, give.
fn refused(text: &str) -> String {
    RuleSet::builder()
        .builtin()
        .source("clinic.json", text)
        .build()
        .expect_err("refused")
        .to_string()
}

/// Every error names the override file, the pointer of the value at fault in it, and
/// what was expected.
#[test]
fn override_errors_are_located_in_the_override() {
    // A program an earlier override switched off is said to be so (audit 161: "no
    // program … added before").
    let err = RuleSet::builder()
        .builtin()
        .source(
            "off.json",
            r#"{"format": "followup/v1", "override": "laser-aftercare", "enabled": false}"#,
        )
        .source(
            "clinic.json",
            r#"{"format": "followup/v1", "override": "laser-aftercare", "steps": {}}"#,
        )
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "clinic.json: /override (line 1, column 39): program \"laser-aftercare\" was switched off by the override in off.json: expected an override of a program in effect (leave it on there to change it here)"
    );
    // A field missing from a part the override replaces says what was expected, as every
    // error does (audit 272: "missing field `horizon`", nothing more).
    assert_eq!(
        refused(
            r#"{"format": "followup/v1", "override": "laser-aftercare", "declined": {"stop_channels": ["phone"]}}"#
        ),
        "clinic.json: /declined (line 1, column 70): missing field \"horizon\": expected it in this object"
    );
    // A `null` that makes the base program's value conflict: at the part of the override
    // that gave it, with the program's pointer said (audit 161: the base's pointer, no line).
    assert_eq!(
        refused("{\"format\": \"followup/v1\", \"override\": \"laser-aftercare\",\n \"defaults\": {\"beyond_max_shift\": null}}"),
        "clinic.json: /defaults (line 2, column 14): a max_shift needs a declared fallback: expected \"beyond_max_shift\": \"drop\" or \"keep\" in the step or the defaults (at /defaults/max_shift of the program as overridden)"
    );
    assert_eq!(
        refused(r#"{"format": "followup/v1", "override": "laser-aftercar", "steps": {}}"#),
        "clinic.json: /override (line 1, column 39): no program \"laser-aftercar\" to override: expected the id of a program added before this text (complaint, first-visit, greetings, laser-aftercare, lead-ownership, new-assignment, plan-611, plastic-aftercare, presales, repair-aftersales, purchase-aftersales, quarterly-touch, session-aftercare, treatment-course); did you mean \"laser-aftercare\"?"
    );
    assert_eq!(
        refused(r#"{"format": "followup/v1", "override": "laser-aftercare",
  "steps": {"day-4-call": {"offset": "P4D"}}}"#),
        "clinic.json: /steps/day-4-call (line 2, column 27): no step \"day-4-call\" in program \"laser-aftercare\": expected one of day-1-call, day-3-call, day-6-call, month-1-call, month-3-call, month-3-further-needs, month-6-call, further-needs-call, review-reminder, review-thanks-sms; did you mean \"day-1-call\"?"
    );
    assert_eq!(
        refused(r#"{"format": "followup/v1", "override": "laser-aftercare",
  "steps": {"day-3-call": {"offset": "three days"}}}"#),
        "clinic.json: /steps/day-3-call/offset (line 2, column 38): invalid duration \"three days\": it must start with \"P\" (letters are upper case); expected an ISO 8601 duration in days, weeks, months or years such as \"P1D\", \"-P1D\", \"P2W\", \"P1M\" or \"P1Y2M3W4D\""
    );
    assert_eq!(
        refused(r#"{"format": "followup/v1", "override": "laser-aftercare",
  "steps": {"day-3-call": {"ofset": "P2D"}}}"#),
        "clinic.json: /steps/day-3-call/ofset (line 2, column 28): unknown field `ofset`, expected one of `id`, `from`, `offset`, `repeat`, `when`, `unless`, `sessions`, `stop_when`, `until`, `wait_for`, `sample`, `picked_by`, `class`, `channel`, `role`, `time`, `time_overrides`, `window`, `month_end`, `closed_day`, `max_shift`, `beyond_max_shift`, `after_event`, `no_answer`, `escalate_after`, `expires`, `title`, `script`; did you mean \"offset\"?"
    );
    assert_eq!(
        refused(r#"{"format": "followup/v1", "override": "laser-aftercare",
  "add_steps": [{"id": "week-2-call", "offset": "P14D", "from": "day-9-call", "title": {"zh": "两周", "en": "Week 2"}}]}"#),
        "clinic.json: /add_steps/0/from (line 2, column 65): unknown anchor \"day-9-call\": expected \"event\", a milestone (review_visit), a session anchor (each_session, before_each_upcoming_session, course_end, one_session_left), \"fact:KIND\", \"latest:KIND\" or the id of another step of this program (day-1-call, day-3-call, day-6-call, month-1-call, month-3-call, month-3-further-needs, month-6-call, further-needs-call, review-reminder, review-thanks-sms); did you mean \"day-1-call\"?"
    );
    // A step id the program has, or another added step has: named in the override's
    // terms (audit 80: "also /steps/0/id" pointed into the built-in file).
    assert_eq!(
        refused(r#"{"format": "followup/v1", "override": "laser-aftercare",
  "add_steps": [{"id": "day-1-call", "offset": "P2D", "title": {"zh": "二", "en": "Two"}}]}"#),
        "clinic.json: /add_steps/0/id (line 2, column 24): duplicate step id \"day-1-call\": the program has a step of that id (change that one under \"steps\"): expected another id for the new step"
    );
    assert_eq!(
        refused(r#"{"format": "followup/v1", "override": "laser-aftercare",
  "add_steps": [{"id": "week-2", "offset": "P14D", "title": {"zh": "二", "en": "Two"}},
                {"id": "week-2", "offset": "P15D", "title": {"zh": "二", "en": "Two"}}]}"#),
        "clinic.json: /add_steps/1/id (line 3, column 24): duplicate step id \"week-2\": /add_steps/0 adds it too: expected another id for the new step"
    );
    // Without its format: located at the override, as a program without one is (audit
    // 80: `/format` had no line and column).
    assert_eq!(
        refused(r#"{"override": "laser-aftercare", "steps": {}}"#),
        "clinic.json: (root) (line 1, column 1): missing field \"format\": expected it in this object (\"followup/v1\")"
    );
    assert_eq!(
        refused(r#"{"format": "followup/v1", "override": "laser-aftercare", "stepz": {}}"#),
        "clinic.json: /stepz (line 1, column 58): unknown field `stepz` in an override, expected one of $schema, format, override, enabled, name, description, applies, requires, milestones, defaults, declined, opt_outs, vocabulary, steps, add_steps; did you mean \"steps\"?"
    );
    assert_eq!(
        refused(r#"{"format": "followup/v1", "override": "laser-aftercare", "steps": {"day-3-call": {"id": "d3"}}}"#),
        "clinic.json: /steps/day-3-call/id (line 1, column 89): a step's id cannot be changed: expected the other fields only (switch the step off and add another to rename it)"
    );
    // `null` resets a field to its default; a title has none (audit 18: "missing field
    // `title`" at the step).
    assert_eq!(
        refused(r#"{"format": "followup/v1", "override": "laser-aftercare", "steps": {"day-3-call": {"title": null}}}"#),
        "clinic.json: /steps/day-3-call/title (line 1, column 92): title is null: a step's title has no default to reset to; expected a new title, or leave it out to keep the step's"
    );
    // A change beside "enabled": false would be lost, as beside a program switched off
    // (audit 18: the offset was silently dropped).
    assert_eq!(
        refused(r#"{"format": "followup/v1", "override": "laser-aftercare", "steps": {"day-3-call": {"offset": "P4D", "enabled": false}}}"#),
        "clinic.json: /steps/day-3-call/offset (line 1, column 93): \"offset\" beside \"enabled\": false: a step switched off has nothing to change; expected \"enabled\": false alone, or the changes without it"
    );
}

#[test]
fn switching_off_a_step_another_counts_from_names_both() {
    let e = RuleSet::builder()
        .builtin()
        .source(
            "clinic.json",
            r#"{"format": "followup/v1", "override": "complaint", "steps": {"promised-callback": {"enabled": false}}}"#,
        )
        .build()
        .expect_err("refused")
        .to_string();
    assert_eq!(
        e,
        "clinic.json: /steps/promised-callback (line 1, column 83): step \"until-resolved-callback\" counts from \"promised-callback\", which this override switches off: expected \"until-resolved-callback\" switched off too, or given another \"from\""
    );
}

/// A clinic with its own dental program switches the built-in per-session program off
/// (it would plan its own calls for dental treatments too).
#[test]
fn a_program_can_be_switched_off() {
    let dental = r#"{"format": "followup/v1", "id": "dental", "name": {"zh": "口腔", "en": "Dental"},
        "applies": {"event": "procedure", "category": "dental"},
        "steps": [{"id": "day-1", "offset": "P1D", "title": {"zh": "第一天", "en": "Day 1"}}]}"#;
    let off = r#"{"format": "followup/v1", "override": "session-aftercare", "enabled": false}"#;
    let ep = r#"{"id": "d-1", "event": "procedure", "at": "2026-03-02T10:00:00",
        "attributes": {"category": "dental"}, "patient": {"id": "p-3"}}"#;
    let both = RuleSet::builder()
        .builtin()
        .source("dental.json", dental)
        .build()
        .unwrap();
    assert_eq!(plan(&both, ep).programs.len(), 2);
    let rules = RuleSet::builder()
        .builtin()
        .source("off.json", off)
        .source("dental.json", dental)
        .build()
        .unwrap();
    let p = plan(&rules, ep);
    assert_eq!(
        p.programs.iter().map(|p| &**p).collect::<Vec<_>>(),
        ["dental"]
    );
    assert_eq!(p.tasks.len(), 1);
    assert!(rules.definition("session-aftercare").is_none());
    let err = RuleSet::builder()
        .builtin()
        .source(
            "off.json",
            r#"{"format": "followup/v1", "override": "session-aftercare", "enabled": false, "steps": {}}"#,
        )
        .build()
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "off.json: /steps (line 1, column 87): \"steps\" beside \"enabled\": false: a program switched off has nothing to change; expected only \"format\", \"override\" and \"enabled\""
    );
}

/// A clinic may set the complaint programme back to counting every opt-out (`"opt_outs":
/// "hold"`, or `null`, the default): a patient who opted out of calls in January gets no
/// call about her complaint of Tue 10 Mar 2026 — only the serious complaint's internal
/// review; the built-in programme calls her (rule-format.md, "Overriding a program").
#[test]
fn an_override_sets_which_opt_outs_stop_the_complaint_calls() {
    let ep = r#"{"id": "k-1", "event": "complaint", "at": "2026-03-10T10:00:00",
        "attributes": {"about": "swelling", "severity": "serious"}, "milestones": {"promised_callback": "2026-03-12"},
        "patient": {"id": "p-1", "opt_outs": [{"channel": "phone", "at": "2026-01-05T09:00:00"}]}}"#;
    let steps =
        |p: &Plan| -> Vec<String> { p.tasks.iter().map(|t| t.step().to_string()).collect() };
    let builtin = RuleSet::builtin().unwrap();
    assert_eq!(plan(&builtin, ep).tasks.len(), 13);
    for value in [r#""hold""#, "null"] {
        let o =
            format!(r#"{{"format": "followup/v1", "override": "complaint", "opt_outs": {value}}}"#);
        let p = plan(&rules_with("complaint-hold.json", &o), ep);
        assert_eq!(steps(&p), ["serious-review"], "{value}");
        assert!(dropped(&p)
            .iter()
            .any(|d| d.starts_with("complaint/first-call/k-1/0 opted_out phone")));
    }
}

/// `"opt_outs": "from_event"` sets aside an earlier opt-out for calls only: a message the
/// clinic adds to the complaint programme is stopped by an SMS opt-out of January, while
/// the calls go ahead (docs/domain.md §8: an SMS opt-out stops every message; audit 262).
#[test]
fn an_earlier_sms_opt_out_stops_a_complaints_messages() {
    let ep = r#"{"id": "k-1", "event": "complaint", "at": "2026-03-10T10:00:00",
        "attributes": {"about": "swelling"}, "milestones": {"promised_callback": "2026-03-12"},
        "patient": {"id": "p-1", "opt_outs": [{"channel": "phone", "at": "2026-01-05T09:00:00"},
                                              {"channel": "sms", "at": "2026-01-05T09:00:00"}]}}"#;
    let ack = r#"{"format": "followup/v1", "override": "complaint",
        "add_steps": [{"id": "ack-sms", "channel": "sms", "title": {"zh": "受理短信", "en": "Acknowledgement"}}]}"#;
    let p = plan(&rules_with("ack.json", ack), ep);
    assert_eq!(
        dropped(&p),
        ["complaint/ack-sms/k-1/0 opted_out sms 2026-03-10"]
    );
    assert!(p.tasks.iter().any(|t| t.step() == "first-call"));
}

/// An override file, as a program file, gives each key once: the last of two equal keys
/// does not silently win (`"override"` twice switched off the second program named).
#[test]
fn a_key_given_twice_in_an_override_is_refused_at_the_second() {
    assert_eq!(
        refused(r#"{"format": "followup/v1", "override": "laser-aftercare",
  "override": "complaint", "enabled": false}"#),
        "clinic.json: /override (line 2, column 3): \"override\" is given twice: expected each key once"
    );
    assert_eq!(
        refused(r#"{"format": "followup/v1", "override": "laser-aftercare", "steps": {
  "day-1-call": {"offset": "P2D"},
  "day-1-call": {"role": "onsite_consultant"}}}"#),
        "clinic.json: /steps/day-1-call (line 3, column 3): \"day-1-call\" is given twice: expected each key once"
    );
}

/// An override's vocabulary lists each event and fact once, as a program's does (audit
/// 168: merged silently); one the program lists already is merged.
#[test]
fn a_value_listed_twice_in_an_overrides_vocabulary_is_refused_at_the_second() {
    assert_eq!(
        refused(r#"{"format": "followup/v1", "override": "laser-aftercare",
  "vocabulary": {"events": ["purchase", "purchase"]}}"#),
        "clinic.json: /vocabulary/events/1 (line 2, column 41): \"purchase\" is listed twice: expected each event once"
    );
    assert_eq!(
        refused(r#"{"format": "followup/v1", "override": "laser-aftercare",
  "vocabulary": {"facts": ["referred", "moved", "referred"]}}"#),
        "clinic.json: /vocabulary/facts/2 (line 2, column 49): \"referred\" is listed twice: expected each fact once"
    );
    RuleSet::builder()
        .builtin()
        .source(
            "clinic.json",
            r#"[{"format": "followup/v1", "override": "laser-aftercare", "vocabulary": {"facts": ["referred"]}},
                {"format": "followup/v1", "override": "laser-aftercare", "vocabulary": {"facts": ["referred"]}}]"#,
        )
        .build()
        .unwrap();
}

/// The error of the built-in rules with `clinic.json` switching the laser program's
/// month-6 call off, then `branch.json` (`text`).
fn after_month_6_off(text: &str) -> String {
    RuleSet::builder()
        .builtin()
        .source(
            "clinic.json",
            r#"{"format": "followup/v1", "override": "laser-aftercare",
                "steps": {"month-6-call": {"enabled": false}}}"#,
        )
        .source("branch.json", text)
        .build()
        .expect_err("refused")
        .to_string()
}

/// Audit 44: a step an earlier override switched off, named by a later one, is said to be
/// switched off, and by which file (it was "no step … did you mean \"month-1-call\"?").
#[test]
fn a_step_switched_off_before_is_named_with_the_override_that_did_it() {
    let err = after_month_6_off(
        r#"{"format": "followup/v1", "override": "laser-aftercare",
  "steps": {"month-6-call": {"enabled": true}}}"#,
    );
    assert_eq!(
        err,
        "branch.json: /steps/month-6-call (line 2, column 29): step \"month-6-call\" of program \"laser-aftercare\" was switched off by the override in clinic.json: expected a step in effect (day-1-call, day-3-call, day-6-call, month-1-call, month-3-call, month-3-further-needs, further-needs-call, review-reminder, review-thanks-sms); to bring it back, leave it on there, or add it again with \"add_steps\""
    );
}

/// Audit 46: a step added by a later override, counted from a step an earlier one
/// switched off, is told so (it was "unknown anchor … did you mean \"month-1-call\"?":
/// following that would have moved a month-6 step to month 1).
#[test]
fn a_step_counted_from_a_switched_off_step_is_told_so() {
    let err = after_month_6_off(
        r#"{"format": "followup/v1", "override": "laser-aftercare", "add_steps": [
  {"id": "month-7-sms", "from": "month-6-call", "offset": "P1M", "channel": "sms", "title": {"zh": "七", "en": "7"}}]}"#,
    );
    assert_eq!(
        err,
        "branch.json: /add_steps/0/from (line 2, column 33): step \"month-6-call\" of program \"laser-aftercare\" was switched off by the override in clinic.json: expected a step in effect to count from; to count from it, leave it on there, or add it again with \"add_steps\""
    );
}
