//! Golden calendars, written by hand from docs/domain.md sections 1 and 2 (not copied from
//! the program's output). Each line: `due step channel role`; tasks on one day are in
//! step-id order (all built-in steps use the same `day` window).
//!
//! Dates were counted by hand: 2026-03-02 is a Monday, 2026-03-08 a Sunday.

use crate::support::{assert_calendar, builtin, episode, plan};
use followup::{calendar::Calendar, plan::DropReason};

/// docs/domain.md §1, inpatient rows; surgery Mon 2 Mar 2026, discharge Thu 5 Mar.
/// Suture removal has no date in the episode: the default D+7 (9 Mar) applies.
#[test]
fn plastic_inpatient_with_discharge_date() {
    let p = plan(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "plastic", "setting": "inpatient"},
            "patient": {"id": "p-1"}, "milestones": {"discharge": "2026-03-05"}}"#,
    );
    assert_calendar(
        &p,
        &[
            "2026-03-03 day-1-call phone customer_service", // D+1
            "2026-03-04 day-2-reassurance-sms sms customer_service", // D+2 安抚短信
            "2026-03-04 ward-visit in_person onsite_consultant", // D+2 关心探访
            "2026-03-05 day-3-call phone customer_service", // D+3
            "2026-03-05 discharge-farewell in_person onsite_consultant", // discharge day
            "2026-03-08 day-6-call phone customer_service", // D+6
            "2026-03-08 suture-removal-reminder sms customer_service", // day before D+7
            "2026-03-10 suture-removal-followup sms customer_service", // day after D+7
            "2026-03-17 day-15-call phone onsite_consultant", // D+15
            "2026-04-02 month-1-call phone customer_service", // M+1
            "2026-04-02 month-1-sms sms customer_service",  // M+1 关心短信
            "2026-05-02 month-2-call phone customer_service", // M+2
            "2026-06-02 month-3-call phone onsite_consultant", // M+3 会诊
            "2026-06-02 month-3-sms sms customer_service",  // M+3
            "2026-09-02 further-needs-call phone onsite_consultant", // M+6, selling: waits for recovery
            "2026-09-02 month-6-call phone onsite_consultant",       // M+6 care call
            "2026-09-02 month-6-sms sms customer_service",           // M+6
            "2027-03-02 month-12-sms sms customer_service",          // M+12
        ],
    );
    // No review visit was given: its reminder and thank-you message are listed as dropped.
    let ids: Vec<String> = p.dropped.iter().map(|d| d.id()).collect();
    assert_eq!(
        ids,
        [
            "plastic-aftercare/review-reminder/ep-1/0",
            "plastic-aftercare/review-thanks-sms/ep-1/0"
        ]
    );
    assert!(p
        .dropped
        .iter()
        .all(|d| d.reason == DropReason::MissingAnchor));
    // The selling part of month 6 waits for the patient to recover (docs/domain.md §8): for
    // three months at most, then it expires; the care call itself does not wait.
    let further = p
        .tasks
        .iter()
        .find(|t| t.step() == "further-needs-call")
        .unwrap();
    assert_eq!(further.waits_for(), Some("recovered"));
    assert_eq!(
        further.expires.map(|d| d.to_string()).as_deref(),
        Some("2026-12-02")
    );
    let care = p.tasks.iter().find(|t| t.step() == "month-6-call").unwrap();
    assert_eq!(care.waits_for(), None);
}

/// An inpatient without a discharge date gets no farewell task, and says so.
#[test]
fn plastic_inpatient_without_discharge_date_drops_the_farewell() {
    let p = plan(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02",
            "attributes": {"category": "plastic", "setting": "inpatient"}, "patient": {"id": "p-1"}}"#,
    );
    assert!(p.tasks.iter().all(|t| t.step() != "discharge-farewell"));
    let steps: Vec<&str> = p.dropped.iter().map(|d| d.step()).collect();
    assert_eq!(
        steps,
        ["discharge-farewell", "review-reminder", "review-thanks-sms"]
    );
}

/// docs/domain.md §1, outpatient rows, default milestones (dressing change D+2, sutures D+7),
/// and two review visits (10 Apr, 5 Jun) each followed by a thank-you message.
#[test]
fn plastic_outpatient_with_review_visits() {
    let p = plan(
        r#"{"id": "ep-2", "event": "procedure", "at": "2026-03-02T15:30:00",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-2"},
            "milestones": {"review_visit": ["2026-04-10", "2026-06-05"]}}"#,
    );
    assert_calendar(
        &p,
        &[
            "2026-03-03 day-1-call phone customer_service",
            "2026-03-03 dressing-change-reminder sms customer_service", // day before D+2
            "2026-03-04 dressing-change-reception in_person onsite_consultant", // D+2 关心接待
            "2026-03-05 day-3-call phone customer_service",
            "2026-03-08 day-6-call phone customer_service",
            "2026-03-08 suture-removal-reminder sms customer_service",
            "2026-03-10 suture-removal-followup sms customer_service",
            "2026-03-17 day-15-call phone onsite_consultant",
            "2026-04-02 month-1-call phone customer_service",
            "2026-04-02 month-1-sms sms customer_service",
            "2026-04-09 review-reminder sms nurse", // day before 10 Apr
            "2026-04-11 review-thanks-sms sms customer_service", // day after 10 Apr
            "2026-05-02 month-2-call phone customer_service",
            "2026-06-02 month-3-call phone onsite_consultant",
            "2026-06-02 month-3-sms sms customer_service",
            "2026-06-04 review-reminder sms nurse", // day before 5 Jun
            "2026-06-06 review-thanks-sms sms customer_service", // day after 5 Jun
            "2026-09-02 further-needs-call phone onsite_consultant",
            "2026-09-02 month-6-call phone onsite_consultant",
            "2026-09-02 month-6-sms sms customer_service",
            "2027-03-02 month-12-sms sms customer_service",
        ],
    );
    assert!(p.dropped.is_empty());
    let thanks: Vec<(String, u32)> = p
        .tasks
        .iter()
        .filter(|t| t.step() == "review-thanks-sms")
        .map(|t| (t.id(), t.occurrence))
        .collect();
    assert_eq!(
        thanks,
        [
            ("plastic-aftercare/review-thanks-sms/ep-2/0".to_string(), 0),
            ("plastic-aftercare/review-thanks-sms/ep-2/1".to_string(), 1)
        ]
    );
}

/// Milestone dates given by the episode replace the defaults.
#[test]
fn plastic_outpatient_with_given_dressing_and_suture_dates() {
    let p = plan(
        r#"{"id": "ep-3", "event": "procedure", "at": "2026-03-02",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-3"},
            "milestones": {"dressing_change": "2026-03-05", "suture_removal": "2026-03-10"}}"#,
    );
    let got = crate::support::lines(&p);
    let at = |step: &str| {
        got.iter()
            .filter(|l| l.contains(&format!(" {step} ")))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        at("dressing-change-reminder"),
        ["2026-03-04 dressing-change-reminder sms customer_service"]
    );
    assert_eq!(
        at("dressing-change-reception"),
        ["2026-03-05 dressing-change-reception in_person onsite_consultant"]
    );
    assert_eq!(
        at("suture-removal-reminder"),
        ["2026-03-09 suture-removal-reminder sms customer_service"]
    );
    assert_eq!(
        at("suture-removal-followup"),
        ["2026-03-11 suture-removal-followup sms customer_service"]
    );
    // D+6 stays D+6 (docs/domain.md counts it from the surgery).
    assert_eq!(
        at("day-6-call"),
        ["2026-03-08 day-6-call phone customer_service"]
    );
}

/// docs/domain.md §2: laser calls on D+1, D+3, D+6, M+1, M+3, M+6, by customer service;
/// the further needs asked at M+3 and M+6 are the onsite consultant's calls, which wait for
/// the patient's recovery (§8: no selling before it).
#[test]
fn laser_aftercare() {
    let p = plan(
        r#"{"id": "ep-4", "event": "procedure", "at": "2026-03-02T11:00:00",
            "attributes": {"category": "laser"}, "patient": {"id": "p-4"}}"#,
    );
    assert_calendar(
        &p,
        &[
            "2026-03-03 day-1-call phone customer_service",
            "2026-03-05 day-3-call phone customer_service",
            "2026-03-08 day-6-call phone customer_service",
            "2026-04-02 month-1-call phone customer_service",
            "2026-06-02 month-3-call phone customer_service",
            "2026-06-02 month-3-further-needs phone onsite_consultant",
            "2026-09-02 further-needs-call phone onsite_consultant",
            "2026-09-02 month-6-call phone customer_service",
        ],
    );
    assert!(p.tasks.iter().all(|t| t.program() == "laser-aftercare"));
}

/// Month offsets are computed from the surgery day each time, clamped to the month's end:
/// 31 Jan 2026 + 1, 2, 3, 6, 12 months = 28 Feb, 31 Mar, 30 Apr, 31 Jul, 31 Jan 2027.
#[test]
fn surgery_on_31_january_clamps_month_ends() {
    let p = plan(
        r#"{"id": "ep-5", "event": "procedure", "at": "2026-01-31",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-5"}}"#,
    );
    let due = |step: &str| {
        p.tasks
            .iter()
            .find(|t| t.step() == step)
            .map(|t| t.due.to_string())
    };
    assert_eq!(due("day-1-call").as_deref(), Some("2026-02-01"));
    assert_eq!(due("day-15-call").as_deref(), Some("2026-02-15"));
    assert_eq!(due("month-1-call").as_deref(), Some("2026-02-28"));
    assert_eq!(due("month-2-call").as_deref(), Some("2026-03-31"));
    assert_eq!(due("month-3-call").as_deref(), Some("2026-04-30"));
    assert_eq!(due("month-6-call").as_deref(), Some("2026-07-31"));
    assert_eq!(due("month-12-sms").as_deref(), Some("2027-01-31"));
}

/// 29 Feb 2024 + 12 months = 28 Feb 2025 (clamped); + 1 month = 29 Mar 2024.
#[test]
fn surgery_on_29_february_2024() {
    let p = plan(
        r#"{"id": "ep-6", "event": "procedure", "at": "2024-02-29",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-6"}}"#,
    );
    let due = |step: &str| {
        p.tasks
            .iter()
            .find(|t| t.step() == step)
            .map(|t| t.due.to_string())
    };
    assert_eq!(due("day-1-call").as_deref(), Some("2024-03-01"));
    assert_eq!(due("month-1-call").as_deref(), Some("2024-03-29"));
    assert_eq!(due("month-6-sms").as_deref(), Some("2024-08-29"));
    assert_eq!(due("month-12-sms").as_deref(), Some("2025-02-28"));
}

/// A clinic closed on Sundays and on Thu 5 Mar 2026: the laser D+3 call (Thu 5 Mar)
/// moves to Fri 6 Mar, the D+6 call (Sun 8 Mar) to Mon 9 Mar; the rest stay.
#[test]
fn closed_days_move_tasks_to_the_next_open_day() {
    let rules = builtin();
    let ep = episode(
        r#"{"id": "ep-7", "event": "procedure", "at": "2026-03-02",
            "attributes": {"category": "laser"}, "patient": {"id": "p-7"}}"#,
    );
    let cal = Calendar::from_json(
        "cal",
        r#"{"closed_weekdays": ["Sun"], "closed_dates": ["2026-03-05"]}"#,
    )
    .unwrap();
    let p = rules.plan(&ep, &cal).unwrap();
    assert_calendar(
        &p,
        &[
            "2026-03-03 day-1-call phone customer_service",
            "2026-03-06 day-3-call phone customer_service <- 2026-03-05 (closed_date)",
            "2026-03-09 day-6-call phone customer_service <- 2026-03-08 (closed_weekday)",
            "2026-04-02 month-1-call phone customer_service",
            "2026-06-02 month-3-call phone customer_service",
            "2026-06-02 month-3-further-needs phone onsite_consultant",
            "2026-09-02 further-needs-call phone onsite_consultant",
            "2026-09-02 month-6-call phone customer_service",
        ],
    );
}

/// Closed Tue 3 and Wed 4 Mar 2026, outpatient operated Mon 2 Mar (docs/domain.md §1 and §9):
/// - the default dressing change (D+2, Wed 4, closed) moves to the nearest open day after
///   the surgery, Thu 5; its reception follows it and its reminder (the day before, by
///   SMS, which goes every day) is on Wed 4, both `anchor_moved`;
/// - the day-1 call (Tue 3, closed) finds no open day but Thu 5, the day of the day-3
///   call: two calls never share a day, so the day-3 call supersedes it;
/// - the day-3 and day-6 calls keep their days.
#[test]
fn closed_days_follow_each_steps_policy() {
    let rules = builtin();
    let ep = episode(
        r#"{"id": "ep-8", "event": "procedure", "at": "2026-03-02",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-8"}}"#,
    );
    let cal =
        Calendar::from_json("cal", r#"{"closed_dates": ["2026-03-03", "2026-03-04"]}"#).unwrap();
    let p = rules.plan(&ep, &cal).unwrap();
    let lines = crate::support::lines(&p);
    assert_eq!(
        &lines[..4],
        [
            "2026-03-04 dressing-change-reminder sms customer_service <- 2026-03-03 (anchor_moved)",
            "2026-03-05 day-3-call phone customer_service",
            "2026-03-05 dressing-change-reception in_person onsite_consultant <- 2026-03-04 (anchor_moved)",
            "2026-03-08 day-6-call phone customer_service",
        ]
    );
    assert_eq!(
        crate::support::dropped(&p),
        [
            "plastic-aftercare/day-1-call/ep-8/0 superseded day-3-call 2026-03-03",
            "plastic-aftercare/review-reminder/ep-8/0 missing_anchor review_visit -",
            "plastic-aftercare/review-thanks-sms/ep-8/0 missing_anchor review_visit -",
        ]
    );
}

/// The month-6 selling call of a surgery on 2 Mar 2026 (Wed 2 Sep) for a patient whose
/// only `recovered` fact is from the last surgery (2 Mar 2025) or a slip of the year
/// (0001 is refused, 1900 is not): that recovery is not this surgery's, and the call
/// waits as with no fact, `waits_for: recovered`, until the wait's end (2 Sep + 3 months
/// = Wed 2 Dec). As a fact dated before the episode's day stops nothing
/// (docs/rule-format.md, "Facts"), it ends no wait (audit 34: the call went ahead).
#[test]
fn a_recovery_dated_before_the_surgery_does_not_end_its_wait() {
    for at in ["2025-03-02T10:00:00", "1900-01-01", "2026-03-01T23:59"] {
        let p = plan(&format!(
            r#"{{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
                "attributes": {{"category": "plastic", "setting": "outpatient"}},
                "patient": {{"id": "p-1"}}, "facts": [{{"kind": "recovered", "at": "{at}"}}]}}"#
        ));
        let further = (p.tasks.iter())
            .find(|t| t.step() == "further-needs-call")
            .unwrap();
        assert_eq!(further.waits_for(), Some("recovered"), "{at}");
        assert_eq!(
            (
                further.due.to_string(),
                further.expires.map(|d| d.to_string())
            ),
            ("2026-09-02".to_string(), Some("2026-12-02".to_string())),
            "{at}"
        );
    }
}

/// The same month-6 selling call for a patient who recovered on 1 Aug 2026, before its
/// day (Wed 2 Sep): it does not wait, and is worth doing as long as any call, 7 days
/// after its day (docs/rule-format.md, expiry: `phone`, 7 days after its last on-time
/// day): until Wed 9 Sep, not until the wait's end on 2 Dec (audit of 6 December).
#[test]
fn a_selling_call_whose_fact_came_first_expires_as_any_call() {
    let p = plan(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "plastic", "setting": "outpatient"},
            "patient": {"id": "p-1"}, "facts": [{"kind": "recovered", "at": "2026-08-01T10:00:00"}]}"#,
    );
    let further = (p.tasks.iter())
        .find(|t| t.step() == "further-needs-call")
        .unwrap();
    assert_eq!(further.waits_for(), None);
    assert_eq!(
        (
            further.due.to_string(),
            further.expires.map(|d| d.to_string())
        ),
        ("2026-09-02".to_string(), Some("2026-09-09".to_string()))
    );
}
