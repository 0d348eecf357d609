use chrono::{Days, NaiveDate};
use followup::{calendar::Calendar, episode::Episode, rules::RuleSet};
use std::hint::black_box;
fn main() {
    let start = NaiveDate::from_ymd_opt(2016, 1, 1).unwrap();
    let eps: Vec<Episode> = (0..4_096u64)
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
        .collect();
    let rules = RuleSet::builtin().unwrap();
    let cal = if std::env::var("CAL").is_ok() {
        let clinic = Calendar::from_json("c", r#"{"closed_weekdays": ["Mon"]}"#).unwrap();
        clinic
            .merge(&Calendar::china_years(Calendar::CHINA_YEARS).unwrap())
            .unwrap()
    } else {
        Calendar::default()
    };
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        for e in &eps {
            n += black_box(rules.plan(black_box(e), &cal).unwrap())
                .tasks
                .len();
        }
    }
    let el = t.elapsed().as_secs_f64();
    eprintln!(
        "{n} tasks, {:.3} us/plan",
        el * 1e6 / (rounds * eps.len()) as f64
    );
}
