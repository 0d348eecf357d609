//! What hosts pay (issue 14): distinct episodes rather than one hot episode, the long
//! China calendar, task ids, JSON in and out, consultations, courses and greetings, one
//! and two threads sharing one `RuleSet` — each beside a hand-written floor computing the
//! same dates with chrono alone, so the ratio is printed in the same run.
//!
//! `cargo bench --bench hosts`

use chrono::{Days, Months, NaiveDate};
use criterion::{
    criterion_group, measurement::WallTime, BatchSize, BenchmarkGroup, Criterion, Throughput,
};
use followup::{
    calendar::Calendar,
    episode::{Episode, Patient},
    plan::{JsonOptions, Plan},
    rules::RuleSet,
};
use std::hint::black_box;
use std::time::Instant;

/// 4,096 plastic inpatients on distinct days over 11 years, discharged on day 2 to 6
/// (the ward visit of day 2 stays): the 18 tasks of `benches/plan.rs`'s `ONE_TASKS` each.
fn inpatients() -> Vec<Episode> {
    let start = NaiveDate::from_ymd_opt(2016, 1, 1).unwrap();
    (0..4_096u64)
        .map(|i| {
            let day = start + Days::new(i % 4_000);
            let json = serde_json::json!({
                "id": format!("ep-{i}"), "event": "procedure",
                "at": format!("{day}T{:02}:{:02}:00", 8 + i % 10, i * 7 % 60),
                "attributes": {"category": "plastic", "setting": "inpatient"},
                "patient": {"id": format!("p-{i}")},
                "milestones": {"discharge": (day + Days::new(i % 5 + 2)).to_string()},
            });
            Episode::from_json("ep", &json.to_string()).unwrap()
        })
        .collect()
}

/// The floor: the same 18 dates per episode, computed with chrono alone (offsets from the
/// event and the discharge, months clamped), no rules, no calendar, into one vector.
fn floor(episodes: &[Episode], out: &mut Vec<(NaiveDate, u32)>) {
    out.clear();
    for ep in episodes {
        let d = ep.date();
        let discharge = ep
            .milestone("discharge")
            .and_then(|m| m.0.first().copied())
            .unwrap_or(d);
        for days in [1u64, 2, 2, 3, 6, 15] {
            out.push((d + Days::new(days), 0));
        }
        // The suture removal (D+7): its reminder the day before, its follow-up after.
        out.push((d + Days::new(6), 1));
        out.push((d + Days::new(8), 1));
        out.push((discharge, 2));
        for months in [1u32, 1, 2, 3, 3, 6, 6, 6, 12] {
            out.push((d.checked_add_months(Months::new(months)).unwrap_or(d), 3));
        }
    }
}

fn consultation(i: u64) -> Episode {
    let day = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + Days::new(i % 300);
    let json = serde_json::json!({
        "id": format!("c-{i}"), "event": "consultation", "at": format!("{day}T11:00:00"),
        "attributes": {"source": "online", "outcome": "visited_no_purchase", "assigned_to": "customer_service"},
        "patient": {"id": format!("p-{i}")},
    });
    Episode::from_json("ep", &json.to_string()).unwrap()
}

fn course(i: u64) -> Episode {
    let day = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + Days::new(i % 300);
    let planned: Vec<String> = (0..6)
        .map(|k| (day + Days::new(28 * k)).to_string())
        .collect();
    let json = serde_json::json!({
        "id": format!("k-{i}"), "event": "course", "at": format!("{day}T14:00:00"),
        "attributes": {"category": "skin"}, "patient": {"id": format!("p-{i}"), "name": "周女士"},
        "course": {"package": 6, "done": [], "planned": planned},
    });
    Episode::from_json("ep", &json.to_string()).unwrap()
}

/// The tasks of `episodes` planned on `calendar`, counted.
fn total_tasks(rules: &RuleSet, episodes: &[Episode], calendar: &Calendar) -> usize {
    (episodes.iter())
        .map(|e| rules.plan(black_box(e), calendar).unwrap().tasks.len())
        .sum()
}

/// Benches `f` on each of `items` in turn, one an iteration: distinct inputs, not one
/// hot one.
fn each<T, R>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    items: &[T],
    mut f: impl FnMut(&T) -> R,
) {
    g.bench_function(name, |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % items.len();
            f(black_box(&items[i]))
        })
    });
}

/// The best of 10 runs of `f`, in seconds.
fn best(f: &dyn Fn()) -> f64 {
    (0..10)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}

/// The best of 10 runs of two threads, one running `f(x)`, the other `f(y)`, spawned for
/// each run.
fn best_on_two(f: &(dyn Fn(&[Episode]) + Sync), x: &[Episode], y: &[Episode]) -> f64 {
    best(&|| {
        std::thread::scope(|s| {
            s.spawn(|| f(x));
            s.spawn(|| f(y));
        })
    })
}

/// The same on a pool of two threads spawned once, as a host's pool is: each run starts
/// both at once and ends when both are done; the first run warms them and is not counted.
fn best_on_pool(f: &(dyn Fn(&[Episode]) + Sync), x: &[Episode], y: &[Episode]) -> f64 {
    use std::sync::Barrier;
    const RUNS: usize = 11;
    let (start, end) = (Barrier::new(3), Barrier::new(3));
    std::thread::scope(|s| {
        for half in [x, y] {
            let (start, end) = (&start, &end);
            s.spawn(move || {
                for _ in 0..RUNS {
                    start.wait();
                    f(half);
                    end.wait();
                }
            });
        }
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                start.wait();
                end.wait();
                t.elapsed().as_secs_f64()
            })
            .skip(1)
            .fold(f64::MAX, f64::min)
    })
}

fn report(rules: &RuleSet, episodes: &[Episode]) {
    // The floor and the engine in one run, for the ratio.
    let open = Calendar::default();
    let mut dates = Vec::with_capacity(episodes.len() * 18);
    let (mut floor_best, mut plan_best) = (f64::MAX, f64::MAX);
    let mut tasks = 0;
    for _ in 0..20 {
        let t = Instant::now();
        floor(black_box(episodes), &mut dates);
        floor_best = floor_best.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        tasks = 0;
        for ep in episodes {
            tasks += rules.plan(black_box(ep), &open).unwrap().tasks.len();
        }
        plan_best = plan_best.min(t.elapsed().as_secs_f64());
    }
    eprintln!(
        "hosts: floor {:.1} M dates/s, engine {:.1} M tasks/s ({:.2} µs per episode): {:.1}× the floor",
        dates.len() as f64 / floor_best / 1e6,
        tasks as f64 / plan_best / 1e6,
        plan_best / episodes.len() as f64 * 1e6,
        plan_best / floor_best * dates.len() as f64 / tasks as f64,
    );
    // Two threads sharing one RuleSet: a host's pool, each thread planning its own half
    // of the batch (distinct episodes), against one thread planning all of it; and both
    // threads planning the same episodes (their ids' reference counts are then shared).
    // Best of 10 runs each.
    let plan_all = |eps: &[Episode]| {
        for ep in eps {
            black_box(rules.plan(ep, &open).unwrap());
        }
    };
    let one = best(&|| plan_all(episodes));
    let (a, b) = episodes.split_at(episodes.len() / 2);
    let halves = best_on_two(&plan_all, a, b);
    let pool = best_on_pool(&plan_all, a, b);
    let same = best_on_two(&plan_all, episodes, episodes);
    // What this machine gives two threads at all: the floor, each thread its half, 256
    // episodes at a time into one buffer (the same memory for one thread and two).
    let floor_half = |eps: &[Episode]| {
        let mut out = Vec::with_capacity(256 * 18);
        for _ in 0..16 {
            for chunk in eps.chunks(256) {
                floor(black_box(chunk), &mut out);
            }
        }
    };
    let floor_one = best(&|| floor_half(episodes));
    let floor_two = best_on_two(&floor_half, a, b);
    let floor_pool = best_on_pool(&floor_half, a, b);
    let floor_same = best_on_two(&floor_half, episodes, episodes);
    eprintln!(
        "hosts: 2 threads sharing one RuleSet: {:.2}× one thread's throughput (distinct episodes; {:.2}× on a pool of 2 threads spawned once), {:.2}× (the same episodes); the floor on 2 threads: {:.2}× (halves; {:.2}× on the pool), {:.2}× (the same episodes)",
        one / halves,
        one / pool,
        2.0 * one / same,
        floor_one / floor_two,
        floor_one / floor_pool,
        2.0 * floor_one / floor_same
    );
}

/// An episode's shape as a plain serde struct: what a host's own reader would do.
#[derive(serde::Deserialize)]
#[allow(dead_code)] // read, never looked at
struct PlainEpisode {
    id: String,
    event: String,
    at: chrono::NaiveDateTime,
    #[serde(default)]
    attributes: std::collections::BTreeMap<String, String>,
    patient: PlainPatient,
    #[serde(default)]
    milestones: std::collections::BTreeMap<String, NaiveDate>,
    #[serde(flatten)]
    rest: std::collections::BTreeMap<String, serde_json::Value>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct PlainPatient {
    id: String,
    #[serde(flatten)]
    rest: std::collections::BTreeMap<String, serde_json::Value>,
}

/// A clinic closed on Mondays and on the public holidays of mainland China in `years`:
/// the clinic's calendar with the official dates merged in, the clinic's policies
/// winning (weekends open, as most aesthetic clinics are), as the README's examples and
/// `plan --calendar cn --calendar clinic.json` build it.
fn clinic_closed_mondays(years: std::ops::RangeInclusive<i32>) -> Calendar {
    Calendar::from_json("clinic", r#"{"closed_weekdays": ["Mon"]}"#)
        .unwrap()
        .merge(&Calendar::china_years(years).unwrap())
        .unwrap()
}

fn benches(c: &mut Criterion) {
    let rules = RuleSet::builtin().unwrap();
    let episodes = inpatients();
    report(&rules, &episodes);
    let open = Calendar::default();
    let china = clinic_closed_mondays(Calendar::CHINA_YEARS);
    // The same closures for the episodes' years (2016 on) from a calendar 14 years
    // shorter: the length of a calendar should cost nothing, only the shifts it makes.
    let china_recent = clinic_closed_mondays(2016..=2026);
    // The official calendar alone, its policies too: weekends and holidays closed,
    // make-up working days open (about 115 closed days a year, against about 60 above).
    let official = Calendar::china_years(Calendar::CHINA_YEARS).unwrap();
    // What the names say: Mondays closed, weekends open; the official calendar's
    // weekends closed (2 March 2026 is a Monday).
    let monday = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    for cal in [&china, &china_recent] {
        assert!(!cal.is_open(monday) && cal.is_open(monday + chrono::Days::new(5)));
    }
    assert!(official.is_open(monday) && !official.is_open(monday + chrono::Days::new(5)));
    let tasks = total_tasks(&rules, &episodes, &open);

    let mut g = c.benchmark_group("hosts");
    g.throughput(Throughput::Elements(tasks as u64));
    g.sample_size(20);
    g.bench_function("floor_4096", |b| {
        let mut out = Vec::with_capacity(tasks);
        b.iter(|| floor(black_box(&episodes), &mut out))
    });
    g.bench_function("distinct_4096", |b| {
        b.iter(|| total_tasks(&rules, &episodes, &open))
    });
    // The same into one reused plan (`plan_into`): no task vector allocated per episode.
    g.bench_function("distinct_4096_plan_into", |b| {
        let mut plan = Plan::default();
        b.iter(|| {
            episodes
                .iter()
                .map(|e| {
                    rules.plan_into(black_box(e), &open, &mut plan).unwrap();
                    plan.tasks.len()
                })
                .sum::<usize>()
        })
    });
    g.bench_function("distinct_4096_china_2002_2026_closed_mondays", |b| {
        b.iter(|| total_tasks(&rules, &episodes, &china))
    });
    g.bench_function("distinct_4096_china_2016_2026_closed_mondays", |b| {
        b.iter(|| total_tasks(&rules, &episodes, &china_recent))
    });
    g.bench_function("distinct_4096_china_2002_2026_official", |b| {
        b.iter(|| total_tasks(&rules, &episodes, &official))
    });
    // 64 shapes of episode in turn: the lead's attributes a CRM copies into the episode
    // (source, visit, assigned_to: the pre-sales programs test them) and a tag a step
    // tests (key_customer), in every combination. More than a thread keeps (32), so every
    // plan checks its vocabulary and decides its programs and steps again.
    let sources = [None, Some("phone"), Some("online"), Some("onsite")];
    let owners = [
        None,
        Some("customer_service"),
        Some("consultant"),
        Some("onsite_consultant"),
    ];
    let shapes: Vec<Episode> = (episodes.iter().zip(0..))
        .map(|(e, i): (&Episode, usize)| {
            let mut e = e.clone();
            let k = i % 64;
            let mut set = |name: &str, value: Option<&str>| {
                if let Some(v) = value {
                    e.attributes.insert(name.into(), v.into());
                }
            };
            set("source", sources[k % 4]);
            set("assigned_to", owners[k / 4 % 4]);
            set("visit", Some(["first", "return"][k / 16 % 2]));
            if k / 32 == 1 {
                e.patient.tags = vec!["key_customer".into()];
            }
            e
        })
        .collect();
    g.bench_function("distinct_4096_64_shapes", |b| {
        b.iter(|| total_tasks(&rules, &shapes, &open))
    });
    // 64 tags no condition tests, one per patient: they make no shape.
    let tagged: Vec<Episode> = (episodes.iter().zip(0..))
        .map(|(e, i)| {
            let mut e = e.clone();
            e.patient.tags = vec![format!("t{}", i % 64)];
            e
        })
        .collect();
    g.bench_function("distinct_4096_64_untested_tags", |b| {
        b.iter(|| total_tasks(&rules, &tagged, &open))
    });
    g.bench_function("distinct_4096_with_ids", |b| {
        b.iter(|| {
            let mut n = 0;
            for e in &episodes {
                for t in &rules.plan(black_box(e), &open).unwrap().tasks {
                    n += t.id().len();
                }
            }
            n
        })
    });
    g.finish();

    let mut g = c.benchmark_group("hosts/one");
    let texts: Vec<String> = episodes
        .iter()
        .take(256)
        .map(|e| serde_json::to_string(e).unwrap())
        .collect();
    each(&mut g, "json_in_plan_json_out", &texts, |text| {
        let ep = rules.read_episode("ep", text).unwrap();
        serde_json::to_string(&rules.plan(&ep, &open).unwrap()).unwrap()
    });
    each(&mut g, "json_in_plan_to_json", &texts, |text| {
        let ep = rules.read_episode("ep", text).unwrap();
        rules.plan(&ep, &open).unwrap().to_json().unwrap()
    });
    // The same texts into a plain serde struct of the episode's shape (no checks, no
    // vocabulary): what `read_episode` is compared with.
    each(&mut g, "json_in_plain_struct", &texts, |text| {
        serde_json::from_str::<PlainEpisode>(text).unwrap()
    });
    each(&mut g, "json_in_only", &texts, |text| {
        rules.read_episode("ep", text).unwrap()
    });
    let plans: Vec<Plan> = episodes
        .iter()
        .take(256)
        .map(|e| rules.plan(e, &open).unwrap())
        .collect();
    each(&mut g, "json_out_only", &plans, |plan| {
        serde_json::to_string(plan).unwrap()
    });
    // Into one buffer, as a host writing many plans would.
    let mut out = String::new();
    let mut write = |plan: &Plan, options| {
        out.clear();
        plan.write_json_with(&mut out, options).unwrap();
        out.len()
    };
    each(&mut g, "json_out_to_json", &plans, |plan| {
        write(plan, JsonOptions::default())
    });
    // The same without texts (`JsonOptions::texts(false)`): a host that keeps them.
    each(&mut g, "json_out_to_json_without_texts", &plans, |plan| {
        write(plan, JsonOptions::default().texts(false))
    });
    let consultations: Vec<Episode> = (0..256).map(consultation).collect();
    each(&mut g, "consultation", &consultations, |ep| {
        rules.plan(ep, &open).unwrap()
    });
    let courses: Vec<Episode> = (0..256).map(course).collect();
    each(&mut g, "course_6_sessions", &courses, |ep| {
        rules.plan(ep, &open).unwrap()
    });
    let patients: Vec<Patient> = (0..256)
        .map(|i: u64| Patient {
            id: format!("p-{i}").into(),
            birthday: NaiveDate::from_ymd_opt(
                1980 + (i % 30) as i32,
                (i % 12 + 1) as u32,
                (i % 28 + 1) as u32,
            ),
            ..Patient::default()
        })
        .collect();
    let (from, until) = (
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2035, 12, 31).unwrap(),
    );
    each(&mut g, "greetings_10_years", &patients, |patient| {
        rules.plan_patient(patient, from, until, &open).unwrap()
    });
    g.bench_function("batch_keep_plans_1024", |b| {
        b.iter_batched(
            || Vec::with_capacity(1024),
            |mut v: Vec<Plan>| {
                for e in episodes.iter().take(1024) {
                    v.push(rules.plan(e, &open).unwrap());
                }
                v
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(group, benches);

fn main() {
    group();
    Criterion::default().configure_from_args().final_summary();
}
