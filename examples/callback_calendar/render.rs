//! Rendering plans, merged contacts and greetings as readable text.

use chrono::{Datelike, NaiveDate};
use followup::{
    calendar::{Calendar, ShiftReason},
    episode::Episode,
    plan::{DropReason, Plan, Status, Task},
    replan::{Contact, MergedPlan},
    rules::{Lang, RuleSet},
};
use std::fmt::Write;

pub fn weekday(d: NaiveDate, lang: Lang) -> &'static str {
    const ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let i = d.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::Zh => ZH[i],
        Lang::En => EN[i],
    }
}

pub fn shift_label(r: ShiftReason, lang: Lang) -> &'static str {
    match (r, lang) {
        (ShiftReason::ClosedWeekday, Lang::Zh) => "每周休息日",
        (ShiftReason::ClosedWeekday, Lang::En) => "weekly closing day",
        (ShiftReason::ClosedDate, Lang::Zh) => "休息日",
        (ShiftReason::ClosedDate, Lang::En) => "closed date",
        (ShiftReason::Holiday, Lang::Zh) => "法定节假日",
        (ShiftReason::Holiday, Lang::En) => "public holiday",
        (ShiftReason::Weekend, Lang::Zh) => "周末",
        (ShiftReason::Weekend, Lang::En) => "weekend",
        (ShiftReason::WaitedForFact, Lang::Zh) => "等待康复等事实",
        (ShiftReason::WaitedForFact, Lang::En) => "waited for a fact",
        (ShiftReason::CallDeskClosed, Lang::Zh) => "电话组休息",
        (ShiftReason::CallDeskClosed, Lang::En) => "call desk closed",
        (ShiftReason::MessagesClosed, Lang::Zh) => "当日不发短信",
        (ShiftReason::MessagesClosed, Lang::En) => "no messages that day",
        (ShiftReason::AfterEvent, Lang::Zh) => "事件后当天已无时间",
        (ShiftReason::AfterEvent, Lang::En) => "no time left after the event",
        (ShiftReason::AnchorMoved, Lang::Zh) => "随就诊日顺延",
        (ShiftReason::AnchorMoved, Lang::En) => "follows its moved visit",
        (ShiftReason::Agreed, Lang::Zh) => "与顾客约定",
        (ShiftReason::Agreed, Lang::En) => "agreed with the patient",
        (ShiftReason::Picked, Lang::Zh) => "顾问选定",
        (ShiftReason::Picked, Lang::En) => "picked by the consultant",
        (_, Lang::Zh) => "休息日",
        (_, Lang::En) => "closed",
    }
}

pub fn drop_label(r: DropReason, lang: Lang) -> &'static str {
    match (r, lang) {
        (DropReason::MissingAnchor, Lang::Zh) => "未提供节点日期",
        (DropReason::MissingAnchor, Lang::En) => "date not given",
        (DropReason::Stopped, Lang::Zh) => "已终止",
        (DropReason::Stopped, Lang::En) => "stopped by",
        (DropReason::OptedOut, Lang::Zh) => "顾客拒绝此方式联系",
        (DropReason::OptedOut, Lang::En) => "opted out of",
        (DropReason::Declined, Lang::Zh) => "顾客明确拒绝",
        (DropReason::Declined, Lang::En) => "declined",
        (DropReason::PastHorizon, Lang::Zh) => "超出拒绝后的短信期限",
        (DropReason::PastHorizon, Lang::En) => "past the horizon after a refusal",
        (DropReason::NotSampled, Lang::Zh) => "未被抽中",
        (DropReason::NotSampled, Lang::En) => "not in the sample",
        (DropReason::AnchorDropped, Lang::Zh) => "所依据的任务已取消",
        (DropReason::AnchorDropped, Lang::En) => "the task it counts from was dropped",
        (DropReason::MonthEndSkipped, Lang::Zh) => "当月无此日",
        (DropReason::MonthEndSkipped, Lang::En) => "no such day in the month",
        (DropReason::NoOpenDay, Lang::Zh) => "附近无营业日",
        (DropReason::NoOpenDay, Lang::En) => "no open day nearby",
        (DropReason::BeyondMaxShift, Lang::Zh) => "顺延超出上限",
        (DropReason::BeyondMaxShift, Lang::En) => "no open day within its max shift",
        (DropReason::AfterEvent, Lang::Zh) => "事件后当天已无时间",
        (DropReason::AfterEvent, Lang::En) => "no time left after the event",
        (DropReason::Expired, Lang::Zh) => "失效前无营业日",
        (DropReason::Expired, Lang::En) => "no open day before it expires",
        (DropReason::RestHours, Lang::Zh) => "顾客休息时间",
        (DropReason::RestHours, Lang::En) => "the patient's rest hours",
        (DropReason::Superseded, Lang::Zh) => "并入后一次回访",
        (DropReason::Superseded, Lang::En) => "superseded by",
        (DropReason::FrequencyCap, Lang::Zh) => "超出联系频次上限",
        (DropReason::FrequencyCap, Lang::En) => "frequency cap",
        (_, Lang::Zh) => "已取消",
        (_, Lang::En) => "dropped",
    }
}

/// Pads `s` to `width` display columns (CJK characters count two).
pub fn pad(s: &str, width: usize) -> String {
    let cols: usize = s.chars().map(|c| if c > '\u{2e80}' { 2 } else { 1 }).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(cols)))
}

/// Notes after a task's title: the window staff pick from, a tolerance window, a fact it
/// waits for, a shift by the calendar, its status on the as-of day.
fn notes(t: &Task, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    if let Some(role) = t.picked_by() {
        let who = if zh {
            format!("{}选定日期", role.label(lang))
        } else {
            format!("day picked by {}", role.label(lang))
        };
        let _ = write!(out, "  [{who} {}..{}]", t.earliest, t.latest);
    } else if t.earliest != t.due || t.latest != t.due {
        let _ = write!(
            out,
            "  [{} {}..{}]",
            if zh { "可在" } else { "on time" },
            t.earliest,
            t.latest
        );
    }
    if let Some(fact) = &t.waits_for() {
        let _ = write!(out, "  [{} {fact}]", if zh { "等待" } else { "waits for" });
    }
    if let Some(r) = t.shifted {
        let _ = write!(
            out,
            "  [{} {} {}: {}]",
            if zh { "由" } else { "moved from" },
            t.nominal,
            weekday(t.nominal, lang),
            shift_label(r, lang)
        );
    }
    if t.beyond_calendar {
        let _ = write!(
            out,
            "  [{}]",
            if zh {
                "日历未覆盖，日期可能变动"
            } else {
                "calendar does not cover this day: it may move"
            }
        );
    }
    if let Some(followup::plan::Derived::Attempt(n)) = t.derived {
        let _ = if zh {
            write!(out, "  [第{n}次拨打]")
        } else {
            write!(out, "  [attempt {n}]")
        };
    }
    if let Some(owner) = &t.owner {
        let _ = write!(out, "  @{owner}");
    }
    if let Some(r) = &t.record {
        let what = match (r.outcome, zh) {
            (followup::history::OutcomeKind::Done, true) => "已完成",
            (followup::history::OutcomeKind::NoAnswer, true) => "未接听",
            (followup::history::OutcomeKind::Busy, true) => "占线",
            (followup::history::OutcomeKind::Unreachable, true) => "无法接通",
            (followup::history::OutcomeKind::Rescheduled, true) => "另约时间",
            (followup::history::OutcomeKind::Picked, true) => "已选定日期",
            (followup::history::OutcomeKind::Declined, true) => "明确拒绝",
            (followup::history::OutcomeKind::AbnormalRecovery, true) => "恢复异常",
            (_, true) => "已记录",
            (k, false) => k.name(),
        };
        let _ = write!(out, "  {{{what} {}", r.at.format("%m-%d %H:%M"));
        if let Some(by) = &r.by {
            let _ = write!(out, " {by}");
        }
        out.push('}');
    }
    if let Some(status) = t.status {
        let label = match (status, zh) {
            (Status::Expired, true) => "已失效",
            (Status::Expired, false) => "expired",
            (Status::Missed, true) => "已逾期",
            (Status::Missed, false) => "missed",
            (Status::Open, true) => "今日可做",
            (Status::Open, false) => "open now",
            (_, true) => "待办",
            (_, false) => "upcoming",
        };
        let _ = write!(out, "  <{label}>");
    }
    out
}

fn day_heading(out: &mut String, day: NaiveDate, cal: &Calendar, lang: Lang) {
    let _ = write!(out, "\n{day} {}", weekday(day, lang));
    if let Some(name) = cal.holiday_name(day) {
        let _ = write!(out, "  ({name})");
    } else if cal.day_kind(day) == followup::calendar::DayKind::MakeupWorkday {
        let _ = write!(
            out,
            "  ({})",
            if lang == Lang::Zh {
                "调休上班"
            } else {
                "make-up working day"
            }
        );
    }
    if !cal.is_open(day) {
        let _ = write!(
            out,
            "  {}",
            if lang == Lang::Zh {
                "[诊所休息]"
            } else {
                "[clinic closed]"
            }
        );
    }
    if !cal.covers(day) {
        let _ = write!(
            out,
            "  {}",
            if lang == Lang::Zh {
                "(超出日历范围)"
            } else {
                "(past the calendar's coverage)"
            }
        );
    }
    out.push('\n');
}

fn dropped_lines(out: &mut String, dropped: &[followup::plan::Dropped], lang: Lang) {
    if dropped.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{}",
        if lang == Lang::Zh {
            "未安排："
        } else {
            "Dropped:"
        }
    );
    for d in dropped {
        let detail = d
            .detail
            .as_deref()
            .map(|x| format!(" {x}"))
            .unwrap_or_default();
        let nominal = d.nominal.map(|n| format!(" ({n})")).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}/{}#{}{nominal}  {}{detail}",
            d.program,
            d.step,
            d.occurrence,
            drop_label(d.reason, lang)
        );
    }
}

/// What the example prints with: the rules (for program names), the calendar and how it
/// was given, the language.
pub struct View<'a> {
    pub rules: &'a RuleSet,
    pub cal: &'a Calendar,
    pub calendars: &'a [String],
    pub lang: Lang,
}

impl View<'_> {
    fn zh(&self) -> bool {
        self.lang == Lang::Zh
    }

    fn program_name<'b>(&'b self, id: &'b str) -> &'b str {
        match self.rules.program_name(id) {
            Some(name) => name.get(self.lang),
            // Clinic notices are no rule's program.
            None if id == "notice" && self.zh() => "诊所通知",
            None if id == "notice" => "Clinic notices",
            None => id,
        }
    }

    /// The patient, the episodes, the calendar and the programs that applied.
    fn header(&self, out: &mut String, episodes: &[Episode], plans: &[Plan]) {
        let zh = self.zh();
        let patient = episodes.first().map(|e| &e.patient);
        let _ = writeln!(
            out,
            "{} {} ({})",
            if zh {
                "回访日历 ·"
            } else {
                "Callback calendar ·"
            },
            patient.and_then(|p| p.name.as_deref()).unwrap_or("-"),
            patient.map_or("-", |p| &*p.id),
        );
        for ep in episodes {
            let attrs: Vec<String> = ep
                .attributes
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let _ = writeln!(
                out,
                "  {} {} {} {} {}  {}",
                if zh { "事件" } else { "episode" },
                ep.id,
                ep.event,
                ep.at.format("%Y-%m-%d %H:%M"),
                weekday(ep.date(), self.lang),
                attrs.join(", ")
            );
        }
        let calendar = if self.calendars.is_empty() {
            (if zh { "每天营业" } else { "open every day" }).to_string()
        } else {
            self.calendars.join(" + ")
        };
        let _ = writeln!(out, "{}: {calendar}", if zh { "日历" } else { "Calendar" });
        let mut programs: Vec<&str> = plans
            .iter()
            .flat_map(|p| p.programs.iter().map(|id| &**id))
            .collect();
        programs.sort_unstable();
        programs.dedup();
        let names: Vec<&str> = programs.iter().map(|p| self.program_name(p)).collect();
        for why in plans.iter().filter_map(|p| p.no_program.as_deref()) {
            let _ = writeln!(out, "{}: {why}", if zh { "注意" } else { "Note" });
        }
        let _ = writeln!(
            out,
            "{}: {}",
            if zh { "回访方案" } else { "Programs" },
            if names.is_empty() {
                (if zh { "（无）" } else { "(none)" }).to_string()
            } else {
                names.join(", ")
            }
        );
    }

    /// One line per contact, with every reason's notes.
    fn contact_line(&self, out: &mut String, c: &Contact) {
        let zh = self.zh();
        let titles: Vec<String> = c
            .reasons
            .iter()
            .map(|r| {
                let mut s = r.task.title().get(self.lang).to_string();
                if c.reasons.len() > 1 {
                    let _ = write!(s, " ({})", self.program_name(r.task.program()));
                }
                s.push_str(&notes(&r.task, self.lang));
                if let Some(m) = r.moved {
                    let _ = write!(
                        s,
                        "  [{} {}: {}]",
                        if zh { "由" } else { "moved from" },
                        m.from,
                        if zh { "频次上限" } else { "frequency cap" }
                    );
                }
                s
            })
            .collect();
        let _ = write!(
            out,
            "  {}  {}{}{}",
            c.window,
            pad(c.role.label(self.lang), 20),
            pad(c.channel.label(self.lang), 10),
            titles.join(" + ")
        );
        if c.reasons.len() > 1 {
            let _ = write!(
                out,
                "  [{} {}]",
                if zh { "合并" } else { "merged" },
                c.reasons.len()
            );
        }
        if c.over_cap {
            let _ = write!(
                out,
                "  [{}]",
                if zh {
                    "超出频次上限，仍保留"
                } else {
                    "kept over the frequency cap"
                }
            );
        }
        out.push('\n');
    }

    /// The patient's calendar: header, contacts by day (greetings included), dropped.
    pub fn calendar(
        &self,
        episodes: &[Episode],
        plans: &[Plan],
        greetings: Option<(NaiveDate, NaiveDate)>,
        merged: &MergedPlan,
    ) -> String {
        let zh = self.zh();
        let mut out = String::new();
        self.header(&mut out, episodes, plans);
        if let Some((from, until)) = greetings {
            let _ = writeln!(
                out,
                "{} {from} .. {until}",
                if zh {
                    "含关怀与节日祝福"
                } else {
                    "With greetings"
                }
            );
        }
        if merged.contacts.is_empty() {
            let _ = writeln!(out, "\n{}", if zh { "（无任务）" } else { "(no tasks)" });
        }
        let mut day = None;
        for c in &merged.contacts {
            if day != Some(c.date) {
                day = Some(c.date);
                day_heading(&mut out, c.date, self.cal, self.lang);
            }
            self.contact_line(&mut out, c);
        }
        dropped_lines(&mut out, &merged.dropped, self.lang);
        out
    }
}
