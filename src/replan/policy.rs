//! The contact policy: frequency caps per channel, and which task gives way when a cap is
//! hit.

use crate::model::{Channel, Role};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::num::NonZeroU32;

/// The longest cap period, in days (a year and a day). A longer `per_days` counts as this;
/// it bounds the work of checking a cap.
pub const MAX_CAP_DAYS: u32 = 366;

/// How [`merge_plans`](crate::replan::merge_plans) turns tasks into contacts: frequency caps per channel and the
/// priority order that decides which contact moves when a cap is hit.
///
/// The default (`ContactPolicy::default()`, also what JSON fields left out get):
///
/// - at most **1 phone call a day** per patient — after merging, one call a day means the
///   reasons of all of that day's calls are made in one call;
/// - at most **3 messages (`sms`) in any 7 consecutive days** per patient (the densest
///   week a built-in programme alone asks for: the cap acts where programmes overlap);
/// - no cap on `wechat`, `mail` (merged per day only); visits (`in_person`, `home_visit`)
///   and `internal` work are never merged, capped or moved;
/// - the priority order of [`PriorityPolicy::default`];
/// - a greeting or sales contact that no day of its window can take under the caps (nor,
///   for a call, a day after its window before it expires) is
///   dropped; any other stays on its day over the cap (`drop_over_cap`).
///
/// A plastic-surgery inpatient gets messages on D+2, D+6 (suture-removal reminder) and D+8
/// (confirmation after the suture removal, on time until D+9): three in seven days, which
/// the default policy keeps. With `{"channel": "sms", "max": 2, "per_days": 7}` (the
/// default until 0.2.0) the confirmation, the least urgent of the three, moves to D+9.
///
/// Read a policy with [`ContactPolicy::from_json`] (errors located as for every input);
/// `serde_json::from_str` works too, with serde's errors.
///
/// ```
/// use followup::{replan::{Cap, ContactPolicy}, rules::Channel};
/// let policy: ContactPolicy = serde_json::from_str(r#"{
///     "caps": [{"channel": "phone", "max": 1, "per_days": 2},
///              {"channel": "sms", "max": 3, "per_days": 30}]
/// }"#).unwrap();
/// assert_eq!(policy.caps[0], Cap::new(Channel::Phone, 1, 2).unwrap());
/// assert_eq!(policy.priority, ContactPolicy::default().priority);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContactPolicy {
    /// Frequency caps; all caps of a channel apply together. Caps on visit channels
    /// (`in_person`, `home_visit`) and `internal` are ignored: visits are never moved.
    pub caps: Vec<Cap>,
    /// Which contact keeps its day when a cap is hit, and which role leads a contact.
    pub priority: PriorityPolicy,
    /// The classes whose contacts are dropped when no day of their window keeps the caps;
    /// contacts of other classes stay on their day over the cap (`over_cap`). Default:
    /// `greeting` and `sales`.
    pub drop_over_cap: Vec<PriorityClass>,
}

impl crate::json::Expected for ContactPolicy {
    const EXPECTED: &'static str = "a contact policy (a JSON object such as {\"caps\": [{\"channel\": \"sms\", \"max\": 3, \"per_days\": 7}]})";
}

impl ContactPolicy {
    /// Reads a contact policy from JSON; `name` is used in error messages. Fields left
    /// out keep their defaults (`{}` is [`ContactPolicy::default`]).
    ///
    /// # Errors
    ///
    /// [`crate::Error::Policy`] naming `name`, with the JSON pointer, line and column and
    /// what was expected: malformed JSON, an unknown field, a cap of zero, an unknown
    /// channel, role or class; codes `policy/…` ([`crate::Error::code`]).
    ///
    /// ```
    /// use followup::replan::ContactPolicy;
    /// let policy = ContactPolicy::from_json("policy.json", r#"{"drop_over_cap": ["greeting"]}"#)?;
    /// assert_eq!(policy.caps, ContactPolicy::default().caps);
    /// let err = ContactPolicy::from_json("policy.json", r#"{"caps": [{"channel": "sms",
    ///     "max": 0, "per_days": 7}]}"#).unwrap_err();
    /// assert!(err.is_policy());
    /// assert_eq!(err.pointer(), "/caps/0/max");
    /// assert_eq!(err.line_column(), Some((2, 12)));
    /// assert_eq!(err.code(), "policy/invalid_value");
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn from_json(name: &str, text: &str) -> crate::Result<ContactPolicy> {
        if let Some(e) =
            crate::json::empty(text, <ContactPolicy as crate::json::Expected>::EXPECTED)
        {
            return Err(e.into_policy(name));
        }
        let limits = crate::rules::Limits::default();
        let crate::json::Document(p): crate::json::Document<ContactPolicy> =
            crate::json::read(text, &limits).map_err(|e| e.into_policy(name))?;
        Ok(p)
    }
}

impl Default for ContactPolicy {
    fn default() -> Self {
        let caps = [(Channel::Phone, 1, 1), (Channel::Sms, 3, 7)];
        ContactPolicy {
            caps: caps
                .into_iter()
                .filter_map(|(c, max, days)| Cap::new(c, max, days))
                .collect(),
            priority: PriorityPolicy::default(),
            drop_over_cap: vec![PriorityClass::Sales, PriorityClass::Greeting],
        }
    }
}

/// At most `max` contacts on `channel` with one patient in any `per_days` consecutive days
/// (`per_days: 1`: per calendar day; `7`: a rolling week).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cap {
    /// The channel capped.
    pub channel: Channel,
    /// How many contacts are allowed in the period, 1 or more.
    pub max: NonZeroU32,
    /// The length of the rolling period in days, 1 or more; above [`MAX_CAP_DAYS`] counts
    /// as [`MAX_CAP_DAYS`].
    pub per_days: NonZeroU32,
}

impl Cap {
    /// A cap; `None` when `max` or `per_days` is 0.
    pub fn new(channel: Channel, max: u32, per_days: u32) -> Option<Cap> {
        Some(Cap {
            channel,
            max: NonZeroU32::new(max)?,
            per_days: NonZeroU32::new(per_days)?,
        })
    }

    /// The period in days, at most [`MAX_CAP_DAYS`].
    pub(crate) fn days(&self) -> u32 {
        self.per_days.get().min(MAX_CAP_DAYS)
    }
}

/// What a task is for, from the most to the least important to keep on its day.
///
/// The order follows the harm done by a delay: a reminder is worthless after the visit it
/// announces and a patient who misses a suture removal is a medical problem; aftercare in
/// the first days after a procedure (and complaint handling) is time-critical care; later
/// care calls and messages can wait a day or two; sales follow-up and greetings can wait
/// longest (docs/domain.md §8: no selling before care).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PriorityClass {
    /// A message announcing a visit (dressing change, suture removal, next session).
    Reminder,
    /// A complaint's calls (docs/domain.md §7): time-critical, and the patient is unhappy.
    /// A call merged with another programme's call of the day is the complaint handler's
    /// (audit 228: a complaint's callback, merged with the surgery's day-15 call, went to
    /// the consultant who sold the surgery, off customer service's list); no sales task
    /// joins it.
    Complaint,
    /// Time-critical aftercare: the first days after a procedure or a session, requests
    /// promised within a day.
    Aftercare,
    /// Later care: month calls and messages, thanks, product after-sales.
    Care,
    /// Pre-sales follow-up, the 611 plan, course planning (upsell), clinic notices.
    Sales,
    /// Birthday, festival and quarterly greetings.
    Greeting,
}

/// The priority of a task: first its class ([`PriorityClass`], looked up in `classes`),
/// then its role (the order of `roles`), then the earlier due day, then the earlier
/// latest day, then program id, step id, occurrence and task id (alphabetical), so that the
/// order is total and never depends on input order.
///
/// `classes` keys are `"program"`, `"program/step"` or a prefix pattern ending in `*`
/// (`"plastic-aftercare/month-*"`). The most specific key wins: the one matching the
/// longest part of `program/step`, an exact key before a pattern of the same length. No
/// match: `default_class`.
///
/// The default table covers the built-in programs:
///
/// | key | class |
/// |---|---|
/// | `complaint` | complaint |
/// | `plastic-aftercare`, `laser-aftercare` | aftercare |
/// | `plastic-aftercare/dressing-change-reminder`, `plastic-aftercare/suture-removal-reminder`, `plastic-aftercare/review-reminder`, `treatment-course/session-reminder`, `treatment-course/review-reminder`, `session-aftercare/review-reminder` | reminder |
/// | `plastic-aftercare/month-*`, `plastic-aftercare/review-thanks-sms`, `laser-aftercare/month-*` | care |
/// | `treatment-course`, `session-aftercare` | care |
/// | `treatment-course/session-*`, `session-aftercare/reassurance-sms`, `session-aftercare/care-call` (the D+2 message and D+3 call after a session) | aftercare |
/// | `treatment-course/course-planning-call`, `plastic-aftercare/further-needs-call`, `laser-aftercare/further-needs-call`, `laser-aftercare/month-3-further-needs` (the selling calls that wait for `recovered`), `presales`, `first-visit`, `plan-611`, `lead-ownership` | sales |
/// | `notice` (clinic notices: expert clinic days, events, promotions) | sales: marketing, dropped rather than kept over a cap |
/// | `repair-aftersales`, `purchase-aftersales` | care |
/// | `new-assignment` (a new customer-service specialist introduces themselves: care, not selling, so it joins the patient's other call of the day) | care |
/// | `repair-aftersales/request-resolution`, `purchase-aftersales/request-resolution` | aftercare |
/// | `greetings`, `quarterly-touch` | greeting |
/// | `greetings/birthday-greeting`, `greetings/spring-festival` | care: the two greetings a patient notices when they are missing, kept over a cap rather than dropped |
///
/// Default role order: onsite consultant (who treated the patient and owns the key
/// callbacks), doctor, nurse, doctor's assistant (medical course calls), customer service (routine
/// callbacks), then the pre-sales consultants (consultant, phone, online) and the
/// supervisor. Roles not listed come after, in [`Role::ALL`] order.
///
/// ```
/// use followup::replan::{PriorityClass, PriorityPolicy};
/// let p = PriorityPolicy::default();
/// assert_eq!(p.class_of("plastic-aftercare", "day-1-call"), PriorityClass::Aftercare);
/// assert_eq!(p.class_of("plastic-aftercare", "month-3-call"), PriorityClass::Care);
/// assert_eq!(p.class_of("plastic-aftercare", "suture-removal-reminder"), PriorityClass::Reminder);
/// assert_eq!(p.class_of("clinic-dental", "day-1"), PriorityClass::Care); // not listed
/// assert_eq!(p.class_of("notice", "expert-day-2026-04"), PriorityClass::Sales);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PriorityPolicy {
    /// Class by program, step or step-prefix pattern.
    pub classes: BTreeMap<String, PriorityClass>,
    /// The class of a task no key matches.
    pub default_class: PriorityClass,
    /// Roles from the most to the least important.
    pub roles: Vec<Role>,
}

const DEFAULT_CLASSES: [(&str, PriorityClass); 37] = [
    ("complaint", PriorityClass::Complaint),
    ("first-visit", PriorityClass::Care),
    ("greetings", PriorityClass::Greeting),
    ("greetings/birthday-greeting", PriorityClass::Care),
    ("greetings/spring-festival", PriorityClass::Care),
    ("laser-aftercare", PriorityClass::Aftercare),
    ("laser-aftercare/further-needs-call", PriorityClass::Sales),
    ("laser-aftercare/month-*", PriorityClass::Care),
    ("laser-aftercare/review-reminder", PriorityClass::Reminder),
    ("laser-aftercare/review-thanks-sms", PriorityClass::Care),
    (
        "laser-aftercare/month-3-further-needs",
        PriorityClass::Sales,
    ),
    ("lead-ownership", PriorityClass::Sales),
    ("new-assignment", PriorityClass::Care),
    ("notice", PriorityClass::Sales),
    ("plan-611", PriorityClass::Sales),
    ("plastic-aftercare", PriorityClass::Aftercare),
    (
        "plastic-aftercare/dressing-change-reminder",
        PriorityClass::Reminder,
    ),
    ("plastic-aftercare/further-needs-call", PriorityClass::Sales),
    ("plastic-aftercare/month-*", PriorityClass::Care),
    ("plastic-aftercare/review-reminder", PriorityClass::Reminder),
    ("plastic-aftercare/review-thanks-sms", PriorityClass::Care),
    (
        "plastic-aftercare/suture-removal-reminder",
        PriorityClass::Reminder,
    ),
    ("presales", PriorityClass::Sales),
    ("purchase-aftersales", PriorityClass::Care),
    (
        "purchase-aftersales/request-resolution",
        PriorityClass::Aftercare,
    ),
    ("quarterly-touch", PriorityClass::Greeting),
    ("session-aftercare", PriorityClass::Care),
    ("session-aftercare/care-call", PriorityClass::Aftercare),
    (
        "session-aftercare/reassurance-sms",
        PriorityClass::Aftercare,
    ),
    ("session-aftercare/review-reminder", PriorityClass::Reminder),
    ("repair-aftersales", PriorityClass::Care),
    (
        "repair-aftersales/request-resolution",
        PriorityClass::Aftercare,
    ),
    ("treatment-course", PriorityClass::Care),
    (
        "treatment-course/course-planning-call",
        PriorityClass::Sales,
    ),
    ("treatment-course/session-*", PriorityClass::Aftercare),
    ("treatment-course/review-reminder", PriorityClass::Reminder),
    ("treatment-course/session-reminder", PriorityClass::Reminder),
];

impl Default for PriorityPolicy {
    fn default() -> Self {
        PriorityPolicy {
            classes: DEFAULT_CLASSES
                .iter()
                .map(|(k, c)| (k.to_string(), *c))
                .collect(),
            default_class: PriorityClass::Care,
            roles: vec![
                Role::OnsiteConsultant,
                Role::Doctor,
                Role::Nurse,
                Role::DoctorAssistant,
                Role::CustomerService,
                Role::Consultant,
                Role::PhoneConsultant,
                Role::OnlineConsultant,
                Role::Supervisor,
            ],
        }
    }
}

impl PriorityPolicy {
    /// The class of `task`: the one its rule gives (a step's or its program's `class`),
    /// else [`PriorityPolicy::class_of`] its program and step.
    pub fn class_of_task(&self, task: &crate::plan::Task) -> PriorityClass {
        (task.info().class).unwrap_or_else(|| self.class_of(task.program(), task.step()))
    }

    /// The class of a step: the most specific key of `classes` matching it, else
    /// `default_class`.
    pub fn class_of(&self, program: &str, step: &str) -> PriorityClass {
        let full = format!("{program}/{step}");
        let mut best: Option<((usize, bool), PriorityClass)> = None;
        for (key, class) in &self.classes {
            let score = match key.strip_suffix('*') {
                Some(prefix) => full.starts_with(prefix).then_some((prefix.len(), false)),
                None => (*key == full || key == program).then_some((key.len(), true)),
            };
            if let Some(score) = score
                && best.is_none_or(|(b, _)| score > b)
            {
                best = Some((score, *class));
            }
        }
        best.map_or(self.default_class, |(_, class)| class)
    }

    /// The rank of a role (0 first): its place in `roles`, then unlisted roles in
    /// [`Role::ALL`] order.
    pub(crate) fn role_rank(&self, role: Role) -> usize {
        match self.roles.iter().position(|r| *r == role) {
            Some(i) => i,
            None => {
                let rest = Role::ALL.iter().position(|r| *r == role);
                self.roles
                    .len()
                    .saturating_add(rest.unwrap_or(Role::ALL.len()))
            }
        }
    }
}
