//! Planning allocates per plan, never per task, for texts without placeholders: titles,
//! scripts, program and step ids are shared with the rule set, episode and patient ids with
//! the episode, and task ids are built only when asked for. A task whose step's title or
//! script has placeholders holds its own filled copy: a fixed, small number of allocations.
//!
//! A binary of its own with one test, so that its counting allocator sees no other test's
//! allocations.

use followup::{
    calendar::Calendar,
    episode::Episode,
    plan::Plan,
    rules::{RuleSet, BUILTIN_RULES},
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`; the counter only adds.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCS.fetch_add(1, Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCS.fetch_add(1, Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations and reallocations made by `f`.
fn allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    ALLOCS.store(0, Relaxed);
    COUNTING.store(true, Relaxed);
    let out = f();
    COUNTING.store(false, Relaxed);
    (out, ALLOCS.load(Relaxed))
}

/// A skin course of `n` sessions on consecutive Mondays from 2 Mar 2026, all planned.
fn course(n: u64) -> Episode {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let planned: Vec<String> = (0..n)
        .map(|k| (start + chrono::Days::new(7 * k)).to_string())
        .collect();
    let json = serde_json::json!({
        "id": "c-1", "event": "course", "at": "2026-03-02T14:00:00",
        "attributes": {"category": "skin"}, "patient": {"id": "p-1"},
        "course": {"package": n, "done": [], "planned": planned},
    });
    Episode::from_json("course", &json.to_string()).unwrap()
}

/// The built-in rules with every placeholder written out as a plain word: the same
/// programs, texts without templates.
fn builtin_without_placeholders() -> RuleSet {
    let names = [
        "patient",
        "procedure",
        "owner",
        "clinic",
        "session",
        "sessions_left",
        "next_session",
    ];
    let mut builder = RuleSet::builder();
    for (name, text) in BUILTIN_RULES {
        let mut text = text.to_string();
        for p in names {
            text = text.replace(&format!("{{{p}}}"), p);
        }
        builder = builder.source(*name, text);
    }
    builder.build().unwrap()
}

/// What filling a task's title and script costs when they are asked for: per filled text
/// its buffer and its reference count (plus the list of its other languages, if any).
fn fill_allocations(rules: &RuleSet, plan: &Plan) -> usize {
    let templated = |t: Option<&followup::rules::Text>| {
        t.is_some_and(|t| t.iter().any(|(_, s)| s.contains('{')))
    };
    plan.tasks
        .iter()
        .map(|task| {
            let def = rules
                .definitions()
                .iter()
                .map(|d| &d.program)
                .find(|p| p.id == task.program())
                .and_then(|p| p.steps.iter().find(|s| s.id == task.step()))
                .unwrap();
            // An escalation's title wraps the step's title; its script is its own.
            let script = def.script.as_ref().filter(|_| task.derived.is_none());
            let texts = [Some(&def.title), script];
            let filled: Vec<&followup::rules::Text> = texts
                .into_iter()
                .flatten()
                .filter(|t| templated(Some(t)))
                .collect();
            filled
                .iter()
                .map(|t| 2 + usize::from(t.tags().count() > 2))
                .sum::<usize>()
        })
        .sum()
}

#[test]
fn planning_allocates_per_plan_not_per_task() {
    let plain = builtin_without_placeholders();
    let cal = Calendar::default();
    let inpatient = Episode::from_json(
        "inpatient",
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "plastic", "setting": "inpatient"},
            "patient": {"id": "p-1", "name": "王女士"}, "milestones": {"discharge": "2026-03-05"}}"#,
    )
    .unwrap();
    let _warm = plain.plan(&inpatient, &cal).unwrap();

    // 18 tasks and 2 dropped (counted in benches/plan.rs). The allocations: the task and
    // dropped vectors, the list of programs that applied and the subject the tasks and
    // dropped occurrences share (episode and patient ids, the step table, the values
    // placeholders take). The planner's scratch vectors are the thread's, kept from the
    // plan before; a dropped occurrence builds no id; a short patient name is kept in place.
    let (plan, small) = allocations(|| plain.plan(&inpatient, &cal).unwrap());
    assert_eq!((plan.tasks.len(), plan.dropped.len()), (18, 2));
    assert!(small <= 4, "{small} allocations for 18 tasks");
    let builtin = RuleSet::builtin().unwrap();
    let _warm = builtin.plan(&inpatient, &cal).unwrap();
    let (_, with_placeholders) = allocations(|| builtin.plan(&inpatient, &cal).unwrap());
    assert!(
        with_placeholders <= 4,
        "{with_placeholders} allocations with placeholders"
    );

    // Four times the tasks: only the vectors' doublings come on top (a handful), not one
    // allocation per task. (The first plan of an episode shape also keeps the shape's
    // words for the thread: warmed up, as the inpatient was.)
    let long = course(31);
    let _warm = plain.plan(&long, &cal).unwrap();
    let (plan, large) = allocations(|| plain.plan(&long, &cal).unwrap());
    let tasks = plan.tasks.len();
    assert!(tasks >= 4 * 18, "{tasks} tasks");
    assert!(
        large <= small + 10,
        "{large} allocations for {tasks} tasks, {small} for 18"
    );

    // With the placeholders, a plan keeps the values to fill them with (their box, the
    // patient's name or the course's session dates, and the procedure: three
    // allocations, whatever the number of tasks);
    // the texts are filled when asked for, each filled text costing exactly its own.
    let rules = RuleSet::builtin().unwrap();
    for (ep, without) in [(&inpatient, small), (&long, large)] {
        let _warm = rules.plan(ep, &cal).unwrap();
        let (plan, with) = allocations(|| rules.plan(ep, &cal).unwrap());
        assert!(
            with <= without + 3,
            "{with} allocations, {without} without placeholders"
        );
        let filled = fill_allocations(&rules, &plan);
        assert!(filled > 0);
        let (_, asked) = allocations(|| {
            (plan.tasks.iter())
                .map(|t| (t.title(), t.script()))
                .filter(|(title, script)| {
                    matches!(title, std::borrow::Cow::Owned(_))
                        || matches!(script, Some(std::borrow::Cow::Owned(_)))
                })
                .count()
        });
        assert_eq!(asked, filled, "{} tasks", plan.tasks.len());
    }
}
