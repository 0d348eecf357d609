//! A clinic's own program says what its steps are for (`class`): the contact policy ranks
//! and joins its tasks so, as it does the built-in programs' by its table (audit 187).

use super::*;

/// A skin clinic's program: the doctor's assistant's care call on day 3 and the onsite
/// consultant's course-planning call the same day; `classes` adds the classes to the
/// steps (the JSON members after their ids).
fn acne(classes: (&str, &str)) -> RuleSet {
    let text = format!(
        r#"{{"format": "followup/v1", "id": "acne", "name": {{"zh": "痤疮", "en": "Acne"}},
            "applies": {{"event": "course"}},
            "steps": [
              {{"id": "care-call", "offset": "P3D", "role": "doctor_assistant"{},
               "title": {{"zh": "关怀", "en": "Care call"}}}},
              {{"id": "planning-call", "offset": "P3D", "role": "onsite_consultant"{},
               "title": {{"zh": "规划", "en": "Planning call"}}}}]}}"#,
        classes.0, classes.1
    );
    RuleSet::builder()
        .source("acne.json", text)
        .build()
        .unwrap()
}

/// A course sold on Mon 2 Mar 2026: day 3 is Thu 5 Mar.
fn course() -> Episode {
    episode(
        r#"{"id": "c-1", "event": "course", "at": "2026-03-02T10:00:00", "patient": {"id": "p-1"},
            "course": {"done": ["2026-03-02"], "planned": ["2026-03-20"]}}"#,
    )
}

/// The phone contacts: `date: step, step…`.
fn calls(m: &MergedPlan) -> Vec<String> {
    (m.contacts.iter())
        .filter(|c| c.channel == Channel::Phone)
        .map(|c| {
            let steps: Vec<&str> = c.reasons.iter().map(|r| r.task.step()).collect();
            format!("{}: {}", c.date, steps.join(", "))
        })
        .collect()
}

#[test]
fn a_sales_step_of_a_clinics_program_never_joins_its_aftercare_call() {
    let cal = Calendar::default();
    // No class: both are `care` (the policy's table does not know the program), and
    // the two calls of the day are one, led by the onsite consultant (role order).
    let plain = acne(("", "")).plan(&course(), &cal).unwrap();
    let merged = merge_plans(&[plain], &ContactPolicy::default(), &cal);
    assert_eq!(calls(&merged), ["2026-03-05: planning-call, care-call"]);
    // Classed: the sales call never joins the aftercare call; one call a day, so it goes
    // to the next day it fits, Fri 6 (worth doing 7 days after its day).
    let rules = acne((r#", "class": "aftercare""#, r#", "class": "sales""#));
    let plan = rules.plan(&course(), &cal).unwrap();
    assert_eq!(
        rules.step_class("acne", "planning-call"),
        Some(PriorityClass::Sales)
    );
    let merged = merge_plans(std::slice::from_ref(&plan), &ContactPolicy::default(), &cal);
    assert_eq!(
        calls(&merged),
        ["2026-03-05: care-call", "2026-03-06: planning-call"]
    );
    // The plan's JSON says so, and a plan read back from it is ranked the same.
    let json = serde_json::to_string(&plan).unwrap();
    assert_eq!(json.matches(r#""class":"sales""#).count(), 1, "{json}");
    assert_eq!(json.matches(r#""class":"aftercare""#).count(), 1);
    assert_eq!(
        plan.to_json()
            .unwrap()
            .matches(r#""class":"sales""#)
            .count(),
        1
    );
    let back: Plan = serde_json::from_str(&json).unwrap();
    let policy = ContactPolicy::default();
    let planning = crate::support::task_of(&back, "planning-call").unwrap();
    assert_eq!(
        policy.priority.class_of_task(planning),
        PriorityClass::Sales
    );
    assert_eq!(calls(&merge_plans(&[back], &policy, &cal)), calls(&merged));
}

/// A program's default class applies to its steps; a step's own wins.
#[test]
fn a_programs_default_class_applies_to_steps_that_give_none() {
    let text = r#"{"format": "followup/v1", "id": "promo", "name": {"zh": "促销", "en": "Promotion"},
        "defaults": {"class": "sales"},
        "steps": [{"id": "offer", "offset": "P1D", "title": {"zh": "优惠", "en": "Offer"}},
                  {"id": "thanks", "offset": "P2D", "class": "care", "title": {"zh": "感谢", "en": "Thanks"}}]}"#;
    let rules = RuleSet::builder()
        .source("promo.json", text)
        .build()
        .unwrap();
    assert_eq!(
        rules.step_class("promo", "offer"),
        Some(PriorityClass::Sales)
    );
    assert_eq!(
        rules.step_class("promo", "thanks"),
        Some(PriorityClass::Care)
    );
    let plan = rules.plan(&course(), &Calendar::default()).unwrap();
    let policy = ContactPolicy::default();
    let classes: Vec<PriorityClass> = (plan.tasks.iter())
        .map(|t| policy.priority.class_of_task(t))
        .collect();
    assert_eq!(classes, [PriorityClass::Sales, PriorityClass::Care]);
}

/// The README's table of the default classes is the policy's table, entry for entry
/// (audit 197: it was not published, and a policy that gives `classes` replaces it).
#[test]
fn the_readme_lists_the_default_class_table() {
    let readme = include_str!("../../README.md");
    let mut listed = std::collections::BTreeMap::new();
    let table = readme
        .lines()
        .skip_while(|l| !l.contains("keys of the default table"))
        .skip(2)
        .take_while(|l| l.starts_with('|'));
    for line in table {
        let mut cells = line.split('|').map(str::trim).filter(|c| !c.is_empty());
        let (Some(class), Some(keys)) = (cells.next(), cells.next()) else {
            continue;
        };
        let class: followup::replan::PriorityClass =
            serde_json::from_str(&format!("\"{}\"", class.trim_matches('`'))).unwrap();
        for key in keys.split(", ") {
            listed.insert(key.trim_matches('`').to_string(), class);
        }
    }
    let default = followup::replan::PriorityPolicy::default().classes;
    assert_eq!(listed, default);
}

/// A complaint's call merged with another programme's call of the day is the complaint
/// handler's (audit 228: the complaint's callback every three days, merged with the
/// surgery's day-15 care call, went to the onsite consultant who sold the surgery, off
/// customer service's list). A plastic outpatient operated on Mon 11 May 2026 (day 15:
/// Tue 26 May, the onsite consultant's); a complaint on Tue 12 May at 15:00, the callback
/// promised for Thu 14 May, then every 3 days while unresolved (17, 20, 23, 26 May).
#[test]
fn a_complaints_call_merged_with_a_care_call_is_the_complaint_handlers() {
    let owners =
        r#""owners": {"customer_service": {"id": "u-3"}, "onsite_consultant": {"id": "u-9"}}"#;
    let surgery = episode(&format!(
        r#"{{"id": "s1", "event": "procedure", "at": "2026-05-11T10:00:00",
            "attributes": {{"category": "plastic", "setting": "outpatient"}}, "patient": {{"id": "p-78"}}, {owners}}}"#
    ));
    let complaint = episode(&format!(
        r#"{{"id": "k3", "event": "complaint", "at": "2026-05-12T15:00:00", "attributes": {{"about": "swelling"}},
            "patient": {{"id": "p-78"}}, "milestones": {{"promised_callback": "2026-05-14"}}, {owners}}}"#
    ));
    let plans = [plan(&surgery), plan(&complaint)];
    let merged = merge_plans(&plans, &ContactPolicy::default(), &Calendar::default());
    let call = (merged.contacts.iter())
        .find(|c| c.date == date("2026-05-26") && c.channel == Channel::Phone)
        .expect("the call of 26 May");
    let reasons: Vec<String> = (call.reasons.iter())
        .map(|r| format!("{}/{}", r.task.program(), r.task.step()))
        .collect();
    assert_eq!(
        reasons,
        [
            "complaint/until-resolved-callback",
            "plastic-aftercare/day-15-call"
        ]
    );
    assert_eq!(call.role, Role::CustomerService);
    assert_eq!(call.owner.as_deref(), Some("u-3"));
}

/// No selling while a complaint is open (docs/domain.md §8: "while the customer … is
/// unhappy"; audit 228). A lead seen on Sun 10 May 2026 at 15:00 (visited, bought
/// nothing); a complaint on Mon 11 May at 10:00, the callback promised for Wed 13 May,
/// then every three days until resolved. Unresolved, the consultant's sales calls and
/// messages from the 11th to the complaint's last call are dropped `complaint_open`; the
/// thank-you of the 10th, before the complaint, stays, and so does the next-morning call
/// of the 11th, to 10:00. Resolved on 20 May, the sales
/// tasks from the 21st go ahead, and one whose window runs past the 20th takes a day
/// of it after.
#[test]
fn no_sales_task_while_a_complaint_is_open() {
    let lead = episode(
        r#"{"id": "l1", "event": "consultation", "at": "2026-05-10T15:00:00",
            "attributes": {"outcome": "visited_no_purchase", "source": "onsite"}, "patient": {"id": "p-79"}}"#,
    );
    let complaint = |facts: &str| {
        episode(&format!(
            r#"{{"id": "k4", "event": "complaint", "at": "2026-05-11T10:00:00", "attributes": {{"about": "rude staff"}},
                "patient": {{"id": "p-79"}}, "milestones": {{"promised_callback": "2026-05-13"}}, "facts": [{facts}]}}"#
        ))
    };
    let merged = |c: &Episode| {
        merge_plans(
            &[plan(&lead), plan(c)],
            &ContactPolicy::default(),
            &Calendar::default(),
        )
    };
    let sales = |m: &followup::replan::MergedPlan| -> Vec<String> {
        (m.contacts.iter().flat_map(|c| &c.reasons))
            .filter(|r| r.task.program() != "complaint" && r.task.step() != "visited-callback")
            .map(|r| format!("{} {}", r.task.due, r.task.step()))
            .collect()
    };
    let open = merged(&complaint(""));
    let last_call = (open.contacts.iter())
        .filter(|c| c.reasons.iter().any(|r| r.task.program() == "complaint"))
        .map(|c| c.date)
        .max()
        .unwrap();
    let held: Vec<&followup::plan::Dropped> = (open.dropped.iter())
        .filter(|d| d.reason == DropReason::ComplaintOpen)
        .collect();
    assert!(!held.is_empty());
    assert!(held.iter().all(|d| d.detail.as_deref() == Some("k4")));
    for s in sales(&open) {
        let day = date(&s[..10]);
        assert!(day < date("2026-05-11") || day > last_call, "{s}");
    }
    // But the part of the 11th before the complaint's moment (audit 252): the
    // next-morning call's 09:00-12:00 cut to 09:00-10:00, a contact of its own.
    let morning = (open.contacts.iter())
        .find(|c| {
            c.reasons
                .iter()
                .any(|r| r.task.step() == "visited-callback")
        })
        .map(|c| (c.date, c.window.to_string()));
    assert_eq!(
        morning,
        Some((date("2026-05-11"), "09:00-10:00".to_string()))
    );
    assert!(sales(&open).contains(&"2026-05-10 thanks-sms".to_string()));
    let resolved = merged(&complaint(
        r#"{"kind": "complaint_resolved", "at": "2026-05-20T11:00:00"}"#,
    ));
    let kept = sales(&resolved);
    assert!(kept.iter().any(|s| s.as_str() > "2026-05-21"), "{kept:?}");
    assert!((resolved.dropped.iter())
        .filter(|d| d.reason == DropReason::ComplaintOpen)
        .all(|d| d.nominal.is_some_and(|n| n <= date("2026-05-20"))));
    // The second follow-up, a day the consultant picks from 14 May to 9 June, takes a
    // day of its window after the complaint (audit 230: it was dropped for a complaint
    // resolved in its first week).
    let second = (resolved.contacts.iter())
        .flat_map(|c| c.reasons.iter().map(move |r| (c.date, r)))
        .find(|(_, r)| r.task.step().starts_with("second-follow-up"));
    let (day, r) = second.expect("the second follow-up");
    assert!(day > date("2026-05-20"), "{day}");
    assert_eq!(
        r.moved.map(|m| m.reason),
        Some(followup::replan::MoveReason::ComplaintOpen)
    );
}

/// The complaint's open time starts at its moment, and a sales task due before it is
/// worth doing until the day before it (audit 231). A lead seen on Tue 10 Mar 2026 at
/// 16:00 (visited, bought nothing): the 611 message of Mon 1 June (09:00-18:00) stays
/// for a complaint logged that evening at 20:30; the call around day 45 (due Fri 24 Apr, on
/// time to the 27th) stays on the 24th, worth doing until that day only, for a complaint
/// on Sat 25 Apr at 10:00 whose callback is promised for Tue 28 (it was open work through
/// the complaint).
#[test]
fn a_complaint_holds_sales_from_its_moment() {
    let lead = episode(
        r#"{"id": "l1", "event": "consultation", "at": "2026-03-10T16:00:00",
            "attributes": {"outcome": "visited_no_purchase", "source": "onsite", "visit": "first"},
            "patient": {"id": "p-80"}}"#,
    );
    let complaint = |at: &str, milestones: &str| {
        episode(&format!(
            r#"{{"id": "k5", "event": "complaint", "at": "{at}", "attributes": {{"about": "x"}},
                "patient": {{"id": "p-80"}}, "milestones": {{{milestones}}}}}"#
        ))
    };
    let merged_with = |at: &str, milestones: &str| {
        merge_plans(
            &[plan(&lead), plan(&complaint(at, milestones))],
            &ContactPolicy::default(),
            &Calendar::default(),
        )
    };
    let merged = |at: &str| merged_with(at, r#""promised_callback": "2026-04-28""#);
    let find = |m: &followup::replan::MergedPlan, step: &str, day: &str| {
        (m.contacts.iter())
            .filter(|c| c.date == date(day))
            .flat_map(|c| &c.reasons)
            .find(|r| r.task.step() == step)
            .map(|r| {
                (
                    r.task.latest.to_string(),
                    r.task.expires.map(|e| e.to_string()),
                )
            })
    };
    let evening = merged_with("2026-06-01T20:30:00", "");
    assert!(find(&evening, "message", "2026-06-01").is_some());
    let morning = merged("2026-04-25T10:00:00");
    assert_eq!(
        find(&morning, "day-45-call", "2026-04-24"),
        Some(("2026-04-24".to_string(), Some("2026-04-24".to_string())))
    );
    // With no callback promised, the complaint's last call is its first, on the 25th:
    // the call's window runs past it, so it takes the next day of it, Sun 26 Apr (audit
    // 243: one whose window ran past the complaint was cut, and lost).
    let one_call = merged_with("2026-04-25T10:00:00", "");
    let moved = placed(&one_call, "day-45-call");
    assert_eq!(
        moved,
        Some((
            date("2026-04-26"),
            Some((
                date("2026-04-24"),
                followup::replan::MoveReason::ComplaintOpen
            ))
        ))
    );
}

/// The day of the contact holding `step`'s task, and where the task moved from and why.
fn placed(m: &MergedPlan, step: &str) -> Option<(NaiveDate, Option<(NaiveDate, MoveReason)>)> {
    (m.contacts.iter())
        .flat_map(|c| c.reasons.iter().map(move |r| (c.date, r)))
        .find(|(_, r)| r.task.step() == step)
        .map(|(day, r)| (day, r.moved.map(|m| (m.from, m.reason))))
}

/// The day of the contact holding `step`'s task.
fn contact_day(m: &MergedPlan, step: &str) -> Option<NaiveDate> {
    placed(m, step).map(|(day, _)| day)
}

/// The onsite lead `ep-L` of patient `patient`, seen on Tue 10 Mar 2026 at 16:00: a first
/// visit, bought nothing.
fn onsite_first_visit(patient: &str) -> String {
    format!(
        r#"{{"id": "ep-L", "event": "consultation", "at": "2026-03-10T16:00:00", "patient": {{"id": "{patient}"}},
            "attributes": {{"source": "onsite", "outcome": "visited_no_purchase", "visit": "first"}}}}"#
    )
}

/// The task of `step` in `plan`.
fn step_task<'p>(plan: &'p Plan, step: &str) -> &'p followup::plan::Task {
    (plan.tasks.iter()).find(|t| t.step() == step).expect(step)
}

/// The plans of a lead (`lead`, JSON) and of a complaint of the same patient
/// (`complaint`), and their merge under the default policy on the default calendar.
fn with_complaint(lead: &str, complaint: &str) -> (Vec<Plan>, MergedPlan) {
    let plans = vec![plan(&episode(lead)), plan(&episode(complaint))];
    let merged = merge_plans(&plans, &ContactPolicy::default(), &Calendar::default());
    (plans, merged)
}

/// A skin course of 4, its sessions on Mon 6, Sat 11, Mon 13 and Mon 20 April 2026.
fn course_of_four() -> Episode {
    episode(
        r#"{"id": "k1", "event": "course", "at": "2026-04-06T14:00:00", "patient": {"id": "p-k"},
            "attributes": {"category": "skin"},
            "course": {"package": 4, "planned": ["2026-04-06", "2026-04-11", "2026-04-13", "2026-04-20"]}}"#,
    )
}

/// A sales call kept off a care call's day says so, not "frequency cap" (audit 227: no
/// cap was full). A skin course of 4 with sessions on 6, 11, 13 and 20 April 2026: the
/// planning call is due the day after session 3 (Tue 14 April), the day of session 2's
/// day-3 care call (11 + 3), an aftercare contact selling never joins; the next day, Wed
/// 15 April, holds no call (session 3's day-3 call is on the 16th), so it goes there.
#[test]
fn a_sales_call_kept_off_a_care_call_says_why() {
    let ep = course_of_four();
    let merged = merge_plans(
        &[plan(&ep)],
        &ContactPolicy::default(),
        &Calendar::default(),
    );
    let (day, r) = (merged.contacts.iter())
        .flat_map(|c| c.reasons.iter().map(move |r| (c.date, r)))
        .find(|(_, r)| r.task.step() == "course-planning-call")
        .expect("the planning call");
    assert_eq!(day, date("2026-04-15"));
    let moved = r.moved.expect("moved");
    assert_eq!(moved.from, date("2026-04-14"));
    assert_eq!(moved.reason, MoveReason::NoSellingInCare);
    // The care call keeps its day.
    assert!(
        (merged.contacts.iter()).any(|c| c.date == date("2026-04-14")
            && c.reasons
                .iter()
                .any(|r| r.task.occurrence == 2 && r.task.step() == "session-care-call"))
    );
}

/// `MergedPlan::apply_to` writes what the policy did back into the plans, so worklists,
/// compliance and exports read the tasks as the merged contacts have them (audit 233: the
/// CSV and iCalendar exports kept the sales tasks an open complaint dropped or cut).
/// An online lead seen on Sun 1 Mar 2026 11:00 (611 messages on 15 Mar, 1 and 15 Apr, 1
/// and 15 May, 1 Jun; the first follow-up on 4 Mar; the second picked from 5 to 31 Mar)
/// and a complaint on Tue 10 Mar 09:00, never resolved: open to its last call. The
/// messages of 15 Mar and 1 Apr fall in it (messages keep their days): dropped
/// `complaint_open`; the second follow-up, due 5 Mar, is worth doing until 9 Mar only;
/// the first follow-up keeps its day.
#[test]
fn apply_to_leaves_the_plans_as_the_policy_does() {
    let lead = episode(
        r#"{"id": "e12l", "event": "consultation", "at": "2026-03-01T11:00:00", "patient": {"id": "pa-12"},
            "attributes": {"source": "online", "outcome": "not_booked"}}"#,
    );
    let complaint = episode(
        r#"{"id": "e12k", "event": "complaint", "at": "2026-03-10T09:00:00", "patient": {"id": "pa-12"},
            "attributes": {"about": "x"}, "milestones": {"promised_callback": "2026-03-11"}}"#,
    );
    let cal = Calendar::default();
    let as_of = date("2026-03-10");
    let plan = |ep: &Episode| rules().plan_as_of(ep, &cal, as_of).unwrap();
    let mut plans = vec![plan(&lead), plan(&complaint)];
    let last_call = (plans[1].tasks.iter()).map(|t| t.due).max().unwrap();
    assert!(last_call >= date("2026-04-01"), "{last_call}");
    let merged = merge_plans(&plans, &ContactPolicy::default(), &cal);
    merged.apply_to(&mut plans, Some(as_of));
    let ids: Vec<String> = plans[0].tasks.iter().map(|t| t.id()).collect();
    for gone in ["plan-611/message/e12l/0", "plan-611/message/e12l/1"] {
        assert!(!ids.contains(&gone.to_string()), "{ids:?}");
        let d = plans[0]
            .dropped
            .iter()
            .find(|d| d.id() == gone)
            .expect(gone);
        assert_eq!(d.reason, DropReason::ComplaintOpen);
    }
    assert!(ids.contains(&"plan-611/message/e12l/2".to_string()));
    let task = |id: &str| plans[0].tasks.iter().find(|t| t.id() == id).unwrap();
    let second = task("presales/second-follow-up/e12l/0");
    assert_eq!(
        (second.due, second.latest),
        (date("2026-03-05"), date("2026-03-09"))
    );
    assert_eq!(second.expires, Some(date("2026-03-09")));
    // As of 10 March, the complaint's day, it is past its (cut) days: expired, not open
    // work to 31 March.
    assert_eq!(second.status, Some(followup::plan::Status::Expired));
    assert_eq!(
        task("presales/first-follow-up/e12l/0").due,
        date("2026-03-04")
    );
    // The exports read the plans so: no held message in the CSV.
    let csv = followup::export::csv(&plans, &followup::export::Options::default());
    assert!(!csv.contains("plan-611/message/e12l/0,") && csv.contains("plan-611/message/e12l/2,"));
}

/// A task the policy moved to a later day is not to be done before it: `apply_to` opens
/// its window on the new day (audit 236: as of the day it was moved off, a course's
/// planning call read "open now"). The course of `course_of_four`:
/// the planning call, due Tue 14 April, is moved to Wed 15 April; as of the 14th it is
/// upcoming, as of the 15th open.
#[test]
fn apply_to_opens_a_task_moved_later_on_its_new_day() {
    let ep = course_of_four();
    let cal = Calendar::default();
    for (as_of, status) in [
        ("2026-04-14", followup::plan::Status::Upcoming),
        ("2026-04-15", followup::plan::Status::Open),
    ] {
        let mut plans = vec![rules().plan_as_of(&ep, &cal, date(as_of)).unwrap()];
        let merged = merge_plans(&plans, &ContactPolicy::default(), &cal);
        merged.apply_to(&mut plans, Some(date(as_of)));
        let t = step_task(&plans[0], "course-planning-call");
        assert_eq!(
            (t.earliest, t.due),
            (date("2026-04-15"), date("2026-04-15"))
        );
        assert_eq!(t.status, Some(status), "as of {as_of}");
    }
}

/// A sales task already late when the complaint comes, but still worth doing, is worth
/// doing until the day before it too (audit 240: a next-morning call two days overdue
/// stayed open work through the complaint). An onsite lead seen on Wed 11 Mar 2026 at
/// 16:00 who bought nothing: the next-morning call is due Thu 12 (09:00-12:00), on time
/// that day, worth doing to Thu 19; a complaint on Fri 13 at 10:00 ends it on Thu 12.
#[test]
fn a_late_sales_task_ends_the_day_before_a_complaint() {
    let lead = episode(
        r#"{"id": "l-9", "event": "consultation", "at": "2026-03-11T16:00:00", "patient": {"id": "p-9"},
            "attributes": {"source": "onsite", "outcome": "visited_no_purchase"}}"#,
    );
    let complaint = episode(
        r#"{"id": "k-9", "event": "complaint", "at": "2026-03-13T10:00:00", "patient": {"id": "p-9"},
            "attributes": {"about": "x"}}"#,
    );
    let mut plans = vec![plan(&lead), plan(&complaint)];
    let call = |p: &Plan| {
        let t = (p.tasks.iter())
            .find(|t| t.step() == "visited-callback")
            .unwrap();
        (t.due, t.latest, t.expires)
    };
    let d = date;
    assert_eq!(
        call(&plans[0]),
        (d("2026-03-12"), d("2026-03-12"), Some(d("2026-03-19")))
    );
    let merged = merge_plans(&plans, &ContactPolicy::default(), &Calendar::default());
    merged.apply_to(&mut plans, None);
    assert_eq!(
        call(&plans[0]),
        (d("2026-03-12"), d("2026-03-12"), Some(d("2026-03-12")))
    );
}

/// A sales task due before a complaint whose window runs past it takes a day of its
/// window after the complaint, as one due during it does (audit 243: the second
/// follow-up was cut to its days before the complaint, and lost). The onsite lead of Tue
/// 10 Mar 2026 16:00 (visited, bought nothing): the second follow-up is the consultant's
/// to pick from Sat 14 Mar to Thu 9 Apr. A complaint on Wed 18 Mar 10:00, its callback
/// promised for Fri 20, resolved Sat 21 at 11:00: the confirmation call the next day,
/// Sun 22, is the complaint's; the second follow-up goes to Mon 23, on time to 9 Apr.
#[test]
fn a_sales_window_running_past_a_complaint_is_held_not_cut() {
    let (mut plans, merged) = with_complaint(
        &onsite_first_visit("p-9"),
        r#"{"id": "ep-C", "event": "complaint", "at": "2026-03-18T10:00:00", "patient": {"id": "p-9"},
            "attributes": {"about": "bruising"}, "milestones": {"promised_callback": "2026-03-20"},
            "facts": [{"kind": "complaint_resolved", "at": "2026-03-21T11:00:00"}]}"#,
    );
    let confirmation = contact_day(&merged, "resolution-confirmation");
    assert_eq!(confirmation, Some(date("2026-03-22")));
    let second = placed(&merged, "second-follow-up-onsite");
    assert_eq!(
        second,
        Some((
            date("2026-03-23"),
            Some((date("2026-03-14"), MoveReason::ComplaintOpen))
        ))
    );
    merged.apply_to(&mut plans, None);
    let t = step_task(&plans[0], "second-follow-up-onsite");
    assert_eq!(
        (t.earliest, t.due, t.latest),
        (date("2026-03-23"), date("2026-03-23"), date("2026-04-09"))
    );
}

/// A sales task due before a complaint whose window runs past it, when no day of its
/// window after the complaint is left, keeps its own days before the complaint, to the
/// day before it — never a day past its window (audit 246: it went to the day after its
/// window, on time there; resolved a day later, it was cut). A phone lead of Mon 2 Mar
/// 2026 14:00: the second follow-up, picked from Fri 6 Mar to Wed 1 Apr (6 + 26). A
/// complaint on Tue 10 Mar 10:00, its callback promised for Thu 12, resolved Tue 31 Mar
/// 10:00: its confirmation call takes Wed 1 Apr, the window's last day, which selling
/// never joins. Resolved on Wed 1 Apr, the complaint covers the window's end: the same.
#[test]
fn a_sales_window_with_no_day_after_a_complaint_keeps_its_days_before() {
    let lead = episode(
        r#"{"id": "ep-L", "event": "consultation", "at": "2026-03-02T14:00:00", "patient": {"id": "p-1"},
            "attributes": {"source": "phone", "outcome": "not_booked"}}"#,
    );
    for resolved in ["2026-03-31T10:00:00", "2026-04-01T10:00:00"] {
        let complaint = episode(&format!(
            r#"{{"id": "ep-K", "event": "complaint", "at": "2026-03-10T10:00:00", "patient": {{"id": "p-1"}},
                "attributes": {{"about": "x"}}, "milestones": {{"promised_callback": "2026-03-12"}},
                "facts": [{{"kind": "complaint_resolved", "at": "{resolved}"}}]}}"#
        ));
        let mut plans = vec![plan(&lead), plan(&complaint)];
        let merged = merge_plans(&plans, &ContactPolicy::default(), &Calendar::default());
        merged.apply_to(&mut plans, None);
        let t = (plans[0].tasks.iter())
            .find(|t| t.step() == "second-follow-up")
            .expect(resolved);
        assert_eq!(
            (t.due, t.latest, t.expires),
            (
                date("2026-03-06"),
                date("2026-03-09"),
                Some(date("2026-03-09"))
            ),
            "resolved {resolved}"
        );
    }
}

/// A sales task held by a complaint that takes a day of its window before it is worth
/// doing until the day before the complaint (audit 248: moved back before the complaint,
/// it stayed on time and open work through it). An online lead of Tue 10 Mar 2026 11:00:
/// the call around day 45 is due Fri 24 Apr, on time 21-27 Apr. A complaint on Wed 22
/// Apr 10:00, resolved Sun 26 Apr 16:00: its confirmation call takes Mon 27 Apr, the
/// window's only day after the complaint, which selling never joins; the call goes back
/// to Tue 21 Apr, worth doing that day only.
#[test]
fn a_held_sales_task_placed_before_the_complaint_ends_the_day_before_it() {
    let (mut plans, merged) = with_complaint(
        r#"{"id": "ep-L", "event": "consultation", "at": "2026-03-10T11:00:00", "patient": {"id": "p-9"},
            "attributes": {"source": "online", "outcome": "not_booked"}}"#,
        r#"{"id": "ep-C", "event": "complaint", "at": "2026-04-22T10:00:00", "patient": {"id": "p-9"},
            "attributes": {"about": "x"}, "facts": [{"kind": "complaint_resolved", "at": "2026-04-26T16:00:00"}]}"#,
    );
    let confirmation = contact_day(&merged, "resolution-confirmation");
    assert_eq!(confirmation, Some(date("2026-04-27")));
    merged.apply_to(&mut plans, None);
    let t = step_task(&plans[0], "day-45-call");
    assert_eq!(
        (t.due, t.latest, t.expires),
        (
            date("2026-04-21"),
            date("2026-04-21"),
            Some(date("2026-04-21"))
        )
    );
}

/// Staff's own work is no selling: a complaint never holds an internal task, whatever its
/// class (audit 252: the stale-lead check, `sales` by the default table, was dropped for
/// good by a complaint open on its day). A lead of Tue 10 Mar 2026 handed to customer
/// service: its check is due Wed 10 Jun (3 months on); a complaint of Tue 9 Jun, resolved
/// Sat 20 Jun, leaves it there.
#[test]
fn a_complaint_never_holds_internal_work() {
    let (_, merged) = with_complaint(
        r#"{"id": "ep-L", "event": "consultation", "at": "2026-03-10T16:00:00", "patient": {"id": "p-1"},
            "attributes": {"source": "onsite", "outcome": "visited_no_purchase", "assigned_to": "customer_service"}}"#,
        r#"{"id": "ep-C2", "event": "complaint", "at": "2026-06-09T10:00:00", "patient": {"id": "p-1"},
            "attributes": {"about": "x"}, "milestones": {"promised_callback": "2026-06-10"},
            "facts": [{"kind": "complaint_resolved", "at": "2026-06-20T16:00:00"}]}"#,
    );
    let check = (merged.contacts.iter())
        .flat_map(|c| c.reasons.iter().map(move |r| (c.date, r)))
        .find(|(_, r)| r.task.program() == "lead-ownership")
        .map(|(day, r)| (day, r.moved.is_some()));
    assert_eq!(check, Some((date("2026-06-10"), false)));
    assert!(!merged
        .dropped
        .iter()
        .any(|d| d.program() == "lead-ownership"));
}

/// A complaint logged in the afternoon leaves the sales contacts of that morning: each
/// keeps its day, its window ending at the complaint's moment, a contact of its own
/// (audit 252: a complaint at 15:00 dropped the 09:00-12:00 call and the day's
/// message). The onsite lead of Tue 10 Mar 2026 16:00 (a first visit, bought nothing):
/// on Wed 11 Mar the next-morning call (09:00-12:00) and the first-visit message
/// (09:00-18:00); a complaint on the 11th at 15:00: the call stays 09:00-12:00, the
/// message 09:00-15:00, both on the 11th and on time that day only.
#[test]
fn a_complaint_in_the_afternoon_leaves_the_mornings_sales() {
    let (mut plans, merged) = with_complaint(
        &onsite_first_visit("p-1"),
        r#"{"id": "ep-C3", "event": "complaint", "at": "2026-03-11T15:00:00", "patient": {"id": "p-1"},
            "attributes": {"about": "x"}, "facts": [{"kind": "complaint_resolved", "at": "2026-03-16T10:00:00"}]}"#,
    );
    merged.apply_to(&mut plans, None);
    let got = |step: &str| {
        (plans[0].tasks.iter())
            .find(|t| t.step() == step)
            .map(|t| (t.due, t.window.to_string(), t.latest))
    };
    let d = date("2026-03-11");
    assert_eq!(
        got("visited-callback"),
        Some((d, "09:00-12:00".to_string(), d))
    );
    assert_eq!(
        got("first-visit-sms"),
        Some((d, "09:00-15:00".to_string(), d))
    );
}

/// An online lead of Tue 31 Mar 2026 16:00 (visited, bought nothing): its first follow-up
/// is due Fri 3 Apr, 14:00-18:00.
const APRIL_LEAD: &str = r#"{"id": "lead-1", "event": "consultation", "at": "2026-03-31T16:00:00", "patient": {"id": "p-1"},
    "attributes": {"source": "online", "outcome": "visited_no_purchase", "visit": "first"}}"#;

/// A complaint of the same patient on Wed 1 Apr 2026 15:00, the callback promised for Thu
/// 2, resolved at `resolved`.
fn april_complaint(resolved: &str) -> String {
    format!(
        r#"{{"id": "k-1", "event": "complaint", "at": "2026-04-01T15:00:00", "patient": {{"id": "p-1"}},
            "attributes": {{"about": "x"}}, "milestones": {{"promised_callback": "2026-04-02"}},
            "facts": [{{"kind": "complaint_resolved", "at": "{resolved}"}}]}}"#
    )
}

/// A complaint's hold ends at the moment it was resolved: on that day a sales task whose
/// window opens after the resolution keeps its day (audit 253: a call of 14:00 was
/// dropped for a complaint resolved at 10:00, and kept for one resolved the evening
/// before). An online lead of Tue 31 Mar 2026 16:00 (visited, bought nothing): its first
/// follow-up is due Fri 3 Apr, 14:00-18:00. A complaint of Wed 1 Apr 15:00, the callback
/// promised for Thu 2, resolved Fri 3 at 10:00: the follow-up stays on the 3rd; resolved
/// at 18:00, after its window, it does not.
#[test]
fn a_complaint_resolved_in_the_morning_frees_the_afternoon() {
    let (lead, complaint) = (APRIL_LEAD, april_complaint);
    let (_, morning) = with_complaint(lead, &complaint("2026-04-03T10:00:00"));
    assert_eq!(
        placed(&morning, "first-follow-up"),
        Some((date("2026-04-03"), None))
    );
    let (_, evening) = with_complaint(lead, &complaint("2026-04-03T18:00:00"));
    assert_ne!(
        placed(&evening, "first-follow-up").map(|(day, _)| day),
        Some(date("2026-04-03"))
    );
}

/// The mirror of the complaint's own day: on the day a complaint was resolved, a sales
/// task whose window opens before the resolution and ends after it keeps its day, from
/// the resolution's moment (audit 254: a first follow-up of 14:00-18:00 was dropped for a
/// complaint resolved at 15:00). The lead and complaint above, resolved Fri 3 Apr at
/// 15:00: the follow-up is on the 3rd, 15:00-18:00, on time that day; at 14:00, when its
/// window opens, the whole window.
#[test]
fn a_complaint_resolved_during_a_sales_window_frees_the_rest_of_it() {
    let (lead, complaint) = (APRIL_LEAD, april_complaint);
    let window = |m: &MergedPlan| {
        (m.contacts.iter())
            .flat_map(|c| c.reasons.iter().map(move |r| (c.date, r)))
            .find(|(_, r)| r.task.step() == "first-follow-up")
            .map(|(day, r)| format!("{day} {} {}", r.task.window, r.task.latest))
    };
    let (_, m) = with_complaint(lead, &complaint("2026-04-03T15:00:00"));
    assert_eq!(
        window(&m).as_deref(),
        Some("2026-04-03 15:00-18:00 2026-04-03")
    );
    assert!(m.dropped.iter().all(|d| d.step() != "first-follow-up"));
    // Another complaint opened at 17:00 that day: the follow-up keeps 15:00-17:00, the
    // part between the two (audit 262: the second complaint's cut alone, from the
    // window's start, was kept).
    let second = r#"{"id": "k-2", "event": "complaint", "at": "2026-04-03T17:00:00", "patient": {"id": "p-1"},
        "attributes": {"about": "y"}, "milestones": {"promised_callback": "2026-04-04"}}"#;
    let plans = vec![
        plan(&episode(lead)),
        plan(&episode(&complaint("2026-04-03T15:00:00"))),
        plan(&episode(second)),
    ];
    let m = merge_plans(&plans, &ContactPolicy::default(), &Calendar::default());
    assert_eq!(
        window(&m).as_deref(),
        Some("2026-04-03 15:00-17:00 2026-04-03")
    );
    // The first complaint resolved only at 17:00, after the second came at 15:00: no part
    // of the day is free (audit 269: the part before the second complaint was kept,
    // while the first was still open).
    let later = second.replace("2026-04-03T17:00:00", "2026-04-03T15:00:00");
    let plans = vec![
        plan(&episode(lead)),
        plan(&episode(&complaint("2026-04-03T17:00:00"))),
        plan(&episode(&later)),
    ];
    let m = merge_plans(&plans, &ContactPolicy::default(), &Calendar::default());
    assert_eq!(window(&m), None);
    let dropped = (m.dropped.iter()).find(|d| d.step() == "first-follow-up");
    assert_eq!(
        dropped.map(|d| (d.reason, d.detail.as_deref())),
        Some((DropReason::ComplaintOpen, Some("k-2")))
    );
    let (_, m) = with_complaint(lead, &complaint("2026-04-03T14:00:00"));
    assert_eq!(
        window(&m).as_deref(),
        Some("2026-04-03 14:00-18:00 2026-04-03")
    );
}
