//! Every limit at the limit and one past it (issue 13): at the limit the input is taken,
//! one past it is refused with an error that names the limit. Small limits keep the
//! inputs small; the defaults are what `benches/worst.rs` times.

use followup::{
    calendar::Calendar,
    episode::Episode,
    history::History,
    rules::{Limits, RuleSet},
    Error,
};

fn program(steps: usize, repeat: Option<&str>) -> String {
    let steps: Vec<String> = (0..steps)
        .map(|i| {
            let repeat = repeat.map(|r| format!(r#", "repeat": "{r}""#)).unwrap_or_default();
            format!(
                r#"{{"id": "s{i}", "offset": "P{}D"{repeat}, "title": {{"zh": "回访", "en": "Call"}}}}"#,
                i + 1
            )
        })
        .collect();
    format!(
        r#"{{"format": "followup/v1", "id": "p", "name": {{"zh": "p", "en": "p"}},
            "applies": {{"event": "procedure"}}, "steps": [{}]}}"#,
        steps.join(",")
    )
}

fn build(limits: Limits, texts: &[String]) -> Result<RuleSet, Error> {
    let mut b = RuleSet::builder().limits(limits);
    for (i, t) in texts.iter().enumerate() {
        b = b.source(format!("r{i}.json"), t.clone());
    }
    b.build()
}

#[track_caller]
fn refused_by<T: std::fmt::Debug>(r: Result<T, Error>, limit: &str) {
    let e = r.expect_err("one past the limit is refused");
    assert_eq!(e.limit(), Some(limit), "{e}");
    assert!(e.to_string().contains(limit), "{e}");
    // And says what was expected (audit 127: several did not).
    assert!(e.to_string().contains(": expected "), "{e}");
}

const EPISODE: &str =
    r#"{"id": "e", "event": "procedure", "at": "2026-03-02", "patient": {"id": "p"}}"#;

fn episode() -> Episode {
    Episode::from_json("e.json", EPISODE).unwrap()
}

#[test]
fn rule_text_bytes() {
    let text = program(1, None);
    let at = Limits {
        max_rule_bytes: text.len(),
        ..Limits::default()
    };
    assert!(build(at, std::slice::from_ref(&text)).is_ok());
    let past = Limits {
        max_rule_bytes: text.len() - 1,
        ..Limits::default()
    };
    refused_by(build(past, &[text]), "max_rule_bytes");
}

#[test]
fn rule_set_bytes() {
    let text = program(1, None).replace("\"id\": \"p\"", "\"id\": \"q\"");
    let texts = [program(1, None), text];
    let total: usize = texts.iter().map(String::len).sum();
    let at = Limits {
        max_rule_set_bytes: total,
        ..Limits::default()
    };
    assert!(build(at, &texts).is_ok());
    let past = Limits {
        max_rule_set_bytes: total - 1,
        ..Limits::default()
    };
    let e = build(past, &texts).unwrap_err();
    assert_eq!(e.limit(), Some("max_rule_set_bytes"));
    // The text that crossed the limit is named.
    assert!(e.to_string().starts_with("r1.json: "), "{e}");
}

#[test]
fn steps_per_program_and_programs() {
    let at = Limits {
        max_steps_per_program: 3,
        ..Limits::default()
    };
    assert!(build(at, &[program(3, None)]).is_ok());
    refused_by(build(at, &[program(4, None)]), "max_steps_per_program");
    let two = [
        program(1, None),
        program(1, None).replace("\"id\": \"p\"", "\"id\": \"q\""),
    ];
    let at = Limits {
        max_programs: 2,
        ..Limits::default()
    };
    assert!(build(at, &two).is_ok());
    let past = Limits {
        max_programs: 1,
        ..Limits::default()
    };
    refused_by(build(past, &two), "max_programs");
}

#[test]
fn json_depth() {
    // A program is 4 levels deep (program, steps, a step, its title).
    let text = program(1, None);
    let at = Limits {
        max_json_depth: 4,
        ..Limits::default()
    };
    assert!(build(at, std::slice::from_ref(&text)).is_ok());
    let past = Limits {
        max_json_depth: 3,
        ..Limits::default()
    };
    refused_by(build(past, &[text]), "max_json_depth");
}

#[test]
fn occurrences_per_step() {
    let at = Limits {
        max_occurrences_per_step: 10,
        ..Limits::default()
    };
    assert!(build(at, &[program(1, Some("FREQ=DAILY;COUNT=10"))]).is_ok());
    refused_by(
        build(at, &[program(1, Some("FREQ=DAILY;COUNT=11"))]),
        "max_occurrences_per_step",
    );
}

/// Each override compiles its program again: their number is bounded, in one text or
/// over several (audit 27: 5,500 one-line overrides of a 200-step program, 408 KB, took
/// 6 s to compile). The override past the limit is named, with its pointer.
#[test]
fn overrides() {
    let at = Limits {
        max_overrides: 3,
        ..Limits::default()
    };
    let change = |days: usize| {
        format!(
            r#"{{"format": "followup/v1", "override": "p", "steps": {{"s0": {{"offset": "P{days}D"}}}}}}"#
        )
    };
    let texts = |n: usize| -> Vec<String> {
        let mut texts = vec![program(1, None)];
        texts.extend((0..n).map(|i| change(i + 2)));
        texts
    };
    let built = build(at, &texts(3)).unwrap();
    let p = built.plan(&episode(), &Calendar::default()).unwrap();
    assert_eq!(
        p.tasks[0].due.to_string(),
        "2026-03-06",
        "the last override: P4D"
    );
    let e = build(at, &texts(4)).unwrap_err();
    assert!(e.to_string().starts_with("r4.json: "), "{e}");
    refused_by(Err::<(), _>(e), "max_overrides");
    // In one text: the fourth of its array, at its pointer.
    let one = format!("[{}]", (0..4).map(change).collect::<Vec<_>>().join(","));
    let e = build(at, &[program(1, None), one]).unwrap_err();
    assert!(e.to_string().starts_with("r1.json: /3 (line 1"), "{e}");
    refused_by(Err::<(), _>(e), "max_overrides");
}

#[test]
fn offset_days() {
    let text = |days: u32| {
        program(1, None).replace("\"offset\": \"P1D\"", &format!("\"offset\": \"P{days}D\""))
    };
    let at = Limits {
        max_offset_days: 400,
        ..Limits::default()
    };
    assert!(build(at, &[text(400)]).is_ok());
    refused_by(build(at, &[text(401)]), "max_offset_days");
    // A limit past what dates reach (a host's u32::MAX) builds the built-in rules and
    // plans (audit 23: the greetings' Mother's Day rule failed, "no sample date").
    let huge = Limits {
        max_offset_days: u32::MAX,
        ..Limits::default()
    };
    let rules = crate::support::builtin_with(huge);
    let p = followup::episode::Patient {
        id: "p".into(),
        ..Default::default()
    };
    let d = |s: &str| s.parse().unwrap();
    let plan = rules
        .plan_patient(&p, d("2026-01-01"), d("2026-12-31"), &Calendar::default())
        .unwrap();
    assert!(plan.tasks.iter().any(|t| t.step() == "mothers-day"));
}

/// A chain of steps, each counted from the one before, is as far from the event as its
/// offsets together: within `max_offset_days` as one offset is. P5Y + P5Y is 3,720 days
/// (months count 31): taken; P10Y then -P1D: 3,719, taken; P6Y + P5Y: refused at the
/// second step's `from`, naming the chain.
#[test]
fn a_chain_of_steps_is_within_max_offset_days() {
    let text = |a: &str, b: &str| {
        format!(
            r#"{{"format": "followup/v1", "id": "p", "name": {{"zh": "p", "en": "p"}},
  "applies": {{"event": "procedure"}},
  "steps": [{{"id": "a", "offset": "{a}", "title": {{"zh": "a", "en": "a"}}}},
    {{"id": "b", "from": "a", "offset": "{b}", "title": {{"zh": "b", "en": "b"}}}}]}}"#
        )
    };
    assert!(build(Limits::default(), &[text("P5Y", "P5Y")]).is_ok());
    assert!(build(Limits::default(), &[text("P10Y", "-P1D")]).is_ok());
    // A loop is a cycle, whatever its offsets add up to: said as such.
    let cycle = text("P10Y", "P1D").replace(
        r#""id": "a", "offset""#,
        r#""id": "a", "from": "b", "offset""#,
    );
    let e = build(Limits::default(), &[cycle]).unwrap_err().to_string();
    assert!(
        e.contains("the steps' anchors form a cycle (a → b → a)"),
        "{e}"
    );
    let e = build(Limits::default(), &[text("P6Y", "P5Y")]).unwrap_err();
    assert_eq!(e.limit(), Some("max_offset_days"));
    assert_eq!(
        e.to_string(),
        "r0.json: /steps/1/from (line 4, column 25): the chain of anchors event → a → b puts this step about 4092 days from \"event\", more than the limit max_offset_days (3720): expected the offsets along the chain to add up to at most 3720 days (months count 31)"
    );
}

#[test]
fn tasks_per_plan() {
    // 3 steps of 10 dates: 30 tasks.
    let limits = |n| Limits {
        max_tasks_per_plan: n,
        ..Limits::default()
    };
    let text = program(3, Some("FREQ=DAILY;COUNT=10"));
    let at = build(limits(30), std::slice::from_ref(&text)).unwrap();
    assert_eq!(
        at.plan(&episode(), &Calendar::default())
            .unwrap()
            .tasks
            .len(),
        30
    );
    let past = build(limits(29), &[text]).unwrap();
    refused_by(
        past.plan(&episode(), &Calendar::default()),
        "max_tasks_per_plan",
    );
    // With a history, that what it adds counts too (audit 166: the advice was "a shorter
    // span" when a history's attempts were the cause). Planning stops at the limit: no
    // count past it is claimed (audit 169: "2001" for plans of 2,196 and 2,562).
    let e = past.plan(&episode(), &Calendar::default()).unwrap_err();
    assert_eq!(
        e.message(),
        "the plan has more tasks and dropped occurrences than the limit max_tasks_per_plan (29): expected at most 29 (plan a shorter span or fewer steps, or raise the limit)"
    );
    let history = History::from_json("h.json", r#"{"outcomes": []}"#).unwrap();
    let e = (past.plan_with(&episode(), &history, &Calendar::default())).unwrap_err();
    assert!(
        e.message().ends_with("or raise the limit; in a plan made with a history, the supervisors' checks and the further attempts, messages and follow-ups it adds count too)"),
        "{e}"
    );
    // Into a plan that held tasks: the same error, and the plan is left empty.
    let mut reused = at.plan(&episode(), &Calendar::default()).unwrap();
    let refused = past.plan_into(&episode(), &Calendar::default(), &mut reused);
    refused_by(refused.map(|()| reused.clone()), "max_tasks_per_plan");
    assert_eq!(reused, followup::plan::Plan::default());
}

#[test]
fn facts_and_reassignments_per_episode() {
    let with = |n: usize, field: &str| {
        let items: Vec<String> = (0..n)
            .map(|i| match field {
                "facts" => format!(
                    r#"{{"kind": "contacted", "at": "2026-03-{:02}"}}"#,
                    i % 28 + 2
                ),
                _ => format!(
                    r#"{{"role": "consultant", "to": "u-{i}", "at": "2026-03-02T{:02}:{:02}"}}"#,
                    i / 60 % 24,
                    i % 60
                ),
            })
            .collect();
        EPISODE.replace("}}", &format!(r#"}}, "{field}": [{}]}}"#, items.join(",")))
    };
    let rules = crate::support::builtin_with(Limits {
        max_facts: 5,
        ..Limits::default()
    });
    for field in ["facts", "reassignments"] {
        assert!(
            rules.read_episode("e.json", &with(5, field)).is_ok(),
            "{field}"
        );
        let e = rules.read_episode("e.json", &with(6, field)).unwrap_err();
        assert_eq!(e.limit(), Some("max_facts"), "{e}");
        // Refused when read, with the source's name and the pointer of the list.
        assert!(
            e.to_string()
                .starts_with(&format!("e.json: /{field} (line 1")),
            "{e}"
        );
    }
}

/// `max_facts` bounds the episode's own facts, not the history's: a history's outcomes
/// that reached the patient are `contacted` facts for the plan, and a history of more such
/// outcomes than `max_facts` (well within `max_history_entries`) plans (audit 27: refused,
/// the error blaming the episode's `/facts`, which held none). An episode with 5 facts of
/// its own, at the limit, and 6 outcomes: planned too.
#[test]
fn history_outcomes_are_not_counted_as_the_episodes_facts() {
    let rules = crate::support::builtin_with(Limits {
        max_facts: 5,
        ..Limits::default()
    });
    let laser = |facts: usize| {
        let facts: Vec<String> = (0..facts)
            .map(|i| format!(r#"{{"kind": "contacted", "at": "2026-03-{:02}"}}"#, i + 3))
            .collect();
        rules
            .read_episode(
                "e.json",
                &format!(
                    r#"{{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00",
                    "attributes": {{"category": "laser"}}, "patient": {{"id": "p-1"}},
                    "facts": [{}]}}"#,
                    facts.join(",")
                ),
            )
            .unwrap()
    };
    let outcomes: Vec<String> = (0..6)
        .map(|i| {
            format!(
                r#"{{"task": "laser-aftercare/day-1-call/ep-1/0", "outcome": "done", "at": "2026-03-03T1{i}:00"}}"#
            )
        })
        .collect();
    let history = History::from_json(
        "h.json",
        &format!(r#"{{"outcomes": [{}]}}"#, outcomes.join(",")),
    )
    .unwrap();
    for facts in [0, 5] {
        let p = rules
            .plan_with(&laser(facts), &history, &Calendar::default())
            .unwrap();
        let call = (p.tasks.iter()).find(|t| t.id() == "laser-aftercare/day-1-call/ep-1/0");
        assert!(call.is_some_and(|t| t.is_done()), "{facts} facts");
    }
}

#[test]
fn milestone_dates() {
    let rules = crate::support::builtin_with(Limits {
        max_milestone_dates: 2,
        ..Limits::default()
    });
    let ep = |n: usize| {
        let dates: Vec<String> = (0..n)
            .map(|i| format!("\"2026-04-{:02}\"", i + 1))
            .collect();
        format!(
            r#"{{"id": "e", "event": "procedure", "at": "2026-03-02", "attributes": {{"category": "plastic"}},
                "patient": {{"id": "p"}}, "milestones": {{"review_visit": [{}]}}}}"#,
            dates.join(",")
        )
    };
    assert!(rules.read_episode("e.json", &ep(2)).is_ok());
    refused_by(rules.read_episode("e.json", &ep(3)), "max_milestone_dates");
}

/// A course gives each per-session step one occurrence a session: more sessions, done and
/// planned together, than `max_occurrences_per_step` are refused when the episode is read,
/// at the first session past the limit (audit 15: only planning refused them, pointing at
/// `/milestones`). An episode read under the default limits and planned with smaller
/// ones is refused by the planner's own check of the episode, at the same session.
#[test]
fn course_sessions() {
    let rules = crate::support::builtin_with(Limits {
        max_occurrences_per_step: 10,
        ..Limits::default()
    });
    let ep = |done: usize, planned: usize| {
        let day = |i: usize| format!("\"2026-03-{:02}\"", i + 2);
        let done: Vec<String> = (0..done).map(day).collect();
        let planned: Vec<String> = (done.len()..done.len() + planned).map(day).collect();
        format!(
            r#"{{"id": "e", "event": "course", "at": "2026-03-02", "attributes": {{"category": "skin"}},
                "patient": {{"id": "p"}}, "course": {{"package": 12, "done": [{}], "planned": [{}]}}}}"#,
            done.join(","),
            planned.join(",")
        )
    };
    // At the limit, the course is read and planned: each per-session step has one
    // occurrence a session, numbered from 1 (audit 27: planning refused exactly the
    // limit, counting session numbers as if from 0).
    for (done, planned) in [(3, 7), (10, 0), (0, 10)] {
        let read = rules.read_episode("e.json", &ep(done, planned)).unwrap();
        let p = rules.plan(&read, &Calendar::default()).unwrap();
        let sessions: Vec<u32> = (p.tasks.iter())
            .filter(|t| t.step() == "session-reassurance-sms")
            .map(|t| t.occurrence)
            .collect();
        assert_eq!(
            sessions,
            (1..=10).collect::<Vec<u32>>(),
            "{done} done, {planned} planned"
        );
    }
    let e = rules.read_episode("e.json", &ep(3, 8)).unwrap_err();
    assert_eq!(e.limit(), Some("max_occurrences_per_step"));
    assert_eq!(e.pointer(), "/course/planned/7", "{e}");
    assert_eq!(
        rules
            .read_episode("e.json", &ep(11, 0))
            .unwrap_err()
            .pointer(),
        "/course/done/10"
    );
    let read = Episode::from_json("e.json", &ep(11, 0)).unwrap();
    let e = rules.plan(&read, &Calendar::default()).unwrap_err();
    assert_eq!(e.limit(), Some("max_occurrences_per_step"));
    assert_eq!(e.pointer(), "/course/done/10", "{e}");
}

#[test]
fn history_entries() {
    let rules = RuleSet::builder()
        .limits(Limits {
            max_history_entries: 3,
            ..Limits::default()
        })
        .source("p.json", program(1, None))
        .build()
        .unwrap();
    let history = |n: usize| {
        let outcomes: Vec<String> = (0..n)
            .map(|_| {
                r#"{"task": "p/s0/e/0", "outcome": "note", "at": "2026-03-03T10:00"}"#.to_string()
            })
            .collect();
        History::from_json(
            "h.json",
            &format!(r#"{{"outcomes": [{}]}}"#, outcomes.join(",")),
        )
        .unwrap()
    };
    assert!(rules
        .plan_with(&episode(), &history(3), &Calendar::default())
        .is_ok());
    refused_by(
        rules.plan_with(&episode(), &history(4), &Calendar::default()),
        "max_history_entries",
    );
}

/// Plans are written in the years 0001 to 9999 (RFC 5545 and FHIR take no others; audit
/// 9 of 6 December: an event in December 9999 gave dates like `+10000-01-04` and exports
/// no reader takes). An event is a day of the years 1900 to 9899, as every day a host
/// records (audit 34: `0001-01-01`, a CRM's "no date", was planned without a word): 20 Dec
/// 9999 and 1 Jan 0001 are refused at `/at`. Past that, only offsets longer than the
/// default `max_offset_days` reach the end of the years: a step 40,000 days after an event
/// on 20 Dec 9899 (26 Jun 10009) is refused, naming it. A plastic outpatient on 20 Dec
/// 9889 plans (its last task, the M+12 message, is in 9890).
#[test]
fn a_plan_past_the_year_9999_is_refused() {
    let ep = |at: &str, category: &str| {
        Episode::from_json(
            "e",
            &format!(
                r#"{{"id": "e", "event": "procedure", "at": "{at}",
                    "attributes": {{"category": "{category}", "setting": "outpatient"}},
                    "patient": {{"id": "p"}}}}"#
            ),
        )
    };
    let rules = RuleSet::builtin().unwrap();
    let cal = Calendar::default();
    for at in ["9999-12-20", "0001-01-01", "1899-12-31"] {
        let err = ep(&format!("{at}T10:00:00"), "plastic").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("e: /at (line 1, column 41): the event is on {at}: expected a day of the years 1900 to 9899 (the years of real records: a day outside them is a placeholder or a slip)")
        );
    }
    let p = rules
        .plan(&ep("9889-12-20T10:00:00", "plastic").unwrap(), &cal)
        .unwrap();
    assert_eq!(
        p.tasks.last().map(|t| t.due.to_string()).as_deref(),
        Some("9890-12-20")
    );
    assert!(rules
        .plan(&ep("1900-01-01T10:00:00", "plastic").unwrap(), &cal)
        .is_ok());
    let far = RuleSet::builder()
        .limits(Limits {
            max_offset_days: 40_000,
            ..Limits::default()
        })
        .source(
            "far.json",
            r#"{"format": "followup/v1", "id": "far", "name": {"zh": "远", "en": "Far"},
                "applies": {"event": "procedure"},
                "steps": [{"id": "late", "offset": "P40000D", "title": {"zh": "远", "en": "Far"}}]}"#,
        )
        .build()
        .unwrap();
    let bare = Episode::from_json(
        "e",
        r#"{"id": "e", "event": "procedure", "at": "9899-12-20T10:00", "patient": {"id": "p"}}"#,
    );
    let err = far.plan(&bare.unwrap(), &cal).unwrap_err();
    assert_eq!(
        err.to_string(),
        "episode \"e\": /at: the plan reaches +10009-06-26 (far/late/e/0), outside the years 0001 to 9999 that plans are written in: expected an event and dates that keep its tasks inside them"
    );
}

/// An episode built in code may hold what JSON refuses: a milestone of no dates is
/// refused when planned, naming it, as when read (audit 23: the review steps vanished,
/// with no `missing_anchor` entry).
#[test]
fn a_milestone_of_no_dates_built_in_code_is_refused() {
    let mut ep = Episode::from_json(
        "e.json",
        r#"{"id": "e", "event": "procedure", "at": "2026-03-02", "attributes": {"category": "plastic", "setting": "outpatient"},
            "patient": {"id": "p"}}"#,
    )
    .unwrap();
    ep.milestones
        .insert("review_visit".into(), followup::episode::Dates(Vec::new()));
    let e = RuleSet::builtin()
        .unwrap()
        .plan(&ep, &Calendar::default())
        .unwrap_err();
    assert!(e.is_episode(), "{e}");
    assert_eq!(e.pointer(), "/milestones/review_visit", "{e}");
    assert!(e.to_string().contains("no dates: expected a date"), "{e}");
}

/// A rule set reads a history within its own `max_rule_bytes` and `max_json_depth`, as
/// it reads an episode (audit 127: it used the default limits, so a host that raised
/// `max_rule_bytes` could not read a longer history, and one that lowered it did not
/// bound histories).
#[test]
fn a_rule_set_reads_a_history_within_its_own_limits() {
    let rules = program(1, None);
    let outcome = format!(
        r#"{{"task": "p/s0/e/0", "outcome": "no_answer", "at": "2026-03-03T10:00", "note": "{}"}}"#,
        " ".repeat(rules.len())
    );
    let text = format!(r#"{{"outcomes": [{outcome}]}}"#);
    let with = |limits: Limits| build(limits, std::slice::from_ref(&rules)).unwrap();
    let at = with(Limits {
        max_rule_bytes: text.len(),
        ..Limits::default()
    });
    assert_eq!(at.read_history("h.json", &text).unwrap().outcomes.len(), 1);
    let past = with(Limits {
        max_rule_bytes: text.len() - 1,
        ..Limits::default()
    });
    refused_by(past.read_history("h.json", &text), "max_rule_bytes");
    // Raised: a history past the default 1 MiB is read.
    let long = format!(r#"{{"outcomes": [{}]}}"#, vec![outcome; 6_000].join(","));
    assert!(long.len() > Limits::default().max_rule_bytes);
    refused_by(History::from_json("h.json", &long), "max_rule_bytes");
    let raised = with(Limits {
        max_rule_bytes: long.len(),
        max_history_entries: 6_000,
        ..Limits::default()
    });
    assert_eq!(
        raised.read_history("h.json", &long).unwrap().outcomes.len(),
        6_000
    );
    // Nested deeper than the set's max_json_depth (the rule text is 4 deep).
    let deep = r#"{"x": [[[[1]]]], "outcomes": []}"#;
    let shallow = with(Limits {
        max_json_depth: 4,
        ..Limits::default()
    });
    refused_by(shallow.read_history("h.json", deep), "max_json_depth");
}

/// Occurrences counted from facts past `max_occurrences_per_step` are refused at the
/// episode's `/facts`, saying where they came from — the history's outcomes too, whose
/// `done` calls are `contacted` facts (audit 166: always `/milestones`, which neither
/// episode has); from a milestone, at its dates.
#[test]
fn occurrences_counted_from_facts_or_milestones() {
    let limits = Limits {
        max_occurrences_per_step: 3,
        ..Limits::default()
    };
    let rules = build(
        limits,
        &[r#"{"format": "followup/v1", "id": "p", "name": {"zh": "p", "en": "p"},
            "applies": {"event": "procedure"},
            "milestones": {"review": "P7D"},
            "steps": [{"id": "f", "from": "fact:contacted", "offset": "P1D", "title": {"zh": "回访", "en": "Call"}},
                      {"id": "r", "from": "review", "offset": "-P1D", "channel": "sms", "title": {"zh": "提醒", "en": "Reminder"}}]}"#
            .to_string()],
    )
    .unwrap();
    let ep = |facts: usize, reviews: usize| {
        let facts: Vec<String> = (0..facts)
            .map(|i| {
                format!(
                    r#"{{"kind": "contacted", "at": "2026-03-{:02}T10:00:00"}}"#,
                    i + 3
                )
            })
            .collect();
        let reviews: Vec<String> = (0..reviews)
            .map(|i| format!(r#""2026-04-{:02}""#, i + 1))
            .collect();
        rules
            .read_episode(
                "e.json",
                &format!(
                    r#"{{"id": "e", "event": "procedure", "at": "2026-03-02", "patient": {{"id": "p"}},
                        "facts": [{}], "milestones": {{"review": [{}]}}}}"#,
                    facts.join(","),
                    reviews.join(",")
                ),
            )
            .unwrap()
    };
    let cal = Calendar::default();
    assert!(rules.plan(&ep(3, 3), &cal).is_ok());
    let e = rules.plan(&ep(4, 1), &cal).unwrap_err();
    assert_eq!(e.limit(), Some("max_occurrences_per_step"));
    assert_eq!(e.pointer(), "/facts", "{e}");
    assert!(e.message().contains("step p/f has more than the limit max_occurrences_per_step (3) occurrences, from the episode's facts: expected at most 3"), "{e}");
    // Three facts and a `done` in the history: a fourth contact.
    let history = History::from_json(
        "h.json",
        r#"{"outcomes": [{"task": "p/f/e/0", "outcome": "done", "at": "2026-03-04T11:00:00"}]}"#,
    )
    .unwrap();
    let e = rules.plan_with(&ep(3, 1), &history, &cal).unwrap_err();
    assert_eq!(e.pointer(), "/facts", "{e}");
    assert!(
        e.message()
            .contains("from the episode's facts and those the history's outcomes give"),
        "{e}"
    );
    let e = rules.plan(&ep(1, 4), &cal).unwrap_err();
    assert_eq!(e.pointer(), "/milestones/review", "{e}");
    assert!(
        e.message().contains("from the dates of milestone review"),
        "{e}"
    );
    // Counted from reassignments (`fact:assigned`), the episode holding no facts: at
    // `/reassignments` (audit 169: at `/facts`, which it did not have).
    let assigned = build(
        limits,
        &[r#"{"format": "followup/v1", "id": "q", "name": {"zh": "q", "en": "q"},
            "applies": {"event": "procedure"},
            "steps": [{"id": "a", "from": "fact:assigned", "offset": "P0D", "channel": "internal", "title": {"zh": "交接", "en": "Handover"}}]}"#
            .to_string()],
    )
    .unwrap();
    let handed: Vec<String> = (0..4)
        .map(|i| {
            format!(
                r#"{{"role": "consultant", "to": "u-{i}", "at": "2026-03-0{}T10:00"}}"#,
                i + 3
            )
        })
        .collect();
    let ep = assigned
        .read_episode(
            "e.json",
            &format!(
                r#"{{"id": "e", "event": "procedure", "at": "2026-03-02", "patient": {{"id": "p"}},
                    "reassignments": [{}]}}"#,
                handed.join(",")
            ),
        )
        .unwrap();
    let e = assigned.plan(&ep, &cal).unwrap_err();
    assert_eq!(e.pointer(), "/reassignments", "{e}");
    assert!(
        e.message().contains("from the episode's reassignments"),
        "{e}"
    );
}
