//! Re-planning, merging a patient's programmes, worklists and compliance (the `replan`
//! module). Expected values are worked out by hand from the rule files and DOMAIN.md, in
//! the comments beside them.

use chrono::{Days, NaiveDate};
use followup::{
    apply, compliance, diff, merge, week, worklist, Calendar, Cap, Channel, Completion,
    ComplianceCounts, CompliancePeriod, ComplianceStatus, ContactPolicy, Dates, DropReason,
    Episode, MergedPlan, MoveReason, Plan, PlanDiff, PriorityClass, Role, RuleSet,
};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().unwrap())
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn episode(json: &str) -> Episode {
    Episode::from_json("test episode", json).unwrap()
}

/// A procedure of `category` for patient p-9 on `at`.
fn procedure(id: &str, category: &str, setting: &str, at: &str) -> Episode {
    episode(&format!(
        r#"{{"id": "{id}", "event": "procedure", "at": "{at}", "patient": {{"id": "p-9"}},
            "attributes": {{"category": "{category}", "setting": "{setting}"}}}}"#
    ))
}

fn plan(ep: &Episode) -> Plan {
    rules().plan(ep, &Calendar::default()).unwrap()
}

fn ids<'a>(tasks: impl IntoIterator<Item = &'a followup::Task>) -> Vec<String> {
    tasks.into_iter().map(|t| t.id()).collect()
}

// ---------------------------------------------------------------------------------------
// Diff.

#[test]
fn rescheduling_the_surgery_a_week_later_moves_every_task_and_keeps_ids() {
    let before = plan(&procedure("ep-1", "plastic", "outpatient", "2026-03-02"));
    let after = plan(&procedure("ep-1", "plastic", "outpatient", "2026-03-09"));
    let d = diff(&before, &after);
    assert!(d.create.is_empty() && d.cancel.is_empty() && d.update.is_empty() && d.keep.is_empty());
    // Every offset of the outpatient plan (D+n, the milestone defaults D+2 and D+7, M+n
    // from the 2nd to the 9th) moves by exactly seven days.
    assert_eq!(d.moved.len(), before.tasks.len());
    assert_eq!(d.moved.len(), 16);
    for m in &d.moved {
        assert_eq!(m.previous.id(), m.next.id());
        assert_eq!(m.days(), 7, "{}", m.next.id());
    }
    let moved: BTreeSet<String> = d.moved.iter().map(|m| m.next.id()).collect();
    assert_eq!(moved, ids(&before.tasks).into_iter().collect());
    let day1 = &d.moved[0];
    assert_eq!(day1.next.id(), "plastic-aftercare/day-1-call/ep-1/0");
    assert_eq!(
        (day1.previous.due, day1.next.due),
        (date("2026-03-03"), date("2026-03-10"))
    );
    assert_eq!(day1.changed(), ["due", "earliest", "latest", "nominal"]);
    assert_eq!(apply(&before, &d), after.tasks);
}

#[test]
fn a_discharge_date_given_creates_the_farewell_and_taking_it_back_cancels_it() {
    let without = procedure("ep-2", "plastic", "inpatient", "2026-03-02");
    let mut with = without.clone();
    with.milestones
        .insert("discharge".into(), Dates(vec![date("2026-03-05")]));
    let (a, b) = (plan(&without), plan(&with));
    let farewell = "plastic-aftercare/discharge-farewell/ep-2/0";
    // Without a discharge date the farewell is dropped (the milestone has no default).
    assert!(a
        .dropped
        .iter()
        .any(|x| x.id == farewell && x.reason == DropReason::MissingAnchor));

    let d = diff(&a, &b);
    assert_eq!(ids(&d.create), [farewell]);
    assert_eq!(d.create[0].due, date("2026-03-05"));
    assert!(d.cancel.is_empty() && d.moved.is_empty() && d.update.is_empty());
    assert_eq!(d.keep.len(), a.tasks.len());
    assert_eq!(apply(&a, &d), b.tasks);

    let back = diff(&b, &a);
    assert_eq!(back.cancel.len(), 1);
    assert_eq!(back.cancel[0].task.id(), farewell);
    assert_eq!(back.cancel[0].reason(), Some(DropReason::MissingAnchor));
    assert_eq!(
        back.cancel[0]
            .dropped
            .as_ref()
            .and_then(|x| x.detail.as_deref()),
        Some("discharge")
    );
    assert_eq!(apply(&b, &back), a.tasks);
}

#[test]
fn an_opt_out_of_calls_cancels_the_later_calls_with_the_reason() {
    let laser = procedure("ep-3", "laser", "outpatient", "2026-03-02");
    let mut opted = laser.clone();
    opted.facts = episode(
        r#"{"id": "x", "event": "x", "at": "2026-01-01", "patient": {"id": "x"},
            "facts": [{"kind": "opt_out", "channel": "phone", "at": "2026-03-04T09:00:00"}]}"#,
    )
    .facts;
    let d = diff(&plan(&laser), &plan(&opted));
    // The day-1 call (3 March) was before the opt-out; D+3, D+6, M+1, M+3, M+6 are after.
    assert_eq!(d.keep, ["laser-aftercare/day-1-call/ep-3/0"]);
    let cancelled: Vec<(&str, Option<DropReason>)> = d
        .cancel
        .iter()
        .map(|c| (c.task.step(), c.reason()))
        .collect();
    let opted_out = Some(DropReason::OptedOut);
    assert_eq!(
        cancelled,
        [
            ("day-3-call", opted_out),
            ("day-6-call", opted_out),
            ("month-1-call", opted_out),
            ("month-3-call", opted_out),
            ("month-6-call", opted_out),
        ]
    );
}

#[test]
fn a_plan_diff_reads_back_from_json() {
    let a = plan(&procedure("ep-4", "plastic", "inpatient", "2026-03-02"));
    let b = plan(&procedure("ep-4", "plastic", "outpatient", "2026-03-04"));
    let d = diff(&a, &b);
    assert!(!d.create.is_empty() && !d.cancel.is_empty() && !d.moved.is_empty());
    let text = serde_json::to_string(&d).unwrap();
    assert_eq!(serde_json::from_str::<PlanDiff>(&text).unwrap(), d);
}

// ---------------------------------------------------------------------------------------
// Merge.

/// One line per contact: `date channel role: step@episode, …`, a moved reason followed
/// by `<- from` and `(late)` when after its latest day.
fn contact_lines(m: &MergedPlan) -> Vec<String> {
    m.contacts
        .iter()
        .map(|c| {
            let reasons: Vec<String> = c
                .reasons
                .iter()
                .map(|r| {
                    let mut s = format!("{}@{}", r.task.step(), r.task.episode());
                    if let Some(mv) = r.moved {
                        assert_eq!(mv.reason, MoveReason::FrequencyCap);
                        s.push_str(&format!(" <- {}", mv.from));
                        if mv.after_latest {
                            s.push_str(" (late)");
                        }
                    }
                    s
                })
                .collect();
            format!(
                "{} {} {}: {}",
                c.date,
                json(&c.channel),
                json(&c.role),
                reasons.join(", ")
            )
        })
        .collect()
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_plastic_procedure_and_a_laser_treatment_the_same_day_share_their_calls() {
    let plastic = plan(&procedure("ep-a", "plastic", "outpatient", "2026-03-02"));
    let laser = plan(&procedure("ep-b", "laser", "outpatient", "2026-03-02"));
    let merged = merge(&[plastic.clone(), laser.clone()], &ContactPolicy::default());
    // Calls on the same day become one call; laser first on equal priority (aftercare,
    // customer service, same day: program id). On M+3 and M+6 the onsite consultant's
    // call leads (role order). Messages on 3, 8 and 10 March fit the 2-in-7-days cap:
    // 3..9 March holds two, 4..10 March two. The dressing-change visit stays alone.
    let expected = [
        "2026-03-03 phone customer_service: day-1-call@ep-b, day-1-call@ep-a",
        "2026-03-03 sms customer_service: dressing-change-reminder@ep-a",
        "2026-03-04 in_person onsite_consultant: dressing-change-reception@ep-a",
        "2026-03-05 phone customer_service: day-3-call@ep-b, day-3-call@ep-a",
        "2026-03-08 phone customer_service: day-6-call@ep-b, day-6-call@ep-a",
        "2026-03-08 sms customer_service: suture-removal-reminder@ep-a",
        "2026-03-10 sms customer_service: suture-removal-followup@ep-a",
        "2026-03-17 phone onsite_consultant: day-15-call@ep-a",
        "2026-04-02 phone customer_service: month-1-call@ep-b, month-1-call@ep-a",
        "2026-04-02 sms customer_service: month-1-sms@ep-a",
        "2026-05-02 phone customer_service: month-2-call@ep-a",
        "2026-06-02 phone onsite_consultant: month-3-call@ep-a, month-3-call@ep-b",
        "2026-06-02 sms customer_service: month-3-sms@ep-a",
        "2026-09-02 phone onsite_consultant: month-6-call@ep-a, month-6-call@ep-b",
        "2026-09-02 sms customer_service: month-6-sms@ep-a",
        "2027-03-02 sms customer_service: month-12-sms@ep-a",
    ];
    assert_eq!(contact_lines(&merged), expected);
    let day1 = &merged.contacts[0];
    assert_eq!(day1.reasons.len(), 2);
    assert!(day1
        .reasons
        .iter()
        .all(|r| r.class == PriorityClass::Aftercare && r.moved.is_none()));
    // The review-visit thanks has no date: dropped, and passed through.
    assert_eq!(merged.dropped.len(), 1);
    assert_eq!(
        merged.dropped[0].id,
        "plastic-aftercare/review-thanks-sms/ep-a/0"
    );
    // The same plan given twice changes nothing.
    assert_eq!(
        merge(
            &[plastic.clone(), laser, plastic],
            &ContactPolicy::default()
        ),
        merged
    );
}

#[test]
fn three_messages_in_a_week_with_a_cap_of_two_move_the_least_urgent_one_day() {
    // Inpatient: messages on D+2 (reassurance, aftercare), D+6 (suture-removal reminder,
    // reminder) and D+8 (confirmation after the suture removal, aftercare): 4, 8 and 10
    // March, all inside 4..10 March. Placed by priority: the reminder (8th), then the
    // earlier aftercare message (4th); the 10th breaks the cap (4..10 holds 4th and 8th).
    // 11 March: the windows 5..11 through 11..17 hold only the 8th: it fits.
    let merged = merge(
        &[plan(&procedure(
            "ep-5",
            "plastic",
            "inpatient",
            "2026-03-02",
        ))],
        &ContactPolicy::default(),
    );
    let sms: Vec<String> = contact_lines(&merged)
        .into_iter()
        .filter(|l| l.contains(" sms ") && l.starts_with("2026-03"))
        .collect();
    assert_eq!(
        sms,
        [
            "2026-03-04 sms customer_service: day-2-reassurance-sms@ep-5",
            "2026-03-08 sms customer_service: suture-removal-reminder@ep-5",
            "2026-03-11 sms customer_service: suture-removal-followup@ep-5 <- 2026-03-10 (late)",
        ]
    );
    let moved = merged
        .contacts
        .iter()
        .find(|c| c.date == date("2026-03-11"))
        .unwrap();
    assert_eq!(moved.moved_from(), Some(date("2026-03-10")));
    assert_eq!(moved.reasons[0].task.due, date("2026-03-10")); // the task keeps its day
                                                               // Without caps nothing moves.
    let free = ContactPolicy {
        caps: Vec::new(),
        ..ContactPolicy::default()
    };
    let merged = merge(
        &[plan(&procedure(
            "ep-5",
            "plastic",
            "inpatient",
            "2026-03-02",
        ))],
        &free,
    );
    assert!(merged.contacts.iter().all(|c| c.moved_from().is_none()));
}

const THREE_MESSAGES: &str = r#"{
  "format": "followup/v1", "id": "msgs", "name": {"zh": "短信", "en": "Messages"},
  "applies": {"event": "test"},
  "defaults": {"channel": "sms", "role": "customer_service"},
  "steps": [
    {"id": "first-news", "offset": "P1D", "title": {"zh": "一", "en": "One"}},
    {"id": "second", "offset": "P3D", "title": {"zh": "二", "en": "Two"}},
    {"id": "third", "offset": "P5D", "title": {"zh": "三", "en": "Three"}}
  ]
}"#;

fn three_messages() -> Plan {
    let rules = RuleSet::builder()
        .source("msgs.json", THREE_MESSAGES)
        .build()
        .unwrap();
    let ep = episode(r#"{"id": "e", "event": "test", "at": "2026-03-02", "patient": {"id": "p"}}"#);
    rules.plan(&ep, &Calendar::default()).unwrap()
}

#[test]
fn on_equal_priority_the_latest_message_moves_to_the_first_day_the_cap_allows() {
    // 3, 5 and 7 March, cap 2 in 7 days. Same class and role: the earlier days keep
    // theirs. 7th: 1..7 holds 3rd and 5th. 8th: 2..8 holds both. 9th: 3..9 holds both.
    // 10th: windows 4..10 to 10..16 hold only the 5th: it fits.
    let merged = merge(&[three_messages()], &ContactPolicy::default());
    assert_eq!(
        contact_lines(&merged),
        [
            "2026-03-03 sms customer_service: first-news@e",
            "2026-03-05 sms customer_service: second@e",
            "2026-03-10 sms customer_service: third@e <- 2026-03-07 (late)",
        ]
    );
}

#[test]
fn a_lower_priority_message_moves_and_joins_a_later_message_rather_than_add_one() {
    // The first message is made a greeting: the 5th and 7th are placed first. The 3rd
    // cannot stay (3..9 would hold three) nor go to the 4th (4..10 too); the 5th already
    // has a message: it joins it, one message with two reasons.
    let mut policy = ContactPolicy::default();
    policy
        .priority
        .classes
        .insert("msgs/first-*".into(), PriorityClass::Greeting);
    let merged = merge(&[three_messages()], &policy);
    assert_eq!(
        contact_lines(&merged),
        [
            "2026-03-05 sms customer_service: second@e, first-news@e <- 2026-03-03 (late)",
            "2026-03-07 sms customer_service: third@e",
        ]
    );
    assert_eq!(merged.contacts[0].reasons[1].class, PriorityClass::Greeting);
}

#[test]
fn a_cap_of_one_call_in_any_three_days_spaces_the_calls() {
    // Laser calls on D+1, D+3, D+6: 3, 5 and 8 March. One call in any 3 days: the 3rd
    // stays; the 5th cannot (3..5 holds the 3rd), the 6th can (4..6, 5..7 and 6..8 are
    // empty); the 8th cannot (6..8 holds the 6th), the 9th can (7..9 to 9..11 are empty).
    let policy = ContactPolicy {
        caps: vec![Cap::new(Channel::Phone, 1, 3).unwrap()],
        ..ContactPolicy::default()
    };
    let merged = merge(
        &[plan(&procedure(
            "ep-6",
            "laser",
            "outpatient",
            "2026-03-02",
        ))],
        &policy,
    );
    let march: Vec<String> = contact_lines(&merged)
        .into_iter()
        .filter(|l| l.starts_with("2026-03"))
        .collect();
    assert_eq!(
        march,
        [
            "2026-03-03 phone customer_service: day-1-call@ep-6",
            "2026-03-06 phone customer_service: day-3-call@ep-6 <- 2026-03-05 (late)",
            "2026-03-09 phone customer_service: day-6-call@ep-6 <- 2026-03-08 (late)",
        ]
    );
}

#[test]
fn a_contact_policy_reads_from_json_with_defaults_for_what_is_left_out() {
    let p: ContactPolicy = serde_json::from_str(r#"{"caps": []}"#).unwrap();
    assert!(p.caps.is_empty());
    assert_eq!(p.priority, ContactPolicy::default().priority);
    let err = serde_json::from_str::<ContactPolicy>(
        r#"{"caps": [{"channel": "sms", "max": 0, "per_days": 7}]}"#,
    );
    assert!(err.is_err(), "a cap of 0 is rejected");
    let d = ContactPolicy::default();
    assert_eq!(
        d.caps,
        [
            Cap::new(Channel::Phone, 1, 1).unwrap(),
            Cap::new(Channel::Sms, 2, 7).unwrap()
        ]
    );
    let text = serde_json::to_string(&d).unwrap();
    assert_eq!(serde_json::from_str::<ContactPolicy>(&text).unwrap(), d);
}

// ---------------------------------------------------------------------------------------
// Worklists.

#[test]
fn the_worklist_lists_overdue_tasks_first_oldest_first_then_the_days_tasks() {
    let plans = [
        plan(&procedure("ep-a", "plastic", "outpatient", "2026-03-02")),
        plan(&procedure("ep-b", "laser", "outpatient", "2026-03-02")),
    ];
    let tasks = || plans.iter().flat_map(|p| &p.tasks);
    let done = BTreeSet::from(["laser-aftercare/day-1-call/ep-b/0".to_string()]);
    let day = date("2026-03-05");
    // Customer service on 5 March: the 3 March call and dressing-change reminder of ep-a
    // were not done (the laser day-1 call was); then the two day-3 calls.
    let items = worklist(tasks(), day, Some(Role::CustomerService), &done);
    let item_ids: Vec<String> = items.iter().map(|i| i.task.id()).collect();
    let got: Vec<(&str, u32, bool)> = (items.iter().zip(&item_ids))
        .map(|(i, id)| (id.as_str(), i.days_overdue, i.late))
        .collect();
    assert_eq!(
        got,
        [
            ("plastic-aftercare/day-1-call/ep-a/0", 2, true),
            ("plastic-aftercare/dressing-change-reminder/ep-a/0", 2, true),
            ("laser-aftercare/day-3-call/ep-b/0", 0, false),
            ("plastic-aftercare/day-3-call/ep-a/0", 0, false),
        ]
    );
    // Every role: the onsite consultant's dressing-change reception of 4 March too.
    let all = worklist(tasks(), day, None, &done);
    assert_eq!(all.len(), 5);
    assert_eq!(
        all[2].task.id(),
        "plastic-aftercare/dressing-change-reception/ep-a/0"
    );
    assert_eq!(all[2].days_overdue, 1);
    // The onsite consultant alone.
    let onsite = worklist(tasks(), day, Some(Role::OnsiteConsultant), &done);
    assert_eq!(
        ids(onsite.iter().map(|i| &i.task)),
        ["plastic-aftercare/dressing-change-reception/ep-a/0"]
    );
}

#[test]
fn the_week_view_has_seven_days_and_overdue_tasks_on_the_first() {
    let p = plan(&procedure("ep-a", "plastic", "outpatient", "2026-03-02"));
    let days = week(
        &p.tasks,
        date("2026-03-04"),
        Some(Role::CustomerService),
        &BTreeSet::new(),
    );
    let got: Vec<(String, Vec<&str>)> = days
        .iter()
        .map(|d| {
            (
                d.date.to_string(),
                d.items.iter().map(|i| i.task.step()).collect(),
            )
        })
        .collect();
    let day = |d: &str, steps: &[&'static str]| (d.to_string(), steps.to_vec());
    assert_eq!(
        got,
        [
            day("2026-03-04", &["day-1-call", "dressing-change-reminder"]), // both overdue
            day("2026-03-05", &["day-3-call"]),
            day("2026-03-06", &[]),
            day("2026-03-07", &[]),
            day("2026-03-08", &["day-6-call", "suture-removal-reminder"]),
            day("2026-03-09", &[]),
            day("2026-03-10", &["suture-removal-followup"]),
        ]
    );
}

#[test]
fn a_task_waiting_for_a_fact_is_not_on_the_worklist() {
    let rules = RuleSet::builder()
        .source(
            "wait.json",
            r#"{"format": "followup/v1", "id": "w", "name": {"zh": "w", "en": "w"},
                "steps": [{"id": "upsell", "offset": "P1D", "wait_for": "recovered",
                           "title": {"zh": "w", "en": "w"}}]}"#,
        )
        .build()
        .unwrap();
    let ep = episode(r#"{"id": "e", "event": "x", "at": "2026-03-02", "patient": {"id": "p"}}"#);
    let p = rules.plan(&ep, &Calendar::default()).unwrap();
    assert!(p.tasks[0].waits_for().is_some());
    assert!(worklist(&p.tasks, date("2026-03-03"), None, &BTreeSet::new()).is_empty());
}

// ---------------------------------------------------------------------------------------
// Compliance.

fn done(task: &str, at: &str, by: &str, outcome: &str) -> Completion {
    Completion {
        task_id: task.into(),
        done_at: at.parse().unwrap(),
        by: by.into(),
        outcome: outcome.into(),
    }
}

#[test]
fn compliance_counts_on_hand_checked_records() {
    // p-9: plastic outpatient (ep-a) and laser (ep-b) on 2 March; p-10: laser (ep-c) on
    // 19 March. Every window is the due day alone (P0D).
    let mut ep_c = procedure("ep-c", "laser", "outpatient", "2026-03-19");
    ep_c.patient.id = "p-10".into();
    let plans = [
        plan(&procedure("ep-a", "plastic", "outpatient", "2026-03-02")),
        plan(&procedure("ep-b", "laser", "outpatient", "2026-03-02")),
        plan(&ep_c),
    ];
    let a = |step: &str| format!("plastic-aftercare/{step}/ep-a/0");
    let b = |step: &str| format!("laser-aftercare/{step}/ep-b/0");
    let completions = [
        done(&a("day-1-call"), "2026-03-03T10:00:00", "wang", "reached"), // 3 Mar: on time
        done(
            &a("dressing-change-reminder"),
            "2026-03-02T20:00:00",
            "wang",
            "sent",
        ), // due 3rd: early
        done(
            &a("dressing-change-reception"),
            "2026-03-04T11:00:00",
            "zhao",
            "received",
        ), // on time
        done(&a("day-3-call"), "2026-03-06T09:00:00", "li", "reached"),   // due 5th: late
        done(&a("day-6-call"), "2026-03-09T15:00:00", "wang", "reached"), // second try...
        done(&a("day-6-call"), "2026-03-08T10:00:00", "li", "no_answer"), // ...the first counts: on time, li
        // suture-removal-reminder (8th): none: missed
        done(
            &a("suture-removal-followup"),
            "2026-03-12T10:00:00",
            "wang",
            "sent",
        ), // due 10th: late
        // day-15-call (17th, onsite consultant): none: missed
        done(&b("day-1-call"), "2026-03-03T16:00:00", "li", "reached"), // on time
        // laser day-3-call (5th): none: missed
        done(&b("day-6-call"), "2026-03-08T17:59:00", "wang", "reached"), // on time
        done(&b("month-1-call"), "2026-03-30T10:00:00", "wang", "reached"), // due 2 Apr: not March
        done(&b("day-2-call"), "2026-03-04T10:00:00", "wang", "reached"), // no such task
    ];
    // ep-c's calls on 20, 22 and 25 March are not done; as of the 20th the first is still
    // on time (its latest day is the 20th itself): all three pending.
    let period = CompliancePeriod {
        from: date("2026-03-01"),
        to: date("2026-03-31"),
        as_of: date("2026-03-20"),
    };
    let report = compliance(plans.iter().flat_map(|p| &p.tasks), &completions, &period);

    let counts = |on_time, early, late, missed, pending| ComplianceCounts {
        on_time,
        early,
        late,
        missed,
        pending,
    };
    // 14 tasks due in March: 8 of ep-a, 3 of ep-b, 3 of ep-c.
    assert_eq!(report.tasks.len(), 14);
    assert_eq!(report.total, counts(5, 1, 2, 3, 3));
    // Judged: 11. On time 5/11 = 454.5 ‰ → 455; done 8/11 = 727.3 → 727; missed 3/11 = 272.7 → 273.
    assert_eq!(report.total.on_time_per_mille(), Some(455));
    assert_eq!(report.total.done_per_mille(), Some(727));
    assert_eq!(report.total.missed_per_mille(), Some(273));

    // The onsite consultant has the reception (on time) and the day-15 call (missed).
    let by_role: Vec<(Role, ComplianceCounts)> = report.by_role.clone().into_iter().collect();
    assert_eq!(
        by_role,
        [
            (Role::CustomerService, counts(4, 1, 2, 2, 3)),
            (Role::OnsiteConsultant, counts(1, 0, 0, 1, 0)),
        ]
    );
    let by_person: Vec<(&str, ComplianceCounts)> = report
        .by_person
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        by_person,
        [
            ("li", counts(2, 0, 1, 0, 0)), // ep-a day 6, ep-b day 1; ep-a day 3 late
            ("wang", counts(2, 1, 1, 0, 0)), // ep-a day 1, ep-b day 6; reminder early; follow-up late
            ("zhao", counts(1, 0, 0, 0, 0)),
        ]
    );
    assert_eq!(report.by_person["li"].on_time_per_mille(), Some(667)); // 2/3

    let day6 = report
        .tasks
        .iter()
        .find(|t| t.task.id() == a("day-6-call"))
        .unwrap();
    assert_eq!(day6.status, ComplianceStatus::OnTime);
    assert_eq!(day6.completion.as_ref().map(|c| c.by.as_str()), Some("li"));
    let status = |id: &str| {
        report
            .tasks
            .iter()
            .find(|t| t.task.id() == id)
            .map(|t| t.status)
    };
    assert_eq!(
        status(&a("suture-removal-reminder")),
        Some(ComplianceStatus::Missed)
    );
    assert_eq!(
        status("laser-aftercare/day-1-call/ep-c/0"),
        Some(ComplianceStatus::Pending)
    );

    assert_eq!(
        report.unknown,
        [done(
            &b("day-2-call"),
            "2026-03-04T10:00:00",
            "wang",
            "reached"
        )]
    );

    let text = serde_json::to_string(&report).unwrap();
    assert_eq!(
        serde_json::from_str::<followup::ComplianceReport>(&text).unwrap(),
        report
    );
}

#[test]
fn a_task_with_a_window_is_on_time_until_its_latest_day_and_missed_only_after() {
    // The 611 plan's day-45 call is "around D+45" (± 3 days): due 16 Apr for a consultation
    // on 2 Mar, on time from 13 to 19 Apr.
    let ep = episode(
        r#"{"id": "c1", "event": "consultation", "at": "2026-03-02", "patient": {"id": "p"},
            "attributes": {"outcome": "not_booked"}}"#,
    );
    let p = plan(&ep);
    let call = p.tasks.iter().find(|t| t.step() == "day-45-call").unwrap();
    assert_eq!(
        (call.earliest, call.due, call.latest),
        (date("2026-04-13"), date("2026-04-16"), date("2026-04-19"))
    );
    let april = |as_of: &str| CompliancePeriod {
        from: date("2026-04-16"),
        to: date("2026-04-16"),
        as_of: date(as_of),
    };
    let status = |completions: &[Completion], as_of: &str| {
        let report = compliance(&p.tasks, completions, &april(as_of));
        report
            .tasks
            .iter()
            .find(|t| t.task.id() == call.id())
            .map(|t| t.status)
    };
    let at = |when: &str| [done(&call.id(), when, "chen", "reached")];
    assert_eq!(
        status(&at("2026-04-12T10:00:00"), "2026-04-30"),
        Some(ComplianceStatus::Early)
    );
    assert_eq!(
        status(&at("2026-04-13T10:00:00"), "2026-04-30"),
        Some(ComplianceStatus::OnTime)
    );
    assert_eq!(
        status(&at("2026-04-19T17:00:00"), "2026-04-30"),
        Some(ComplianceStatus::OnTime)
    );
    assert_eq!(
        status(&at("2026-04-20T09:00:00"), "2026-04-30"),
        Some(ComplianceStatus::Late)
    );
    assert_eq!(status(&[], "2026-04-19"), Some(ComplianceStatus::Pending));
    assert_eq!(status(&[], "2026-04-20"), Some(ComplianceStatus::Missed));
}

// ---------------------------------------------------------------------------------------
// Properties.

fn plus(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_add_days(Days::new(days)).unwrap()
}

/// Episodes of id `ep` and patient `p`: plastic or laser, inpatient or outpatient, on a
/// day in 2026, with or without discharge, suture removal and review visits, sometimes an
/// opt-out.
fn arb_episode() -> impl Strategy<Value = Episode> {
    (
        0u64..365,
        prop::sample::select(vec!["plastic", "laser"]),
        prop::sample::select(vec!["inpatient", "outpatient"]),
        prop::option::of(0u64..10),
        prop::option::of(3u64..15),
        prop::collection::vec(10u64..200, 0..3),
        prop::option::of((prop::sample::select(vec!["phone", "sms"]), 0u64..120)),
    )
        .prop_map(
            |(day, category, setting, discharge, sutures, reviews, opt_out)| {
                let at = plus(date("2026-01-01"), day);
                let mut ep = procedure("ep", category, setting, &at.to_string());
                if let Some(n) = discharge {
                    ep.milestones
                        .insert("discharge".into(), Dates(vec![plus(at, n)]));
                }
                if let Some(n) = sutures {
                    ep.milestones
                        .insert("suture_removal".into(), Dates(vec![plus(at, n)]));
                }
                if !reviews.is_empty() {
                    let dates = reviews.into_iter().map(|n| plus(at, n)).collect();
                    ep.milestones.insert("review_visit".into(), Dates(dates));
                }
                if let Some((channel, n)) = opt_out {
                    let facts = format!(
                        r#"{{"id": "x", "event": "x", "at": "2026-01-01", "patient": {{"id": "x"}},
                        "facts": [{{"kind": "opt_out", "channel": "{channel}", "at": "{}"}}]}}"#,
                        plus(at, n)
                    );
                    ep.facts = episode(&facts).facts;
                }
                ep
            },
        )
}

fn arb_policy() -> impl Strategy<Value = ContactPolicy> {
    let cap = (
        prop::sample::select(vec![Channel::Phone, Channel::Sms, Channel::InPerson]),
        1u32..4,
        1u32..15,
    )
        .prop_map(|(c, max, days)| Cap::new(c, max, days).unwrap());
    prop::collection::vec(cap, 0..4).prop_map(|caps| ContactPolicy {
        caps,
        ..ContactPolicy::default()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn prop_diff_of_a_plan_with_itself_is_all_keep(ep in arb_episode()) {
        let p = plan(&ep);
        let d = diff(&p, &p);
        prop_assert!(d.is_unchanged());
        prop_assert_eq!(d.keep, ids(&p.tasks));
    }

    #[test]
    fn prop_applying_the_diff_of_two_plans_to_the_first_gives_the_second(
        a in arb_episode(), b in arb_episode()
    ) {
        let (a, b) = (plan(&a), plan(&b));
        let d = diff(&a, &b);
        prop_assert_eq!(apply(&a, &d), b.tasks.clone());
        // Every task of either plan is in exactly one list.
        let listed = d.create.len() + d.moved.len() + d.update.len() + d.keep.len();
        prop_assert_eq!(listed, b.tasks.len());
        prop_assert_eq!(d.cancel.len() + d.moved.len() + d.update.len() + d.keep.len(), a.tasks.len());
    }

    #[test]
    fn prop_merge_puts_every_task_in_one_contact_within_the_caps(
        eps in prop::collection::vec(arb_episode(), 1..4), policy in arb_policy()
    ) {
        let plans: Vec<Plan> = eps
            .into_iter()
            .enumerate()
            .map(|(i, mut ep)| { ep.id = format!("ep-{i}").into(); plan(&ep) })
            .collect();
        let merged = merge(&plans, &policy);
        let mut given: Vec<String> = plans.iter().flat_map(|p| ids(&p.tasks)).collect();
        let mut got: Vec<String> = merged.contacts.iter().flat_map(|c| c.reasons.iter().map(|r| r.task.id())).collect();
        given.sort_unstable();
        got.sort_unstable();
        prop_assert_eq!(given, got);

        let visit = |c: Channel| matches!(c, Channel::InPerson | Channel::HomeVisit | Channel::Internal);
        let mut per_day: BTreeMap<(Channel, NaiveDate), usize> = BTreeMap::new();
        for c in &merged.contacts {
            for r in &c.reasons {
                prop_assert_eq!(r.task.channel(), c.channel);
                prop_assert!(c.date >= r.task.due, "never earlier than due");
                prop_assert_eq!(r.moved.is_some(), c.date != r.task.due);
            }
            if visit(c.channel) {
                prop_assert_eq!(c.reasons.len(), 1);
            } else {
                *per_day.entry((c.channel, c.date)).or_default() += 1;
            }
        }
        prop_assert!(per_day.values().all(|&n| n == 1), "one contact per day and channel");
        for cap in policy.caps.iter().filter(|c| !visit(c.channel)) {
            let days: Vec<NaiveDate> = per_day.keys().filter(|(ch, _)| *ch == cap.channel).map(|(_, d)| *d).collect();
            for start in &days {
                let end = plus(*start, u64::from(cap.per_days.get() - 1));
                let n = days.iter().filter(|d| *d >= start && *d <= &end).count();
                prop_assert!(n <= cap.max.get() as usize, "{:?} holds {} from {}", cap, n, start);
            }
        }
    }
}

/// As of Wed 11 Mar 2026, in the middle of a laser plan (procedure Mon 2 Mar): D+1 (3 Mar),
/// D+3 (5 Mar) and D+6 (8 Mar) are past their windows (P0D): missed, each still on its
/// own day — none is moved to 11 Mar; M+1 (2 Apr) onwards are upcoming. Nothing is open.
/// A key customer's repair callback (due D+1, on time until D+3) is upcoming on the repair
/// day, open on D+2 and missed on D+4.
#[test]
fn as_of_in_the_middle_of_a_plan_marks_missed_tasks_without_moving_them() {
    use followup::Status;
    let ep = procedure("ep-as-of", "laser", "outpatient", "2026-03-02");
    let p = rules()
        .plan_as_of(&ep, &Calendar::default(), date("2026-03-11"))
        .unwrap();
    let got: Vec<(String, &str, Option<Status>)> = p
        .tasks
        .iter()
        .map(|t| (t.due.to_string(), t.step(), t.status))
        .collect();
    assert_eq!(
        got,
        [
            ("2026-03-03".to_string(), "day-1-call", Some(Status::Missed)),
            ("2026-03-05".to_string(), "day-3-call", Some(Status::Missed)),
            ("2026-03-08".to_string(), "day-6-call", Some(Status::Missed)),
            (
                "2026-04-02".to_string(),
                "month-1-call",
                Some(Status::Upcoming)
            ),
            (
                "2026-06-02".to_string(),
                "month-3-call",
                Some(Status::Upcoming)
            ),
            (
                "2026-09-02".to_string(),
                "month-6-call",
                Some(Status::Upcoming)
            ),
        ]
    );
    // Same tasks, same days as the plan without an as-of day.
    let plain = plan(&ep);
    assert!(p
        .tasks
        .iter()
        .zip(&plain.tasks)
        .all(|(a, b)| a.id() == b.id() && a.due == b.due));

    let repair = episode(
        r#"{"id": "r-1", "event": "repair", "at": "2026-03-02", "patient": {"id": "c-1", "tags": ["key_customer"]}}"#,
    );
    let status_on = |day: &str| {
        let p = rules()
            .plan_as_of(&repair, &Calendar::default(), date(day))
            .unwrap();
        p.tasks
            .iter()
            .find(|t| t.step() == "key-customer-callback")
            .and_then(|t| t.status)
    };
    // Key customer callback: due 3 Mar, on time until 5 Mar.
    assert_eq!(status_on("2026-03-02"), Some(Status::Upcoming));
    assert_eq!(status_on("2026-03-04"), Some(Status::Open));
    assert_eq!(status_on("2026-03-06"), Some(Status::Missed));
}
