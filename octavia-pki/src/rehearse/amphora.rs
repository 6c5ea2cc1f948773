//! An amphora certificate, issued exactly as Octavia's `LocalCertGenerator`
//! (octavia/certificates/generator/local.py) issues one.

use rcgen::{
    CertificateParams, CustomExtension, DistinguishedName, DnType, IsCa, Issuer, KeyIdMethod,
    KeyUsagePurpose, SanType, SerialNumber,
};
use time::OffsetDateTime;

use crate::cert::Certificate;
use crate::key::{KeyAlgorithm, PrivateKey};
use crate::key_id;

/// The amphora's key. It is not a secret: it only plays the amphora in an
/// in-memory rehearsal, and a fixed key keeps key generation off this path.
const AMPHORA_KEY: &str = include_str!("amphora-key.pem");

/// Octavia's `[certificates] cert_validity_time` default: 30 days.
const VALIDITY: time::Duration = time::Duration::days(30);

/// The amphora's key pair.
pub(crate) fn amphora_key() -> PrivateKey {
    PrivateKey::from_file_bytes(AMPHORA_KEY.as_bytes(), None)
        .expect("the embedded amphora key is valid")
}

/// Issues the certificate of amphora `id` with the server CA, as Octavia does:
/// issuer = the subject of the first certificate of the CA file; subject CN
/// and SAN DNS = the id; CA:FALSE, keyUsage and EKU (serverAuth, clientAuth)
/// critical; signed with the signing digest. With `authority_key_id` (how
/// the release derives it: [`crate::release::AmphoraKeyIds`]), a subject key
/// identifier (SHA-1 of the key) and that authority key identifier; without
/// it, neither, as releases before 16.1.0 wrote. Fails with Octavia's
/// message where Octavia fails.
pub(crate) fn issue(
    ca: &Certificate,
    ca_key: &PrivateKey,
    amphora: &PrivateKey,
    id: &str,
    authority_key_id: Option<&[u8]>,
    now: OffsetDateTime,
) -> Result<Certificate, String> {
    if ca_key.algorithm() == KeyAlgorithm::Ed25519 {
        return Err("Could not sign the certificate request: Algorithm must be None when signing via ed25519 or ed448".into());
    }
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, id);
    params.distinguished_name = dn;
    params.subject_alt_names = vec![SanType::DnsName(
        id.try_into().map_err(|e| format!("amphora id: {e}"))?,
    )];
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::DataEncipherment,
        KeyUsagePurpose::KeyAgreement,
    ];
    // rcgen writes EKU non-critical; Octavia marks it critical.
    let mut eku =
        CustomExtension::from_oid_content(&[2, 5, 29, 37], EKU_SERVER_AND_CLIENT_AUTH.to_vec());
    eku.set_criticality(true);
    params.custom_extensions = vec![eku];
    match authority_key_id {
        Some(aki) => {
            // rcgen writes the subject key identifier with basicConstraints.
            params.is_ca = IsCa::ExplicitNoCa;
            params.key_identifier_method =
                KeyIdMethod::PreSpecified(key_id::method1(amphora.public_key_raw()));
            params
                .custom_extensions
                .push(key_id::authority_extension(aki));
        }
        None => {
            // Without a subject key identifier: basicConstraints by hand.
            params.is_ca = IsCa::NoCa;
            let mut no_ca = CustomExtension::from_oid_content(&[2, 5, 29, 19], vec![0x30, 0x00]);
            no_ca.set_criticality(true);
            params.custom_extensions.push(no_ca);
        }
    }
    params.not_before = now;
    params.not_after = now + VALIDITY;
    let serial: [u8; 16] = crate::random::bytes();
    params.serial_number = Some(SerialNumber::from_slice(
        &[&[0u8][..], &serial[..]].concat(),
    ));

    let signer = ca_key
        .signing_key()
        .map_err(|e| format!("Could not sign the certificate request: {e}"))?;
    let ca_der = rustls_pki_types::CertificateDer::from(ca.der());
    let issuer = Issuer::from_ca_cert_der(&ca_der, &signer.0)
        .map_err(|e| format!("Could not sign the certificate request: the CA certificate: {e}"))?;
    let subject = amphora.signing_key().map_err(|e| e.to_string())?;
    let cert = params
        .signed_by(&subject.0, &issuer)
        .map_err(|e| format!("Could not sign the certificate request: {e}"))?;
    Certificate::from_der(cert.der().to_vec(), 1).map_err(|e| e.to_string())
}

/// `SEQUENCE { id-kp-serverAuth, id-kp-clientAuth }`.
const EKU_SERVER_AND_CLIENT_AUTH: [u8; 22] = [
    0x30, 0x14, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01, 0x06, 0x08, 0x2b, 0x06,
    0x01, 0x05, 0x05, 0x07, 0x03, 0x02,
];
