//! octavia.conf read as Octavia reads it: the library's `OctaviaConf`
//! against Octavia 19's own oslo.config (`octavia_peer.py conf`), on the
//! file kolla-ansible's template renders and on files that exercise
//! oslo.config's rules (later files win, repeated sections, quotes, `:`,
//! comments, continuation lines, unset options and their defaults).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use octavia_pki::Role;
use octavia_pki::octavia_conf::OctaviaConf;

use crate::common::*;

/// SHA-256 of `text` as hex, by the `openssl` CLI (the passphrase itself is
/// never compared in the clear, nor put on a command line).
fn sha256(text: &str) -> String {
    let mut child = Command::new("openssl")
        .args(["dgst", "-sha256", "-r"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

/// What Octavia reads from `files`, and what the library reads.
fn both(files: &[PathBuf]) -> (serde_json::Value, serde_json::Value) {
    let octavia: serde_json::Value =
        serde_json::from_str(ok(python().arg("conf").args(files)).trim()).unwrap();
    let conf = OctaviaConf::read(files, None).unwrap();
    let ours = serde_json::json!({
        "ca_certificate": conf.file(Role::CaCertificate).value,
        "ca_private_key": conf.file(Role::CaPrivateKey).value,
        "server_ca": conf.file(Role::ServerCa).value,
        "client_cert": conf.file(Role::ClientCert).value,
        "client_ca": conf.file(Role::ClientCa).value,
        "ca_private_key_passphrase_sha256":
            conf.ca_private_key_passphrase().map(|p| sha256(p.expose())),
    });
    (octavia, ours)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_pki_options_read_as_octavias_own_oslo_config_reads_them() {
    let tmp = tempfile::tempdir().unwrap();
    let kolla = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/node/cases/clean/kolla/octavia-worker/octavia.conf");
    let main = write(
        tmp.path(),
        "octavia.conf",
        "[DEFAULT]\ndebug = False\n\n[certificates]\n# the issuing CA\nca_certificate = /etc/octavia/certs/ca.pem\n\
         ca_private_key: \"/etc/octavia/certs/ca.key\"\nca_private_key_passphrase =  'a secret # not a comment'  \n\
         [haproxy_amphora]\nserver_ca = /etc/octavia/certs/server_ca.pem\n; another comment\n\
         client_cert = /etc/octavia/certs/client.pem\n[certificates]\nca_certificate = /etc/octavia/certs/intermediate.pem\n",
    );
    let drop_in = write(
        tmp.path(),
        "octavia-pki.conf",
        "[controller_worker]\nclient_ca = /etc/octavia/certs/client_ca.pem\n[haproxy_amphora]\nclient_cert = /etc/octavia/certs/client\n  bundle.pem\n",
    );
    let bare = write(tmp.path(), "bare.conf", "[DEFAULT]\ndebug = True\n");
    for files in [
        vec![kolla.clone()],
        vec![main.clone()],
        vec![main.clone(), drop_in.clone()],
        vec![drop_in, main],
        vec![bare],
    ] {
        let (octavia, ours) = both(&files);
        assert_eq!(ours, octavia, "{files:?}");
    }
}
