//! Which rules and which library made a plan: for audits ("why was this patient called
//! on day 3?") and to tell plans made before and after a rule change apart.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The version of this library, as every plan records it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What made a plan: the library's version and a fingerprint of the rules.
///
/// The fingerprint is FNV-1a (64 bits) over the rule set's limits and each program's
/// definition as in effect (overrides applied), in the order the programs were added,
/// each program's steps taken in the order of their ids; written `fnv1a64:` and 16 hex
/// digits. What changes no plan does not count: the layout and whitespace of the files,
/// the order of keys, the order a program lists its steps in, the `$schema` key, and the
/// names of the sources (the same file read from another path, or as a built-in, stamps
/// the same). Any change to a rule, a limit or the order of the programs does, and so
/// does how a value is written: `P1W` and `P7D`, or a default written out (`"offset":
/// "P0D"`), are other definitions, though they plan the same (a field given `null` is
/// one left out). The same
/// rules give the same fingerprint on every machine, and a rule set read back from its
/// JSON keeps it. (An identifier of versions, not a security hash.)
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
            // Steps in the order of their ids (a file's order of steps changes nothing,
            // audit 161), the source's name left out (a path is not a rule, audit 165).
            let text = if d.program.steps.is_sorted_by(|a, b| a.id <= b.id) {
                serde_json::to_vec(&d.program)
            } else {
                let mut program = d.program.clone();
                program.steps.sort_by(|a, b| a.id.cmp(&b.id));
                serde_json::to_vec(&program)
            }
            .unwrap_or_default();
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
