//! `compliance`: on time, early, late, missed, expired and pending, counted by hand.

use super::*;

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
    // 19 March. Every window is the due day alone (P0D), but the suture-removal
    // confirmation's (P1D). Calls expire 7 days after their window, messages 3 days after,
    // reminders the day before their visit.
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
        // suture-removal-reminder (8th): none, and it expired on the 8th: expired
        done(
            &a("suture-removal-followup"),
            "2026-03-12T10:00:00",
            "wang",
            "sent",
        ), // due 10th, on time until the 11th: late
        // day-15-call (17th, onsite consultant): none, worth doing until the 24th: missed
        done(&b("day-1-call"), "2026-03-03T16:00:00", "li", "reached"), // on time
        // laser day-3-call (5th): none, expired on the 12th: expired
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

    let counts = |on_time, early, late, missed, expired, pending| ComplianceCounts {
        on_time,
        early,
        late,
        missed,
        expired,
        pending,
    };
    // 14 tasks due in March: 8 of ep-a, 3 of ep-b, 3 of ep-c.
    assert_eq!(report.tasks.len(), 14);
    assert_eq!(report.total, counts(5, 1, 2, 1, 2, 3));
    // Judged: 11. On time 5/11 = 454.5 ‰ → 455; done 8/11 = 727.3 → 727; missed 1/11 =
    // 90.9 → 91; expired 2/11 = 181.8 → 182.
    assert_eq!(report.total.on_time_per_mille(), Some(455));
    assert_eq!(report.total.done_per_mille(), Some(727));
    assert_eq!(report.total.missed_per_mille(), Some(91));
    assert_eq!(report.total.expired_per_mille(), Some(182));
    assert_eq!(report.total.not_done(), 3);

    // The onsite consultant has the reception (on time) and the day-15 call (missed).
    let by_role: Vec<(Role, ComplianceCounts)> = report.by_role.clone().into_iter().collect();
    assert_eq!(
        by_role,
        [
            (Role::CustomerService, counts(4, 1, 2, 0, 2, 3)),
            (Role::OnsiteConsultant, counts(1, 0, 0, 1, 0, 0)),
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
            ("li", counts(2, 0, 1, 0, 0, 0)), // ep-a day 6, ep-b day 1; ep-a day 3 late
            ("wang", counts(2, 1, 1, 0, 0, 0)), // ep-a day 1, ep-b day 6; reminder early; follow-up late
            ("zhao", counts(1, 0, 0, 0, 0, 0)),
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
        Some(ComplianceStatus::Expired)
    );
    assert_eq!(status(&a("day-15-call")), Some(ComplianceStatus::Missed));
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
        serde_json::from_str::<followup::replan::ComplianceReport>(&text).unwrap(),
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

/// The sample data of `cargo run --example worklist` against its hand tally
/// (`examples/data/README.md`): March 2026 as of 1 April.
#[test]
fn the_worklist_samples_match_their_hand_tally() {
    let episodes: Vec<Episode> =
        serde_json::from_str(include_str!("../../examples/data/episodes.json")).unwrap();
    let completions: Vec<Completion> =
        serde_json::from_str(include_str!("../../examples/data/completions.json")).unwrap();
    let plans: Vec<Plan> = episodes.iter().map(plan).collect();
    let period = CompliancePeriod {
        from: date("2026-03-01"),
        to: date("2026-03-31"),
        as_of: date("2026-04-01"),
    };
    let report = compliance(plans.iter().flat_map(|p| &p.tasks), &completions, &period);
    let t = report.total;
    assert_eq!(
        (
            t.total(),
            t.on_time,
            t.early,
            t.late,
            t.missed,
            t.expired,
            t.pending
        ),
        (29, 20, 0, 4, 1, 4, 0)
    );
    let cs = report.by_role[&Role::CustomerService];
    assert_eq!(
        (cs.total(), cs.on_time, cs.late, cs.missed, cs.expired),
        (23, 16, 3, 1, 3)
    );
    let onsite = report.by_role[&Role::OnsiteConsultant];
    assert_eq!(
        (onsite.total(), onsite.on_time, onsite.late, onsite.expired),
        (6, 4, 1, 1)
    );
    let person = |who: &str| {
        let c = report.by_person[who];
        (c.on_time, c.late)
    };
    assert_eq!(
        (person("li"), person("wang"), person("zhang")),
        ((6, 3), (10, 0), (4, 1))
    );
    assert_eq!(t.on_time_per_mille(), Some(690));
    assert_eq!(report.unknown.len(), 1);
}

/// A report as of a day counts the completions made by then only (the rustdoc: "as they
/// stand on `as_of`"; audit 9 of 6 December: a report as of 1 February credited calls
/// made in March). The laser session of Mon 2 Mar 2026: the day-1 call (due Tue 3) done
/// on the 3rd, the day-3 call (due Thu 5, on time that day, worth doing until the 12th)
/// done on Fri 20 Mar. As of Tue 10 Mar the day-3 call is missed (its day is past, it has
/// not expired) and its completion is not known yet; as of 31 March it is late. The
/// day-1 call is on time in both.
#[test]
fn a_report_as_of_a_day_counts_the_completions_made_by_then() {
    let p = plan(&procedure("ep-b", "laser", "outpatient", "2026-03-02"));
    let completions = [
        done(
            "laser-aftercare/day-1-call/ep-b/0",
            "2026-03-03T10:00:00",
            "wang",
            "reached",
        ),
        done(
            "laser-aftercare/day-3-call/ep-b/0",
            "2026-03-20T15:00:00",
            "wang",
            "reached",
        ),
    ];
    let status = |as_of: &str, step: &str| {
        let period = CompliancePeriod {
            from: date("2026-03-01"),
            to: date("2026-03-09"),
            as_of: date(as_of),
        };
        let r = compliance(&p.tasks, &completions, &period);
        let t = r.tasks.iter().find(|c| c.task.step() == step).unwrap();
        format!("{:?} {}", t.status, t.completion.is_some())
    };
    assert_eq!(status("2026-03-10", "day-1-call"), "OnTime true");
    assert_eq!(status("2026-03-10", "day-3-call"), "Missed false");
    assert_eq!(status("2026-03-31", "day-3-call"), "Late true");
}

/// The laser of Mon 2 Mar 2026, its day-1 call (Tue 3 Mar) made and the patient refusing
/// in it at 10:00 — recorded on the day-3 call's id (Thu 5 Mar). The day-1 call is done
/// on time; the day-3 call, closed by the refusal two days before its day, is not judged:
/// no call of its was made (audit 102: it counted as done early by its owner).
#[test]
fn a_call_a_refusal_closed_before_its_day_is_not_judged() {
    let ep = procedure("ep-b", "laser", "outpatient", "2026-03-02");
    let history = followup::history::History::from_json(
        "h",
        r#"{"outcomes": [
            {"task": "laser-aftercare/day-1-call/ep-b/0", "outcome": "done", "at": "2026-03-03T09:50", "by": "wang"},
            {"task": "laser-aftercare/day-3-call/ep-b/0", "outcome": "declined", "at": "2026-03-03T10:00", "by": "wang"}]}"#,
    )
    .unwrap();
    let p = rules()
        .plan_with(&ep, &history, &Calendar::default())
        .unwrap();
    let period = CompliancePeriod {
        from: date("2026-03-01"),
        to: date("2026-03-31"),
        as_of: date("2026-04-01"),
    };
    let r = compliance(&p.tasks, &[], &period);
    let judged: Vec<String> = (r.tasks.iter())
        .map(|c| format!("{} {:?}", c.task.step(), c.status))
        .collect();
    assert_eq!(judged, ["day-1-call OnTime"]);
    assert_eq!((r.total.on_time, r.total.early), (1, 0));
}

/// A task waiting for a fact is pending while its wait lasts, and expired when the wait
/// ended with no fact, as its status says (audit 73: it stayed pending for ever). The
/// laser of 2 March 2026: its further-needs call at M+3 (2 June) waits for `recovered`
/// for two months, until 2 August; no fact comes.
#[test]
fn a_task_whose_wait_ended_with_no_fact_is_expired() {
    let p = plan(&procedure("ep-w", "laser", "outpatient", "2026-03-02"));
    let id = "laser-aftercare/month-3-further-needs/ep-w/0";
    let t = p.tasks.iter().find(|t| t.id() == id).unwrap();
    assert_eq!(
        (t.due, t.expires),
        (date("2026-06-02"), Some(date("2026-08-02")))
    );
    let status = |as_of: &str| {
        let period = CompliancePeriod {
            from: date("2026-06-01"),
            to: date("2026-06-30"),
            as_of: date(as_of),
        };
        let report = compliance(&p.tasks, &[], &period);
        let checked = report.tasks.iter().find(|c| c.task.id() == id).unwrap();
        (
            checked.status,
            followup::plan::Status::of(&checked.task, date(as_of)),
        )
    };
    assert_eq!(
        status("2026-08-02"),
        (ComplianceStatus::Pending, followup::plan::Status::Waiting)
    );
    assert_eq!(
        status("2026-08-03"),
        (ComplianceStatus::Expired, followup::plan::Status::Expired)
    );
    assert_eq!(
        status("2030-01-01"),
        (ComplianceStatus::Expired, followup::plan::Status::Expired)
    );
}
