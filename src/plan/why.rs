//! Why an episode got no plan: the programs loaded and what they apply to.

use super::Program;
use crate::episode::Episode;
use crate::ruleset::RuleSet;

impl RuleSet {
    /// `no program applies to event procedure, category injection; loaded: …`: the
    /// episode's event and the attributes the programs test, then each program of the
    /// scope with what it applies to.
    pub(super) fn why_no_program(&self, ep: &Episode, patient: bool) -> String {
        use std::fmt::Write;
        let programs = self.programs.iter().filter(|p| p.patient_scope == patient);
        let mut out = if patient {
            let tags = if ep.patient.tags.is_empty() {
                "no tags".to_string()
            } else {
                format!("tags {}", ep.patient.tags.join(", "))
            };
            format!(
                "no patient-level program applies to patient {} ({tags})",
                ep.patient.id
            )
        } else {
            let mut s = format!("no program applies to event {}", ep.event);
            // The attributes tested by the programs of this event (all, if none is).
            let of_event = |p: &&Program| {
                p.applies.0.iter().all(|(k, values)| {
                    *k != crate::compile::CondKey::Event || values.iter().any(|v| **v == *ep.event)
                })
            };
            let near: Vec<&Program> = programs.clone().filter(of_event).collect();
            let scope: Vec<&Program> = if near.is_empty() {
                programs.clone().collect()
            } else {
                near
            };
            let tested: std::collections::BTreeSet<&str> = scope
                .iter()
                .flat_map(|p| p.applies.0.iter())
                .filter_map(|(k, _)| match k {
                    crate::compile::CondKey::Attribute(name) => Some(&**name),
                    _ => None,
                })
                .collect();
            for name in tested {
                let _ = write!(s, ", {name} {}", ep.attribute(name).unwrap_or("(none)"));
            }
            s
        };
        let loaded: Vec<String> = programs
            .map(|p| {
                if p.applies.is_empty() {
                    format!(
                        "{} (every {})",
                        p.id,
                        if patient { "patient" } else { "episode" }
                    )
                } else {
                    format!("{} ({})", p.id, p.applies)
                }
            })
            .collect();
        if loaded.is_empty() {
            out.push_str("; loaded: none");
        } else {
            let _ = write!(out, "; loaded: {}", loaded.join("; "));
        }
        out
    }
}
