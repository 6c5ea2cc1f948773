//! The published JSON schemas of the `--format json` reports, generated from
//! the Rust types the reports serialize (schemars), so they cannot drift.
//! Each report carries its schema's version as `schema_version`; the
//! schemas are committed under `schemas/` and a test fails when one changes
//! without its version going up (`tests/suite/schemas.rs`).
//!
//! The reports' types are the library's, next to what they report; the one
//! the CLI owns, [`ErrorReport`] (any command's failure), is defined here.
//! So this module imports no command and no printing: the commands and
//! `output.rs` import it.

use schemars::{JsonSchema, Schema};
use serde::Serialize;

/// A published report: its schema's name, the version its reports carry,
/// and the schema of its body.
#[derive(Clone, Copy)]
pub struct Published {
    /// The schema's name: `schemas/<name>.schema.json`, `octavia-pki schema <name>`.
    pub name: &'static str,
    /// Which command prints it.
    pub command: &'static str,
    /// The version of the schema; raised with every change to it.
    pub version: u32,
    body: fn() -> Schema,
}

/// `generate --format json`.
pub const GENERATE: Published = Published::new(
    "generate",
    "generate",
    4,
    body::<octavia_pki::GenerateReport<'static>>,
);
/// `check --format json`.
pub const CHECK: Published =
    Published::new("check", "check", 4, body::<octavia_pki::check::Report>);
/// `rehearse --format json`.
pub const REHEARSE: Published = Published::new(
    "rehearse",
    "rehearse",
    3,
    body::<octavia_pki::rehearse::Rehearsal>,
);
/// `expiry --format json`.
pub const EXPIRY: Published = Published::new(
    "expiry",
    "expiry",
    2,
    body::<octavia_pki::expiry::ExpiryReport>,
);
/// `probe --format json`.
pub const PROBE: Published =
    Published::new("probe", "probe", 1, body::<octavia_pki::probe::ProbeReport>);
/// `node check --format json`.
pub const NODE_CHECK: Published = Published::new(
    "node-check",
    "node check",
    3,
    body::<octavia_pki::node::NodeReport>,
);
/// `deploy check --format json`.
pub const DEPLOY_CHECK: Published = Published::new(
    "deploy-check",
    "deploy check",
    3,
    body::<octavia_pki::deploy::DeployReport>,
);
/// `deploy plan --format json`.
pub const DEPLOY_PLAN: Published = Published::new(
    "deploy-plan",
    "deploy plan",
    1,
    body::<octavia_pki::deploy::Plan>,
);
/// `renew` and `rotate --format json` (`rotate finish` too).
pub const CHANGE: Published = Published::new(
    "change",
    "renew, rotate",
    3,
    body::<octavia_pki::lifecycle::ChangeReport<'static>>,
);
/// `recover --format json`.
pub const RECOVER: Published = Published::new(
    "recover",
    "recover",
    1,
    body::<octavia_pki::fsio::RecoverReport>,
);
/// `backups list` and `backups restore --format json`.
pub const BACKUPS: Published = Published::new(
    "backups",
    "backups",
    1,
    body::<octavia_pki::fsio::BackupsReport>,
);

/// What any command given `--format json` prints on standard output when it fails.
pub const ERROR: Published = Published::new("error", "any command", 1, body::<ErrorReport>);

/// What a command asked for JSON prints on standard output when it fails
/// (the message is on standard error too).
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ErrorReport {
    /// The failure.
    error: Failure,
}

/// A failure, as `ErrorReport` holds it.
#[derive(serde::Serialize, schemars::JsonSchema)]
struct Failure {
    /// What went wrong, as the message on standard error says it.
    message: String,
    /// The file it is about, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<std::path::PathBuf>,
    /// The command's exit status.
    exit_status: u8,
}

impl ErrorReport {
    /// The report of a failure: its message, the file it names, the status
    /// the command exits with.
    pub fn new(message: &str, file: Option<&std::path::Path>, exit_status: u8) -> Self {
        Self {
            error: Failure {
                message: message.to_owned(),
                file: file.map(std::path::Path::to_owned),
                exit_status,
            },
        }
    }
}

/// The schema of `T` as it is serialized (a field skipped when empty is
/// not required), Draft 2020-12.
fn body<T: JsonSchema>() -> Schema {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>();
    let mut value = schema.to_value();
    closed(&mut value);
    Schema::try_from(value).expect("a schema stays an object")
}

/// Every object schema with its properties listed refuses others: a field
/// a report gains without its schema fails validation.
fn closed(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(object) => {
            if object.contains_key("properties") && !object.contains_key("additionalProperties") {
                object.insert("additionalProperties".into(), false.into());
            }
            object.values_mut().for_each(closed);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(closed),
        _ => {}
    }
}

/// Every published schema.
pub const ALL: [Published; 12] = [
    GENERATE,
    CHECK,
    REHEARSE,
    EXPIRY,
    PROBE,
    NODE_CHECK,
    DEPLOY_CHECK,
    DEPLOY_PLAN,
    CHANGE,
    RECOVER,
    BACKUPS,
    ERROR,
];

impl Published {
    const fn new(
        name: &'static str,
        command: &'static str,
        version: u32,
        body: fn() -> Schema,
    ) -> Self {
        Self {
            name,
            command,
            version,
            body,
        }
    }

    /// The schema of the report as printed: its body with `schema_version`.
    pub fn schema(&self) -> Schema {
        let mut schema = (self.body)();
        let object = schema.ensure_object();
        object.insert(
            "$id".into(),
            format!(
                "https://octavia-pki.invalid/schemas/{}.schema.json",
                self.name
            )
            .into(),
        );
        object.insert(
            "description".into(),
            format!(
                "octavia-pki {} --format json, schema version {}",
                self.command, self.version
            )
            .into(),
        );
        if let Some(properties) = object
            .get_mut("properties")
            .and_then(serde_json::Value::as_object_mut)
        {
            properties.insert(
                "schema_version".into(),
                serde_json::json!({
                    "description": "The version of this schema the report follows",
                    "const": self.version,
                }),
            );
        }
        let required = object
            .entry("required")
            .or_insert_with(|| serde_json::json!([]));
        if let Some(required) = required.as_array_mut() {
            required.insert(0, "schema_version".into());
        }
        schema
    }
}

/// A report with its schema's version, first.
#[derive(Serialize)]
pub struct Versioned<'a, T: Serialize + JsonSchema> {
    schema_version: u32,
    #[serde(flatten)]
    report: &'a T,
}

/// `report`, carrying `published`'s version.
pub fn versioned<T: Serialize + JsonSchema>(report: &T, published: Published) -> Versioned<'_, T> {
    Versioned {
        schema_version: published.version,
        report,
    }
}
