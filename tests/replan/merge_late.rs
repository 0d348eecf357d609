//! A call the frequency cap would drop that is still worth doing after its window goes to
//! the first day after it that keeps the caps, up to its expiry (audit 184); messages keep
//! their days.

use super::*;

/// A peel course of 4 sessions (2 and 10 March done, 12 and 20 March planned), the
/// patient recovered on 11 March. One session is left after the third (Thu 12): the
/// onsite consultant's planning call (a sales call) is due Fri 13, on time that day
/// only, worth doing 7 days more (to Fri 20). The doctor's assistant's day-3 care call
/// after session 2 (Tue 10) is on Fri 13 too: one call a day, and a sales task never
/// joins a care contact. Before, the planning call was dropped (`frequency_cap`); now it
/// goes to Sat 14, the first day after its window with no call (the default calendar
/// closes no day).
#[test]
fn a_sales_call_the_cap_would_drop_goes_to_the_next_free_day_before_it_expires() {
    let ep = episode(
        r#"{"id": "ep-F", "event": "course", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "skin", "procedure": "peel"},
            "patient": {"id": "p-F"},
            "course": {"package": 4, "done": ["2026-03-02", "2026-03-10"], "planned": ["2026-03-12", "2026-03-20"]},
            "facts": [{"kind": "recovered", "at": "2026-03-11T10:00:00"}]}"#,
    );
    let p = plan(&ep);
    let planning = (p.tasks.iter())
        .find(|t| t.step() == "course-planning-call")
        .unwrap();
    assert_eq!(
        (planning.due, planning.latest, planning.expires),
        (
            date("2026-03-13"),
            date("2026-03-13"),
            Some(date("2026-03-20"))
        )
    );
    let merged = merge_plans(&[p], &ContactPolicy::default(), &Calendar::default());
    let phone_on = |day: &str| {
        (merged.contacts.iter())
            .filter(|c| c.channel == Channel::Phone && c.date == date(day))
            .map(|c| {
                (c.reasons.iter())
                    .map(|r| (r.task.step().to_string(), r.moved.map(|m| m.from)))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        phone_on("2026-03-13"),
        [vec![("session-care-call".to_string(), None)]]
    );
    assert_eq!(
        phone_on("2026-03-14"),
        [vec![(
            "course-planning-call".to_string(),
            Some(date("2026-03-13"))
        )]]
    );
    assert!(
        merged
            .dropped
            .iter()
            .all(|d| d.step() != "course-planning-call"),
        "{:?}",
        merged.dropped
    );
}
