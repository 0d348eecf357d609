//! The sample episodes of `examples/episodes/`: every one gets at least one task from the
//! built-in programs, and every built-in program applies to at least one of them (the
//! patient-level ones to one of their patients).

use crate::support::builtin;
use followup::calendar::Calendar;
use std::collections::BTreeSet;

fn samples() -> Vec<(String, followup::episode::Episode)> {
    crate::support::sample_episodes(&builtin())
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
