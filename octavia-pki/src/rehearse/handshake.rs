//! One controller-to-amphora handshake, played in memory with rustls
//! between the amphora agent's side and the controller's, each verifying the
//! other as OpenSSL does ([`crate::x509::tls::OpenSslVerifier`]).

use std::io::Cursor;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use time::OffsetDateTime;

use super::report::{Cause, Side, Stop, stop};
use crate::cert::Certificate;
use crate::key::PrivateKey;
use crate::x509::tls::{OpenSslVerifier, client_certificate, key_der, presented, provider};
use crate::x509::{self, Purpose, VerifyError};

/// Both sides' certificates, keys and trust, for one handshake.
pub(super) struct Sides<'a> {
    pub(super) amphora_cert: &'a Certificate,
    pub(super) amphora_key: &'a PrivateKey,
    pub(super) client_ca: &'a [Certificate],
    pub(super) server_ca: &'a [Certificate],
    pub(super) bundle_certs: &'a [Certificate],
    pub(super) bundle_key: &'a PrivateKey,
    pub(super) amphora_id: &'a str,
    pub(super) now: OffsetDateTime,
    /// Whether the agent verifies strictly (Python 3.13's default context).
    pub(super) amphora_strict: bool,
    /// Whether the controller does ([`crate::release::OctaviaRelease::controller_strict`]).
    pub(super) controller_strict: bool,
}

/// Octavia's mutual TLS handshake in memory, in `version`, with OpenSSL's
/// verification on both sides; a refusal blames `bundle_file` (the amphora
/// refuses) or `server_ca_file` (the controller refuses).
pub(super) fn handshake(
    s: &Sides<'_>,
    version: &'static rustls::SupportedProtocolVersion,
    bundle_file: &str,
    server_ca_file: &str,
) -> Result<(), Stop> {
    let provider = provider();
    let amphora_verifier = OpenSslVerifier::new(
        s.client_ca,
        Purpose::TlsClient,
        None,
        s.now,
        s.amphora_strict,
    );
    let amphora_seen = amphora_verifier.seen.clone();
    let controller_verifier = OpenSslVerifier::new(
        s.server_ca,
        Purpose::TlsServer,
        Some(s.amphora_id),
        s.now,
        s.controller_strict,
    );
    let controller_seen = controller_verifier.seen.clone();
    let internal = |e: rustls::Error| {
        stop(
            Side::Controller,
            Cause::Tls,
            None,
            Some(format!("TLS setup: {e}")),
            None,
        )
    };

    let amphora = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[version])
        .map_err(internal)?
        .with_client_cert_verifier(Arc::new(amphora_verifier))
        .with_single_cert(
            presented(s.amphora_cert, &[], s.client_ca),
            key_der(s.amphora_key),
        )
        .map_err(internal)?;
    let controller = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[version])
        .map_err(internal)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(controller_verifier))
        .with_client_cert_resolver(
            client_certificate(
                presented(&s.bundle_certs[0], &s.bundle_certs[1..], s.server_ca),
                s.bundle_key,
                &provider,
            )
            .map_err(|e| {
                stop(
                    Side::Controller,
                    Cause::Bundle,
                    Some(bundle_file),
                    Some(format!("the controller cannot use its client key: {e}")),
                    None,
                )
            })?,
        );

    let name = ServerName::try_from(s.amphora_id.to_owned())
        .map_err(|e| internal(rustls::Error::General(e.to_string())))?;
    let mut client = rustls::ClientConnection::new(Arc::new(controller), name).map_err(internal)?;
    let mut server = rustls::ServerConnection::new(Arc::new(amphora)).map_err(internal)?;
    let mut outcome = Ok(());
    for _ in 0..32 {
        if !client.is_handshaking() && !server.is_handshaking() {
            break;
        }
        if let Err(e) = pump(&mut client, &mut server) {
            outcome = Err(e);
            break;
        }
    }
    let amphora_refused = OpenSslVerifier::seen(&amphora_seen).verdict;
    let controller_refused = OpenSslVerifier::seen(&controller_seen).verdict;
    if let Some(e) = controller_refused {
        return Err(refuses(Side::Controller, e, server_ca_file));
    }
    if let Some(e) = amphora_refused {
        return Err(refuses(Side::Amphora, e, bundle_file));
    }
    outcome.map_err(|e| stop(Side::Controller, Cause::Tls, None, Some(e), None))?;
    if client.is_handshaking() || server.is_handshaking() {
        return Err(stop(
            Side::Controller,
            Cause::Tls,
            None,
            Some("the handshake did not complete".into()),
            None,
        ));
    }
    Ok(())
}

/// `side` refuses the other's certificate with `e`: it logs OpenSSL's
/// verify failure, the other side the alert it receives; `file` is to blame.
fn refuses(side: Side, e: VerifyError, file: &str) -> Stop {
    let verify_failed = format!(
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {}",
        e.openssl()
    );
    let alert = e.alert().to_owned();
    let (controller, amphora) = match side {
        Side::Controller => (verify_failed, alert),
        Side::Amphora => (alert, verify_failed),
    };
    stop(
        side,
        Cause::Verification(e),
        Some(file),
        Some(controller),
        Some(amphora),
    )
}

/// The controller's verification of the amphora's certificate alone, with
/// exactly what its verifier gets in the handshake: the certificate and the
/// chain the agent sends with it.
pub(super) fn controller_verifies(s: &Sides<'_>, server_ca_file: &str) -> Result<(), Stop> {
    let chain = x509::auto_chain(s.amphora_cert, s.client_ca);
    x509::verify(
        s.amphora_cert,
        &chain,
        s.server_ca,
        Purpose::TlsServer,
        Some(s.amphora_id),
        s.now,
        s.controller_strict,
    )
    .map_err(|e| refuses(Side::Controller, e, server_ca_file))
}

/// Moves TLS records both ways once.
fn pump(
    client: &mut rustls::ClientConnection,
    server: &mut rustls::ServerConnection,
) -> Result<(), String> {
    let mut buf = Vec::new();
    client.write_tls(&mut buf).map_err(|e| e.to_string())?;
    server
        .read_tls(&mut Cursor::new(&buf))
        .map_err(|e| e.to_string())?;
    let server_result = server
        .process_new_packets()
        .map(|_| ())
        .map_err(|e| format!("amphora: {e}"));
    buf.clear();
    server.write_tls(&mut buf).map_err(|e| e.to_string())?;
    client
        .read_tls(&mut Cursor::new(&buf))
        .map_err(|e| e.to_string())?;
    let client_result = client
        .process_new_packets()
        .map(|_| ())
        .map_err(|e| format!("controller: {e}"));
    server_result.and(client_result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rehearse::amphora;

    /// A good fixture's files, with an amphora certificate issued by its server CA.
    fn sides_of(case: &str, check: impl FnOnce(&Sides<'_>)) {
        let (_, load) = crate::test_support::check_fixture(case);
        let server_ca = load.ca_certificate.ok().unwrap();
        let ca_key = load.ca_private_key.ok().unwrap();
        let client_ca = load.client_ca.ok().unwrap();
        let bundle = load.client_cert.ok().unwrap();
        let now = server_ca[0].not_before() + time::Duration::days(1);
        let amphora_key = amphora::amphora_key();
        let id = "8f0b6b5e-6c0e-4f59-a2b8-0c3ad1c0b7f1";
        let aki = server_ca[0].key_id_for_issued();
        let cert =
            amphora::issue(&server_ca[0], ca_key, &amphora_key, id, Some(&aki), now).unwrap();
        check(&Sides {
            amphora_cert: &cert,
            amphora_key: &amphora_key,
            client_ca,
            server_ca,
            bundle_certs: &bundle.certificates,
            bundle_key: bundle.key.as_ref().unwrap(),
            amphora_id: id,
            now,
            amphora_strict: false,
            controller_strict: false,
        });
    }

    #[test]
    fn both_sides_accept_a_good_set_in_tls_1_2_and_1_3() {
        sides_of("good-ecdsa", |s| {
            for version in [&rustls::version::TLS12, &rustls::version::TLS13] {
                assert!(handshake(s, version, "bundle", "server_ca").is_ok());
            }
            assert!(controller_verifies(s, "server_ca").is_ok());
        });
    }

    #[test]
    fn the_amphora_refuses_a_controller_its_client_ca_did_not_issue() {
        sides_of("good-ecdsa", |s| {
            // The server CA as the amphora's client CA: the bundle does not lead to it.
            let wrong = Sides {
                client_ca: s.server_ca,
                ..*s
            };
            let Err(Stop(f)) = handshake(&wrong, &rustls::version::TLS13, "bundle", "server_ca")
            else {
                panic!("the handshake succeeded");
            };
            assert_eq!(f.side, Side::Amphora);
            assert!(matches!(f.cause, Cause::Verification(_)));
            assert_eq!(f.file.as_deref(), Some("bundle"));
            assert!(f.amphora.unwrap().contains("CERTIFICATE_VERIFY_FAILED"));
        });
    }

    #[test]
    fn the_controller_refuses_an_amphora_named_otherwise() {
        sides_of("good-ecdsa", |s| {
            let renamed = Sides {
                amphora_id: "00000000-0000-4000-8000-000000000000",
                ..*s
            };
            let Err(Stop(f)) = controller_verifies(&renamed, "server_ca") else {
                panic!("accepted");
            };
            assert_eq!(f.side, Side::Controller);
            assert_eq!(f.cause, Cause::Verification(VerifyError::HostnameMismatch));
        });
    }
}
