//! A word field (a channel, a role, an outcome…) given null, a number, `true`/`false`,
//! an array or `{}` instead of its word in double quotes. serde_json calls that a syntax error
//! ("expected value") although the text is valid JSON; the reader calls it what it is, a
//! value of the wrong type, and names the words the field takes. Only on the error path.

use serde::de::{DeserializeOwned, IgnoredAny};

/// For serde's "expected value" at byte `at` of `text` (valid JSON), when the value there
/// is a JSON scalar, an array or an empty object (serde stops at its `}`, looking for a
/// word as the key): the message saying what the field takes and what it found, and the
/// byte where the value starts.
pub(super) fn message<T: DeserializeOwned>(text: &str, at: usize) -> Option<(String, usize)> {
    let at = match text.as_bytes().get(at)? {
        b'}' => {
            let before = text.get(..at)?.trim_end();
            before.strip_suffix('{').map(str::len)?
        }
        _ => at,
    };
    let rest = text.get(at..)?;
    let found = match rest.as_bytes().first()? {
        b'{' => "an empty object".to_string(),
        b'n' => "null".to_string(),
        b't' | b'f' => format!("the value {}", scalar(rest)),
        b'[' => "an array".to_string(),
        b'-' | b'0'..=b'9' => format!("the number {}", scalar(rest)),
        _ => return None,
    };
    if serde_json::from_str::<IgnoredAny>(text).is_err() {
        return None;
    }
    // The end of the value: one value read from `at`.
    let mut values = serde_json::Deserializer::from_str(rest).into_iter::<IgnoredAny>();
    values.next()?.ok()?;
    let end = at.checked_add(values.byte_offset())?;
    // The same text with a word no field takes in the value's place: serde then names
    // the words the field takes.
    let probe = format!("{}\"\\u0000\"{}", text.get(..at)?, text.get(end..)?);
    let mut de = serde_json::Deserializer::from_str(&probe);
    let Err(e) = serde_path_to_error::deserialize::<_, T>(&mut de) else {
        return None;
    };
    let inner = e.inner().to_string();
    let known = inner.strip_prefix("unknown variant `\u{0}`, expected ")?;
    let known = known.rsplit_once(" at line ").map_or(known, |(k, _)| k);
    let words: Vec<&str> = (known.trim_start_matches("one of ").split(['`', ',']))
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "or")
        .collect();
    let expected = match words.as_slice() {
        [one] => format!("the string \"{one}\""),
        _ => format!("one of {} (a string)", words.join(", ")),
    };
    Some((format!("expected {expected}, found {found}"), at))
}

/// The literal at the start of `rest` (a number, `true`, `false`), at most 40 characters.
fn scalar(rest: &str) -> &str {
    let end = (rest.char_indices())
        .find(|&(i, c)| i >= 40 || !(c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.')))
        .map_or(rest.len(), |(i, _)| i);
    rest.get(..end).unwrap_or(rest)
}
