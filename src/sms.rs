//! How many SMS segments a message takes: what a long message costs, and whether some
//! phones show it split.

/// The number of SMS segments `message` is sent in.
///
/// A message written only with the GSM 7-bit alphabet (GSM 03.38: Latin letters, digits,
/// common punctuation, a few accented letters and Greek capitals) fits 160 characters in
/// one segment and 153 per segment once split; the extension characters `^ { } \ [ ] ~ |
/// €` and form feed count twice. Any other character (Chinese, emoji, `ç`, curly quotes)
/// sends the whole message in UCS-2: 70 UTF-16 code units in one segment, 67 per segment
/// once split (an emoji outside the Basic Multilingual Plane counts two). Parts never
/// split an extension character or a surrogate pair, as phones send them. An empty
/// message is one segment.
///
/// ```
/// use followup::plan::sms_segments;
/// assert_eq!(sms_segments(&"a".repeat(160)), 1);
/// assert_eq!(sms_segments(&"a".repeat(161)), 2);
/// assert_eq!(sms_segments(&"术".repeat(70)), 1);
/// assert_eq!(sms_segments(&"术".repeat(71)), 2);
/// assert_eq!(sms_segments(&"€".repeat(81)), 2); // 162 septets
/// ```
pub fn sms_segments(message: &str) -> usize {
    let bytes = message.as_bytes();
    if message.is_ascii() {
        // One byte a character: the table says its septets, 0 if it is not GSM.
        let (mut septets, mut doubles) = (0usize, 0usize);
        let mut gsm = true;
        for b in bytes {
            match ASCII.get(usize::from(*b)).copied().unwrap_or(0) {
                0 => {
                    gsm = false;
                    break;
                }
                n => {
                    septets = septets.saturating_add(usize::from(n));
                    doubles = doubles.saturating_add(usize::from(n == 2));
                }
            }
        }
        if gsm {
            // Without extension characters, nothing constrains the cuts.
            return match septets {
                0..=160 => 1,
                _ if doubles == 0 => septets.div_ceil(153),
                _ => pack(message.chars().filter_map(gsm7_septets), 160, 153),
            };
        }
        // Not GSM: UCS-2, one unit a character.
        return match bytes.len() {
            0..=70 => 1,
            n => n.div_ceil(67),
        };
    }
    if message.chars().all(|c| gsm7_septets(c).is_some()) {
        return pack(message.chars().filter_map(gsm7_septets), 160, 153);
    }
    // UTF-16 units: a character starts on each byte that does not continue one, and
    // those of 4 bytes (from 0xF0) take two.
    let starts: usize = bytes.iter().map(|b| usize::from((*b & 0xC0) != 0x80)).sum();
    let pairs: usize = bytes.iter().map(|b| usize::from(*b >= 0xF0)).sum();
    match starts.saturating_add(pairs) {
        0..=70 => 1,
        // Without surrogate pairs, nothing constrains the cuts.
        units if pairs == 0 => units.div_ceil(67),
        _ => pack(message.chars().map(char::len_utf16), 70, 67),
    }
}

/// Segments for characters of the given sizes: one if they all fit in `single`, else
/// parts of at most `per_part`, a character never split between two.
fn pack(sizes: impl Iterator<Item = usize> + Clone, single: usize, per_part: usize) -> usize {
    if sizes.clone().fold(0usize, usize::saturating_add) <= single {
        return 1;
    }
    let (mut parts, mut used) = (1usize, 0usize);
    for size in sizes {
        if used.saturating_add(size) > per_part {
            parts = parts.saturating_add(1);
            used = size;
        } else {
            used = used.saturating_add(size);
        }
    }
    parts
}

/// What says whether a message takes more than one SMS segment, for a message written in
/// pieces (a template's literal pieces and the values put in its placeholders): the sizes
/// of the pieces add up. A message is one segment when it is all GSM 7-bit and at most
/// 160 septets, or otherwise at most 70 UTF-16 units — the rule [`sms_segments`] follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SmsSize {
    /// Some character is outside the GSM 7-bit alphabet: the message goes in UCS-2.
    ucs2: bool,
    /// Septets, while every character is GSM.
    septets: usize,
    /// UTF-16 units.
    units: usize,
}

impl SmsSize {
    /// The size of `text`.
    pub(crate) fn of(text: &str) -> SmsSize {
        if text.is_ascii() {
            let mut septets = 0usize;
            for b in text.bytes() {
                match ASCII.get(usize::from(b)).copied().unwrap_or(0) {
                    0 => return SmsSize::ucs2(text.len()),
                    n => septets = septets.saturating_add(usize::from(n)),
                }
            }
            return SmsSize {
                ucs2: false,
                septets,
                units: text.len(),
            };
        }
        let (mut septets, mut units) = (0usize, 0usize);
        let mut gsm = true;
        for c in text.chars() {
            units = units.saturating_add(c.len_utf16());
            if gsm {
                match gsm7_septets(c) {
                    Some(n) => septets = septets.saturating_add(n),
                    None => gsm = false,
                }
            }
        }
        SmsSize {
            ucs2: !gsm,
            septets: if gsm { septets } else { 0 },
            units,
        }
    }

    /// The size of a text of ASCII digits, signs and dashes (a number, a date) `len`
    /// bytes long.
    pub(crate) fn digits(len: usize) -> SmsSize {
        SmsSize {
            ucs2: false,
            septets: len,
            units: len,
        }
    }

    fn ucs2(units: usize) -> SmsSize {
        SmsSize {
            ucs2: true,
            septets: 0,
            units,
        }
    }

    /// The size of the two pieces one after the other.
    pub(crate) fn plus(self, other: SmsSize) -> SmsSize {
        let ucs2 = self.ucs2 || other.ucs2;
        SmsSize {
            ucs2,
            septets: if ucs2 {
                0
            } else {
                self.septets.saturating_add(other.septets)
            },
            units: self.units.saturating_add(other.units),
        }
    }

    /// True when the message takes more than one segment.
    pub(crate) fn long(self) -> bool {
        if self.ucs2 {
            self.units > 70
        } else {
            self.septets > 160
        }
    }
}

/// The GSM 7-bit default alphabet.
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                     ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// Its extension table: two septets each.
const EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// Septets of each ASCII character (0: not in the alphabet), from the lists above.
const ASCII: [u8; 128] = {
    let mut t = [0u8; 128];
    let e = EXTENSION.as_bytes();
    let mut i = 0;
    while i < e.len() {
        if e[i] < 128 {
            t[e[i] as usize] = 2;
        }
        i += 1;
    }
    let b = BASIC.as_bytes();
    i = 0;
    while i < b.len() {
        if b[i] < 128 {
            t[b[i] as usize] = 1;
        }
        i += 1;
    }
    t
};

/// Septets of `c` in the GSM 7-bit default alphabet (2 for the extension table), `None`
/// if it is not in it.
fn gsm7_septets(c: char) -> Option<usize> {
    if c.is_ascii() {
        return match ASCII.get(c as usize) {
            Some(0) | None => None,
            Some(n) => Some(usize::from(*n)),
        };
    }
    // Past the Greek capitals, only the euro sign is in the lists (see the test).
    if c > 'Ω' {
        return (c == '€').then_some(2);
    }
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{sms_segments, SmsSize};

    /// Septets of `c` as the lists say, searched.
    fn listed(c: char) -> Option<usize> {
        if super::BASIC.contains(c) {
            Some(1)
        } else if super::EXTENSION.contains(c) {
            Some(2)
        } else {
            None
        }
    }

    /// The first, plain form: every character looked up in the lists.
    fn reference(message: &str) -> usize {
        if message.chars().all(|c| listed(c).is_some()) {
            super::pack(message.chars().filter_map(listed), 160, 153)
        } else {
            super::pack(message.chars().map(char::len_utf16), 70, 67)
        }
    }

    proptest::proptest! {
        #[test]
        fn the_fast_count_is_the_plain_one(parts in proptest::collection::vec(
            proptest::sample::select(vec!["a", "Z", " ", "9", "\n", "{", "€", "é", "`", "术", "😀", "ç", "\u{7f}"]),
            0..420,
        )) {
            let message: String = parts.concat();
            proptest::prop_assert_eq!(sms_segments(&message), reference(&message), "{:?}", message);
        }

        #[test]
        fn the_fast_count_is_the_plain_one_in_gsm(parts in proptest::collection::vec(
            proptest::sample::select(vec!["a", " ", "{", "€", "é", "\n", "ab", "^"]),
            0..200,
        ), tail in proptest::sample::select(vec!["", "术", "😀", "`"])) {
            let message: String = parts.concat() + tail;
            proptest::prop_assert_eq!(sms_segments(&message), reference(&message), "{:?}", message);
        }
    }

    proptest::proptest! {
        /// A message is long by its pieces' sizes exactly when it takes more than one
        /// segment, however it is cut.
        #[test]
        fn sizes_add_up_to_the_segments(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "a", "Z", " ", "9", "\n", "{", "€", "é", "`", "术", "😀", "ç", "\u{7f}",
                "您好，术后第一天", "Dear customer, ", "2026-03-05", "abcdefghij",
            ]),
            0..120,
        ), cuts in proptest::collection::vec(0usize..120, 0..6)) {
            let message: String = parts.concat();
            let one = SmsSize::of(&message);
            proptest::prop_assert_eq!(one.long(), sms_segments(&message) > 1, "{:?}", message);
            let mut at: Vec<usize> = cuts.into_iter().filter(|c| *c < parts.len()).collect();
            at.sort_unstable();
            at.dedup();
            let mut pieces = Vec::new();
            let mut start = 0;
            for c in at.into_iter().chain([parts.len()]) {
                pieces.push(parts[start..c].concat());
                start = c;
            }
            let sum = pieces.iter().fold(SmsSize::default(), |s, p| s.plus(SmsSize::of(p)));
            proptest::prop_assert_eq!(sum, one, "{:?}", pieces);
        }
    }

    #[test]
    fn digits_are_one_septet_each() {
        for text in ["0", "2026-03-05", "+10000-01-01", "4294967295"] {
            assert_eq!(SmsSize::digits(text.len()), SmsSize::of(text), "{text}");
        }
    }

    #[test]
    fn the_limits_of_one_segment() {
        assert!(!SmsSize::of(&"a".repeat(160)).long());
        assert!(SmsSize::of(&"a".repeat(161)).long());
        assert!(!SmsSize::of(&"{".repeat(80)).long());
        assert!(SmsSize::of(&"{".repeat(81)).long());
        assert!(!SmsSize::of(&"术".repeat(70)).long());
        assert!(SmsSize::of(&"术".repeat(71)).long());
        assert!(SmsSize::of(&format!("{}术", "a".repeat(70))).long());
        assert!(!SmsSize::of(&"😀".repeat(35)).long());
        assert!(SmsSize::of(&format!("{}a", "😀".repeat(35))).long());
    }

    /// Past the Greek capital omega, only the euro sign is GSM: every character of the
    /// Basic Multilingual Plane and some beyond, against the lists.
    #[test]
    fn the_fast_lookup_is_the_lists() {
        for c in (0u32..0x1_0000)
            .chain(0x1_F600..0x1_F650)
            .filter_map(char::from_u32)
        {
            assert_eq!(super::gsm7_septets(c), listed(c), "{c:?}");
        }
    }

    /// The table of ASCII characters says what the lists say.
    #[test]
    fn the_ascii_table_is_the_lists() {
        for c in (0u8..128).map(char::from) {
            assert_eq!(super::gsm7_septets(c), listed(c), "{c:?}");
        }
    }

    #[test]
    fn gsm7_is_160_alone_then_153_per_part() {
        assert_eq!(sms_segments(""), 1);
        assert_eq!(sms_segments(&"a".repeat(160)), 1);
        assert_eq!(sms_segments(&"a".repeat(161)), 2);
        assert_eq!(sms_segments(&"a".repeat(306)), 2);
        assert_eq!(sms_segments(&"a".repeat(307)), 3);
        assert_eq!(sms_segments(&"Ça va? 5€ @ 10:00.\n".repeat(8)), 1); // 160 septets
        assert_eq!(
            sms_segments(&format!("{}a", "Ça va? 5€ @ 10:00.\n".repeat(8))),
            2
        );
    }

    #[test]
    fn extension_characters_count_twice_and_are_not_split() {
        assert_eq!(sms_segments(&"€".repeat(80)), 1); // 160 septets
        assert_eq!(sms_segments(&format!("{}a", "€".repeat(80))), 2); // 161
        assert_eq!(sms_segments(&format!("{}{{", "a".repeat(158))), 1); // 160
        assert_eq!(sms_segments(&format!("{}{{", "a".repeat(159))), 2); // 161
                                                                        // 152 + 2 + 152 = 306 septets: two parts by count, three because the part
                                                                        // boundary would fall inside the euro sign.
        assert_eq!(
            sms_segments(&format!("{}€{}", "a".repeat(152), "a".repeat(152))),
            3
        );
        assert_eq!(
            sms_segments(&format!("{}€{}", "a".repeat(151), "a".repeat(152))),
            2
        );
    }

    #[test]
    fn any_other_character_makes_it_ucs2_70_alone_then_67_per_part() {
        assert_eq!(sms_segments(&"术".repeat(70)), 1);
        assert_eq!(sms_segments(&"术".repeat(71)), 2);
        assert_eq!(sms_segments(&"术".repeat(134)), 2);
        assert_eq!(sms_segments(&"术".repeat(135)), 3);
        // One Chinese character turns 160 Latin letters into UCS-2.
        assert_eq!(sms_segments(&format!("{}术", "a".repeat(69))), 1);
        assert_eq!(sms_segments(&format!("{}术", "a".repeat(70))), 2);
        // Backtick and ç are not GSM 7-bit.
        assert_eq!(sms_segments(&format!("{}`", "a".repeat(100))), 2);
        assert_eq!(sms_segments(&format!("{}ç", "a".repeat(69))), 1);
    }

    #[test]
    fn emoji_are_two_utf16_units_never_split() {
        assert_eq!(sms_segments(&"😀".repeat(35)), 1); // 70 units
        assert_eq!(sms_segments(&"😀".repeat(36)), 2);
        // 66 + 2 would pass 67: the emoji opens the second part.
        assert_eq!(
            sms_segments(&format!("{}😀{}", "术".repeat(66), "术".repeat(66))),
            3
        );
        assert_eq!(
            sms_segments(&format!("{}😀{}", "术".repeat(65), "术".repeat(66))),
            2
        );
    }
}
