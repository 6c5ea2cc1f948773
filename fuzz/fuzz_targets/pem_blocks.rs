//! The PEM scanner: any bytes give blocks or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = octavia_pki::pem::parse_blocks(data);
});
