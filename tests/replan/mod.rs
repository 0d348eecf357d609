//! Re-planning, merging a patient's programmes, worklists and compliance (the `replan`
//! module). Expected values are worked out by hand from the rule files and docs/domain.md, in
//! the comments beside them.
//!
//! One file per part of the module: `diff`, `merge`, `worklist` (with `plan_as_of`),
//! `compliance`, and the `properties` of them all.

use crate::support::ser;
use chrono::{Days, NaiveDate};
use followup::{
    calendar::Calendar,
    episode::{Dates, Episode},
    plan::{DropReason, Plan},
    replan::{
        apply, compliance, diff, merge_plans, week, worklist, Cap, Completion, ComplianceCounts,
        CompliancePeriod, ComplianceStatus, ContactPolicy, MergedPlan, MoveReason, PlanDiff,
        PriorityClass, WorkState,
    },
    rules::{Channel, Role, RuleSet},
};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

mod classes;
mod compliance;
mod diff;
mod merge;
mod merge_late;
mod properties;
mod worklist;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().unwrap())
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn episode(json: &str) -> Episode {
    Episode::from_json("test episode", json).unwrap()
}

/// A procedure of `category` for patient p-9 on `at`.
fn procedure(id: &str, category: &str, setting: &str, at: &str) -> Episode {
    episode(&format!(
        r#"{{"id": "{id}", "event": "procedure", "at": "{at}", "patient": {{"id": "p-9"}},
            "attributes": {{"category": "{category}", "setting": "{setting}"}}}}"#
    ))
}

fn plan(ep: &Episode) -> Plan {
    rules().plan(ep, &Calendar::default()).unwrap()
}

fn ids<'a>(tasks: impl IntoIterator<Item = &'a followup::plan::Task>) -> Vec<String> {
    tasks.into_iter().map(|t| t.id()).collect()
}
