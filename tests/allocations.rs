//! Planning allocates per plan, never per task: titles, scripts, program and step ids are
//! shared with the rule set, episode and patient ids with the episode, and task ids are
//! built only when asked for.
//!
//! A binary of its own with one test, so that its counting allocator sees no other test's
//! allocations.

use followup::{Calendar, Episode, RuleSet};
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

#[test]
fn planning_allocates_per_plan_not_per_task() {
    let rules = RuleSet::builtin().unwrap();
    let cal = Calendar::default();
    let inpatient = Episode::from_json(
        "inpatient",
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "plastic", "setting": "inpatient"},
            "patient": {"id": "p-1"}, "milestones": {"discharge": "2026-03-05"}}"#,
    )
    .unwrap();
    let _warm = rules.plan(&inpatient, &cal).unwrap();

    // 18 tasks and 2 dropped (counted in benches/plan.rs). The allocations: the task and
    // dropped vectors, the list of programs that applied, three scratch vectors (anchor
    // days, step spans, the placements shifted tasks keep clear of), the shared
    // episode/patient pair, the two dropped occurrences' ids, and a growth of the dropped
    // vector.
    let (plan, small) = allocations(|| rules.plan(&inpatient, &cal).unwrap());
    assert_eq!((plan.tasks.len(), plan.dropped.len()), (18, 2));
    assert!(small <= 10, "{small} allocations for 18 tasks");

    // Four times the tasks: only the vectors' doublings come on top (a handful), not one
    // allocation per task.
    let long = course(30);
    let (plan, large) = allocations(|| rules.plan(&long, &cal).unwrap());
    let tasks = plan.tasks.len();
    assert!(tasks >= 4 * 18, "{tasks} tasks");
    assert!(
        large <= small + 10,
        "{large} allocations for {tasks} tasks, {small} for 18"
    );
}
