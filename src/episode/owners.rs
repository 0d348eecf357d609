//! Who owns an episode's roles: the person behind "the consultant" or "customer service"
//! for this patient, and the dated reassignments that hand the work to someone else.

use super::date_time;
use crate::model::Role;
use chrono::NaiveDateTime;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The person who owns a role of an episode: a staff id, and the name to address them
/// by in scripts (`{owner}`).
///
/// Written as the id alone (`"u-17"`) or as an object (`{"id": "u-17", "name": "李顾问"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Owner {
    /// The staff id, as the host knows it.
    pub id: Arc<str>,
    /// How scripts name them; when absent (or blank) scripts say the fallback words of
    /// `{owner}` (您的顾问), never the id, and staff lists show the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Owner {
    /// An owner known by id alone.
    pub fn new(id: &str) -> Owner {
        Owner {
            id: id.into(),
            name: None,
        }
    }

    /// The name staff lists show: `name`, else the id. (Scripts say `name`, else the
    /// fallback words of `{owner}`, "您的顾问": never a staff id to the patient.)
    pub fn display(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

impl<'de> Deserialize<'de> for Owner {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            id: String,
            #[serde(default)]
            name: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Id(String),
            Full(Full),
        }
        let (id, name) = match Repr::deserialize(d).map_err(|_| {
            de::Error::custom(
                "expected a staff id such as \"u-17\", or an object such as {\"id\": \"u-17\", \"name\": \"李顾问\"}",
            )
        })? {
            Repr::Id(id) => (id, None),
            Repr::Full(f) => (f.id, f.name),
        };
        Ok(Owner {
            id: id.into(),
            name,
        })
    }
}

/// A role of the episode handed to another person from a moment on: the tasks of that
/// role still open then go to them (`{"role": "customer_service", "to": "u-22", "at":
/// "2026-04-01T09:00"}`). A reassignment also counts as an `assigned` fact for anchors
/// (`"from": "latest:contacted,assigned"`: lead ownership counts its 3 months from it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Reassignment {
    /// The role handed over.
    pub role: Role,
    /// The new owner.
    pub to: Owner,
    /// From when, in clinic wall-clock time.
    #[serde(with = "date_time")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::DateTime")
    )]
    pub at: NaiveDateTime,
}

impl crate::json::Expected for Reassignment {
    const EXPECTED: &'static str = "a reassignment (a JSON object such as {\"role\": \"customer_service\", \"to\": \"u-22\", \"at\": \"2026-04-01T09:00\"})";
}

impl super::Episode {
    /// The one kind of consultant the episode names (`online_consultant`,
    /// `phone_consultant` or `onsite_consultant`, in `owners` or `reassignments`), if it
    /// names one kind alone: who owns `consultant` ("whichever consultant handled the
    /// lead") where nobody is named `consultant` (audit 87: an online lead's tasks had no
    /// owner; audit 92: nor had those before a reassignment to `consultant`).
    fn one_kind_of_consultant(&self) -> Option<Role> {
        let names = |r: Role| {
            self.owners.contains_key(&r) || self.reassignments.iter().any(|x| x.role == r)
        };
        let mut kinds = [
            Role::OnlineConsultant,
            Role::PhoneConsultant,
            Role::OnsiteConsultant,
        ]
        .into_iter()
        .filter(|r| names(*r));
        match (kinds.next(), kinds.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    }

    /// `of(role)`, else for `consultant` `of` the one kind of consultant named.
    fn or_one_kind<'a>(
        &'a self,
        role: Role,
        of: impl Fn(Role) -> Option<&'a Owner>,
    ) -> Option<&'a Owner> {
        of(role).or_else(|| {
            (role == Role::Consultant)
                .then(|| self.one_kind_of_consultant())
                .flatten()
                .and_then(&of)
        })
    }

    /// Who owns `role` at `at`: the last reassignment of the role at or before `at`, else
    /// the episode's `owners`. `consultant`, when nobody holds it then, is the one kind
    /// of consultant the episode names.
    pub fn owner_at(&self, role: Role, at: NaiveDateTime) -> Option<&Owner> {
        let of = |role: Role| {
            (self.reassignments.iter())
                .filter(|r| r.role == role && r.at <= at)
                .max_by(|a, b| (a.at, &a.to.id).cmp(&(b.at, &b.to.id)))
                .map(|r| &r.to)
                .or_else(|| self.owners.get(&role))
        };
        self.or_one_kind(role, of)
    }

    /// Who owns `role` now: the last reassignment of the role, else the episode's
    /// `owners` (`consultant` as [`Self::owner_at`] says). Open tasks belong to them.
    pub fn owner(&self, role: Role) -> Option<&Owner> {
        let of = |role: Role| {
            (self.reassignments.iter())
                .filter(|r| r.role == role)
                .max_by(|a, b| (a.at, &a.to.id).cmp(&(b.at, &b.to.id)))
                .map(|r| &r.to)
                .or_else(|| self.owners.get(&role))
        };
        self.or_one_kind(role, of)
    }
}
