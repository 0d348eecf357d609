//! Filling titles and scripts when a plan is made: the patient's name, the procedure,
//! the owner, the clinic's name, and the session numbers and dates of a course. Pure: the
//! values come from the episode, the calendar and the occurrence, nothing else.
//!
//! A placeholder without a value takes neutral words in the text's language (the
//! fallback words, chosen by [`Words`]) that read naturally mid-sentence.

use super::task::TaskInfo;
use super::Planner;
use crate::calendar::Calendar;
use crate::episode::Episode;
use crate::template::{Placeholder, SessionFrom, StepTemplates, Value, Words};
use crate::text::Text;
use chrono::NaiveDate;
use std::sync::Arc;

/// A task's own title and script, filled from its step's templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Filled {
    pub title: Text,
    pub script: Option<Text>,
}

/// What the episode is about, for `{procedure}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Procedure<'a> {
    /// A free text the clinic wrote (`procedure`, `interest`, `product`), used as it is.
    Named(&'a str),
    /// A category id (`skin`), shown by its name in the text's language when known.
    Category(&'a str),
}

/// What the placeholders of one task are filled with; `None` takes the fallback words.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FillContext<'a> {
    pub patient: Option<&'a str>,
    pub procedure: Option<Procedure<'a>>,
    pub owner: Option<&'a str>,
    pub clinic: Option<&'a Text>,
    pub session: Option<u32>,
    pub sessions_left: Option<u32>,
    pub next_session: Option<NaiveDate>,
}

impl<'a> FillContext<'a> {
    /// The values for occurrence `n` of a step whose session number comes from
    /// `session`: the episode's patient, procedure and course, the calendar's clinic name
    /// and the owner's display name.
    pub(crate) fn new(
        episode: &'a Episode,
        calendar: &'a Calendar,
        owner: Option<&'a str>,
        session: Option<SessionFrom>,
        n: u32,
    ) -> Self {
        let given = |s: &'a str| Some(s.trim()).filter(|s| !s.is_empty());
        let attribute = |name: &str| episode.attribute(name).and_then(given);
        let procedure = ["procedure", "interest", "product"]
            .iter()
            .find_map(|name| attribute(name).map(Procedure::Named))
            .or_else(|| attribute("category").map(Procedure::Category));
        let course = episode.course.as_ref();
        let number = course.and_then(|c| match session? {
            SessionFrom::Occurrence => Some(n),
            SessionFrom::OneLeft => c.package?.checked_sub(1),
            SessionFrom::CourseEnd => c
                .package
                .or_else(|| u32::try_from(c.sessions().count()).ok()),
        });
        let (sessions_left, next_session) = match (course, number) {
            (Some(c), Some(k)) => (
                c.package.and_then(|p| p.checked_sub(k)),
                k.checked_add(1)
                    .and_then(|next| c.sessions().find(|s| s.number == next))
                    .map(|s| s.date),
            ),
            _ => (None, None),
        };
        FillContext {
            patient: episode.patient.name.as_deref().and_then(given),
            procedure,
            owner: owner.and_then(given),
            clinic: calendar.clinic(),
            session: number,
            sessions_left,
            next_session,
        }
    }

    /// The value of `p` in the language `tag`, whose fallback words are `words`.
    pub(crate) fn value(&self, p: Placeholder, words: Words, tag: &str) -> Value<'a> {
        let given = match p {
            Placeholder::Patient => self.patient.map(Value::Str),
            Placeholder::Procedure => self.procedure.map(|pr| match pr {
                Procedure::Named(s) => Value::Str(s),
                Procedure::Category(c) => Value::Str(category_name(c, words).unwrap_or(c)),
            }),
            Placeholder::Owner => self.owner.map(Value::Str),
            Placeholder::Clinic => self.clinic.map(|c| Value::Str(c.get_tag(tag))),
            Placeholder::Session => self.session.map(Value::Number),
            Placeholder::SessionsLeft => self.sessions_left.map(Value::Number),
            Placeholder::NextSession => self.next_session.map(Value::Date),
        };
        given.unwrap_or_else(|| Value::Str(fallback(p, words)))
    }

    /// The title and script of a task of the step `info`, filled from its templates.
    pub(crate) fn fill(&self, templates: &StepTemplates, info: &TaskInfo) -> Filled {
        let fill = |t: &crate::template::TextTemplate| t.fill(|p, w, tag| self.value(p, w, tag));
        Filled {
            title: templates
                .title
                .as_ref()
                .map_or_else(|| info.title.clone(), fill),
            script: match &templates.script {
                Some(t) => Some(fill(t)),
                None => info.script.clone(),
            },
        }
    }
}

/// The neutral words for a placeholder without a value, lower case where the language
/// has case, to read mid-sentence: `{patient}您好` → 顾客您好, `Dear {patient}` → Dear
/// customer, `请于{next_session}来院` → 请于约定的日期来院. A session number always has
/// a value where the rules allow `{session}`; its words are there for completeness.
pub(crate) fn fallback(p: Placeholder, words: Words) -> &'static str {
    let (zh, zh_hant, en) = match p {
        Placeholder::Patient => ("顾客", "顧客", "customer"),
        Placeholder::Procedure => ("治疗", "治療", "treatment"),
        Placeholder::Owner => ("您的顾问", "您的顧問", "your consultant"),
        Placeholder::Clinic => ("本院", "本院", "our clinic"),
        Placeholder::Session => ("本次", "本次", "this"),
        Placeholder::SessionsLeft => ("若干", "若干", "some"),
        Placeholder::NextSession => ("约定的日期", "約定的日期", "the agreed date"),
    };
    match words {
        Words::Zh => zh,
        Words::ZhHant => zh_hant,
        Words::En => en,
    }
}

/// The name of a built-in category in a language (`skin` → 皮肤护理 / skin treatment).
fn category_name(id: &str, words: Words) -> Option<&'static str> {
    let (zh, zh_hant, en) = match id {
        "plastic" => ("整形手术", "整形手術", "plastic surgery"),
        "laser" => ("激光治疗", "激光治療", "laser treatment"),
        "skin" => ("皮肤护理", "皮膚護理", "skin treatment"),
        "dental" => ("口腔治疗", "口腔治療", "dental treatment"),
        "non_invasive" => ("无创治疗", "無創治療", "non-invasive treatment"),
        "injection" => ("注射治疗", "注射治療", "injection treatment"),
        "peel" => ("焕肤", "煥膚", "peel"),
        "microneedling" => ("微针", "微針", "microneedling"),
        "thread_lift" => ("埋线", "埋線", "thread lift"),
        _ => return None,
    };
    Some(match words {
        Words::Zh => zh,
        Words::ZhHant => zh_hant,
        Words::En => en,
    })
}

impl Planner<'_> {
    /// The own title and script of occurrence `n` of the step `info` when its texts have
    /// placeholders; `None` (no allocation) when they have none and the task shares them
    /// with the rule set.
    pub(super) fn fill(&self, info: &TaskInfo, n: u32, owner: Option<&str>) -> Option<Arc<Filled>> {
        let templates = info.templates.as_deref()?;
        let context = FillContext::new(self.ep, self.cal, owner, templates.session, n);
        Some(Arc::new(context.fill(templates, info)))
    }
}

/// The own title and script of a task of no episode's step (a clinic notice, a
/// follow-up added by hand) for `patient`: the patient's name, the procedure of
/// `episode` when there is one, the clinic's name and the owner's.
pub(crate) fn fill_for_patient(
    info: &TaskInfo,
    patient: &crate::episode::Patient,
    episode: Option<&Episode>,
    calendar: &Calendar,
    owner: Option<&str>,
) -> Option<Arc<Filled>> {
    let templates = info.templates.as_deref()?;
    let context = match episode {
        Some(ep) => FillContext::new(ep, calendar, owner, None, 0),
        None => FillContext {
            clinic: calendar.clinic(),
            owner,
            ..FillContext::default()
        },
    };
    let context = FillContext {
        patient: patient
            .name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
        ..context
    };
    Some(Arc::new(context.fill(templates, info)))
}
