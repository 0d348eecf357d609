//! Throwaway profiling driver: N rounds of 4,096 distinct plastic inpatients.
//! `CAL=1` plans on China 2002-2026 + a clinic closed on Mondays.
use chrono::{Days, NaiveDate};
use followup::{calendar::Calendar, episode::Episode, rules::RuleSet};
use std::time::Instant;

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

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let rules = RuleSet::builtin().unwrap();
    let eps = inpatients();
    let cal = if std::env::var("CAL").is_ok() {
        Calendar::from_json("clinic", r#"{"closed_weekdays": ["Mon"]}"#)
            .unwrap()
            .merge(&Calendar::china_years(Calendar::CHINA_YEARS).unwrap())
            .unwrap()
    } else {
        Calendar::default()
    };
    let mut total = 0usize;
    let mut best = f64::MAX;
    for _ in 0..n {
        let t = Instant::now();
        for e in &eps {
            total += rules.plan(e, &cal).unwrap().tasks.len();
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{total} tasks; best {:.0} ns/plan",
        best * 1e9 / eps.len() as f64
    );
}
