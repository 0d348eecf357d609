//! Labels in Chinese and English for the ids of the built-in vocabulary: events, episode
//! attributes and their values, fact kinds, milestones and the format's own anchors, so
//! that a host shows staff `整形` rather than `category=plastic` and `等待康复` rather
//! than `recovered`.
//!
//! Every function returns `None` for an id it does not know (a clinic's own attribute,
//! value or fact): show the id itself then. Channels, roles, drop and shift reasons,
//! statuses and outcomes have their own `label` methods ([`crate::rules::Channel::label`],
//! [`crate::plan::DropReason::label`]…).
//!
//! ```
//! use followup::{labels, rules::Lang};
//! assert_eq!(labels::attribute("category", Lang::Zh), Some("项目类别"));
//! assert_eq!(labels::value("category", "plastic", Lang::Zh), Some("整形"));
//! assert_eq!(labels::value("category", "plastic", Lang::En), Some("plastic surgery"));
//! assert_eq!(labels::fact("recovered", Lang::Zh), Some("已康复"));
//! assert_eq!(labels::fact("my_own_fact", Lang::Zh), None);
//! ```

use crate::text::Lang;

/// `(id, 中文, English)`.
type Row = (&'static str, &'static str, &'static str);

const EVENTS: &[Row] = &[
    ("assignment", "分配客户", "new assignment"),
    ("complaint", "投诉", "complaint"),
    ("consultation", "咨询", "consultation"),
    ("course", "疗程", "treatment course"),
    ("procedure", "手术/治疗", "procedure"),
    ("purchase", "购买", "purchase"),
    ("repair", "维修", "repair"),
];

const ATTRIBUTES: &[Row] = &[
    ("about", "事由", "about"),
    ("assigned_to", "分配给", "assigned to"),
    ("category", "项目类别", "category"),
    ("interest", "意向项目", "interest"),
    ("outcome", "咨询结果", "outcome"),
    ("procedure", "项目", "procedure"),
    ("product", "产品", "product"),
    ("setting", "就诊方式", "setting"),
    ("severity", "严重程度", "severity"),
    ("source", "来源", "source"),
    ("visit", "到院", "visit"),
];

/// `(attribute, value, 中文, English)`.
const VALUES: &[(&str, &str, &str, &str)] = &[
    ("assigned_to", "consultant", "咨询师", "consultant"),
    (
        "assigned_to",
        "customer_service",
        "客服",
        "customer service",
    ),
    (
        "assigned_to",
        "online_consultant",
        "网络咨询",
        "online consultant",
    ),
    (
        "assigned_to",
        "onsite_consultant",
        "现场咨询",
        "onsite consultant",
    ),
    (
        "assigned_to",
        "phone_consultant",
        "电话咨询",
        "phone consultant",
    ),
    ("category", "dental", "口腔", "dental"),
    ("category", "injection", "注射微整", "injection"),
    ("category", "laser", "激光", "laser"),
    ("category", "microneedling", "微针", "microneedling"),
    ("category", "non_invasive", "无创", "non-invasive"),
    ("category", "peel", "焕肤", "peel"),
    ("category", "plastic", "整形", "plastic surgery"),
    ("category", "skin", "皮肤", "skin care"),
    ("category", "thread_lift", "埋线", "thread lift"),
    ("outcome", "booked", "已预约", "booked"),
    ("outcome", "no_show", "未到院", "no-show"),
    ("outcome", "not_booked", "未预约", "not booked"),
    (
        "outcome",
        "visited_no_purchase",
        "到院未成交",
        "visited, no purchase",
    ),
    ("setting", "inpatient", "住院", "inpatient"),
    ("setting", "outpatient", "门诊", "outpatient"),
    ("severity", "normal", "一般", "normal"),
    ("severity", "serious", "严重", "serious"),
    ("source", "online", "网络", "online"),
    ("source", "onsite", "现场", "onsite"),
    ("source", "phone", "电话", "phone"),
    ("visit", "first", "初诊", "first visit"),
    ("visit", "return", "复诊", "return visit"),
];

const FACTS: &[Row] = &[
    ("assigned", "已分配", "assigned"),
    ("complaint_resolved", "投诉已解决", "complaint resolved"),
    ("contacted", "已联系", "contacted"),
    ("converted", "已成交", "converted"),
    ("declined", "明确拒绝", "declined"),
    ("opt_out", "拒绝此方式联系", "opted out"),
    ("recovered", "已康复", "recovered"),
    ("request_raised", "已提出需求", "request raised"),
    ("visited", "已到院", "visited"),
];

const MILESTONES: &[Row] = &[
    ("discharge", "出院", "discharge"),
    ("dressing_change", "换药", "dressing change"),
    ("promised_callback", "约定回电", "promised callback"),
    ("review_visit", "复诊", "review visit"),
    ("suture_removal", "拆线", "suture removal"),
    ("treatment_end", "疗程结束", "treatment end"),
];

/// The anchors of the format itself (`from`): what a step counts from, when it is no
/// milestone.
const ANCHORS: &[Row] = &[
    ("as_of", "计划当日", "the as-of day"),
    (
        "before_each_upcoming_session",
        "每次预约疗程前",
        "before each booked session",
    ),
    ("birthday", "生日", "birthday"),
    ("course_end", "疗程结束", "the course's end"),
    ("each_session", "每次疗程", "each session"),
    ("event", "事件", "the event"),
    ("one_session_left", "疗程剩最后一次", "one session left"),
];

fn pick(rows: &[Row], id: &str, lang: Lang) -> Option<&'static str> {
    let (_, zh, en) = rows.iter().find(|r| r.0 == id)?;
    Some(lang.pick((zh, en)))
}

/// The id whose label, in either language, is `label`, for a word of kind `what` (an
/// `event`, an `attribute`, a `milestone`, else the values of the attribute `what`): what
/// a CRM that sends the Chinese word (`整形`) meant (`plastic`).
pub(crate) fn id_of_label(what: &str, label: &str) -> Option<&'static str> {
    let same = |zh: &str, en: &str| zh == label || en.eq_ignore_ascii_case(label);
    let rows = match what {
        "event" => EVENTS,
        "attribute" => ATTRIBUTES,
        "milestone" => MILESTONES,
        _ => {
            return (VALUES.iter())
                .find(|(a, _, zh, en)| *a == what && same(zh, en))
                .map(|r| r.1);
        }
    };
    rows.iter().find(|(_, zh, en)| same(zh, en)).map(|r| r.0)
}

/// The label of an event (`procedure` → `手术/治疗` / `procedure`).
///
/// ```
/// use followup::{labels, rules::Lang};
/// assert_eq!(labels::event("course", Lang::Zh), Some("疗程"));
/// ```
pub fn event(id: &str, lang: Lang) -> Option<&'static str> {
    pick(EVENTS, id, lang)
}

/// The label of an episode attribute (`setting` → `就诊方式` / `setting`).
///
/// ```
/// use followup::{labels, rules::Lang};
/// assert_eq!(labels::attribute("setting", Lang::Zh), Some("就诊方式"));
/// ```
pub fn attribute(name: &str, lang: Lang) -> Option<&'static str> {
    pick(ATTRIBUTES, name, lang)
}

/// The label of a value of an attribute with closed values (`setting`, `inpatient` →
/// `住院` / `inpatient`).
///
/// ```
/// use followup::{labels, rules::Lang};
/// assert_eq!(labels::value("setting", "inpatient", Lang::Zh), Some("住院"));
/// assert_eq!(labels::value("procedure", "双眼皮", Lang::Zh), None); // free: shown as is
/// ```
pub fn value(attribute: &str, value: &str, lang: Lang) -> Option<&'static str> {
    let (_, _, zh, en) = VALUES.iter().find(|r| r.0 == attribute && r.1 == value)?;
    Some(lang.pick((zh, en)))
}

/// The label of a fact kind (`recovered` → `已康复` / `recovered`): what a task waits
/// for, what stopped a step.
///
/// ```
/// use followup::{labels, rules::Lang};
/// assert_eq!(labels::fact("converted", Lang::Zh), Some("已成交"));
/// ```
pub fn fact(kind: &str, lang: Lang) -> Option<&'static str> {
    pick(FACTS, kind, lang)
}

/// The label of a milestone (`suture_removal` → `拆线` / `suture removal`).
///
/// ```
/// use followup::{labels, rules::Lang};
/// assert_eq!(labels::milestone("suture_removal", Lang::Zh), Some("拆线"));
/// ```
pub fn milestone(name: &str, lang: Lang) -> Option<&'static str> {
    pick(MILESTONES, name, lang)
}

/// The label of an anchor of the rule format that is no milestone (`course_end` →
/// `疗程结束` / `the course's end`): what a dropped occurrence's `missing_anchor` detail
/// names for a course's steps.
///
/// ```
/// use followup::{labels, rules::Lang};
/// assert_eq!(labels::anchor("one_session_left", Lang::Zh), Some("疗程剩最后一次"));
/// assert_eq!(labels::anchor("course_end", Lang::En), Some("the course's end"));
/// ```
pub fn anchor(name: &str, lang: Lang) -> Option<&'static str> {
    pick(ANCHORS, name, lang)
}

/// `attribute: value` in `lang` (`项目类别: 整形`), each part its label or, when it has
/// none, the id as written.
///
/// ```
/// use followup::{labels, rules::Lang};
/// assert_eq!(labels::attribute_value("category", "plastic", Lang::Zh), "项目类别: 整形");
/// assert_eq!(labels::attribute_value("procedure", "双眼皮", Lang::En), "procedure: 双眼皮");
/// ```
pub fn attribute_value(name: &str, val: &str, lang: Lang) -> String {
    format!(
        "{}: {}",
        attribute(name, lang).unwrap_or(name),
        value(name, val, lang).unwrap_or(val)
    )
}

#[cfg(test)]
#[cfg(feature = "builtin-rules")]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    /// Every id of the built-in vocabulary has a label in both languages.
    #[test]
    fn the_builtin_vocabulary_is_labelled() -> crate::Result<()> {
        let rules = RuleSet::builtin()?;
        let v = rules.vocabulary();
        for lang in [Lang::Zh, Lang::En] {
            for e in v.events().into_iter().flatten() {
                assert!(event(e, lang).is_some(), "event {e}");
            }
            for a in v.attributes() {
                assert!(attribute(a, lang).is_some(), "attribute {a}");
                for x in v.attribute_values(a).into_iter().flatten() {
                    assert!(value(a, x, lang).is_some(), "{a}={x}");
                }
            }
            for f in v.facts() {
                assert!(fact(f, lang).is_some(), "fact {f}");
            }
            for m in v.milestones() {
                assert!(milestone(m, lang).is_some(), "milestone {m}");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod reason_tests {
    use crate::{plan::DropReason, rules::Lang};

    /// Every drop reason's name is its JSON form, and it has labels.
    #[test]
    fn drop_reasons_are_named_as_in_json_and_labelled() -> serde_json::Result<()> {
        for r in DropReason::ALL {
            assert_eq!(serde_json::to_string(&r)?, format!("\"{}\"", r.name()));
            assert_ne!(r.label(Lang::Zh), "已取消", "{r:?}");
        }
        Ok(())
    }
}
