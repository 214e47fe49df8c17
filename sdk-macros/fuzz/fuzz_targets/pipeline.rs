//! Fuzz target: any bytes as an OpenAPI document, through load, model and expand.
//!
//! The macro must reject or accept every input without panicking, in bounded time, and
//! whatever it accepts must generate tokens that parse as Rust.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = sdk_macros_fuzz::run_bytes(data);
});
