//! Writing strings as serde_json writes them: the same escapes, byte for byte, eight
//! bytes at a time where nothing needs escaping.

/// True for a byte serde_json escapes.
#[inline]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// True if any of the 8 bytes of `w` needs escaping.
#[inline]
fn word_needs_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let below_space = w.wrapping_sub(ONES.wrapping_mul(0x20)) & !w & HIGHS;
    below_space != 0
        || has_zero(w ^ (ONES * u64::from(b'"'))) != 0
        || has_zero(w ^ (ONES * u64::from(b'\\'))) != 0
}

/// `s` escaped as serde_json escapes it, without the quotes: borrowed when nothing in it
/// needs escaping.
pub(crate) fn escaped_cow(s: &str) -> std::borrow::Cow<'_, str> {
    if first_escape(s.as_bytes(), 0).is_none() {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    escaped(&mut out, s);
    std::borrow::Cow::Owned(out)
}

/// `s` escaped as serde_json escapes it, without the quotes.
pub(crate) fn escaped(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    while let Some(i) = first_escape(bytes, start) {
        out.push_str(s.get(start..i).unwrap_or_default());
        match bytes.get(i).copied().unwrap_or(0) {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
}

/// Where the first byte from `from` on that needs escaping is: eight bytes at a time,
/// then byte by byte in the word that has it and in the last few bytes.
fn first_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        if word_needs_escape(u64::from_le_bytes(w)) {
            break;
        }
        i += 8;
    }
    (i..bytes.len()).find(|&k| bytes.get(k).copied().is_some_and(needs_escape))
}

pub(crate) fn string(out: &mut String, s: &str) {
    out.push('"');
    escaped(out, s);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut all = String::new();
        for c in (0u8..128).map(char::from) {
            all.push(c);
        }
        for s in [
            all.as_str(),
            "",
            "术后第一天回访 \"quoted\" back\\slash\n",
            "12345678\u{1}abcdefgh\u{7f}€😀",
            "aaaaaaa\"",
            "aaaaaaaa\\bbbbbbbb",
        ] {
            let mut out = String::new();
            string(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap(), "{s:?}");
            assert_eq!(format!("\"{}\"", escaped_cow(s)), out, "{s:?}");
        }
    }
}
