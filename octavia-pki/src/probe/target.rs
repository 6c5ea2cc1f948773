//! What to probe: `AMPHORA_ID@HOST[:PORT]` or `HOST[:PORT]` on the command
//! line, or the JSON `openstack loadbalancer amphora list -f json` (or
//! `amphora show -f json`) prints.

use std::fmt;
use std::io::{Read, Seek};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use crate::fsio::FileKind;

/// The amphora agent's port (`[haproxy_amphora] bind_port`).
pub const AGENT_PORT: u16 = 9443;

/// One amphora to probe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Target {
    /// The amphora id: the host name its certificate must carry. Without it,
    /// only the chain is verified.
    pub amphora_id: Option<String>,
    /// Its management address (`lb_network_ip`), or `None`: not probed.
    pub address: Option<String>,
    /// The agent's port.
    pub port: u16,
    /// What Octavia's database says, where the amphora list gave it.
    #[serde(skip_serializing_if = "Record::is_empty")]
    pub record: Record,
}

/// What the amphora list says of one amphora, besides its id and address.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(default)]
#[non_exhaustive]
pub struct Record {
    /// `status` (ALLOCATED, ERROR...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `role` (STANDALONE, MASTER, BACKUP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// `loadbalancer_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loadbalancer_id: Option<String>,
    /// `cert_expiration`: when the database believes the amphora's certificate expires.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    #[schemars(with = "Option<String>")]
    pub cert_expiration: Option<OffsetDateTime>,
    /// `created_at`: when the amphora was created (booted with the client CA of that day).
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    #[schemars(with = "Option<String>")]
    pub created_at: Option<OffsetDateTime>,
    /// `cert_busy`: housekeeping has taken the amphora's certificate for
    /// rotation; still true long after, the rotation failed and is never
    /// retried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_busy: Option<bool>,
}

impl Record {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Why targets could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// A command-line target that is not `[ID@]HOST[:PORT]`.
    #[error(
        "target \"{target}\": {why} (expected AMPHORA_ID@HOST[:PORT] or HOST[:PORT]; IPv6 as [ADDRESS])"
    )]
    Syntax {
        /// The target as given.
        target: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The amphora list is not what the openstack client prints.
    #[error(
        "{0} (expected the JSON of `openstack loadbalancer amphora list -f json`, or of one or more `amphora show -f json`)"
    )]
    AmphoraList(String),
    /// The amphora list could not be read, or held while it is probed.
    #[error("cannot read the amphora list: {0}")]
    Unreadable(String),
    /// An amphora list larger than any this reads.
    #[error("more than {limit} bytes, the most {} can be here", FileKind::AmphoraList.name())]
    TooLarge {
        /// The cap, in bytes.
        limit: u64,
    },
}

impl Target {
    /// A target at `address`, with the agent's port.
    pub fn new(amphora_id: Option<String>, address: impl Into<String>) -> Self {
        Self {
            amphora_id,
            address: Some(address.into()),
            port: AGENT_PORT,
            record: Record::default(),
        }
    }

    /// Parses `AMPHORA_ID@HOST[:PORT]` or `HOST[:PORT]`; `default_port` when
    /// none is given.
    pub fn parse(text: &str, default_port: u16) -> Result<Self, TargetError> {
        let bad = |why| TargetError::Syntax {
            target: text.to_owned(),
            why,
        };
        let (id, hostport) = match text.rsplit_once('@') {
            Some((id, rest)) => {
                if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                    return Err(bad("the amphora id holds characters no amphora id has"));
                }
                (Some(id.to_owned()), rest)
            }
            None => (None, text),
        };
        let (host, port) = if let Some(rest) = hostport.strip_prefix('[') {
            let (host, after) = rest.split_once(']').ok_or_else(|| bad("no closing ]"))?;
            if host.parse::<std::net::Ipv6Addr>().is_err() {
                return Err(bad("not an IPv6 address between [ and ]"));
            }
            match after {
                "" => (host, None),
                _ => (
                    host,
                    Some(after.strip_prefix(':').ok_or_else(|| bad("text after ]"))?),
                ),
            }
        } else {
            match hostport.split_once(':') {
                Some((host, port)) => {
                    if port.contains(':') {
                        return Err(bad("an IPv6 address must be written [ADDRESS]"));
                    }
                    (host, Some(port))
                }
                None => (hostport, None),
            }
        };
        if host.is_empty()
            || !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-_:".contains(c))
        {
            return Err(bad("not a host name or address"));
        }
        let port = match port {
            None => default_port,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| bad("the port is not a number from 1 to 65535"))?,
        };
        Ok(Self {
            amphora_id: id,
            address: Some(host.to_owned()),
            port,
            record: Record::default(),
        })
    }
}

impl FromStr for Target {
    type Err = TargetError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s, AGENT_PORT)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(id) = &self.amphora_id {
            write!(f, "{id}@")?;
        }
        match &self.address {
            Some(a) if a.contains(':') => write!(f, "[{a}]:{}", self.port),
            Some(a) => write!(f, "{a}:{}", self.port),
            None => f.write_str("(no address)"),
        }
    }
}

/// Reads the amphora list: a JSON array of amphorae, or one amphora object,
/// as the openstack client prints them (`id`, `lb_network_ip`, and where
/// present `status`, `role`, `loadbalancer_id`, `cert_expiration`,
/// `created_at`, `cert_busy`). Every amphora gets `port`.
pub fn targets_from_amphora_json(text: &str, port: u16) -> Result<Vec<Target>, TargetError> {
    let mut targets = Vec::new();
    read_amphora_json(text.as_bytes(), port, &mut |t| {
        targets.push(t);
        true
    })?;
    Ok(targets)
}

/// Reads an amphora list from `reader` as [`targets_from_amphora_json`]
/// reads its text, streaming: each amphora is handed to `each` as soon as it
/// is read, and only one is in memory at a time. `each` returns `false` to
/// stop the reading there. Returns how many amphorae were handed over.
pub fn read_amphora_json(
    reader: impl Read,
    port: u16,
    each: &mut dyn FnMut(Target) -> bool,
) -> Result<usize, TargetError> {
    // One list, one object, or several documents one after the other: what
    // `amphora list -f value -c id | xargs -n1 openstack loadbalancer amphora
    // show -f json` prints (only `show` gives created_at).
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
    let mut documents = Documents {
        port,
        each,
        count: 0,
        failed: None,
        stopped: false,
    };
    let mut read = 0;
    // `end` fails while anything but white space is left.
    while de.end().is_err() {
        if let Err(e) = serde::de::DeserializeSeed::deserialize(&mut documents, &mut de) {
            if let Some(failed) = documents.failed.take() {
                return Err(failed);
            }
            if documents.stopped {
                return Ok(documents.count);
            }
            if e.is_io() {
                return Err(TargetError::Unreadable(e.to_string()));
            }
            return Err(TargetError::AmphoraList(format!("not JSON: {e}")));
        }
        read += 1;
    }
    if read == 0 {
        return Err(TargetError::AmphoraList("empty".into()));
    }
    Ok(documents.count)
}

/// The documents of an amphora list, read one amphora at a time.
struct Documents<'a> {
    port: u16,
    each: &'a mut dyn FnMut(Target) -> bool,
    /// Amphorae read so far.
    count: usize,
    /// Why the list is refused, when the JSON itself is fine.
    failed: Option<TargetError>,
    /// Whether `each` asked to stop.
    stopped: bool,
}

impl Documents<'_> {
    /// One amphora, as the JSON gives it.
    fn take<E: serde::de::Error>(&mut self, item: &Value) -> Result<(), E> {
        self.count += 1;
        match amphora(item, self.port) {
            Ok(target) => {
                if (self.each)(target) {
                    Ok(())
                } else {
                    self.stopped = true;
                    Err(E::custom("stopped"))
                }
            }
            Err(why) => self.fail(format!("amphora {} of the list: {why}", self.count)),
        }
    }

    fn fail<E: serde::de::Error>(&mut self, why: String) -> Result<(), E> {
        let error = E::custom(&why);
        self.failed = Some(TargetError::AmphoraList(why));
        Err(error)
    }

    fn neither<E: serde::de::Error>(&mut self) -> Result<(), E> {
        self.fail("neither a list nor an object".into())
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for &mut Documents<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for &mut Documents<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of amphorae or one amphora")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<Value>()? {
            self.take(&item)?;
        }
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let item = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        self.take(&item)
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.neither()
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.neither()
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.neither()
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.neither()
    }

    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        self.neither()
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.neither()
    }
}

/// How many amphorae are read ahead of the probe.
const READ_AHEAD: usize = 64;

/// An amphora list of any length (up to [`FileKind::AmphoraList`]'s cap),
/// read in bounded memory. [`AmphoraList::read`] copies it into a private
/// temporary file (unlinked at once: nothing is left behind, and nothing
/// else can change it) and reads it through, checking every amphora and
/// counting them, so that a malformed list is refused before any amphora is
/// probed; [`AmphoraList::targets`] reads it again, one amphora at a time, as
/// the probe takes them.
#[derive(Debug)]
pub struct AmphoraList {
    file: std::fs::File,
    len: usize,
    port: u16,
}

impl AmphoraList {
    /// Reads the amphora list `reader` gives (standard input, a file, a
    /// decrypted vault): each amphora gets `port`.
    pub fn read(reader: impl Read, port: u16) -> Result<Self, TargetError> {
        let unreadable = |e: std::io::Error| TargetError::Unreadable(e.to_string());
        let limit = FileKind::AmphoraList.limit();
        let mut file = tempfile::tempfile().map_err(|e| {
            TargetError::Unreadable(format!("cannot hold it in a temporary file: {e}"))
        })?;
        let copied = std::io::copy(&mut reader.take(limit + 1), &mut file).map_err(unreadable)?;
        if copied > limit {
            return Err(TargetError::TooLarge { limit });
        }
        file.rewind().map_err(unreadable)?;
        let len = read_amphora_json(&file, port, &mut |_| true)?;
        Ok(Self { file, len, port })
    }

    /// How many amphorae it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds none (never: an empty list is refused).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The amphorae, in order, read a few ahead of the caller by a thread of
    /// their own.
    pub fn targets(&self) -> Result<AmphoraTargets, TargetError> {
        let unreadable = |e: std::io::Error| TargetError::Unreadable(e.to_string());
        let mut file = self.file.try_clone().map_err(unreadable)?;
        file.rewind().map_err(unreadable)?;
        let port = self.port;
        let (sender, receiver) = std::sync::mpsc::sync_channel(READ_AHEAD);
        let reader = std::thread::spawn(move || {
            // A closed channel: the caller stopped taking them.
            read_amphora_json(file, port, &mut |t| sender.send(t).is_ok())
        });
        Ok(AmphoraTargets {
            receiver: Some(receiver),
            reader: Some(reader),
        })
    }
}

/// The amphorae of an [`AmphoraList`], as they are read.
#[derive(Debug)]
pub struct AmphoraTargets {
    receiver: Option<std::sync::mpsc::Receiver<Target>>,
    reader: Option<std::thread::JoinHandle<Result<usize, TargetError>>>,
}

impl Iterator for AmphoraTargets {
    type Item = Target;

    fn next(&mut self) -> Option<Target> {
        self.receiver.as_ref()?.recv().ok()
    }
}

impl AmphoraTargets {
    /// Stops the reading; the error that ended it early, if one did (the
    /// list is read a second time: a disk can fail in between).
    pub fn finish(mut self) -> Result<(), TargetError> {
        self.stop().map(|_| ())
    }

    fn stop(&mut self) -> Result<usize, TargetError> {
        // Unblocks a reader waiting to hand over the next amphora.
        self.receiver = None;
        match self.reader.take().map(std::thread::JoinHandle::join) {
            None => Ok(0),
            Some(Ok(read)) => read,
            Some(Err(_)) => Err(TargetError::Unreadable(
                "the thread reading it failed".into(),
            )),
        }
    }
}

impl Drop for AmphoraTargets {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

fn amphora(item: &Value, port: u16) -> Result<Target, String> {
    let object = item.as_object().ok_or("not an object")?;
    let text = |key: &str| -> Result<Option<String>, String> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!("\"{key}\" is {other}, not text")),
        }
    };
    let time = |key: &str| -> Result<Option<OffsetDateTime>, String> {
        text(key)?
            .map(|s| parse_time(&s).ok_or_else(|| format!("\"{key}\" is not a time: \"{s}\"")))
            .transpose()
    };
    let id = text("id")?.ok_or("no \"id\"")?;
    Ok(Target {
        amphora_id: Some(id),
        address: text("lb_network_ip")?,
        port,
        record: Record {
            status: text("status")?,
            role: text("role")?,
            loadbalancer_id: text("loadbalancer_id")?,
            cert_expiration: time("cert_expiration")?,
            created_at: time("created_at")?,
            cert_busy: match object.get("cert_busy") {
                None | Some(Value::Null) => None,
                Some(Value::Bool(busy)) => Some(*busy),
                Some(other) => return Err(format!("\"cert_busy\" is {other}, not true or false")),
            },
        },
    })
}

/// The openstack client prints times as Octavia's API gives them:
/// `2026-12-01T10:00:00` (UTC, no offset), sometimes with fractions or an
/// offset.
fn parse_time(text: &str) -> Option<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t);
    }
    let naive = text.trim_end_matches('Z');
    let formats = [
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]"),
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
    ];
    formats
        .iter()
        .find_map(|f| time::PrimitiveDateTime::parse(naive, f).ok())
        .map(time::PrimitiveDateTime::assume_utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_with_and_without_id_port_and_brackets() {
        let t = Target::parse("5c1b0f7e-aaaa@10.0.0.5", 9443).unwrap();
        assert_eq!(
            (t.amphora_id.as_deref(), t.address.as_deref(), t.port),
            (Some("5c1b0f7e-aaaa"), Some("10.0.0.5"), 9443)
        );
        let t = Target::parse("[fd00::5]:19443", 9443).unwrap();
        assert_eq!((t.address.as_deref(), t.port), (Some("fd00::5"), 19443));
        assert_eq!(t.to_string(), "[fd00::5]:19443");
        let t: Target = "amphora.example.org".parse().unwrap();
        assert_eq!(t.port, AGENT_PORT);
        for bad in [
            "",
            "@10.0.0.1",
            "10.0.0.1:",
            "10.0.0.1:0",
            "10.0.0.1:70000",
            "fd00::5",
            "[fd00::5",
            "[not-v6]:1",
            "a b",
            "id@",
            "i d@host",
            "[fd00::1]x",
        ] {
            assert!(Target::parse(bad, 9443).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn the_amphora_list_is_read_as_the_openstack_client_prints_it() {
        let list = r#"[{"id": "a1", "loadbalancer_id": "lb1", "compute_id": "c", "lb_network_ip": "192.0.2.7",
            "vrrp_ip": null, "ha_ip": null, "vrrp_port_id": null, "ha_port_id": null,
            "cert_expiration": "2026-12-20T10:00:00", "cert_busy": false, "role": "STANDALONE",
            "status": "ALLOCATED", "created_at": "2026-11-20T10:00:00.123456"},
            {"id": "a2", "lb_network_ip": null, "status": "ERROR"}]"#;
        let targets = targets_from_amphora_json(list, 9443).unwrap();
        assert_eq!(targets.len(), 2);
        assert_eq!(targets[0].address.as_deref(), Some("192.0.2.7"));
        assert_eq!(
            targets[0].record.cert_expiration.unwrap().to_string(),
            "2026-12-20 10:00:00.0 +00:00:00"
        );
        assert!(targets[0].record.created_at.is_some());
        assert_eq!(targets[0].record.cert_busy, Some(false));
        assert_eq!(targets[1].record.cert_busy, None);
        assert_eq!(targets[1].address, None);
        let one =
            targets_from_amphora_json(r#"{"id": "a3", "lb_network_ip": "fd00::3"}"#, 1).unwrap();
        assert_eq!(one[0].to_string(), "a3@[fd00::3]:1");
        // `xargs -n1 openstack loadbalancer amphora show -f json`: objects in a row.
        let shows = targets_from_amphora_json(
            "{\"id\": \"a1\", \"lb_network_ip\": \"192.0.2.1\"}\n{\"id\": \"a2\", \"lb_network_ip\": \"192.0.2.2\"}\n",
            1,
        )
        .unwrap();
        assert_eq!(shows.len(), 2);
        for bad in [
            "",
            "{",
            "3",
            r#"[{"lb_network_ip": "1.2.3.4"}]"#,
            r#"[{"id": 5}]"#,
            r#"[{"id": "x", "cert_expiration": "soon"}]"#,
            r#"[{"id": "x", "cert_busy": "no"}]"#,
        ] {
            assert!(targets_from_amphora_json(bad, 1).is_err(), "{bad:?} read");
        }
    }

    #[test]
    fn a_long_list_is_checked_whole_then_read_again_one_amphora_at_a_time() {
        let row = |i: usize| {
            format!(
                "{{\"id\": \"a{i}\", \"lb_network_ip\": \"192.0.2.{}\", \"created_at\": \"2026-11-20T10:00:00\"}}",
                i % 250
            )
        };
        let rows: Vec<String> = (0..5000).map(row).collect();
        let text = format!("[{}]\n{}\n", rows.join(",\n"), row(5000));
        let list = AmphoraList::read(text.as_bytes(), 9443).unwrap();
        assert_eq!(list.len(), 5001);
        let mut targets = list.targets().unwrap();
        let read: Vec<Target> = (&mut targets).collect();
        targets.finish().unwrap();
        assert_eq!(read, targets_from_amphora_json(&text, 9443).unwrap());
        // Taken again, and left after a few: the reader stops.
        let few: Vec<Target> = list.targets().unwrap().take(3).collect();
        assert_eq!(few[2].amphora_id.as_deref(), Some("a2"));
        // A bad amphora far down the list refuses the whole list at once.
        let bad = format!("[{}, {{\"lb_network_ip\": \"192.0.2.1\"}}]", rows.join(","));
        let err = AmphoraList::read(bad.as_bytes(), 9443).unwrap_err();
        assert_eq!(
            err,
            TargetError::AmphoraList("amphora 5001 of the list: no \"id\"".into())
        );
    }
}
