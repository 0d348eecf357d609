//! The tasks a step's occurrence can make: a supervisor's task when a wait ends without
//! its fact or when the task is overdue, the next attempt of an unanswered call and what
//! follows the last one, and the two tasks of an abnormal recovery. All but the last are
//! compiled once per step and shared by every task made from it.

use super::program::{Retry, RetryThen};
use super::{offset, Located};
use crate::limits::Limits;
use crate::model::{Channel, ProgramDef, RetryDef, Role, StepDef};
use crate::plan::task::TaskInfo;
use crate::template::Words;
use crate::text::Text;
use std::sync::Arc;

/// The most calls an unanswered task may take, the first included.
pub const MAX_ATTEMPTS: u32 = 10;

/// The longest wait before an unanswered call is tried again, in minutes (a week).
pub const MAX_RETRY_MINUTES: i64 = 7 * 24 * 60;

/// What a step's occurrences may make, each shared by every task made from the step.
#[derive(Debug, Clone, Default)]
pub(crate) struct DerivedInfos {
    /// The supervisor's task when a wait ends without its fact (`then: escalate`).
    pub wait_escalation: Option<Arc<TaskInfo>>,
    /// The message after the last unanswered call (`then: sms`).
    pub message: Option<Arc<TaskInfo>>,
    /// The supervisor's task after the last unanswered call (`then: escalate`).
    pub unanswered: Option<Arc<TaskInfo>>,
    /// The supervisor's task when the task is overdue (`escalate_after`).
    pub overdue: Option<Arc<TaskInfo>>,
    /// The call and the doctor's visit after an abnormal recovery ([`abnormal`]): made
    /// the first time a plan needs them, as they are rare, then kept.
    pub abnormal: std::sync::OnceLock<(Arc<TaskInfo>, Arc<TaskInfo>)>,
}

impl DerivedInfos {
    /// Every info made when the rules are compiled.
    pub(crate) fn each(&self) -> impl Iterator<Item = &Arc<TaskInfo>> {
        [
            &self.wait_escalation,
            &self.message,
            &self.unanswered,
            &self.overdue,
        ]
        .into_iter()
        .flatten()
    }

    /// Every info, to rank them with their step.
    pub(crate) fn each_mut(&mut self) -> impl Iterator<Item = &mut Arc<TaskInfo>> {
        [
            &mut self.wait_escalation,
            &mut self.message,
            &mut self.unanswered,
            &mut self.overdue,
        ]
        .into_iter()
        .flatten()
    }
}

/// Words in the three languages derived texts are written in; any other language of
/// the step's title takes the closest of them (`zh-HK` the traditional ones).
struct Tri<'a>(&'a str, &'a str, &'a str);

impl<'a> Tri<'a> {
    fn pick(&self, w: Words) -> &'a str {
        match w {
            Words::Zh => self.0,
            Words::ZhHant => self.1,
            Words::En => self.2,
        }
    }
}

/// A text in every language of the step's title: `before`, the title, `after`.
fn around(title: &Text, before: Tri<'_>, after: Tri<'_>) -> Text {
    let words: Vec<Words> = title.tags().map(Words::of).collect();
    Text::build(0, title.more_tags().cloned(), |k, buf| {
        let w = words.get(k).copied().unwrap_or(Words::En);
        let t = title.iter().nth(k).map_or("", |(_, t)| t);
        for part in [before.pick(w), t, after.pick(w)] {
            buf.push_str(part);
        }
    })
}

/// A fixed text in the languages of the step's title.
fn fixed(title: &Text, words: Tri<'_>) -> Text {
    let w: Vec<Words> = title.tags().map(Words::of).collect();
    Text::build(0, title.more_tags().cloned(), |k, buf| {
        buf.push_str(words.pick(w.get(k).copied().unwrap_or(Words::En)));
    })
}

/// A task the step's occurrences may make, its texts compiled as the step's (the title's
/// placeholders are filled for it as for the step's own tasks).
#[allow(clippy::too_many_arguments)]
fn info(
    def: &ProgramDef,
    s: &StepDef,
    channel: Channel,
    role: Role,
    title: Text,
    script: Option<Text>,
    i: usize,
    from: &str,
) -> Result<Arc<TaskInfo>, Located> {
    let milestones: Vec<&str> = def.milestones.keys().map(String::as_str).collect();
    let mut texts = crate::template::step_texts(
        &title,
        script.as_ref(),
        &format!("/steps/{i}"),
        from,
        &milestones,
    )?;
    crate::template::no_own_visit_if(s.repeat.is_some(), &mut texts);
    Ok(Arc::new(TaskInfo {
        program: def.id.as_str().into(),
        step: s.id.as_str().into(),
        channel,
        role,
        picked_by: None,
        wait_for: None,
        class: s.class.or(def.defaults.class),
        on_duty: s.closed_day.or(def.defaults.closed_day) == Some(crate::model::ClosedDay::Keep),
        title: texts.title,
        script: texts.script,
        templates: texts.templates,
        rank: 0,
        slot: crate::plan::task::NO_SLOT,
        json: Default::default(),
    }))
}

/// The supervisor's task when a wait ends without its fact.
pub(super) fn wait_escalation(
    def: &ProgramDef,
    s: &StepDef,
    fact: &str,
    i: usize,
    from: &str,
) -> Result<Arc<TaskInfo>, Located> {
    // The fact in words where the built-in vocabulary knows it (`recovered`: 已康复).
    let (fact_zh, fact_en) = match (
        crate::labels::fact(fact, crate::rules::Lang::Zh),
        crate::labels::fact(fact, crate::rules::Lang::En),
    ) {
        (Some(zh), Some(en)) => (format!("「{zh}」"), en.to_string()),
        _ => (format!(" {fact} "), fact.to_string()),
    };
    let (zh, zh_hant, en) = (
        format!("（未等到{}）", fact_zh.trim_end()),
        format!("（未等到{}）", fact_zh.trim_end()),
        // In quotes: a fact's words are a participle (`recovered`, `complaint resolved`),
        // or its id (audit 114: "no recovered").
        format!(" (“{fact_en}” did not come by the end of its wait)"),
    );
    let script = (
        format!("等待{fact_zh}已到期：了解顾客情况，决定下一步并安排负责人。"),
        format!("等待{fact_zh}已到期：了解顧客情況，決定下一步並安排負責人。"),
        format!("The wait for “{fact_en}” is over: find out how the patient is, decide what comes next and who does it."),
    );
    info(
        def,
        s,
        Channel::Internal,
        Role::Supervisor,
        around(
            &s.title,
            Tri("跟进：", "跟進：", "Look into: "),
            Tri(&zh, &zh_hant, &en),
        ),
        Some(fixed(&s.title, Tri(&script.0, &script.1, &script.2))),
        i,
        from,
    )
}

/// The supervisor's task when a task is still not done `escalate_after` its window.
pub(super) fn overdue(
    def: &ProgramDef,
    s: &StepDef,
    i: usize,
    from: &str,
) -> Result<Arc<TaskInfo>, Located> {
    info(
        def,
        s,
        Channel::Internal,
        Role::Supervisor,
        around(
            &s.title,
            Tri("督导：", "督導：", "Follow up with staff: "),
            Tri("（逾期未做）", "（逾期未做）", " (not done on time)"),
        ),
        Some(fixed(
            &s.title,
            Tri(
                "回访未按时完成：与负责人确认原因，安排尽快完成或改派。",
                "回訪未按時完成：與負責人確認原因，安排盡快完成或改派。",
                "A follow-up was not done on time: ask its owner why, and have it done at once or reassign it.",
            ),
        )),
        i,
        from,
    )
}

/// The onsite consultant's same-day call and the doctor's visit after an abnormal
/// recovery was reported on a task of `base`: made when a plan first needs them, as they
/// are rare ([`DerivedInfos::abnormal`]). The call's title wraps the step's (its
/// placeholders filled as the step's are).
/// `milestones` are the names of the program's milestones, which the base title may name.
pub(crate) fn abnormal(base: &TaskInfo, milestones: &[&str]) -> (Arc<TaskInfo>, Arc<TaskInfo>) {
    // The anchor the base step's session placeholders need, if any.
    let from = match base.templates.as_ref().and_then(|t| t.session) {
        Some(crate::template::SessionFrom::Occurrence) => "each_session",
        Some(crate::template::SessionFrom::OneLeft) => "one_session_left",
        Some(crate::template::SessionFrom::CourseEnd) => "course_end",
        None => "event",
    };
    let made = |channel, role, title: Text, script: Text| {
        // The base title compiled: wrapped in fixed words, it compiles again.
        let (title, templates) =
            match crate::template::step_texts(&title, None, "", from, milestones) {
                Ok(t) => (t.title, t.templates),
                Err(_) => (title, None),
            };
        Arc::new(TaskInfo {
            program: base.program.clone(),
            step: base.step.clone(),
            channel,
            role,
            picked_by: None,
            wait_for: None,
            class: base.class,
            on_duty: base.on_duty,
            title,
            script: Some(script),
            templates,
            rank: base.rank,
            slot: crate::plan::task::NO_SLOT,
            json: Default::default(),
        })
    };
    (
        made(
            Channel::Phone,
            Role::OnsiteConsultant,
            around(
                &base.title,
                Tri("恢复异常：当天关心致电（", "恢復異常：當天關心致電（", "Abnormal recovery: a call the same day ("),
                Tri("）", "）", ")"),
            ),
            fixed(
                &base.title,
                Tri(
                    "顾客反映恢复异常：当天致电关心，安抚情绪，请顾客尽快到院，安排医生复诊。",
                    "顧客反映恢復異常：當天致電關心，安撫情緒，請顧客盡快到院，安排醫生複診。",
                    "The patient reports an abnormal recovery: call the same day, reassure them, ask them to come in, and arrange for the doctor to see them.",
                ),
            ),
        ),
        made(
            Channel::InPerson,
            Role::Doctor,
            fixed(
                &base.title,
                Tri("恢复异常：医生复诊", "恢復異常：醫生複診", "Abnormal recovery: the doctor sees the patient"),
            ),
            fixed(
                &base.title,
                Tri(
                    "医生当面检查恢复情况并给出处理意见。",
                    "醫生當面檢查恢復情況並給出處理意見。",
                    "The doctor examines the recovery in person and decides what to do.",
                ),
            ),
        ),
    )
}

/// `no_answer` as written, checked: its shape alone, whatever the channel (a program's
/// default applies to its calls only).
pub(super) fn retry_rule(r: &RetryDef, at: &str) -> Result<Retry, Located> {
    let after_minutes = retry_minutes(&r.retry_after).ok_or_else(|| {
        Located::new(
            format!("{at}/retry_after"),
            format!("invalid retry_after {:?}: expected a duration from 1 minute to 7 days, such as \"PT2H\", \"PT30M\", \"P1D\", \"P1DT2H\" or \"P1W\"", r.retry_after),
        )
    })?;
    if !(2..=MAX_ATTEMPTS).contains(&r.max_attempts) {
        return Err(Located::new(
            format!("{at}/max_attempts"),
            format!(
                "max_attempts {}: expected 2 to {MAX_ATTEMPTS} calls in all, the first included",
                r.max_attempts
            ),
        ));
    }
    let then = match r.then.as_str() {
        "drop" => RetryThen::Drop,
        "escalate" => RetryThen::Escalate,
        "sms" => RetryThen::Message(Channel::Sms),
        "wechat" => RetryThen::Message(Channel::Wechat),
        other => {
            let hint = crate::vocabulary::nearest(other, &["sms", "wechat", "drop", "escalate"])
                .map(|n| format!(" (did you mean {n:?}?)"))
                .unwrap_or_default();
            return Err(Located::new(
                format!("{at}/then"),
                format!("unknown then {other:?}{hint}: expected \"sms\", \"wechat\", \"drop\" or \"escalate\""),
            ));
        }
    };
    Ok(Retry {
        after_minutes,
        max_attempts: r.max_attempts,
        then,
    })
}

/// The tasks a step's `no_answer` may make after its last unanswered call; `message`,
/// the text its rule gives the message to the patient.
#[allow(clippy::too_many_arguments)]
pub(super) fn retry_infos(
    retry: &Retry,
    def: &ProgramDef,
    s: &StepDef,
    role: Role,
    infos: &mut DerivedInfos,
    i: usize,
    from: &str,
    message: Option<&Text>,
) -> Result<(), Located> {
    match retry.then {
        RetryThen::Drop => {}
        RetryThen::Escalate => {
            // No count: the tries may stop before `max_attempts` when the call expires
            // (audit 177: "3 calls unanswered" after two).
            let (zh, zh_hant, en) = (
                "（未接通）".to_string(),
                "（未接通）".to_string(),
                " (unanswered)".to_string(),
            );
            infos.unanswered = Some(info(
                def,
                s,
                Channel::Internal,
                Role::Supervisor,
                around(&s.title, Tri("跟进：", "跟進：", "Look into: "), Tri(&zh, &zh_hant, &en)),
                Some(fixed(
                    &s.title,
                    Tri(
                        "多次致电未接通：核对联系方式，决定改用其他方式联系或安排他人跟进。",
                        "多次致電未接通：核對聯繫方式，決定改用其他方式聯繫或安排他人跟進。",
                        "Several calls went unanswered: check the contact details, and decide on another way to reach the patient or another person to try.",
                    ),
                )),
                i,
                from,
            )?);
        }
        RetryThen::Message(channel) => {
            infos.message = Some(info(
                def,
                s,
                channel,
                role,
                around(
                    &s.title,
                    Tri("", "", ""),
                    Tri(
                        "（电话未接通，改发信息）",
                        "（電話未接通，改發訊息）",
                        " (calls unanswered: a message instead)",
                    ),
                ),
                // To the patient: the rule's text, else a call-back request — not the
                // call's script, which is what staff say (audit 71: "了解顾客目前的状况…"
                // was sent as the SMS).
                Some(message.cloned().unwrap_or_else(|| {
                    fixed(
                        &s.title,
                        Tri(
                            "{patient}您好，这里是{clinic}。我们致电未能联系上您，想了解您的近况。方便时请回电或回复本信息，谢谢！",
                            "{patient}您好，這裡是{clinic}。我們致電未能聯繫上您，想了解您的近況。方便時請回電或回覆本訊息，謝謝！",
                            "Dear {patient}, this is {clinic}: we called and could not reach you, and would like to hear how you are. When convenient, please call us back or reply to this message. Thank you!",
                        ),
                    )
                })),
                i,
                from,
            )?);
        }
    }
    Ok(())
}

/// `escalate_after`: a positive duration of days or weeks (a task is overdue from the
/// day after its last on-time day).
pub(super) fn escalate_after(text: &str, at: &str, limits: &Limits) -> Result<i64, Located> {
    let o = offset(text, at, limits)?;
    match o.signed_days() {
        Some(d) if d >= 1 => Ok(d),
        _ => Err(Located::new(
            at,
            format!("escalate_after {text:?}: expected a positive duration of days or weeks, such as \"P2D\" (the days a task may be overdue before a supervisor steps in)"),
        )),
    }
}

/// `PT2H`, `PT30M`, `P1D`, `P1DT2H30M`: minutes, from 1 to [`MAX_RETRY_MINUTES`].
fn retry_minutes(text: &str) -> Option<i64> {
    let rest = text.strip_prefix('P')?;
    let (days, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut minutes: i64 = 0;
    let mut take = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        let mut next_unit = 0;
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let pos = units.iter().position(|(u, _)| *u == c)?;
            if pos < next_unit || number.is_empty() || number.len() > 6 {
                return None;
            }
            next_unit = pos + 1;
            minutes =
                minutes.checked_add(number.parse::<i64>().ok()?.checked_mul(units.get(pos)?.1)?)?;
            number.clear();
        }
        number.is_empty().then_some(())
    };
    // Weeks as every other duration of days takes them (audit 80: `P1W` was refused
    // while its message said 7 days were allowed).
    take(days, &[('W', 7 * 24 * 60), ('D', 24 * 60)])?;
    if let Some(t) = time {
        if t.is_empty() {
            return None;
        }
        take(t, &[('H', 60), ('M', 1)])?;
    }
    (1..=MAX_RETRY_MINUTES)
        .contains(&minutes)
        .then_some(minutes)
}

#[cfg(test)]
mod tests {
    use super::retry_minutes;

    #[test]
    fn retry_durations_in_days_hours_and_minutes() {
        assert_eq!(retry_minutes("PT2H"), Some(120));
        assert_eq!(retry_minutes("PT30M"), Some(30));
        assert_eq!(retry_minutes("P1D"), Some(1440));
        assert_eq!(retry_minutes("P1DT2H30M"), Some(1440 + 150));
        assert_eq!(retry_minutes("P8D"), None);
        assert_eq!(retry_minutes("P1W"), Some(7 * 1440));
        assert_eq!(retry_minutes("P1W1D"), None);
        assert_eq!(retry_minutes("PT0M"), None);
        for bad in [
            "", "P", "PT", "2H", "PT2", "PTH", "PT30M2H", "P1D1W", "PT2h", "-PT2H",
        ] {
            assert_eq!(retry_minutes(bad), None, "{bad}");
        }
    }
}
