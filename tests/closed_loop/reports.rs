//! Owners, refusals across episodes, the stamp of the rules, and records through JSON.

use super::*;

#[test]
fn owners_follow_reassignments_for_open_tasks_only() {
    // Customer service passes from u-3 to u-5 on 4 Mar at 09:00. The day-1 call, done by
    // u-3 on 3 Mar, stays u-3's; the open day-3 call is u-5's; the consultant's tasks
    // are u-9's.
    let ep = Episode::from_json(
        "ep",
        &EPISODE.replace(
            r#""owners":"#,
            r#""reassignments": [{"role": "customer_service", "to": "u-5", "at": "2026-03-04T09:00:00"}], "owners":"#,
        ),
    )
    .unwrap();
    let h = history(
        r#"{"outcomes": [{"task": "care/day-1-call/ep-1/0", "outcome": "done", "at": "2026-03-03T10:15:00", "by": "u-3"}]}"#,
    );
    let p = rules().plan_with(&ep, &h, &Calendar::default()).unwrap();
    assert_eq!(task(&p, DAY1).owner.as_deref(), Some("u-3"));
    assert_eq!(task(&p, DAY3).owner.as_deref(), Some("u-5"));
    assert_eq!(
        task(&p, "care/second-follow-up/ep-1/0").owner.as_deref(),
        Some("u-9")
    );
    // 6 Mar: the day-3 call is overdue (u-5's), the second follow-up opens (u-9's).
    let lists = worklists_by_owner(&p.tasks, "2026-03-06".parse().unwrap(), &BTreeSet::new());
    let by: Vec<(Option<&str>, Vec<String>)> = lists
        .iter()
        .map(|l| {
            (
                l.owner.as_deref(),
                l.items.iter().map(|i| i.task.step().to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(
        by,
        [
            (Some("u-5"), vec!["day-3-call".to_string()]),
            (Some("u-9"), vec!["second-follow-up".to_string()]),
        ]
    );
    // Compliance for March on 31 Mar: u-3 did the day-1 call on time; u-5 missed the
    // day-3 and day-6 calls (still worth doing until 7 days after their day: 12 and 15
    // Mar, so expired by 31 Mar).
    let period = CompliancePeriod {
        from: "2026-03-01".parse().unwrap(),
        to: "2026-03-10".parse().unwrap(),
        as_of: "2026-03-31".parse().unwrap(),
    };
    let report = compliance(&p.tasks, &[], &period);
    assert_eq!(report.by_owner["u-3"].on_time, 1);
    assert_eq!(report.by_owner["u-5"].expired, 2);
    assert_eq!(report.by_person["u-3"].on_time, 1);
}

#[test]
fn declined_outcomes_of_other_episodes_are_the_patients_refusal_too() {
    let h = history(
        r#"{"outcomes": [{"task": "laser-aftercare/day-1-call/ep-0/0", "outcome": "declined",
            "at": "2026-03-04T10:00:00"}]}"#,
    );
    let p = rules()
        .plan_with(&episode(), &h, &Calendar::default())
        .unwrap();
    assert!(dropped(&p)
        .iter()
        .any(|l| l.starts_with(&format!("{DAY3} declined"))));
    // The outcome itself names a task of another episode: not reported here.
    assert!(p.ignored.is_empty());
}

#[test]
fn every_plan_says_which_rules_and_which_library_made_it() {
    let p = rules().plan(&episode(), &Calendar::default()).unwrap();
    assert_eq!(&*p.made_by.version, followup::plan::VERSION);
    assert_eq!(p.made_by, rules().stamp().clone());
    assert!(p.made_by.rules.starts_with("fnv1a64:"));
    // Another rule text (one day more for the month call) gives another fingerprint;
    // layout alone does not.
    let changed = RuleSet::builder()
        .source(
            "care.json",
            RULES.replace(r#""offset": "P1M""#, r#""offset": "P1M1D""#),
        )
        .build()
        .unwrap();
    assert_ne!(changed.stamp().rules, p.made_by.rules);
    let relaid = RuleSet::builder()
        .source("care.json", RULES.replace('\n', "\n\n  "))
        .build()
        .unwrap();
    assert_eq!(relaid.stamp().rules, p.made_by.rules);
    // Nor the source's name (the same file from another path), nor the order the file
    // lists its steps in (audits 161, 165).
    let elsewhere = RuleSet::builder()
        .source("/srv/clinic/rules/care.json", RULES)
        .build()
        .unwrap();
    assert_eq!(elsewhere.stamp().rules, p.made_by.rules);
    let mut reordered: serde_json::Value = serde_json::from_str(RULES).unwrap();
    let steps = reordered["steps"].as_array_mut().unwrap();
    assert!(steps.len() > 2);
    steps.reverse();
    let reordered = RuleSet::builder()
        .source("care.json", reordered.to_string())
        .build()
        .unwrap();
    assert_eq!(reordered.stamp().rules, p.made_by.rules);
    // The plans are the same, stamp and all.
    assert_eq!(reordered.plan(&episode(), &Calendar::default()).unwrap(), p);
    // The built-in set has its own, and a plan read back from JSON keeps its stamp.
    assert_ne!(builtin().stamp().rules, p.made_by.rules);
    let back: Plan = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    assert_eq!(back.made_by, p.made_by);
}

#[test]
fn records_and_owners_survive_a_json_round_trip() {
    let p = plan_with(
        r#"{"outcomes": [{"task": "care/day-1-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-03T10:05:00"}]}"#,
    );
    let json = serde_json::to_string(&p).unwrap();
    let back: Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let second = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == format!("{DAY1}/attempt-2"))
        .unwrap();
    assert_eq!(second["derived"], "attempt-2");
    assert_eq!(second["owner"], "u-3");
    let first = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == DAY1)
        .unwrap();
    assert_eq!(first["record"]["outcome"], "no_answer");
    assert_eq!(first["record"]["closed"], true);
}

#[test]
fn outcome_names_are_their_json_names() {
    for k in [
        OutcomeKind::Done,
        OutcomeKind::NoAnswer,
        OutcomeKind::Busy,
        OutcomeKind::Unreachable,
        OutcomeKind::Rescheduled,
        OutcomeKind::Picked,
        OutcomeKind::Declined,
        OutcomeKind::AbnormalRecovery,
        OutcomeKind::Note,
    ] {
        assert_eq!(ser(&k), k.name());
    }
}
