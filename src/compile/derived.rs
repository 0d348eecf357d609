//! The tasks a step's occurrence can make: a supervisor's task when a wait ends without
//! its fact or when the task is overdue, the next attempt of an unanswered call and what
//! follows the last one, and the two tasks of an abnormal recovery. All but the last are
//! compiled once per step and shared by every task made from it.

use super::program::{Retry, RetryThen};
use super::{offset, Located};
use crate::limits::Limits;
use crate::model::{Channel, ProgramDef, RetryDef, Role, StepDef};
use crate::plan::task::TaskInfo;
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
}

impl DerivedInfos {
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

fn info(
    def: &ProgramDef,
    s: &StepDef,
    channel: Channel,
    role: Role,
    title: Text,
    script: Option<Text>,
) -> Arc<TaskInfo> {
    Arc::new(TaskInfo {
        program: def.id.as_str().into(),
        step: s.id.as_str().into(),
        channel,
        role,
        picked_by: None,
        wait_for: None,
        title,
        script,
        rank: 0,
    })
}

/// The supervisor's task when a wait ends without its fact.
pub(super) fn wait_escalation(def: &ProgramDef, s: &StepDef, fact: &str) -> Arc<TaskInfo> {
    info(
        def,
        s,
        Channel::Internal,
        Role::Supervisor,
        Text::new(
            &format!("跟进：{}（未等到 {fact}）", s.title.zh()),
            &format!("Look into: {} (no {fact} by the end of its wait)", s.title.en()),
        ),
        Some(Text::new(
            &format!("等待 {fact} 已到期：了解顾客情况，决定下一步并安排负责人。"),
            &format!("The wait for {fact} is over: find out how the patient is, decide what comes next and who does it."),
        )),
    )
}

/// The supervisor's task when a task is still not done `escalate_after` its window.
pub(super) fn overdue(def: &ProgramDef, s: &StepDef) -> Arc<TaskInfo> {
    info(
        def,
        s,
        Channel::Internal,
        Role::Supervisor,
        Text::new(
            &format!("督导：{}（逾期未做）", s.title.zh()),
            &format!("Follow up with staff: {} (not done on time)", s.title.en()),
        ),
        Some(Text::new(
            "回访未按时完成：与负责人确认原因，安排尽快完成或改派。",
            "A follow-up was not done on time: ask its owner why, and have it done at once or reassign it.",
        )),
    )
}

/// The onsite consultant's same-day call and the doctor's visit after an abnormal
/// recovery was reported on a task of `base`: made when planning, as they are rare.
pub(crate) fn abnormal(base: &TaskInfo) -> (Arc<TaskInfo>, Arc<TaskInfo>) {
    let made = |channel, role, title: Text, script: Text| {
        Arc::new(TaskInfo {
            program: base.program.clone(),
            step: base.step.clone(),
            channel,
            role,
            picked_by: None,
            wait_for: None,
            title,
            script: Some(script),
            rank: base.rank,
        })
    };
    (
        made(
            Channel::Phone,
            Role::OnsiteConsultant,
            Text::new(
                &format!("恢复异常：当天关心致电（{}）", base.title.zh()),
                &format!("Abnormal recovery: a call the same day ({})", base.title.en()),
            ),
            Text::new(
                "顾客反映恢复异常：当天致电关心，安抚情绪，请顾客尽快到院，安排医生复诊。",
                "The patient reports an abnormal recovery: call the same day, reassure them, ask them to come in, and arrange for the doctor to see them.",
            ),
        ),
        made(
            Channel::InPerson,
            Role::Doctor,
            Text::new("恢复异常：医生复诊", "Abnormal recovery: the doctor sees the patient"),
            Text::new(
                "医生当面检查恢复情况并给出处理意见。",
                "The doctor examines the recovery in person and decides what to do.",
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
            format!("invalid retry_after {:?}: expected a duration from 1 minute to 7 days, such as \"PT2H\", \"PT30M\", \"P1D\" or \"P1DT2H\"", r.retry_after),
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

/// The tasks a step's `no_answer` may make after its last unanswered call.
pub(super) fn retry_infos(
    retry: &Retry,
    def: &ProgramDef,
    s: &StepDef,
    role: Role,
    infos: &mut DerivedInfos,
) {
    match retry.then {
        RetryThen::Drop => {}
        RetryThen::Escalate => {
            infos.unanswered = Some(info(
                def,
                s,
                Channel::Internal,
                Role::Supervisor,
                Text::new(
                    &format!("跟进：{}（{}次未接通）", s.title.zh(), retry.max_attempts),
                    &format!("Look into: {} ({} calls unanswered)", s.title.en(), retry.max_attempts),
                ),
                Some(Text::new(
                    "多次致电未接通：核对联系方式，决定改用其他方式联系或安排他人跟进。",
                    "Several calls went unanswered: check the contact details, and decide on another way to reach the patient or another person to try.",
                )),
            ));
        }
        RetryThen::Message(channel) => {
            infos.message = Some(info(
                def,
                s,
                channel,
                role,
                Text::new(
                    &format!("{}（电话未接通，改发信息）", s.title.zh()),
                    &format!("{} (calls unanswered: a message instead)", s.title.en()),
                ),
                s.script.clone(),
            ));
        }
    }
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
    take(days, &[('D', 24 * 60)])?;
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
        assert_eq!(retry_minutes("PT0M"), None);
        for bad in [
            "", "P", "PT", "2H", "PT2", "PTH", "PT30M2H", "P1W", "PT2h", "-PT2H",
        ] {
            assert_eq!(retry_minutes(bad), None, "{bad}");
        }
    }
}
