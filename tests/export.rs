//! `followup::export`: iCalendar read back by a real parser (the `ical` crate), FHIR R4
//! checked against a hand-written schema of R4 `Task` and `Bundle`
//! (`tests/data/fhir-r4-task-bundle.schema.json`), CSV read back by an RFC 4180 reader.

use crate::support::builtin;
use followup::export::{self, Options, Zone, CSV_COLUMNS};
use followup::{
    calendar::Calendar,
    episode::Episode,
    history::History,
    plan::{Plan, Status},
    rules::{Lang, RuleSet},
};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every sample episode of `examples/episodes/`, by file name.
fn samples(rules: &RuleSet) -> Vec<(String, Episode)> {
    crate::support::sample_episodes(rules)
}

/// The plans of every sample, made three ways: plain; with the official 2026 calendar of
/// China (shifted tasks); and marked on an as-of day (statuses, expired tasks).
fn sample_plans() -> Vec<(String, Plan)> {
    let rules = builtin();
    let china = Calendar::china(2026).unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    let mut out = Vec::new();
    for (name, ep) in samples(&rules) {
        out.push((name.clone(), rules.plan(&ep, &Calendar::default()).unwrap()));
        out.push((format!("{name} cn-2026"), rules.plan(&ep, &china).unwrap()));
        let mut marked = rules.plan(&ep, &china).unwrap();
        for t in &mut marked.tasks {
            t.status = Some(Status::of(t, as_of));
        }
        out.push((format!("{name} as of {as_of}"), marked));
    }
    out
}

/// The sample plastic inpatient (`examples/episodes/plastic-inpatient.json`): rhinoplasty
/// on Mon 2 Mar 2026 10:00, discharged Thu 5 Mar; customer service is u-3 until 16 Mar.
pub(crate) fn inpatient() -> (RuleSet, Episode) {
    let rules = builtin();
    let ep = rules
        .read_episode(
            "plastic-inpatient",
            &read("examples/episodes/plastic-inpatient.json"),
        )
        .unwrap();
    (rules, ep)
}

/// The inpatient's plan, default calendar, no history.
fn inpatient_plan() -> Plan {
    let (rules, ep) = inpatient();
    rules.plan(&ep, &Calendar::default()).unwrap()
}

/// The stamp the hand-checked exports are made with: 10:30 on the day of the surgery.
pub(crate) fn stamp() -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDate::from_ymd_opt(2026, 3, 2).and_then(|d| d.and_hms_opt(10, 30, 0))
}

/// The inpatient's plan with the closed loop of `examples/histories/p42-march.json`: done
/// tasks, a second attempt after an unanswered call, an abnormal recovery.
pub(crate) fn inpatient_with_history() -> Plan {
    let (rules, ep) = inpatient();
    let history =
        History::from_json("p42-march", &read("examples/histories/p42-march.json")).unwrap();
    rules
        .plan_with(&ep, &history, &Calendar::default())
        .unwrap()
}

// ---------------------------------------------------------------------------------------
// iCalendar

/// Unfolds content lines (RFC 5545 §3.1): a CRLF followed by one space or tab goes.
/// The iCalendar of `plan` in `lang`, with the other options at their defaults.
fn ics_in(plan: &Plan, lang: Lang) -> String {
    export::ics(
        [plan],
        &Options {
            lang,
            ..Options::default()
        },
    )
}

/// The summary a to-do of `task` has: its title, after `[等待: 已康复] ` / `[waits for:
/// recovered] ` when it waits for recovery with nothing recorded (the samples wait for
/// no other fact).
pub(crate) fn summary(task: &followup::plan::Task, lang: Lang) -> String {
    let title = task.title().get(lang).to_string();
    match (task.waits_for(), &task.record) {
        (Some("recovered"), None) => match lang {
            Lang::Zh => format!("[等待: 已康复] {title}"),
            _ => format!("[waits for: recovered] {title}"),
        },
        (Some(other), None) => panic!("a sample waits for {other}"),
        _ => title,
    }
}

pub(crate) fn unfold(ics: &str) -> String {
    ics.replace("\r\n ", "").replace("\r\n\t", "")
}

/// Undoes TEXT escaping (RFC 5545 §3.3.11).
pub(crate) fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub(crate) fn parse_ics(ics: &str) -> ical::parser::ical::component::IcalCalendar {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes()));
    let cal = parser
        .next()
        .expect("one calendar")
        .unwrap_or_else(|e| panic!("the ical crate rejects the export: {e}\n{ics}"));
    assert!(parser.next().is_none(), "one VCALENDAR only");
    cal
}

fn prop<'a>(
    props: &'a [ical::property::Property],
    name: &str,
) -> Option<&'a ical::property::Property> {
    props.iter().find(|p| p.name == name)
}

pub(crate) fn value(props: &[ical::property::Property], name: &str) -> String {
    prop(props, name)
        .and_then(|p| p.value.clone())
        .unwrap_or_else(|| panic!("no {name}"))
}

/// The day-1 call of the sample inpatient, written out by hand from the domain: the
/// plastic-surgery aftercare calls the day after surgery (3 Mar) during the day (the
/// program's `time` is `day`, 09:00–18:00, the clinic's time in Shanghai), by phone,
/// customer service (u-3 then), with the aftercare advice as the script.
#[test]
fn ics_day1_call_of_the_sample_inpatient_reads_as_written_by_hand() {
    let plan = inpatient_plan();
    let options = Options {
        stamp: stamp(),
        uid_domain: "clinic.example".into(),
        ..Options::default()
    };
    let ics = export::ics([&plan], &options);
    let start = ics
        .find("BEGIN:VTODO\r\nUID:plastic-aftercare/day-1-call/ep-1001/0@clinic.example\r\n")
        .expect("the day-1 call");
    let todo = &ics[start..start + ics[start..].find("END:VTODO\r\n").unwrap()];
    let expected = [
        "BEGIN:VTODO",
        "UID:plastic-aftercare/day-1-call/ep-1001/0@clinic.example",
        // 10:30 in Shanghai is 02:30 UTC.
        "DTSTAMP:20260302T023000Z",
        "DTSTART;TZID=Asia/Shanghai:20260303T090000",
        "DUE;TZID=Asia/Shanghai:20260303T180000",
        "SUMMARY;LANGUAGE=zh:术后第一天回访",
        // The script's "；" and "、" are not TEXT's separators; its "，" is not a comma.
        "DESCRIPTION;LANGUAGE=zh:告知切口处勿沾水；忌辛辣刺激性食物、发物，忌烟、酒；勿服阿司匹林类血溶性药物；通知顾客明天来院复查换药。",
        "STATUS:NEEDS-ACTION",
        "CATEGORIES:phone,customer_service",
        "CLASS:CONFIDENTIAL",
        "X-FOLLOWUP-PROGRAM:plastic-aftercare",
        "X-FOLLOWUP-STEP:day-1-call",
        "X-FOLLOWUP-OCCURRENCE:0",
        "X-FOLLOWUP-EPISODE:ep-1001",
        "X-FOLLOWUP-PATIENT:p-42",
        "X-FOLLOWUP-OWNER:u-3",
        "X-FOLLOWUP-EARLIEST:2026-03-03",
        "X-FOLLOWUP-LATEST:2026-03-03",
    ];
    let lines: Vec<String> = unfold(todo).lines().map(str::to_string).collect();
    assert_eq!(&lines[..expected.len()], expected, "{todo}");
    // The script takes several physical lines.
    assert!(todo.contains("\r\n "), "{todo}");

    // In English, the script's commas and semicolons are escaped.
    let en = export::ics(
        [&plan],
        &Options {
            lang: Lang::En,
            ..options
        },
    );
    assert!(unfold(&en).contains(
        "DESCRIPTION;LANGUAGE=en:Keep the incision dry\\; no spicy food\\, \"fa wu\" foods\\, smoking or alcohol\\; no aspirin-type drugs\\; come back tomorrow for the check-up and dressing change.\r\n"
    ));
}

#[test]
fn ics_of_every_sample_parses_with_one_vtodo_per_task_uid_the_task_id() {
    for (name, plan) in sample_plans() {
        let ics = export::ics([&plan], &Options::default());
        assert!(
            ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"),
            "{name}"
        );
        assert!(ics.ends_with("END:VCALENDAR\r\n"), "{name}");
        assert!(!ics.replace("\r\n", "").contains('\n'), "{name}: a bare LF");
        let cal = parse_ics(&ics);
        assert_eq!(cal.todos.len(), plan.tasks.len(), "{name}");
        assert_eq!(cal.timezones.len(), 1, "{name}");
        assert_eq!(value(&cal.properties, "VERSION"), "2.0");
        for (todo, task) in cal.todos.iter().zip(&plan.tasks) {
            let p = &todo.properties;
            assert_eq!(value(p, "UID"), task.id(), "{name}");
            assert!(prop(p, "DTSTAMP").is_some(), "{name}: DTSTAMP is required");
            let start = prop(p, "DTSTART").unwrap();
            let tzid = start.params.as_ref().unwrap();
            assert_eq!(
                tzid,
                &[("TZID".to_string(), vec!["Asia/Shanghai".to_string()])]
            );
            let day = task.due.format("%Y%m%d").to_string();
            assert_eq!(
                start.value.as_deref(),
                Some(format!("{day}T{}", task.window.start.format("%H%M%S")).as_str())
            );
            assert_eq!(
                value(p, "DUE"),
                format!("{day}T{}", task.window.end.format("%H%M%S"))
            );
            assert_eq!(
                unescape(&value(p, "SUMMARY")),
                summary(task, Lang::Zh),
                "{name}"
            );
            match task.script() {
                Some(s) => assert_eq!(unescape(&value(p, "DESCRIPTION")), s.zh(), "{name}"),
                None => assert!(prop(p, "DESCRIPTION").is_none()),
            }
            let status = value(p, "STATUS");
            if task.status == Some(Status::Expired) {
                assert_eq!(status, "CANCELLED", "{name}");
            } else {
                assert_eq!(status, "NEEDS-ACTION", "{name}");
            }
            match task.shifted {
                Some(r) => assert_eq!(value(p, "X-FOLLOWUP-SHIFTED"), r.name()),
                None => assert!(prop(p, "X-FOLLOWUP-SHIFTED").is_none()),
            }
        }
    }
}

/// The plan of a laser treatment on Mon 2 March 2026 of `patient`, its episode `ep-1`
/// whoever the patient: two patients' episodes of one id (a careless host).
pub(crate) fn laser_ep_1(patient: &str) -> Plan {
    let rules = builtin();
    let ep = crate::support::read(
        &rules,
        &format!(
            r#"{{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00",
                "attributes": {{"category": "laser"}}, "patient": {{"id": "{patient}"}}}}"#
        ),
    );
    rules.plan(&ep, &Calendar::default()).unwrap()
}

/// Two patients whose episodes share an id (a careless host): both keep their tasks in
/// every export, the iCalendar UIDs and FHIR identifiers naming the patient so that none
/// is given twice; a patient exported alone keeps the plain task ids. Audit 35: the
/// second patient's tasks vanished, taken for duplicates of the first's.
#[test]
fn two_patients_with_one_episode_id_both_export_their_tasks() {
    let (a, b) = (laser_ep_1("p-1"), laser_ep_1("p-2"));
    assert!(!a.tasks.is_empty());
    let n = a.tasks.len() + b.tasks.len();
    let cal = parse_ics(&export::ics([&a, &b], &Options::default()));
    let uids: Vec<String> = cal
        .todos
        .iter()
        .map(|t| value(&t.properties, "UID"))
        .collect();
    assert_eq!(uids.len(), n);
    assert_eq!(uids.iter().collect::<BTreeSet<_>>().len(), n, "{uids:?}");
    let day_1 = "laser-aftercare/day-1-call/ep-1/0";
    for p in ["p-1", "p-2"] {
        assert!(uids.contains(&format!("{day_1}/patient:{p}")), "{uids:?}");
    }
    let bundle = export::fhir_bundle([&a, &b], &Options::default());
    let ids: BTreeSet<String> = (bundle["entry"].as_array().unwrap().iter())
        .map(|e| {
            e["resource"]["identifier"][0]["value"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids.len(), n);
    let csv = export::csv([&a, &b], &Options::default());
    assert_eq!(csv.lines().count(), n + 1);
    assert_eq!(
        csv.lines().filter(|l| l.contains(",p-2,")).count(),
        b.tasks.len()
    );
    // Alone, or with another episode of another id, the ids are the tasks' own.
    let alone = parse_ics(&export::ics([&a], &Options::default()));
    assert_eq!(value(&alone.todos[0].properties, "UID"), day_1);
}

#[test]
fn ics_lines_are_at_most_75_octets_and_unfold_to_the_chinese_text() {
    // Long Chinese scripts (3 octets a character) and English ones.
    let plan = inpatient_with_history();
    for lang in [Lang::Zh, Lang::En] {
        let ics = ics_in(&plan, lang);
        let mut folded = 0;
        for line in ics.split_terminator("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
            folded += usize::from(line.starts_with(' '));
        }
        assert!(folded > 10, "{folded} continuation lines");
        let unfolded = unfold(&ics);
        for task in &plan.tasks {
            if let Some(script) = task.script() {
                let line = format!("DESCRIPTION;LANGUAGE={}:", lang.tag());
                let written = (unfolded.split("\r\n"))
                    .filter_map(|l| l.strip_prefix(&line))
                    .map(unescape)
                    .any(|s| s == script.get(lang));
                assert!(written, "{}: {:?} not found", task.id(), script.get(lang));
            }
        }
        // The parser, which unfolds by itself, reads the same texts.
        let cal = parse_ics(&ics);
        for (todo, task) in cal.todos.iter().zip(&plan.tasks) {
            assert_eq!(
                unescape(&value(&todo.properties, "SUMMARY")),
                summary(task, lang)
            );
        }
    }
}

#[test]
fn ics_status_completed_and_related_to_follow_the_history() {
    let plan = inpatient_with_history();
    let ics = export::ics([&plan], &Options::default());
    let cal = parse_ics(&ics);
    assert_eq!(cal.todos.len(), plan.tasks.len());
    let by_uid = |uid: &str| {
        cal.todos
            .iter()
            .find(|t| value(&t.properties, "UID") == uid)
            .unwrap_or_else(|| panic!("no {uid}"))
    };
    // The first call went unanswered: a second attempt took over and was done at 12:20.
    let first = by_uid("plastic-aftercare/day-1-call/ep-1001/0");
    assert_eq!(value(&first.properties, "STATUS"), "CANCELLED");
    assert_eq!(value(&first.properties, "X-FOLLOWUP-OUTCOME"), "no_answer");
    let second = by_uid("plastic-aftercare/day-1-call/ep-1001/0/attempt-2");
    assert_eq!(value(&second.properties, "STATUS"), "COMPLETED");
    // 12:20 in Shanghai is 04:20 UTC.
    assert_eq!(value(&second.properties, "COMPLETED"), "20260303T042000Z");
    assert_eq!(
        value(&second.properties, "RELATED-TO"),
        "plastic-aftercare/day-1-call/ep-1001/0"
    );
    assert_eq!(value(&second.properties, "X-FOLLOWUP-DERIVED"), "attempt-2");
    // Tasks after the history are still to do.
    assert!(plan.tasks.iter().any(|t| t.record.is_none()));
    for (todo, task) in cal.todos.iter().zip(&plan.tasks) {
        if task.record.is_none() && task.status.is_none() {
            assert_eq!(value(&todo.properties, "STATUS"), "NEEDS-ACTION");
        }
    }
}

#[test]
fn ics_is_deterministic_and_its_default_stamp_comes_from_the_plan() {
    let (rules, ep) = inpatient();
    let a = rules.plan(&ep, &Calendar::default()).unwrap();
    let b = rules.plan(&ep, &Calendar::default()).unwrap();
    let ics = export::ics([&a], &Options::default());
    assert_eq!(ics, export::ics([&b], &Options::default()));
    // No stamp given: midnight in Shanghai of the first task's earliest day (3 Mar).
    assert!(ics.contains("\r\nDTSTAMP:20260302T160000Z\r\n"));
    // Two plans (two episodes): one calendar, one time zone, the tasks of both.
    let mut other = ep.clone();
    other.id = "ep-1002".into();
    let c = rules.plan(&other, &Calendar::default()).unwrap();
    let both = export::ics([&a, &c], &Options::default());
    let cal = parse_ics(&both);
    assert_eq!(cal.todos.len(), a.tasks.len() + c.tasks.len());
    assert_eq!(cal.timezones.len(), 1);
    // Another fixed-offset zone.
    let hk = Zone::fixed("Asia/Hong_Kong", 8 * 60).unwrap();
    let kathmandu = Zone::fixed("Asia/Kathmandu", 5 * 60 + 45).unwrap();
    assert!(export::ics(
        [&a],
        &Options {
            zone: hk,
            ..Options::default()
        }
    )
    .contains("DTSTART;TZID=Asia/Hong_Kong:20260303T090000\r\n"));
    let np = export::ics(
        [&a],
        &Options {
            zone: kathmandu,
            ..Options::default()
        },
    );
    assert!(np.contains("TZOFFSETTO:+0545\r\n"), "{np}");
    assert!(Zone::fixed("Bad;Zone", 0).is_none());
    assert!(Zone::fixed("Far/Away", 19 * 60).is_none());
    // FHIR's dateTime offsets stop at ±14:00, as the world's zones do (audit 35).
    assert!(Zone::fixed("Pacific/Kiritimati", 14 * 60).is_some());
    assert!(Zone::fixed("Etc/Test", 15 * 60).is_none());
    assert!(Zone::fixed("Etc/Test", -14 * 60 - 1).is_none());
    // An empty plan gives a calendar of no to-do, still valid: RFC 5545 wants one
    // component at least, the time zone (audit 35: it had none).
    let empty = export::ics([&Plan::default()], &Options::default());
    assert_eq!(
        empty,
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//followup//followup {}//EN\r\nCALSCALE:GREGORIAN\r\n\
             BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n\
             TZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n",
            followup::plan::VERSION
        )
    );
    assert!(parse_ics(&empty).todos.is_empty());
}

/// The UTC times iCalendar writes stay in the years 0001 to 9999 (audit 63 A2): a plan
/// read back with its first task on 1 January 0001 (plans are written in those years)
/// stamped midnight there in Shanghai, 16:00 UTC the day before, in the year 0000; it is
/// now the first instant of the year 0001. A task done at 20:00 on 31 December 9999 in
/// Honolulu (UTC-10) was completed at 06:00 UTC in the year 10000; it is now the last
/// second of 9999.
#[test]
fn ics_utc_times_stay_in_the_years_0001_to_9999() {
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let mut plan = inpatient_with_history();
    let first = plan.tasks.iter().map(|t| t.earliest).min().unwrap();
    for t in &mut plan.tasks {
        let back = t.earliest - first;
        t.earliest = day(1, 1, 1) + back;
        t.due = day(1, 1, 1) + (t.due - first);
        t.latest = day(1, 1, 1) + (t.latest - first);
    }
    let ics = unfold(&export::ics([&plan], &Options::default()));
    assert!(ics.contains("\r\nDTSTAMP:00010101T000000Z\r\n"), "{ics}");
    assert!(!ics.contains(":0000"), "{ics}");

    let mut plan = inpatient_with_history();
    let done = (plan.tasks.iter_mut()).find(|t| t.is_done()).unwrap();
    done.record.as_mut().unwrap().at = day(9999, 12, 31).and_hms_opt(20, 0, 0).unwrap();
    let honolulu = Zone::fixed("Pacific/Honolulu", -10 * 60).unwrap();
    let options = Options {
        zone: honolulu,
        ..Options::default()
    };
    let ics = unfold(&export::ics([&plan], &options));
    assert!(ics.contains("\r\nCOMPLETED:99991231T235959Z\r\n"), "{ics}");
}

/// A plan whose texts hold every character that needs care in the three formats.
fn awkward_plan() -> Plan {
    let rules = RuleSet::builder()
        .source(
            "awkward.json",
            r#"{
            "format": "followup/v1", "id": "awkward",
            "name": {"zh": "测试", "en": "Test"},
            "steps": [
                {"id": "formula", "offset": "P1D",
                 "title": {"zh": "=HYPERLINK(\"http://x\",\"点我\")", "en": "+1 call, \"urgent\"; now"},
                 "script": {"zh": "第一行\n第二行，逗号,分号;反斜杠\\结束", "en": "-2 days\r\nthen @mention\tand tab"}},
                {"id": "plain", "offset": "P2D", "title": {"zh": "普通", "en": "Plain"}}
            ]
        }"#,
        )
        .build()
        .unwrap();
    let ep = Episode::from_json(
        "ep",
        r#"{"id": "e-1", "event": "procedure", "at": "2026-03-02", "patient": {"id": "-p_1"}}"#,
    )
    .unwrap();
    rules.plan(&ep, &Calendar::default()).unwrap()
}

#[test]
fn ics_escapes_separators_backslashes_and_newlines() {
    let plan = awkward_plan();
    for lang in [Lang::Zh, Lang::En] {
        let ics = ics_in(&plan, lang);
        let cal = parse_ics(&ics);
        let todo = &cal.todos[0].properties;
        let task = &plan.tasks[0];
        assert_eq!(unescape(&value(todo, "SUMMARY")), task.title().get(lang));
        let script = task.script().unwrap().get(lang).replace("\r\n", "\n");
        assert_eq!(unescape(&value(todo, "DESCRIPTION")), script);
    }
    let ics = unfold(&export::ics([&plan], &Options::default()));
    assert!(
        ics.contains("DESCRIPTION;LANGUAGE=zh:第一行\\n第二行，逗号\\,分号\\;反斜杠\\\\结束\r\n")
    );
}

// ---------------------------------------------------------------------------------------
// FHIR

pub(crate) fn fhir_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&read("tests/data/fhir-r4-task-bundle.schema.json")).unwrap();
    jsonschema::draft202012::new(&schema).unwrap()
}

pub(crate) fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn fhir_bundles_of_every_sample_match_the_r4_task_schema() {
    let v = fhir_validator();
    let stamped = Options {
        stamp: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).and_then(|d| d.and_hms_opt(8, 0, 0)),
        lang: Lang::En,
        ..Options::default()
    };
    let mut plans = sample_plans();
    plans.push(("inpatient with history".into(), inpatient_with_history()));
    plans.push(("awkward".into(), awkward_plan()));
    plans.push(("empty".into(), Plan::default()));
    for (name, plan) in &plans {
        for options in [&Options::default(), &stamped] {
            let text = export::fhir([plan], options);
            let bundle: Value = serde_json::from_str(&text).unwrap();
            let found = errors(&v, &bundle);
            assert!(found.is_empty(), "{name}:\n{}", found.join("\n"));
            let entries = bundle["entry"].as_array().map_or(0, Vec::len);
            assert_eq!(entries, plan.tasks.len(), "{name}");
            assert_eq!(bundle, export::fhir_bundle([plan], options));
            for (entry, task) in bundle["entry"]
                .as_array()
                .into_iter()
                .flatten()
                .zip(&plan.tasks)
            {
                let r = &entry["resource"];
                assert_eq!(r["identifier"][0]["value"], task.id().as_str());
                assert_eq!(r["for"]["identifier"]["value"], task.patient());
            }
        }
    }
}

/// The day-1 call as a FHIR Task, element by element (see the mapping in
/// `followup::export::fhir`).
#[test]
fn fhir_day1_call_of_the_sample_inpatient() {
    let plan = inpatient_plan();
    let options = Options {
        stamp: stamp(),
        system: "https://clinic.example/fhir".into(),
        ..Options::default()
    };
    let bundle = export::fhir_bundle([&plan], &options);
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    assert_eq!(bundle["timestamp"], "2026-03-02T10:30:00+08:00");
    let task = &bundle["entry"][0]["resource"];
    let s = |kind: &str| format!("https://clinic.example/fhir/{kind}");
    assert_eq!(
        task,
        &json!({
            "resourceType": "Task",
            "identifier": [{"system": s("task"), "value": "plastic-aftercare/day-1-call/ep-1001/0"}],
            "instantiatesUri": s("program/plastic-aftercare"),
            "groupIdentifier": {"system": s("episode"), "value": "ep-1001"},
            "status": "ready",
            "intent": "order",
            "code": {
                "coding": [{"system": s("step"), "code": "plastic-aftercare/day-1-call", "display": "术后第一天回访"}],
                "text": "术后第一天回访"
            },
            "description": "术后第一天回访",
            "focus": {"identifier": {"system": s("episode"), "value": "ep-1001"}},
            "for": {"type": "Patient", "identifier": {"system": s("patient"), "value": "p-42"}},
            "authoredOn": "2026-03-02T10:30:00+08:00",
            "performerType": [{"coding": [{"system": s("role"), "code": "customer_service"}]}],
            "owner": {"identifier": {"system": s("staff"), "value": "u-3"}},
            "note": [{"text": "告知切口处勿沾水；忌辛辣刺激性食物、发物，忌烟、酒；勿服阿司匹林类血溶性药物；通知顾客明天来院复查换药。"}],
            "restriction": {"period": {"start": "2026-03-03T09:00:00+08:00", "end": "2026-03-03T18:00:00+08:00"}},
            "input": [
                {"type": {"coding": [{"system": s("task-input"), "code": "channel"}], "text": "channel"}, "valueCode": "phone"},
                {"type": {"coding": [{"system": s("task-input"), "code": "due"}], "text": "due"},
                 "valuePeriod": {"start": "2026-03-03T09:00:00+08:00", "end": "2026-03-03T18:00:00+08:00"}},
                {"type": {"coding": [{"system": s("task-input"), "code": "expires"}], "text": "expires"},
                 "valueDate": task["input"][2]["valueDate"].clone()},
                {"type": {"coding": [{"system": s("task-input"), "code": "rules"}], "text": "rules"},
                 "valueString": plan.made_by.rules.to_string()}
            ]
        })
    );
    assert_eq!(
        task["input"][2]["valueDate"],
        plan.tasks[0].expires.unwrap().to_string()
    );
    // Each entry has a fullUrl of its own, a version-8 UUID made from the task's
    // identifier: the same in every export (R4 bundle.html: a collection's entries SHALL
    // have one; audit 261).
    let urls: Vec<&str> = (bundle["entry"].as_array().unwrap().iter())
        .map(|e| e["fullUrl"].as_str().unwrap())
        .collect();
    let uuid = |u: &str| {
        let hex = u.strip_prefix("urn:uuid:").unwrap_or("");
        let parts: Vec<usize> = hex.split('-').map(str::len).collect();
        parts == [8, 4, 4, 4, 12]
            && hex
                .chars()
                .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            && hex.as_bytes()[14] == b'8'
            && matches!(hex.as_bytes()[19], b'8' | b'9' | b'a' | b'b')
    };
    assert!(urls.iter().all(|u| uuid(u)), "{urls:?}");
    let distinct: std::collections::BTreeSet<&&str> = urls.iter().collect();
    assert_eq!(distinct.len(), urls.len());
    assert_eq!(export::fhir_bundle([&plan], &options), bundle);
    assert!(errors(&fhir_validator(), &bundle).is_empty());
    // A base given with its trailing slash, or a URN with its colon, is joined once
    // (audit 74: `…/fhir//task`).
    for (system, task_system) in [
        (
            "https://clinic.example/fhir/",
            "https://clinic.example/fhir/task",
        ),
        ("urn:clinic:", "urn:clinic:task"),
        // An OID base takes numeric arcs: its systems must be OIDs (audit 261:
        // `urn:oid:1.2.156.112604.1:task` is no URI a server accepts).
        ("urn:oid:1.2.156.112604.1", "urn:oid:1.2.156.112604.1.1"),
        // URN schemes are case-insensitive; an empty base is the default's.
        ("URN:OID:1.2.156.112604.1", "URN:OID:1.2.156.112604.1.1"),
        ("", "urn:followup:task"),
    ] {
        let options = Options {
            system: system.into(),
            ..options.clone()
        };
        let bundle = export::fhir_bundle([&plan], &options);
        let task = &bundle["entry"][0]["resource"];
        assert_eq!(task["identifier"][0]["system"], task_system);
        assert!(errors(&fhir_validator(), &bundle).is_empty());
        if system.starts_with("urn:oid:") {
            assert_eq!(
                task["code"]["coding"][0]["system"],
                "urn:oid:1.2.156.112604.1.3"
            );
            assert_eq!(
                task["for"]["identifier"]["system"],
                "urn:oid:1.2.156.112604.1.6"
            );
            assert!(task.get("instantiatesUri").is_none());
        }
    }
}

#[test]
fn fhir_status_and_business_status_follow_the_history() {
    let plan = inpatient_with_history();
    let bundle = export::fhir_bundle([&plan], &Options::default());
    let by_id = |id: &str| {
        bundle["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["resource"])
            .find(|r| r["identifier"][0]["value"] == id)
            .unwrap_or_else(|| panic!("no {id}"))
            .clone()
    };
    let first = by_id("plastic-aftercare/day-1-call/ep-1001/0");
    assert_eq!(first["status"], "cancelled");
    assert_eq!(first["statusReason"]["text"], "未接通：已由后续处理接替");
    assert_eq!(first["lastModified"], "2026-03-03T10:05:00+08:00");
    // When work was done: the record's moment (R4's executionPeriod), not the window.
    assert_eq!(
        first["executionPeriod"],
        json!({"start": "2026-03-03T10:05:00+08:00", "end": "2026-03-03T10:05:00+08:00"})
    );
    let second = by_id("plastic-aftercare/day-1-call/ep-1001/0/attempt-2");
    assert_eq!(second["status"], "completed");
    // Its parent by identifier, and by the parent's entry in the bundle.
    assert_eq!(
        second["partOf"][0]["identifier"]["value"],
        "plastic-aftercare/day-1-call/ep-1001/0"
    );
    let parent_url = (bundle["entry"].as_array().unwrap().iter())
        .find(|e| {
            e["resource"]["identifier"][0]["value"] == "plastic-aftercare/day-1-call/ep-1001/0"
        })
        .map(|e| e["fullUrl"].clone());
    assert_eq!(Some(second["partOf"][0]["reference"].clone()), parent_url);
    // One business status, the state now (R4: a CodeableConcept's codings are one
    // meaning; audit 261); what else is known of the task is in its inputs.
    let codes: Vec<&str> = second["businessStatus"]["coding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["outcome:done"]);
    let inputs: Vec<String> = (second["input"].as_array().unwrap().iter())
        .filter(|i| i.get("valueCode").is_some())
        .map(|i| {
            format!(
                "{}={}",
                i["type"]["text"].as_str().unwrap(),
                i["valueCode"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        inputs,
        ["channel=phone", "derived=attempt-2", "outcome=done"]
    );
    // An attempt is the same call: its code is the call's.
    assert_eq!(
        second["code"]["coding"][0]["code"],
        "plastic-aftercare/day-1-call"
    );
    // The message after the last unanswered try and a supervisor's check are concepts of
    // their own, not the call they come from (audit 261). The day-1 call tried three
    // times on 3 Mar: its message; the day-3 call, not recorded: its check.
    let (rules, ep) = inpatient();
    let tries = History::from_json(
        "tries",
        r#"{"outcomes": [
        {"task": "plastic-aftercare/day-1-call/ep-1001/0", "outcome": "no_answer", "at": "2026-03-03T09:10:00"},
        {"task": "plastic-aftercare/day-1-call/ep-1001/0/attempt-2", "outcome": "no_answer", "at": "2026-03-03T11:15:00"},
        {"task": "plastic-aftercare/day-1-call/ep-1001/0/attempt-3", "outcome": "no_answer", "at": "2026-03-03T13:20:00"}]}"#,
    )
    .unwrap();
    let tried = rules.plan_with(&ep, &tries, &Calendar::default()).unwrap();
    let tried = export::fhir_bundle([&tried], &Options::default());
    let code_of = |id: &str| {
        (tried["entry"].as_array().unwrap().iter())
            .map(|e| &e["resource"])
            .find(|r| r["identifier"][0]["value"] == id)
            .map(|r| r["code"]["coding"][0]["code"].clone())
    };
    assert_eq!(
        code_of("plastic-aftercare/day-1-call/ep-1001/0/message"),
        Some(json!("plastic-aftercare/day-1-call/message"))
    );
    assert_eq!(
        code_of("plastic-aftercare/day-3-call/ep-1001/0/overdue"),
        Some(json!("plastic-aftercare/day-3-call/overdue"))
    );
    assert_eq!(
        code_of("plastic-aftercare/day-1-call/ep-1001/0/attempt-3"),
        Some(json!("plastic-aftercare/day-1-call"))
    );
    assert!(errors(&fhir_validator(), &tried).is_empty());
    assert!(errors(&fhir_validator(), &bundle).is_empty());
}

/// The schema is not a rubber stamp: each of these breaks R4 and is refused.
#[test]
fn fhir_schema_rejects_wrong_shapes() {
    let v = fhir_validator();
    let plan = inpatient_plan();
    let good = export::fhir_bundle([&plan], &Options::default());
    assert!(errors(&v, &good).is_empty());
    let broken = |what: &str, change: &dyn Fn(&mut Value)| {
        let mut bad = good.clone();
        change(&mut bad);
        assert!(!errors(&v, &bad).is_empty(), "{what} was accepted");
    };
    let on_task =
        |what: &str, f: &dyn Fn(&mut Value)| broken(what, &|b| f(&mut b["entry"][0]["resource"]));
    on_task("a misspelt element", &|t| {
        t["executionPeriode"] = t["executionPeriod"].take();
        t.as_object_mut().unwrap().remove("executionPeriod");
    });
    on_task("a status outside TaskStatus", &|t| {
        t["status"] = json!("open")
    });
    on_task("an intent outside TaskIntent", &|t| {
        t["intent"] = json!("todo")
    });
    on_task("no intent", &|t| {
        t.as_object_mut().unwrap().remove("intent");
    });
    on_task("no status", &|t| {
        t.as_object_mut().unwrap().remove("status");
    });
    on_task("a time without a zone", &|t| {
        t["executionPeriod"]["start"] = json!("2026-03-03T09:00:00")
    });
    on_task("a time without seconds", &|t| {
        t["executionPeriod"]["start"] = json!("2026-03-03T09:00+08:00")
    });
    on_task("a date that is no date", &|t| {
        t["restriction"]["period"]["start"] = json!("2026-13-03")
    });
    on_task("an identifier that is not a list", &|t| {
        t["identifier"] = t["identifier"][0].clone()
    });
    on_task("an empty list", &|t| t["note"] = json!([]));
    on_task("an empty CodeableConcept", &|t| t["code"] = json!({}));
    on_task("a Reference with an unknown element", &|t| {
        t["for"]["patient"] = json!("p-42")
    });
    on_task("a Coding with an unknown element", &|t| {
        t["code"]["coding"][0]["name"] = json!("x")
    });
    on_task("an input with two values", &|t| {
        t["input"][0]["valueString"] = json!("phone")
    });
    on_task("an input without a value", &|t| {
        t["input"][0].as_object_mut().unwrap().remove("valueCode");
    });
    on_task("an empty string", &|t| t["description"] = json!(""));
    on_task("another resource type", &|t| {
        t["resourceType"] = json!("Patient")
    });
    broken("a bundle type outside BundleType", &|b| {
        b["type"] = json!("list")
    });
    broken("a total in a collection", &|b| b["total"] = json!(3));
    broken("no bundle type", &|b| {
        b.as_object_mut().unwrap().remove("type");
    });
    broken("a timestamp without a zone", &|b| {
        b["timestamp"] = json!("2026-03-02T10:30:00")
    });
}

// ---------------------------------------------------------------------------------------
// CSV

/// A strict RFC 4180 reader: records end in CRLF, fields are quoted or hold no comma,
/// quote, CR or LF; in a quoted field `""` is a quote.
pub(crate) fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if at_start => {
                loop {
                    match chars.next().expect("unterminated quoted field") {
                        '"' if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        '"' => break,
                        c => field.push(c),
                    }
                }
                assert!(
                    matches!(chars.peek(), Some(',') | Some('\r')),
                    "text after a closing quote"
                );
                at_start = false;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "a CR not followed by LF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                at_start = true;
            }
            c => {
                assert!(!matches!(c, '"' | '\n'), "{c:?} in an unquoted field");
                field.push(c);
                at_start = false;
            }
        }
    }
    assert!(
        record.is_empty() && field.is_empty(),
        "the last record has no CRLF"
    );
    records
}

#[test]
fn csv_of_every_sample_reads_back_with_an_rfc4180_reader() {
    let options = Options {
        bom: false,
        ..Options::default()
    };
    for (name, plan) in sample_plans() {
        let csv = export::csv([&plan], &options);
        let records = read_csv(&csv);
        assert_eq!(records[0], CSV_COLUMNS, "{name}");
        assert_eq!(records.len(), plan.tasks.len() + 1, "{name}");
        for (row, task) in records[1..].iter().zip(&plan.tasks) {
            assert_eq!(row.len(), CSV_COLUMNS.len());
            let cell =
                |col: &str| row[CSV_COLUMNS.iter().position(|c| *c == col).unwrap()].as_str();
            assert_eq!(cell("id"), task.id());
            assert_eq!(cell("due"), task.due.to_string());
            assert_eq!(
                cell("window_start"),
                task.window.start.format("%H:%M").to_string()
            );
            assert_eq!(cell("channel"), task.channel().name());
            assert_eq!(cell("title"), task.title().zh());
            assert_eq!(
                cell("script"),
                task.script()
                    .map(|s| s.zh().to_string())
                    .unwrap_or_default()
            );
            assert_eq!(cell("shifted"), task.shifted.map_or("", |r| r.name()));
            assert_eq!(cell("closed"), task.closed.map_or("", |r| r.name()));
            assert_eq!(
                cell("as_of_status"),
                task.status
                    .map_or(String::new(), |s| crate::support::ser(&s))
            );
        }
    }
}

#[test]
fn csv_day1_call_of_the_sample_inpatient() {
    let plan = inpatient_with_history();
    let csv = export::csv([&plan], &Options::default());
    // The default: a byte order mark, for Excel.
    assert!(csv.starts_with("\u{feff}id,patient,episode,"));
    let rows: Vec<&str> = csv
        .trim_start_matches('\u{feff}')
        .split_terminator("\r\n")
        .collect();
    assert_eq!(
        rows[1],
        "plastic-aftercare/day-1-call/ep-1001/0,p-42,ep-1001,plastic-aftercare,day-1-call,0,,,phone,customer_service,u-3,2026-03-03,09:00,18:00,2026-03-03,2026-03-03,2026-03-03,,2026-03-10,superseded,,no_answer,,术后第一天回访,告知切口处勿沾水；忌辛辣刺激性食物、发物，忌烟、酒；勿服阿司匹林类血溶性药物；通知顾客明天来院复查换药。,,"
    );
    let attempt = rows
        .iter()
        .find(|r| r.starts_with("plastic-aftercare/day-1-call/ep-1001/0/attempt-2,"))
        .unwrap();
    assert!(
        attempt.contains(",attempt-2,plastic-aftercare/day-1-call/ep-1001/0,phone,"),
        "{attempt}"
    );
    assert!(attempt.contains(",done,,done,"), "{attempt}");
    // The English texts hold commas and quotes: quoted.
    let en = export::csv(
        [&plan],
        &Options {
            lang: Lang::En,
            bom: false,
            ..Options::default()
        },
    );
    assert!(en.contains(",Day-1 aftercare call,\"Keep the incision dry; no spicy food, \"\"fa wu\"\" foods, smoking or alcohol; no aspirin-type drugs; come back tomorrow for the check-up and dressing change.\",,\r\n"));
}

#[test]
fn csv_guards_formulas_and_quotes_what_needs_it() {
    let plan = awkward_plan();
    let guarded = export::csv(
        [&plan],
        &Options {
            bom: false,
            ..Options::default()
        },
    );
    let records = read_csv(&guarded);
    let col = |name: &str| CSV_COLUMNS.iter().position(|c| *c == name).unwrap();
    let row = &records[1];
    assert_eq!(row[col("title")], "'=HYPERLINK(\"http://x\",\"点我\")");
    assert_eq!(row[col("script")], "第一行\n第二行，逗号,分号;反斜杠\\结束");
    assert_eq!(row[col("patient")], "'-p_1");
    assert!(row[col("id")].starts_with("awkward/formula/"));
    let en = read_csv(&export::csv(
        [&plan],
        &Options {
            lang: Lang::En,
            bom: false,
            ..Options::default()
        },
    ));
    assert_eq!(en[1][col("title")], "'+1 call, \"urgent\"; now");
    assert_eq!(en[1][col("script")], "'-2 days\r\nthen @mention\tand tab");
    // No cell of the file begins with a formula character, guarded or not.
    for record in records.iter().chain(&en) {
        for cell in record {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?}"
            );
        }
    }
    // Without the guard, the texts are as written (and still quoted where needed).
    let raw = read_csv(&export::csv(
        [&plan],
        &Options {
            bom: false,
            formula_guard: false,
            ..Options::default()
        },
    ));
    assert_eq!(raw[1][col("title")], plan.tasks[0].title().zh());
    assert_eq!(raw[1][col("patient")], "-p_1");
}

// ---------------------------------------------------------------------------------------
// All formats

/// Dropped occurrences (a sample with some) are in no export, and the same plan always
/// gives the same bytes.
#[test]
fn dropped_occurrences_are_not_exported_and_exports_are_deterministic() {
    let rules = builtin();
    let (ep, plan) = samples(&rules)
        .into_iter()
        .map(|(_, ep)| {
            let plan = rules.plan(&ep, &Calendar::default()).unwrap();
            (ep, plan)
        })
        .find(|(_, p)| !p.dropped.is_empty() && !p.tasks.is_empty())
        .expect("a sample with dropped occurrences");
    let again = rules.plan(&ep, &Calendar::default()).unwrap();
    let options = Options::default();
    let outputs = [
        export::ics([&plan], &options),
        export::fhir([&plan], &options),
        export::csv([&plan], &options),
    ];
    assert_eq!(
        outputs,
        [
            export::ics([&again], &options),
            export::fhir([&again], &options),
            export::csv([&again], &options),
        ]
    );
    let ids: BTreeSet<String> = plan.tasks.iter().map(|t| t.id()).collect();
    for d in &plan.dropped {
        assert!(!ids.contains(&d.id()));
        for out in &outputs {
            assert!(
                !out.contains(&format!("{}\r", d.id()))
                    && !out.contains(&format!("\"{}\"", d.id()))
                    && !out.contains(&format!("{},", d.id())),
                "{} exported",
                d.id()
            );
        }
    }
    // A task the plan lists as dropped (as merged plans may) is left out too.
    let mut listed = plan.clone();
    let first = listed.tasks[0].id();
    let reason = plan.dropped[0].reason;
    let dropped = followup::plan::Dropped::of_task(&listed.tasks[0], reason, None);
    assert_eq!(dropped.id(), first);
    listed.dropped.push(dropped);
    let cal = parse_ics(&export::ics([&listed], &options));
    assert_eq!(cal.todos.len(), plan.tasks.len() - 1);
    assert!(!export::csv([&listed], &options).contains(&format!("{first},")));
}

/// The same plan passed twice is exported once (audit 9 of 6 December: two VTODOs with
/// one UID, which RFC 5545 forbids, and two FHIR entries with one identifier), as
/// `merge`, `worklist` and `compliance` take a repeated task id once.
#[test]
fn a_plan_passed_twice_is_exported_once() {
    let plan = inpatient_plan();
    let n = plan.tasks.len();
    let options = Options::default();
    let ics = export::ics([&plan, &plan], &options);
    assert_eq!(ics, export::ics([&plan], &options));
    assert_eq!(ics.matches("BEGIN:VTODO").count(), n);
    let fhir: Value = serde_json::from_str(&export::fhir([&plan, &plan], &options)).unwrap();
    let entries = fhir["entry"].as_array().map_or(0, Vec::len);
    let once: Value = serde_json::from_str(&export::fhir([&plan], &options)).unwrap();
    assert_eq!(entries, once["entry"].as_array().map_or(0, Vec::len));
    assert!(entries >= n);
    assert_eq!(
        export::csv([&plan, &plan], &options),
        export::csv([&plan], &options)
    );
}

/// A complaint logged on Labour Day (Fri 1 May 2026, official calendar): its same-day
/// call keeps the holiday (`Task::closed`), and every export says so — iCalendar's
/// `X-FOLLOWUP-CLOSED`, FHIR's input `closed` (`holiday`), the CSV's last column.
#[test]
fn a_call_kept_on_a_holiday_is_marked_in_every_export() {
    let ep = crate::support::episode(
        r#"{"id": "c-1", "event": "complaint", "at": "2026-05-01T11:00:00", "patient": {"id": "p-1"}}"#,
    );
    let plan = crate::support::builtin()
        .plan(&ep, &followup::calendar::Calendar::china(2026).unwrap())
        .unwrap();
    let first = &plan.tasks[0];
    assert_eq!(first.id(), "complaint/first-call/c-1/0");
    assert_eq!(first.closed.map(|r| r.name()), Some("holiday"));
    let o = Options {
        bom: false,
        ..Options::default()
    };
    let ics = export::ics([&plan], &o);
    let vtodo = ics.split("BEGIN:VTODO").nth(1).unwrap();
    assert!(
        vtodo.contains("UID:complaint/first-call/c-1/0\r\n"),
        "{vtodo}"
    );
    assert!(vtodo.contains("X-FOLLOWUP-CLOSED:holiday\r\n"), "{vtodo}");
    let fhir = export::fhir_bundle([&plan], &o);
    let closed = (fhir["entry"][0]["resource"]["input"]
        .as_array()
        .unwrap()
        .iter())
    .find(|i| i["type"]["text"] == "closed")
    .map(|i| i["valueCode"].clone());
    assert_eq!(closed, Some(json!("holiday")));
    let csv = export::csv([&plan], &o);
    let row = csv.split("\r\n").nth(1).unwrap();
    assert!(
        row.starts_with("complaint/first-call/c-1/0,") && row.ends_with(",holiday,"),
        "{row}"
    );
}

/// A task whose day lies past the calendar's coverage, and may still move, says so in
/// every export (audit 74: in FHIR only). The sample inpatient of 2 March 2026 on the
/// official calendar of 2026: its M+12 message, on 2 March 2027, is beyond it.
#[test]
fn a_task_beyond_the_calendar_is_marked_in_every_export() {
    let (rules, ep) = inpatient();
    let cal = Calendar::china_years(2026..=2026).unwrap();
    let plan = rules.plan(&ep, &cal).unwrap();
    let beyond: Vec<String> = (plan.tasks.iter())
        .filter(|t| t.beyond_calendar)
        .map(|t| format!("{} {}", t.id(), t.due))
        .collect();
    assert_eq!(
        beyond,
        ["plastic-aftercare/month-12-sms/ep-1001/0 2027-03-02"]
    );
    let o = Options {
        bom: false,
        ..Options::default()
    };
    let ics = export::ics([&plan], &o);
    let marked: Vec<&str> = (ics.split("BEGIN:VTODO").skip(1))
        .filter(|v| v.contains("X-FOLLOWUP-BEYOND-CALENDAR:TRUE\r\n"))
        .filter_map(|v| v.split("\r\n").find(|l| l.starts_with("UID:")))
        .collect();
    assert_eq!(marked, ["UID:plastic-aftercare/month-12-sms/ep-1001/0"]);
    let csv = export::csv([&plan], &o);
    let marked: Vec<&str> = (csv.split_terminator("\r\n").skip(1))
        .filter(|row| row.ends_with(",true"))
        .filter_map(|row| row.split(',').next())
        .collect();
    assert_eq!(marked, ["plastic-aftercare/month-12-sms/ep-1001/0"]);
    assert_eq!(CSV_COLUMNS.last(), Some(&"beyond_calendar"));
}

/// A patient-level task (a greeting) acts on no episode: its FHIR Task has no `focus`
/// (audit 263: a made-up episode `patient:p-42` was its focus); an episode's task keeps
/// its episode as focus.
#[test]
fn fhir_greetings_have_no_episode_focus() {
    let patient: followup::episode::Patient =
        serde_json::from_str(r#"{"id": "p-42", "birthday": "1990-05-20"}"#).unwrap();
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let greetings = builtin()
        .plan_patient(
            &patient,
            d("2026-01-01"),
            d("2026-12-31"),
            &Calendar::default(),
        )
        .unwrap();
    let bundle = export::fhir_bundle([&greetings], &Options::default());
    let entries = bundle["entry"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|e| e["resource"].get("focus").is_none()));
    assert!(errors(&fhir_validator(), &bundle).is_empty());
    let plan = inpatient_plan();
    let bundle = export::fhir_bundle([&plan], &Options::default());
    assert_eq!(
        bundle["entry"][0]["resource"]["focus"]["identifier"]["value"],
        "ep-1001"
    );
}
