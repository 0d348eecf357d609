//! Benchmarks of compiling and planning, on fixed inputs (never a clock).
//!
//! Every timed closure checks its result, so a change that is fast because it is wrong
//! fails the bench instead of improving it. Run with
//! `cargo bench --bench plan -- --warm-up-time 1 --measurement-time 3`.
//!
//! Before the benches, the binary prints the heap allocations of one compile and one plan
//! (counted by a wrapper around the system allocator, in this binary only).

use criterion::{criterion_group, BatchSize, Criterion, Throughput};
use followup::{
    calendar::Calendar,
    episode::Episode,
    history::History,
    plan::{DropReason, Plan},
    rules::{RuleSet, BUILTIN_RULES},
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

// ---------------------------------------------------------------------------------------
// Allocation counting: off except around the one call being measured, so that the timed
// benches pay only a relaxed load per allocation.

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

fn count(size: usize) {
    if COUNTING.load(Relaxed) {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(size, Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to `System`; the counters only add.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
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

/// Allocations (and bytes requested) made by `f`, reallocations included.
fn allocations<T>(f: impl FnOnce() -> T) -> (T, usize, usize) {
    ALLOCS.store(0, Relaxed);
    BYTES.store(0, Relaxed);
    COUNTING.store(true, Relaxed);
    let out = f();
    COUNTING.store(false, Relaxed);
    (out, ALLOCS.load(Relaxed), BYTES.load(Relaxed))
}

// ---------------------------------------------------------------------------------------
// Fixed inputs.

fn episode(
    id: &str,
    at: &str,
    category: &str,
    setting: &str,
    discharge: Option<&str>,
    reviews: &[String],
) -> Episode {
    let mut milestones = serde_json::Map::new();
    if let Some(d) = discharge {
        milestones.insert("discharge".into(), d.into());
    }
    if !reviews.is_empty() {
        milestones.insert("review_visit".into(), reviews.into());
    }
    let json = serde_json::json!({
        "id": id, "event": "procedure", "at": at,
        "attributes": {"category": category, "setting": setting},
        "patient": {"id": format!("p-{id}")},
        "milestones": milestones,
    });
    Episode::from_json(id, &json.to_string()).unwrap()
}

/// A plastic-surgery inpatient with a discharge date. Applicable steps of
/// `rules/plastic-aftercare.json`, counted by hand: the 15 steps every plastic episode
/// gets (day-1, day-3, day-6 calls, the two suture-removal messages, day-15 call,
/// month-1 call and message, month-2 call, month-3 call and message, month-6 call, the
/// further-needs call and the month-6 message, month-12 message), the ward visit and the
/// day-2 message (inpatients only), and the discharge farewell: 18 tasks. The review
/// visit has no date: its reminder and thanks, 2 dropped.
const ONE_TASKS: usize = 18;

fn one_episode() -> Episode {
    episode(
        "ep-1001",
        "2026-03-02T10:00:00",
        "plastic",
        "inpatient",
        Some("2026-03-05"),
        &[],
    )
}

/// The tasks the built-in rules give an episode, counted from the rule files by hand
/// (see [`ONE_TASKS`]): laser 7 (D+1/3/6, M+1/3/6, the further-needs call); plastic
/// 15 + 2 (inpatient: ward visit, day-2 message; outpatient: the two dressing-change
/// steps) + 1 farewell if an inpatient has a discharge date + two per review visit (the
/// reminder the day before, the thanks the day after).
fn expected_tasks(category: &str, setting: &str, discharge: bool, reviews: usize) -> usize {
    match category {
        "laser" => 7,
        _ => 15 + 2 + usize::from(setting == "inpatient" && discharge) + 2 * reviews,
    }
}

/// 10,000 episodes: dates spread over ten years, both categories and settings, with and
/// without discharge dates and review visits. Returns them with their total task count.
fn batch() -> (Vec<Episode>, usize) {
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let mut total = 0;
    let episodes = (0..10_000u64)
        .map(|i| {
            let date = start + chrono::Days::new(i * 37 % 3_650);
            let at = format!("{date}T{:02}:{:02}:00", 8 + i % 10, i * 7 % 60);
            let category = if i % 3 == 0 { "laser" } else { "plastic" };
            let setting = if i % 2 == 0 {
                "inpatient"
            } else {
                "outpatient"
            };
            let discharge = (i % 5 != 0).then(|| (date + chrono::Days::new(i % 9)).to_string());
            let reviews: Vec<String> = (0..i % 4)
                .map(|k| (date + chrono::Days::new(30 * (k + 1))).to_string())
                .collect();
            total += expected_tasks(category, setting, discharge.is_some(), reviews.len());
            episode(
                &format!("ep-{i}"),
                &at,
                category,
                setting,
                discharge.as_deref(),
                &reviews,
            )
        })
        .collect();
    (episodes, total)
}

/// Closed on Sundays and on the 2026 public holidays of mainland China.
fn holiday_calendar() -> Calendar {
    Calendar::from_json(
        "clinic.json",
        r#"{
        "closed_weekdays": ["Sun"],
        "closed_dates": [
            "2026-01-01", "2026-01-02", "2026-01-03",
            "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
            "2026-02-21", "2026-02-22",
            "2026-04-04", "2026-04-05", "2026-04-06",
            "2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05",
            "2026-06-19", "2026-06-20", "2026-06-21",
            "2026-09-25", "2026-09-26", "2026-09-27",
            "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05",
            "2026-10-06", "2026-10-07", "2026-10-08"
        ]
    }"#,
    )
    .unwrap()
}

/// Friday 13 Feb 2026, just before the Spring Festival week, discharged Monday 16 Feb.
/// Counted by hand against [`holiday_calendar`] (closed Sundays and 16-22 Feb): of the 18
/// tasks of [`ONE_TASKS`], the day-3 call (Mon 16) and the day-6 call (Thu 19) find no
/// open day within their 3-day max shift (Sat 14 holds the day-1 call; 13 Feb is the
/// surgery day): 16 tasks, and 4 dropped with the review-visit reminder and thanks. The default suture
/// removal (Fri 20, closed) moves to Mon 23: its reminder (Sun 22, a message) and its
/// follow-up (Tue 24) follow it, the 2 shifted tasks. The ward visit (Sunday) and the
/// farewell (a closed day) keep their day; the day-2 message goes out on Sunday.
const FESTIVAL_TASKS: (usize, usize) = (16, 4);
const FESTIVAL_SHIFTED: usize = 2;

fn festival_episode() -> Episode {
    episode(
        "ep-2026",
        "2026-02-13T09:30:00",
        "plastic",
        "inpatient",
        Some("2026-02-16"),
        &[],
    )
}

fn check_one(plan: &Plan) {
    assert_eq!((plan.tasks.len(), plan.dropped.len()), (ONE_TASKS, 2));
}

fn check_festival(plan: &Plan) {
    assert_eq!((plan.tasks.len(), plan.dropped.len()), FESTIVAL_TASKS);
    let shifted = plan.tasks.iter().filter(|t| t.shifted.is_some()).count();
    assert_eq!(shifted, FESTIVAL_SHIFTED);
}

// ---------------------------------------------------------------------------------------
// Benches.

/// The number of programs in the built-in rule texts (a text holds one program or an
/// array of them), read with serde_json rather than the crate.
fn builtin_program_count() -> usize {
    BUILTIN_RULES
        .iter()
        .map(
            |(_, text)| match serde_json::from_str::<serde_json::Value>(text).unwrap() {
                serde_json::Value::Array(programs) => programs.len(),
                _ => 1,
            },
        )
        .sum()
}

fn compile(c: &mut Criterion) {
    let programs = builtin_program_count();
    let mut g = c.benchmark_group("compile");
    g.bench_function("builtin", |b| {
        b.iter(|| {
            let rules = RuleSet::builtin().unwrap();
            assert_eq!(rules.program_ids().count(), programs);
            rules
        })
    });
    g.finish();
}

fn plan(c: &mut Criterion) {
    let rules = RuleSet::builtin().unwrap();
    let open = Calendar::default();
    let holidays = holiday_calendar();
    let mut g = c.benchmark_group("plan/post_op");

    let ep = one_episode();
    g.throughput(Throughput::Elements(ONE_TASKS as u64));
    g.bench_function("one_episode", |b| {
        b.iter(|| {
            let plan = rules.plan(black_box(&ep), black_box(&open)).unwrap();
            check_one(&plan);
            plan
        })
    });

    let ep = festival_episode();
    g.bench_function("one_episode_calendar", |b| {
        b.iter(|| {
            let plan = rules.plan(black_box(&ep), black_box(&holidays)).unwrap();
            check_festival(&plan);
            plan
        })
    });

    let (episodes, total) = batch();
    g.throughput(Throughput::Elements(total as u64));
    g.sample_size(20);
    for (name, cal) in [("batch_10k", &open), ("batch_10k_calendar", &holidays)] {
        g.bench_function(name, |b| {
            b.iter(|| {
                // Every occurrence the rules give is a task, or (with closed days) dropped
                // because no day within its max shift works or a later call supersedes it.
                let (mut tasks, mut placed) = (0, 0);
                for ep in &episodes {
                    let plan = rules.plan(black_box(ep), black_box(cal)).unwrap();
                    tasks += plan.tasks.len();
                    placed += plan.tasks.len()
                        + (plan.dropped.iter())
                            .filter(|d| {
                                matches!(
                                    d.reason,
                                    DropReason::BeyondMaxShift | DropReason::Superseded
                                )
                            })
                            .count();
                }
                assert_eq!(placed, total);
                tasks
            })
        });
    }
    // Planning with the batch built but dropped outside the timing, for comparison: what
    // the plans cost to free.
    g.bench_function("batch_10k_keep_plans", |b| {
        b.iter_batched(
            || Vec::with_capacity(episodes.len()),
            |mut plans: Vec<Plan>| {
                for ep in &episodes {
                    plans.push(rules.plan(black_box(ep), &open).unwrap());
                }
                assert_eq!(plans.iter().map(|p| p.tasks.len()).sum::<usize>(), total);
                plans
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// The closed loop: the sample patient's March (15 outcomes, a follow-up added by hand:
/// attempts, an agreed time, an abnormal recovery) planned with its history, beside the
/// same episode without one.
fn closed_loop(c: &mut Criterion) {
    let rules = RuleSet::builtin().unwrap();
    let open = Calendar::default();
    let ep = rules
        .read_episode(
            "ep",
            include_str!("../examples/episodes/plastic-inpatient.json"),
        )
        .unwrap();
    let history =
        History::from_json("h", include_str!("../examples/histories/p42-march.json")).unwrap();
    let mut g = c.benchmark_group("plan/closed_loop");
    g.bench_function("one_episode_no_history", |b| {
        b.iter(|| rules.plan(black_box(&ep), black_box(&open)).unwrap())
    });
    g.bench_function("one_episode_month_history", |b| {
        b.iter(|| {
            let plan = rules
                .plan_with(black_box(&ep), black_box(&history), black_box(&open))
                .unwrap();
            // Every outcome found its task.
            assert!(plan.ignored.is_empty());
            plan
        })
    });
    g.finish();
}

/// Prints the allocations of one compile and of planning, and checks that task texts are
/// shared with the rule set rather than copied.
fn report_allocations() {
    let (rules, allocs, bytes) = allocations(|| RuleSet::builtin().unwrap());
    eprintln!(
        "allocations: compile/builtin: {allocs} allocations, {bytes} bytes for {} programs",
        builtin_program_count()
    );

    let open = Calendar::default();
    type Check = (&'static str, Episode, Calendar, fn(&Plan));
    let checks: [Check; 2] = [
        ("one_episode", one_episode(), open.clone(), check_one),
        (
            "one_episode_calendar",
            festival_episode(),
            holiday_calendar(),
            check_festival,
        ),
    ];
    for (name, ep, cal, check) in checks {
        let _warm = rules.plan(&ep, &cal).unwrap();
        let (plan, allocs, bytes) = allocations(|| rules.plan(&ep, &cal).unwrap());
        check(&plan);
        let n = plan.tasks.len();
        eprintln!(
            "allocations: plan/post_op/{name}: {allocs} allocations, {bytes} bytes for {n} tasks \
             + {} dropped: {:.2} allocations and {:.0} bytes per task",
            plan.dropped.len(),
            allocs as f64 / n as f64,
            bytes as f64 / n as f64,
        );
    }

    let (episodes, total) = batch();
    let (plans, allocs, bytes) = allocations(|| {
        episodes
            .iter()
            .map(|ep| rules.plan(ep, &open).unwrap())
            .collect::<Vec<_>>()
    });
    eprintln!(
        "allocations: plan/post_op/batch_10k: {allocs} allocations, {bytes} bytes for {total} \
         tasks: {:.2} allocations and {:.0} bytes per task (the result vector included)",
        allocs as f64 / total as f64,
        bytes as f64 / total as f64,
    );

    // Texts are shared: two plans point at the same title and script strings.
    let day1 = |p: &Plan| {
        p.tasks
            .iter()
            .find(|t| t.step() == "day-1-call")
            .cloned()
            .unwrap()
    };
    let (a, b) = (day1(&plans[1]), day1(&plans[2]));
    assert_eq!(
        (a.program(), b.program()),
        ("plastic-aftercare", "plastic-aftercare")
    );
    assert!(followup::rules::Text::ptr_eq(&a.title(), &b.title()));
    let (sa, sb) = (a.script().unwrap(), b.script().unwrap());
    assert!(followup::rules::Text::ptr_eq(&sa, &sb));
    assert!(std::ptr::eq(a.program(), b.program()) && std::ptr::eq(a.step(), b.step()));
}

criterion_group!(benches, compile, plan, closed_loop);

fn main() {
    report_allocations();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
