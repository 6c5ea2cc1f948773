//! Every key decoder, both encrypted forms included, and the bundle reader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use octavia_pki::ClientBundle;
use octavia_pki::{EncodedKey, Passphrase};

/// testdata/PASSPHRASE, so the seeds' encrypted keys really decrypt.
const PASSPHRASE: &str = "fixture-passphrase-not-a-secret";

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = EncodedKey::from_file_bytes(data) {
        let _ = key.decrypt(None);
        let _ = key.decrypt(Some(&Passphrase::new(PASSPHRASE.to_owned())));
    }
    let _ = ClientBundle::from_file_bytes(data);
});
