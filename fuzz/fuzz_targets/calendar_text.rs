//! A calendar text, written back, merged with the official calendar of 2026 both ways round, then the sample episodes planned against it. See `followup_fuzz::check_calendar_text`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| followup_fuzz::on_utf8(
    data,
    followup_fuzz::check_calendar_text
));
