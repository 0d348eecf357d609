//! Golden calendars of the clinic's real day (docs/domain.md §9), written by hand from docs/domain.md
//! and the rule files, then compared: long closures, on-duty days, events late in the
//! day, two surgeries close together, greetings under the frequency caps.
//!
//! Dates counted by hand: 12 Feb 2026 is a Thursday. The 2026 Spring Festival break runs
//! from Sun 15 to Mon 23 Feb; Sat 14 and Sat 28 Feb are make-up working days.

use crate::support::{assert_calendar, builtin, dropped, dropped_with, episode, plan, ser};
use followup::{
    calendar::Calendar,
    plan::Plan,
    replan::{merge_plans, MergedPlan},
};

/// The calendar `callback_calendar --calendar cn-2026` uses: the default clinic (open
/// every day, closed on the public holidays it knows) with the official 2026 dates.
fn official_2026() -> Calendar {
    crate::support::clinic_with_china_2026("{}")
}

/// Outpatient surgery on Thu 12 Feb 2026 at 10:00, three days before the break.
const BEFORE_SPRING_FESTIVAL: &str = r#"{"id": "ep-1201", "event": "procedure",
    "at": "2026-02-12T10:00:00", "patient": {"id": "p-81"},
    "attributes": {"category": "plastic", "setting": "outpatient"}}"#;

/// docs/domain.md §1 and §9 with the official 2026 calendar, weekends open:
/// - D+1 (Fri 13) and the dressing change (D+2, Sat 14, a make-up working day) keep
///   their days; the dressing-change reminder goes out the day before.
/// - D+3 (Sun 15, holiday) moves to the nearest open day after the surgery, Sat 14, one
///   day back (the next one forward, Tue 24, is nine days away).
/// - D+6 (Wed 18) has no open day within its 3-day max shift (14 is four days back, 24
///   six forward): dropped, rather than pile up on the reopening day.
/// - The default suture removal (D+7, Thu 19) is a visit on a closed day: it moves to the
///   first open day after it, Tue 24. Its reminder (the day before) follows it to Mon 23 —
///   a message, sent although the clinic is closed — and so does the confirmation, Wed 25.
/// - D+15 is Fri 27 Feb; M+1 Thu 12 Mar; M+2 Sun 12 Apr (the clinic works Sundays); M+3
///   Tue 12 May; M+6 Wed 12 Aug; M+12 Fri 12 Feb 2027.
#[test]
fn surgery_before_the_spring_festival_with_the_official_calendar() {
    let p = builtin()
        .plan(&episode(BEFORE_SPRING_FESTIVAL), &official_2026())
        .unwrap();
    assert_calendar(
        &p,
        &[
            "2026-02-13 day-1-call phone customer_service",
            "2026-02-13 dressing-change-reminder sms customer_service",
            "2026-02-14 day-3-call phone customer_service <- 2026-02-15 (holiday)",
            "2026-02-14 dressing-change-reception in_person onsite_consultant",
            "2026-02-23 suture-removal-reminder sms customer_service <- 2026-02-18 (anchor_moved)",
            "2026-02-25 suture-removal-followup sms customer_service <- 2026-02-20 (anchor_moved)",
            "2026-02-27 day-15-call phone onsite_consultant",
            "2026-03-12 month-1-call phone customer_service",
            "2026-03-12 month-1-sms sms customer_service",
            "2026-04-12 month-2-call phone customer_service",
            "2026-05-12 month-3-call phone onsite_consultant",
            "2026-05-12 month-3-sms sms customer_service",
            "2026-08-12 further-needs-call phone onsite_consultant",
            "2026-08-12 month-6-call phone onsite_consultant",
            "2026-08-12 month-6-sms sms customer_service",
            "2027-02-12 month-12-sms sms customer_service",
        ],
    );
    assert_eq!(
        dropped(&p),
        [
            "plastic-aftercare/day-6-call/ep-1201/0 beyond_max_shift holiday 2026-02-18",
            "plastic-aftercare/review-reminder/ep-1201/0 missing_anchor review_visit -",
            "plastic-aftercare/review-thanks-sms/ep-1201/0 missing_anchor review_visit -",
        ]
    );
    // The reminder is worthless at its visit: it expires the day before the removal.
    let reminder = p
        .tasks
        .iter()
        .find(|t| t.step() == "suture-removal-reminder")
        .unwrap();
    assert_eq!(reminder.expires, Some("2026-02-23".parse().unwrap()));
}

/// docs/domain.md §9 ("two calls must not pile up on the reopening day") and
/// docs/rule-format.md ("a shifted task never lands on the day of another rule day, nor
/// passes one"), over a three-day closure: outpatient surgery on Fri 3 Apr 2026, the
/// official calendar, weekends open, closed for Tomb-sweeping Day on Sat 4 - Mon 6 Apr.
/// - The D+1 call (Sat 4) may look only before the D+3 call's rule day (Mon 6), after
///   the surgery: Sat 4 and Sun 5 are closed, so the D+3 call supersedes it — as it
///   would with two closed days. (Before, it moved to Tue 7, past the 6th, and the D+3
///   call to Wed 8: three calls on the three days after the closure.)
/// - The D+3 call (Mon 6) moves to the nearest open day, Tue 7 (Sun 5 is closed).
/// - The dressing change (default D+2, Sun 5) is a visit on a closed day: Tue 7; its
///   reminder the day before, Mon 6 (messages go out on holidays).
/// - D+6 Thu 9 Apr; suture removal D+7 Fri 10 (reminder Thu 9, confirmation Sat 11).
#[test]
fn three_closed_days_after_a_surgery_do_not_bring_three_calls_in_a_row() {
    let p = crate::support::plan_on(
        r#"{"id": "ep-1301", "event": "procedure", "at": "2026-04-03T10:00:00",
            "patient": {"id": "p-82"},
            "attributes": {"category": "plastic", "setting": "outpatient"}}"#,
        &official_2026(),
    );
    let lines = crate::support::lines(&p);
    assert_eq!(
        &lines[..7],
        [
            "2026-04-06 dressing-change-reminder sms customer_service <- 2026-04-04 (anchor_moved)",
            "2026-04-07 day-3-call phone customer_service <- 2026-04-06 (holiday)",
            "2026-04-07 dressing-change-reception in_person onsite_consultant <- 2026-04-05 (anchor_moved)",
            "2026-04-09 day-6-call phone customer_service",
            "2026-04-09 suture-removal-reminder sms customer_service",
            "2026-04-11 suture-removal-followup sms customer_service",
            "2026-04-18 day-15-call phone onsite_consultant",
        ]
    );
    assert_eq!(
        dropped(&p)[0],
        "plastic-aftercare/day-1-call/ep-1301/0 superseded day-3-call 2026-04-04"
    );
}

/// The same surgery, the clinic closed 15-23 Feb but the call desk on duty on Fri 20 and
/// Sat 21: the D+6 call (Wed 18) goes to the nearest on-duty day, Fri 20 (two days on;
/// Sat 14 is four days back). Visits still need the clinic: the suture removal stays on
/// Tue 24. Nothing else changes.
#[test]
fn surgery_before_the_spring_festival_with_phone_on_duty_days() {
    let cal = crate::support::clinic_with_china_2026(
        r#"{"call_desk": {"open_dates": ["2026-02-20", "2026-02-21"]}}"#,
    );
    let p = builtin()
        .plan(&episode(BEFORE_SPRING_FESTIVAL), &cal)
        .unwrap();
    let lines = crate::support::lines(&p);
    assert_eq!(
        &lines[..6],
        [
            "2026-02-13 day-1-call phone customer_service",
            "2026-02-13 dressing-change-reminder sms customer_service",
            "2026-02-14 day-3-call phone customer_service <- 2026-02-15 (holiday)",
            "2026-02-14 dressing-change-reception in_person onsite_consultant",
            "2026-02-20 day-6-call phone customer_service <- 2026-02-18 (holiday)",
            "2026-02-23 suture-removal-reminder sms customer_service <- 2026-02-18 (anchor_moved)",
        ]
    );
    assert_eq!(
        dropped(&p),
        [
            "plastic-aftercare/review-reminder/ep-1201/0 missing_anchor review_visit -",
            "plastic-aftercare/review-thanks-sms/ep-1201/0 missing_anchor review_visit -"
        ]
    );
}

/// A clinic that gives the suture removal date itself keeps it, closed day or not: the
/// clinic arranged it. Its reminder and confirmation count from it.
#[test]
fn a_suture_removal_date_the_episode_gives_is_kept() {
    let ep = episode(
        r#"{"id": "ep-1202", "event": "procedure", "at": "2026-02-12T10:00:00",
            "patient": {"id": "p-81"}, "milestones": {"suture_removal": "2026-02-19"},
            "attributes": {"category": "plastic", "setting": "outpatient"}}"#,
    );
    let p = builtin().plan(&ep, &official_2026()).unwrap();
    let of = |step: &str| {
        crate::support::lines(&p)
            .into_iter()
            .find(|l| l.contains(&format!(" {step} ")))
            .unwrap()
    };
    assert_eq!(
        of("suture-removal-reminder"),
        "2026-02-18 suture-removal-reminder sms customer_service"
    );
    assert_eq!(
        of("suture-removal-followup"),
        "2026-02-20 suture-removal-followup sms customer_service"
    );
}

/// docs/domain.md §7 and §9: a complaint logged on Wed 6 May 2026 at 20:30. The same-day call
/// (window 09:00-18:00) has nothing left of its window: it goes to the next morning,
/// Thu 7 May, the morning part of its window, 09:00-12:00 (`after_event`). The promised callback is Fri 8 May; still
/// unresolved 3 days later, Mon 11 May, it gets another callback; it is resolved on Tue
/// 12 May at 16:00 (the next loop callback, 14 May, is stopped), and the confirming call
/// is the day after. Logged at 10:15 instead, the first call is the same day from 10:15.
#[test]
fn a_complaint_logged_at_half_past_eight_in_the_evening_is_called_the_next_morning() {
    let complaint = |at: &str| {
        episode(&format!(
            r#"{{"id": "c-1", "event": "complaint", "at": "{at}", "patient": {{"id": "p-71"}},
                "milestones": {{"promised_callback": "2026-05-08"}},
                "facts": [{{"kind": "complaint_resolved", "at": "2026-05-12T16:00:00"}}]}}"#
        ))
    };
    let p = builtin()
        .plan(&complaint("2026-05-06T20:30:00"), &Calendar::default())
        .unwrap();
    assert_eq!(
        windows(&p),
        [
            "2026-05-07 09:00-12:00 first-call <- 2026-05-06 (after_event)",
            "2026-05-08 09:00-18:00 promised-callback",
            "2026-05-11 09:00-18:00 until-resolved-callback",
            "2026-05-13 09:00-18:00 resolution-confirmation",
        ]
    );
    let p = builtin()
        .plan(&complaint("2026-05-06T10:15:00"), &Calendar::default())
        .unwrap();
    assert_eq!(windows(&p)[0], "2026-05-06 10:15-18:00 first-call");
}

/// docs/domain.md §7 ("a confirming callback closes the loop") and §9 (staff on duty call
/// from home in a long closure): a complaint resolved on Wed 30 Sep 2026 at 16:00, the
/// eve of National Day (1-7 Oct, official calendar). The confirmation's day, Thu 1 Oct,
/// and the two after are holidays: no open day within its max_shift (P3D), so it keeps
/// Thu 1 Oct, for staff on duty (audit 131: it went to the next open day, Thu 8 Oct, past
/// its expiry, and was dropped). Resolved on Fri 6 Mar 2026 (weekends closed): Sat 7 is
/// closed, and it moves to Mon 9, two days on.
#[test]
fn a_complaint_resolved_before_a_long_closure_is_confirmed_by_staff_on_duty() {
    // The confirmation of a complaint resolved at `at`: its line, and `closed`.
    let confirmation = |at: &str| {
        let ep = episode(&format!(
            r#"{{"id": "c-2", "event": "complaint", "at": "2026-03-02T10:00:00", "patient": {{"id": "p-72"}},
                "facts": [{{"kind": "complaint_resolved", "at": "{at}"}}]}}"#
        ));
        let p = builtin()
            .plan(&ep, &Calendar::china(2026).unwrap())
            .unwrap();
        let closed = (p.tasks.iter())
            .find(|t| t.step() == "resolution-confirmation")
            .and_then(|t| t.closed);
        (
            crate::support::lines_with(&p, "resolution-confirmation"),
            closed,
        )
    };
    assert_eq!(
        confirmation("2026-09-30T16:00:00"),
        (
            vec!["2026-10-01 resolution-confirmation phone customer_service".to_string()],
            Some(followup::calendar::ShiftReason::Holiday)
        )
    );
    assert_eq!(
        confirmation("2026-03-06T16:00:00").0,
        ["2026-03-09 resolution-confirmation phone customer_service <- 2026-03-07 (weekend)"]
    );
}

/// `due window step`, plus ` <- nominal (reason)` when shifted.
fn windows(p: &Plan) -> Vec<String> {
    p.tasks
        .iter()
        .map(|t| {
            let mut s = format!("{} {} {}", t.due, t.window, t.step());
            if let Some(r) = t.shifted {
                s.push_str(&format!(" <- {} ({})", t.nominal, ser(&r)));
            }
            s
        })
        .collect()
}

/// docs/domain.md §4 and §9: a booked lead who did not show up, logged on Mon 16 Mar 2026 at
/// 19:30. The same-day thank-you message (09:00-18:00) and the same-day call
/// (afternoon, 14:00-18:00) are both over: they go to Tue 17 Mar, the message the first
/// thing in the morning (the morning part of its window, 09:00-12:00) and still on time
/// (it is worth sending until the next day), the call in its afternoon (it has no
/// morning part). The first follow-up is D+3 (Thu 19),
/// the second between D+4 and D+30 (20 Mar to 15 Apr) on a day the consultant picks.
#[test]
fn a_consultation_at_half_past_seven_in_the_evening_is_followed_up_the_next_day() {
    let ep = episode(
        r#"{"id": "l-1", "event": "consultation", "at": "2026-03-16T19:30:00",
            "patient": {"id": "p-1"},
            "attributes": {"source": "phone", "outcome": "no_show"}}"#,
    );
    let p = builtin().plan(&ep, &Calendar::default()).unwrap();
    let presales: Vec<String> = windows(&p)
        .into_iter()
        .filter(|l| {
            ["thanks-sms", "no-show-call", "follow-up"]
                .iter()
                .any(|s| l.contains(s))
        })
        .collect();
    assert_eq!(
        presales,
        [
            "2026-03-17 09:00-12:00 thanks-sms <- 2026-03-16 (after_event)",
            "2026-03-17 14:00-18:00 no-show-call <- 2026-03-16 (after_event)",
            "2026-03-19 14:00-18:00 first-follow-up",
            "2026-03-20 14:00-18:00 second-follow-up",
        ]
    );
    let second = p
        .tasks
        .iter()
        .find(|t| t.step() == "second-follow-up")
        .unwrap();
    assert_eq!(second.latest.to_string(), "2026-04-15");
    let thanks = p.tasks.iter().find(|t| t.step() == "thanks-sms").unwrap();
    assert_eq!(
        thanks.expires.map(|d| d.to_string()).as_deref(),
        Some("2026-03-17")
    );
}

/// `date channel: step@episode, …`, then ` <- from` for a moved reason and ` (over cap)`.
fn contacts(m: &MergedPlan) -> Vec<String> {
    m.contacts
        .iter()
        .map(|c| {
            let reasons: Vec<String> = c
                .reasons
                .iter()
                .map(|r| {
                    let mut s = format!("{}@{}", r.task.step(), r.task.episode());
                    if let Some(mv) = r.moved {
                        s.push_str(&format!(" <- {}", mv.from));
                    }
                    s
                })
                .collect();
            format!(
                "{} {}: {}{}",
                c.date,
                ser(&c.channel),
                reasons.join(", "),
                if c.over_cap { " (over cap)" } else { "" }
            )
        })
        .collect()
}

/// Two outpatient surgeries of one patient two days apart (Mon 2 and Wed 4 Mar 2026),
/// the default policy (one call a day, two messages in any 7 days). The messages of
/// March: dressing-change reminders on 3 and 5 Mar, suture-removal reminders on 8 and
/// 10 Mar, confirmations on 10 (on time until 11) and 12 Mar (until 13).
/// - Reminders come first, and a cap never moves a reminder past its visit: 3 and 5 Mar
///   fit; 8 Mar would be a third message in 2..8 Mar — the reminder stays on its day over
///   the cap, and so does the one of the 10th (4..10 holds 5 and 8 Mar).
/// - The first confirmation is due on the 10th too: it rides in the same message.
/// - The second confirmation (12th, on time until the 13th) finds 6..12 and 7..13 full:
///   aftercare, it stays on its day over the cap.
///
/// Calls: the first surgery's on 3, 5, 8 and 17 Mar (D+1, D+3, D+6, D+15), the second's
/// on 5, 7, 10 and 19 Mar: on 5 Mar both are one call, the second's D+1 leading (same
/// class, role and day: step id order).
#[test]
fn two_surgeries_two_days_apart_never_move_a_reminder_past_its_visit() {
    let surgery = |id: &str, at: &str| {
        episode(&format!(
            r#"{{"id": "{id}", "event": "procedure", "at": "{at}", "patient": {{"id": "p-1"}},
                "attributes": {{"category": "plastic", "setting": "outpatient"}}}}"#
        ))
    };
    let cal = Calendar::default();
    let plans = [
        builtin().plan(&surgery("a", "2026-03-02"), &cal).unwrap(),
        builtin().plan(&surgery("b", "2026-03-04"), &cal).unwrap(),
    ];
    let merged = merge_plans(&plans, &crate::support::two_messages_a_week(), &cal);
    let march: Vec<String> = contacts(&merged)
        .into_iter()
        .filter(|l| l.starts_with("2026-03-") && !l.contains("in_person"))
        .collect();
    assert_eq!(
        march,
        [
            "2026-03-03 phone: day-1-call@a",
            "2026-03-03 sms: dressing-change-reminder@a",
            "2026-03-05 phone: day-1-call@b, day-3-call@a",
            "2026-03-05 sms: dressing-change-reminder@b",
            "2026-03-07 phone: day-3-call@b",
            "2026-03-08 phone: day-6-call@a",
            "2026-03-08 sms: suture-removal-reminder@a (over cap)",
            "2026-03-10 phone: day-6-call@b",
            "2026-03-10 sms: suture-removal-reminder@b, suture-removal-followup@a (over cap)",
            "2026-03-12 sms: suture-removal-followup@b (over cap)",
            "2026-03-17 phone: day-15-call@a",
            "2026-03-19 phone: day-15-call@b",
        ]
    );
    // Nothing is dropped by the caps: reminders and aftercare are never dropped.
    assert!(merged
        .dropped
        .iter()
        .all(|d| d.reason == followup::plan::DropReason::MissingAnchor));
}

/// Greetings under the cap (docs/domain.md §5, §9: a greeting after its day is worse than
/// none). Surgery Fri 24 Apr 2026 (outpatient, default calendar); birthday 3 May.
/// Messages: dressing-change reminder Sat 25 Apr, suture-removal reminder Thu 30 Apr,
/// Labour Day greeting Fri 1 May, confirmation Sat 2 May (on time until Sun 3), birthday
/// Sun 3 May, Mother's Day Sun 10 May.
/// - The reminders are placed first; the confirmation fits on the 2nd (26 Apr..2 May
///   holds the 30th only).
/// - The birthday greeting (care) finds 27 Apr..3 May full (30th, 2nd) and cannot move:
///   kept on its day over the cap.
/// - The Labour Day greeting finds 25 Apr..1 May full and cannot move off its day: it
///   is dropped, never sent late.
/// - Mother's Day fits on its day.
#[test]
fn greetings_under_the_cap_stay_on_their_day_or_are_dropped() {
    let ep = episode(
        r#"{"id": "ep-9", "event": "procedure", "at": "2026-04-24T10:00:00",
            "patient": {"id": "p-9", "birthday": "1991-05-03"},
            "attributes": {"category": "plastic", "setting": "outpatient"}}"#,
    );
    let cal = Calendar::default();
    let rules = builtin();
    let from = "2026-04-24".parse().unwrap();
    let until = "2026-05-31".parse().unwrap();
    let plans = [
        rules.plan(&ep, &cal).unwrap(),
        rules.plan_patient(&ep.patient, from, until, &cal).unwrap(),
    ];
    let merged = merge_plans(&plans, &crate::support::two_messages_a_week(), &cal);
    let sms: Vec<String> = contacts(&merged)
        .into_iter()
        .filter(|l| l.contains(" sms: ") && l.as_str() < "2026-05-11")
        .collect();
    assert_eq!(
        sms,
        [
            "2026-04-25 sms: dressing-change-reminder@ep-9",
            "2026-04-30 sms: suture-removal-reminder@ep-9",
            "2026-05-02 sms: suture-removal-followup@ep-9",
            "2026-05-03 sms: birthday-greeting@patient:p-9 (over cap)",
            "2026-05-10 sms: mothers-day@patient:p-9",
        ]
    );
    let capped: Vec<String> = merged
        .dropped
        .iter()
        .filter(|d| d.reason == followup::plan::DropReason::FrequencyCap)
        .map(|d| d.id().clone())
        .collect();
    assert_eq!(capped, ["greetings/labour-day/patient:p-9/20260501"]);
}

/// docs/domain.md §1 gives outpatients a dressing-change reminder and reception and
/// inpatients a ward visit, a day-2 message and a farewell at discharge. A plastic
/// surgery sent without `setting` (Mon 2 Mar 2026, 10:00) cannot say which: the calls
/// every patient gets are planned as for anyone (day 1, 3, 6 and 15: 3, 5, 8 and 17
/// Mar; month 1 on 2 Apr), and the five steps of either setting are listed as dropped,
/// naming the missing attribute, instead of being left out in silence (audit H16).
#[test]
fn a_plastic_surgery_without_its_setting_lists_the_steps_it_could_not_choose() {
    let surgery = |setting: &str| {
        plan(&format!(
            r#"{{"id": "ep-9", "event": "procedure", "at": "2026-03-02T10:00:00",
                "attributes": {{"category": "plastic"{setting}}},
                "patient": {{"id": "p-9"}}}}"#
        ))
    };
    let none = surgery("");
    let lines: Vec<String> = (none.tasks.iter())
        .map(|t| format!("{} {}", t.due, t.step()))
        .collect();
    for want in [
        "2026-03-03 day-1-call",
        "2026-03-05 day-3-call",
        "2026-03-08 day-6-call",
        "2026-03-17 day-15-call",
        "2026-04-02 month-1-call",
    ] {
        assert!(lines.iter().any(|l| l == want), "{want} not in {lines:?}");
    }
    let missing = crate::support::dropped_with(&none, " missing_attribute ");
    assert_eq!(
        missing,
        [
            "plastic-aftercare/day-2-reassurance-sms/ep-9/0 missing_attribute setting -",
            "plastic-aftercare/discharge-farewell/ep-9/0 missing_attribute setting -",
            "plastic-aftercare/dressing-change-reception/ep-9/0 missing_attribute setting -",
            "plastic-aftercare/dressing-change-reminder/ep-9/0 missing_attribute setting -",
            "plastic-aftercare/ward-visit/ep-9/0 missing_attribute setting -",
        ]
    );
    assert_eq!(
        none.dropped[0].reason.label(followup::rules::Lang::Zh),
        "未提供所需信息"
    );
    // Given either setting, the other setting's steps are simply not planned, and the
    // steps that test no setting are the same tasks.
    for setting in ["outpatient", "inpatient"] {
        let given = surgery(&format!(r#", "setting": "{setting}""#));
        assert!(
            !dropped(&given)
                .iter()
                .any(|d| d.contains("missing_attribute")),
            "{setting}: {:?}",
            dropped(&given)
        );
        let common = |p: &Plan| -> Vec<String> {
            (p.tasks.iter())
                .filter(|t| {
                    ![
                        "dressing-change-reminder",
                        "dressing-change-reception",
                        "ward-visit",
                    ]
                    .contains(&t.step())
                        && !["day-2-reassurance-sms", "discharge-farewell"].contains(&t.step())
                })
                .map(|t| format!("{} {}", t.id(), t.due))
                .collect()
        };
        assert_eq!(common(&given), common(&none), "{setting}");
    }
}

/// docs/rule-format.md, bounds no shift crosses: "a task counted from a visit or a fact
/// never comes before the event's day" — on an open day as on a closed one (audit of
/// 6 December: only a closed day applied it). A course bought on Mon 2 Mar 2026 at 14:00
/// with its first session that afternoon and the second on Mon 9 Mar: the reminder the
/// day before the first session would be Sun 1 Mar, before the course was bought:
/// dropped (its visit comes first: `expired`, `after_event`); the second session's is
/// Sun 8 Mar (the default clinic works every day). A review visit booked for the day of
/// a surgery (Mon 2 Mar, 10:00) has no day for its reminder either; one booked for Tue 3
/// Mar is reminded on the surgery's day, after the surgery (from 10:00).
#[test]
fn nothing_counted_from_a_visit_comes_before_the_event() {
    let course = plan(
        r#"{"id": "c-1", "event": "course", "at": "2026-03-02T14:00:00",
            "attributes": {"category": "skin"}, "patient": {"id": "p-1"},
            "course": {"package": 2, "done": [], "planned": ["2026-03-02", "2026-03-09"]}}"#,
    );
    assert_eq!(
        crate::support::step_days(&course, "session-reminder"),
        ["treatment-course/session-reminder/c-1/2 2026-03-08"]
    );
    assert!(
        dropped(&course).contains(
            &"treatment-course/session-reminder/c-1/1 expired after_event 2026-03-01".to_string()
        ),
        "{:?}",
        dropped(&course)
    );
    let surgery = |review: &str| {
        plan(&format!(
            r#"{{"id": "ep-9", "event": "procedure", "at": "2026-03-02T10:00:00",
                "attributes": {{"category": "plastic", "setting": "outpatient"}},
                "milestones": {{"review_visit": "{review}"}},
                "patient": {{"id": "p-9"}}}}"#
        ))
    };
    let same_day = surgery("2026-03-02");
    assert!(!same_day.tasks.iter().any(|t| t.step() == "review-reminder"));
    assert!(
        dropped(&same_day).contains(
            &"plastic-aftercare/review-reminder/ep-9/0 expired after_event 2026-03-01".to_string()
        ),
        "{:?}",
        dropped(&same_day)
    );
    let next_day = surgery("2026-03-03");
    let r = (next_day.tasks.iter())
        .find(|t| t.step() == "review-reminder")
        .unwrap();
    assert_eq!(
        (r.due.to_string(), r.window.start.to_string(), r.shifted),
        ("2026-03-02".to_string(), "10:00:00".to_string(), None)
    );
}

/// docs/domain.md §9, "staff on duty call from home": a task the rules keep on a day the
/// clinic is closed says so (`closed`), so a host hands it to whoever is on duty; a task
/// the calendar moved to an open day says nothing (audits 12, 14, 20, 26 asked for it).
/// Official 2026 calendar, weekends and holidays closed: National Day runs from Thu 1 to
/// Wed 7 October 2026 (30 Sep 2026 is a Wednesday).
/// - A key customer's repair on Wed 30 Sep: the callback's three days (Thu 1 to Sat 3
///   Oct) are all holiday, and it keeps its first day (`beyond_max_shift: keep`):
///   `closed: holiday`. The repair's message three days on (Sat 3 Oct) is not closed:
///   the message system sends every day (the calendar's `messages` closes none).
/// - A complaint logged on Thu 1 Oct at 10:00: the same-day call keeps its day
///   (`closed_day: keep`): `closed: holiday`.
#[test]
fn a_task_kept_on_a_closed_day_says_why() {
    let cal = Calendar::china(2026).unwrap();
    let closed = |json: &str| -> Vec<String> {
        let p = builtin().plan(&episode(json), &cal).unwrap();
        let json = p.to_json().unwrap();
        assert_eq!(json, serde_json::to_string(&p).unwrap());
        let back: Plan = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p, "read back");
        // Only a closed day's reason reads back as one (audit 28: "agreed" was taken).
        if json.contains(r#""closed":"holiday""#) {
            let wrong = json.replacen(r#""closed":"holiday""#, r#""closed":"agreed""#, 1);
            let e = serde_json::from_str::<Plan>(&wrong)
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("\"closed\": \"agreed\" is no reason a day is closed"),
                "{e}"
            );
        }
        (p.tasks.iter())
            .filter(|t| t.due <= chrono::NaiveDate::from_ymd_opt(2026, 10, 8).unwrap())
            .map(|t| {
                let closed = t.closed.map_or("-".to_string(), |r| ser(&r));
                format!("{} {} {closed}", t.due, t.step())
            })
            .collect()
    };
    assert_eq!(
        closed(
            r#"{"id": "r-2", "event": "repair", "at": "2026-09-30T10:00:00",
                "patient": {"id": "c-00001", "tags": ["key_customer"]}}"#
        ),
        [
            "2026-10-01 key-customer-callback holiday",
            "2026-10-03 message -",
        ]
    );
    assert_eq!(
        closed(
            r#"{"id": "c-2", "event": "complaint", "at": "2026-10-01T10:00:00",
                "patient": {"id": "p-72"}}"#
        )[0],
        "2026-10-01 first-call holiday"
    );
    // Tasks the calendar moved are on open days: none is marked.
    let moved = crate::support::plan_on(BEFORE_SPRING_FESTIVAL, &official_2026());
    assert!(moved.tasks.iter().any(|t| t.shifted.is_some()));
    assert!(moved.tasks.iter().all(|t| t.closed.is_none()));
}

/// Audit 47 F3: a lane orders a task that follows a moved visit by the day its rule gives
/// from the visit as moved. An outpatient surgery on Sat 25 July 2026 at 08:00, suture
/// removal arranged for Fri 31 July; the clinic closed 26 July - 7 August (the call desk
/// on duty on the 26th), messages down on Fri 7 August. Worked by hand:
/// - the dressing change (default P2D: Mon 27 July, closed) moves to the next open day,
///   Sat 8 August (`anchor_moved`, nominal 27 July);
/// - its reminder's rule day is the day before, Fri 7 August, when messages are down: its
///   policy (`previous_open_day`, `max_shift` P3D) gives Thu 6 August, after the SMS lane's
///   suture-removal reminder (30 July) and follow-up (1 August), whose rule days come
///   first. Shown with the nominal day its default day gives, 26 July, and moved as
///   its visit moved (`anchor_moved`): messages went out on 26 July (audit 128: it said
///   `messages_closed`, which read "moved from 26 July: no messages that day").
///
/// It was dropped `beyond_max_shift` (judged at 26 July, no day before the suture reminder
/// within 3 days); with `next_open_day` and `max_shift` P30D it went out on 29 July, ten
/// days before the visit it says is "tomorrow".
#[test]
fn a_reminder_of_a_moved_visit_keeps_its_lane_by_the_moved_day() {
    let cal = Calendar::from_json(
        "clinic.json",
        r#"{"closed_dates": ["2026-07-26", "2026-07-27", "2026-07-28", "2026-07-29",
            "2026-07-30", "2026-07-31", "2026-08-01", "2026-08-02", "2026-08-03",
            "2026-08-04", "2026-08-05", "2026-08-06", "2026-08-07"],
            "call_desk": {"open_dates": ["2026-07-26"]},
            "messages": {"closed_dates": ["2026-08-07"]}}"#,
    )
    .unwrap();
    let ep = episode(
        r#"{"id": "ep-p1", "event": "procedure", "at": "2026-07-25T08:00",
            "attributes": {"category": "plastic", "setting": "outpatient"},
            "patient": {"id": "p-p1"}, "milestones": {"suture_removal": "2026-07-31"}}"#,
    );
    let expected = [
        "2026-07-30 suture-removal-reminder sms customer_service",
        "2026-08-01 suture-removal-followup sms customer_service",
        "2026-08-06 dressing-change-reminder sms customer_service <- 2026-07-26 (anchor_moved)",
    ];
    let next_open_day = crate::support::builtin_and(
        "next.json",
        r#"{"format": "followup/v1", "override": "plastic-aftercare",
                "defaults": {"max_shift": "P30D", "beyond_max_shift": "drop"},
                "steps": {"dressing-change-reminder": {"closed_day": "next_open_day"}}}"#,
    );
    for rules in [builtin(), next_open_day] {
        let p = rules.plan(&ep, &cal).unwrap();
        let sms: Vec<String> = crate::support::lines_with(&p, " sms ")
            .into_iter()
            .filter(|l| l.as_str() < "2026-08-09")
            .collect();
        assert_eq!(sms, expected);
        assert_eq!(
            crate::support::lines_with(&p, "dressing-change-reception"),
            ["2026-08-08 dressing-change-reception in_person onsite_consultant <- 2026-07-27 (anchor_moved)"]
        );
        assert!(
            dropped_with(&p, "dressing-change").is_empty(),
            "{:?}",
            dropped(&p)
        );
    }
}

/// Audit 128 F1: a reminder moved twice, first with its visit and then off the day
/// before the moved visit, says the visit moved it, not the closure of its rule's first
/// day. Outpatient surgery on Sun 26 Jan 2025 (a make-up working day) at 21:40, official
/// 2025 calendar (Spring Festival Tue 28 Jan - Tue 4 Feb) and a clinic closed on Mondays
/// whose message system is down on Tue 4 Feb. Worked by hand:
/// - the dressing change (P2D: Tue 28 Jan, holiday; `nearest_open_day`, not on or before
///   the surgery's day) moves to Wed 5 Feb, the first open day (Mon 3 Feb is a Monday);
///   the suture removal (P7D: Sun 2 Feb, holiday; `next_open_day`) to Wed 5 Feb too;
/// - both reminders' rule day is Tue 4 Feb, when no message goes out: `previous_open_day`
///   gives Mon 3 Feb (messages go out on closed days). Their nominal days are the days
///   before the default visits, Mon 27 Jan and Sat 1 Feb, when messages went out: the
///   move is the visits' (`anchor_moved`), not `messages_closed`.
#[test]
fn a_reminder_moved_with_its_visit_then_by_a_closure_says_the_visit_moved() {
    let clinic = Calendar::from_json(
        "clinic.json",
        r#"{"closed_weekdays": ["Mon"],
            "messages": {"closed_dates": ["2025-02-04"]}}"#,
    )
    .unwrap();
    let cal = clinic.merge(&Calendar::china(2025).unwrap()).unwrap();
    let ep = episode(
        r#"{"id": "c02", "event": "procedure", "at": "2025-01-26T21:40",
            "attributes": {"category": "plastic", "setting": "outpatient"},
            "patient": {"id": "p-c02"}}"#,
    );
    let p = builtin().plan(&ep, &cal).unwrap();
    assert_eq!(
        crate::support::lines_with(&p, "-reminder sms"),
        [
            "2025-02-03 dressing-change-reminder sms customer_service <- 2025-01-27 (anchor_moved)",
            "2025-02-03 suture-removal-reminder sms customer_service <- 2025-02-01 (anchor_moved)",
        ]
    );
    assert_eq!(
        crate::support::lines_with(&p, "dressing-change-reception"),
        ["2025-02-05 dressing-change-reception in_person onsite_consultant <- 2025-01-28 (anchor_moved)"]
    );
}

/// Audit 53 F1: `nominal` is the day the rule gives from a moved visit's default day,
/// the offset counted again from it, not the moved day less the days the visit moved
/// (which differ across month ends). A microneedling session on Thu 29 Jan 2026, the
/// treatment's end given by its default (P1D: Fri 30 Jan) and moved to the next open day
/// (an override), the clinic closed 30 Jan - 1 Feb: the visit moves to Mon 2 Feb. The
/// month calls count from 2 Feb (2 Mar, 2 Apr, 2 May); from the default day they are
/// 30 Jan + 1 month = 28 Feb (2026 is a common year: the month's last day), 30 March and
/// 30 April (it said 27 Feb, 30 Mar and 29 Apr: three days back from each).
#[test]
fn the_nominal_day_of_a_month_call_counts_from_the_visits_default_day() {
    let rules = crate::support::builtin_and(
        "te-next.json",
        r#"{"format": "followup/v1", "override": "session-aftercare", "milestones":
                {"treatment_end": {"default": "P1D", "closed_day": "next_open_day"}}}"#,
    );
    let cal = Calendar::from_json(
        "clinic.json",
        r#"{"closed_dates": ["2026-01-30", "2026-01-31", "2026-02-01"]}"#,
    )
    .unwrap();
    let ep = episode(
        r#"{"id": "ep-mn", "event": "procedure", "at": "2026-01-29T10:00",
            "attributes": {"category": "microneedling"}, "patient": {"id": "p-mn"}}"#,
    );
    let p = rules.plan(&ep, &cal).unwrap();
    assert_eq!(
        crate::support::lines_with(&p, "month-"),
        [
            "2026-03-02 month-1-call phone customer_service <- 2026-02-28 (anchor_moved)",
            "2026-04-02 month-2-call phone customer_service <- 2026-03-30 (anchor_moved)",
            "2026-05-02 month-3-call phone customer_service <- 2026-04-30 (anchor_moved)",
        ]
    );
    let explained = rules.explain(&ep, None, &cal).unwrap();
    let why = explained
        .of("session-aftercare/month-1-call/ep-mn/0")
        .unwrap();
    // 28 Feb 2026 is 58 days after Thu 1 Jan: 58 = 8 × 7 + 2, a Saturday.
    assert!(
        why.steps.iter().any(|s| s.starts_with(
            "counted from the visit's default day, the rule's day is 2026-02-28 (Sat); from the visit as moved, 2026-03-02 (Mon)"
        )),
        "{why}"
    );
}

/// Audit 53 B2: the farewell is on the discharge day (docs/domain.md: "discharge day |
/// farewell"), or not at all. An inpatient operated on Mon 2 Mar 2026 at 19:00 and
/// discharged the same day: nothing of the farewell's day window (09:00-18:00) is left
/// after the surgery, and the next day the patient has gone: dropped `after_event` (it
/// moved to Tue 3 Mar). Operated at 10:00, the farewell is that day, from 10:00.
#[test]
fn a_farewell_is_on_the_discharge_day_or_not_at_all() {
    let at = |time: &str| {
        format!(
            r#"{{"id": "ep-f", "event": "procedure", "at": "2026-03-02T{time}",
                "attributes": {{"category": "plastic", "setting": "inpatient"}},
                "patient": {{"id": "p-f"}}, "milestones": {{"discharge": "2026-03-02"}}}}"#
        )
    };
    let evening = plan(&at("19:00"));
    assert!(crate::support::lines_with(&evening, "farewell").is_empty());
    assert_eq!(
        dropped_with(&evening, "farewell"),
        ["plastic-aftercare/discharge-farewell/ep-f/0 after_event - 2026-03-02"]
    );
    let morning = plan(&at("10:00"));
    let farewell = (morning.tasks.iter())
        .find(|t| t.step() == "discharge-farewell")
        .unwrap();
    assert_eq!(
        (farewell.due.to_string(), farewell.window.to_string()),
        ("2026-03-02".to_string(), "10:00-18:00".to_string())
    );
}

/// A step that tests a required attribute in `unless` alone is listed as the steps that
/// test it in `when` are (audit 80: it was planned, as `unless` does not hold without the
/// attribute). A program requiring `setting`: a call on D+1 for everyone, a message on
/// D+2 unless the patient is an inpatient. An episode of Mon 2 Mar 2026 without
/// `setting`: the call on 3 Mar, the message dropped (`missing_attribute setting`), and
/// the step a day after it too; with `"setting": "outpatient"`, the message on 4 Mar and
/// the step after it on 5 Mar; with `inpatient`, neither.
#[test]
fn a_step_testing_a_required_attribute_in_unless_is_listed_when_it_is_missing() {
    let rules = crate::support::one_program(
        "rq",
        r#""applies": {"event": "procedure"}, "requires": ["setting"],
        "vocabulary": {"attributes": {"setting": ["inpatient", "outpatient"]}},
        "steps": [
            {"id": "call", "offset": "P1D", "title": {"zh": "a", "en": "a"}},
            {"id": "sms", "offset": "P2D", "channel": "sms", "unless": {"setting": "inpatient"},
             "title": {"zh": "b", "en": "b"}},
            {"id": "after-sms", "from": "sms", "offset": "P1D", "title": {"zh": "c", "en": "c"}}]"#,
    );
    let plan = |attributes: &str| {
        let ep = crate::support::read(
            &rules,
            &format!(
                r#"{{"id": "e", "event": "procedure", "at": "2026-03-02T10:00",
                    "attributes": {{{attributes}}}, "patient": {{"id": "p"}}}}"#
            ),
        );
        let p = rules.plan(&ep, &Calendar::default()).unwrap();
        let tasks: Vec<String> = (p.tasks.iter())
            .map(|t| format!("{} {}", t.due, t.step()))
            .collect();
        (tasks, dropped(&p))
    };
    // The step counted from it is listed too (`anchor_dropped`; audit 80: it vanished).
    assert_eq!(
        plan(""),
        (
            vec!["2026-03-03 call".to_string()],
            vec![
                "rq/after-sms/e/0 anchor_dropped sms -".to_string(),
                "rq/sms/e/0 missing_attribute setting -".to_string()
            ]
        )
    );
    assert_eq!(
        plan(r#""setting": "outpatient""#).0,
        ["2026-03-03 call", "2026-03-04 sms", "2026-03-05 after-sms"]
    );
    // An inpatient is not the message's: neither it nor the step after it is planned, or
    // listed (docs/rule-format.md, conditions).
    assert_eq!(
        plan(r#""setting": "inpatient""#),
        (vec!["2026-03-03 call".to_string()], vec![])
    );
}

/// An inpatient operated on Thu 30 Apr 2026 at 15:00 and discharged on Sat 2 May, in the
/// Labour Day break (1-5 May): the farewell is on the discharge day, kept there for the
/// staff on the ward (`closed_day: keep`), and worth doing that day only — once the
/// patient has left it cannot be done (audit 101: it was missed work until 9 May).
#[test]
fn a_discharge_farewell_expires_on_the_discharge_day() {
    let p = crate::support::plan_on(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-04-30T15:00:00",
            "attributes": {"category": "plastic", "setting": "inpatient"},
            "patient": {"id": "p-1"}, "milestones": {"discharge": "2026-05-02"}}"#,
        &official_2026(),
    );
    let t = (p.tasks.iter())
        .find(|t| t.step() == "discharge-farewell")
        .unwrap();
    let day = "2026-05-02".parse().unwrap();
    assert_eq!((t.due, t.latest, t.expires), (day, day, Some(day)));
    assert!(t.closed.is_some());
    assert_eq!(
        followup::plan::Status::of(t, "2026-05-03".parse().unwrap()),
        followup::plan::Status::Expired
    );
}

/// Audit 133 F1: a call that no day before its expiry could take is `expired`, whatever
/// its `max_shift` (with P2D it was `beyond_max_shift`, with P3D `expired`, though no
/// `max_shift` plans it). A repair on Wed 1 Apr 2026; a call the next day that expires on
/// its day (`expires` P0D), the call desk closed 2-4 April: the first day it works, Sun 5
/// April, comes after its expiry.
#[test]
fn a_call_no_day_before_its_expiry_can_take_is_expired_whatever_its_max_shift() {
    let ep = episode(
        r#"{"id": "e1", "event": "repair", "at": "2026-04-01T10:00:00", "patient": {"id": "c"}}"#,
    );
    let cal = Calendar::from_json(
        "clinic.json",
        r#"{"call_desk": {"closed_dates": ["2026-04-02", "2026-04-03", "2026-04-04"]}}"#,
    )
    .unwrap();
    for max in ["P2D", "P3D", "P7D"] {
        let rules = followup::rules::RuleSet::builder()
            .source(
                "rm.json",
                format!(
                    r#"{{"format": "followup/v1", "id": "rm", "name": {{"zh": "测试", "en": "test"}},
                    "applies": {{"event": "repair"}}, "steps": [{{"id": "call0", "offset": "P1D",
                    "expires": "P0D", "max_shift": "{max}", "beyond_max_shift": "drop",
                    "title": {{"zh": "c", "en": "c"}}}}]}}"#
                ),
            )
            .build()
            .unwrap();
        let p = rules.plan(&ep, &cal).unwrap();
        assert_eq!(
            dropped(&p),
            ["rm/call0/e1/0 expired call_desk_closed 2026-04-02"],
            "{max}"
        );
    }
}

/// Audit 137 F1/F5: a task never passes the rule day of an earlier task of its lane, that
/// task dropped or not ("a shifted task never lands on another task's rule day, nor passes
/// one"), whatever else the program holds: moving back past a dropped task's rule day was
/// allowed in a program of two steps and refused once a third one sent the plan through a
/// second pass. A program of internal tasks counted from Sun 1 Mar 2026, the clinic closed
/// 6-20 March: `s0` (D+6, Sat 7, `max_shift` P0D) is dropped `beyond_max_shift`; `s1`
/// (D+7, Sun 8, `previous_open_day`) could go back to Thu 5 only past `s0`'s rule day, and
/// no later task is kept to cover it: `expired`, its detail the closure; with `s2` (D+8,
/// expiring P3D after its day) the same.
#[test]
fn a_task_never_passes_a_dropped_tasks_rule_day() {
    let ep = episode(
        r#"{"id": "e1", "event": "procedure", "at": "2026-03-01T10:00", "patient": {"id": "p1"}}"#,
    );
    let days: Vec<String> = (6..=20).map(|d| format!("\"2026-03-{d:02}\"")).collect();
    let cal = Calendar::from_json(
        "c",
        &format!(r#"{{"closed_dates": [{}]}}"#, days.join(", ")),
    )
    .unwrap();
    let step = |id: &str, rest: &str| {
        format!(r#"{{"id": "{id}", {rest}, "title": {{"zh": "t", "en": "t"}}}}"#)
    };
    let s0 = step(
        "s0",
        r#""offset": "P6D", "max_shift": "P0D", "beyond_max_shift": "drop""#,
    );
    let s1 = step(
        "s1",
        r#""offset": "P7D", "closed_day": "previous_open_day""#,
    );
    let s2 = step("s2", r#""offset": "P8D", "expires": "P3D""#);
    for steps in [vec![s0.clone(), s1.clone()], vec![s0, s1, s2]] {
        let rules = followup::rules::RuleSet::builder()
            .source(
                "p.json",
                format!(
                    r#"{{"format": "followup/v1", "id": "p", "name": {{"zh": "p", "en": "p"}},
                    "defaults": {{"channel": "internal"}}, "steps": [{}]}}"#,
                    steps.join(", ")
                ),
            )
            .build()
            .unwrap();
        let p = rules.plan(&ep, &cal).unwrap();
        assert!(p.tasks.is_empty(), "{:?}", crate::support::lines(&p));
        assert_eq!(
            dropped_with(&p, "/s1/"),
            ["p/s1/e1/0 expired closed_date 2026-03-08"],
            "{} steps",
            steps.len()
        );
    }
}

/// Audit 130 F1: a reminder whose only day before its visit lies past its `max_shift` is
/// dropped `beyond_max_shift` (the clinic's setting stopped it), not `expired` (which
/// says no working day comes before the visit). Outpatient surgery on Mon 2 Mar 2026;
/// messages down 5-8 March. The suture removal stays on Mon 9 March (the default clinic
/// works every day), its reminder's rule day is Sun 8 March: `previous_open_day` finds
/// Wed 4 March, four days back, past `max_shift` P3D. With the messages down 2-8 March
/// (the surgery's day too), no day from the event to the visit works: `expired`.
#[test]
fn a_reminder_stopped_by_its_max_shift_is_not_expired() {
    let surgery = episode(
        r#"{"id": "ep-a1", "event": "procedure", "at": "2026-03-02T15:30:00",
            "attributes": {"category": "plastic", "setting": "outpatient"},
            "patient": {"id": "p-a1"}}"#,
    );
    let down = |from: u32| {
        let days: Vec<String> = (from..=8).map(|d| format!("\"2026-03-{d:02}\"")).collect();
        Calendar::from_json(
            "clinic.json",
            &format!(
                r#"{{"messages": {{"closed_dates": [{}]}}}}"#,
                days.join(", ")
            ),
        )
        .unwrap()
    };
    let p = builtin().plan(&surgery, &down(5)).unwrap();
    assert_eq!(
        dropped_with(&p, "suture-removal-reminder"),
        ["plastic-aftercare/suture-removal-reminder/ep-a1/0 beyond_max_shift messages_closed 2026-03-08"]
    );
    let p = builtin().plan(&surgery, &down(2)).unwrap();
    assert_eq!(
        dropped_with(&p, "suture-removal-reminder"),
        ["plastic-aftercare/suture-removal-reminder/ep-a1/0 expired messages_closed 2026-03-08"]
    );
}

/// README "Coverage": a task counted from a visit whose default day the calendar does not
/// cover carries `beyond_calendar` — and so does one whose script names that visit's day.
/// An outpatient surgery on Fri 25 Dec 2026 at 10:00, `--calendar cn-2026` (covering
/// 2026): the dressing change (D+2, Sun 27 Dec) is covered, the suture removal (D+7, Fri
/// 1 Jan 2027) is not. The day-1 call (Sat 26, naming the dressing change) and the
/// dressing-change reminder are not flagged; the day-6 call (Thu 31 Dec, "the sutures
/// come out tomorrow") and the suture-removal reminder (Thu 31 Dec) are; so is every task
/// in 2027. With the suture removal booked for 1 Jan in the episode, the visit is fixed:
/// the day-6 call and the reminder are not flagged (audits 143, 144).
#[test]
fn a_call_naming_a_visit_past_the_calendar_is_flagged_as_the_visits_reminder_is() {
    let flags = |extra: &str| -> Vec<String> {
        let ep = format!(
            r#"{{"id": "e", "event": "procedure", "at": "2026-12-25T10:00", "patient": {{"id": "p"}},
                "attributes": {{"category": "plastic", "setting": "outpatient"}}{extra}}}"#
        );
        let p = crate::support::plan_on(&ep, &official_2026());
        (p.tasks.iter())
            .filter(|t| t.due.to_string().as_str() < "2027-01-01")
            .map(|t| format!("{} {} {}", t.due, t.step(), t.beyond_calendar))
            .collect()
    };
    assert_eq!(
        flags(""),
        [
            "2026-12-26 day-1-call false",
            "2026-12-26 dressing-change-reminder false",
            "2026-12-27 dressing-change-reception false",
            "2026-12-28 day-3-call false",
            "2026-12-31 day-6-call true",
            "2026-12-31 suture-removal-reminder true",
        ]
    );
    assert_eq!(
        flags(r#", "milestones": {"suture_removal": "2027-01-01"}"#),
        [
            "2026-12-26 day-1-call false",
            "2026-12-26 dressing-change-reminder false",
            "2026-12-27 dressing-change-reception false",
            "2026-12-28 day-3-call false",
            "2026-12-31 day-6-call false",
            "2026-12-31 suture-removal-reminder false",
        ]
    );
}

/// README "Coverage": a task is flagged for the days that decide it — its own day, the
/// rule's day the calendar moved it off, the days of the visit it follows or names — not
/// for a day that decides nothing (audits 147, 149):
/// - a plastic outpatient of Thu 26 Feb 2026 at 10:00, a calendar covering 5 Mar to 31
///   Dec and closed on 5 Mar: the suture removal (D+7, Thu 5 Mar) moves to Fri 6 Mar, and
///   its reminder to Thu 5 Mar (nominal Wed 4 Mar, the day before the default visit,
///   outside the coverage): not flagged, every day that decides it is covered;
/// - a complaint logged on Thu 31 Dec 2026 at 20:30, a calendar covering 2027 only: its
///   same-day call goes to Fri 1 Jan 2027 (`after_event`: the evening left no time), a
///   covered day: not flagged, though the day the event left no time on is not covered.
#[test]
fn a_task_is_flagged_beyond_the_calendar_only_for_the_days_that_decide_it() {
    let flag = |ep: &str, cal: &str, step: &str| -> String {
        let cal = Calendar::from_json("c.json", cal).unwrap();
        let p = crate::support::plan_on(ep, &cal);
        let t = (p.tasks.iter()).find(|t| t.step() == step).unwrap();
        format!(
            "{} {} {:?} {}",
            t.due,
            t.nominal,
            t.shifted.map(|s| ser(&s)),
            t.beyond_calendar
        )
    };
    let outpatient = r#"{"id": "e", "event": "procedure", "at": "2026-02-26T10:00", "patient": {"id": "p"},
        "attributes": {"category": "plastic", "setting": "outpatient"}}"#;
    let from_0305 =
        r#"{"covers": {"from": "2026-03-05", "to": "2026-12-31"}, "closed_dates": ["2026-03-05"]}"#;
    assert_eq!(
        flag(outpatient, from_0305, "suture-removal-reminder"),
        "2026-03-05 2026-03-04 Some(\"anchor_moved\") false"
    );
    let complaint =
        r#"{"id": "c", "event": "complaint", "at": "2026-12-31T20:30", "patient": {"id": "p"}}"#;
    let only_2027 = r#"{"covers": {"from": "2027-01-01", "to": "2027-12-31"}}"#;
    assert_eq!(
        flag(complaint, only_2027, "first-call"),
        "2027-01-01 2026-12-31 Some(\"after_event\") false"
    );
}

/// A day the patient agreed is not moved by the calendar, so only its own coverage
/// counts: a day-10 call after a procedure on Wed 23 Dec 2026 (Sat 2 Jan 2027, past the
/// official 2026 calendar: flagged) agreed on the 24th for Wed 30 Dec at 15:00 is not
/// flagged; agreed for Mon 4 Jan 2027 it is (audit 151: flagged for its rule's day).
#[test]
fn a_day_agreed_inside_the_calendar_is_not_flagged_for_the_rules_day() {
    let rules = crate::support::one_call_on_day(10);
    let ep = episode(
        r#"{"id": "e", "event": "procedure", "at": "2026-12-23T10:00", "patient": {"id": "p"}}"#,
    );
    let cal = official_2026();
    let flag = |to: Option<&str>| {
        let p = match to {
            None => rules.plan(&ep, &cal).unwrap(),
            Some(to) => {
                let h = crate::support::outcomes(&format!(
                    r#"{{"task": "o/day-10/e/0", "outcome": "rescheduled", "at": "2026-12-24T10:00", "to": "{to}"}}"#
                ));
                rules.plan_with(&ep, &h, &cal).unwrap()
            }
        };
        let t = &p.tasks[0];
        format!("{} {}", t.due, t.beyond_calendar)
    };
    assert_eq!(flag(None), "2027-01-02 true");
    assert_eq!(flag(Some("2026-12-30T15:00")), "2026-12-30 false");
    assert_eq!(flag(Some("2027-01-04T15:00")), "2027-01-04 true");
    // Done on its day past the calendar, it happened: no calendar moves it now (audit 155).
    let h = crate::support::outcomes(
        r#"{"task": "o/day-10/e/0", "outcome": "done", "at": "2027-01-02T10:00"}"#,
    );
    let p = rules.plan_with(&ep, &h, &cal).unwrap();
    assert_eq!(
        (p.tasks[0].due.to_string(), p.tasks[0].beyond_calendar),
        ("2027-01-02".to_string(), false)
    );
}

/// A task the history closed is never `beyond_calendar`, whichever way its record came
/// (audit 159): a complaint on Fri 5 Feb 2027, past the official 2026 calendar; the
/// supervisor's check recorded done at 10:45 and the first call declined at 15:58 — both
/// closed, neither flagged; the same call done a day late at 15:59 on the 6th, closing
/// its check with it — neither flagged.
#[test]
fn a_task_the_history_closed_is_not_beyond_the_calendar() {
    let ep = episode(
        r#"{"id": "c", "event": "complaint", "at": "2027-02-05T09:30", "patient": {"id": "p"},
            "owners": {"customer_service": "u-3", "supervisor": "u-5"}}"#,
    );
    let rules = builtin();
    for rows in [
        r#"{"task": "complaint/first-call/c/0/overdue", "outcome": "done", "at": "2027-02-05T10:45"},
           {"task": "complaint/first-call/c/0", "outcome": "declined", "at": "2027-02-05T15:58"}"#,
        r#"{"task": "complaint/first-call/c/0", "outcome": "done", "at": "2027-02-06T15:59"}"#,
    ] {
        let p = rules
            .plan_with(&ep, &crate::support::outcomes(rows), &official_2026())
            .unwrap();
        let mut closed: Vec<String> = (p.tasks.iter())
            .filter(|t| t.is_closed())
            .map(|t| format!("{} {}", t.id(), t.beyond_calendar))
            .collect();
        closed.sort();
        assert_eq!(
            closed,
            [
                "complaint/first-call/c/0 false",
                "complaint/first-call/c/0/overdue false"
            ],
            "{rows}"
        );
    }
}

/// Visits the clinic booked on days its calendar closes are kept, and listed for staff
/// (`Episode::visits_on_closed_days`, audit 226: the reminders said "tomorrow" with no
/// word of it). The official 2026 calendar (Labour Day 1-5 May) and a clinic closed on
/// Mondays: a course with session 1 done on Mon 6 April (it happened: not listed), session
/// 2 booked on Mon 13 April (a Monday), session 3 on Fri 1 May (Labour Day), session 4 on
/// Wed 6 May (open); and a plastic surgery whose suture removal is booked for Mon 11 May.
#[test]
fn visits_booked_on_closed_days_are_listed() {
    use followup::calendar::ShiftReason;
    use followup::episode::BookedVisit;
    let cal = crate::support::clinic_with_china_2026(r#"{"closed_weekdays": ["mon"]}"#);
    let course = episode(
        r#"{"id": "c-1", "event": "course", "at": "2026-04-06T10:00:00", "patient": {"id": "p-1"},
            "attributes": {"category": "skin"},
            "course": {"package": 4, "done": ["2026-04-06"], "planned": ["2026-04-13", "2026-05-01", "2026-05-06"]}}"#,
    );
    let closed: Vec<(BookedVisit, String, ShiftReason)> = (course.visits_on_closed_days(&cal))
        .into_iter()
        .map(|v| (v.visit, v.date.to_string(), v.reason))
        .collect();
    assert_eq!(
        closed,
        [
            (
                BookedVisit::Session(2),
                "2026-04-13".into(),
                ShiftReason::ClosedWeekday
            ),
            (
                BookedVisit::Session(3),
                "2026-05-01".into(),
                ShiftReason::Holiday
            ),
        ]
    );
    let surgery = episode(
        r#"{"id": "s-1", "event": "procedure", "at": "2026-05-04T10:00:00", "patient": {"id": "p-1"},
            "attributes": {"category": "plastic", "setting": "outpatient"},
            "milestones": {"suture_removal": "2026-05-11"}}"#,
    );
    let closed = surgery.visits_on_closed_days(&cal);
    assert_eq!(closed.len(), 1);
    assert_eq!(
        closed[0].visit,
        BookedVisit::Milestone("suture_removal".into())
    );
    assert_eq!(closed[0].date.to_string(), "2026-05-11");
    // The planner keeps the visit on its day: the reminder goes out the day before.
    let plan = builtin().plan(&surgery, &cal).unwrap();
    let reminder = (plan.tasks.iter())
        .find(|t| t.step() == "suture-removal-reminder")
        .expect("the reminder");
    assert_eq!(reminder.due.to_string(), "2026-05-10");
    // A calendar open on those days lists nothing.
    assert!(course
        .visits_on_closed_days(&Calendar::default())
        .is_empty());
}
