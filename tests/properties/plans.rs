//! Plans: determinism, ids, order, anchors, calendar shifts, serde round trips of plans,
//! episodes, calendars and rule sets.

use super::months::months_variants;
use super::*;

proptest! {
    #![proptest_config(cases(64))]

    /// Planning is a pure function: twice with the same rule set, with a clone of it and
    /// with a second rule set compiled separately, give the same bytes.
    #[test]
    fn prop_same_input_same_output(ep in arb_any_episode(), spec in arb_calendar_spec()) {
        let cal = spec.build(ep.date());
        let clone = builtin().clone();
        for cal in [Calendar::default(), cal] {
            let first = to_json(&builtin().plan(&ep, &cal).unwrap());
            prop_assert_eq!(&first, &to_json(&builtin().plan(&ep, &cal).unwrap()));
            prop_assert_eq!(&first, &to_json(&clone.plan(&ep, &cal).unwrap()));
            prop_assert_eq!(&first, &to_json(&builtin_again().plan(&ep, &cal).unwrap()));
        }
    }

    /// Ids are unique across tasks and dropped entries, and are
    /// `program/step/episode/occurrence`.
    #[test]
    fn prop_ids_unique_within_a_plan(ep in arb_any_episode(), spec in arb_calendar_spec()) {
        for cal in [Calendar::default(), spec.build(ep.date())] {
            let plan = builtin().plan(&ep, &cal).unwrap();
            let ids = all_ids(&plan);
            let unique: BTreeSet<&String> = ids.iter().collect();
            prop_assert_eq!(unique.len(), ids.len(), "duplicate ids in {:?}", ids);
            for t in &plan.tasks {
                let suffix = t.derived.map(|d| format!("/{}", d.name())).unwrap_or_default();
                prop_assert_eq!(&t.id(), &format!("{}/{}/{}/{}{suffix}", t.program(), t.step(), ep.id, t.occurrence));
            }
            for d in &plan.dropped {
                prop_assert_eq!(&d.id(), &format!("{}/{}/{}/{}", d.program(), d.step(), ep.id, d.occurrence));
            }
        }
    }

    /// Moving the event (and every milestone date with it) changes no id, with or without
    /// closed days. A derived task (a supervisor's escalation) comes with the occurrence
    /// it is made from, kept or dropped: it is counted with it.
    #[test]
    fn prop_ids_stable_when_dates_move(
        ep in arb_any_episode(),
        days in -4000i64..4000,
        spec in arb_calendar_spec(),
    ) {
        let moved = shifted(&ep, days);
        for cal in [Calendar::default(), spec.build(ep.date())] {
            let before = builtin().plan(&ep, &cal).unwrap();
            let after = builtin().plan(&moved, &cal).unwrap();
            let own = |p: &Plan| -> BTreeSet<String> {
                let base: BTreeSet<String> = p.tasks.iter().filter(|t| t.derived.is_none()).map(|t| t.id()).collect();
                for t in p.tasks.iter().filter(|t| t.derived.is_some()) {
                    let id = t.id();
                    let (of, _) = id.rsplit_once('/').unwrap();
                    assert!(base.contains(of), "{id} without its occurrence");
                }
                base.into_iter().chain(p.dropped.iter().map(|d| d.id().clone())).collect()
            };
            let (a, b) = (own(&before), own(&after));
            prop_assert_eq!(a, b);
        }
    }

    /// Tasks come sorted by (due, window start, program, step, occurrence); dropped
    /// entries by (program, step, occurrence).
    #[test]
    fn prop_tasks_sorted(
        ep in arb_any_episode(),
        spec in arb_calendar_spec(),
        variant in 0usize..5,
    ) {
        let rules = &policy_variants()[variant];
        for cal in [Calendar::default(), spec.build(ep.date())] {
            let plan = rules.plan(&ep, &cal).unwrap();
            let keys: Vec<_> = plan
                .tasks
                .iter()
                .map(|t| (t.due, t.window.start, t.program(), t.step(), t.occurrence))
                .collect();
            prop_assert!(keys.windows(2).all(|w| w[0] <= w[1]), "unsorted: {:?}", keys);
            let dropped: Vec<_> =
                plan.dropped.iter().map(|d| (d.program(), d.step(), d.occurrence)).collect();
            prop_assert!(dropped.windows(2).all(|w| w[0] <= w[1]), "unsorted: {:?}", dropped);
        }
    }

    /// No task is due before the event unless its step's offset is negative (in the
    /// built-ins: the dressing-change and suture-removal reminders), whatever the
    /// calendar and whatever the closed-day policy. Every anchor of the built-in programs
    /// is on or after the event (the episodes give discharge and review dates after it).
    #[test]
    fn prop_no_task_due_before_its_anchor(
        ep in arb_any_episode(),
        spec in arb_calendar_spec(),
        variant in 0usize..5,
    ) {
        let rules = &policy_variants()[variant];
        let facts = step_facts(rules);
        for cal in [Calendar::default(), spec.build(ep.date())] {
            let plan = rules.plan(&ep, &cal).unwrap();
            for t in &plan.tasks {
                let f = &facts[&(t.program().to_string(), t.step().to_string())];
                if !f.negative {
                    prop_assert!(
                        t.due >= ep.date(),
                        "{} is due {} (nominal {}), before the event {} (policy {:?}, calendar {:?})",
                        t.id(), t.due, t.nominal, ep.date(), f.closed_day, cal
                    );
                }
            }
        }
    }

    /// No task is due on the event's day before the event's time: its window starts at
    /// the event's time (to the minute) at the earliest.
    #[test]
    fn prop_no_task_before_the_event_time(
        ep in arb_any_episode(),
        spec in arb_calendar_spec(),
        variant in 0usize..5,
    ) {
        let rules = &policy_variants()[variant];
        for cal in [Calendar::default(), spec.build(ep.date())] {
            let plan = rules.plan(&ep, &cal).unwrap();
            for t in plan.tasks.iter().filter(|t| t.due == ep.date()) {
                prop_assert!(
                    t.window.start >= ceil_minute(ep.at.time()),
                    "{} starts at {} on the event's day, before the event at {}",
                    t.id(), t.window.start, ep.at.time()
                );
            }
        }
    }

    /// No reminder comes on or after the visit it announces (a step with a negative
    /// offset from a milestone), whatever the calendar and the policy: the visit is the
    /// date the episode gives, else its default day moved to an open day (found here
    /// independently); the reminder expires the day before it.
    #[test]
    fn prop_no_reminder_after_its_visit(
        ep in arb_episode(),
        spec in arb_calendar_spec(),
        variant in 0usize..5,
    ) {
        let rules = &policy_variants()[variant];
        let facts = step_facts(rules);
        for cal in [Calendar::default(), spec.build(ep.date())] {
            let plan = rules.plan(&ep, &cal).unwrap();
            for t in &plan.tasks {
                let f = &facts[&(t.program().to_string(), t.step().to_string())];
                let Some(milestone) = &f.milestone else { continue };
                if !f.negative {
                    continue;
                }
                let visit = match (ep.milestones.get(milestone), &f.milestone_default) {
                    (Some(dates), _) => dates.0[t.occurrence as usize],
                    (None, Some((_, default, policy))) => visit_day(&cal, ep.date(), default, *policy),
                    (None, None) => unreachable!("{} has no anchor date", t.id()),
                };
                prop_assert!(
                    t.due < visit,
                    "{} is due {} (nominal {}), not before its visit {} (calendar {:?})",
                    t.id(), t.due, t.nominal, visit, cal
                );
                prop_assert_eq!(t.expires, Some(plus(visit, -1)), "{}", t.id());
            }
        }
    }

    /// With a calendar: a task its calendar did not move is due on its nominal day (or
    /// follows its moved visit); a moved one says why, and why is true of the day it left;
    /// every task is on a day its channel works, unless its step keeps closed days (or
    /// keeps its day beyond its `max_shift`); no task is dropped for want of an open day.
    #[test]
    fn prop_calendar_shifts_land_on_days_the_channel_works(
        ep in arb_any_episode(),
        spec in arb_calendar_spec(),
        variant in 0usize..5,
    ) {
        let rules = &policy_variants()[variant];
        let facts = step_facts(rules);
        let cal = spec.build(ep.date());
        let plan = rules.plan(&ep, &cal).unwrap();
        for t in &plan.tasks {
            // `closed` is the calendar's word on the task's channel and due day, and only
            // tasks kept on their day carry one.
            prop_assert_eq!(t.closed, cal.closed_reason_for(t.channel(), t.due), "{}", t.id());
            // A supervisor's escalation is internal work, on a day the clinic is open.
            if t.derived.is_some() {
                prop_assert!(cal.works(t.channel(), t.due), "{} is due on {} ({:?})", t.id(), t.due, cal);
                continue;
            }
            let f = &facts[&(t.program().to_string(), t.step().to_string())];
            // Steps counted from a visit's default day may follow the visit when it moves.
            let follows_visit = f.milestone_default.as_ref()
                .is_some_and(|(m, _, _)| !ep.milestones.contains_key(m));
            match t.shifted {
                None => prop_assert_eq!(t.due, t.nominal, "{}", t.id()),
                Some(ShiftReason::AnchorMoved) => {
                    prop_assert!(follows_visit, "{}", t.id());
                    prop_assert_ne!(t.due, t.nominal, "{}", t.id());
                }
                Some(ShiftReason::WaitedForFact | ShiftReason::WaitEnded) => {
                    prop_assert!(t.due > t.nominal, "{}", t.id())
                }
                Some(ShiftReason::AfterEvent) => prop_assert!(t.due > ep.date(), "{}", t.id()),
                // A staff-picked window after the call the calendar moved onto it: the day
                // after that call's, which reached the window.
                Some(ShiftReason::AfterEarlierCall) => {
                    prop_assert!(t.picked_by().is_some() && t.due > t.nominal, "{}", t.id());
                    let call = plan.tasks.iter().any(|o| {
                        o.program() == t.program()
                            && (o.channel(), o.role()) == (t.channel(), t.role())
                            && o.nominal < t.nominal
                            && o.due >= t.nominal
                            && o.due < t.due
                    });
                    prop_assert!(call, "{} follows no earlier call ({:?})", t.id(), cal);
                }
                Some(reason) => {
                    // A task following its moved visit may come back to its nominal day.
                    if !follows_visit {
                        prop_assert_ne!(t.due, t.nominal, "{}", t.id());
                        prop_assert_eq!(cal.closed_reason_for(f.channel, t.nominal), Some(reason), "{}", t.id());
                    }
                    prop_assert_ne!(f.closed_day, ClosedDay::Keep, "{}", t.id());
                }
            }
            // Kept on a closed day for staff on duty: its step keeps closed days, or keeps
            // its day beyond its max_shift — its rule's day, or after a late event the next
            // day (docs/rule-format.md, `beyond_max_shift: keep`) — and says so in `closed`.
            let kept = f.closed_day == ClosedDay::Keep
                || (f.keep_beyond && matches!(t.shifted, None | Some(ShiftReason::AfterEvent)));
            if !kept {
                prop_assert!(cal.works(f.channel, t.due), "{} is due on {}, when {:?} does not work ({:?})", t.id(), t.due, f.channel, cal);
            } else if !cal.works(f.channel, t.due) {
                prop_assert!(t.closed.is_some(), "{} is kept on closed {} and does not say so", t.id(), t.due);
            }
        }
        for d in &plan.dropped {
            // A calendar with an open weekday always has an open day near any date; only
            // a reminder, held between the event and its visit, may find none.
            let f = &facts[&(d.program().to_string(), d.step().to_string())];
            if !f.negative {
                prop_assert_ne!(d.reason, DropReason::NoOpenDay, "{} dropped ({:?})", d.id(), cal);
            }
        }
    }

    /// A step with a `max_shift` is never moved by the calendar further than it from the
    /// day its rule gives (an after-event move counts unless the step keeps its day).
    #[test]
    fn prop_no_shift_beyond_max_shift(ep in arb_any_episode(), spec in arb_calendar_spec()) {
        let rules = builtin();
        let facts = step_facts(rules);
        let cal = spec.build(ep.date());
        let plan = rules.plan(&ep, &cal).unwrap();
        for t in &plan.tasks {
            let f = &facts[&(t.program().to_string(), t.step().to_string())];
            let Some(max) = f.max_shift else { continue };
            let counted = match t.shifted {
                None
                | Some(
                    ShiftReason::AnchorMoved | ShiftReason::WaitedForFact | ShiftReason::WaitEnded,
                ) => false,
                Some(ShiftReason::AfterEvent) => !f.keep_beyond,
                Some(_) => f.milestone_default.is_none(),
            };
            if counted {
                let days = (t.due - t.nominal).num_days().abs();
                prop_assert!(days <= max, "{} moved {} days from {} to {}, max_shift {}", t.id(), days, t.nominal, t.due, max);
            }
        }
    }

    /// Tasks of one program on one channel and role keep the order of their rule days: a
    /// task the calendar moved never shares its day with another of another rule day, nor
    /// passes one, nor lands on or passes another's rule day (even when that one moved
    /// too), except the first day of a later staff-picked window.
    #[test]
    fn prop_shifted_tasks_never_share_a_day_or_pass_another(
        ep in arb_any_episode(),
        spec in arb_calendar_spec(),
        variant in 0usize..5,
    ) {
        let rules = &policy_variants()[variant];
        let facts = step_facts(rules);
        let cal = spec.build(ep.date());
        let plan = rules.plan(&ep, &cal).unwrap();
        let moved = |t: &followup::plan::Task| !matches!(
            t.shifted,
            None | Some(ShiftReason::AnchorMoved | ShiftReason::WaitedForFact | ShiftReason::WaitEnded)
        );
        // A task counted from a fact is in a lane of its own, one per fact.
        let from_fact =
            |t: &followup::plan::Task| facts[&(t.program().to_string(), t.step().to_string())].from_fact;
        // The rule day: `nominal` counts from a visit's default day; the lane orders a
        // task by the day its rule gives from the visit as the calendar moved it.
        let rule_day = |t: &followup::plan::Task| {
            let f = &facts[&(t.program().to_string(), t.step().to_string())];
            match &f.milestone_default {
                Some((m, default, policy)) if !ep.milestones.contains_key(m) => {
                    let visit = visit_day(&cal, ep.date(), default, *policy);
                    let Landing::Date(d) = f.offset.apply(visit, MonthEnd::Clamp) else {
                        unreachable!()
                    };
                    d
                }
                _ => t.nominal,
            }
        };
        for t in plan.tasks.iter().filter(|t| moved(t)) {
            let t_rule = rule_day(t);
            for o in &plan.tasks {
                let o_rule = rule_day(o);
                // Tasks the rules put on one day may share it.
                if std::ptr::eq(o, t)
                    || o.program() != t.program()
                    || o.channel() != t.channel()
                    || o.role() != t.role()
                    || o_rule == t_rule
                    || from_fact(o)
                    || from_fact(t)
                {
                    continue;
                }
                prop_assert_ne!(o.due, t.due, "{} and {} share {} ({:?})", t.id(), o.id(), t.due, cal);
                if o_rule < t_rule {
                    prop_assert!(o.due < t.due, "{} passed {} ({:?})", t.id(), o.id(), cal);
                }
                if o_rule > t_rule {
                    prop_assert!(o.due > t.due, "{} passed {} ({:?})", t.id(), o.id(), cal);
                }
                // A staff-picked task's rule day opens its window: the call before it
                // may take that day or a later one (the picked task then comes after
                // it, checked above).
                if o_rule > t_rule && o.picked_by().is_none() {
                    prop_assert!(t.due < o_rule, "{} reached the rule day of {} ({:?})", t.id(), o.id(), cal);
                } else if o_rule < t_rule {
                    prop_assert!(t.due > o_rule, "{} reached the rule day of {} ({:?})", t.id(), o.id(), cal);
                }
            }
        }
    }

    /// `next_open_day` (with no `max_shift`) lands on the first day on or after the
    /// nominal day that its channel works, long holidays included — unless that day
    /// already holds another task of the program on the channel, or is the event's day
    /// with no time left after the event, or comes after the task expires (then it falls
    /// back before) — for steps that count forward from their anchor.
    #[test]
    fn prop_next_open_day_is_the_first_open_day_after(
        ep in arb_any_episode(),
        spec in arb_calendar_spec(),
    ) {
        let rules = &policy_variants()[2];
        let facts = step_facts(rules);
        let cal = spec.build(ep.date());
        let plan = rules.plan(&ep, &cal).unwrap();
        for t in &plan.tasks {
            let f = &facts[&(t.program().to_string(), t.step().to_string())];
            let waited = matches!(t.shifted, Some(ShiftReason::WaitedForFact | ShiftReason::WaitEnded));
            if f.negative || f.milestone_default.is_some() || waited {
                continue;
            }
            let first = (0..800).map(|i| plus(t.nominal, i)).find(|&d| cal.works(f.channel, d)).unwrap();
            let held_by_other = |d: NaiveDate| {
                plan.tasks.iter().any(|o| {
                    o.program() == t.program() && o.channel() == t.channel() && o.role() == t.role()
                        && o.nominal != t.nominal && o.due == d
                })
            };
            if f.fixed_window && t.due < t.nominal {
                // A fixed window: back inside the window only when no day from the
                // nominal day to the window's end works and is free.
                prop_assert!(t.due >= t.earliest, "{} is due {} before its window {}", t.id(), t.due, t.earliest);
                let mut d = t.nominal;
                while d <= t.latest {
                    prop_assert!(!cal.works(f.channel, d) || held_by_other(d) || d == ep.date(),
                        "{} went back to {} though {} works", t.id(), t.due, d);
                    d = plus(d, 1);
                }
                continue;
            }
            if t.due < t.nominal {
                // Only when the task would expire before the first day after.
                prop_assert!(t.expires.is_some_and(|e| e < first), "{} is due {} before {}", t.id(), t.due, first);
                continue;
            }
            prop_assert!(t.due >= first, "{} is due {} before {}", t.id(), t.due, first);
            let mut d = first;
            while d < t.due {
                // Held by another task of the program on the channel, or before a task that
                // comes first by its rule (order is kept).
                let held = plan.tasks.iter().any(|o| {
                    o.program() == t.program()
                        && o.channel() == t.channel()
                        && o.role() == t.role()
                        && o.nominal != t.nominal
                        && (o.due == d || (o.nominal < t.nominal && o.due >= d))
                });
                let no_time_left = t.shifted == Some(ShiftReason::AfterEvent) && d == t.nominal;
                prop_assert!(
                    held || d == ep.date() || no_time_left || !cal.works(f.channel, d),
                    "{} is due {}, but {} works and is free (nominal {}, calendar {:?})",
                    t.id(), t.due, d, t.nominal, cal
                );
                d = plus(d, 1);
            }
        }
    }

    /// Plan → JSON → Plan gives the same plan.
    #[test]
    fn prop_plan_serde_round_trip(ep in arb_any_episode(), spec in arb_calendar_spec()) {
        let plan = builtin().plan(&ep, &spec.build(ep.date())).unwrap();
        let back: Plan = serde_json::from_str(&to_json(&plan)).unwrap();
        prop_assert_eq!(back, plan);
    }

    /// Episode → JSON → Episode gives the same episode, at any date of the years 1900 to
    /// 9899; outside them the reader refuses the text at `/at`, located: a year of 0000
    /// to 9999 as a placeholder for an unknown day (audit 34), any other (a date made in
    /// Rust) as it refuses `+12026-03-02` (dates are written `YYYY-MM-DD`).
    #[test]
    fn prop_episode_serde_round_trip(
        ep in arb_any_episode(),
        anywhen in prop::option::of(any_date()),
    ) {
        let far = anywhen.is_some_and(|d| !(1900..=9899).contains(&d.year()));
        let mut ep = ep;
        if let Some(d) = anywhen {
            ep.at = d.and_time(ep.at.time());
            // A birthday before 1900 is refused as a placeholder for "unknown".
            ep.patient.birthday = Some(d).filter(|d| d.year() >= 1900);
            // Dates of the episode before its event would be refused as slips.
            ep.milestones.clear();
            ep.course = None;
        }
        let text = serde_json::to_string(&ep).unwrap();
        match Episode::from_json("round-trip", &text) {
            Ok(back) => {
                prop_assert!(!far, "{text}");
                prop_assert_eq!(back, ep);
            }
            Err(e) => {
                prop_assert!(far, "{e}");
                let msg = e.to_string();
                let expected = if anywhen.is_some_and(|d| (0..=9999).contains(&d.year())) {
                    "expected a day of the years 1900 to 9899"
                } else {
                    "YYYY-MM-DD"
                };
                prop_assert!(msg.contains("round-trip: /at (line 1, column") && msg.contains(expected), "{msg}");
            }
        }
    }

    /// Calendar → JSON → Calendar gives the same calendar.
    #[test]
    fn prop_calendar_serde_round_trip(spec in arb_calendar_spec(), around in date_between(1990, 2090)) {
        let cal = spec.build(around);
        let text = serde_json::to_string(&cal).unwrap();
        let back = Calendar::from_json("round-trip", &text).unwrap();
        prop_assert_eq!(back, cal);
    }


    /// Patient-level task ids do not depend on the horizon asked: planning a longer
    /// horizon gives the same tasks for the days both cover (ids, days and times).
    #[test]
    fn prop_patient_plan_ids_do_not_depend_on_the_horizon(
        ep in arb_any_episode(),
        birthday in prop::option::of(date_between(1930, 2020)),
        from in date_between(1990, 2080),
        short in 0i64..500,
        more in 0i64..500,
        spec in arb_calendar_spec(),
    ) {
        let mut patient = ep.patient.clone();
        let cal = spec.build(from);
        let until = plus(from, short);
        // Born by the last day planned (a later birthday is refused, a slip).
        patient.birthday = birthday.filter(|b| *b <= until);
        let a = builtin().plan_patient(&patient, from, until, &cal).unwrap();
        let b = builtin().plan_patient(&patient, from, plus(until, more), &cal).unwrap();
        let within: Vec<_> = b.tasks.iter().filter(|t| t.nominal <= until).collect();
        prop_assert_eq!(within.len(), a.tasks.len());
        for (x, y) in a.tasks.iter().zip(within) {
            prop_assert_eq!(x, y);
        }
        let ids: BTreeSet<String> = all_ids(&b).into_iter().collect();
        prop_assert_eq!(ids.len(), b.tasks.len() + b.dropped.len(), "duplicate ids");
    }

    /// Dates at the very ends of the supported range give an error, never a panic.
    #[test]
    fn prop_plan_never_panics_on_extreme_dates(
        date in any_date(),
        variant in 0usize..5,
    ) {
        for category in ["plastic", "laser"] {
            let mut ep = episode_on(date);
            ep.attributes.insert("category".into(), category.into());
            ep.milestones.insert("discharge".into(), Dates(vec![date]));
            if let Err(e) = policy_variants()[variant].plan(&ep, &Calendar::default()) {
                check_error(&e, &format!("episode {:?}", ep.id));
            }
        }
    }
}

// Properties that compile rule sets in every case: fewer cases.
proptest! {
    #![proptest_config(cases(12))]

    /// RuleSet → JSON → RuleSet gives the same rule set (limits included), which plans
    /// the same.
    #[test]
    fn prop_ruleset_serde_round_trip(
        variant in 0usize..7,
        ep in arb_episode(),
        max_tasks_per_plan in 100usize..20_000,
        max_json_depth in 8usize..64,
    ) {
        let limits = Limits { max_tasks_per_plan, max_json_depth, ..Limits::default() };
        let rules = match variant {
            0..=3 => RuleSet::builder()
                .limits(limits)
                .source("builtin.json", serde_json::to_string(
                    &policy_variants()[variant].definitions().iter().map(|d| &d.program).collect::<Vec<_>>(),
                ).unwrap())
                .build()
                .unwrap(),
            _ => months_variants()[variant - 4].clone(),
        };
        let text = serde_json::to_string(&rules).unwrap();
        let back: RuleSet = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &rules);
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), text);
        let cal = Calendar::default();
        prop_assert_eq!(back.plan(&ep, &cal), rules.plan(&ep, &cal));
    }

    /// Planning with a rule set compiled afresh for each case gives the same bytes as
    /// with the shared one.
    #[test]
    fn prop_same_output_with_a_freshly_built_rule_set(
        eps in prop::collection::vec(arb_any_episode(), 8),
        spec in arb_calendar_spec(),
    ) {
        let fresh = RuleSet::builtin().unwrap();
        for ep in &eps {
            let cal = spec.build(ep.date());
            prop_assert_eq!(
                to_json(&builtin().plan(ep, &cal).unwrap()),
                to_json(&fresh.plan(ep, &cal).unwrap())
            );
        }
    }
}

/// The negative-offset steps of the built-in post-operative programs are the reminders
/// (dressing change, suture removal, review visit), as the properties above assume.
#[test]
fn builtin_negative_offset_steps_are_the_reminders() {
    let facts = step_facts(builtin());
    let negative: Vec<&str> = facts
        .iter()
        .filter(|((program, _), f)| program.ends_with("-aftercare") && f.negative)
        .map(|((_, step), _)| step.as_str())
        .collect();
    assert_eq!(
        negative,
        [
            "review-reminder",
            "dressing-change-reminder",
            "review-reminder",
            "suture-removal-reminder",
            "review-reminder"
        ]
    );
}
