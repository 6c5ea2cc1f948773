//! Key identifiers: the subjectKeyIdentifier a certificate names its key by,
//! and the authorityKeyIdentifier by which it names its issuer's.
//!
//! OpenSSL only accepts a certificate as the issuer of another when the
//! child's authority key identifier equals the candidate's subject key
//! identifier (`X509_check_akid`), so how a CA's identifier was derived
//! decides whether the certificates others issue with it verify. Every
//! certificate this crate makes uses RFC 5280's method 1 (section 4.2.1.2:
//! the SHA-1 of the subjectPublicKey bits), the method of OpenSSL's
//! `subjectKeyIdentifier=hash` and of cryptography's `from_public_key` and
//! `from_issuer_public_key`. Octavia 16.1.0 and 17.0.1 derive the amphora
//! certificate's authority key identifier with method 1 from the CA's key,
//! whatever the CA certificate says ([`crate::release`]); a CA with another
//! identifier (rcgen's default truncated SHA-256, say) breaks them.

use rcgen::CustomExtension;

/// RFC 5280 method 1: the SHA-1 of `subject_public_key`, the subjectPublicKey
/// BIT STRING's bits (as [`Certificate::public_key_raw`](crate::cert::Certificate::public_key_raw) and
/// [`PrivateKey::public_key_raw`](crate::key::PrivateKey::public_key_raw) give them).
pub fn method1(subject_public_key: &[u8]) -> Vec<u8> {
    aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
        subject_public_key,
    )
    .as_ref()
    .to_vec()
}

/// Bytes as OpenSSL prints key identifiers and fingerprints (`AB:CD:...`).
pub fn display(key_id: &[u8]) -> String {
    key_id
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The authorityKeyIdentifier extension holding only `key_id` (non-critical,
/// as OpenSSL and cryptography write it): `SEQUENCE { [0] key_id }`.
pub(crate) fn authority_extension(key_id: &[u8]) -> CustomExtension {
    let mut tagged = vec![0x80];
    push_der_length(&mut tagged, key_id.len());
    tagged.extend_from_slice(key_id);
    let mut sequence = vec![0x30];
    push_der_length(&mut sequence, tagged.len());
    sequence.extend_from_slice(&tagged);
    CustomExtension::from_oid_content(&[2, 5, 29, 35], sequence)
}

/// A DER length: short form below 128, else the long form.
fn push_der_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
        return;
    }
    let bytes = len.to_be_bytes();
    let first = bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(bytes.len() - 1);
    out.push(0x80 | (bytes.len() - first) as u8);
    out.extend_from_slice(&bytes[first..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authority_extension_is_the_der_openssl_writes() {
        let id = [0xab; 20];
        let ext = authority_extension(&id);
        let mut expected = vec![0x30, 0x16, 0x80, 0x14];
        expected.extend_from_slice(&id);
        assert_eq!(ext.content(), &expected[..]);
        assert!(!ext.criticality());
    }

    #[test]
    fn long_identifiers_get_the_long_length_form() {
        let id = vec![1u8; 200];
        let ext = authority_extension(&id);
        assert_eq!(&ext.content()[..6], &[0x30, 0x81, 0xcb, 0x80, 0x81, 0xc8]);
        assert_eq!(ext.content().len(), 3 + 3 + 200);
    }

    #[test]
    fn method1_is_sha1() {
        // SHA-1("abc"), FIPS 180-2 appendix A.1.
        assert_eq!(
            method1(b"abc"),
            [
                0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e, 0x25, 0x71, 0x78, 0x50,
                0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d
            ]
        );
    }
}
