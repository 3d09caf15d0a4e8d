#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| why401_fuzz::read_jsonl(data));
