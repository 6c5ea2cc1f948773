//! OpenSSL's verification plugged into rustls, for every TLS connection the
//! crate makes: the rehearsal's in-memory handshake and the probe's real one.
//! rustls does the protocol and the handshake signatures (aws-lc-rs);
//! [`OpenSslVerifier`] decides, with [`verify`](super::verify()), whether the
//! peer's certificate holds, and remembers what the peer presented.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use time::OffsetDateTime;

use super::{Purpose, VerifyError, auto_chain, verify};
use crate::cert::Certificate;
use crate::key::PrivateKey;

/// The one crypto provider: aws-lc-rs.
pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// What a side sends: its certificate and the chain from its file, or, when
/// the file has none, the chain OpenSSL builds from its own verify store.
pub(crate) fn presented(
    leaf: &Certificate,
    chain: &[Certificate],
    store: &[Certificate],
) -> Vec<CertificateDer<'static>> {
    let auto;
    let chain = if chain.is_empty() {
        auto = auto_chain(leaf, store);
        &auto[..]
    } else {
        chain
    };
    std::iter::once(leaf)
        .chain(chain)
        .map(|c| CertificateDer::from(c.der().to_vec()))
        .collect()
}

/// The key as rustls takes it.
pub(crate) fn key_der(key: &PrivateKey) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.pkcs8_der().to_vec()))
}

/// The controller's client certificate, chain and key as rustls presents
/// them. rustls's `with_client_auth_cert` parses the certificate with webpki,
/// which refuses X.509 v1; OpenSSL sends a v1 client certificate like any
/// other (kolla's `openssl x509 -req` without extensions makes one), so the
/// key is given to rustls directly. That the key is the certificate's is the
/// checker's rule (`bundle-key-mismatch`), and the peer's verdict.
pub(crate) fn client_certificate(
    chain: Vec<CertificateDer<'static>>,
    key: &PrivateKey,
    provider: &CryptoProvider,
) -> Result<Arc<dyn rustls::client::ResolvesClientCert>, rustls::Error> {
    let signing = provider.key_provider.load_private_key(key_der(key))?;
    Ok(Arc::new(ClientCertificate(Arc::new(
        rustls::sign::CertifiedKey::new(chain, signing),
    ))))
}

#[derive(Debug)]
struct ClientCertificate(Arc<rustls::sign::CertifiedKey>);

impl rustls::client::ResolvesClientCert for ClientCertificate {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        Some(self.0.clone())
    }

    fn has_certs(&self) -> bool {
        true
    }
}

/// What the verifier saw of the peer.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    /// Why verification failed, if it did.
    pub(crate) verdict: Option<VerifyError>,
    /// The peer's certificate, then the chain it sent.
    pub(crate) chain: Vec<Certificate>,
}

/// Whether a failed verification ends the handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnFailure {
    /// As OpenSSL does: the handshake fails.
    Refuse,
    /// The failure is recorded and the handshake goes on, to learn whether
    /// the peer accepts us too (the probe; it sends no data to such a peer).
    Record,
}

/// One verifier for both sides, with OpenSSL's rules; it records what it saw.
#[derive(Debug)]
pub(crate) struct OpenSslVerifier {
    pub(crate) anchors: Vec<Certificate>,
    pub(crate) purpose: Purpose,
    pub(crate) host: Option<String>,
    pub(crate) now: OffsetDateTime,
    pub(crate) strict: bool,
    pub(crate) on_failure: OnFailure,
    pub(crate) seen: Arc<Mutex<Seen>>,
}

impl OpenSslVerifier {
    /// A verifier that refuses as OpenSSL does, for certificates of `purpose`.
    pub(crate) fn new(
        anchors: &[Certificate],
        purpose: Purpose,
        host: Option<&str>,
        now: OffsetDateTime,
        strict: bool,
    ) -> Self {
        Self {
            anchors: anchors.to_vec(),
            purpose,
            host: host.map(str::to_owned),
            now,
            strict,
            on_failure: OnFailure::Refuse,
            seen: Arc::default(),
        }
    }

    /// What it saw (the lock is never poisoned for long: no code panics under it).
    pub(crate) fn seen(seen: &Mutex<Seen>) -> std::sync::MutexGuard<'_, Seen> {
        seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn check(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
    ) -> Result<(), rustls::Error> {
        let parse = |(i, d): (usize, &CertificateDer<'_>)| {
            Certificate::from_der(d.to_vec(), i + 1).map_err(|_| {
                rustls::Error::InvalidCertificate(rustls::CertificateError::BadEncoding)
            })
        };
        let leaf = parse((0, end_entity))?;
        let presented = intermediates
            .iter()
            .enumerate()
            .map(|(i, d)| parse((i + 1, d)))
            .collect::<Result<Vec<_>, _>>()?;
        let verdict = verify(
            &leaf,
            &presented,
            &self.anchors,
            self.purpose,
            self.host.as_deref(),
            self.now,
            self.strict,
        );
        let mut seen = Self::seen(&self.seen);
        seen.chain = std::iter::once(leaf).chain(presented).collect();
        seen.verdict = verdict.err();
        match (verdict, self.on_failure) {
            (Err(e), OnFailure::Refuse) => Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::Other(rustls::OtherError(Arc::new(e))),
            )),
            _ => Ok(()),
        }
    }
}

/// The handshake-signature methods, the same in both verifier traits.
macro_rules! handshake_signatures {
    () => {
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            handshake_signature(message, cert, dss, false)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            handshake_signature(message, cert, dss, true)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            SCHEMES.to_vec()
        }
    };
}

/// The signature schemes OpenSSL's default list offers and aws-lc verifies.
const SCHEMES: [SignatureScheme; 9] = [
    SignatureScheme::ECDSA_NISTP256_SHA256,
    SignatureScheme::ECDSA_NISTP384_SHA384,
    SignatureScheme::ECDSA_NISTP521_SHA512,
    SignatureScheme::ED25519,
    SignatureScheme::RSA_PSS_SHA256,
    SignatureScheme::RSA_PSS_SHA384,
    SignatureScheme::RSA_PSS_SHA512,
    SignatureScheme::RSA_PKCS1_SHA256,
    SignatureScheme::RSA_PKCS1_SHA384,
];

/// Checks the peer's handshake signature with the public key of its
/// certificate, read as OpenSSL reads it. rustls's own helpers parse the
/// certificate with webpki, which refuses X.509 v1 certificates that OpenSSL
/// accepts; this reads the key with x509-parser and verifies with aws-lc.
fn handshake_signature(
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
    tls13: bool,
) -> Result<HandshakeSignatureValid, rustls::Error> {
    use SignatureScheme as S;
    use aws_lc_rs::signature as sig;
    let scheme = dss.scheme;
    // TLS 1.3 has no PKCS#1 v1.5 signatures in the handshake (RFC 8446, 4.2.3).
    let pkcs1 = matches!(scheme, S::RSA_PKCS1_SHA256 | S::RSA_PKCS1_SHA384);
    if !SCHEMES.contains(&scheme) || (tls13 && pkcs1) {
        return Err(rustls::PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme.into());
    }
    let cert = Certificate::from_der(cert.to_vec(), 1)
        .map_err(|_| rustls::Error::InvalidCertificate(rustls::CertificateError::BadEncoding))?;
    // TLS 1.2's ECDSA schemes name the hash, not the curve: the key decides.
    let candidates: &[&'static dyn sig::VerificationAlgorithm] = match scheme {
        S::ECDSA_NISTP256_SHA256 if tls13 => &[&sig::ECDSA_P256_SHA256_ASN1],
        S::ECDSA_NISTP384_SHA384 if tls13 => &[&sig::ECDSA_P384_SHA384_ASN1],
        S::ECDSA_NISTP256_SHA256 => &[&sig::ECDSA_P256_SHA256_ASN1, &sig::ECDSA_P384_SHA256_ASN1],
        S::ECDSA_NISTP384_SHA384 => &[&sig::ECDSA_P384_SHA384_ASN1, &sig::ECDSA_P256_SHA384_ASN1],
        S::ECDSA_NISTP521_SHA512 => &[&sig::ECDSA_P521_SHA512_ASN1],
        S::ED25519 => &[&sig::ED25519],
        S::RSA_PSS_SHA256 => &[&sig::RSA_PSS_2048_8192_SHA256],
        S::RSA_PSS_SHA384 => &[&sig::RSA_PSS_2048_8192_SHA384],
        S::RSA_PSS_SHA512 => &[&sig::RSA_PSS_2048_8192_SHA512],
        S::RSA_PKCS1_SHA256 => &[&sig::RSA_PKCS1_2048_8192_SHA256],
        _ => &[&sig::RSA_PKCS1_2048_8192_SHA384],
    };
    let key = cert.public_key_raw();
    candidates
        .iter()
        .any(|alg| {
            sig::UnparsedPublicKey::new(*alg, key)
                .verify(message, dss.signature())
                .is_ok()
        })
        .then(HandshakeSignatureValid::assertion)
        .ok_or(rustls::Error::InvalidCertificate(
            rustls::CertificateError::BadSignature,
        ))
}

impl ServerCertVerifier for OpenSslVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.check(end_entity, intermediates)
            .map(|()| ServerCertVerified::assertion())
    }

    handshake_signatures!();
}

impl ClientCertVerifier for OpenSslVerifier {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        self.check(end_entity, intermediates)
            .map(|()| ClientCertVerified::assertion())
    }

    handshake_signatures!();
}

/// What OpenSSL logs when it receives `alert` (`SSL_alert_desc_string_long`,
/// prefixed as `ssl3_read_bytes` does).
pub(crate) fn openssl_alert(alert: rustls::AlertDescription) -> String {
    use rustls::AlertDescription as A;
    let (version, text) = match alert {
        A::CloseNotify => ("sslv3", "close notify"),
        A::UnexpectedMessage => ("sslv3", "unexpected message"),
        A::BadRecordMac => ("sslv3", "bad record mac"),
        A::HandshakeFailure => ("sslv3", "handshake failure"),
        A::BadCertificate => ("sslv3", "bad certificate"),
        A::UnsupportedCertificate => ("sslv3", "unsupported certificate"),
        A::CertificateRevoked => ("sslv3", "certificate revoked"),
        A::CertificateExpired => ("sslv3", "certificate expired"),
        A::CertificateUnknown => ("sslv3", "certificate unknown"),
        A::IllegalParameter => ("sslv3", "illegal parameter"),
        A::UnknownCA => ("tlsv1", "unknown ca"),
        A::AccessDenied => ("tlsv1", "access denied"),
        A::DecodeError => ("tlsv1", "decode error"),
        A::DecryptError => ("tlsv1", "decrypt error"),
        A::ProtocolVersion => ("tlsv1", "protocol version"),
        A::InsufficientSecurity => ("tlsv1", "insufficient security"),
        A::InternalError => ("tlsv1", "internal error"),
        A::UnrecognisedName => ("tlsv1", "unrecognized name"),
        A::CertificateRequired => ("tlsv13", "certificate required"),
        A::NoApplicationProtocol => ("tlsv13", "no application protocol"),
        other => return format!("TLS alert {other:?}"),
    };
    format!("{version} alert {text}")
}
