//! The sample episodes of `examples/episodes/`: every one gets at least one task from the
//! built-in programs, and every built-in program applies to at least one of them (the
//! patient-level ones to one of their patients).

use crate::support::builtin;
use followup::calendar::Calendar;
use std::collections::BTreeSet;
use std::path::Path;

fn samples() -> Vec<(String, followup::episode::Episode)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/episodes");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&p).unwrap();
            let ep = builtin()
                .read_episode(&name, &text)
                .unwrap_or_else(|e| panic!("{e}"));
            (name, ep)
        })
        .collect()
}

#[test]
fn every_sample_episode_gets_a_task_and_every_program_applies_to_a_sample() {
    let rules = builtin();
    let cal = Calendar::default();
    let mut applied: BTreeSet<String> = BTreeSet::new();
    let samples = samples();
    assert!(samples.len() >= 15, "{} samples", samples.len());
    for (name, ep) in &samples {
        let plan = rules.plan(ep, &cal).unwrap();
        assert!(
            !plan.tasks.is_empty(),
            "{name}: no task ({:?})",
            plan.no_program
        );
        assert!(plan.no_program.is_none());
        applied.extend(plan.programs.iter().map(|p| p.to_string()));
        let (from, until) = (ep.date(), ep.date() + chrono::Days::new(365));
        let greetings = rules.plan_patient(&ep.patient, from, until, &cal).unwrap();
        applied.extend(greetings.programs.iter().map(|p| p.to_string()));
    }
    let all: BTreeSet<String> = rules.program_ids().map(String::from).collect();
    let never: Vec<&String> = all.difference(&applied).collect();
    assert!(
        never.is_empty(),
        "programs no sample episode shows: {never:?}"
    );
}
