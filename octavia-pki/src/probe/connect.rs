//! One amphora, probed as the controllers connect to it: TCP, mutual TLS with
//! the client bundle, OpenSSL's verification of the amphora's certificate
//! (host name: the amphora id), `GET /`; then, by default, a second handshake
//! without a client certificate, which the agent must refuse. Every step is
//! bounded by the one deadline of the amphora.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use rustls::AlertDescription;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant as Deadline, timeout_at};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use x509_parser::extensions::GeneralName;

use super::fds::is_local_exhaustion;
use super::report::{AmphoraCertificate, AmphoraReport, Anonymous};
use super::target::Target;
use crate::cert::Certificate;
use crate::codes::Code;
use crate::codes::probe as status;
use crate::x509::tls::{OnFailure, OpenSslVerifier, Seen};
use crate::x509::{self, Purpose, VerifyError};

/// The most of an answer to `GET /` that is read: the agent's is a few bytes.
const MAX_ANSWER: usize = 64 * 1024;

/// What every probe shares: the controller's TLS settings and trust anchors.
pub(super) struct Shared {
    /// With the client bundle; the verifier is set per connection.
    pub(super) authenticated: rustls::ClientConfig,
    /// Without any client certificate.
    pub(super) anonymous: rustls::ClientConfig,
    /// Every certificate of the server CA file.
    pub(super) anchors: Vec<Certificate>,
    pub(super) now: time::OffsetDateTime,
    pub(super) timeout: std::time::Duration,
    pub(super) warn_days: u32,
    pub(super) anonymous_check: bool,
    pub(super) history: Vec<crate::history::HistoryEntry>,
    pub(super) rotation: crate::housekeeping::CertRotation,
}

/// How one connection ended.
enum Connection {
    /// No TCP connection: a status (the peer's, or this host's failure to
    /// try), and why.
    Unreachable(Code, String),
    /// TCP worked, TLS or the request did not.
    Failed {
        status: Code,
        message: String,
        seen: Seen,
        tls_version: Option<String>,
    },
    /// The agent answered.
    Answered {
        seen: Seen,
        tls_version: Option<String>,
        answer: Answer,
    },
}

/// What `GET /` returned.
enum Answer {
    /// `{"api_version": ...}`.
    Agent(String),
    /// Something else: what.
    Other(String),
}

/// Probes one amphora.
pub(super) async fn probe(shared: &Shared, target: &Target) -> AmphoraReport {
    let started = Instant::now();
    let mut report = AmphoraReport::new(target);
    let Some(address) = target.address.as_deref() else {
        report.set(
            status::SKIPPED,
            "the amphora list gives no lb_network_ip".to_owned(),
        );
        return report;
    };
    let deadline = Deadline::now() + shared.timeout;
    let host = target.amphora_id.as_deref();
    let connection = connect(shared, address, target.port, host, true, deadline).await;
    let reached = !matches!(connection, Connection::Unreachable(..));
    judge(shared, target, connection, &mut report);
    if reached && shared.anonymous_check {
        let anonymous = connect(shared, address, target.port, None, false, deadline).await;
        let not_run = match &anonymous {
            Connection::Unreachable(code, why) if status::COULD_NOT_RUN.contains(code) => Some(
                format!("the check without a client certificate could not run here: {why}"),
            ),
            _ => None,
        };
        report.anonymous = Some(anonymity(anonymous));
        if let Some(note) = not_run {
            if report.message.is_empty() {
                report.message = note;
            } else {
                report.message.push_str(&format!("; also, {note}"));
            }
        }
        match report.anonymous {
            Some(Anonymous::Accepted) => {
                let what =
                    "it completed a handshake and answered GET / without a client certificate";
                if report.status.info().severity == crate::codes::Severity::Error {
                    report.message.push_str(&format!("; also, {what}"));
                } else {
                    report.set(status::AMPHORA_ACCEPTS_ANONYMOUS, what.to_owned());
                }
            }
            // Not silently ok: said, with the status the controllers' own
            // connection earned.
            Some(Anonymous::Silent) => {
                let note = "without a client certificate it completed the TLS handshake, then \
                            did not answer GET / in time (an agent that requires one refuses at \
                            the handshake): it may accept anonymous clients";
                if report.message.is_empty() {
                    report.message = note.to_owned();
                } else {
                    report.message.push_str(&format!("; also, {note}"));
                }
            }
            _ => {}
        }
    }
    // An amphora not tested here keeps saying so.
    if report.severity != crate::codes::Severity::Error
        && !status::COULD_NOT_RUN.contains(&report.status)
    {
        old_client_ca(shared, target, &mut report);
    }
    report.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    report
}

/// An amphora created before a client CA change holds the previous client
/// CA: flagged with the first deadline ahead (an error within the warning days).
fn old_client_ca(shared: &Shared, target: &Target, report: &mut AmphoraReport) {
    let Some(created) = target.record.created_at else {
        return;
    };
    let Some((change, deadline)) = crate::history::pending_deadlines(&shared.history, shared.now)
        .into_iter()
        .filter(|c| c.at().is_some_and(|at| created < at))
        .filter_map(|c| Some((c, c.deadline()?)))
        .min_by_key(|(_, d)| *d)
    else {
        return;
    };
    report.set(
        status::AMPHORA_OLD_CLIENT_CA,
        format!(
            "created {created}, before the client CA changed ({}, {}): it accepts the controllers until {deadline}",
            change.at, change.action
        ),
    );
    if deadline - shared.now < time::Duration::days(i64::from(shared.warn_days)) {
        report.severity = crate::codes::Severity::Error;
    }
}

/// One connection: TCP, TLS (with the client bundle when `authenticated`),
/// and, unless the amphora's certificate failed verification, `GET /`.
async fn connect(
    shared: &Shared,
    address: &str,
    port: u16,
    host: Option<&str>,
    authenticated: bool,
    deadline: Deadline,
) -> Connection {
    let seconds = shared.timeout.as_secs_f64();
    // Looked up apart from the connection: a name that does not resolve is
    // this host's failure, not the amphora's (an address resolves at once).
    let addresses: Vec<SocketAddr> =
        match timeout_at(deadline, tokio::net::lookup_host((address, port))).await {
            Err(_) => {
                return Connection::Unreachable(
                    status::LOCAL_NAME_UNRESOLVED,
                    format!("looking \"{address}\" up did not finish here within {seconds} s"),
                );
            }
            Ok(Err(e)) if is_local_exhaustion(&e) => {
                return Connection::Unreachable(
                    status::LOCAL_RESOURCES_EXHAUSTED,
                    format!("this host cannot look \"{address}\" up: {e}"),
                );
            }
            Ok(Err(e)) => {
                return Connection::Unreachable(
                    status::LOCAL_NAME_UNRESOLVED,
                    format!("\"{address}\" does not resolve here: {e}"),
                );
            }
            Ok(Ok(found)) => found.collect(),
        };
    if addresses.is_empty() {
        return Connection::Unreachable(
            status::LOCAL_NAME_UNRESOLVED,
            format!("\"{address}\" resolves to no address here"),
        );
    }
    let tcp = match timeout_at(deadline, TcpStream::connect(&addresses[..])).await {
        Err(_) => {
            return Connection::Unreachable(
                status::CONNECT_TIMEOUT,
                format!("no TCP answer within {seconds} s"),
            );
        }
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            return Connection::Unreachable(
                status::CONNECT_REFUSED,
                format!("connection refused on port {port}"),
            );
        }
        Ok(Err(e)) if is_local_exhaustion(&e) => {
            return Connection::Unreachable(
                status::LOCAL_RESOURCES_EXHAUSTED,
                format!("this host cannot open a connection: {e}"),
            );
        }
        Ok(Err(e)) => {
            return Connection::Unreachable(
                status::CONNECT_TIMEOUT,
                format!("cannot connect: {e}"),
            );
        }
        Ok(Ok(tcp)) => tcp,
    };
    let verifier = OpenSslVerifier {
        on_failure: OnFailure::Record,
        ..OpenSslVerifier::new(&shared.anchors, Purpose::TlsServer, host, shared.now, false)
    };
    let seen = verifier.seen.clone();
    let mut config = if authenticated {
        shared.authenticated.clone()
    } else {
        shared.anonymous.clone()
    };
    config
        .dangerous()
        .set_certificate_verifier(Arc::new(verifier));
    let take_seen = || std::mem::take(&mut *OpenSslVerifier::seen(&seen));
    let failed = |status, message, seen, tls_version| Connection::Failed {
        status,
        message,
        seen,
        tls_version,
    };
    let Ok(name) = ServerName::try_from(address.to_owned()) else {
        return failed(
            status::TLS_FAILURE,
            format!("\"{address}\" is no host name TLS can use"),
            Seen::default(),
            None,
        );
    };
    let handshake = TlsConnector::from(Arc::new(config)).connect(name, tcp);
    let mut tls = match timeout_at(deadline, handshake).await {
        Err(_) => {
            return failed(
                status::HANDSHAKE_TIMEOUT,
                format!("TCP connected, but the TLS handshake did not complete within {seconds} s"),
                take_seen(),
                None,
            );
        }
        Ok(Err(e)) => {
            let (status, message) = tls_error(&e, "during the handshake");
            return failed(status, message, take_seen(), None);
        }
        Ok(Ok(tls)) => tls,
    };
    let tls_version = tls
        .get_ref()
        .1
        .protocol_version()
        .and_then(|v| v.as_str())
        .map(|v| v.replace("TLSv1_", "TLSv1."));
    let seen = take_seen();
    if authenticated && seen.verdict.is_some() {
        // No request with the controllers' credentials to an amphora they
        // would not trust; `judge` reports the verdict.
        return failed(status::TLS_FAILURE, String::new(), seen, tls_version);
    }
    let request_host = host.unwrap_or(address);
    match timeout_at(deadline, get_root(&mut tls, request_host)).await {
        Err(_) => failed(
            status::HANDSHAKE_TIMEOUT,
            format!("no answer to GET / within {seconds} s"),
            seen,
            tls_version,
        ),
        Ok(Err(e)) => {
            let (status, message) = tls_error(&e, "after the handshake");
            failed(status, message, seen, tls_version)
        }
        Ok(Ok(answer)) => Connection::Answered {
            seen,
            tls_version,
            answer,
        },
    }
}

/// Sends `GET /` and reads the whole answer (the agent closes the connection).
async fn get_root(tls: &mut TlsStream<TcpStream>, host: &str) -> std::io::Result<Answer> {
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: octavia-pki\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    );
    tls.write_all(request.as_bytes()).await?;
    tls.flush().await?;
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tls.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => {
                answer.extend_from_slice(&buf[..n]);
                if answer.len() > MAX_ANSWER {
                    return Ok(Answer::Other(format!(
                        "an answer of more than {MAX_ANSWER} bytes"
                    )));
                }
                // A server that keeps the connection open despite
                // `Connection: close`: a whole answer is enough.
                if is_complete(&answer) {
                    break;
                }
            }
            // A peer that closes without close_notify: what it sent counts.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !answer.is_empty() => break,
            Err(e) => return Err(e),
        }
    }
    Ok(parse_answer(&answer))
}

/// Whether `answer` holds a whole HTTP response: its head, then as many body
/// bytes as `Content-Length` says, or a chunked body up to its last chunk.
fn is_complete(answer: &[u8]) -> bool {
    let Some(split) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&answer[..split]).to_ascii_lowercase();
    let body = &answer[split + 4..];
    let header = |name: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
    };
    if header("transfer-encoding:").is_some_and(|v| v.contains("chunked")) {
        return body.ends_with(b"0\r\n\r\n");
    }
    header("content-length:")
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|length| body.len() >= length)
}

/// The agent's answer to `GET /`: HTTP 200 with `{"api_version": "1.0"}`.
fn parse_answer(answer: &[u8]) -> Answer {
    let Some(split) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Answer::Other(if answer.is_empty() {
            "the connection closed without an answer to GET /".into()
        } else {
            "an answer that is not HTTP".into()
        });
    };
    let head = String::from_utf8_lossy(&answer[..split]);
    let mut body = answer[split + 4..].to_vec();
    let status_line = head.lines().next().unwrap_or("");
    if !status_line.starts_with("HTTP/1.") || status_line.split_whitespace().nth(1) != Some("200") {
        return Answer::Other(format!("GET / answered \"{}\"", status_line.trim()));
    }
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(v) => match v.get("api_version") {
            Some(serde_json::Value::String(version)) => Answer::Agent(version.clone()),
            Some(other) => Answer::Agent(other.to_string()),
            None => Answer::Other("GET / answered JSON without api_version".into()),
        },
        Err(_) => Answer::Other("GET / answered something other than JSON".into()),
    }
}

/// The body of a chunked answer (as much as is whole).
fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&body[..end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok());
        let Some(size) = size.filter(|s| *s > 0) else {
            break;
        };
        let start = end + 2;
        let Some(chunk) = body.get(start..start + size) else {
            break;
        };
        out.extend_from_slice(chunk);
        body = body.get(start + size + 2..).unwrap_or_default();
    }
    out
}

/// A failed TLS connection, in the words the controllers would log.
fn tls_error(e: &std::io::Error, when: &str) -> (Code, String) {
    let tls = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match tls {
        Some(rustls::Error::AlertReceived(alert)) if rejects_certificate(*alert) => (
            status::AMPHORA_REJECTS_CONTROLLER,
            format!(
                "the amphora refuses the controllers' certificate {when}: {}",
                x509::tls::openssl_alert(*alert)
            ),
        ),
        Some(rustls::Error::AlertReceived(alert)) => (
            status::TLS_FAILURE,
            format!(
                "the amphora sent {} {when}",
                x509::tls::openssl_alert(*alert)
            ),
        ),
        Some(rustls::Error::InvalidMessage(_)) => (
            status::TLS_FAILURE,
            format!(
                "the peer does not speak TLS, or sent a message too large to be one ({tls}) {when} (OpenSSL: wrong version number / record too large)",
                tls = tls.map(ToString::to_string).unwrap_or_default()
            ),
        ),
        Some(other) => (status::TLS_FAILURE, format!("{other} {when}")),
        None => match e.kind() {
            std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset => (
                status::TLS_FAILURE,
                format!(
                    "the peer closed the connection {when} (OpenSSL: unexpected eof while reading)"
                ),
            ),
            _ => (status::TLS_FAILURE, format!("{e} {when}")),
        },
    }
}

/// The alerts with which an OpenSSL server refuses a client's certificate.
fn rejects_certificate(alert: AlertDescription) -> bool {
    matches!(
        alert,
        AlertDescription::UnknownCA
            | AlertDescription::CertificateRequired
            | AlertDescription::BadCertificate
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateUnknown
            | AlertDescription::CertificateRevoked
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::DecryptError
            | AlertDescription::AccessDenied
    )
}

/// Whether the anonymous connection got in.
fn anonymity(connection: Connection) -> Anonymous {
    match connection {
        Connection::Answered {
            answer: Answer::Agent(_),
            ..
        } => Anonymous::Accepted,
        // The handshake completed (a TLS version was agreed), then silence.
        Connection::Failed {
            status: status::HANDSHAKE_TIMEOUT,
            tls_version: Some(_),
            ..
        } => Anonymous::Silent,
        Connection::Failed {
            status: status::HANDSHAKE_TIMEOUT,
            ..
        }
        | Connection::Unreachable(..) => Anonymous::Unknown,
        _ => Anonymous::Refused,
    }
}

/// The status of the authenticated connection, into the report.
fn judge(shared: &Shared, target: &Target, connection: Connection, report: &mut AmphoraReport) {
    let (seen, tls_version, outcome) = match connection {
        Connection::Unreachable(status, message) => {
            report.set(status, message);
            return;
        }
        Connection::Failed {
            status,
            message,
            seen,
            tls_version,
        } => (seen, tls_version, Err((status, message))),
        Connection::Answered {
            seen,
            tls_version,
            answer,
        } => (seen, tls_version, Ok(answer)),
    };
    report.tls_version = tls_version;
    if let Some(leaf) = seen.chain.first() {
        report.certificate = Some(describe(leaf, shared));
        report.issuer_index = shared.anchors.iter().position(|ca| x509::issued(leaf, ca));
        if let Some(believed) = target.record.cert_expiration {
            report.serves_database_certificate =
                Some((leaf.not_after() - believed).whole_seconds().abs() < 1);
        }
    }
    // The controllers stop at their own verdict on the amphora's certificate.
    if let (Some(e), Some(leaf)) = (seen.verdict, seen.chain.first()) {
        let (status, message) = refused(e, leaf, target.amphora_id.as_deref());
        report.set(status, message);
        return;
    }
    match outcome {
        Err((status, message)) => report.set(status, message),
        Ok(Answer::Other(what)) => report.set(status::NOT_AN_AMPHORA_AGENT, what),
        Ok(Answer::Agent(version)) => {
            report.api_version = Some(version);
            let leaf = &seen.chain[0];
            let left = leaf.not_after() - shared.now;
            let missed = shared.rotation.missed(leaf, shared.now);
            if left < time::Duration::days(i64::from(shared.warn_days)) {
                let mut message = format!(
                    "the certificate expires {}, on {}",
                    crate::text::in_days(left),
                    leaf.not_after().date()
                );
                if let Some(due) = missed {
                    message.push_str(&format!(
                        "; housekeeping should have rotated it on {}",
                        due.date()
                    ));
                }
                report.set(status::AMPHORA_CERT_EXPIRING, message);
            } else if let Some(due) = missed {
                report.set(
                    status::HOUSEKEEPING_NOT_ROTATING,
                    not_rotated(leaf, due, shared.now, &target.record),
                );
            } else if report.serves_database_certificate == Some(false) {
                let believed = target.record.cert_expiration.map(|t| t.date());
                report.set(
                    status::AMPHORA_CERT_NOT_IN_DATABASE,
                    format!(
                        "the amphora's certificate expires on {}, the database says {}",
                        leaf.not_after().date(),
                        believed.map(|d| d.to_string()).unwrap_or_default()
                    ),
                );
            } else {
                report.set(status::OK, String::new());
            }
        }
    }
}

/// Why housekeeping's rotation of `leaf`, due at `due`, is missed, with
/// what the amphora list says of it.
fn not_rotated(
    leaf: &Certificate,
    due: time::OffsetDateTime,
    now: time::OffsetDateTime,
    record: &super::target::Record,
) -> String {
    let mut message = format!(
        "housekeeping has not rotated the certificate: due since {} ({}, [house_keeping] \
         cert_expiry_buffer before it expires on {}); it expires {}",
        due.date(),
        crate::text::in_days(due - now),
        leaf.not_after().date(),
        crate::text::in_days(leaf.not_after() - now)
    );
    if record.cert_busy == Some(true) {
        message.push_str(
            "; the database's cert_busy is true: housekeeping took it and the rotation failed, \
             and it never takes it again",
        );
    }
    if let Some(status) = &record.status
        && status == "ERROR"
    {
        message.push_str("; the amphora is in ERROR (a failed rotation leaves it so)");
    }
    message
}

/// The status and message of the controllers' refusal of `leaf`.
fn refused(e: VerifyError, leaf: &Certificate, amphora_id: Option<&str>) -> (Code, String) {
    let verify_failed = format!(
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {}",
        e.openssl()
    );
    match e {
        VerifyError::Expired => (
            status::AMPHORA_CERT_EXPIRED,
            format!("{verify_failed} (on {})", leaf.not_after().date()),
        ),
        VerifyError::UnableToGetLocalIssuer
        | VerifyError::UnableToGetIssuer
        | VerifyError::SelfSignedInChain
        | VerifyError::SignatureFailure => (
            status::AMPHORA_CERT_UNTRUSTED,
            format!(
                "{verify_failed}: its issuer \"{}\" is no CA of the server CA file",
                leaf.issuer()
            ),
        ),
        VerifyError::HostnameMismatch if sans(leaf).is_empty() => (
            status::AMPHORA_CERT_NO_SAN,
            "no appropriate subjectAltName fields were found".to_owned(),
        ),
        VerifyError::HostnameMismatch => (
            status::AMPHORA_CERT_NAME_MISMATCH,
            format!(
                "hostname '{}' doesn't match {}",
                amphora_id.unwrap_or_default(),
                sans(leaf)
                    .iter()
                    .map(|s| format!("'{s}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        _ => (status::TLS_FAILURE, verify_failed),
    }
}

fn sans(cert: &Certificate) -> Vec<String> {
    match cert.parsed().subject_alternative_name() {
        Ok(Some(san)) => san
            .value
            .general_names
            .iter()
            .filter_map(|n| match n {
                GeneralName::DNSName(name) => Some((*name).to_owned()),
                GeneralName::IPAddress(bytes) => ip(bytes),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn ip(bytes: &[u8]) -> Option<String> {
    match bytes.len() {
        4 => Some(std::net::Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?).to_string()),
        16 => Some(std::net::Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?).to_string()),
        _ => None,
    }
}

fn describe(leaf: &Certificate, shared: &Shared) -> AmphoraCertificate {
    let now = shared.now;
    let parsed = leaf.parsed();
    let cn = parsed
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_owned);
    AmphoraCertificate {
        cn,
        san: sans(leaf),
        issuer: leaf.issuer().to_owned(),
        serial: parsed.raw_serial_as_string(),
        not_after: leaf.not_after_rfc3339(),
        days_left: (leaf.not_after() - now).whole_days(),
        rotation_due: shared
            .rotation
            .due(leaf)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agents_answer_is_recognised_and_others_are_not() {
        let ok = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 23\r\n\r\n{\"api_version\": \"1.0\"}\n";
        assert!(matches!(parse_answer(ok), Answer::Agent(v) if v == "1.0"));
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n16\r\n{\"api_version\": \"1.0\"}\r\n0\r\n\r\n";
        assert!(matches!(parse_answer(chunked), Answer::Agent(v) if v == "1.0"));
        for other in [
            &b""[..],
            b"garbage",
            b"HTTP/1.1 404 Not Found\r\n\r\n",
            b"HTTP/1.1 200 OK\r\n\r\n<html>",
            b"HTTP/1.1 200 OK\r\n\r\n{\"version\": 1}",
            b"SSH-2.0-OpenSSH\r\n\r\n",
        ] {
            assert!(matches!(parse_answer(other), Answer::Other(_)));
        }
    }

    #[test]
    fn a_whole_answer_is_enough_on_a_connection_kept_open() {
        let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 23\r\n\r\n{\"api_version\": \"1.0\"}\n";
        assert!(is_complete(ok));
        assert!(!is_complete(&ok[..ok.len() - 1]));
        assert!(!is_complete(b"HTTP/1.1 200 OK\r\nContent-Length: 23\r\n"));
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n16\r\n{\"api_version\": \"1.0\"}\r\n0\r\n\r\n";
        assert!(is_complete(chunked));
        assert!(!is_complete(&chunked[..chunked.len() - 5]));
        // No length and not chunked: only the end of the connection ends it.
        assert!(!is_complete(b"HTTP/1.1 200 OK\r\n\r\n{}"));
    }

    #[test]
    fn a_handshake_without_a_certificate_then_silence_is_said_not_ok() {
        let timeout = |tls_version: Option<&str>| Connection::Failed {
            status: status::HANDSHAKE_TIMEOUT,
            message: String::new(),
            seen: Seen::default(),
            tls_version: tls_version.map(str::to_owned),
        };
        assert_eq!(anonymity(timeout(Some("TLSv1.3"))), Anonymous::Silent);
        assert_eq!(anonymity(timeout(None)), Anonymous::Unknown);
    }

    #[test]
    fn a_missed_rotation_says_when_it_was_due_and_what_the_list_says() {
        let issued = time::macros::datetime!(2026-11-01 00:00 UTC);
        let leaf = crate::test_support::leaf_valid(issued, issued + time::Duration::days(30));
        let now = issued + time::Duration::days(20);
        let due = crate::housekeeping::CertRotation::default().due(&leaf);
        let quiet = super::super::target::Record::default();
        let said = not_rotated(&leaf, due, now, &quiet);
        assert_eq!(
            said,
            "housekeeping has not rotated the certificate: due since 2026-11-17 (4 days ago, \
             [house_keeping] cert_expiry_buffer before it expires on 2026-12-01); it expires in 10 days"
        );
        let failed = super::super::target::Record {
            status: Some("ERROR".into()),
            cert_busy: Some(true),
            ..Default::default()
        };
        let said = not_rotated(&leaf, due, now, &failed);
        assert!(
            said.ends_with(
                "; the database's cert_busy is true: housekeeping took it and the rotation failed, \
                 and it never takes it again; the amphora is in ERROR (a failed rotation leaves it so)"
            ),
            "{said}"
        );
    }

    #[test]
    fn a_refused_client_certificate_is_told_from_other_alerts() {
        let alert = |a| std::io::Error::other(rustls::Error::AlertReceived(a));
        let (code, message) =
            tls_error(&alert(AlertDescription::UnknownCA), "during the handshake");
        assert_eq!(code, status::AMPHORA_REJECTS_CONTROLLER);
        assert!(message.contains("tlsv1 alert unknown ca"), "{message}");
        let (code, message) = tls_error(&alert(AlertDescription::CertificateRequired), "x");
        assert_eq!(code, status::AMPHORA_REJECTS_CONTROLLER);
        assert!(
            message.contains("tlsv13 alert certificate required"),
            "{message}"
        );
        let (code, _) = tls_error(&alert(AlertDescription::ProtocolVersion), "x");
        assert_eq!(code, status::TLS_FAILURE);
        let eof = std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
        assert_eq!(tls_error(&eof, "x").0, status::TLS_FAILURE);
    }
}
