//! Certificate files (PEM or DER) and what the checker asks of a certificate.
#![no_main]

use libfuzzer_sys::fuzz_target;
use octavia_pki::Certificate;

fuzz_target!(|data: &[u8]| {
    let Ok(certs) = Certificate::all_from_file_bytes(data) else {
        return;
    };
    for cert in &certs {
        let _ = (cert.subject(), cert.issuer(), cert.is_ca());
        let _ = (cert.not_after_rfc3339(), cert.sha256_fingerprint());
        for issuer in &certs {
            let _ = cert.is_signed_by(issuer);
        }
    }
});
