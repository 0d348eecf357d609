//! `merge`: one contact per patient, day and channel, within the frequency caps.

use super::*;

/// One line per contact: `date channel role: step@episode, …`, a moved reason followed
/// by `<- from`, and ` (over cap)` for a contact kept over a cap.
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
                        // A cap never takes a task out of its window.
                        assert!(r.task.earliest <= c.date && c.date <= r.task.latest);
                        s.push_str(&format!(" <- {}", mv.from));
                    }
                    s
                })
                .collect();
            format!(
                "{} {} {}: {}{}",
                c.date,
                ser(&c.channel),
                ser(&c.role),
                reasons.join(", "),
                if c.over_cap { " (over cap)" } else { "" }
            )
        })
        .collect()
}

/// A history of the outcomes `outcomes` (the JSON array's items).
fn outcomes(outcomes: &str) -> followup::history::History {
    let json = format!(r#"{{"outcomes": [{outcomes}]}}"#);
    followup::history::History::from_json("h", &json).unwrap()
}

/// The merged plan's message contacts ([`contact_lines`]) on days before `before`.
fn messages_before(m: &MergedPlan, before: &str) -> Vec<String> {
    (contact_lines(m).into_iter())
        .filter(|l| l.contains(" sms ") && l.as_str() < before)
        .collect()
}

#[test]
fn a_plastic_procedure_and_a_laser_treatment_the_same_day_share_their_calls() {
    let plastic = plan(&procedure("ep-a", "plastic", "outpatient", "2026-03-02"));
    let laser = plan(&procedure("ep-b", "laser", "outpatient", "2026-03-02"));
    let merged = merge_plans(
        &[plastic.clone(), laser.clone()],
        &crate::support::two_messages_a_week(),
        &Calendar::default(),
    );
    // Calls on the same day become one call; laser first on equal priority (aftercare,
    // customer service, same day: program id). On M+3 and M+6 the onsite consultant's
    // call leads (role order). The further-needs calls (laser M+3, both M+6) wait for
    // recovery: no contact yet, listed apart. Messages on 3, 8 and 10 March fit the 2-in-7-days cap:
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
    // The review-visit reminder and thanks have no date: dropped, and passed through.
    let dropped: Vec<String> = merged.dropped.iter().map(|d| d.id()).collect();
    assert_eq!(
        dropped,
        [
            "laser-aftercare/review-reminder/ep-b/0",
            "laser-aftercare/review-thanks-sms/ep-b/0",
            "plastic-aftercare/review-reminder/ep-a/0",
            "plastic-aftercare/review-thanks-sms/ep-a/0"
        ]
    );
    assert_eq!(
        ids(&merged.waiting),
        [
            "laser-aftercare/month-3-further-needs/ep-b/0",
            "laser-aftercare/further-needs-call/ep-b/0",
            "plastic-aftercare/further-needs-call/ep-a/0"
        ]
    );
    // The same plan given twice changes nothing.
    assert_eq!(
        merge_plans(
            &[plastic.clone(), laser, plastic],
            &crate::support::two_messages_a_week(),
            &Calendar::default()
        ),
        merged
    );
}

#[test]
fn three_messages_in_a_week_with_a_cap_of_two_move_the_least_urgent_one_within_its_window() {
    // Inpatient: messages on D+2 (reassurance, aftercare), D+6 (suture-removal reminder,
    // reminder) and D+8 (confirmation after the suture removal, aftercare, on time until
    // D+9): 4, 8 and 10 March, all inside 4..10 March. Placed by priority: the reminder
    // (8th), then the earlier aftercare message (4th); the 10th breaks the cap (4..10 holds
    // 4th and 8th). 11 March is the last day of its window: 5..11 through 11..17 hold only
    // the 8th, so it fits.
    let inpatient = plan(&procedure("ep-5", "plastic", "inpatient", "2026-03-02"));
    let merged = merge_plans(
        std::slice::from_ref(&inpatient),
        &crate::support::two_messages_a_week(),
        &Calendar::default(),
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
            "2026-03-11 sms customer_service: suture-removal-followup@ep-5 <- 2026-03-10",
        ]
    );
    let moved = merged
        .contacts
        .iter()
        .find(|c| c.date == date("2026-03-11"))
        .unwrap();
    assert_eq!(moved.moved_from(), Some(date("2026-03-10")));
    assert_eq!(moved.reasons[0].task.due, date("2026-03-10")); // the task keeps its day
                                                               // Said on the contact's day, the suture removal of 9 March is the day before
                                                               // yesterday (audit 71 A2: 昨天, as on the rules' day).
    let said = |day| {
        let task = &moved.reasons[0].task;
        let zh = task.script_on(day).unwrap().zh().to_string();
        zh.split('，').nth(1).unwrap_or_default().to_string()
    };
    assert_eq!(said(moved.date), "前天已顺利拆线");
    assert_eq!(said(date("2026-03-10")), "昨天已顺利拆线");
    // Without caps nothing moves.
    let free = ContactPolicy {
        caps: Vec::new(),
        ..ContactPolicy::default()
    };
    let merged = merge_plans(
        std::slice::from_ref(&inpatient),
        &free,
        &Calendar::default(),
    );
    assert!(merged.contacts.iter().all(|c| c.moved_from().is_none()));
    // With no messages on 11 March, no other day of its window keeps the cap: an
    // aftercare message is kept on its day, over the cap, and says so.
    let quiet =
        Calendar::from_json("c", r#"{"messages": {"closed_dates": ["2026-03-11"]}}"#).unwrap();
    let merged = merge_plans(&[inpatient], &crate::support::two_messages_a_week(), &quiet);
    assert!(contact_lines(&merged).contains(
        &"2026-03-10 sms customer_service: suture-removal-followup@ep-5 (over cap)".to_string()
    ));
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

/// The three messages on 3, 5 and 7 March, with the members of `extra` (a JSON object)
/// added to step number `step`.
fn three_messages(step: usize, extra: &str) -> Plan {
    messages(|v| {
        if !extra.is_empty() {
            let more: serde_json::Value = serde_json::from_str(extra).unwrap();
            for (k, x) in more.as_object().unwrap() {
                v["steps"][step][k] = x.clone();
            }
        }
    })
}

/// The plan of [`THREE_MESSAGES`] as `edit` leaves the program.
fn messages(edit: impl FnOnce(&mut serde_json::Value)) -> Plan {
    let mut v: serde_json::Value = serde_json::from_str(THREE_MESSAGES).unwrap();
    edit(&mut v);
    let rules = RuleSet::builder()
        .source("msgs.json", v.to_string())
        .build()
        .unwrap();
    let ep = episode(r#"{"id": "e", "event": "test", "at": "2026-03-02", "patient": {"id": "p"}}"#);
    rules.plan(&ep, &Calendar::default()).unwrap()
}

#[test]
fn a_message_with_a_window_moves_to_the_first_day_of_it_the_cap_allows() {
    // 3, 5 and 7 March, cap 2 in 7 days, the third on time until 11 March. Same class
    // and role: the earlier days keep theirs. 7th: 1..7 holds 3rd and 5th. 8th: 2..8 holds
    // both. 9th: 3..9 holds both. 10th: windows 4..10 to 10..16 hold only the 5th: it fits.
    let merged = merge_plans(
        &[three_messages(2, r#"{"window": "P4D"}"#)],
        &crate::support::two_messages_a_week(),
        &Calendar::default(),
    );
    assert_eq!(
        contact_lines(&merged),
        [
            "2026-03-03 sms customer_service: first-news@e",
            "2026-03-05 sms customer_service: second@e",
            "2026-03-10 sms customer_service: third@e <- 2026-03-07",
        ]
    );
}

/// Tasks of one day travel as one contact; when no day of their common window keeps the
/// cap, each tries the days of its own window (audit 36: a notice call on time for two
/// days was dropped with a sales call of that day only). The three messages of 3, 5 and
/// 7 March, and a fourth on the 7th on time to 11 March; both of the 7th are sales, cap 2
/// in 7 days: 7 March is a third message in 1..7. `third` (its day only) is dropped;
/// `third-late` goes to the first day of its window the cap allows: 8th (2..8 holds two)
/// and 9th (3..9) do not, the 10th does (4..10 through 10..16 hold at most the 5th).
#[test]
fn tasks_of_one_day_that_cannot_stay_together_each_try_their_own_window() {
    let plan = messages(|v| {
        let late = serde_json::json!({"id": "third-late", "offset": "P5D", "window": "P4D",
                                      "title": {"zh": "四", "en": "Four"}});
        v["steps"].as_array_mut().unwrap().push(late);
    });
    let mut policy = crate::support::two_messages_a_week();
    policy
        .priority
        .classes
        .insert("msgs/third*".into(), PriorityClass::Sales);
    let merged = merge_plans(&[plan], &policy, &Calendar::default());
    assert_eq!(
        contact_lines(&merged),
        [
            "2026-03-03 sms customer_service: first-news@e",
            "2026-03-05 sms customer_service: second@e",
            "2026-03-10 sms customer_service: third-late@e <- 2026-03-07",
        ]
    );
    let dropped: Vec<String> = merged.dropped.iter().map(|d| d.id()).collect();
    assert_eq!(dropped, ["msgs/third/e/0"]);
}

#[test]
fn a_message_due_on_its_day_only_stays_there_over_the_cap() {
    // The same messages, each due on its day only (no window): the third cannot move. It
    // is care (not a greeting nor sales): kept on the 7th, over the cap, and says so.
    let merged = merge_plans(
        &[three_messages(2, "")],
        &crate::support::two_messages_a_week(),
        &Calendar::default(),
    );
    assert_eq!(
        contact_lines(&merged),
        [
            "2026-03-03 sms customer_service: first-news@e",
            "2026-03-05 sms customer_service: second@e",
            "2026-03-07 sms customer_service: third@e (over cap)",
        ]
    );
    assert!(merged.dropped.is_empty());
}

#[test]
fn a_greeting_that_no_day_of_its_window_can_take_is_dropped_or_joins_a_message() {
    // The first message is made a greeting: the 5th and 7th are placed first. On its own
    // day (the 3rd) it would be a third message in 3..9: with no window it is dropped, and
    // listed with reason frequency_cap.
    let mut policy = crate::support::two_messages_a_week();
    policy
        .priority
        .classes
        .insert("msgs/first-*".into(), PriorityClass::Greeting);
    let merged = merge_plans(&[three_messages(0, "")], &policy, &Calendar::default());
    assert_eq!(
        contact_lines(&merged),
        [
            "2026-03-05 sms customer_service: second@e",
            "2026-03-07 sms customer_service: third@e",
        ]
    );
    let dropped = Plan {
        dropped: merged.dropped.clone(),
        ..Plan::default()
    };
    assert_eq!(
        crate::support::dropped(&dropped),
        ["msgs/first-news/e/0 frequency_cap sms 2026-03-03"]
    );
    // With two days either side, it cannot take the 4th (4..10 would hold three) but the
    // 5th already has a message: it joins it, one message with two reasons.
    let merged = merge_plans(
        &[three_messages(
            0,
            r#"{"window": {"earliest": "-P2D", "latest": "P2D"}}"#,
        )],
        &policy,
        &Calendar::default(),
    );
    assert_eq!(
        contact_lines(&merged),
        [
            "2026-03-05 sms customer_service: second@e, first-news@e <- 2026-03-03",
            "2026-03-07 sms customer_service: third@e",
        ]
    );
    assert_eq!(merged.contacts[0].reasons[1].class, PriorityClass::Greeting);
}

const THREE_CALLS: &str = r#"{
  "format": "followup/v1", "id": "calls", "name": {"zh": "电话", "en": "Calls"},
  "applies": {"event": "test"},
  "defaults": {"channel": "phone", "role": "customer_service", "window": "P3D"},
  "steps": [
    {"id": "d1", "offset": "P1D", "title": {"zh": "一", "en": "One"}},
    {"id": "d3", "offset": "P3D", "title": {"zh": "三", "en": "Three"}},
    {"id": "d6", "offset": "P6D", "title": {"zh": "六", "en": "Six"}}
  ]
}"#;

#[test]
fn a_cap_of_one_call_in_any_three_days_spaces_the_calls_on_days_the_desk_works() {
    // Calls on D+1, D+3, D+6 (3, 5 and 8 March), each on time for 3 days. One call in any
    // 3 days: the 3rd stays; the 5th cannot (3..5 holds the 3rd), the 6th can (4..6, 5..7
    // and 6..8 are empty); the 8th cannot (6..8 holds the 6th), the 9th can.
    let rules = RuleSet::builder()
        .source("calls.json", THREE_CALLS)
        .build()
        .unwrap();
    let ep = episode(r#"{"id": "e", "event": "test", "at": "2026-03-02", "patient": {"id": "p"}}"#);
    let p = rules.plan(&ep, &Calendar::default()).unwrap();
    let policy = ContactPolicy {
        caps: vec![Cap::new(Channel::Phone, 1, 3).unwrap()],
        ..ContactPolicy::default()
    };
    assert_eq!(
        contact_lines(&merge_plans(
            std::slice::from_ref(&p),
            &policy,
            &Calendar::default()
        )),
        [
            "2026-03-03 phone customer_service: d1@e",
            "2026-03-06 phone customer_service: d3@e <- 2026-03-05",
            "2026-03-09 phone customer_service: d6@e <- 2026-03-08",
        ]
    );
    // When the call desk does not work on the 6th, the second call goes to the 7th
    // (5..7, 6..8, 7..9 are empty), and the third then to the 10th (8..10 is empty).
    let desk =
        Calendar::from_json("c", r#"{"call_desk": {"closed_dates": ["2026-03-06"]}}"#).unwrap();
    assert_eq!(
        contact_lines(&merge_plans(&[p], &policy, &desk)),
        [
            "2026-03-03 phone customer_service: d1@e",
            "2026-03-07 phone customer_service: d3@e <- 2026-03-05",
            "2026-03-10 phone customer_service: d6@e <- 2026-03-08",
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
        d.drop_over_cap,
        [PriorityClass::Sales, PriorityClass::Greeting]
    );
    assert_eq!(
        d.caps,
        [
            Cap::new(Channel::Phone, 1, 1).unwrap(),
            Cap::new(Channel::Sms, 3, 7).unwrap()
        ]
    );
    let text = serde_json::to_string(&d).unwrap();
    assert_eq!(serde_json::from_str::<ContactPolicy>(&text).unwrap(), d);
}

/// The default priority classes of the built-in steps, as the README ranks them: a
/// message before a visit is a `reminder` (every `…-reminder` step, reviews included);
/// the D+2 message and D+3 call after a session are `aftercare` whether the session is
/// one of a course or a single one (audit 10 of 6 December: `session-aftercare` fell to
/// `care`, below the course's identical steps, and review reminders were not reminders);
/// the pre-sales programs are `sales`, the thanks after a first treatment `care`. Every built-in step is listed, none left to the
/// default by omission.
#[test]
fn built_in_steps_have_the_readme_s_priority_classes() {
    use followup::replan::{PriorityClass as C, PriorityPolicy};
    let p = PriorityPolicy::default();
    for sp in rules().definitions() {
        let program = &sp.program.id;
        for s in &sp.program.steps {
            let class = p.class_of(program, &s.id);
            if s.id.ends_with("-reminder") {
                assert_eq!(class, C::Reminder, "{program}/{}", s.id);
            }
            let listed = p.classes.keys().any(|k| {
                k == program || k.strip_suffix('*').is_some_and(|k| program.starts_with(k))
            });
            assert!(listed, "{program} is in no key of the default table");
        }
    }
    for step in ["reassurance-sms", "care-call"] {
        assert_eq!(p.class_of("session-aftercare", step), C::Aftercare);
    }
    assert_eq!(
        p.class_of("treatment-course", "session-care-call"),
        C::Aftercare
    );
    assert_eq!(p.class_of("session-aftercare", "month-1-call"), C::Care);
    for program in ["presales", "plan-611"] {
        assert_eq!(p.class_of(program, "x"), C::Sales, "{program}");
    }
    // The thanks after a first visit that was a treatment (seed 004: to every first-visit
    // customer) is care: it joins the dressing-change reminder of its day (audit 206: as
    // sales it never did, and was dropped for every plastic outpatient's first visit).
    assert_eq!(p.class_of("first-visit", "next-day-sms"), C::Care);
    // A new specialist introducing themselves sells nothing (audit 87).
    assert_eq!(p.class_of("new-assignment", "first-contact"), C::Care);
    // The selling calls that wait for `recovered` are sales, as the course planning call
    // is (audit 103: aftercare and care, so the selling call led the month-6 call).
    for (program, step) in [
        ("plastic-aftercare", "further-needs-call"),
        ("laser-aftercare", "further-needs-call"),
        ("laser-aftercare", "month-3-further-needs"),
    ] {
        assert_eq!(p.class_of(program, step), C::Sales, "{program}/{step}");
    }
    assert_eq!(p.class_of("laser-aftercare", "month-3-call"), C::Care);
}

/// A plastic outpatient operated on Mon 2 Mar 2026 who has recovered (1 Aug): on Wed
/// 2 Sep (M+6) the onsite consultant's month-6 care call and the further-needs call are
/// one call, the care call first — the selling part comes after the care (docs/domain.md
/// §8; audit 103: the further-needs call led).
#[test]
fn the_month_6_care_call_comes_before_the_selling_call_it_is_merged_with() {
    let mut ep = procedure("ep-a", "plastic", "outpatient", "2026-03-02");
    ep.facts = episode(
        r#"{"id": "x", "event": "x", "at": "2026-01-01", "patient": {"id": "x"},
            "facts": [{"kind": "recovered", "at": "2026-08-01T10:00"}]}"#,
    )
    .facts;
    let (steps, _) = phone_call_of_2_september(&ep);
    assert_eq!(steps, ["month-6-call", "further-needs-call"]);
}

/// The steps of `ep`'s phone call on Wed 2 Sep 2026, merged under the default policy,
/// and how many tasks the policy dropped.
fn phone_call_of_2_september(ep: &Episode) -> (Vec<String>, usize) {
    let merged = merge_plans(
        &[plan(ep)],
        &crate::support::two_messages_a_week(),
        &Calendar::default(),
    );
    let call = (merged.contacts.iter())
        .find(|c| c.date == date("2026-09-02") && c.channel == Channel::Phone)
        .unwrap();
    let steps = call
        .reasons
        .iter()
        .map(|r| r.task.step().to_string())
        .collect();
    let capped = (merged.dropped.iter())
        .filter(|d| d.reason == followup::plan::DropReason::FrequencyCap)
        .count();
    (steps, capped)
}

/// As for the plastic outpatient above, for a laser treatment of Mon 2 Mar 2026 whose patient recovered on 3 Aug,
/// a day after the month-3 further-needs call's wait for it ended (2 Aug): that call is
/// dropped when its wait ends, and on Wed 2 Sep the month-6 further-needs call joins the
/// month-6 care call — the patient is no longer known unrecovered then (audit 176: it
/// stayed apart, and the phone cap dropped it). Recovered on 15 Jul, the same.
#[test]
fn a_wait_for_recovered_that_ended_keeps_no_selling_call_out_of_a_later_care_call() {
    for recovered in ["2026-08-03T10:00", "2026-07-15T10:00"] {
        let ep = episode(&format!(
            r#"{{"id": "w2", "event": "procedure", "at": "2026-03-02T11:00:00",
                "attributes": {{"category": "laser"}}, "patient": {{"id": "p-w2"}},
                "facts": [{{"kind": "recovered", "at": "{recovered}"}}]}}"#
        ));
        let (steps, dropped) = phone_call_of_2_september(&ep);
        assert_eq!(steps, ["month-6-call", "further-needs-call"], "{recovered}");
        assert_eq!(dropped, 0, "{recovered}");
    }
}

/// A patient operated on Mon 2 Mar 2026 and assigned to a new customer-service
/// specialist that morning: the specialist's first contact (D+1 to D+7) and the D+1
/// aftercare call are both customer service's calls on Tue 3 Mar — one call, two reasons,
/// the aftercare call first (docs/domain.md §8: not three calls a day). The first contact
/// is no selling, so it joins the call of a patient not yet recovered (audit 87: as
/// `sales` it stayed apart, and the cap moved it to Wed 4 Mar).
#[test]
fn a_new_specialists_first_contact_joins_the_days_aftercare_call() {
    let plastic = plan(&procedure("ep-a", "plastic", "outpatient", "2026-03-02"));
    let assignment = Episode::from_json(
        "ep",
        r#"{"id": "ep-n", "event": "assignment", "at": "2026-03-02T09:00", "patient": {"id": "p-9"}}"#,
    )
    .unwrap();
    let assigned = rules().plan(&assignment, &Calendar::default()).unwrap();
    assert_eq!(plastic.tasks[0].patient(), "p-9");
    let merged = merge_plans(
        &[plastic, assigned],
        &crate::support::two_messages_a_week(),
        &Calendar::default(),
    );
    let lines = contact_lines(&merged);
    assert!(
        lines.contains(
            &"2026-03-03 phone customer_service: day-1-call@ep-a, first-contact@ep-n".to_string()
        ),
        "{lines:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.starts_with("2026-03-04 phone")),
        "{lines:#?}"
    );
    // Owned by u-3 (the aftercare call) and u-8 (the new specialist): the one call is
    // the first reason's owner's.
    let owned = |id: &str, event: &str, extra: &str, owner: &str| {
        let ep = Episode::from_json(
            "ep",
            &format!(
                r#"{{"id": "{id}", "event": "{event}", "at": "2026-03-02T09:00", "patient": {{"id": "p-9"}},
                    {extra} "owners": {{"customer_service": "{owner}"}}}}"#
            ),
        )
        .unwrap();
        rules().plan(&ep, &Calendar::default()).unwrap()
    };
    let merged = merge_plans(
        &[
            owned("ep-n", "assignment", "", "u-8"),
            owned(
                "ep-a",
                "procedure",
                r#""attributes": {"category": "plastic", "setting": "outpatient"},"#,
                "u-3",
            ),
        ],
        &crate::support::two_messages_a_week(),
        &Calendar::default(),
    );
    let call = (merged.contacts.iter())
        .find(|c| c.date.to_string() == "2026-03-03" && c.channel == Channel::Phone)
        .unwrap();
    assert_eq!(call.reasons.len(), 2);
    assert_eq!(call.owner.as_deref(), Some("u-3"));
}

/// A laser treatment and a plastic surgery of one patient on one day, only the surgery's
/// episode naming owners: the laser call leads each shared call (equal priority: program
/// id), and the call is still the surgery's customer-service owner's, not nobody's
/// (audit 95). On M+3 and M+6 the surgery's onsite consultant's call leads (role order),
/// and its owner owns the contact. A reason of another role lends no owner: with the
/// owners the other way round, the M+3 contact (led by the surgery's onsite consultant,
/// whom nobody is named for) is nobody's, though the laser's customer service is named.
#[test]
fn a_merged_call_is_owned_by_the_first_reason_of_its_role_that_has_an_owner() {
    let ep = |id: &str, category: &str, owners: &str| {
        Episode::from_json(
            "ep",
            &format!(
                r#"{{"id": "{id}", "event": "procedure", "at": "2026-03-02T09:00", "patient": {{"id": "p-9"}},
                    "attributes": {{"category": "{category}", "setting": "outpatient"}}{owners}}}"#
            ),
        )
        .unwrap()
    };
    let laser = plan(&ep("ep-b", "laser", ""));
    let plastic = plan(&ep(
        "ep-a",
        "plastic",
        r#", "owners": {"customer_service": "u-3", "onsite_consultant": "u-17"}"#,
    ));
    let merged = merge_plans(
        &[laser, plastic],
        &crate::support::two_messages_a_week(),
        &Calendar::default(),
    );
    let calls: Vec<String> = (merged.contacts.iter())
        .filter(|c| c.channel == Channel::Phone && c.reasons.len() == 2)
        .map(|c| {
            let first = c.reasons[0].task.episode();
            format!("{} {first} {:?}", c.date, c.owner.as_deref())
        })
        .collect();
    assert_eq!(
        calls,
        [
            "2026-03-03 ep-b Some(\"u-3\")",
            "2026-03-05 ep-b Some(\"u-3\")",
            "2026-03-08 ep-b Some(\"u-3\")",
            "2026-04-02 ep-b Some(\"u-3\")",
            "2026-06-02 ep-a Some(\"u-17\")",
            "2026-09-02 ep-a Some(\"u-17\")",
        ]
    );
    let laser = plan(&ep(
        "ep-b",
        "laser",
        r#", "owners": {"customer_service": "u-30"}"#,
    ));
    let plastic = plan(&ep("ep-a", "plastic", ""));
    let merged = merge_plans(
        &[laser, plastic],
        &crate::support::two_messages_a_week(),
        &Calendar::default(),
    );
    let m3 = (merged.contacts.iter())
        .find(|c| c.date.to_string() == "2026-06-02" && c.channel == Channel::Phone)
        .unwrap();
    assert_eq!(
        (
            m3.role,
            m3.reasons.len(),
            m3.reasons[1].task.owner.as_deref()
        ),
        (Role::OnsiteConsultant, 2, Some("u-30"))
    );
    assert_eq!(m3.owner, None);
}

/// Two patients whose episodes a careless host gave the same id (`ep-1`): neither
/// patient's contacts depend on the other's (audit 23: the second patient's schedule
/// vanished from the merge, with nothing in `dropped`, as duplicates of the first's).
/// Each patient gets what merging their plan alone gives.
#[test]
fn two_patients_with_one_episode_id_keep_their_own_contacts() {
    let laser = |patient: &str| {
        episode(&format!(
            r#"{{"id": "ep-1", "event": "procedure", "at": "2026-03-02",
                "attributes": {{"category": "laser"}}, "patient": {{"id": "{patient}"}}}}"#
        ))
    };
    let (a, b) = (plan(&laser("p-1")), plan(&laser("p-2")));
    let policy = crate::support::two_messages_a_week();
    let cal = Calendar::default();
    let both = merge_plans(&[a.clone(), b.clone()], &policy, &cal);
    for (p, alone) in [("p-1", &a), ("p-2", &b)] {
        let alone = merge_plans(std::slice::from_ref(alone), &policy, &cal);
        let of = |m: &MergedPlan| m.contacts.iter().filter(|c| &*c.patient == p).count();
        assert!(of(&alone) > 0);
        assert_eq!(of(&both), of(&alone), "{p}");
        let waiting = |m: &MergedPlan| m.waiting.iter().filter(|t| t.patient() == p).count();
        assert_eq!(waiting(&both), waiting(&alone), "{p}");
    }
}

/// `day step` of the first reason of each message contact before 20 March 2026.
fn messages_before_20_march(merged: &MergedPlan) -> Vec<String> {
    (merged.contacts.iter())
        .filter(|c| c.channel == Channel::Sms && c.date < date("2026-03-20"))
        .map(|c| format!("{} {}", c.date, c.reasons[0].task.step()))
        .collect()
}

/// A first-visit lead (onsite: at the clinic, not booked) of patient p-1 seen at `at`.
fn first_visit_lead(at: &str) -> Episode {
    Episode::from_json(
        "ep",
        &format!(
            r#"{{"id": "ep-1", "event": "consultation", "at": "{at}",
            "attributes": {{"source": "onsite", "outcome": "not_booked", "visit": "first"}},
            "patient": {{"id": "p-1"}}}}"#
        ),
    )
    .unwrap()
}

/// A first-visit lead (onsite, not booked) gets a thank-you message on its day, a
/// first-visit message the next day and the 611 messages on the 1st and 15th: with at
/// most two messages in seven days, the 611 message is lost when the lead is seen two to
/// six days before it (the 9th to the 13th; the 26th to the 30th of March), and kept
/// when seen a week or more before it, or the day before, when the first-visit message
/// shares its day (audit 100: the README named the 14th and the month's last day).
#[test]
fn the_611_message_is_lost_to_the_cap_for_leads_seen_two_to_six_days_before_it() {
    let policy = crate::support::two_messages_a_week();
    for day in [7, 8, 9, 11, 13, 14, 25, 26, 30, 31] {
        let ep = first_visit_lead(&format!("2026-03-{day:02}T11:00"));
        let merged = merge_plans(&[plan(&ep)], &policy, &Calendar::default());
        let next = if day < 15 { "2026-03-15" } else { "2026-04-01" };
        let lost = (merged.dropped.iter()).any(|d| {
            d.id().starts_with("plan-611/message/")
                && d.nominal.map(|n| n.to_string()).as_deref() == Some(next)
        });
        let expected = matches!(day, 9..=13 | 26..=30);
        assert_eq!(lost, expected, "lead seen on 2026-03-{day:02}");
    }
    // Seen at 19:30 on the 11th, after the messages' window: the thank-you goes the next
    // morning with the first-visit message, one contact, and the 611 message is kept.
    let ep = first_visit_lead("2026-03-11T19:30");
    let merged = merge_plans(&[plan(&ep)], &policy, &Calendar::default());
    assert!(merged.dropped.is_empty(), "{:?}", merged.dropped);
}

/// The default policy keeps the messages the seeds ask for, alone (audit 206): a
/// first-visit lead gets all six 611 messages whenever it was seen (seed 004: 6条信息);
/// the inpatient's confirmation after the suture removal goes the day after it, D+8
/// (seed 004), not moved a day; a plastic outpatient's first visit has its thank-you
/// (seed 004: to every first-visit customer) in one message with the dressing-change
/// reminder of D+1, not dropped.
#[test]
fn the_default_policy_keeps_the_messages_the_seeds_ask_for() {
    let policy = ContactPolicy::default();
    for day in 1..=31 {
        let ep = first_visit_lead(&format!("2026-03-{day:02}T11:00"));
        let merged = merge_plans(&[plan(&ep)], &policy, &Calendar::default());
        let sent = (merged.contacts.iter())
            .flat_map(|c| &c.reasons)
            .filter(|r| r.task.program() == "plan-611" && r.task.channel() == Channel::Sms)
            .count();
        assert_eq!(
            sent, 6,
            "lead seen on 2026-03-{day:02}: {:?}",
            merged.dropped
        );
    }
    let inpatient = plan(&procedure("ep-5", "plastic", "inpatient", "2026-03-02"));
    let merged = merge_plans(&[inpatient], &policy, &Calendar::default());
    assert_eq!(
        messages_before_20_march(&merged),
        [
            "2026-03-04 day-2-reassurance-sms",
            "2026-03-08 suture-removal-reminder",
            "2026-03-10 suture-removal-followup"
        ]
    );
    let outpatient = Episode::from_json(
        "ep",
        r#"{"id": "ep-6", "event": "procedure", "at": "2026-03-02T10:00",
        "attributes": {"category": "plastic", "setting": "outpatient", "visit": "first"},
        "patient": {"id": "p-6"}}"#,
    )
    .unwrap();
    let merged = merge_plans(&[plan(&outpatient)], &policy, &Calendar::default());
    let capped = |m: &MergedPlan| {
        (m.dropped.iter())
            .filter(|d| d.reason == followup::plan::DropReason::FrequencyCap)
            .count()
    };
    assert_eq!(capped(&merged), 0, "{:?}", merged.dropped);
    let d1: Vec<Vec<&str>> = (merged.contacts.iter())
        .filter(|c| c.channel == Channel::Sms && c.date == date("2026-03-03"))
        .map(|c| c.reasons.iter().map(|r| r.task.program()).collect())
        .collect();
    assert_eq!(d1, [["plastic-aftercare", "first-visit"]]);
}

/// What the history records made counts against the caps, though it is never moved nor
/// joined: an inpatient operated on Mon 2 Mar 2026 has messages on D+2 (4 Mar), D+6
/// (8 Mar) and D+8 (10 Mar); with the D+2 message recorded as sent on 4 Mar at 09:00, the
/// D+8 one still moves to 11 Mar, as without a history (audits 105, 107: the sent message
/// counted for nothing, and a third message came into 4-10 Mar).
#[test]
fn a_message_recorded_as_sent_counts_against_the_cap() {
    let ep = procedure("ep-1", "plastic", "inpatient", "2026-03-02");
    let history = outcomes(
        r#"{"task": "plastic-aftercare/day-2-reassurance-sms/ep-1/0", "outcome": "done", "at": "2026-03-04T09:00"}"#,
    );
    for p in [
        plan(&ep),
        rules()
            .plan_with(&ep, &history, &Calendar::default())
            .unwrap(),
    ] {
        let merged = merge_plans(
            &[p],
            &crate::support::two_messages_a_week(),
            &Calendar::default(),
        );
        assert_eq!(
            messages_before_20_march(&merged),
            [
                "2026-03-04 day-2-reassurance-sms",
                "2026-03-08 suture-removal-reminder",
                "2026-03-11 suture-removal-followup",
            ]
        );
    }
}

/// A call that waits for `recovered`, recorded made before the fact: it happened, so it
/// waits no more — a contact of its own on its day, counted against the cap — not listed
/// as waiting with its `done` beside it (audit 109). The laser of Mon 2 Mar 2026: its M+3
/// further-needs call (Tue 2 Jun) made at 15:00, no `recovered` recorded; the M+3 care
/// call of that day, not made, is a second call that day: kept over the cap.
#[test]
fn a_waiting_call_made_waits_no_more_and_counts_against_the_cap() {
    let ep = procedure("ep-b", "laser", "outpatient", "2026-03-02");
    let history = outcomes(
        r#"{"task": "laser-aftercare/month-3-further-needs/ep-b/0", "outcome": "done", "at": "2026-06-02T15:00"}"#,
    );
    let p = rules()
        .plan_with(&ep, &history, &Calendar::default())
        .unwrap();
    let call = (p.tasks.iter())
        .find(|t| t.step() == "month-3-further-needs")
        .unwrap();
    assert!(call.is_done() && call.waits_for().is_none());
    let merged = merge_plans(
        &[p],
        &crate::support::two_messages_a_week(),
        &Calendar::default(),
    );
    assert!(
        !merged
            .waiting
            .iter()
            .any(|t| t.step() == "month-3-further-needs"),
        "{:?}",
        merged.waiting
    );
    let day: Vec<String> = (merged.contacts.iter())
        .filter(|c| c.date == date("2026-06-02") && c.channel == Channel::Phone)
        .map(|c| format!("{} {}", c.reasons[0].task.step(), c.over_cap))
        .collect();
    assert_eq!(day, ["month-3-call true", "month-3-further-needs false"]);
}

/// One message recorded on each of its reasons' ids at one moment, as docs/closed-loop.md
/// asks for a merged contact, is one message: one contact, counted once against the cap
/// (audit 118: it counted twice). A plastic outpatient operated on Mon 2 Mar 2026 has its
/// dressing-change reminder on Tue 3 Mar, the Lantern Festival's day (the lunar table:
/// 3 Mar 2026), which the patient's greetings join; recorded sent on both ids at 09:30.
/// The suture-removal reminder of Sun 8 Mar is then the second message of 3-9 Mar, within
/// the cap of two in seven days: not over it.
#[test]
fn a_merged_message_recorded_on_each_of_its_ids_is_one_contact() {
    let ep = procedure("ep-1", "plastic", "outpatient", "2026-03-02");
    let history = outcomes(
        r#"{"task": "greetings/lantern/patient:p-9/20260303", "outcome": "done", "at": "2026-03-03T09:30"},
           {"task": "plastic-aftercare/dressing-change-reminder/ep-1/0", "outcome": "done", "at": "2026-03-03T09:30"}"#,
    );
    let cal = Calendar::default();
    let care = rules().plan_with(&ep, &history, &cal).unwrap();
    let greetings = rules()
        .plan_patient_with(
            &ep.patient,
            &history,
            date("2026-03-02"),
            date("2026-03-31"),
            &cal,
        )
        .unwrap();
    let merged = merge_plans(
        &[care, greetings],
        &crate::support::two_messages_a_week(),
        &cal,
    );
    assert_eq!(
        messages_before(&merged, "2026-03-10"),
        [
            "2026-03-03 sms customer_service: dressing-change-reminder@ep-1, lantern@patient:p-9",
            "2026-03-08 sms customer_service: suture-removal-reminder@ep-1",
        ]
    );
}

/// Tasks of two days recorded at one moment (both reminders sent late in one message) are
/// a contact on each day, neither moved, and one message against the cap (audits 120,
/// 121: the later was listed moved from its day by the cap). The plastic outpatient of
/// Mon 2 Mar 2026: the dressing-change reminder of Tue 3 Mar and the suture-removal
/// reminder of Sun 8 Mar both recorded sent on the 8th at 10:00; the confirmation after
/// suture removal (Tue 10 Mar) is the second message of 4-10 Mar, within the cap.
#[test]
fn tasks_of_two_days_recorded_at_one_moment_count_once_and_stay_on_their_days() {
    let ep = procedure("ep-1", "plastic", "outpatient", "2026-03-02");
    let history = outcomes(
        r#"{"task": "plastic-aftercare/dressing-change-reminder/ep-1/0", "outcome": "done", "at": "2026-03-08T10:00"},
           {"task": "plastic-aftercare/suture-removal-reminder/ep-1/0", "outcome": "done", "at": "2026-03-08T10:00"}"#,
    );
    let cal = Calendar::default();
    let care = rules().plan_with(&ep, &history, &cal).unwrap();
    let merged = merge_plans(&[care], &crate::support::two_messages_a_week(), &cal);
    assert_eq!(
        messages_before(&merged, "2026-03-12"),
        [
            "2026-03-03 sms customer_service: dressing-change-reminder@ep-1",
            "2026-03-08 sms customer_service: suture-removal-reminder@ep-1",
            "2026-03-10 sms customer_service: suture-removal-followup@ep-1",
        ]
    );
}

/// The quarterly light touch (docs/domain.md §5-§6: "a message once a quarter") is on
/// time for two weeks from the 10th, so the cap moves it rather than dropping the
/// quarter's only touch (audit 118: dropped `frequency_cap`). A plastic outpatient
/// operated on Fri 3 Apr 2026: its messages of 4 Apr (dressing-change reminder) and 9 Apr
/// (suture-removal reminder) fill the cap of two in seven days on 10 Apr, the touch's
/// day; the confirmation after suture removal is on 11 Apr, and the touch joins it.
#[test]
fn the_quarterly_touch_moves_within_its_two_weeks_rather_than_being_dropped() {
    let ep = procedure("ep-1", "plastic", "outpatient", "2026-04-03");
    let cal = Calendar::default();
    let care = plan(&ep);
    let touches = rules()
        .plan_patient(&ep.patient, date("2026-04-03"), date("2026-04-30"), &cal)
        .unwrap();
    let merged = merge_plans(
        &[care, touches],
        &crate::support::two_messages_a_week(),
        &cal,
    );
    assert_eq!(
        messages_before(&merged, "2026-04-13"),
        [
            "2026-04-04 sms customer_service: dressing-change-reminder@ep-1",
            "2026-04-09 sms customer_service: suture-removal-reminder@ep-1",
            "2026-04-11 sms customer_service: suture-removal-followup@ep-1, quarterly-message@patient:p-9 <- 2026-04-10",
        ]
    );
    assert!(merged
        .dropped
        .iter()
        .all(|d| d.step() != "quarterly-message"));
}

/// A refusal drops the call that waits for `recovered`, but the days before it were
/// recovery days still (audit 209: a refusal on 12 June dropped the month-6 further-needs
/// call of a rhinoplasty of 11 May, and the pre-sales follow-up of a consultation of 8
/// June joined the month-1 care call of 11 June). The follow-up moves to the 12th, with
/// the refusal as without it; the refusal, with `with_patient_of`, holds for both plans.
#[test]
fn a_later_refusal_keeps_the_recovery_days_before_it() {
    let surgery = Episode::from_json(
        "s",
        r#"{"id": "rh", "event": "procedure", "at": "2026-05-11T10:00",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-904"}}"#,
    )
    .unwrap();
    for facts in [
        "",
        r#""facts": [{"kind": "declined", "at": "2026-06-12T15:00"}],"#,
    ] {
        let lead = Episode::from_json(
            "c",
            &format!(
                r#"{{"id": "c2", "event": "consultation", "at": "2026-06-08T11:00", {facts}
                "attributes": {{"source": "online", "outcome": "no_show"}}, "patient": {{"id": "p-904"}}}}"#
            ),
        )
        .unwrap();
        let both = [surgery.clone(), lead.clone()];
        let plans = [
            plan(&surgery.with_patient_of(&both)),
            plan(&lead.with_patient_of(&both)),
        ];
        let merged = merge_plans(&plans, &ContactPolicy::default(), &Calendar::default());
        let calls = |day: &str| -> Vec<String> {
            (merged.contacts.iter())
                .filter(|c| c.date == date(day) && c.channel == Channel::Phone)
                .flat_map(|c| c.reasons.iter().map(|r| r.task.step().to_string()))
                .collect()
        };
        assert_eq!(calls("2026-06-11"), ["month-1-call"], "{facts}");
        assert_eq!(calls("2026-06-12"), ["first-follow-up"], "{facts}");
    }
}

/// Recovered before the day of the call that waits for it, the patient was in recovery
/// from the event to the day before the fact all the same (audit 214: the fact erased
/// every recovery day back to the event). A laser treatment of Mon 2 March 2026,
/// recovered on Fri 3 April; a lead of 16 February: its day-45 call (2 April, on time
/// 30 March to 5 April) does not join the month-1 care call of 2 April, a recovery day,
/// and moves to the 3rd; recovered on 20 March, it joins it.
#[test]
fn a_recovery_before_the_waiting_calls_day_keeps_the_days_before_it() {
    for (recovered, day45) in [("2026-04-03", "2026-04-03"), ("2026-03-20", "2026-04-02")] {
        let laser = Episode::from_json(
            "l",
            &format!(
                r#"{{"id": "z", "event": "procedure", "at": "2026-03-02T10:00:00",
                "attributes": {{"category": "laser"}}, "patient": {{"id": "p10"}},
                "facts": [{{"kind": "recovered", "at": "{recovered}T09:00:00"}}]}}"#
            ),
        )
        .unwrap();
        let lead = Episode::from_json(
            "c",
            r#"{"id": "l", "event": "consultation", "at": "2026-02-16T15:00:00",
            "attributes": {"source": "onsite", "outcome": "visited_no_purchase", "visit": "first"},
            "patient": {"id": "p10"}}"#,
        )
        .unwrap();
        let merged = merge_plans(
            &[plan(&laser), plan(&lead)],
            &ContactPolicy::default(),
            &Calendar::default(),
        );
        let call = (merged.contacts.iter())
            .find(|c| c.reasons.iter().any(|r| r.task.step() == "day-45-call"))
            .unwrap();
        assert_eq!(call.date.to_string(), day45, "recovered {recovered}");
    }
}

/// ... and a patient recovered before a refusal was in recovery to the day before the
/// fact only, not to the rule day of the call the refusal dropped (audit 215: a laser of
/// 20 April recovered on 2 June, refusing on 28 July: the month-3 further-needs call of
/// 20 July left the care call it joined, for the next day). One call that day, with and
/// without the refusal.
#[test]
fn a_refusal_after_the_recovery_keeps_a_joined_call_whole() {
    for declined in ["", r#", "declined": "2026-07-28T10:00:00""#] {
        let laser = Episode::from_json(
            "l",
            &format!(
                r#"{{"id": "l-1", "event": "procedure", "at": "2026-04-20T15:00:00",
                "attributes": {{"category": "laser"}}, "patient": {{"id": "p-m4"{declined}}},
                "facts": [{{"kind": "recovered", "at": "2026-06-02T10:30:00"}}]}}"#
            ),
        )
        .unwrap();
        let merged = merge_plans(
            &[plan(&laser)],
            &ContactPolicy::default(),
            &Calendar::default(),
        );
        let call = (merged.contacts.iter())
            .find(|c| c.date == date("2026-07-20") && c.channel == Channel::Phone)
            .unwrap();
        let steps: Vec<&str> = call.reasons.iter().map(|r| r.task.step()).collect();
        assert_eq!(
            steps,
            ["month-3-call", "month-3-further-needs"],
            "{declined}"
        );
    }
}
