//! What the exports say of a task's state beyond done and to do: a task that waits for a
//! fact, a task authored before its recorded outcome, and the episode two patients'
//! tasks are grouped by (audit 182).

use crate::export::{
    inpatient, inpatient_with_history, laser_ep_1, parse_ics, read_csv, unescape, value,
};
use followup::{calendar::Calendar, export, export::Options, plan::Plan, rules::Lang};
use serde_json::Value;

/// The month-6 further-needs call waits for `recovered` (docs/domain.md §8: no selling
/// before the patient has recovered); the sample inpatient's falls on Wed 2 Sep 2026.
const FURTHER: &str = "plastic-aftercare/further-needs-call/ep-1001/0";
const DAY_1: &str = "plastic-aftercare/day-1-call/ep-1001/0";

fn fhir_task(bundle: &Value, id: &str) -> Value {
    (bundle["entry"].as_array().unwrap().iter())
        .map(|e| &e["resource"])
        .find(|r| r["identifier"][0]["value"] == id)
        .unwrap_or_else(|| panic!("no {id}"))
        .clone()
}

/// The iCalendar `name` property of the to-do `uid`, unescaped.
fn ics_value(ics: &str, uid: &str, name: &str) -> String {
    let cal = parse_ics(ics);
    let todo = (cal.todos.iter())
        .find(|t| value(&t.properties, "UID") == uid)
        .unwrap_or_else(|| panic!("no {uid}"));
    unescape(&value(&todo.properties, name))
}

/// The CSV cell of column `column` in the row of task `id`.
fn csv_cell(csv: &str, id: &str, column: &str) -> String {
    let rows = read_csv(csv);
    let at = rows[0].iter().position(|c| c == column).unwrap();
    let row = (rows.iter()).find(|r| r[0] == id).unwrap();
    row[at].clone()
}

fn en() -> Options {
    Options {
        lang: Lang::En,
        ..Options::default()
    }
}

#[test]
fn a_task_waiting_for_recovery_is_not_exported_as_ready_to_do() {
    let (rules, ep) = inpatient();
    let plan = rules.plan(&ep, &Calendar::default()).unwrap();
    let fhir = export::fhir_bundle([&plan], &Options::default());
    let task = fhir_task(&fhir, FURTHER);
    assert_eq!(task["status"], "draft");
    assert_eq!(task["statusReason"]["text"], "等待: 已康复（记录后才联系）");
    let task = fhir_task(&export::fhir_bundle([&plan], &en()), FURTHER);
    assert_eq!(
        task["statusReason"]["text"],
        "waits for recovered: no contact until it is recorded"
    );
    // The care call beside it is ready, with no reason.
    let day_1 = fhir_task(&fhir, DAY_1);
    assert_eq!(day_1["status"], "ready");
    assert!(day_1.get("statusReason").is_none());

    let ics = export::ics([&plan], &Options::default());
    assert_eq!(
        ics_value(&ics, FURTHER, "SUMMARY"),
        "[等待: 已康复] 术后六个月后了解进一步需求"
    );
    assert_eq!(ics_value(&ics, FURTHER, "STATUS"), "NEEDS-ACTION");
    assert_eq!(ics_value(&ics, FURTHER, "DTSTART"), "20260902T090000");
    let ics = export::ics([&plan], &en());
    assert_eq!(
        ics_value(&ics, FURTHER, "SUMMARY"),
        "[waits for: recovered] Further treatment needs, from month 6"
    );
    assert_eq!(ics_value(&ics, DAY_1, "SUMMARY"), "Day-1 aftercare call");

    let csv = export::csv([&plan], &Options::default());
    assert_eq!(csv_cell(&csv, FURTHER, "state"), "waiting");
    assert_eq!(csv_cell(&csv, FURTHER, "waits_for"), "recovered");
    assert_eq!(csv_cell(&csv, DAY_1, "state"), "open");
}

/// Recovered on 1 May: the call no longer waits, and is exported as any other.
#[test]
fn once_the_fact_is_recorded_the_task_is_ready_again() {
    let (rules, _) = inpatient();
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/episodes/plastic-inpatient.json"),
    )
    .unwrap()
    .replacen(
        r#""milestones""#,
        r#""facts": [{"kind": "recovered", "at": "2026-05-01T10:00:00"}], "milestones""#,
        1,
    );
    let ep = rules.read_episode("recovered", &text).unwrap();
    let plan: Plan = rules.plan(&ep, &Calendar::default()).unwrap();
    let further = plan.tasks.iter().find(|t| t.id() == FURTHER).unwrap();
    assert_eq!(further.waits_for(), None);
    let task = fhir_task(&export::fhir_bundle([&plan], &Options::default()), FURTHER);
    assert_eq!(task["status"], "ready");
    let ics = export::ics([&plan], &Options::default());
    assert_eq!(
        ics_value(&ics, FURTHER, "SUMMARY"),
        "术后六个月后了解进一步需求"
    );
    let csv = export::csv([&plan], &Options::default());
    assert_eq!(csv_cell(&csv, FURTHER, "state"), "open");
}

/// FHIR R4 Task `inv-1`: `lastModified` ≥ `authoredOn`. The sample's day-1 call was tried
/// at 10:05 on 3 March: exported on 10 March, its `authoredOn` is left out (it was
/// authored before its outcome, not on the 10th); a task with no outcome is authored
/// at the stamp; exported at 10:30 on 2 March, before any outcome, every task is.
#[test]
fn no_task_is_authored_after_its_outcome_was_recorded() {
    let plan = inpatient_with_history();
    let stamp = |d: u32, h: u32, m: u32| {
        chrono::NaiveDate::from_ymd_opt(2026, 3, d).and_then(|d| d.and_hms_opt(h, m, 0))
    };
    let later = Options {
        stamp: stamp(10, 9, 0),
        ..Options::default()
    };
    let bundle = export::fhir_bundle([&plan], &later);
    let day_1 = fhir_task(&bundle, DAY_1);
    assert_eq!(day_1["lastModified"], "2026-03-03T10:05:00+08:00");
    assert!(day_1.get("authoredOn").is_none(), "{day_1}");
    let month_1 = fhir_task(&bundle, "plastic-aftercare/month-1-call/ep-1001/0");
    assert!(month_1.get("lastModified").is_none());
    assert_eq!(month_1["authoredOn"], "2026-03-10T09:00:00+08:00");
    let mut with_record = 0;
    for e in bundle["entry"].as_array().unwrap() {
        let r = &e["resource"];
        if let (Some(a), Some(m)) = (r["authoredOn"].as_str(), r["lastModified"].as_str()) {
            // One zone, one offset: the strings order as the times do.
            assert!(m >= a, "{}: {m} before {a}", r["identifier"][0]["value"]);
        }
        with_record += usize::from(r.get("lastModified").is_some());
    }
    assert!(with_record > 5, "{with_record}");

    let earlier = Options {
        stamp: stamp(2, 10, 30),
        ..Options::default()
    };
    let day_1 = fhir_task(&export::fhir_bundle([&plan], &earlier), DAY_1);
    assert_eq!(day_1["authoredOn"], "2026-03-02T10:30:00+08:00");
}

/// Two patients whose episodes share the id `ep-1` (a careless host): their tasks are
/// grouped under two episodes, named as their ids are.
#[test]
fn two_patients_episodes_of_one_id_are_two_groups() {
    let (a, b) = (laser_ep_1("p-1"), laser_ep_1("p-2"));
    let bundle = export::fhir_bundle([&a, &b], &Options::default());
    for (patient, n) in [("p-1", a.tasks.len()), ("p-2", b.tasks.len())] {
        let group = format!("ep-1/patient:{patient}");
        let of = (bundle["entry"].as_array().unwrap().iter())
            .map(|e| &e["resource"])
            .filter(|r| r["groupIdentifier"]["value"] == group.as_str())
            .inspect(|r| {
                assert_eq!(r["focus"]["identifier"]["value"], group.as_str());
                assert_eq!(r["for"]["identifier"]["value"], patient);
            })
            .count();
        assert_eq!(of, n, "{group}");
    }
    // Alone, the episode is its own id.
    let alone = export::fhir_bundle([&a], &Options::default());
    assert_eq!(
        alone["entry"][0]["resource"]["groupIdentifier"]["value"],
        "ep-1"
    );
}
