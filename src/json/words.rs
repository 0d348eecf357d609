//! serde_json's messages in words a clinic admin reads without knowing Rust: "expected an
//! array, found an object" rather than "invalid type: map, expected a sequence", the
//! range of a number rather than its Rust type, the nearest known value for a misspelt
//! one.

/// The plain form of a serde or serde_json message (unchanged when it is already ours).
pub(crate) fn plain(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("invalid value: integer `")
        && let Some((n, expected)) = rest.split_once("`, expected ")
    {
        return format!("{n} is out of range: expected {}", expected_words(expected));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!(
            "expected {}, found {}",
            expected_words(expected),
            found_words(found)
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant `")
        && let Some((value, known)) = rest.split_once("`, expected ")
    {
        let known = listed(known);
        let hint = crate::vocabulary::nearest(value, &known)
            .map(|n| format!("; did you mean {n:?}?"))
            .unwrap_or_default();
        return format!(
            "unknown value {value:?}: expected one of {}{hint}",
            known.join(", ")
        );
    }
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((field, known)) = rest.split_once("`, expected ")
    {
        let known = listed(known);
        if let Some(near) = crate::vocabulary::nearest(field, &known) {
            return format!("{message}; did you mean {near:?}?");
        }
        return message.to_string();
    }
    if let Some(field) = message
        .strip_prefix("duplicate field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        return format!("{field:?} is given twice: expected each field once");
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        return format!("missing field {field:?}: expected it in this object");
    }
    let fixed = match message {
        "EOF while parsing a value" => "the text ends where a value should be: expected the rest of the JSON",
        "EOF while parsing an object" => "the text ends inside an object: expected its closing \"}\"",
        "EOF while parsing a list" => "the text ends inside an array: expected its closing \"]\"",
        "EOF while parsing a string" => "the text ends inside a string: expected its closing quote",
        "trailing comma" => "a comma before the closing bracket: expected another value after it, or no comma",
        "expected value" => "expected a JSON value: a string in double quotes, a number, an object, an array, true, false or null",
        "expected ident" => "a misspelt word: expected true, false or null (a string goes in double quotes)",
        "key must be a string" => "expected a key in double quotes",
        "expected `:`" => "expected \":\" after the key",
        "expected `,` or `}`" => "expected \",\" or \"}\" after the value",
        "expected `,` or `]`" => "expected \",\" or \"]\" after the value",
        "trailing characters" => "more text after the JSON value: expected the end of the text",
        "number out of range" => "a number too large to read (past 1e308, such as 1e400): expected a number of ordinary size",
        "unexpected end of hex escape" => "a \\u escape cut short, or a lone UTF-16 surrogate (\\ud800 to \\udbff with no \\udc00 to \\udfff after it): expected four hex digits, and a character beyond \\uffff as a surrogate pair or written as itself",
        // serde_json says so of a low surrogate alone and of a high one followed by an
        // escape that is no low one (audit 186: `\ud800\u0041` was called a lone low one).
        "lone leading surrogate in hex escape" => "a lone UTF-16 surrogate (\\ud800 to \\udbff not followed by \\udc00 to \\udfff, or \\udc00 to \\udfff with no \\ud800 to \\udbff before it): expected a surrogate pair, or the character written as itself",
        "invalid unicode code point" => "a \\u escape that is no character: expected the code of a Unicode character",
        "invalid escape" => "an invalid escape in a string: expected \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX",
        "control character (\\u0000-\\u001F) found while parsing a string" => {
            "a control character (a tab or a line break) inside a string: expected it written as \\t or \\n"
        }
        "invalid number" => "an invalid number: expected digits, with an optional sign, fraction and exponent",
        "recursion limit exceeded" => "the JSON nests too deep: expected at most a few levels of objects and arrays",
        _ => return message.to_string(),
    };
    fixed.to_string()
}

/// The names serde lists after "expected" (`` one of `a`, `b` `` or `` `a` or `b` ``).
fn listed(known: &str) -> Vec<&str> {
    known
        .trim_start_matches("one of ")
        .split(['`', ','])
        .map(|s| s.trim())
        .filter(|s| !s.is_empty() && *s != "or")
        .collect()
}

/// What serde expected, in words.
fn expected_words(expected: &str) -> String {
    let range = |lo: i128, hi: i128| format!("a whole number from {lo} to {hi}");
    match expected {
        "u8" => range(0, u8::MAX.into()),
        "u16" => range(0, u16::MAX.into()),
        "u32" => range(0, u32::MAX.into()),
        "u64" | "usize" => range(0, u64::MAX.into()),
        "i8" => range(i8::MIN.into(), i8::MAX.into()),
        "i16" => range(i16::MIN.into(), i16::MAX.into()),
        "i32" => range(i32::MIN.into(), i32::MAX.into()),
        "i64" | "isize" => range(i64::MIN.into(), i64::MAX.into()),
        "f32" | "f64" => "a number".into(),
        "a sequence" => "an array".into(),
        "a map" | "map" => "a JSON object".into(),
        "a boolean" => "true or false".into(),
        "a borrowed string" => "a string".into(),
        other => other
            .strip_prefix("struct ")
            .map_or_else(|| other.to_string(), |_| "a JSON object".to_string()),
    }
}

/// A string as serde quotes it (Rust's `\u{2028}`) with JSON's escapes (`\u2028`), as the
/// author wrote it in the file (audit 191).
fn json_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("\\u{") {
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        let body = &after[3..];
        let code = (body.find('}'))
            .and_then(|end| Some((u32::from_str_radix(body.get(..end)?, 16).ok()?, end)));
        match code {
            Some((c, end)) => {
                let mut units = [0u16; 2];
                match char::from_u32(c) {
                    Some(ch) => {
                        for u in ch.encode_utf16(&mut units) {
                            out.push_str(&format!("\\u{u:04x}"));
                        }
                    }
                    None => out.push_str(&format!("\\u{c:04x}")),
                }
                rest = &body[end + 1..];
            }
            None => {
                out.push_str("\\u{");
                rest = body;
            }
        }
    }
    out.push_str(rest);
    out
}

/// What serde found, in words.
fn found_words(found: &str) -> String {
    match found {
        "map" => "an object".into(),
        "sequence" => "an array".into(),
        "null" | "unit value" => "null".into(),
        _ => {
            let quoted = |prefix: &str, what: &str| {
                found
                    .strip_prefix(prefix)
                    .map(|rest| format!("{what} {}", rest.trim_matches('`')))
            };
            quoted("string ", "the string")
                .map(|s| json_escapes(&s))
                .or_else(|| quoted("integer ", "the number"))
                .or_else(|| quoted("floating point ", "the number"))
                .or_else(|| quoted("boolean ", "the value"))
                .unwrap_or_else(|| found.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    /// Serde's Rust escapes read as the JSON the author wrote: `\u2028`, and a pair of
    /// surrogates for a character past U+FFFF.
    #[test]
    fn found_strings_are_quoted_with_json_escapes() {
        assert_eq!(super::json_escapes(r#""a\u{2028}b""#), r#""a\u2028b""#);
        assert_eq!(super::json_escapes(r#""\u{1f600}""#), r#""\ud83d\ude00""#);
        assert_eq!(super::json_escapes(r#""\u{zz}\n""#), r#""\u{zz}\n""#);
    }

    use super::plain;

    #[test]
    fn serde_messages_in_plain_words() {
        assert_eq!(
            plain("invalid type: map, expected a sequence"),
            "expected an array, found an object"
        );
        assert_eq!(
            plain("invalid value: integer `-1`, expected u32"),
            "-1 is out of range: expected a whole number from 0 to 4294967295"
        );
        assert_eq!(
            plain("invalid type: string \"5\", expected u32"),
            "expected a whole number from 0 to 4294967295, found the string \"5\""
        );
        assert_eq!(
            plain("invalid type: floating point `1.5`, expected u8"),
            "expected a whole number from 0 to 255, found the number 1.5"
        );
        assert_eq!(
            plain("unknown variant `phon`, expected one of `phone`, `sms`, `in_person`"),
            "unknown value \"phon\": expected one of phone, sms, in_person; did you mean \"phone\"?"
        );
        assert_eq!(
            plain("unknown variant `x`, expected `drop` or `keep`"),
            "unknown value \"x\": expected one of drop, keep"
        );
        assert_eq!(
            plain("duplicate field `at`"),
            "\"at\" is given twice: expected each field once"
        );
        assert_eq!(plain("a message of ours"), "a message of ours");
    }
}
