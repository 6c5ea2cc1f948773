//! The history of renewals and rotations, kept in the work directory
//! (`octavia-pki-history.jsonl`, one JSON object a line) and written with
//! the change it records, atomically, with a backup of the previous history.
//! It is what says, long after the command ran, which older client CA
//! certificate running amphorae still hold, and until when they accept the
//! controllers: `expiry` and `probe` read it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::ca::CaRole;
use crate::cert::Certificate;
use crate::error::{Error, Result};
use crate::fsio::{self, PlannedFile};
use crate::secret::Passphrase;

/// The history's file name, in the work directory.
pub const HISTORY_FILE: &str = "octavia-pki-history.jsonl";

/// One renewal or rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct HistoryEntry {
    /// When (RFC 3339).
    pub at: String,
    /// What (`renew client-ca`, `rotate server-ca`...).
    pub action: Action,
    /// The replaced certificate's subject.
    pub subject: String,
    /// Its end of validity (RFC 3339).
    pub old_not_after: String,
    /// The new certificate's end of validity.
    pub new_not_after: String,
    /// SHA-256 of the replaced certificate's public key (SubjectPublicKeyInfo).
    pub old_key_sha256: String,
    /// SHA-256 of the new certificate's public key.
    pub new_key_sha256: String,
    /// When the client CA changed: amphorae created before `at` hold the
    /// replaced certificate and refuse the controllers from this moment on
    /// (its not-after after a renewal; `at` itself after a rotation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amphorae_deadline: Option<String>,
    /// The replaced certificate itself (DER, in base64 without PEM armour, so
    /// that nothing looking for certificate files mistakes the history for
    /// one), when amphorae hold it (with `amphorae_deadline`): the trust store
    /// of that generation of amphorae, which the rehearsal plays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_certificate: Option<String>,
}

/// What a history entry records. Written to the file as the command that
/// did it (`rotate client-ca --staged`), which is the file's format; an
/// action this version does not know (a newer one wrote it) is kept as read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// `renew client`: a new client certificate from the same CA.
    RenewClient,
    /// `renew server-ca`, `renew client-ca`: the CA re-issued with its key.
    Renew(CaRole),
    /// `rotate server-ca`, `rotate client-ca` (each CA of `rotate all`): a new key at once.
    Rotate(CaRole),
    /// `rotate server-ca --staged`: the server CA file holds the new CA, then
    /// the old; `rotate client-ca --staged`: the bundle carries a cross-certificate.
    Staged(CaRole),
    /// `rotate finish server-ca`: the old server CA left the file;
    /// `rotate finish client-ca`: the cross-certificate left the bundle.
    Finish(CaRole),
    /// `generate --force: server-ca`: a new set replaced this CA.
    Generated(CaRole),
    /// An action of another version of this tool, as written.
    Other(String),
}

impl Action {
    /// Every action this version writes, for parsing.
    fn known() -> impl Iterator<Item = Action> {
        std::iter::once(Action::RenewClient).chain(CaRole::ALL.into_iter().flat_map(|ca| {
            [
                Action::Renew(ca),
                Action::Rotate(ca),
                Action::Staged(ca),
                Action::Finish(ca),
                Action::Generated(ca),
            ]
        }))
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::RenewClient => f.write_str("renew client"),
            Self::Renew(ca) => write!(f, "renew {ca}"),
            Self::Rotate(ca) => write!(f, "rotate {ca}"),
            Self::Staged(ca) => write!(f, "rotate {ca} --staged"),
            Self::Finish(ca) => write!(f, "rotate finish {ca}"),
            Self::Generated(ca) => write!(f, "generate --force: {ca}"),
            Self::Other(text) => f.write_str(text),
        }
    }
}

impl From<&str> for Action {
    fn from(text: &str) -> Self {
        Self::known()
            .find(|a| a.to_string() == text)
            .unwrap_or_else(|| Self::Other(text.to_owned()))
    }
}

impl Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// In a report's schema: the action as text (`renew server-ca`, `rotate all`...).
impl schemars::JsonSchema for Action {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Action".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string"})
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(Action::from(String::deserialize(d)?.as_str()))
    }
}

impl HistoryEntry {
    /// An entry for `old` replaced by `new`, now.
    pub(crate) fn new(
        action: Action,
        old: &Certificate,
        new: &Certificate,
        amphorae_deadline: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Self {
        Self {
            at: rfc3339(now),
            action,
            subject: old.subject().to_owned(),
            old_not_after: old.not_after_rfc3339(),
            new_not_after: new.not_after_rfc3339(),
            old_key_sha256: old.public_key_sha256(),
            new_key_sha256: new.public_key_sha256(),
            amphorae_deadline: amphorae_deadline.map(rfc3339),
            old_certificate: amphorae_deadline.map(|_| {
                old.to_pem()
                    .lines()
                    .filter(|l| !l.starts_with("-----"))
                    .collect()
            }),
        }
    }

    /// The `rotate finish` of `ca`'s staged rotation this entry records, at
    /// `now`, when its certificates are no longer in the set: the entry's
    /// own subject, dates and keys.
    pub(crate) fn ended(&self, ca: CaRole, now: OffsetDateTime) -> Self {
        Self {
            at: rfc3339(now),
            action: Action::Finish(ca),
            amphorae_deadline: None,
            old_certificate: None,
            ..self.clone()
        }
    }

    /// The replaced certificate, when the entry keeps it.
    pub fn old_certificate(&self) -> Option<Certificate> {
        let base64 = self.old_certificate.as_deref()?;
        let pem = format!("-----BEGIN CERTIFICATE-----\n{base64}\n-----END CERTIFICATE-----\n");
        Certificate::all_from_file_bytes(pem.as_bytes())
            .ok()?
            .into_iter()
            .next()
    }

    /// When it happened.
    pub fn at(&self) -> Option<OffsetDateTime> {
        OffsetDateTime::parse(&self.at, &Rfc3339).ok()
    }

    /// Until when amphorae created before it accept the controllers, if the
    /// client CA changed.
    pub fn deadline(&self) -> Option<OffsetDateTime> {
        self.amphorae_deadline
            .as_deref()
            .and_then(|d| OffsetDateTime::parse(d, &Rfc3339).ok())
    }
}

/// The entries of CAs replaced at once with new keys (`rotate`, `generate
/// --force`), as (action, replaced, new), in order: the last is the CA the
/// amphorae trust when `amphorae_cut_off`, with a deadline of `now` (every
/// amphora booted before refuses the controllers from then on).
pub(crate) fn replaced_at_once(
    replaced: &[(Action, &Certificate, &Certificate)],
    amphorae_cut_off: bool,
    now: OffsetDateTime,
) -> Vec<HistoryEntry> {
    let last = replaced.len().saturating_sub(1);
    replaced
        .iter()
        .enumerate()
        .map(|(i, (action, old, new))| {
            let deadline = (amphorae_cut_off && i == last).then_some(now);
            HistoryEntry::new(action.clone(), old, new, deadline, now)
        })
        .collect()
}

/// A time as the history and the next steps write it.
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// The history file of a work directory.
pub fn history_file(work_dir: &Path) -> PathBuf {
    work_dir.join(HISTORY_FILE)
}

/// Reads a work directory's history (empty when there is none). A line that
/// is not an entry is an error naming the file and the line.
pub fn read_history(work_dir: &Path, vault: Option<&Passphrase>) -> Result<Vec<HistoryEntry>> {
    let path = history_file(work_dir);
    if !fsio::exists(&path) {
        return Ok(Vec::new());
    }
    parse(
        &path,
        &String::from_utf8_lossy(&fsio::read_file_of(&path, fsio::FileKind::History, vault)?),
    )
}

/// The entries of a history file's text; `path` names it in errors.
fn parse(path: &Path, text: &str) -> Result<Vec<HistoryEntry>> {
    let invalid = |line: usize, why: String| crate::fsio::FsError::Read {
        path: path.to_owned(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("line {line}: {why}"),
        ),
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| Error::from(invalid(i + 1, e.to_string())))
        })
        .collect()
}

/// The history file with `entries` appended, to be written with the change.
pub(crate) fn appended(
    work_dir: &Path,
    entries: &[HistoryEntry],
    vault: Option<&Passphrase>,
) -> Result<PlannedFile> {
    let path = history_file(work_dir);
    let mut text = if fsio::exists(&path) {
        let text =
            String::from_utf8_lossy(&fsio::read_file_of(&path, fsio::FileKind::History, vault)?)
                .into_owned();
        parse(&path, &text)?; // never append to a history that cannot be read back
        text
    } else {
        String::new()
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    for entry in entries {
        let line = serde_json::to_string(entry).map_err(|e| Error::Internal {
            detail: e.to_string(),
        })?;
        text.push_str(&line);
        text.push('\n');
    }
    Ok(PlannedFile::public(path, text))
}

/// A client CA change and the moment the amphorae created before it stop
/// accepting the controllers, at the latest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AmphoraeDeadline<'a> {
    /// The change: amphorae created before its `at` hold an older client CA
    /// certificate.
    pub change: &'a HistoryEntry,
    /// Its own deadline ([`HistoryEntry::deadline`]) or, when earlier, the
    /// moment a later change cut those amphorae off.
    pub deadline: OffsetDateTime,
}

/// Every client CA change of the history, in order, with its deadline, ahead
/// or passed: its own, or the moment a later change cut the amphorae created
/// before it off, if that came first. Whether any such amphora still runs
/// is the amphora list's to say (its `created_at`).
pub fn amphorae_deadlines(history: &[HistoryEntry]) -> Vec<AmphoraeDeadline<'_>> {
    history
        .iter()
        .enumerate()
        .filter_map(|(i, change)| {
            let own = change.deadline()?;
            let deadline = cut_off_after(history, i).map_or(own, |cut| cut.min(own));
            Some(AmphoraeDeadline { change, deadline })
        })
        .collect()
}

/// The client CA changes whose deadline is still ahead: amphorae created
/// before each must be failed over by then. A change whose amphorae a later
/// one cut off (an immediate rotation, the `rotate finish` of a staged client
/// CA rotation) no longer counts: the amphorae it concerned are gone (or,
/// when forced, already cut off).
pub fn pending_deadlines(history: &[HistoryEntry], now: OffsetDateTime) -> Vec<&HistoryEntry> {
    amphorae_deadlines(history)
        .into_iter()
        .filter(|d| d.deadline > now)
        .map(|d| d.change)
        .collect()
}

/// When the first change after entry `i` cut off every amphora created
/// before it, if one did: an immediate change of the CA amphorae trust (a
/// rotation, or a set generated anew: its deadline is its own time, and every
/// amphora booted before refused the controllers from that moment), or the
/// `rotate finish client-ca` of a staged rotation at or after `i` (the
/// cross-certificate those amphorae verified the controllers through left
/// the bundle; one created before an earlier renewal verified through it too).
fn cut_off_after(history: &[HistoryEntry], i: usize) -> Option<OffsetDateTime> {
    let mut staged = history[i].action == Action::Staged(CaRole::ClientCa);
    for e in &history[i + 1..] {
        let immediate = e
            .deadline()
            .is_some_and(|d| e.at().is_some_and(|at| d <= at));
        let finish = staged && e.action == Action::Finish(CaRole::ClientCa);
        if let Some(at) = e.at().filter(|_| immediate || finish) {
            return Some(at);
        }
        staged |= e.action == Action::Staged(CaRole::ClientCa);
    }
    None
}

/// The latest staged rotation of `ca` not yet finished.
pub fn unfinished(history: &[HistoryEntry], ca: CaRole) -> Option<&HistoryEntry> {
    let last = history
        .iter()
        .rposition(|e| e.action == Action::Staged(ca))?;
    (!finished_after(history, last, ca)).then(|| &history[last])
}

/// The staged server CA rotation `history` records in flight at `now` whose
/// server CA file (`server_ca`, its certificates) no longer holds the
/// replaced CA: every amphora issued before the rotation serves a
/// certificate the controllers then refuse. `None` once the replaced CA has
/// expired (those amphorae are refused anyway), or when the file holds it.
pub(crate) fn server_ca_rotation_lost<'h>(
    history: &'h [HistoryEntry],
    server_ca: &[Certificate],
    now: OffsetDateTime,
) -> Option<&'h HistoryEntry> {
    let entry = unfinished(history, CaRole::ServerCa)?;
    let replaced_valid = OffsetDateTime::parse(&entry.old_not_after, &Rfc3339)
        .is_ok_and(|not_after| not_after > now);
    let kept = server_ca
        .iter()
        .any(|c| c.public_key_sha256() == entry.old_key_sha256);
    (replaced_valid && !kept).then_some(entry)
}

/// Whether a change that ends a staged rotation of `ca` follows entry `i`:
/// its `rotate finish`, or a replacement of that CA at once (an immediate
/// rotation, a set generated anew), which abandons it.
fn finished_after(history: &[HistoryEntry], i: usize, ca: CaRole) -> bool {
    history[i + 1..].iter().any(|e| {
        e.action == Action::Finish(ca)
            || e.action == Action::Rotate(ca)
            || e.action == Action::Generated(ca)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, deadline: Option<&str>) -> HistoryEntry {
        HistoryEntry {
            at: "2026-01-01T00:00:00Z".into(),
            action: Action::from(action),
            subject: "CN=ca".into(),
            old_not_after: "2030-01-01T00:00:00Z".into(),
            new_not_after: "2036-01-01T00:00:00Z".into(),
            old_key_sha256: "00".into(),
            new_key_sha256: "11".into(),
            amphorae_deadline: deadline.map(str::to_owned),
            old_certificate: None,
        }
    }

    #[test]
    fn finishing_a_staged_client_ca_rotation_ends_the_deadlines_up_to_it_and_no_later_one() {
        let now = OffsetDateTime::parse("2027-01-01T00:00:00Z", &Rfc3339).unwrap();
        let ahead = Some("2030-01-01T00:00:00Z");
        let renewed = entry("renew client-ca", ahead);
        let staged = entry("rotate client-ca --staged", ahead);
        let mut finished = entry("rotate finish client-ca", None);
        finished.at = "2026-06-01T00:00:00Z".into();
        let server = entry("rotate finish server-ca", None);
        let mut later = entry("renew client-ca", Some("2031-01-01T00:00:00Z"));
        later.at = "2026-07-01T00:00:00Z".into();
        assert_eq!(staged.action, Action::Staged(CaRole::ClientCa));
        assert_eq!(server.action, Action::Finish(CaRole::ServerCa));
        let history = [renewed.clone(), staged.clone()];
        assert_eq!(pending_deadlines(&history, now), [&renewed, &staged]);
        // The finish drops the cross-certificate: amphorae created before the
        // staged rotation, and so before the earlier renewal, are cut off then.
        let history = [
            renewed.clone(),
            staged.clone(),
            server.clone(),
            finished.clone(),
            later.clone(),
        ];
        assert_eq!(pending_deadlines(&history, now), [&later]);
        let cut = finished.at().unwrap();
        let deadlines: Vec<_> = amphorae_deadlines(&history)
            .iter()
            .map(|d| (d.change.action.to_string(), d.deadline))
            .collect();
        assert_eq!(
            deadlines,
            [
                ("renew client-ca".to_owned(), cut),
                ("rotate client-ca --staged".to_owned(), cut),
                ("renew client-ca".to_owned(), later.deadline().unwrap()),
            ]
        );
        // A server CA rotation's finish ends nothing.
        assert_eq!(
            pending_deadlines(&[renewed.clone(), staged.clone(), server], now),
            [&renewed, &staged]
        );
        // A deadline passed is no longer pending, and is still a deadline.
        let history = [entry("renew client-ca", Some("2026-06-01T00:00:00Z"))];
        assert!(pending_deadlines(&history, now).is_empty());
        assert_eq!(
            amphorae_deadlines(&history)[0].deadline,
            history[0].deadline().unwrap()
        );
    }

    #[test]
    fn an_immediate_client_ca_rotation_ends_every_earlier_deadline() {
        let now = OffsetDateTime::parse("2027-01-01T00:00:00Z", &Rfc3339).unwrap();
        let renewed = entry("renew client-ca", Some("2030-01-01T00:00:00Z"));
        // The rotation's own deadline is its time: amphorae before it are cut off.
        let mut rotated = entry("rotate client-ca", Some("2026-12-01T00:00:00Z"));
        rotated.at = "2026-12-01T00:00:00Z".into();
        let history = [renewed.clone(), rotated.clone()];
        assert!(pending_deadlines(&history, now).is_empty());
        // Both deadlines are the rotation's moment: it cut off every amphora before.
        let cut = rotated.at().unwrap();
        assert!(
            amphorae_deadlines(&history)
                .iter()
                .all(|d| d.deadline == cut)
        );
        // A server CA rotation (no deadline) ends nothing.
        let server = entry("rotate server-ca", None);
        assert_eq!(
            pending_deadlines(&[renewed.clone(), server], now),
            [&renewed]
        );
    }

    #[test]
    fn a_history_line_that_is_not_an_entry_names_the_file_and_the_line() {
        let err = parse(Path::new("/w/octavia-pki-history.jsonl"), "\n{}\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("/w/octavia-pki-history.jsonl") && err.contains("line 2"),
            "{err}"
        );
    }

    #[test]
    fn actions_are_written_as_the_commands_and_read_back_typed() {
        for action in Action::known() {
            let json = serde_json::to_string(&action).unwrap();
            assert_eq!(serde_json::from_str::<Action>(&json).unwrap(), action);
        }
        assert_eq!(
            serde_json::to_string(&Action::Generated(CaRole::ClientCa)).unwrap(),
            "\"generate --force: client-ca\""
        );
        // A newer version's action is kept as written.
        let other: Action = serde_json::from_str("\"rotate both --someday\"").unwrap();
        assert_eq!(other, Action::Other("rotate both --someday".into()));
        assert_eq!(other.to_string(), "rotate both --someday");
    }
}
