//! `compliance`: on time, early, late, missed and pending, counted by hand.

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
