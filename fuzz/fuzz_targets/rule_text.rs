//! A rule text: compiled alone (and after the built-in programs when it overrides one), then the sample episodes planned with it. See `followup_fuzz::check_rule_text`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| followup_fuzz::on_utf8(
    data,
    followup_fuzz::check_rule_text
));
