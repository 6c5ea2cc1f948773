//! How Octavia's housekeeping service rotates amphora certificates, and when
//! a certificate an amphora serves says it has stopped: the options it runs
//! on ([`CertRotation`], read from octavia.conf by
//! [`crate::octavia_conf::OctaviaConf::cert_rotation`], Octavia's defaults
//! otherwise).
//!
//! Octavia 16.1.0 to 19.0.0 alike (`octavia/cmd/house_keeping.py`,
//! `octavia/controller/housekeeping/house_keeping.py`,
//! `AmphoraRepository.get_cert_expiring_amphora`): the rotation thread logs
//! [`LOG_STARTED`] when it starts, then every `[house_keeping] cert_interval`
//! seconds takes each amphora whose database `cert_expiration` is within
//! `[house_keeping] cert_expiry_buffer` seconds of now and whose `cert_busy`
//! is false, sets `cert_busy`, and rotates it in its own process
//! ([`LOG_ROTATION_START`]: a certificate valid `[certificates]
//! cert_validity_time` seconds from now, `PUT /1.0/certificate` to the agent,
//! which serves it on the next connection, the new expiry recorded,
//! `cert_busy` cleared, [`LOG_ROTATION_END`]). A rotation that fails leaves
//! the amphora in ERROR with `cert_busy` set, and housekeeping never takes it
//! again; an exception of the loop itself is logged at DEBUG only.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::cert::Certificate;

/// `[certificates] cert_validity_time`'s default: 30 days
/// (`octavia/certificates/common/local.py`).
pub const DEFAULT_CERT_VALIDITY_TIME: i64 = 30 * 24 * 3600;
/// `[house_keeping] cert_expiry_buffer`'s default: 14 days
/// (`octavia/common/config.py`).
pub const DEFAULT_CERT_EXPIRY_BUFFER: i64 = 1_209_600;
/// `[house_keeping] cert_interval`'s default: an hour.
pub const DEFAULT_CERT_INTERVAL: i64 = 3600;

/// What a rotation may take beyond `cert_interval` before a certificate
/// past its due time counts as not rotated: housekeeping rotates 10
/// amphorae at a time (`cert_rotate_threads`), and the agent of one that
/// does not answer holds its thread for the REST driver's retries (120
/// times 5 s by default); clocks drift too.
pub const ROTATION_SLACK: Duration = Duration::hours(1);

/// What both lines of an amphora's rotation hold ([`LOG_ROTATION_START`],
/// [`LOG_ROTATION_END`]), before the amphora id: what to look for in the log.
pub const LOG_ROTATION: &str = "cert rotation, amphora";
/// Logged once by housekeeping's certificate rotation thread when it starts
/// (`%d`: `cert_interval`): absent, the thread never ran.
pub const LOG_STARTED: &str = "Expiring certificate check interval is set to";
/// Logged by housekeeping as it starts rotating an amphora's certificate,
/// followed by the amphora id.
pub const LOG_ROTATION_START: &str = "Start amphora cert rotation, amphora's id is:";
/// Logged by housekeeping once an amphora's certificate is rotated,
/// followed by the amphora id: a start without it is a rotation that failed
/// (the task's traceback follows the start).
pub const LOG_ROTATION_END: &str = "Finished amphora cert rotation, amphora's id was:";

/// The options housekeeping rotates amphora certificates by, in seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct CertRotation {
    /// `[certificates] cert_validity_time`: how long a certificate Octavia
    /// issues an amphora lives.
    pub cert_validity_time: i64,
    /// `[house_keeping] cert_expiry_buffer`: how long before its expiry
    /// housekeeping replaces it.
    pub cert_expiry_buffer: i64,
    /// `[house_keeping] cert_interval`: how often housekeeping looks.
    pub cert_interval: i64,
    /// The octavia.conf files they were read from; empty: Octavia's defaults.
    pub config_files: Vec<std::path::PathBuf>,
}

impl Default for CertRotation {
    /// Octavia's defaults.
    fn default() -> Self {
        Self {
            cert_validity_time: DEFAULT_CERT_VALIDITY_TIME,
            cert_expiry_buffer: DEFAULT_CERT_EXPIRY_BUFFER,
            cert_interval: DEFAULT_CERT_INTERVAL,
            config_files: Vec::new(),
        }
    }
}

impl CertRotation {
    /// These values, read from `config_files`.
    pub fn new(
        cert_validity_time: i64,
        cert_expiry_buffer: i64,
        cert_interval: i64,
        config_files: Vec<std::path::PathBuf>,
    ) -> Self {
        Self {
            cert_validity_time,
            cert_expiry_buffer,
            cert_interval,
            config_files,
        }
    }

    /// When housekeeping takes `cert` for rotation: `cert_expiry_buffer`
    /// before it expires, or when it was issued if it never lived longer
    /// than the buffer (then every pass rotates it).
    pub fn due(&self, cert: &Certificate) -> OffsetDateTime {
        let due = cert
            .not_after()
            .checked_sub(Duration::seconds(self.cert_expiry_buffer))
            .unwrap_or(cert.not_before());
        due.max(cert.not_before())
    }

    /// How long after its due time a certificate may still be waiting for
    /// its rotation: a pass of housekeeping (`cert_interval`) and the
    /// rotation itself ([`ROTATION_SLACK`]).
    pub fn margin(&self) -> Duration {
        Duration::seconds(self.cert_interval.max(0)) + ROTATION_SLACK
    }

    /// The due time of `cert` when housekeeping should have replaced it by
    /// `now` and has not: past its due time by more than [`Self::margin`],
    /// not yet expired.
    pub fn missed(&self, cert: &Certificate, now: OffsetDateTime) -> Option<OffsetDateTime> {
        let due = self.due(cert);
        (now < cert.not_after() && now - due > self.margin()).then_some(due)
    }

    /// The values in words, with where they come from: `certificates live
    /// 30 days and are rotated 14 days before they expire, checked every
    /// hour (Octavia's defaults)`.
    pub fn describe(&self) -> String {
        let from = if self.config_files.is_empty() {
            "Octavia's defaults".to_owned()
        } else {
            let files: Vec<String> = self
                .config_files
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            format!("from {}", files.join(", "))
        };
        format!(
            "[certificates] cert_validity_time {}, [house_keeping] cert_expiry_buffer {}, \
             cert_interval {} ({from})",
            span(self.cert_validity_time),
            span(self.cert_expiry_buffer),
            span(self.cert_interval)
        )
    }
}

/// `seconds` in the largest whole unit that says it exactly: `14 days`,
/// `1 hour`, `90 s`.
fn span(seconds: i64) -> String {
    let unit = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match seconds {
        0 => "0 s".to_owned(),
        s if s % 86_400 == 0 => unit(s / 86_400, "day", "days"),
        s if s % 3600 == 0 => unit(s / 3600, "hour", "hours"),
        s => format!("{s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn certificate(lifetime_days: i64) -> (Certificate, OffsetDateTime) {
        let issued = time::macros::datetime!(2026-11-01 00:00 UTC);
        let cert = crate::test_support::leaf_valid(issued, issued + Duration::days(lifetime_days));
        (cert, issued)
    }

    #[test]
    fn a_certificate_is_missed_past_the_buffer_and_a_pass_of_housekeeping() {
        let rotation = CertRotation::default();
        let (cert, issued) = certificate(30);
        assert_eq!(rotation.due(&cert), issued + Duration::days(16));
        let at = |d: Duration| rotation.missed(&cert, issued + d);
        // Within validity and before the buffer; then due, but a pass and a
        // rotation may still be under way.
        assert_eq!(at(Duration::days(10)), None);
        assert_eq!(at(Duration::days(16) + Duration::minutes(90)), None);
        assert_eq!(
            at(Duration::days(16) + Duration::hours(3)),
            Some(issued + Duration::days(16))
        );
        // Expired: another status says so.
        assert_eq!(at(Duration::days(31)), None);
        assert!(
            LOG_ROTATION_START.contains(LOG_ROTATION) && LOG_ROTATION_END.contains(LOG_ROTATION)
        );
    }

    #[test]
    fn other_values_move_the_due_time_and_the_margin() {
        let (cert, issued) = certificate(30);
        let rotation = CertRotation::new(30 * 86_400, 20 * 86_400, 86_400, Vec::new());
        assert_eq!(rotation.due(&cert), issued + Duration::days(10));
        assert_eq!(rotation.missed(&cert, issued + Duration::days(11)), None);
        assert!(
            rotation
                .missed(&cert, issued + Duration::days(12))
                .is_some()
        );
        // A buffer longer than the certificate's life: due when issued.
        let always = CertRotation::new(86_400, 2 * 86_400, 3600, Vec::new());
        let (short, issued) = certificate(1);
        assert_eq!(always.due(&short), issued);
        assert_eq!(
            CertRotation::default().describe(),
            "[certificates] cert_validity_time 30 days, [house_keeping] cert_expiry_buffer 14 \
             days, cert_interval 1 hour (Octavia's defaults)"
        );
    }
}
