//! A day's worklist for one role, the same day as merged contacts, and a month's
//! compliance summary, from the sample data in `examples/data/`.
//!
//! ```text
//! cargo run --example worklist                              # customer service, 12 March 2026
//! cargo run --example worklist -- --day 2026-03-17 --role onsite_consultant --lang en
//! cargo run --example worklist -- --role all
//! ```
//!
//! The worklist counts a task as done when a completion record before `--day` names it.
//! The compliance summary covers the month of `--day`, judged on the first day of the next
//! month with every record of the sample.

#[path = "support/mod.rs"]
mod support;

use chrono::{Datelike, Months, NaiveDate};
use followup::{
    calendar::Calendar,
    episode::Episode,
    plan::{Plan, Task},
    replan::{
        compliance, merge_plans, worklist, Completion, ComplianceCounts, CompliancePeriod,
        ComplianceStatus, ContactPolicy, MoveReason, WorkState,
    },
    rules::{Lang, Role, RuleSet},
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

const EPISODES: &str = include_str!("data/episodes.json");
const COMPLETIONS: &str = include_str!("data/completions.json");

struct Args {
    day: NaiveDate,
    role: Option<Role>,
    lang: Lang,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut out = Args {
        day: NaiveDate::from_ymd_opt(2026, 3, 12).ok_or("bad default day")?,
        role: Some(Role::CustomerService),
        lang: Lang::Zh,
    };
    let mut args = std::env::args().skip(1);
    // Flags of one value, each given once (--rules, --calendar… may repeat).
    let mut seen = Vec::new();
    while let Some(arg) = args.next() {
        if ["--day", "--role", "--lang"].contains(&arg.as_str()) {
            support::once(&mut seen, &arg)?;
        }
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--day" => {
                let v = value()?;
                out.day = support::day("--day", &v)?;
            }
            "--role" => {
                let v = value()?;
                out.role = match v.as_str() {
                    "all" => None,
                    _ => Some(serde_json::from_value(v.clone().into()).map_err(|_| {
                        format!("--role {v:?}: expected all or a role such as customer_service, onsite_consultant, doctor_assistant")
                    })?),
                };
            }
            "--lang" => {
                out.lang = match value()?.as_str() {
                    "zh" => Lang::Zh,
                    "en" => Lang::En,
                    other => return Err(format!("--lang {other:?}: expected zh or en")),
                }
            }
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}; try --help")),
        }
    }
    Ok(Some(out))
}

fn main() {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => support::finish(Ok(format!(
            "usage: worklist [--day YYYY-MM-DD] [--role ROLE|all] [--lang zh|en]\n{}",
            support::EXIT_CODES
        ))),
        Err(e) => support::fail(&e),
    };
    // Any error is bad input (a rule or data file), exit 2 as in every example.
    support::finish(run(&args))
}

/// Picks the Chinese or the English text.
fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn run(args: &Args) -> Result<String, String> {
    let rules = RuleSet::builtin().map_err(|e| e.to_string())?;
    let episodes: Vec<Episode> =
        serde_json::from_str(EPISODES).map_err(|e| format!("data/episodes.json: {e}"))?;
    let completions: Vec<Completion> =
        serde_json::from_str(COMPLETIONS).map_err(|e| format!("data/completions.json: {e}"))?;
    let plans = episodes
        .iter()
        .map(|ep| rules.plan(ep, &Calendar::default()))
        .collect::<Result<Vec<Plan>, _>>()
        .map_err(|e| e.to_string())?;
    let names: BTreeMap<&str, &str> = episodes
        .iter()
        .map(|ep| (&*ep.patient.id, ep.patient.name.as_deref().unwrap_or("")))
        .collect();
    let (day, lang) = (args.day, args.lang);
    let who = |t: &Task| {
        format!(
            "{} ({})",
            names.get(t.patient()).unwrap_or(&""),
            t.patient()
        )
    };
    let what = |t: &Task| {
        let program = rules
            .program_name(t.program())
            .map_or(t.program(), |n| n.get(lang));
        format!("{program}: {}", t.title().get(lang))
    };
    let role_label = args
        .role
        .map_or(tr(lang, "全部角色", "every role"), |r| r.label(lang));
    let mut out = String::new();

    // 1. The worklist.
    let done: BTreeSet<String> = completions
        .iter()
        .filter(|c| c.done_at.date() < day)
        .map(|c| c.task_id.clone())
        .collect();
    let items = worklist(plans.iter().flat_map(|p| &p.tasks), day, args.role, &done);
    let _ = writeln!(
        out,
        "{} · {role_label} · {day}",
        tr(lang, "工作清单", "Worklist")
    );
    if items.is_empty() {
        let _ = writeln!(out, "  {}", tr(lang, "（无任务）", "(nothing to do)"));
    }
    let mut state = None;
    for item in &items {
        let t = &item.task;
        if state != Some(item.state) {
            state = Some(item.state);
            let title = match item.state {
                // Past their day: late, or still on time (audits 217, 221: "1 day
                // overdue" for a message on time until that day).
                WorkState::Overdue => tr(lang, "已过应做日，未做：", "Past their day, not done:"),
                WorkState::Today => tr(lang, "今日：", "Today:"),
                WorkState::Expired => tr(
                    lang,
                    "已失效（不再执行，请关闭）：",
                    "Expired (do not do; close them):",
                ),
            };
            let _ = writeln!(out, " {title}");
        }
        let when = if item.state == WorkState::Expired {
            match (lang, t.expires) {
                (Lang::Zh, Some(e)) => format!("应于 {}，{} 失效", t.due, e),
                (_, Some(e)) => format!("due {}, expired {e}", t.due),
                (_, None) => t.due.to_string(),
            }
        } else if let Some(state) = support::unpicked_state(item, day, lang) {
            // A day staff pick, none picked yet: by its window, not its first day.
            state
        } else if item.days_overdue > 0 {
            support::past_its_day(item, lang == Lang::Zh)
        } else {
            t.window.to_string()
        };
        let _ = writeln!(
            out,
            "  {when}  {}  {}  {}",
            t.channel().label(lang),
            who(t),
            what(t)
        );
    }

    // 2. The same day as contacts: one per patient and channel, within the caps.
    let merged = merge_plans(&plans, &ContactPolicy::default(), &Calendar::default());
    let _ = writeln!(
        out,
        "\n{} · {day}",
        tr(
            lang,
            "当日联系（同一顾客同日同方式合并）",
            "Contacts (one per patient, day and channel)"
        )
    );
    let today = merged.contacts.iter().filter(|c| {
        c.date == day
            && args.role.is_none_or(|r| c.role == r)
            && c.reasons.iter().any(|r| !done.contains(&r.task.id()))
    });
    for c in today {
        let Some(first) = c.reasons.first() else {
            continue;
        };
        let _ = writeln!(
            out,
            "  {}  {}  {}  {}",
            c.window,
            c.channel.label(lang),
            who(&first.task),
            c.role.label(lang)
        );
        for r in &c.reasons {
            let _ = write!(out, "      - {}", what(&r.task));
            if let Some(m) = r.moved {
                let _ = write!(
                    out,
                    "  [{} {}]",
                    match m.reason {
                        MoveReason::ComplaintOpen => tr(
                            lang,
                            "因投诉未解决改期，原定",
                            "moved past an open complaint from"
                        ),
                        MoveReason::NoSellingInCare => tr(
                            lang,
                            "当天有关怀联系，不做销售，改期，原定",
                            "moved off a care contact's day (no selling beside it) from"
                        ),
                        _ => tr(
                            lang,
                            "因频次上限改期，原定",
                            "moved by the frequency cap from"
                        ),
                    },
                    m.from
                );
            }
            let _ = writeln!(out);
        }
    }

    // 3. Compliance for the month of `day`, judged on the first day of the next month.
    let from = day.with_day(1).ok_or("bad day")?;
    let as_of = from.checked_add_months(Months::new(1)).ok_or("bad day")?;
    let to = as_of.pred_opt().ok_or("bad day")?;
    let period = CompliancePeriod { from, to, as_of };
    let report = compliance(plans.iter().flat_map(|p| &p.tasks), &completions, &period);
    let _ = writeln!(
        out,
        "\n{} · {from}..{to} · {} {as_of}",
        tr(lang, "回访执行情况", "Compliance"),
        tr(lang, "统计日", "as of")
    );
    let header = match lang {
        // Each Chinese character is two columns wide.
        // 迟做 (done late), not 逾期, which the lists use for "past its day, not done"
        // (audit 251); 未做 as `Status::Missed`'s label, and `replay`'s.
        Lang::Zh => "   任务  按时  提前  迟做  未做  失效  待办  按时率",
        Lang::En => "  tasks on t. early  late miss. exp. pend.  on t.%",
    };
    let _ = writeln!(out, "{header}");
    // Labels last: Chinese characters would break a padded column.
    let row = |out: &mut String, name: &str, c: &ComplianceCounts| {
        let rate = c
            .on_time_per_mille()
            .map_or("-".to_string(), |r| format!("{}.{}%", r / 10, r % 10));
        let _ = writeln!(
            out,
            "  {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {rate:>7}  {name}",
            c.total(),
            c.on_time,
            c.early,
            c.late,
            c.missed,
            c.expired,
            c.pending
        );
    };
    row(&mut out, tr(lang, "合计", "all"), &report.total);
    for (role, counts) in &report.by_role {
        row(&mut out, role.label(lang), counts);
    }
    for (person, counts) in &report.by_person {
        row(&mut out, person, counts);
    }
    for (status, title) in [
        (
            ComplianceStatus::Missed,
            tr(lang, "未做（仍可补做）：", "Missed (still worth doing):"),
        ),
        (
            ComplianceStatus::Expired,
            tr(lang, "未做且已失效：", "Not done and expired:"),
        ),
    ] {
        let _ = writeln!(out, "  {title}");
        for c in report.tasks.iter().filter(|c| c.status == status) {
            let t = &c.task;
            let _ = writeln!(
                out,
                "    {}  {}  {}  {}",
                t.due,
                t.role().label(lang),
                who(t),
                what(t)
            );
        }
    }
    if !report.unknown.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            tr(lang, "找不到对应任务的记录：", "Records for unknown tasks:")
        );
        for c in &report.unknown {
            let _ = writeln!(
                out,
                "    {}  {}  {}",
                c.done_at.format("%Y-%m-%d %H:%M"),
                c.by,
                c.task_id
            );
        }
    }
    Ok(out)
}
