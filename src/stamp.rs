//! Which rules and which library made a plan: for audits ("why was this patient called
//! on day 3?") and to tell plans made before and after a rule change apart.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The version of this library, as every plan records it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What made a plan: the library's version and a fingerprint of the rules.
///
/// The fingerprint is FNV-1a (64 bits) over the rule set as it serialises (its limits,
/// and each program's definition with the name of its source, in order: the JSON of
/// [`crate::rules::RuleSet`]), written `fnv1a64:` and 16 hex digits. Layout and whitespace of
/// the files do not count; any change to a rule, a limit, a source name or the order of
/// the programs does. The same rules give the same fingerprint on every machine, and a
/// rule set read back from its JSON keeps it. (An identifier of versions, not a security
/// hash.)
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Stamp {
    /// The library's version (`0.2.0`).
    pub version: Arc<str>,
    /// The fingerprint of the rule sources and the limits they were compiled under
    /// (`fnv1a64:…`).
    pub rules: Arc<str>,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a over `bytes`, continuing from `hash`.
fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

impl Stamp {
    /// The stamp of a rule set with these definitions and limits.
    pub(crate) fn of(
        defs: &[crate::rules::SourcedProgram],
        limits: &crate::rules::Limits,
    ) -> Stamp {
        // Serialising these plain structs cannot fail; an empty text would only make a
        // weaker fingerprint, never a panic.
        let limits = serde_json::to_vec(limits).unwrap_or_default();
        let mut hash = fnv1a(FNV_OFFSET, &limits);
        for d in defs {
            let text = serde_json::to_vec(d).unwrap_or_default();
            // Lengths first: no two lists of texts hash the same bytes.
            hash = fnv1a(hash, &(text.len() as u64).to_le_bytes());
            hash = fnv1a(hash, &text);
        }
        Stamp {
            version: VERSION.into(),
            rules: format!("fnv1a64:{hash:016x}").into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        // From the FNV reference (draft-eastlake-fnv): "", "a", "foobar".
        assert_eq!(fnv1a(FNV_OFFSET, b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(FNV_OFFSET, b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(FNV_OFFSET, b"foobar"), 0x8594_4171_f739_67e8);
    }
}
