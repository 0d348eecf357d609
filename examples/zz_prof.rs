use chrono::{Days, NaiveDate};
use followup::{calendar::Calendar, episode::Episode, rules::RuleSet};
fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let rules = RuleSet::builtin().unwrap();
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
    let cal = if std::env::var_os("CAL").is_some() {
        Calendar::from_json("clinic", r#"{"closed_weekdays": ["Mon"]}"#)
            .unwrap()
            .merge(&Calendar::china_years(Calendar::CHINA_YEARS).unwrap())
            .unwrap()
    } else {
        Calendar::default()
    };
    let t = std::time::Instant::now();
    let mut n = 0usize;
    for _ in 0..rounds {
        for e in &eps {
            n += rules.plan(e, &cal).unwrap().tasks.len();
        }
    }
    eprintln!(
        "{n} tasks, {:.1} ns/plan",
        t.elapsed().as_nanos() as f64 / (rounds * eps.len()) as f64
    );
}
