//! Rendering plans, merged contacts and greetings as readable text.

use chrono::{Datelike, NaiveDate};
use followup::{
    calendar::{Calendar, ShiftReason},
    episode::{BookedVisit, Episode},
    labels,
    plan::{Derived, Plan, Task},
    replan::{Contact, MergedPlan, MoveReason},
    rules::{Channel, Lang, RuleSet},
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

/// Pads `s` to `width` display columns (CJK characters count two).
pub fn pad(s: &str, width: usize) -> String {
    let cols: usize = s.chars().map(|c| if c > '\u{2e80}' { 2 } else { 1 }).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(cols)))
}

/// A text on one line of the calendar: its line breaks and tabs as spaces (audit 74: a
/// title with a line break broke the one-line-per-contact layout).
fn one_line(s: &str) -> String {
    s.split(['\n', '\r', '\t'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `out` with every bidirectional control (U+202A-U+202E, U+2066-U+2069, U+200E,
/// U+200F, U+061C) and the line and paragraph separators (U+2028, U+2029) written as
/// `<U+202E>`: printed raw, a control would reverse the rest of its line in a terminal
/// (audit 74), a separator break it in an editor or a log viewer (audit 96).
fn visible_bidi(out: String) -> String {
    let bidi = |c: char| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{2028}' | '\u{2029}');
    if !out.contains(bidi) {
        return out;
    }
    let mut shown = String::with_capacity(out.len() + 16);
    for c in out.chars() {
        if bidi(c) {
            let _ = write!(shown, "<U+{:04X}>", u32::from(c));
        } else {
            shown.push(c);
        }
    }
    shown
}

/// The closed days between a task's rule day and its day, when it moved past some:
/// `, then 03-06 Fri: closed date`, a run per reason (`, then 05-01..05-05: public
/// holiday, 05-06..05-07: closed date`).
fn past_closed(t: &Task, cal: &Calendar, lang: Lang) -> String {
    let mut runs: Vec<(NaiveDate, NaiveDate, ShiftReason)> = Vec::new();
    for d in t.nominal.iter_days().skip(1).take_while(|d| *d < t.due) {
        let Some(r) = cal.closed_reason_for(t.channel(), d) else {
            break;
        };
        match runs.last_mut() {
            Some((_, last, reason)) if *reason == r => *last = d,
            _ => runs.push((d, d, r)),
        }
    }
    if runs.is_empty() {
        return String::new();
    }
    let zh = lang == Lang::Zh;
    let words: Vec<String> = (runs.iter())
        .map(|&(first, last, r)| {
            let span = if last > first {
                format!("{}..{}", first.format("%m-%d"), last.format("%m-%d"))
            } else {
                format!("{} {}", first.format("%m-%d"), weekday(first, lang))
            };
            if zh {
                format!("{span} {}", r.label(lang))
            } else {
                format!("{span}: {}", r.label(lang))
            }
        })
        .collect();
    if zh {
        format!("，其后 {}", words.join("，"))
    } else {
        format!(", then {}", words.join(", "))
    }
}

/// Notes after a task's title: the window staff pick from, a tolerance window, a fact it
/// waits for, a shift by the calendar, its status on the as-of day.
fn notes(t: &Task, lang: Lang, owner: bool, cal: &Calendar) -> String {
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
    if let Some(fact) = t.waits_for() {
        let fact = labels::fact(fact, lang).unwrap_or(fact);
        let _ = if zh {
            write!(out, "  [等待: {fact}]")
        } else {
            write!(out, "  [waits for: {fact}]")
        };
    }
    if let Some(r) = t.shifted {
        // A later try moved on: its day had no time left after the unanswered one, not
        // after the episode's event (audit 76).
        let why = match (r, t.derived) {
            // A retry, and the message after the last try (audit 130: "after the event").
            (ShiftReason::AfterEvent, Some(Derived::Attempt(_) | Derived::Message)) => {
                if zh {
                    "上次未接通后当天已无时间"
                } else {
                    "no time left after the last try"
                }
            }
            _ => r.label(lang),
        };
        // Past closed days too: said, or the day after would read as free (audit 119).
        let past = match (r, t.derived) {
            (ShiftReason::AfterEvent, _) => past_closed(t, cal, lang),
            _ => String::new(),
        };
        let _ = if t.nominal == t.due {
            // Its own day, another time (an agreed hour): no move to speak of (audit 119).
            write!(out, "  [{why}: {}]", t.window)
        } else if r == ShiftReason::WaitEnded && t.derived == Some(Derived::Escalation) {
            // A wait's escalation is due the day after the wait ends: no move (audits 219,
            // 226: "moved from … the wait ended" on a calendar open every day).
            if zh {
                write!(out, "  [等待于 {} 到期]", t.nominal)
            } else {
                write!(out, "  [the wait ended {}]", t.nominal)
            }
        } else {
            write!(
                out,
                "  [{} {} {}: {why}{past}]",
                if zh { "由" } else { "moved from" },
                t.nominal,
                weekday(t.nominal, lang),
            )
        };
    }
    if let Some(r) = t.closed {
        // Kept on a day the clinic (or the task's channel) does not work: on duty. A
        // message the message system does not send that day is sent by hand.
        let by_hand = matches!(t.channel(), Channel::Sms | Channel::Wechat);
        let _ = match (zh, by_hand) {
            (true, false) => write!(out, "  [{}，值班处理]", r.label(lang)),
            (true, true) => write!(out, "  [{}，值班人员手动发送]", r.label(lang)),
            (false, false) => write!(out, "  [{}: whoever is on duty]", r.label(lang)),
            (false, true) => write!(
                out,
                "  [{}: sent by hand by whoever is on duty]",
                r.label(lang)
            ),
        };
    }
    if t.beyond_calendar {
        // Its own day unknown to the calendar, or (on a day it knows) the day of the
        // visit it follows or names (audit 143: "does not cover this day" on a day it
        // covered). A greeting never moves, but may be dropped: "may change".
        let own = !cal.covers(t.due) || !cal.covers(t.nominal);
        let note = match (zh, own) {
            (true, true) => "日历未覆盖，日期可能变动",
            (true, false) => "所涉就诊日在日历范围之外，日期可能变动",
            (false, true) => "calendar does not cover this day: it may change",
            (false, false) => {
                "the visit it follows or names is past the calendar: its day may change"
            }
        };
        let _ = write!(out, "  [{note}]");
    }
    if let Some(followup::plan::Derived::Attempt(n)) = t.derived {
        let _ = if zh {
            write!(out, "  [第{n}次拨打]")
        } else {
            write!(out, "  [attempt {n}]")
        };
    }
    if let Some(owner) = t.owner.as_ref().filter(|_| owner) {
        let _ = write!(out, "  @{owner}");
    }
    if let Some(r) = &t.record {
        let what = r.outcome.label(lang);
        let _ = write!(out, "  {{{what} {}", r.at.format("%m-%d %H:%M"));
        if let Some(by) = &r.by {
            let _ = write!(out, " {by}");
        }
        out.push('}');
    }
    if let Some(status) = t.status {
        let _ = write!(out, "  <{}>", status.label(lang));
    }
    out
}

/// `D+31`, `D-1`: days from the event.
fn day_count(n: i64) -> String {
    if n < 0 {
        format!("D{n}")
    } else {
        format!("D+{n}")
    }
}

fn day_heading(out: &mut String, day: NaiveDate, cal: &Calendar, lang: Lang) {
    let _ = write!(out, "\n{day} {}", weekday(day, lang));
    if let Some(name) = cal.holiday(day) {
        let _ = write!(out, "  ({})", name.get(lang));
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
                "(outside the calendar's coverage)"
            }
        );
    }
    out.push('\n');
}

/// What the example prints with: the rules (for program names), the calendar and how it
/// was given, the language.
pub struct View<'a> {
    pub rules: &'a RuleSet,
    pub cal: &'a Calendar,
    pub calendars: &'a [String],
    pub lang: Lang,
    /// Print each task's call script under it.
    pub script: bool,
    /// The history's records on episodes not planned here (another patient's row, an
    /// episode not passed): listed with those that changed nothing.
    pub not_shown: Vec<&'a followup::history::Outcome>,
    /// The clinic notices given: a dropped notice is named by its title.
    pub notices: &'a [followup::rules::Notice],
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

    /// A step's title; a clinic notice's (audit 176: its id), else the id.
    fn step_title<'b>(&'b self, program: &str, step: &'b str) -> &'b str {
        let notice = || {
            (program == "notice")
                .then(|| self.notices.iter().find(|n| n.id == step))
                .flatten()
                .map(|n| n.title.get(self.lang))
        };
        self.rules
            .step_title(program, step)
            .map(|t| t.get(self.lang))
            .or_else(notice)
            .unwrap_or(step)
    }

    /// What a dropped occurrence's detail names, in words: a fact, a milestone, a
    /// channel, why a day does not work, another step of the program; else as written.
    fn detail(&self, program: &str, detail: &str) -> String {
        const SHIFTS: [ShiftReason; 13] = [
            ShiftReason::ClosedWeekday,
            ShiftReason::ClosedDate,
            ShiftReason::Holiday,
            ShiftReason::Weekend,
            ShiftReason::WaitedForFact,
            ShiftReason::CallDeskClosed,
            ShiftReason::MessagesClosed,
            ShiftReason::AfterEvent,
            ShiftReason::WaitEnded,
            ShiftReason::AnchorMoved,
            ShiftReason::Agreed,
            ShiftReason::Picked,
            ShiftReason::AfterEarlierCall,
        ];
        let lang = self.lang;
        if let Some(l) = (labels::fact(detail, lang))
            .or(labels::milestone(detail, lang))
            .or(labels::attribute(detail, lang))
            .or(labels::anchor(detail, lang))
        {
            return l.to_string();
        }
        if let Some(c) = Channel::ALL.into_iter().find(|c| c.name() == detail) {
            return c.label(lang).to_string();
        }
        if let Some(r) = SHIFTS.into_iter().find(|r| r.name() == detail) {
            return r.label(lang).to_string();
        }
        if let Some(t) = self.rules.step_title(program, detail) {
            return t.get(lang).to_string();
        }
        detail.to_string()
    }

    /// The occurrences that will not be done: program, step title, day, why.
    /// A superseded occurrence names the task that takes over, with its title filled
    /// (the next session's call: "after session 4"), found in `plans`.
    fn dropped_lines(
        &self,
        out: &mut String,
        dropped: &[followup::plan::Dropped],
        plans: &[Plan],
        dates: &std::collections::HashMap<&str, NaiveDate>,
    ) {
        if dropped.is_empty() {
            return;
        }
        let zh = self.zh();
        let _ = writeln!(out, "\n{}", if zh { "未安排：" } else { "Dropped:" });
        // By the day each would have had (audit 119: by step id, Day-15 before Month-1),
        // those with none last; otherwise as the plans list them.
        let mut dropped: Vec<&followup::plan::Dropped> = dropped.iter().collect();
        dropped.sort_by_key(|d| (d.nominal.is_none(), d.nominal));
        for d in dropped {
            // Its rule day before its event's: no time after the event is not why
            // (audit 122: a reminder of a visit booked on the surgery's day).
            let event = d.id().split('/').nth(2).and_then(|e| dates.get(e));
            let before_event = d.detail.as_deref() == Some(ShiftReason::AfterEvent.name())
                && matches!((d.nominal, event), (Some(n), Some(e)) if n < *e);
            let detail = d
                .detail
                .as_deref()
                .map(|x| match plans.iter().find_map(|p| d.superseded_by(p)) {
                    Some(by) => format!(": {}", by.title().get(self.lang)),
                    None if before_event => (if zh {
                        ": 早于事件当天"
                    } else {
                        ": its day comes before the event's"
                    })
                    .to_string(),
                    None => format!(": {}", self.detail(d.program(), x)),
                })
                .unwrap_or_default();
            // The day tells occurrences apart where there is one (patient-level ones are
            // numbered by their day, session steps by their session, which the title
            // says); the number only where there is none.
            // A greeting numbered by a day it has none of (a festival past the lunar
            // table: `YYYY0000`) says its year in the detail, not a number.
            let by_day = d.occurrence >= 19_000_000;
            // One `skip` left out, numbered by a day that does not exist (`20270229`):
            // that day, as its number says it (audit 188: no day nor year was shown).
            let (y, md) = (d.occurrence / 10_000, d.occurrence % 10_000);
            let named_day = (by_day && d.nominal.is_none() && md != 0)
                .then(|| format!(" ({y:04}-{:02}-{:02})", md / 100, md % 100));
            let nominal = (d.nominal.map(|n| format!(" ({n})")))
                .or(named_day)
                .unwrap_or_default();
            let nth = if d.occurrence > 0 && d.nominal.is_none() && !by_day {
                if zh {
                    format!(" 第{}次", d.occurrence + 1)
                } else {
                    format!(" #{}", d.occurrence + 1)
                }
            } else {
                String::new()
            };
            let title = match d.title() {
                Some(t) => one_line(t.get(self.lang)),
                None => one_line(self.step_title(d.program(), d.step())),
            };
            // What was made from the occurrence (`attempt-2`, `abnormal-contact`…) is not
            // the occurrence: said after its title (audit 111: the consultant's call after
            // an abnormal recovery read as the day-6 call dropped).
            let id = d.id();
            let made = (id.splitn(5, '/').nth(4)).map_or(String::new(), |x| format!(" · {x}"));
            // A course anchor the course does not have (it ended early, no package):
            // no date was forgotten (audit 128: "date not given: one session left").
            let course = matches!(
                d.detail.as_deref(),
                Some(
                    "one_session_left"
                        | "course_end"
                        | "each_session"
                        | "before_each_upcoming_session"
                )
            );
            // A lunar festival of a year the table does not give: no date is known, none
            // was forgotten (audit 132).
            let lunar = d.detail.as_deref().is_some_and(|x| {
                let id = x.split(' ').next().unwrap_or_default();
                followup::lunar::LunarFestival::ALL
                    .iter()
                    .any(|f| f.id() == id)
            });
            let reason = match (d.reason, course, lunar) {
                (followup::plan::DropReason::MissingAnchor, true, _) => {
                    if zh {
                        "疗程中没有"
                    } else {
                        "not in the course"
                    }
                }
                (followup::plan::DropReason::MissingAnchor, _, true) => {
                    if zh {
                        "农历表之外（1901-2099）"
                    } else {
                        "no lunar date known (the table covers 1901-2099)"
                    }
                }
                (r, ..) => r.label(self.lang),
            };
            let _ = writeln!(
                out,
                "  {} · {title}{made}{nth}{nominal}  {reason}{detail}",
                self.program_name(d.program()),
            );
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
                .map(|(k, v)| labels::attribute_value(k, v, self.lang))
                .collect();
            let _ = writeln!(
                out,
                "  {} {} {} {} {}  {}",
                if zh { "事件" } else { "episode" },
                ep.id,
                labels::event(&ep.event, self.lang).unwrap_or(&ep.event),
                ep.at.format("%Y-%m-%d %H:%M"),
                weekday(ep.date(), self.lang),
                attrs.join(", ")
            );
            // A visit booked on a day the calendar closes: kept where it is, its reminder
            // still says "tomorrow" (audit 226: nothing said so).
            for v in ep.visits_on_closed_days(self.cal) {
                let what = match (&v.visit, zh) {
                    (BookedVisit::Session(n), true) => format!("第{n}次疗程"),
                    (BookedVisit::Session(n), false) => format!("session {n}"),
                    (BookedVisit::Milestone(m), _) => {
                        labels::milestone(m, self.lang).unwrap_or(m).to_string()
                    }
                };
                let (day, why) = (weekday(v.date, self.lang), v.reason.label(self.lang));
                let date = v.date;
                let _ = if zh {
                    writeln!(out, "  注意：{what}约在 {date} {day}，诊所当天不营业（{why}）：请改约或核对日历")
                } else {
                    writeln!(out, "  Note: {what} is booked on {date} {day}, a day the clinic is closed ({why}): rebook it or check the calendar")
                };
            }
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

    /// One line per contact, with every reason's notes (and, with `--script`, each
    /// task's call script under it). `days`: days from the event of the contact's (first)
    /// task's episode to the contact's day, `D+n`; none for patient-level tasks.
    fn contact_line(
        &self,
        out: &mut String,
        c: &Contact,
        dates: &std::collections::HashMap<&str, NaiveDate>,
    ) {
        let zh = self.zh();
        let day_of = |t: &Task| (dates.get(t.episode())).map(|event| (c.date - *event).num_days());
        let days = c.reasons.first().and_then(|r| day_of(&r.task));
        // Reasons of several episodes: each says its own day from its event (audits 234,
        // 241: the line gave the first episode's D+n only, and a month-1 call of another
        // treatment read as this one's).
        let episodes = (c.reasons.iter())
            .map(|r| r.task.episode())
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        let titles: Vec<String> = c
            .reasons
            .iter()
            .map(|r| {
                let mut s = one_line(r.task.title().get(self.lang));
                match day_of(&r.task).filter(|_| episodes > 1) {
                    Some(n) => {
                        let d = day_count(n);
                        let _ = write!(s, " ({}, {d})", self.program_name(r.task.program()));
                    }
                    None if c.reasons.len() > 1 => {
                        let _ = write!(s, " ({})", self.program_name(r.task.program()));
                    }
                    None => {}
                }
                // One call, made by the contact's owner: a merged contact names it once,
                // after its reasons (audit 119: the last reason's owner read as the call's).
                s.push_str(&notes(&r.task, self.lang, c.reasons.len() == 1, self.cal));
                if let Some(m) = r.moved {
                    let _ = write!(
                        s,
                        "  [{} {} {}: {}]",
                        if zh { "由" } else { "moved from" },
                        m.from,
                        weekday(m.from, self.lang),
                        match (m.reason, zh) {
                            (MoveReason::ComplaintOpen, true) => "投诉未解决，不做销售",
                            (MoveReason::ComplaintOpen, false) => "a complaint was open",
                            // A call or a message (audit 258: a reminder SMS read as
                            // "that day's care call").
                            (MoveReason::NoSellingInCare, true) => "当天有关怀联系，不做销售",
                            (MoveReason::NoSellingInCare, false) => {
                                "no selling beside that day's care contact"
                            }
                            (_, true) => "频次上限",
                            (_, false) => "frequency cap",
                        }
                    );
                    // Moved past its last on-time day (a sales call is late there, not
                    // void): said (audit 258: nothing told it was already late).
                    if c.date > r.task.latest {
                        let _ = if zh {
                            write!(s, "  [已过按时期：按时至 {}]", r.task.latest)
                        } else {
                            write!(s, "  [late there: on time until {}]", r.task.latest)
                        };
                    }
                }
                s
            })
            .collect();
        let d = days.map(day_count).unwrap_or_default();
        let _ = write!(
            out,
            "  {}{}  {}{}{}",
            pad(&d, 6.max(d.len() + 1)),
            c.window,
            pad(c.role.label(self.lang), 20),
            pad(c.channel.label(self.lang), 10),
            titles.join(" + ")
        );
        if c.reasons.len() > 1 {
            if let Some(owner) = &c.owner {
                let _ = write!(out, "  @{owner}");
            }
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
        if self.script {
            for r in &c.reasons {
                // Said on the contact's day: a cap may have moved it (its task keeps
                // the rules' day).
                let Some(script) = r.task.script_on(c.date) else {
                    continue;
                };
                let label = if c.reasons.len() > 1 {
                    format!("{} · ", one_line(r.task.title().get(self.lang)))
                } else {
                    String::new()
                };
                let mut lines = script.get(self.lang).lines();
                let first = lines.next().unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{}{}{label}{first}",
                    " ".repeat(8),
                    if self.zh() { "话术：" } else { "Script: " }
                );
                for line in lines {
                    let _ = writeln!(out, "{}{line}", " ".repeat(14));
                }
            }
        }
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
        // D+n counts from the day of each task's episode.
        let dates: std::collections::HashMap<&str, NaiveDate> =
            episodes.iter().map(|e| (&*e.id, e.date())).collect();
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
            self.contact_line(&mut out, c, &dates);
        }
        self.waiting_lines(&mut out, &merged.waiting, &dates);
        self.dropped_lines(&mut out, &merged.dropped, plans, &dates);
        self.ignored_lines(&mut out, plans);
        visible_bidi(out)
    }

    /// A section's heading, after a blank line, in the calendar's language.
    fn heading(&self, out: &mut String, zh: &str, en: &str) {
        let _ = writeln!(out, "\n{}", if self.zh() { zh } else { en });
    }

    /// The history's records that changed nothing (a task id with a typo, a copy sent
    /// twice, a time before the event…), with why: staff fix them at the source.
    fn ignored_lines(&self, out: &mut String, plans: &[Plan]) {
        let ignored = (plans.iter().flat_map(|p| &p.ignored))
            .map(|i| (&i.task, i.outcome, i.at, i.reason.label(self.lang)));
        let not_shown = (self.not_shown.iter()).map(|o| {
            let why = crate::support::not_shown_label(self.lang);
            (&o.task, o.outcome, o.at, why)
        });
        let lines: Vec<_> = ignored.chain(not_shown).collect();
        if lines.is_empty() {
            return;
        }
        self.heading(out, "未使用的回访记录：", "Records that changed nothing:");
        for (task, outcome, at, why) in lines {
            let _ = writeln!(
                out,
                "  {task} {} {}  {why}",
                outcome.label(self.lang),
                at.format("%m-%d %H:%M"),
            );
        }
    }

    /// The tasks held until a fact is recorded (a further-needs call waiting for
    /// `recovered`): no contact yet, but staff should see them and until when they wait.
    fn waiting_lines(
        &self,
        out: &mut String,
        waiting: &[Task],
        dates: &std::collections::HashMap<&str, NaiveDate>,
    ) {
        if waiting.is_empty() {
            return;
        }
        let zh = self.zh();
        self.heading(
            out,
            "等待条件（记录后才安排）：",
            "Waiting for a fact (no contact until it is recorded):",
        );
        // Of several programmes, each line names its own (audit 90: a plastic and a laser
        // further-needs call on one day printed as the same line), as merged contacts do.
        let several = (waiting.first())
            .is_some_and(|first| waiting.iter().any(|t| t.program() != first.program()));
        for t in waiting {
            let d = dates
                .get(t.episode())
                .map(|event| format!("D+{}", (t.due - *event).num_days()))
                .unwrap_or_default();
            let program = if several {
                format!(" ({})", self.program_name(t.program()))
            } else {
                String::new()
            };
            let until = t.expires.map_or(String::new(), |e| {
                if zh {
                    format!("  [最迟等到 {e}]")
                } else {
                    format!("  [waits until {e}]")
                }
            });
            let _ = writeln!(
                out,
                "  {} {}  {}{}  {}{}{}{program}{}{until}",
                t.due,
                weekday(t.due, self.lang),
                pad(&d, 6.max(d.len() + 1)),
                t.window,
                pad(t.role().label(self.lang), 20),
                pad(t.channel().label(self.lang), 10),
                one_line(t.title().get(self.lang)),
                notes(t, self.lang, true, self.cal),
            );
        }
    }
}
