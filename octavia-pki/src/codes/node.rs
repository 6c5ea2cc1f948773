//! The codes of `octavia-pki node check`: what a controller runs, beside the
//! certificate checker's codes on each service's own copies.

use super::{Code, code};

super::finding_codes! {
    namespace = "node";
    list = PLAIN;
    NO_OCTAVIA_SERVICE = "no-octavia-service", Error,
        "No Octavia service directory (octavia-worker, octavia-housekeeping, octavia-health-manager) in the kolla directory.",
        None,
        "Run the command on a controller, or give --kolla-dir (kolla-ansible renders /etc/kolla/<service>/ on the hosts of each group).",
        "node check reads what kolla-ansible rendered for the Octavia services that hold certificates. Without any of them there is nothing to check on this host.";
    SERVICE_ABSENT = "service-absent", Info,
        "A service is not deployed on this host (its directory is absent).",
        None,
        "Nothing to do if the inventory does not place it here.",
        "kolla-ansible renders a service's directory only on the hosts of its group.";
    CONFIG_UNREADABLE = "config-unreadable", Error,
        "A rendered file (octavia.conf, config.json) cannot be read or parsed.",
        Some("the container fails to start, or Octavia exits at start with a configuration error"),
        "Fix or remove the override that broke it, then `kolla-ansible -i INVENTORY reconfigure -t octavia`.",
        "kolla_set_configs reads config.json when the container starts and oslo.config reads octavia.conf; either failing stops the service. The message names the file and line.";
    PATH_NOT_PROVIDED = "path-not-provided", Error,
        "octavia.conf names a certificate path that config.json does not copy into the container.",
        Some("Failed to load CA Certificate <path> / [Errno 2] No such file or directory"),
        "Point the option back at /etc/octavia/certs/<name> (the four files kolla copies), or remove the override that moved it.",
        "The container holds only what config.json lists (the four files of <config-dir>/octavia and octavia.conf). An override that names another path points Octavia at a file the container does not have.";
    STALE_COPY = "stale-copy", Error,
        "A service's copy of a file differs from the source in CONFIG_DIR/octavia (/etc/kolla/config/octavia): the files were changed without a reconfigure.",
        None,
        "Run `kolla-ansible -i INVENTORY reconfigure -t octavia` (the services restart with the new files).",
        "kolla-ansible copies the four files to each service's directory and restarts a container only when its files change. A renewal or rotation written to /etc/kolla/config/octavia is not in use until the reconfigure.";
    COPIES_DIFFER = "copies-differ", Error,
        "The services on this host hold different copies of one file.",
        None,
        "Run `kolla-ansible -i INVENTORY reconfigure -t octavia` so that every service gets the same files.",
        "Each Octavia service gets its own copy of the certificates. Different copies mean a partial reconfigure or a hand edit: the worker may issue amphora certificates housekeeping cannot renew, or the reverse.";
    SOURCE_NOT_COMPARED = "source-not-compared", Info,
        "The source directory (CONFIG_DIR/octavia, /etc/kolla/config/octavia) is not on this host: the copies were not compared with it.",
        None,
        "Run node check on the deploy host too, or give --config-dir.",
        "On a controller that is not the deploy host, /etc/kolla/config does not exist; the services' copies were checked, not their freshness.";
    HOUSEKEEPING_CANNOT_ISSUE = "housekeeping-cannot-issue", Error,
        "Housekeeping cannot issue amphora certificates with its own files and passphrase.",
        Some("in 30 days: certificate verify failed: certificate has expired, on every amphora"),
        "Give octavia-housekeeping the server CA certificate, its key and the passphrase that opens it (a reconfigure, or the override that changed them), then check again.",
        "Housekeeping re-issues every amphora certificate 14 days before it expires (they live 30 days). When it cannot sign, nothing fails today: the amphorae's certificates expire one by one and the controllers lose every load balancer.";
    CONTAINER_STALE = "container-stale", Error,
        "A running container holds other copies of the files than its service directory: it runs older files.",
        None,
        "Restart the container (`kolla-ansible -i INVENTORY reconfigure -t octavia`, or `docker restart <container>`).",
        "kolla_set_configs copies the files into the container when it starts; a container started before the files changed still runs the old ones.";
    SERVICE_USER_CANNOT_READ = "service-user-cannot-read", Error,
        "The user the Octavia services run as cannot read octavia.conf or a file it names (its mode, its owner, or a directory above it).",
        Some("Failed to load CA Certificate <path> / [Errno 13] Permission denied"),
        "Give the file to the service user's primary group and make it group-readable, and let the group enter the directories above it: the finding gives the `chgrp` and `chmod` commands with the group and the path.",
        "On hosts with no container (OpenStack-Ansible on metal, charms, devstack, by hand) the services open the files as their own user, commonly octavia. Octavia's certificate guide makes /etc/octavia/certs mode 0700 as root, which the services cannot enter; a root-owned 0600 key is as bad. Checked with --service-user (node check --config-file).";
    KEY_READABLE_BEYOND_SERVICE = "key-readable-beyond-service", Error,
        "A private key octavia.conf names is readable by users other than the service user (and root).",
        None,
        "`chown root:octavia KEY; chmod 0640 KEY` (or 0440, as the charm installs them).",
        "Whoever reads the server CA key issues certificates every controller trusts; whoever reads the client key commands every amphora. OpenStack-Ansible installs ca_key.pem mode 0644. Readable by the service user's own group is fine. Octavia works, so nothing else reports it.";
    CONTAINER_NOT_CHECKED = "container-not-checked", Info,
        "The running container was not compared (no container engine, or the container is not running).",
        None,
        "Give --container-engine docker or podman where one runs the services.",
        "Without a container engine, only the host copies were checked.";
}

/// `[health_manager] heartbeat_key` absent or kolla's hard-coded `insecure`.
pub const HEARTBEAT_KEY_INSECURE: Code = code! {
    namespace = "node",
    id = "heartbeat-key-insecure",
    severity = Warning,
    strict = true,
    title = "[health_manager] heartbeat_key is kolla's hard-coded `insecure` (or absent).",
    symptom = None,
    fix = "Set a random heartbeat_key in an override: `[health_manager]` `heartbeat_key = <random>` in <config-dir>/octavia.conf, then reconfigure.",
    explanation = "Amphorae sign their heartbeats with this key. kolla-ansible's template writes `insecure` for every deployment, so anyone on the management network can forge heartbeats: mark a broken amphora healthy, or a healthy one failed and trigger failovers.",
};

/// Every code of this namespace, in documentation order.
pub const ALL: &[Code] = &{
    // The one code with its own strictness comes last; the rest are PLAIN's.
    const N: usize = PLAIN.len() + 1;
    super::concat::<N>(PLAIN, &[HEARTBEAT_KEY_INSECURE])
};
