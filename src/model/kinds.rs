//! Channels and roles: how the clinic contacts a patient, and who does it.

use crate::text::Lang;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How the clinic contacts the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Channel {
    /// Phone call (电话回访).
    Phone,
    /// Text message (短信).
    Sms,
    /// In person at the clinic or ward (到院接待 / 探访).
    InPerson,
    /// WeChat message.
    Wechat,
    /// Mail (郵寄).
    Mail,
    /// Home visit (登門拜訪).
    HomeVisit,
    /// Internal work with no contact (a supervisor reassigning a lead).
    Internal,
}

/// Who does the task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Role {
    /// 客服: routine callbacks, messages, greetings, complaints.
    CustomerService,
    /// 现场咨询师: the consultant who sold the treatment.
    OnsiteConsultant,
    /// 网络咨询师: leads from web chat.
    OnlineConsultant,
    /// 电话咨询师: leads from the phone.
    PhoneConsultant,
    /// 医助: per-session callbacks in courses.
    DoctorAssistant,
    /// 客服主管: checks and reassigns.
    Supervisor,
    /// The consultant who handled the lead, whichever kind (online, phone or onsite).
    Consultant,
    /// 医生: the doctor who treated the patient (reviews, abnormal recovery).
    Doctor,
    /// 护士: the nurse of the centre (appointment reminders, dressing changes).
    Nurse,
}

impl Channel {
    /// Every channel, in documentation order.
    pub const ALL: [Channel; 7] = [
        Channel::Phone,
        Channel::Sms,
        Channel::InPerson,
        Channel::Wechat,
        Channel::Mail,
        Channel::HomeVisit,
        Channel::Internal,
    ];

    /// The name as written in JSON (`phone`, `in_person`…).
    pub fn name(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Sms => "sms",
            Channel::InPerson => "in_person",
            Channel::Wechat => "wechat",
            Channel::Mail => "mail",
            Channel::HomeVisit => "home_visit",
            Channel::Internal => "internal",
        }
    }

    /// True for the channels that carry a message rather than a conversation or a visit:
    /// `sms`, `wechat` and `mail`. A clear refusal lets messages go on for a while
    /// (docs/domain.md §8), and an SMS opt-out stops all of them
    /// ([`Channel::opted_out_by`]).
    ///
    /// ```
    /// use followup::rules::Channel;
    /// assert!(Channel::Wechat.is_message());
    /// assert!(!Channel::Phone.is_message());
    /// ```
    pub fn is_message(self) -> bool {
        matches!(self, Channel::Sms | Channel::Wechat | Channel::Mail)
    }

    /// True if an opt-out of `opted` stops a task on this channel: an opt-out stops its
    /// own channel, and an SMS opt-out stops every message — SMS, WeChat and mail
    /// (docs/domain.md §8: "An sms opt-out stops every message"). An opt-out of WeChat
    /// or mail stops that channel only; one of the phone stops calls.
    ///
    /// ```
    /// use followup::rules::Channel;
    /// assert!(Channel::Wechat.opted_out_by(Channel::Sms));
    /// assert!(Channel::Mail.opted_out_by(Channel::Sms));
    /// assert!(!Channel::Sms.opted_out_by(Channel::Wechat));
    /// assert!(!Channel::Phone.opted_out_by(Channel::Sms));
    /// ```
    pub fn opted_out_by(self, opted: Channel) -> bool {
        self == opted || (opted == Channel::Sms && self.is_message())
    }

    /// A short display label in `lang`, for staff (`电话` / `phone`); the JSON id is
    /// [`Channel::name`] (and `Display`).
    ///
    /// ```
    /// use followup::rules::{Channel, Lang};
    /// assert_eq!(Channel::Sms.label(Lang::Zh), "短信");
    /// assert_eq!(Channel::InPerson.label(Lang::En), "in person");
    /// ```
    pub fn label(self, lang: Lang) -> &'static str {
        lang.pick(match self {
            Channel::Phone => ("电话", "phone"),
            Channel::Sms => ("短信", "SMS"),
            Channel::InPerson => ("当面", "in person"),
            Channel::Wechat => ("微信", "WeChat"),
            Channel::Mail => ("邮寄", "mail"),
            Channel::HomeVisit => ("上门", "home visit"),
            Channel::Internal => ("内部", "internal"),
        })
    }
}

impl Role {
    /// Every role, in documentation order.
    pub const ALL: [Role; 9] = [
        Role::CustomerService,
        Role::OnsiteConsultant,
        Role::OnlineConsultant,
        Role::PhoneConsultant,
        Role::DoctorAssistant,
        Role::Supervisor,
        Role::Consultant,
        Role::Doctor,
        Role::Nurse,
    ];

    /// The name as written in JSON (`customer_service`, `onsite_consultant`…).
    pub fn name(self) -> &'static str {
        match self {
            Role::CustomerService => "customer_service",
            Role::OnsiteConsultant => "onsite_consultant",
            Role::OnlineConsultant => "online_consultant",
            Role::PhoneConsultant => "phone_consultant",
            Role::DoctorAssistant => "doctor_assistant",
            Role::Supervisor => "supervisor",
            Role::Consultant => "consultant",
            Role::Doctor => "doctor",
            Role::Nurse => "nurse",
        }
    }

    /// A short display label in `lang`, for staff (`客服` / `customer service`); the
    /// JSON id is [`Role::name`] (and `Display`).
    ///
    /// ```
    /// use followup::rules::{Lang, Role};
    /// assert_eq!(Role::DoctorAssistant.label(Lang::Zh), "医助");
    /// assert_eq!(Role::Supervisor.label(Lang::En), "supervisor");
    /// ```
    pub fn label(self, lang: Lang) -> &'static str {
        lang.pick(match self {
            Role::CustomerService => ("客服", "customer service"),
            Role::OnsiteConsultant => ("现场咨询", "onsite consultant"),
            Role::OnlineConsultant => ("网络咨询", "online consultant"),
            Role::PhoneConsultant => ("电话咨询", "phone consultant"),
            Role::DoctorAssistant => ("医助", "doctor's assistant"),
            Role::Supervisor => ("客服主管", "supervisor"),
            Role::Consultant => ("咨询师", "consultant"),
            Role::Doctor => ("医生", "doctor"),
            Role::Nurse => ("护士", "nurse"),
        })
    }
}

/// Displays the stable JSON id (`phone`, `in_person`…), the same as [`Channel::name`]:
/// for logs and machine output. Staff see [`Channel::label`].
///
/// ```
/// use followup::rules::Channel;
/// assert_eq!(Channel::HomeVisit.to_string(), "home_visit");
/// assert_eq!(format!("{}", Channel::Phone), "phone");
/// ```
impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Displays the stable JSON id (`customer_service`, `doctor`…), the same as
/// [`Role::name`]: for logs and machine output. Staff see [`Role::label`].
///
/// ```
/// use followup::rules::Role;
/// assert_eq!(Role::OnsiteConsultant.to_string(), "onsite_consultant");
/// ```
impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
