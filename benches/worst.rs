//! The worst legal inputs: each at the limits the library sets, timed by criterion (never
//! by a timed test). Issue 13's goal: every input that passes the limits compiles in under
//! 100 ms and plans one episode in under 10 ms, in under 10 MB. The heap each one takes
//! is printed before the benches run.
//!
//! `cargo bench --bench worst`

use criterion::{criterion_group, Criterion};
use followup::{
    calendar::Calendar,
    episode::Episode,
    rules::{Limits, RuleSet},
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

// ---------------------------------------------------------------------------------------
// Peak heap, counted around one call.

struct Peak;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`; the counters only add.
unsafe impl GlobalAlloc for Peak {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = NOW.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(now, Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        NOW.fetch_sub(layout.size(), Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Peak = Peak;

/// The heap `f` takes at its peak, above what was allocated before it.
fn peak<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = NOW.load(Relaxed);
    PEAK.store(base, Relaxed);
    let out = f();
    (out, PEAK.load(Relaxed).saturating_sub(base))
}

// ---------------------------------------------------------------------------------------
// The inputs.

/// As many steps of `FREQ=DAILY;COUNT=366` as `max_tasks_per_plan` allows (5 of the
/// default 2,000), one a day apart, with a closed-day policy.
fn daily_rules(policy: &str) -> RuleSet {
    daily_rules_expiring(policy, None)
}

/// [`daily_rules`], every step with this `expires` (`"never"`: nothing stops the calls of
/// one lane piling up behind a closure, each superseded by the next).
fn daily_rules_expiring(policy: &str, expires: Option<&str>) -> RuleSet {
    let n = Limits::default().max_tasks_per_plan / 366;
    let steps: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"id": "s{i}", "offset": "P{}D", "repeat": "FREQ=DAILY;COUNT=366",
                    "stop_when": ["k{i}"], "title": {{"zh": "回访", "en": "Call"}}}}"#,
                i + 1
            )
        })
        .collect();
    let rule = format!(
        r#"{{"format": "followup/v1", "id": "w", "name": {{"zh": "w", "en": "w"}},
            "applies": {{"event": "procedure"}},
            "vocabulary": {{"facts": [{}]}},
            "defaults": {{"closed_day": "{policy}"{}}}, "steps": [{}]}}"#,
        (0..n)
            .map(|i| format!("\"k{i}\""))
            .collect::<Vec<_>>()
            .join(","),
        expires.map_or(String::new(), |e| format!(r#", "expires": "{e}""#)),
        steps.join(",")
    );
    RuleSet::builder()
        .source("worst.json", rule)
        .build()
        .unwrap()
}

/// `n` consecutive closed dates from the day after the event.
fn closed_days(n: u64) -> Calendar {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 3).unwrap();
    let dates: Vec<String> = (0..n)
        .map(|i| (start + chrono::Days::new(i)).to_string())
        .collect();
    Calendar::from_json(
        "closure.json",
        &format!(
            r#"{{"closed_dates": {}}}"#,
            serde_json::to_string(&dates).unwrap()
        ),
    )
    .unwrap()
}

/// 80,656 consecutive closed dates from the day after the event: a closure longer than
/// the plan's whole span.
fn long_closure() -> Calendar {
    closed_days(80_656)
}

/// 1,000 consecutive closed dates from the day after the event, then open days: calls
/// that never expire all come to the first open day (audit 166).
fn closure_of_1000_days() -> Calendar {
    closed_days(1_000)
}

/// Every other day closed for 10 years from the event: most tasks of daily repeats shift,
/// each keeping clear of the days the others hold.
fn every_other_day() -> Calendar {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 3).unwrap();
    let dates: Vec<String> = (0..1_830u64)
        .map(|i| (start + chrono::Days::new(2 * i)).to_string())
        .collect();
    Calendar::from_json(
        "alternate.json",
        &format!(
            r#"{{"closed_dates": {}}}"#,
            serde_json::to_string(&dates).unwrap()
        ),
    )
    .unwrap()
}

fn episode(facts: usize) -> Episode {
    // Facts of kinds the steps stop on, all after the last task (2029): nothing is
    // stopped, and every task looks them up.
    let facts: Vec<String> = (0..facts)
        .map(|i| {
            format!(
                r#"{{"kind": "k{}", "at": "2029-{:02}-{:02}T10:00"}}"#,
                i % 5,
                i % 12 + 1,
                i % 28 + 1
            )
        })
        .collect();
    Episode::from_json(
        "ep.json",
        &format!(
            r#"{{"id": "e", "event": "procedure", "at": "2026-03-02", "patient": {{"id": "p"}},
                "facts": [{}]}}"#,
            facts.join(",")
        ),
    )
    .unwrap()
}

/// Rule texts of 200-step programs with 366-date repeats, up to `max_rule_set_bytes`.
fn biggest_rule_set() -> Vec<String> {
    let limits = Limits::default();
    let step = |i: usize| {
        format!(
            r#"{{"id": "s{i}", "offset": "P{}D", "repeat": "FREQ=DAILY;COUNT=366", "title": {{"zh": "回访{i}", "en": "Call {i}"}}}}"#,
            i % 30 + 1
        )
    };
    up_to_the_limit(
        (0..limits.max_programs).map(|_| (0..limits.max_steps_per_program).map(step).collect()),
    )
}

/// A program of these steps, applying to procedures.
fn program_text(id: &str, steps: &[String]) -> String {
    format!(
        r#"{{"format": "followup/v1", "id": "{id}", "name": {{"zh": "p", "en": "p"}},
            "applies": {{"event": "procedure"}}, "steps": [{}]}}"#,
        steps.join(",")
    )
}

/// Programs `p0`, `p1`… of these steps, as many as `max_rule_set_bytes` holds.
fn up_to_the_limit(programs: impl Iterator<Item = Vec<String>>) -> Vec<String> {
    let limit = Limits::default().max_rule_set_bytes;
    let mut texts = Vec::new();
    let mut total = 0;
    for (p, steps) in programs.enumerate() {
        let text = program_text(&format!("p{p}"), &steps);
        if total + text.len() > limit {
            break;
        }
        total += text.len();
        texts.push(text);
    }
    texts
}

/// `n` overlapping one-minute-apart ranges of two minutes, over the night (00:00-08:58)
/// and the evening (18:00-23:58) again and again, as JSON: quiet or rest hours that leave
/// the `day` window free, in as many pieces as a text of 1 MiB holds.
fn night_ranges(n: usize) -> String {
    let minutes: Vec<u32> = (0..539).chain(1080..1438).collect();
    let hm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
    let ranges: Vec<String> = (0..n)
        .map(|i| {
            let m = minutes[i % minutes.len()];
            format!(r#"{{"start":"{}","end":"{}"}}"#, hm(m), hm(m + 2))
        })
        .collect();
    format!("[{}]", ranges.join(","))
}

/// The calendar's quiet hours and the patient's rest hours, 30,000 ranges each.
fn many_ranges() -> (Calendar, Episode) {
    let ranges = night_ranges(30_000);
    let cal =
        Calendar::from_json("quiet.json", &format!(r#"{{"quiet_hours": {ranges}}}"#)).unwrap();
    let ep = Episode::from_json(
        "ep.json",
        &format!(
            r#"{{"id": "e", "event": "procedure", "at": "2026-03-02",
                "patient": {{"id": "p", "rest_hours": {ranges}}}}}"#
        ),
    )
    .unwrap();
    (cal, ep)
}

/// A 200-step program and `max_overrides` overrides of it, one step each.
fn most_overrides() -> Vec<String> {
    let limits = Limits::default();
    let steps: Vec<String> = (0..limits.max_steps_per_program)
        .map(|i| {
            format!(
                r#"{{"id": "s{i}", "offset": "P{}D", "title": {{"zh": "回访", "en": "Call"}}}}"#,
                i + 1
            )
        })
        .collect();
    let program = program_text("p", &steps);
    let overrides: Vec<String> = (0..limits.max_overrides)
        .map(|i| {
            format!(
                r#"{{"format": "followup/v1", "override": "p", "steps": {{"s{i}": {{"offset": "P{}D"}}}}}}"#,
                i + 2
            )
        })
        .collect();
    vec![program, format!("[{}]", overrides.join(","))]
}

/// Distinct repeat rules whose dates are rare (Friday the 13th, counted day by day), in
/// programs of 200 steps, up to `max_rule_set_bytes`: each rule is checked on its own.
fn distinct_rare_repeats() -> Vec<String> {
    let limits = Limits::default();
    let mut rules = Vec::new();
    for interval in ["", "INTERVAL=1;"] {
        for count in 1..=14 {
            for wkst in ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] {
                for first in 1..=12 {
                    let months: Vec<String> = (0..12)
                        .map(|k| ((first + k - 1) % 12 + 1).to_string())
                        .collect();
                    rules.push(format!(
                    "FREQ=DAILY;{interval}BYMONTHDAY=13;BYDAY=FR;WKST={wkst};BYMONTH={};COUNT={count}",
                    months.join(",")
                ));
                }
            }
        }
    }
    up_to_the_limit(rules.chunks(limits.max_steps_per_program).map(|chunk| {
        (chunk.iter().enumerate())
            .map(|(i, r)| {
                format!(
                    r#"{{"id": "s{i}", "repeat": "{r}", "title": {{"zh": "回访", "en": "Call"}}}}"#
                )
            })
            .collect()
    }))
}

fn build(texts: &[String]) -> RuleSet {
    let mut b = RuleSet::builder();
    for (i, t) in texts.iter().enumerate() {
        b = b.source(format!("r{i}.json"), t.clone());
    }
    b.build().unwrap()
}

// ---------------------------------------------------------------------------------------

fn report() {
    let ep = episode(0);
    let closure = long_closure();
    for policy in ["next_open_day", "previous_open_day"] {
        let rules = daily_rules(policy);
        let (plan, bytes) = peak(|| rules.plan(&ep, &closure).unwrap());
        eprintln!(
            "worst: long closure, {policy}: {} tasks + {} dropped, peak heap {} KiB",
            plan.tasks.len(),
            plan.dropped.len(),
            bytes / 1024
        );
    }
    let never = daily_rules_expiring("next_open_day", Some("never"));
    let (plan, bytes) = peak(|| never.plan(&ep, &closure_of_1000_days()).unwrap());
    eprintln!(
        "worst: 1,000 closed days, calls that never expire: {} tasks + {} dropped, peak heap {} KiB",
        plan.tasks.len(),
        plan.dropped.len(),
        bytes / 1024
    );
    let alternate = every_other_day();
    for policy in ["next_open_day", "nearest_open_day"] {
        let rules = daily_rules(policy);
        let (plan, bytes) = peak(|| rules.plan(&ep, &alternate).unwrap());
        eprintln!(
            "worst: every other day closed, {policy}: {} tasks + {} dropped, peak heap {} KiB",
            plan.tasks.len(),
            plan.dropped.len(),
            bytes / 1024
        );
    }
    let rules = daily_rules("next_open_day");
    let many = episode(Limits::default().max_facts);
    let (plan, bytes) = peak(|| rules.plan(&many, &Calendar::default()).unwrap());
    eprintln!(
        "worst: {} facts: {} tasks, peak heap {} KiB",
        many.facts.len(),
        plan.tasks.len(),
        bytes / 1024
    );
    let daily = daily_rules("next_open_day");
    let (quiet, resting) = many_ranges();
    let (plan, bytes) = peak(|| daily.plan(&resting, &quiet).unwrap());
    eprintln!(
        "worst: 30,000 quiet and 30,000 rest hours: {} tasks, windows {}, peak heap {} KiB",
        plan.tasks.len(),
        plan.tasks[0].window,
        bytes / 1024
    );
    for (what, texts) in [
        ("max_rule_set_bytes", biggest_rule_set()),
        ("max_overrides", most_overrides()),
        ("distinct rare repeat rules", distinct_rare_repeats()),
    ] {
        let size: usize = texts.iter().map(String::len).sum();
        let (rules, bytes) = peak(|| build(&texts));
        eprintln!(
            "worst: compile {what} ({} programs, {} KiB of rules): peak heap {} KiB",
            rules.program_ids().count(),
            size / 1024,
            bytes / 1024
        );
    }
}

fn worst(c: &mut Criterion) {
    let mut g = c.benchmark_group("worst");
    g.sample_size(10);
    let closure = long_closure();
    let ep = episode(0);
    for policy in ["next_open_day", "previous_open_day"] {
        let rules = daily_rules(policy);
        g.bench_function(format!("plan_long_closure_{policy}"), |b| {
            b.iter(|| rules.plan(black_box(&ep), black_box(&closure)).unwrap())
        });
    }
    let never = daily_rules_expiring("next_open_day", Some("never"));
    let thousand = closure_of_1000_days();
    g.bench_function("plan_pile_up_never_expires", |b| {
        b.iter(|| never.plan(black_box(&ep), black_box(&thousand)).unwrap())
    });
    let alternate = every_other_day();
    for policy in ["next_open_day", "nearest_open_day"] {
        let rules = daily_rules(policy);
        g.bench_function(format!("plan_every_other_day_{policy}"), |b| {
            b.iter(|| rules.plan(black_box(&ep), black_box(&alternate)).unwrap())
        });
    }
    let rules = daily_rules("next_open_day");
    let many = episode(Limits::default().max_facts);
    let open = Calendar::default();
    g.bench_function("plan_max_facts", |b| {
        b.iter(|| rules.plan(black_box(&many), black_box(&open)).unwrap())
    });
    let texts = biggest_rule_set();
    g.bench_function("compile_max_rule_set", |b| {
        b.iter(|| build(black_box(&texts)))
    });
    let (quiet, resting) = many_ranges();
    g.bench_function("plan_30000_quiet_and_rest_hours", |b| {
        b.iter(|| rules.plan(black_box(&resting), black_box(&quiet)).unwrap())
    });
    let texts = most_overrides();
    g.bench_function("compile_max_overrides", |b| {
        b.iter(|| build(black_box(&texts)))
    });
    let texts = distinct_rare_repeats();
    g.bench_function("compile_distinct_rare_repeats", |b| {
        b.iter(|| build(black_box(&texts)))
    });
    g.finish();
}

criterion_group!(benches, worst);

fn main() {
    report();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
