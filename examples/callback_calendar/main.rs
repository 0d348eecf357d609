//! Prints a patient's callback calendar: one line per task, grouped by day.
//!
//! ```text
//! cargo run --example callback_calendar                       # built-in sample patient
//! cargo run --example callback_calendar -- --lang en
//! cargo run --example callback_calendar -- --episode examples/episodes/laser.json
//! cargo run --example callback_calendar -- --rules my-rules/ --calendar clinic.json
//! cargo run --example callback_calendar -- --calendar cn-2026 --episode examples/episodes/before-spring-festival.json
//! cargo run --example callback_calendar -- --episode a.json --episode b.json   # merged contacts
//! cargo run --example callback_calendar -- --greetings                         # and 12 months of greetings
//! ```
//!
//! - `--episode FILE` (repeatable): with several episodes of one patient, their plans are
//!   merged into contacts (one call a day, at most two messages a week);
//! - `--rules PATH` (a file or a folder of `.json` files; repeatable) replaces the built-in
//!   programs;
//! - `--calendar FILE` or `--calendar cn-YYYY` (the shipped mainland China calendar of that
//!   year; `cn` alone: every shipped year); default: open every day;
//! - `--as-of YYYY-MM-DD` marks each task upcoming, open now or missed;
//! - `--greetings` adds the patient's greetings for the 12 months from the (first)
//!   episode's day, or from `--as-of`;
//! - `--lang zh|en` (default zh).

#[path = "../support/mod.rs"]
mod support;

mod render;

use chrono::{Months, NaiveDate};
use followup::{merge, Calendar, ContactPolicy, Episode, Lang};
use std::path::PathBuf;

/// The built-in sample patient: a plastic-surgery inpatient with a discharge date.
const SAMPLE: &str = include_str!("../episodes/plastic-inpatient.json");

struct Args {
    lang: Lang,
    episodes: Vec<PathBuf>,
    rules: Vec<PathBuf>,
    calendar: Option<String>,
    as_of: Option<NaiveDate>,
    greetings: bool,
}

const USAGE: &str = "usage: callback_calendar [--lang zh|en] [--episode FILE]... [--rules PATH]... [--calendar FILE|cn-YYYY] [--as-of YYYY-MM-DD] [--greetings]\n";

fn parse_args() -> Result<Option<Args>, String> {
    let mut out = Args {
        lang: Lang::Zh,
        episodes: Vec::new(),
        rules: Vec::new(),
        calendar: None,
        as_of: None,
        greetings: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--lang" => {
                out.lang = match support::value(&mut args, "--lang")?.as_str() {
                    "zh" => Lang::Zh,
                    "en" => Lang::En,
                    other => return Err(format!("--lang {other:?}: expected zh or en")),
                }
            }
            "--episode" => out
                .episodes
                .push(support::value(&mut args, "--episode")?.into()),
            "--rules" => out.rules.push(support::value(&mut args, "--rules")?.into()),
            "--calendar" => out.calendar = Some(support::value(&mut args, "--calendar")?),
            "--as-of" => {
                let v = support::value(&mut args, "--as-of")?;
                out.as_of = Some(
                    v.parse()
                        .map_err(|_| format!("--as-of {v:?}: expected YYYY-MM-DD"))?,
                );
            }
            "--greetings" => out.greetings = true,
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}; try --help")),
        }
    }
    Ok(Some(out))
}

/// `cn-YYYY` and `cn` name the shipped China calendars; anything else is a file.
fn calendar(arg: Option<&str>) -> Result<Calendar, String> {
    match arg {
        Some("cn") => Calendar::china_years(Calendar::CHINA_YEARS).map_err(|e| e.to_string()),
        Some(name) if name.starts_with("cn-") => {
            let year: i32 = name[3..]
                .parse()
                .map_err(|_| format!("--calendar {name:?}: expected cn-YYYY"))?;
            Calendar::china(year).map_err(|e| e.to_string())
        }
        other => support::load_calendar(other.map(std::path::Path::new)),
    }
}

fn run() -> Result<String, String> {
    let Some(args) = parse_args()? else {
        return Ok(USAGE.into());
    };
    let rules = support::load_rules(&args.rules)?;
    let cal = calendar(args.calendar.as_deref())?;
    let episodes = if args.episodes.is_empty() {
        vec![Episode::from_json("sample episode", SAMPLE).map_err(|e| e.to_string())?]
    } else {
        args.episodes
            .iter()
            .map(|p| support::load_episode(p))
            .collect::<Result<Vec<_>, _>>()?
    };
    let mut plans = Vec::with_capacity(episodes.len());
    for ep in &episodes {
        let plan = match args.as_of {
            Some(day) => rules.plan_as_of(ep, &cal, day),
            None => rules.plan(ep, &cal),
        };
        plans.push(plan.map_err(|e| e.to_string())?);
    }
    let mut out = match (episodes.as_slice(), plans.as_slice()) {
        ([ep], [plan]) => render::render(&rules, &cal, ep, plan, args.lang),
        _ => {
            let patients: std::collections::BTreeSet<&str> =
                episodes.iter().map(|e| &*e.patient.id).collect();
            if patients.len() > 1 {
                return Err(format!(
                    "the episodes are of {} patients: expected one patient to merge",
                    patients.len()
                ));
            }
            let merged = merge(&plans, &ContactPolicy::default());
            render::render_merged(&episodes, &cal, &merged, args.lang)
        }
    };
    if args.greetings {
        let first = episodes.first().ok_or("no episode")?;
        let from = args.as_of.unwrap_or(first.date());
        let until = from
            .checked_add_months(Months::new(12))
            .and_then(|d| d.pred_opt())
            .ok_or("date out of range")?;
        let plan = rules
            .plan_patient(&first.patient, from, until, &cal)
            .map_err(|e| e.to_string())?;
        out.push_str(&render::render_greetings(
            &first.patient,
            from,
            until,
            &cal,
            &plan,
            args.lang,
        ));
    }
    Ok(out)
}

fn main() {
    match run() {
        Ok(out) => print!("{out}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
