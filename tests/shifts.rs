//! The step settings of a closed-day shift — `max_shift` with `beyond_max_shift`,
//! `nearest_open_day`, `after_event` — and the call desk's own days, on small rules
//! written for each case. Days counted by hand: 2 Mar 2026 is a Monday.

use crate::support::{builtin_and, dropped, episode, lines, lines_with};
use followup::{calendar::Calendar, rules::RuleSet};

/// A clinic's calendar (`clinic.json`) from its JSON.
fn clinic(json: &str) -> Calendar {
    Calendar::from_json("clinic.json", json).unwrap()
}

/// A clinic closed from `first` to `last`, both included, and open every other day.
fn closed_from(first: &str, last: &str) -> Calendar {
    let (first, last): (chrono::NaiveDate, chrono::NaiveDate) =
        (first.parse().unwrap(), last.parse().unwrap());
    let days: Vec<String> = (first.iter_days())
        .take_while(|d| *d <= last)
        .map(|d| format!("\"{d}\""))
        .collect();
    clinic(&format!(r#"{{"closed_dates": [{}]}}"#, days.join(", ")))
}

/// A complaint `id` logged `at`, its callback promised for `promised`, resolved at
/// `resolved` if given, as episode JSON.
fn complaint(id: &str, at: &str, promised: &str, resolved: Option<&str>) -> String {
    let facts = resolved.map_or(String::new(), |r| {
        format!(r#", "facts": [{{"kind": "complaint_resolved", "at": "{r}"}}]"#)
    });
    format!(
        r#"{{"id": "{id}", "event": "complaint", "at": "{at}", "patient": {{"id": "p"}},
            "milestones": {{"promised_callback": "{promised}"}}{facts}}}"#
    )
}

/// The plan of the episode `json` by `rules` on `cal`.
fn plan_of(rules: &RuleSet, json: &str, cal: &Calendar) -> followup::plan::Plan {
    rules.plan(&episode(json), cal).unwrap()
}

/// The plan by `rules` on `cal` of a procedure `id` of patient `p` at `at`
/// (`YYYY-MM-DDTHH:MM`).
fn procedure_on(rules: &RuleSet, id: &str, at: &str, cal: &Calendar) -> followup::plan::Plan {
    plan_of(
        rules,
        &format!(
            r#"{{"id": "{id}", "event": "procedure", "at": "{at}", "patient": {{"id": "p"}}}}"#
        ),
        cal,
    )
}

/// A program `id` of phone calls after a procedure, its `steps` (the JSON array's items).
fn phone_calls(id: &str, steps: &str) -> RuleSet {
    crate::support::one_program(
        id,
        &format!(
            r#""applies": {{"event": "procedure"}}, "defaults": {{"channel": "phone"}}, "steps": [{steps}]"#
        ),
    )
}

fn rules(step: &str) -> RuleSet {
    crate::support::one_program(
        "t",
        &format!(r#""steps": [{{"id": "call", "title": {{"zh": "t", "en": "t"}}, {step}}}]"#),
    )
}

fn plan(step: &str, at: &str, cal: &str) -> followup::plan::Plan {
    let ep = episode(&format!(
        r#"{{"id": "e", "event": "x", "at": "{at}", "patient": {{"id": "p"}}}}"#
    ));
    let cal = Calendar::from_json("c", cal).unwrap();
    rules(step).plan(&ep, &cal).unwrap()
}

/// Closed Tue 3 to Fri 6 Mar. A D+1 call (Tue 3): the nearest open day after the event is
/// Sat 7, four days on. With `max_shift` P3D it is dropped or kept on its day, as the
/// step declares; with P4D it moves.
#[test]
fn max_shift_bounds_a_shift_and_the_fallback_is_declared() {
    let closed = r#"{"closed_dates": ["2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"]}"#;
    let at = "2026-03-02T10:00:00";
    let step = |max: &str, beyond: &str| {
        format!(
            r#""offset": "P1D", "closed_day": "nearest_open_day", "max_shift": "{max}", "beyond_max_shift": "{beyond}""#
        )
    };
    let p = plan(&step("P3D", "drop"), at, closed);
    assert!(p.tasks.is_empty());
    assert_eq!(
        dropped(&p),
        ["t/call/e/0 beyond_max_shift closed_date 2026-03-03"]
    );
    let p = plan(&step("P3D", "keep"), at, closed);
    assert_eq!(lines(&p), ["2026-03-03 call phone customer_service"]);
    let p = plan(&step("P4D", "drop"), at, closed);
    assert_eq!(
        lines(&p),
        ["2026-03-07 call phone customer_service <- 2026-03-03 (closed_date)"]
    );
}

/// A call on a day the call desk does not work moves; a message that day does not; with
/// the clinic closed and the desk on duty, the call stays.
#[test]
fn calls_follow_the_call_desk_and_messages_go_every_day() {
    let at = "2026-03-02T08:00:00";
    let desk_closed = r#"{"call_desk": {"closed_dates": ["2026-03-03"]}}"#;
    assert_eq!(
        lines(&plan(r#""offset": "P1D""#, at, desk_closed)),
        ["2026-03-04 call phone customer_service <- 2026-03-03 (call_desk_closed)"]
    );
    assert_eq!(
        lines(&plan(
            r#""offset": "P1D", "channel": "sms""#,
            at,
            desk_closed
        )),
        ["2026-03-03 call sms customer_service"]
    );
    let on_duty =
        r#"{"closed_dates": ["2026-03-03"], "call_desk": {"open_dates": ["2026-03-03"]}}"#;
    assert_eq!(
        lines(&plan(r#""offset": "P1D""#, at, on_duty)),
        ["2026-03-03 call phone customer_service"]
    );
    assert_eq!(
        lines(&plan(
            r#""offset": "P1D", "channel": "in_person""#,
            at,
            on_duty
        )),
        ["2026-03-04 call in_person customer_service <- 2026-03-03 (closed_date)"]
    );
}

/// A same-day call after an event at 18:30 (window `day`, 09:00-18:00): moved to the
/// next morning by default, dropped with `"after_event": "drop"`; with the next day
/// closed, to the day after.
#[test]
fn a_same_day_step_after_its_window_moves_or_drops_as_it_says() {
    let at = "2026-03-02T18:30:00";
    let open = "{}";
    assert_eq!(
        lines(&plan(r#""offset": "P0D""#, at, open)),
        ["2026-03-03 call phone customer_service <- 2026-03-02 (after_event)"]
    );
    let p = plan(r#""offset": "P0D", "after_event": "drop""#, at, open);
    assert!(p.tasks.is_empty());
    assert_eq!(dropped(&p), ["t/call/e/0 after_event - 2026-03-02"]);
    assert_eq!(
        lines(&plan(
            r#""offset": "P0D""#,
            at,
            r#"{"closed_dates": ["2026-03-03"]}"#
        )),
        ["2026-03-04 call phone customer_service <- 2026-03-02 (after_event)"]
    );
    // An event at 17:59:30 leaves nothing either: the window starts at the next minute.
    assert_eq!(
        lines(&plan(r#""offset": "P0D""#, "2026-03-02T17:59:30", open)),
        ["2026-03-03 call phone customer_service <- 2026-03-02 (after_event)"]
    );
}

/// A reminder the day before a visit the episode gives, on a day no message goes out:
/// it moves back a day, never onto or past the visit; it expires the day before the
/// visit. With no day left before the visit (the event the day before), it is dropped.
#[test]
fn a_reminder_never_moves_past_its_visit() {
    let rules = RuleSet::builder()
        .source(
            "r.json",
            r#"{"format": "followup/v1", "id": "r", "name": {"zh": "r", "en": "r"},
                "milestones": {"visit": null},
                "steps": [{"id": "reminder", "from": "visit", "offset": "-P1D", "channel": "sms",
                           "closed_day": "next_open_day", "title": {"zh": "r", "en": "r"}}]}"#,
        )
        .build()
        .unwrap();
    let cal =
        Calendar::from_json("c", r#"{"messages": {"closed_dates": ["2026-03-05"]}}"#).unwrap();
    let ep = |at: &str| {
        episode(&format!(
            r#"{{"id": "e", "event": "x", "at": "{at}", "patient": {{"id": "p"}},
                "milestones": {{"visit": "2026-03-06"}}}}"#
        ))
    };
    // next_open_day would go to the 6th, the visit: it falls back to the 4th instead.
    let p = rules.plan(&ep("2026-03-02"), &cal).unwrap();
    assert_eq!(
        lines(&p),
        ["2026-03-04 reminder sms customer_service <- 2026-03-05 (messages_closed)"]
    );
    assert_eq!(
        p.tasks[0].expires.map(|d| d.to_string()).as_deref(),
        Some("2026-03-05")
    );
    // Operated on the 5th itself: neither the 5th (no messages) nor the 6th (the visit):
    // the only days messages go out come after the reminder is worth sending (it expires
    // on the 5th, the day before its visit): expired, not "no open day".
    let p = rules.plan(&ep("2026-03-05"), &cal).unwrap();
    assert!(p.tasks.is_empty());
    assert_eq!(
        dropped(&p),
        ["r/reminder/e/0 expired messages_closed 2026-03-05"]
    );
}

/// Two reminders counted back from a visit on Sun 5 Apr 2026, both of whose rule days
/// come before the event on Mon 30 Mar at 10:00: the week-before one (Sun 29 Mar) moves
/// to the event's day, 10:00-18:00 (`after_event`); the nine-days-before one (Fri 27 Mar)
/// could only go to the 30th too, on or past the week-before's rule day, so that
/// reminder supersedes it (docs/rule-format.md, "Calls of one program never pile up").
/// Audit 34: it was `expired` (`no_open_day` with `"expires": "never"`), though every
/// day is open and the visit six days away.
#[test]
fn a_reminder_before_the_event_is_superseded_by_the_next_one_there() {
    for expires in ["", r#", "expires": "never""#] {
        let rules = crate::support::one_program(
            "pair",
            &format!(
                r#""milestones": {{"visit": null}},
                   "defaults": {{"role": "customer_service", "time": "day", "channel": "sms"{expires}}},
                   "steps": [
                     {{"id": "nine-days-before", "from": "visit", "offset": "-P9D", "title": {{"zh": "9", "en": "9"}}}},
                     {{"id": "week-before", "from": "visit", "offset": "-P7D", "title": {{"zh": "7", "en": "7"}}}}]"#
            ),
        );
        let ep = episode(
            r#"{"id": "e", "event": "procedure", "at": "2026-03-30T10:00", "patient": {"id": "p"},
                "milestones": {"visit": "2026-04-05"}}"#,
        );
        let p = rules.plan(&ep, &Calendar::default()).unwrap();
        assert_eq!(
            lines(&p),
            ["2026-03-30 week-before sms customer_service <- 2026-03-29 (after_event)"],
            "{expires}"
        );
        assert_eq!(p.tasks[0].window.to_string(), "10:00-18:00");
        assert_eq!(
            dropped(&p),
            ["pair/nine-days-before/e/0 superseded week-before 2026-03-27"],
            "{expires}"
        );
    }
}

/// The same, the earlier reminder planned first: a visit on Tue 3 Mar 2026, reminders 3
/// and 2 days before it (Sat 28 Feb, Sun 1 Mar), a laser session on Mon 2 Mar at 10:00.
/// Both rule days are before the event; Mon 2 Mar is the only day left before the visit:
/// the later reminder takes it (`after_event`, from 10:00), the earlier one is superseded
/// by it. With the visit on Wed 4 Mar, the later reminder's own day is the event's (no
/// shift), and the earlier one, which could only move onto it, is superseded too.
/// Audit 38: the earlier one took the day, passing the later one's rule day, and the
/// later one was dropped `expired`.
#[test]
fn the_later_of_two_reminders_before_the_event_takes_the_day_left() {
    let rules = crate::support::one_program(
        "previsit",
        r#""milestones": {"visit": null},
           "defaults": {"channel": "sms", "role": "customer_service", "time": "day"},
           "steps": [
             {"id": "r1", "from": "visit", "offset": "-P3D", "title": {"zh": "1", "en": "1"}},
             {"id": "r2", "from": "visit", "offset": "-P2D", "title": {"zh": "2", "en": "2"}}]"#,
    );
    let plan = |visit: &str| {
        let ep = episode(&format!(
            r#"{{"id": "e", "event": "procedure", "at": "2026-03-02T10:00", "patient": {{"id": "p"}},
                "milestones": {{"visit": "{visit}"}}}}"#
        ));
        rules.plan(&ep, &Calendar::default()).unwrap()
    };
    let p = plan("2026-03-03");
    assert_eq!(
        lines(&p),
        ["2026-03-02 r2 sms customer_service <- 2026-03-01 (after_event)"]
    );
    assert_eq!(p.tasks[0].window.to_string(), "10:00-18:00");
    assert_eq!(dropped(&p), ["previsit/r1/e/0 superseded r2 2026-02-28"]);
    let p = plan("2026-03-04");
    assert_eq!(lines(&p), ["2026-03-02 r2 sms customer_service"]);
    assert_eq!(dropped(&p), ["previsit/r1/e/0 superseded r2 2026-03-01"]);
}

/// A thread keeps its planning scratch between plans: a plan made after others (one of
/// them planned twice, its shifted tasks out of order) equals the same plan made first,
/// on a fresh thread.
#[test]
fn plans_do_not_depend_on_what_the_thread_planned_before() {
    let rules = crate::support::builtin();
    // The official calendar, its policies too: weekends and holidays closed (merged the
    // other way round, a clinic's Monday closing would not be in it either).
    let china = Calendar::china_years(2026..=2026).unwrap();
    let mut episodes: Vec<_> = crate::support::sample_episodes(&rules)
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    // Surgeries in the days before the Spring Festival (15-23 February 2026): the week
    // closed pushes calls onto one another, and some programs are planned twice.
    for day in 5..=14 {
        episodes.push(episode(&format!(
            r#"{{"id": "ep-{day}", "event": "procedure", "at": "2026-02-{day:02}T10:00",
                "attributes": {{"category": "plastic", "setting": "inpatient"}},
                "patient": {{"id": "p-{day}"}},
                "milestones": {{"discharge": "2026-02-{:02}"}}}}"#,
            day + 2
        )));
    }
    let fresh: Vec<_> = std::thread::scope(|s| {
        (episodes.iter())
            .map(|e| {
                let (rules, china) = (&rules, &china);
                s.spawn(move || rules.plan(e, china).unwrap())
                    .join()
                    .unwrap()
            })
            .collect()
    });
    // The same episodes one after another on this thread, twice, in both orders.
    for round in 0..2 {
        let order: Vec<usize> = if round == 0 {
            (0..episodes.len()).collect()
        } else {
            (0..episodes.len()).rev().collect()
        };
        for i in order {
            assert_eq!(
                rules.plan(&episodes[i], &china).unwrap(),
                fresh[i],
                "episode {i}"
            );
        }
    }
    assert!(fresh
        .iter()
        .any(|p| p.tasks.iter().any(|t| t.shifted.is_some())));
    // A task superseded by the next is what only the second pass drops.
    assert!(fresh
        .iter()
        .any(|p| dropped(p).iter().any(|d| d.contains(" superseded "))));
}

/// A step done on closed days too (`keep`) whose event left no time that day: it moves
/// to the next day only within its `max_shift`. With `"max_shift": "P0D"` and
/// `"beyond_max_shift": "drop"` it may not move at all, so it is dropped; with P1D it
/// goes to the next morning; with `keep` beyond it, it moves on (a day with no time
/// left cannot be kept).
#[test]
fn a_keep_step_after_its_window_moves_only_within_its_max_shift() {
    let at = "2026-03-02T18:30:00";
    let open = "{}";
    let step = |max: &str, beyond: &str| {
        format!(
            r#""offset": "P0D", "closed_day": "keep", "max_shift": "{max}", "beyond_max_shift": "{beyond}""#
        )
    };
    let p = plan(&step("P0D", "drop"), at, open);
    assert!(p.tasks.is_empty(), "{:?}", lines(&p));
    assert_eq!(
        dropped(&p),
        ["t/call/e/0 beyond_max_shift after_event 2026-03-02"]
    );
    let moved = ["2026-03-03 call phone customer_service <- 2026-03-02 (after_event)"];
    assert_eq!(lines(&plan(&step("P1D", "drop"), at, open)), moved);
    assert_eq!(lines(&plan(&step("P0D", "keep"), at, open)), moved);
}

/// A staff-picked step (the consultant picks a day in D+10..D+30) whose first day is
/// closed never moves before its window, whatever its closed-day policy: Sat 14 Mar is
/// closed, so the window opens on Sun 15 with `previous_open_day` and
/// `nearest_open_day` alike (before, Fri 13: a day before the consultant may pick). A
/// call that is not picked moves back as its policy says.
#[test]
fn a_picked_step_moves_into_its_window_never_before_it() {
    let at = "2026-03-04T10:00:00";
    let closed = r#"{"closed_dates": ["2026-03-14"]}"#;
    for policy in ["previous_open_day", "nearest_open_day", "next_open_day"] {
        let step = format!(
            r#""offset": "P10D", "closed_day": "{policy}", "role": "consultant", "picked_by": "consultant", "window": {{"latest": "P20D"}}"#
        );
        let p = plan(&step, at, closed);
        assert_eq!(
            lines(&p),
            ["2026-03-15 call phone consultant <- 2026-03-14 (closed_date)"],
            "{policy}"
        );
        let t = &p.tasks[0];
        assert_eq!(
            (t.earliest, t.latest.to_string()),
            (t.due, "2026-04-03".into())
        );
    }
    let step = r#""offset": "P10D", "closed_day": "previous_open_day""#;
    assert_eq!(
        lines(&plan(step, at, closed)),
        ["2026-03-13 call phone customer_service <- 2026-03-14 (closed_date)"]
    );
}

/// docs/rule-format.md: a call with no day short of the next call's is dropped as
/// `superseded`, `detail` the step that supersedes it — also when the first placement
/// decides it (audit of 6 December: no detail). Calls on day 1, 3 and 6 after a surgery
/// on Fri 13 Feb 2026, official 2026 calendar (closed Sun 15 to Mon 23 Feb; Sat 14 Feb a
/// make-up working day). Day 1 is Sat 14. Day 3 (Mon 16) may not go past its expiry (7
/// days after: 23 Feb) nor back onto day 1's Sat 14: superseded by the day-6 call, which
/// goes from Thu 19 to Tue 24 Feb, the first open day.
#[test]
fn a_call_crowded_out_in_the_first_placement_names_the_call_that_supersedes_it() {
    let rules = crate::support::calls_on_days_1_3_6();
    let ep = episode(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-02-13T10:00:00", "patient": {"id": "p-1"}}"#,
    );
    let cal = Calendar::china(2026).unwrap();
    let p = rules.plan(&ep, &cal).unwrap();
    let days: Vec<String> = (p.tasks.iter())
        .map(|t| format!("{} {}", t.step(), t.due))
        .collect();
    assert_eq!(days, ["day-1-call 2026-02-14", "day-6-call 2026-02-24"]);
    assert_eq!(
        dropped(&p),
        ["t/day-3-call/ep-1/0 superseded day-6-call 2026-02-16"]
    );
}

/// docs/rule-format.md: a task is `superseded` when "the only day it could take is the
/// next task's rule day or later", and `expired` when "every day that works comes after
/// it expires". Calls `a` (P2D), `b` (P3D, expires a day after its day) and `c` (P10D)
/// after a surgery on Mon 2 Mar 2026 at 10:00, the clinic closed Thu 5 and Fri 6 Mar:
/// `b` may not go back onto `a`'s Wed 4, and its first open day ahead, Sat 7, is past its
/// expiry (Fri 6) and five days before `c`'s Thu 12, which it could never reach: expired
/// (`closed_date`), with `c` as without it. The same on the official 2026 calendar after
/// a surgery on Mon 28 Sep: `b` on Thu 1 Oct (National Day, closed 1-7 Oct), expiring
/// on the 2nd; `c` on Thu 8 Oct, the reopening day, is past its expiry too: expired
/// (`holiday`). Audit 142 A2: with `c` in the program both were `superseded` by it.
#[test]
fn a_call_expiring_before_the_next_calls_day_is_not_superseded_by_it() {
    let step = |id: &str, offset: &str, more: &str| {
        format!(
            r#"{{"id": "{id}", "offset": "{offset}"{more}, "title": {{"zh": "{id}", "en": "{id}"}}}}"#
        )
    };
    let (a, b, c) = (
        step("a", "P2D", ""),
        step("b", "P3D", r#", "expires": "P1D""#),
        step("c", "P10D", ""),
    );
    let with_c = format!("{a}, {b}, {c}");
    let without_c = format!("{a}, {b}");
    let closed = closed_from("2026-03-05", "2026-03-06");
    let china = Calendar::china(2026).unwrap();
    for (at, cal, days, why) in [
        (
            "2026-03-02T10:00",
            &closed,
            ["a 2026-03-04", "c 2026-03-12"],
            "closed_date 2026-03-05",
        ),
        (
            "2026-09-28T10:00",
            &china,
            ["a 2026-09-30", "c 2026-10-08"],
            "holiday 2026-10-01",
        ),
    ] {
        for (steps, kept) in [(&with_c, &days[..]), (&without_c, &days[..1])] {
            let rules = crate::support::one_program(
                "lt",
                &format!(
                    r#""defaults": {{"channel": "phone", "role": "customer_service", "time": "day"}},
                       "steps": [{steps}]"#
                ),
            );
            let ep = episode(&format!(
                r#"{{"id": "e", "event": "procedure", "at": "{at}", "patient": {{"id": "p"}}}}"#
            ));
            let p = rules.plan(&ep, cal).unwrap();
            let got: Vec<String> = (p.tasks.iter())
                .map(|t| format!("{} {}", t.step(), t.due))
                .collect();
            assert_eq!(got, kept, "{at} {steps}");
            assert_eq!(
                dropped(&p),
                [format!("lt/b/e/0 expired {why}")],
                "{at} {steps}"
            );
            // The explanation says why, and names no later call it could not reach.
            let closure = why.split(' ').next().unwrap_or_default();
            let why = rules.explain(&ep, None, cal).unwrap();
            let b = why.of("lt/b/e/0").expect("b explained");
            let text = format!("{}\n{}", b.steps.join("\n"), b.result);
            // Its header names the closure, as the plan does (audit 147: not in one order).
            assert_eq!(b.result, format!("dropped: expired ({closure})"), "{text}");
            assert!(!text.contains("later task c"), "{text}");
        }
    }
}

/// docs/rule-format.md: "It is the next call's *rule day* that counts, not whether that
/// day is open: a call whose expiry comes after the next call's rule day is superseded by
/// it (kept) even when every day from there to its expiry is closed." After a surgery on
/// Mon 2 Mar 2026 at 10:00, the clinic closed Tue 3 to Sat 7: call `a` (P2D, Wed 4,
/// expiring three days after it, Sat 7) has no open day to its expiry, and call `b` (P4D,
/// rule day Fri 6, kept on Sun 8) supersedes it. The same with `a` on P1D (Tue 3,
/// expiring Thu 5) and `b` on P3D (Thu 5): its last day is `b`'s rule day, which it
/// could only have taken from `b` — superseded, the closed day or not (the clinic closed
/// Tue 3 to Thu 5). Without `b`, `a` is `expired` (`closed_date`). Audit 164: both were
/// `expired` unless an earlier call held a day behind `a`.
#[test]
fn a_call_closed_to_its_expiry_is_superseded_by_a_next_call_due_by_rule_before_it() {
    let step = |id: &str, offset: &str, more: &str| {
        format!(
            r#"{{"id": "{id}", "offset": "{offset}"{more}, "title": {{"zh": "{id}", "en": "{id}"}}}}"#
        )
    };
    let ep = episode(
        r#"{"id": "e", "event": "procedure", "at": "2026-03-02T10:00", "patient": {"id": "p"}}"#,
    );
    for (a_offset, a_expires, b_offset, last_closed, b_due) in [
        ("P2D", "P3D", "P4D", "2026-03-07", "2026-03-08"),
        ("P1D", "P2D", "P3D", "2026-03-05", "2026-03-06"),
    ] {
        let a = step("a", a_offset, &format!(r#", "expires": "{a_expires}""#));
        let b = step("b", b_offset, "");
        let cal = closed_from("2026-03-03", last_closed);
        for (steps, kept, why) in [
            (
                format!("{a}, {b}"),
                vec![format!("b {b_due}")],
                "superseded b",
            ),
            (
                format!("{b}, {a}"),
                vec![format!("b {b_due}")],
                "superseded b",
            ),
            (a.clone(), vec![], "expired closed_date"),
        ] {
            let rules = crate::support::one_program(
                "lt",
                &format!(
                    r#""defaults": {{"channel": "phone", "role": "customer_service", "time": "day"}},
                       "steps": [{steps}]"#
                ),
            );
            let p = rules.plan(&ep, &cal).unwrap();
            let got: Vec<String> = (p.tasks.iter())
                .map(|t| format!("{} {}", t.step(), t.due))
                .collect();
            assert_eq!(got, kept, "{steps}");
            let rule_day = if a_offset == "P2D" {
                "2026-03-04"
            } else {
                "2026-03-03"
            };
            assert_eq!(
                dropped(&p),
                [format!("lt/a/e/0 {why} {rule_day}")],
                "{steps}"
            );
            // The explanation ends as the plan does, and says which call took over.
            let why_a = rules.explain(&ep, None, &cal).unwrap();
            let a = why_a.of("lt/a/e/0").expect("a explained");
            if why.starts_with("superseded") {
                assert_eq!(a.result, "dropped: superseded (b)", "{steps}");
                assert!(
                    a.steps
                        .iter()
                        .any(|s| s.contains("the next call of its lane, b")),
                    "{:?}",
                    a.steps
                );
            } else {
                assert_eq!(a.result, "dropped: expired (closed_date)", "{steps}");
            }
        }
    }
}

/// docs/rule-format.md: "When the only day it could take is the next task's rule day or
/// later, it is dropped as `superseded`" — whatever the order the program lists its
/// steps in. Calls `a` (P3D, Thu 5 Mar, worth doing until Sat 7) and `b` (P5D, Sat 7
/// Mar) after a surgery on Mon 2 Mar 2026, the clinic closed Thu 5 and Fri 6: `a` could
/// go ahead only onto `b`'s day, so `b` supersedes it (going back to Wed 4 comes after
/// that, for `next_open_day`). Audit 145: with `b` listed first, `a` went back to Wed 4 (a
/// course's day-7 call four days early, the next session's day-1 call placed before it).
#[test]
fn a_call_is_superseded_by_the_next_whichever_step_the_program_lists_first() {
    let a = r#"{"id": "a", "offset": "P3D", "expires": "P2D", "title": {"zh": "a", "en": "a"}}"#;
    let b = r#"{"id": "b", "offset": "P5D", "title": {"zh": "b", "en": "b"}}"#;
    let ep = episode(
        r#"{"id": "e", "event": "procedure", "at": "2026-03-02T10:00", "patient": {"id": "p"}}"#,
    );
    let cal = closed_from("2026-03-05", "2026-03-06");
    for steps in [format!("{a}, {b}"), format!("{b}, {a}")] {
        let rules = crate::support::one_program(
            "o",
            &format!(
                r#""defaults": {{"channel": "phone", "role": "nurse", "time": "day"}}, "steps": [{steps}]"#
            ),
        );
        let p = rules.plan(&ep, &cal).unwrap();
        let got: Vec<String> = (p.tasks.iter())
            .map(|t| format!("{} {}", t.step(), t.due))
            .collect();
        assert_eq!(got, ["b 2026-03-07"], "{steps}");
        assert_eq!(dropped(&p), ["o/a/e/0 superseded b 2026-03-05"], "{steps}");
    }
}

/// A program's plan does not depend on the order its file lists its steps in (audit
/// 150, steps listed in reverse):
/// - calls on day 3 and day 6 after a procedure on Mon 2 Mar 2026 (`nearest_open_day`,
///   `max_shift` P3D, then dropped), the clinic closed 3-6 and 8-11 Mar: the day-3 call
///   (Thu 5) takes Sat 7, two days on (none before it after the event); the day-6 call
///   (Sun 8) finds Sat 7 held and Thu 12 four days on: `beyond_max_shift` — listed the
///   other way, the day-6 call took Sat 7 and the day-3 call was superseded;
/// - a first follow-up on day 3 and a staff-picked second one from day 4 (window to 26
///   days after) after a consultation on Sun 15 Feb 2026, closed 18 and 19 Feb: the first
///   takes Fri 20, and the second the next day, Sat 21 (`after_earlier_call`,
///   docs/rule-format.md, staff-picked windows) — listed the other way, the first was
///   superseded.
#[test]
fn a_programs_plan_does_not_depend_on_the_order_of_its_steps() {
    let step = |id: &str, more: &str| {
        format!(r#"{{"id": "{id}", {more}, "title": {{"zh": "{id}", "en": "{id}"}}}}"#)
    };
    let plan_both_ways = |defaults: &str, steps: [String; 2], ep: &str, cal: &Calendar| {
        let [a, b] = steps;
        [format!("{a}, {b}"), format!("{b}, {a}")].map(|steps| {
            let rules = crate::support::one_program(
                "o",
                &format!(r#""defaults": {defaults}, "steps": [{steps}]"#),
            );
            let p = rules.plan(&episode(ep), cal).unwrap();
            let mut got: Vec<String> = (p.tasks.iter())
                .map(|t| format!("{} {} {:?}", t.step(), t.due, t.shifted))
                .collect();
            got.extend(dropped(&p));
            got
        })
    };
    let closed = clinic(
        r#"{"closed_dates": ["2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06",
            "2026-03-08", "2026-03-09", "2026-03-10", "2026-03-11"]}"#,
    );
    let calls = plan_both_ways(
        r#"{"channel": "phone", "role": "nurse", "time": "day", "closed_day": "nearest_open_day",
            "max_shift": "P3D", "beyond_max_shift": "drop"}"#,
        [
            step("day-3", r#""offset": "P3D""#),
            step("day-6", r#""offset": "P6D""#),
        ],
        r#"{"id": "e", "event": "procedure", "at": "2026-03-02T11:00", "patient": {"id": "p"}}"#,
        &closed,
    );
    for got in calls {
        assert_eq!(
            got,
            [
                "day-3 2026-03-07 Some(ClosedDate)",
                "o/day-6/e/0 beyond_max_shift closed_date 2026-03-08"
            ]
        );
    }
    let follow_ups = plan_both_ways(
        r#"{"channel": "phone", "role": "consultant", "time": "afternoon", "closed_day": "next_open_day"}"#,
        [
            step("first", r#""offset": "P3D""#),
            step(
                "second",
                r#""offset": "P4D", "window": {"latest": "P26D"}, "picked_by": "consultant""#,
            ),
        ],
        r#"{"id": "e", "event": "consultation", "at": "2026-02-15T11:30", "patient": {"id": "p"}}"#,
        &closed_from("2026-02-18", "2026-02-19"),
    );
    for got in follow_ups {
        assert_eq!(
            got,
            [
                "first 2026-02-20 Some(ClosedDate)",
                "second 2026-02-21 Some(AfterEarlierCall)"
            ]
        );
    }
    // A course on Mon 2 Mar (sessions 2 and 6 Mar), closed as in the first case: a call
    // on day 3 (Thu 5) and a call two days after each session (Wed 4, Sun 8). The day-3
    // call takes Sat 7; session 1's call could only go there, past the day-3 call's rule
    // day: superseded by it; session 2's finds Sat 7 held and Thu 12 four days on:
    // `beyond_max_shift` (audit 152: listed first, session 2's call took Sat 7).
    let sessions = plan_both_ways(
        r#"{"channel": "phone", "role": "nurse", "time": "day", "closed_day": "nearest_open_day",
            "max_shift": "P3D", "beyond_max_shift": "drop"}"#,
        [
            step("day-3", r#""offset": "P3D""#),
            step(
                "after-session",
                r#""from": "each_session", "offset": "P2D""#,
            ),
        ],
        r#"{"id": "e", "event": "course", "at": "2026-03-02T10:00", "patient": {"id": "p"},
            "course": {"done": ["2026-03-02"], "planned": ["2026-03-06"]}}"#,
        &closed,
    );
    for got in sessions {
        assert_eq!(
            got,
            [
                "day-3 2026-03-07 Some(ClosedDate)",
                "o/after-session/e/1 superseded day-3 2026-03-04",
                "o/after-session/e/2 beyond_max_shift closed_date 2026-03-08"
            ]
        );
    }
}

/// `due earliest..latest` of the one task of a plan made by [`plan`].
fn days_of(step: &str, at: &str, cal: &str) -> String {
    let p = plan(step, at, cal);
    let t = p.tasks.first().expect("one task");
    format!("{} {}..{}", t.due, t.earliest, t.latest)
}

/// [`days_of`] of the step `step` writes with `, "fixed": true` in its window, and
/// without it.
fn fixed_and_not(step: impl Fn(&str) -> String, at: &str, cal: &str) -> [String; 2] {
    [
        days_of(&step(r#", "fixed": true"#), at, cal),
        days_of(&step(""), at, cal),
    ]
}

/// docs/rule-format.md, `"fixed": true`: a window's days stay where the rule puts them.
/// A D+1 call after Mon 2 Mar 2026, on time 3 days (Tue 3 to Fri 6), the desk closed on
/// Tue 3: it goes to Wed 4 either way; a fixed window still ends on Fri 6, one that
/// follows its due day on Sat 7 (and opens on Wed 4). Closed from Tue 3 to Fri 6, the
/// whole window: the first open day, Sat 7, on time that day only (from and until it).
#[test]
fn a_fixed_window_keeps_its_days_when_the_task_moves() {
    let at = "2026-03-02T10:00:00";
    let step = |fixed: &str| format!(r#""offset": "P1D", "window": {{"latest": "P3D"{fixed}}}"#);
    let tue = r#"{"closed_dates": ["2026-03-03"]}"#;
    assert_eq!(
        fixed_and_not(step, at, tue),
        [
            "2026-03-04 2026-03-03..2026-03-06",
            "2026-03-04 2026-03-04..2026-03-07"
        ]
    );
    let all = r#"{"closed_dates": ["2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"]}"#;
    assert_eq!(
        days_of(&step(r#", "fixed": true"#), at, all),
        "2026-03-07 2026-03-07..2026-03-07"
    );
}

/// A fixed window is searched both ways before any day outside it. "Around D+10" (Thu
/// 12 Mar, ± 3: Mon 9 to Sun 15) with `next_open_day`, closed Thu 12 to Mon 16: nothing
/// ahead inside the window, so back to Wed 11; not fixed, the call goes ahead to Tue 17
/// and its window with it (Sat 14 to Fri 20). With `previous_open_day`, a window from
/// the rule's day (Wed 4, on time to Fri 6) closed on Wed 4 only: back would leave the
/// window, so ahead to Thu 5; not fixed, back to Tue 3.
#[test]
fn a_fixed_window_is_searched_both_ways_first() {
    let at = "2026-03-02T10:00:00";
    let closed = r#"{"closed_dates": ["2026-03-12", "2026-03-13", "2026-03-14", "2026-03-15", "2026-03-16"]}"#;
    let around = |fixed: &str| {
        format!(
            r#""offset": "P10D", "window": {{"around": "P3D"{fixed}}}, "closed_day": "next_open_day""#
        )
    };
    assert_eq!(
        fixed_and_not(around, at, closed),
        [
            "2026-03-11 2026-03-09..2026-03-15",
            "2026-03-17 2026-03-14..2026-03-20"
        ]
    );
    let wed = r#"{"closed_dates": ["2026-03-04"]}"#;
    let previous = |fixed: &str| {
        format!(
            r#""offset": "P2D", "window": {{"latest": "P2D"{fixed}}}, "closed_day": "previous_open_day""#
        )
    };
    assert_eq!(
        fixed_and_not(previous, at, wed),
        [
            "2026-03-05 2026-03-04..2026-03-06",
            "2026-03-03 2026-03-03..2026-03-05"
        ]
    );
}

/// Audit 11 of 6 December. A fixed window "around D+45" (Thu 16 Apr 2026 ± 1) with
/// `previous_open_day`, closed from Tue 14 to Sun 19 Apr: nothing inside the window, so
/// back to Mon 13 Apr — on time that day only, not until the window's end (it was on time
/// until the 17th, and "open" on closed days). And a window that would open before the
/// event (a D+1 call on time from 3 days before its day): on time from the event's day,
/// Mon 2 Mar, not from Sat 28 Feb, before the surgery.
#[test]
fn a_window_outside_its_days_or_before_the_event_is_cut() {
    let at = "2026-03-02T10:00:00";
    let closed = r#"{"closed_dates": ["2026-04-14", "2026-04-15", "2026-04-16", "2026-04-17", "2026-04-18", "2026-04-19"]}"#;
    assert_eq!(
        days_of(
            r#""offset": "P45D", "window": {"around": "P1D", "fixed": true}, "closed_day": "previous_open_day""#,
            at,
            closed
        ),
        "2026-04-13 2026-04-13..2026-04-13"
    );
    assert_eq!(
        days_of(
            r#""offset": "P1D", "window": {"earliest": "-P3D", "latest": "P1D"}"#,
            at,
            "{}"
        ),
        "2026-03-03 2026-03-02..2026-03-04"
    );
}

/// docs/rule-format.md "Expiry": a message on the day of its event expires that day; other
/// messages 3 days after their last on-time day. A monthly message from the event's day
/// (`P0D`, `FREQ=MONTHLY;COUNT=3`, event Mon 2 Mar 2026 10:00): the first, on 2 Mar, is
/// the same-day message and expires that day; the next two, 2 Apr and 2 May, are not on
/// the event's day and expire 5 Apr and 5 May (audit 18: they expired on their own days).
/// With the message system closed on Thu 2 Apr, that message moves to the next day it
/// works, Fri 3 Apr, within its expiry (it went back to 1 Apr).
#[test]
fn a_repeat_from_the_events_day_expires_as_a_later_message() {
    let rules = crate::support::one_program(
        "r1",
        r#""steps": [{"id": "monthly-sms", "offset": "P0D", "repeat": "FREQ=MONTHLY;COUNT=3",
            "channel": "sms", "title": {"zh": "月度短信", "en": "Monthly message"}}]"#,
    );
    let ep = episode(
        r#"{"id": "e", "event": "procedure", "at": "2026-03-02T10:00", "patient": {"id": "p"}}"#,
    );
    let expiries = |cal: &Calendar| {
        let p = rules.plan(&ep, cal).unwrap();
        p.tasks
            .iter()
            .map(|t| format!("{} {:?}", t.due, t.expires.map(|d| d.to_string())))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        expiries(&Calendar::default()),
        [
            "2026-03-02 Some(\"2026-03-02\")",
            "2026-04-02 Some(\"2026-04-05\")",
            "2026-05-02 Some(\"2026-05-05\")"
        ]
    );
    let closed =
        Calendar::from_json("c", r#"{"messages": {"closed_dates": ["2026-04-02"]}}"#).unwrap();
    assert_eq!(
        expiries(&closed),
        [
            "2026-03-02 Some(\"2026-03-02\")",
            "2026-04-03 Some(\"2026-04-05\")",
            "2026-05-02 Some(\"2026-05-05\")"
        ]
    );
}

/// Audit 44: calls counted from two different facts are two lanes. A peel on Thu 12 Feb
/// 2026 at a clinic closed 17-23 Feb; a complaint recorded on Tue 17 Feb at 10:00 (closed:
/// its call goes to the next open day, Tue 24), a concern raised on Tue 24 at 09:30 (its
/// call that day). Both calls are kept on the 24th — the concern's call is not about the
/// complaint, which was dropped as `superseded` by it. Nor does the call about a second
/// concern cover the first: each fact is a lane of its own (audit 46: a request raised
/// the next evening superseded the resolution of the first, on a morning before it was
/// raised), and both calls are kept on the 24th (`merge_plans` makes them one call).
#[test]
fn calls_counted_from_two_different_facts_do_not_supersede_one_another() {
    let rules = phone_calls(
        "peel",
        r#"
            {"id": "day-1-call", "offset": "P1D", "title": {"zh": "1", "en": "1"}},
            {"id": "concern-call", "from": "fact:concern_raised", "title": {"zh": "c", "en": "c"}},
            {"id": "complaint-call", "from": "fact:complained", "title": {"zh": "k", "en": "k"}}"#,
    );
    let cal = clinic(
        r#"{"closed_dates": ["2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
                            "2026-02-21", "2026-02-22", "2026-02-23"]}"#,
    );
    let peel = |facts: &str| {
        let ep = episode(&format!(
            r#"{{"id": "e-1", "event": "procedure", "at": "2026-02-12T10:00",
                "patient": {{"id": "p-1"}}, "facts": [{facts}]}}"#
        ));
        rules.plan(&ep, &cal).unwrap()
    };
    let p = peel(
        r#"{"kind": "complained", "at": "2026-02-17T10:00"},
           {"kind": "concern_raised", "at": "2026-02-24T09:30"}"#,
    );
    assert_eq!(
        lines(&p),
        [
            "2026-02-13 day-1-call phone customer_service",
            "2026-02-24 complaint-call phone customer_service <- 2026-02-17 (closed_date)",
            "2026-02-24 concern-call phone customer_service",
        ]
    );
    assert_eq!(dropped(&p), Vec::<String>::new());
    let p = peel(
        r#"{"kind": "concern_raised", "at": "2026-02-17T10:00"},
           {"kind": "concern_raised", "at": "2026-02-24T09:30"}"#,
    );
    assert_eq!(
        lines(&p)[1..],
        [
            "2026-02-24 concern-call phone customer_service <- 2026-02-17 (closed_date)",
            "2026-02-24 concern-call phone customer_service",
        ]
    );
    assert_eq!(dropped(&p), Vec::<String>::new());
}

/// Audit 46 B2: a repair on Mon 1 Jun 2026 by a customer the sample calls back
/// (C-00003), requests raised on Mon 1 at 19:00 and Tue 2 at 19:00 (official 2026
/// calendar). Each is resolved the next morning, on time to its next day: the first on
/// Tue 2, the second on Wed 3. The first was superseded by the second, on a morning
/// before the second request was raised.
#[test]
fn two_requests_on_two_evenings_get_two_resolutions() {
    let p = crate::support::builtin()
        .plan(
            &episode(
                r#"{"id": "r", "event": "repair", "at": "2026-06-01T10:00", "patient": {"id": "C-00003"},
                    "facts": [{"kind": "request_raised", "at": "2026-06-01T19:00"},
                              {"kind": "request_raised", "at": "2026-06-02T19:00"}]}"#,
            ),
            &Calendar::china(2026).unwrap(),
        )
        .unwrap();
    let resolutions: Vec<String> = (p.tasks.iter())
        .filter(|t| t.step() == "request-resolution")
        .map(|t| format!("{} {}..{} #{}", t.due, t.earliest, t.latest, t.occurrence))
        .collect();
    assert_eq!(
        resolutions,
        [
            "2026-06-02 2026-06-01..2026-06-02 #0",
            "2026-06-03 2026-06-02..2026-06-03 #1"
        ]
    );
    assert_eq!(dropped(&p), Vec::<String>::new());
}

/// A chain of calls the first pass never planned: the built-in complaint program with its
/// calls moved to the next open day (an override), at a clinic open on Sundays only. A
/// complaint on Tue 3 Jan 1995, the callback promised for Wed 4 Jan: the first call
/// (Sun 8) would land on the promised callback's day, and is superseded by it; the
/// promised callback takes Sun 8. The callbacks every 3 days count from that day: rule
/// days 11, 14, 17, 20, 23, 26, 29 Jan, 1, 4, 7 Feb; the Sundays are 15, 22, 29 Jan, 5 and
/// 12 Feb. A callback whose next Sunday is on or past the next one's rule day is
/// superseded by it (docs/rule-format.md: the later call takes the day): 11 (→ 15, past
/// 14), 17 (→ 22, past 20), 23 and 26 (→ 29, past 26; on 29), 1 Feb (→ 5, past 4). The
/// first pass dropped the promised callback (the first call held Sun 8), so these
/// callbacks had no neighbours in the second pass: the one of 23 Jan took Sun 29 beside
/// the one of 29 Jan, and the one of 11 Jan kept Sun 15 over the one of the 14th (found
/// by the property test of lanes on 6 December).
#[test]
fn callbacks_the_first_pass_never_planned_keep_the_lane_order() {
    let rules = builtin_and(
        "next-open-day.json",
        r#"{"format": "followup/v1", "override": "complaint", "steps": {
                "first-call": {"closed_day": "next_open_day", "max_shift": null},
                "promised-callback": {"closed_day": "next_open_day", "max_shift": null},
                "until-resolved-callback": {"closed_day": "next_open_day", "max_shift": null}}}"#,
    );
    let cal = clinic(r#"{"closed_weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]}"#);
    let p = plan_of(
        &rules,
        &complaint("a", "1995-01-03T09:00", "1995-01-04", None),
        &cal,
    );
    let calls: Vec<String> = (p.tasks.iter())
        .filter(|t| t.step() == "until-resolved-callback" || t.step() == "promised-callback")
        .map(|t| format!("{} {} #{}", t.due, t.step(), t.occurrence))
        .collect();
    assert_eq!(
        calls,
        [
            "1995-01-08 promised-callback #0",
            "1995-01-15 until-resolved-callback #1",
            "1995-01-22 until-resolved-callback #3",
            "1995-01-29 until-resolved-callback #6",
            "1995-02-05 until-resolved-callback #8",
            "1995-02-12 until-resolved-callback #9",
        ]
    );
    let superseded: Vec<u32> = (p.dropped.iter())
        .filter(|d| d.step() == "until-resolved-callback")
        .map(|d| d.occurrence)
        .collect();
    assert_eq!(superseded, [0, 2, 4, 5, 7]);
}

/// Audit 42 B2: a plastic outpatient of Fri 25 Dec 2026 on the official 2026 calendar,
/// which covers 2026 only. The suture removal's default day is Fri 1 Jan 2027 (D+7), a
/// day the calendar does not know (New Year's Day, as it happens): the visit may still
/// move, and so may its reminder, due Thu 31 Dec 2026, a day the calendar covers — it
/// is `beyond_calendar` too (it was not). The day-6 call of the same day, counted from
/// the surgery, tells the patient the sutures come out tomorrow: it names the visit's
/// day, which may change, and is flagged too (audits 143, 144: it was not; see
/// `golden_real_day::a_call_naming_a_visit_past_the_calendar_is_flagged_as_the_visits_reminder_is`).
#[test]
fn a_reminder_of_a_visit_beyond_the_calendar_may_still_move() {
    let ep = episode(
        r#"{"id": "e10", "event": "procedure", "at": "2026-12-25T10:00",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p1"}}"#,
    );
    let p = crate::support::builtin()
        .plan(&ep, &Calendar::china(2026).unwrap())
        .unwrap();
    let beyond = |step: &str| {
        let t = p.tasks.iter().find(|t| t.step() == step).unwrap();
        (t.due.to_string(), t.beyond_calendar)
    };
    assert_eq!(
        beyond("suture-removal-reminder"),
        ("2026-12-31".to_string(), true)
    );
    assert_eq!(beyond("day-6-call"), ("2026-12-31".to_string(), true));
    assert_eq!(beyond("day-3-call"), ("2026-12-28".to_string(), false));
}

/// Audit 47: a call is not superseded by a later call the plan does not keep
/// (docs/rule-format.md: "When no later call of the lane is kept …, nothing supersedes
/// the call").
/// - A complaint on Mon 7 Sep 2026 at 15:00, its callback promised for Tue 8, resolved on
///   Wed 9 at 16:00, at a clinic open on Wednesdays and Saturdays and closed 7-9 Sep, the
///   first call and the promised callback moving to the next open day (an override): the
///   promised callback is stopped by the resolution, which comes before Sat 12, the first
///   day it could have; the first call takes Sat 12 (it was superseded by the stopped
///   callback: the complaint got no call). The confirmation (resolved + 1 day, Thu 10,
///   closed) is on Sat 12 too.
/// - A laser treatment on Sun 6 Sep at a clinic closed 7-9 Sep, the day-1 call moving to
///   the next open day, the day-3 call allowed no shift (`max_shift` P0D, then dropped):
///   the day-3 call (Wed 9) is dropped, and the day-1 call takes Thu 10 (it was superseded
///   by the dropped day-3 call: the first call came on day 6).
#[test]
fn a_call_is_not_superseded_by_a_call_the_plan_does_not_keep() {
    let with = builtin_and;
    let rules = with(
        "next.json",
        r#"{"format": "followup/v1", "override": "complaint", "steps": {
            "first-call": {"closed_day": "next_open_day"},
            "promised-callback": {"closed_day": "next_open_day"}}}"#,
    );
    let cal = clinic(
        r#"{"closed_weekdays": ["Mon", "Tue", "Thu", "Fri", "Sun"],
            "closed_dates": ["2026-09-07", "2026-09-08", "2026-09-09"]}"#,
    );
    let p = plan_of(
        &rules,
        &complaint(
            "c1",
            "2026-09-07T15:00",
            "2026-09-08",
            Some("2026-09-09T16:00"),
        ),
        &cal,
    );
    assert_eq!(
        lines(&p),
        [
            "2026-09-12 first-call phone customer_service <- 2026-09-07 (closed_date)",
            "2026-09-12 resolution-confirmation phone customer_service <- 2026-09-10 (closed_weekday)",
        ]
    );
    assert!(dropped(&p).contains(
        &"complaint/promised-callback/c1/0 stopped complaint_resolved 2026-09-08".to_string()
    ));
    let rules = with(
        "laser.json",
        r#"{"format": "followup/v1", "override": "laser-aftercare", "steps": {
            "day-1-call": {"closed_day": "next_open_day", "max_shift": null, "beyond_max_shift": null},
            "day-3-call": {"max_shift": "P0D", "beyond_max_shift": "drop"}}}"#,
    );
    let cal = clinic(r#"{"closed_dates": ["2026-09-07", "2026-09-08", "2026-09-09"]}"#);
    let p = plan_of(
        &rules,
        r#"{"id": "l1", "event": "procedure", "at": "2026-09-06T10:00",
            "attributes": {"category": "laser"}, "patient": {"id": "p"}}"#,
        &cal,
    );
    assert_eq!(
        lines(&p)[..2],
        [
            "2026-09-10 day-1-call phone customer_service <- 2026-09-07 (closed_date)",
            "2026-09-12 day-6-call phone customer_service",
        ]
    );
    assert_eq!(
        dropped(&p),
        [
            "laser-aftercare/day-3-call/l1/0 beyond_max_shift closed_date 2026-09-09",
            "laser-aftercare/review-reminder/l1/0 missing_anchor review_visit -",
            "laser-aftercare/review-thanks-sms/l1/0 missing_anchor review_visit -"
        ]
    );
}

/// Audit 47: a call that waits for a fact which came before its day is bounded by its own
/// expiry, not by the end of the wait. A laser treatment on Wed 24 Jun 2026, `recovered`
/// on Mon 21 Dec; the further-needs call (P6M, Thu 24 Dec; it waits for the recovery, at
/// most P3M) moving to the next open day, at a clinic closed 24 Dec - 3 Jan: the next open
/// day, Mon 4 Jan, is past the day the call expires (24 Dec + 7 days = Thu 31 Dec), so it
/// goes back to Wed 23 Dec, after the recovery (it went to 4 Jan, past its `expires`).
#[test]
fn a_call_whose_awaited_fact_came_is_not_moved_past_its_expiry() {
    let rules = builtin_and(
        "next.json",
        r#"{"format": "followup/v1", "override": "laser-aftercare", "steps": {
                "further-needs-call": {"closed_day": "next_open_day", "max_shift": null,
                                       "beyond_max_shift": null}}}"#,
    );
    let cal = closed_from("2026-12-24", "2027-01-03");
    let p = plan_of(
        &rules,
        r#"{"id": "l2", "event": "procedure", "at": "2026-06-24T11:30",
            "attributes": {"category": "laser"}, "patient": {"id": "p"},
            "facts": [{"kind": "recovered", "at": "2026-12-21T10:00"}]}"#,
        &cal,
    );
    let t = p
        .tasks
        .iter()
        .find(|t| t.step() == "further-needs-call")
        .unwrap();
    assert_eq!(
        (t.due.to_string(), t.expires.map(|e| e.to_string())),
        ("2026-12-23".to_string(), Some("2026-12-31".to_string()))
    );
}

/// Audit 48 A3: a call whose awaited fact came by its rule's day does not wait, so the
/// calendar moves it as any call: within its expiry, and never before the fact. The same
/// laser treatment and further-needs call (Thu 24 Dec, expiring Thu 31 Dec; here with a
/// `max_shift` of 30 days, so that only its expiry bounds it), `recovered` on Mon 21 Dec
/// at 10:00:
/// - closed 21 Dec - 3 Jan: the next open day (Mon 4 Jan) is past its expiry, and the
///   open days before it (20 Dec and earlier) come before the recovery: dropped
///   `expired` (it went to 4 Jan, its expiry moved with it, as if it had waited);
/// - closed 22 Dec - 3 Jan: back to the recovery's day, Mon 21 Dec, after 10:00.
#[test]
fn a_call_whose_awaited_fact_came_in_a_closure_expires_as_any_call() {
    let rules = builtin_and(
        "next.json",
        r#"{"format": "followup/v1", "override": "laser-aftercare", "steps": {
                "further-needs-call": {"closed_day": "next_open_day", "max_shift": "P30D",
                                       "beyond_max_shift": "drop"}}}"#,
    );
    let ep = r#"{"id": "l3", "event": "procedure", "at": "2026-06-24T11:30",
            "attributes": {"category": "laser"}, "patient": {"id": "p"},
            "facts": [{"kind": "recovered", "at": "2026-12-21T10:00"}]}"#;
    let p = plan_of(&rules, ep, &closed_from("2026-12-21", "2027-01-03"));
    assert!(
        lines_with(&p, "further-needs-call").is_empty(),
        "{:?}",
        lines(&p)
    );
    assert_eq!(
        dropped(&p),
        [
            "laser-aftercare/further-needs-call/l3/0 expired closed_date 2026-12-24",
            "laser-aftercare/review-reminder/l3/0 missing_anchor review_visit -",
            "laser-aftercare/review-thanks-sms/l3/0 missing_anchor review_visit -"
        ]
    );
    let p = plan_of(&rules, ep, &closed_from("2026-12-22", "2027-01-03"));
    let t = (p.tasks.iter())
        .find(|t| t.step() == "further-needs-call")
        .unwrap();
    assert_eq!(
        (t.due.to_string(), t.expires.map(|e| e.to_string())),
        ("2026-12-21".to_string(), Some("2026-12-31".to_string()))
    );
    assert!(t.window.start >= chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap());
}

/// Audit 46: a window never opens before the fact its step counts from. A concern raised
/// on Thu 5 Mar 2026 at 10:00, its call due that day with a window of three days before
/// (`"earliest": "-P3D"`): on time from the 5th, not from Mon 2 Mar, before anyone knew.
#[test]
fn a_window_never_opens_before_its_fact() {
    let rules = crate::support::one_program(
        "p1",
        r#""applies": {"event": "procedure"}, "steps": [
            {"id": "a", "from": "fact:concern", "window": {"earliest": "-P3D", "latest": "P0D"},
             "title": {"zh": "a", "en": "a"}}]"#,
    );
    let ep = episode(
        r#"{"id": "X1", "event": "procedure", "at": "2026-03-02T10:00", "patient": {"id": "p"},
            "facts": [{"kind": "concern", "at": "2026-03-05T10:00"}]}"#,
    );
    let p = rules.plan(&ep, &Calendar::default()).unwrap();
    let t = &p.tasks[0];
    assert_eq!(
        (t.earliest.to_string(), t.due.to_string()),
        ("2026-03-05".to_string(), "2026-03-05".to_string())
    );
}

/// Audit 46 A1: a step counted from another counts from its day "after any calendar
/// shift" (docs/rule-format.md), in the last pass as in the first. A peel on Tue 10 Feb
/// 2026 at a clinic closed 15-23 Feb, calls on days 5 and 8 and a follow-up two days
/// after the day-8 call: the day-5 call (15 Feb) could only go to Tue 24, past the day-8
/// call's rule day (18): superseded by it; the day-8 call takes Tue 24, and the follow-up
/// Thu 26 (it came on Fri 27, counted from the 25th, the day-8 call's day in the first
/// pass, when the day-5 call held the 24th).
#[test]
fn a_step_counted_from_a_call_counts_from_the_day_the_call_keeps() {
    let rules = phone_calls(
        "reg",
        r#"
            {"id": "day-5", "offset": "P5D", "expires": "P14D", "title": {"zh": "5", "en": "5"}},
            {"id": "day-8", "offset": "P8D", "title": {"zh": "8", "en": "8"}},
            {"id": "day-8-fu", "from": "day-8", "offset": "P2D", "title": {"zh": "f", "en": "f"}}"#,
    );
    let p = procedure_on(
        &rules,
        "R1",
        "2026-02-10T10:00",
        &closed_from("2026-02-15", "2026-02-23"),
    );
    assert_eq!(
        lines(&p),
        [
            "2026-02-24 day-8 phone customer_service <- 2026-02-18 (closed_date)",
            "2026-02-26 day-8-fu phone customer_service",
        ]
    );
    assert_eq!(dropped(&p), ["reg/day-5/R1/0 superseded day-8 2026-02-15"]);
}

/// The same when the call keeps its day only once a call that superseded it, and was
/// not kept itself, is forgotten (audit 170): a surgery on Mon 7 Sep 2026, weekends and
/// 21-25 Sep closed; calls on day 12 (Sat 19, never expiring), day 19 (Sat 26) and day 20
/// (Sun 27, expiring that day), a step three days after the day-19 call. The day-20
/// call has no day: `expired`; the day-19 call, which it had superseded, is kept on the
/// first open day, Mon 28, and supersedes the day-12 call; the step after it is on
/// Thu 1 Oct (it came on Fri 2, from the day-19 call's day of the first pass, Tue 29,
/// when the day-12 call held the 28th).
#[test]
fn a_step_counted_from_a_call_kept_once_its_superseder_is_forgotten_follows_it() {
    let rules = phone_calls(
        "ch",
        r#"
            {"id": "f-day12", "offset": "P12D", "expires": "never", "title": {"zh": "f", "en": "f"}},
            {"id": "b-day19", "offset": "P19D", "title": {"zh": "b", "en": "b"}},
            {"id": "a-day20", "offset": "P20D", "expires": "P0D", "title": {"zh": "a", "en": "a"}},
            {"id": "c-after-b", "from": "b-day19", "offset": "P3D", "title": {"zh": "c", "en": "c"}}"#,
    );
    let cal = clinic(
        r#"{"closed_dates": ["2026-09-21", "2026-09-22", "2026-09-23", "2026-09-24", "2026-09-25"],
            "closed_on_weekends": true}"#,
    );
    let p = procedure_on(&rules, "ep-ch", "2026-09-07T16:00", &cal);
    assert_eq!(
        lines(&p),
        [
            "2026-09-28 b-day19 phone customer_service <- 2026-09-26 (weekend)",
            "2026-10-01 c-after-b phone customer_service",
        ]
    );
    assert_eq!(
        dropped(&p),
        [
            "ch/a-day20/ep-ch/0 expired weekend 2026-09-27",
            "ch/f-day12/ep-ch/0 superseded b-day19 2026-09-19",
        ]
    );
}

/// Audit 48 A2: the calls counted from a call follow it wherever it goes, so they never
/// bound it nor supersede it. A complaint on Tue 10 Mar 2026 at 22:31, the callback
/// promised for Wed 11, at a clinic open on Tuesdays and Saturdays, every complaint step
/// moving to the nearest open day within 3 days (else kept on its closed day): the
/// promised callback cannot go back to Tue 10 (before the day it counts from) and goes to
/// Sat 14; the first call (after hours, then Sat 14) would pass its rule day: superseded.
/// The callbacks every 3 days count from Sat 14: 17 (Tue), 20 → Sat 21, 23 → Tue 24,
/// 26 → Sat 28 (a tie with Tue 24, taken: the later), 29 → Tue 31 (Sat 28 is taken),
/// 1 Apr → Sat 4 (the next one's rule day: superseded). The promised callback was
/// superseded by the callbacks counted from it, and the complaint got no call at all.
#[test]
fn calls_counted_from_a_call_never_supersede_it() {
    let rules = builtin_and(
        "nearest.json",
        r#"{"format": "followup/v1", "override": "complaint",
                "defaults": {"max_shift": "P3D", "beyond_max_shift": "keep"}, "steps": {
                "first-call": {"closed_day": "nearest_open_day", "max_shift": null, "beyond_max_shift": null},
                "promised-callback": {"closed_day": "nearest_open_day", "max_shift": null, "beyond_max_shift": null},
                "until-resolved-callback": {"closed_day": "nearest_open_day", "max_shift": null, "beyond_max_shift": null}}}"#,
    );
    let cal = clinic(r#"{"closed_weekdays": ["Mon", "Wed", "Thu", "Fri", "Sun"]}"#);
    let p = plan_of(
        &rules,
        &complaint("C1", "2026-03-10T22:31", "2026-03-11", None),
        &cal,
    );
    let days: Vec<String> = (p.tasks.iter())
        .filter(|t| t.step() != "resolution-confirmation")
        .take(6)
        .map(|t| format!("{} {}", t.due, t.step()))
        .collect();
    assert_eq!(
        days,
        [
            "2026-03-14 promised-callback",
            "2026-03-17 until-resolved-callback",
            "2026-03-21 until-resolved-callback",
            "2026-03-24 until-resolved-callback",
            "2026-03-28 until-resolved-callback",
            "2026-03-31 until-resolved-callback",
        ]
    );
    assert!(dropped(&p)
        .iter()
        .any(|d| d == "complaint/first-call/C1/0 superseded promised-callback 2026-03-10"));
}

/// Audit 50: a call the plan drops is not a neighbour of the next pass, and comes back
/// dropped as it was, nor is a call it superseded forgotten with it.
/// - A complaint on Tue 17 Feb 2026 at 20:45, its callback promised for Fri 20 (moving to
///   the next open day within 3 days, else kept), resolved on Sun 22 at 15:20, at a clinic
///   open on Mondays only: the promised callback would be on Mon 23, after the
///   resolution: `stopped`; the first call (after hours, next open day Mon 23) is kept on
///   Mon 23 (the promised callback came back on its closed Friday, before it).
/// - A phone lead who did not come on Wed 4 Nov 2026 at 19:30, at a clinic open on
///   Mondays and Wednesdays, the first follow-up moving within 3 days (else kept), the
///   second allowed no move (else dropped): the second follow-up (Sun 8) is dropped; the
///   first (Sat 7) takes Mon 9; the no-show call (after hours, Mon 9) would pass its rule
///   day: superseded by it (the first follow-up stayed on its closed Saturday).
#[test]
fn a_call_the_plan_drops_comes_back_dropped_and_leaves_what_it_superseded() {
    let rules = builtin_and(
        "complaint.json",
        r#"{"format": "followup/v1", "override": "complaint", "steps": {
            "first-call": {"closed_day": "next_open_day"},
            "promised-callback": {"closed_day": "next_open_day", "max_shift": "P3D",
                                  "beyond_max_shift": "keep"}}}"#,
    );
    let mondays = clinic(r#"{"closed_weekdays": ["Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}"#);
    let p = plan_of(
        &rules,
        &complaint(
            "k",
            "2026-02-17T20:45",
            "2026-02-20",
            Some("2026-02-22T15:20"),
        ),
        &mondays,
    );
    assert_eq!(
        lines(&p)[0],
        "2026-02-23 first-call phone customer_service <- 2026-02-17 (closed_weekday)"
    );
    assert!(dropped(&p)
        .contains(&"complaint/promised-callback/k/0 stopped complaint_resolved 2026-02-20".into()));
    let rules = builtin_and(
        "presales.json",
        r#"{"format": "followup/v1", "override": "presales", "steps": {
            "first-follow-up": {"max_shift": "P3D", "beyond_max_shift": "keep"},
            "second-follow-up": {"max_shift": "P0D", "beyond_max_shift": "drop"}}}"#,
    );
    let cal = clinic(r#"{"closed_weekdays": ["Tue", "Thu", "Fri", "Sat", "Sun"]}"#);
    let p = plan_of(
        &rules,
        r#"{"id": "n", "event": "consultation", "at": "2026-11-04T19:30", "patient": {"id": "p"},
            "attributes": {"outcome": "no_show", "source": "phone"}}"#,
        &cal,
    );
    assert_eq!(
        lines_with(&p, "follow-up"),
        ["2026-11-09 first-follow-up phone consultant <- 2026-11-07 (closed_weekday)"]
    );
    assert_eq!(
        crate::support::dropped_with(&p, "presales/"),
        [
            "presales/no-show-call/n/0 superseded first-follow-up 2026-11-04",
            "presales/second-follow-up/n/0 beyond_max_shift closed_weekday 2026-11-08",
        ]
    );
}

/// Audit 51: a `superseded` drop names the next call of its lane the plan keeps. A
/// plastic outpatient on Fri 2 Oct 2026 at a clinic closed 3-8 Oct, the day-1 and day-3
/// calls moving to the next open day (within 7 days, else kept): the day-6 call keeps
/// Fri 9 Oct; the day-3 call (5 Oct) could only go there: superseded by it; the day-1
/// call (3 Oct) too — by the day-6 call, the next call kept (it named the day-3 call,
/// itself dropped).
#[test]
fn a_superseded_call_names_the_next_call_kept() {
    let rules = builtin_and(
        "calls.json",
        r#"{"format": "followup/v1", "override": "plastic-aftercare", "steps": {
            "day-1-call": {"closed_day": "next_open_day", "max_shift": "P7D", "beyond_max_shift": "keep"},
            "day-3-call": {"closed_day": "next_open_day", "max_shift": "P7D", "beyond_max_shift": "keep"}}}"#,
    );
    let cal = closed_from("2026-10-03", "2026-10-08");
    let p = plan_of(
        &rules,
        r#"{"id": "S", "event": "procedure", "at": "2026-10-02T10:00", "patient": {"id": "p"},
            "attributes": {"category": "plastic", "setting": "outpatient"}}"#,
        &cal,
    );
    assert_eq!(
        crate::support::dropped_with(&p, "-call/"),
        [
            "plastic-aftercare/day-1-call/S/0 superseded day-6-call 2026-10-03",
            "plastic-aftercare/day-3-call/S/0 superseded day-6-call 2026-10-05",
        ]
    );
    assert_eq!(
        lines_with(&p, "day-6-call"),
        ["2026-10-09 day-6-call phone customer_service <- 2026-10-08 (closed_date)"]
    );
}

/// docs/rule-format.md, anchors: a step counted from another counts from "the day it is
/// due (after any calendar shift)" — down a chain of any length (audit 156). A course on
/// Fri 24 Jul 2026 (session 1 that day), closed Sun 26, `previous_open_day`, one lane:
/// the session's day-1 call keeps Sat 25; the day-2 call (Sun 26) cannot go back onto
/// it nor onto the event's day, so it goes ahead to Mon 27; the call two days after it
/// is on Wed 29, and the call a day after that on Thu 30 (it was on Tue 28, counted from
/// where its parent stood before the recount, a day before its parent).
#[test]
fn a_chain_of_steps_counts_each_link_from_the_day_its_parent_keeps() {
    let rules = crate::support::one_program(
        "gx",
        r#""defaults": {"channel": "phone", "role": "nurse", "time": "day", "closed_day": "previous_open_day"},
           "steps": [
             {"id": "day-2", "offset": "P2D", "title": {"zh": "a", "en": "a"}},
             {"id": "two-after", "from": "day-2", "offset": "P2D", "title": {"zh": "b", "en": "b"}},
             {"id": "session-day-1", "from": "each_session", "offset": "P1D", "title": {"zh": "c", "en": "c"}},
             {"id": "one-after", "from": "two-after", "offset": "P1D", "title": {"zh": "d", "en": "d"}}]"#,
    );
    let ep = episode(
        r#"{"id": "e", "event": "course", "at": "2026-07-24T14:00", "patient": {"id": "p"},
            "course": {"done": ["2026-07-24"], "planned": []}}"#,
    );
    let p = rules
        .plan(&ep, &closed_from("2026-07-26", "2026-07-26"))
        .unwrap();
    let got: Vec<String> = (p.tasks.iter())
        .map(|t| format!("{} {}", t.step(), t.due))
        .collect();
    assert_eq!(
        got,
        [
            "session-day-1 2026-07-25",
            "day-2 2026-07-27",
            "two-after 2026-07-29",
            "one-after 2026-07-30"
        ]
    );
}
