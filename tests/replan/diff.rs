//! `diff` and `apply`: what changes when an episode changes.

use super::*;

#[test]
fn rescheduling_the_surgery_a_week_later_moves_every_task_and_keeps_ids() {
    let before = plan(&procedure("ep-1", "plastic", "outpatient", "2026-03-02"));
    let after = plan(&procedure("ep-1", "plastic", "outpatient", "2026-03-09"));
    let d = diff(&before, &after);
    assert!(d.create.is_empty() && d.cancel.is_empty() && d.update.is_empty() && d.keep.is_empty());
    // Every offset of the outpatient plan (D+n, the milestone defaults D+2 and D+7, M+n
    // from the 2nd to the 9th) moves by exactly seven days.
    assert_eq!(d.moved.len(), before.tasks.len());
    assert_eq!(d.moved.len(), 17);
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
    // Its script says the day of the dressing change (D+2) from its own day: tomorrow,
    // before and after the move, so the script is no change.
    assert_eq!(
        day1.changed(),
        ["due", "earliest", "expires", "latest", "nominal"]
    );
    assert!(day1
        .next
        .script()
        .unwrap()
        .zh()
        .contains("明天来院复查换药"));
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
        .any(|x| x.id() == farewell && x.reason == DropReason::MissingAnchor));

    let d = diff(&a, &b);
    assert_eq!(ids(&d.create), [farewell]);
    assert_eq!(d.create[0].due, date("2026-03-05"));
    assert!(d.cancel.is_empty() && d.moved.is_empty());
    // The ward visit of the 4th (`until` the discharge) is now worth doing until the 5th,
    // not for a week: the one update.
    assert_eq!(d.update.len(), 1);
    let visit = &d.update[0];
    assert_eq!(visit.next.id(), "plastic-aftercare/ward-visit/ep-2/0");
    assert_eq!(visit.changed(), ["expires"]);
    assert_eq!(visit.next.expires, Some(date("2026-03-05")));
    assert_eq!(d.keep.len(), a.tasks.len() - 1);
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
    // The day-1 call (3 March) was before the opt-out: it stays, worth doing until the
    // opt-out's day (4 March) rather than 10 March (audit 73: a call missed before the
    // patient said no stayed overdue work); D+3, D+6, M+1, M+3 and M+6 (the care calls
    // and the further-needs calls) are after.
    assert!(d.keep.is_empty() && d.moved.is_empty());
    let updated: Vec<(String, Vec<String>, Option<NaiveDate>)> = (d.update.iter())
        .map(|u| (u.next.id().to_string(), u.changed(), u.next.expires))
        .collect();
    assert_eq!(
        updated,
        [(
            "laser-aftercare/day-1-call/ep-3/0".to_string(),
            vec!["expires".to_string()],
            "2026-03-04".parse().ok()
        )]
    );
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
            ("month-3-further-needs", opted_out),
            ("further-needs-call", opted_out),
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

/// The plastic outpatient of Mon 2 Mar 2026: its day-15 call (Tue 17 Mar) is tried the
/// evening before, busy at 16:45; the next attempt, two hours on, is past the day's window
/// and goes to the 17th at 09:00, beside its call. The call comes first, then its attempt,
/// in the plan and in what `apply` rebuilds (audit 95: `apply` put the attempt first).
#[test]
fn apply_lists_a_call_before_its_attempt_on_the_same_day_and_time() {
    let ep = procedure("ep-1", "plastic", "outpatient", "2026-03-02");
    let before = plan(&ep);
    let call = "plastic-aftercare/day-15-call/ep-1/0";
    let history = followup::history::History::from_json(
        "h",
        &format!(
            r#"{{"outcomes": [{{"task": "{call}", "outcome": "busy", "at": "2026-03-16T16:45"}}]}}"#
        ),
    )
    .unwrap();
    let after = (rules().plan_with(&ep, &history, &Calendar::default())).unwrap();
    let at = |id: &str| after.tasks.iter().position(|t| t.id() == id).unwrap();
    let (first, second) = (at(call), at(&format!("{call}/attempt-2")));
    let slot = |k: usize| (after.tasks[k].due, after.tasks[k].window.start);
    assert_eq!(slot(first), slot(second));
    assert_eq!(slot(first).0, date("2026-03-17"));
    assert_eq!(second, first + 1);
    assert_eq!(apply(&before, &diff(&before, &after)), after.tasks);
    assert_eq!(apply(&after, &diff(&after, &before)), before.tasks);
}

/// A follow-up added by hand on the day and time of a rule's call sorts by its id among
/// them, as the plan's order says: `follow-up/…` before `plastic-aftercare/…` (it came
/// after every rule's task), and `apply` rebuilds the same order.
#[test]
fn a_follow_up_sorts_by_its_id_among_the_rules_tasks() {
    let ep = procedure("ep-1", "plastic", "outpatient", "2026-03-02");
    let before = plan(&ep);
    let history = followup::history::History::from_json(
        "h",
        r#"{"follow_ups": [{"id": "photo-review", "due": "2026-03-03", "channel": "phone",
            "role": "customer_service", "title": {"zh": "看照片", "en": "Photos"}}]}"#,
    )
    .unwrap();
    let after = (rules().plan_with(&ep, &history, &Calendar::default())).unwrap();
    let day: Vec<String> = (after.tasks.iter())
        .filter(|t| t.due == date("2026-03-03"))
        .map(|t| format!("{} {}", t.window.start.format("%H:%M"), t.id()))
        .collect();
    assert_eq!(
        day,
        [
            "09:00 follow-up/photo-review/ep-1/0",
            "09:00 plastic-aftercare/day-1-call/ep-1/0",
            // The reminder of the dressing change on the 4th (D+2).
            "09:00 plastic-aftercare/dressing-change-reminder/ep-1/0"
        ]
    );
    assert_eq!(apply(&before, &diff(&before, &after)), after.tasks);
}
