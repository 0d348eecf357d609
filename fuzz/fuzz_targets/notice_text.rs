//! A notice text, read with the built-in vocabulary, written back, then planned for three patients on the default and 2026 calendars. See `followup_fuzz::check_notice_text`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| followup_fuzz::on_utf8(
    data,
    followup_fuzz::check_notice_text
));
