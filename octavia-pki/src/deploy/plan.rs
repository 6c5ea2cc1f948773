//! `deploy plan`: the ordered steps of an Octavia setup as commands, each with
//! the pitfall it avoids, in three renderings of one plan (text, JSON, a
//! shell script).
//!
//! The commands are shell in every rendering, so what a person reads is what
//! the script runs. Every step can be re-run: resources are looked up by name
//! before they are created. Secrets are read from passwords.yml when the
//! script runs and only ever reach `openstack` through its environment.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::audit::Mode;
use super::settings::{AMP_LISTEN_PORT, HEALTH_MANAGER_PORT, PortSetting, Settings};

/// A value the operator may change before running the plan.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Variable {
    /// Shell variable name.
    pub name: &'static str,
    /// Its default; `None` when it must be set.
    pub default: Option<String>,
    /// What it is.
    pub meaning: &'static str,
}

/// One step.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Step {
    /// What it does.
    pub title: &'static str,
    /// What goes wrong without it, or when it is done the usual wrong way.
    pub pitfall: String,
    /// Shell commands, run in order.
    pub commands: Vec<String>,
    /// Shell variables the step sets for later steps (created IDs).
    pub captures: Vec<&'static str>,
}

/// The plan.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Plan {
    /// Manual or automatic resource registration.
    pub mode: Mode,
    /// The variables the commands use.
    pub variables: Vec<Variable>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// The settings the plan takes from globals.yml (kolla's defaults otherwise).
struct Names {
    image_tag: String,
    ssh_key: String,
    amp_port: u16,
    health_port: u16,
}

impl Names {
    fn from(settings: Option<&Settings>) -> Self {
        let text = |key: &str, default: &str| {
            settings
                .and_then(|s| s.text(key))
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        let port = |setting: &PortSetting| {
            settings.map_or(setting.default, |s| s.port_or_default(setting))
        };
        Self {
            image_tag: text("octavia_amp_image_tag", "amphora"),
            ssh_key: text("octavia_amp_ssh_key_name", "octavia_ssh_key"),
            amp_port: port(&AMP_LISTEN_PORT),
            health_port: port(&HEALTH_MANAGER_PORT),
        }
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

fn variable(name: &'static str, default: Option<&str>, meaning: &'static str) -> Variable {
    Variable {
        name,
        default: default.map(str::to_owned),
        meaning,
    }
}

/// `text` for a shell's double quotes: `"`, `$`, `` ` `` and `\` escaped.
fn double_quoted(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '"' | '$' | '`' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}

/// Builds the plan for `mode`, with names from `settings`, read from
/// `globals` when one was given (the script then edits that file).
pub fn plan(mode: Mode, settings: Option<&Settings>, globals: Option<&Path>) -> Plan {
    let names = Names::from(settings);
    // The file the plan was made from is the one its script edits, wherever
    // the script runs.
    let globals_default = globals.map_or_else(
        || "$KOLLA_CONFIG/globals.yml".to_owned(),
        |p| {
            let absolute = std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
            double_quoted(&absolute.display().to_string())
        },
    );
    let mut variables = vec![
        variable(
            "KOLLA_CONFIG",
            Some("/etc/kolla"),
            "kolla-ansible's configuration directory (globals.yml, passwords.yml, admin-openrc.sh, config/)",
        ),
        Variable {
            name: "GLOBALS",
            default: Some(globals_default),
            meaning: "kolla's globals.yml, which the steps edit (a backup is kept)",
        },
        variable(
            "PASSWORDS",
            Some("$KOLLA_CONFIG/passwords.yml"),
            "kolla's passwords.yml (read with ansible-vault when it is vaulted: set ANSIBLE_VAULT_PASSWORD_FILE)",
        ),
        variable("INVENTORY", None, "your kolla-ansible inventory file"),
        variable(
            "AMPHORA_IMAGE",
            Some("amphora-x64-haproxy.qcow2"),
            "the amphora image built with Octavia's diskimage-create/diskimage-create.sh",
        ),
    ];
    let mut steps = Vec::new();
    match mode {
        Mode::Manual => {
            variables.extend([
                variable(
                    "MGMT_NETWORK_TYPE",
                    Some("vlan"),
                    "provider network type of the management network (vlan or flat)",
                ),
                variable(
                    "MGMT_PHYSNET",
                    Some("physnet1"),
                    "provider physical network the controllers are attached to",
                ),
                variable(
                    "MGMT_SEGMENT",
                    Some(""),
                    "VLAN id of the management network (empty for flat)",
                ),
                variable(
                    "MGMT_SUBNET_RANGE",
                    Some("10.1.0.0/24"),
                    "CIDR of the management subnet",
                ),
                variable(
                    "SSH_PUBLIC_KEY",
                    Some("$HOME/.ssh/id_rsa.pub"),
                    "public key injected into amphorae, for debugging",
                ),
            ]);
            steps.extend([
                credentials_step(mode),
                network_step(),
                security_group_step(&names),
                flavor_step(),
                keypair_step(&names),
                image_step(&names),
                manual_globals_step(),
                certificates_step(),
                audit_step(),
                deploy_step(),
            ]);
        }
        // kolla-ansible registers everything but the image, and the octavia
        // user exists only once it has deployed.
        Mode::Auto => steps.extend([
            auto_globals_step(),
            certificates_step(),
            audit_step(),
            deploy_step(),
            credentials_step(mode),
            image_step(&names),
        ]),
    }
    Plan {
        mode,
        variables,
        steps,
    }
}

fn credentials_step(mode: Mode) -> Step {
    let mut commands = lines(
        r#"[ -r "$KOLLA_CONFIG/admin-openrc.sh" ] || { echo "$KOLLA_CONFIG/admin-openrc.sh is missing: run kolla-ansible post-deploy first" >&2; exit 1; }
kolla_password() {
  # As Ansible reads it: through ansible-vault when vaulted, with the YAML
  # loader of Ansible's own Python.
  local python
  read -r -a python <<<"$(sed -n '1s/^#![[:space:]]*//p' "$(command -v ansible-vault)")"
  if head -c 14 "$PASSWORDS" | grep -q '^[$]ANSIBLE_VAULT'; then
    ansible-vault view "$PASSWORDS"
  else
    cat "$PASSWORDS"
  fi | "${python[@]}" -c 'import sys, yaml; v = (yaml.safe_load(sys.stdin) or {}).get(sys.argv[1]); print("" if v is None else v)' "$1"
}
admin_setting() {
  (
    # shellcheck source=/dev/null
    . "$KOLLA_CONFIG/admin-openrc.sh" >/dev/null
    printenv "$1" || true
  )
}
OCTAVIA_PASSWORD=$(kolla_password octavia_keystone_password)
AUTH_URL=$(admin_setting OS_AUTH_URL)
CACERT=$(admin_setting OS_CACERT)
REGION=$(admin_setting OS_REGION_NAME)
INTERFACE=$(admin_setting OS_INTERFACE)
as_octavia() {
  OS_AUTH_URL="$AUTH_URL" OS_CACERT="$CACERT" OS_REGION_NAME="$REGION" OS_INTERFACE="$INTERFACE" \
    OS_IDENTITY_API_VERSION=3 OS_USERNAME=octavia OS_PROJECT_NAME=service \
    OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_PASSWORD="$OCTAVIA_PASSWORD" openstack "$@"
}"#,
    );
    if mode == Mode::Manual {
        commands.push(
            r#"as_octavia token issue -f value -c id >/dev/null || { echo "the octavia user cannot log in: deploy once with enable_octavia: \"yes\" and run kolla-ansible post-deploy first" >&2; exit 1; }"#
                .to_owned(),
        );
    }
    Step {
        title: "Act as the octavia user in the service project",
        pitfall: "Octavia boots amphorae as the octavia user in the service project: a key pair, private flavor or private image registered as admin (as in the field report) is invisible to it. The password is read from passwords.yml when the script runs, never printed, and reaches openstack only through its environment, never its command line.".to_owned(),
        commands,
        captures: vec![],
    }
}

fn network_step() -> Step {
    Step {
        title: "Create the management network and subnet, with port security",
        pitfall: "Without port security the amphora's ports cannot carry its security group and the boot fails (the field report's \"Exceeded maximum number of retries\"); a tenant (overlay) network is not reachable from the controllers.".to_owned(),
        commands: lines(
            r#"segment=()
if [ -n "$MGMT_SEGMENT" ]; then segment=(--provider-segment "$MGMT_SEGMENT"); fi
NETWORK_ID=$(as_octavia network show -f value -c id lb-mgmt-net 2>/dev/null) ||
  NETWORK_ID=$(as_octavia network create -f value -c id --provider-network-type "$MGMT_NETWORK_TYPE" \
    --provider-physical-network "$MGMT_PHYSNET" "${segment[@]}" --enable-port-security lb-mgmt-net)
as_octavia network set --enable-port-security "$NETWORK_ID"
as_octavia subnet show lb-mgmt-subnet >/dev/null 2>&1 ||
  as_octavia subnet create --network "$NETWORK_ID" --subnet-range "$MGMT_SUBNET_RANGE" --dhcp lb-mgmt-subnet"#,
        ),
        captures: vec!["NETWORK_ID"],
    }
}

fn security_group_step(names: &Names) -> Step {
    let (amp, health) = (names.amp_port, names.health_port);
    Step {
        title: "Create the amphora security group: ICMP, SSH, the agent and heartbeat ports",
        pitfall: format!(
            "The controllers reach the amphora agent on TCP {amp}: without it Octavia logs \"Could not connect to instance. Retrying.\" for ten minutes. TCP 22 lets you log into an amphora; heartbeats go to port {health} (UDP)."
        ),
        commands: lines(&format!(
            r#"SECGROUP_ID=$(as_octavia security group show -f value -c id lb-mgmt-sec-grp 2>/dev/null) || {{
  SECGROUP_ID=$(as_octavia security group create -f value -c id lb-mgmt-sec-grp)
  as_octavia security group rule create --protocol icmp "$SECGROUP_ID" >/dev/null
  for port in 22 {health} {amp}; do
    as_octavia security group rule create --protocol tcp --dst-port "$port" "$SECGROUP_ID" >/dev/null
  done
  as_octavia security group rule create --protocol udp --dst-port {health} "$SECGROUP_ID" >/dev/null
}}"#
        )),
        captures: vec!["SECGROUP_ID"],
    }
}

fn flavor_step() -> Step {
    Step {
        title: "Create a public amphora flavor (1 vCPU, 1024 MB)",
        pitfall: "A private flavor created in another project cannot be booted by Octavia (\"Looks like private flavors break everything\", says the field report); less than 1 GB of RAM starves the amphora.".to_owned(),
        commands: lines(
            r#"FLAVOR_ID=$(as_octavia flavor show -f value -c id amphora 2>/dev/null) ||
  FLAVOR_ID=$(as_octavia flavor create -f value -c id --public --vcpus 1 --ram 1024 --disk 5 amphora)"#,
        ),
        captures: vec!["FLAVOR_ID"],
    }
}

fn keypair_step(names: &Names) -> Step {
    let key = &names.ssh_key;
    Step {
        title: "Create the amphora key pair as the octavia user",
        pitfall: format!(
            "Key pairs belong to the user who creates them: {key} created as admin is not found when Octavia boots an amphora."
        ),
        commands: vec![format!(
            r#"as_octavia keypair show {key} >/dev/null 2>&1 || as_octavia keypair create --public-key "$SSH_PUBLIC_KEY" {key} >/dev/null"#
        )],
        captures: vec![],
    }
}

fn image_step(names: &Names) -> Step {
    let tag = &names.image_tag;
    Step {
        title: "Upload the amphora image with its tag",
        pitfall: format!(
            "Octavia finds the image by its tag ({tag}, octavia_amp_image_tag), in the service project: without it, \"Failed to retrieve image with {tag} tag.\""
        ),
        commands: lines(&format!(
            r#"if [ -z "$(as_octavia image list --tag {tag} -f value -c ID)" ]; then
  as_octavia image create --disk-format qcow2 --container-format bare --private --tag {tag} \
    --file "$AMPHORA_IMAGE" amphora-x64-haproxy >/dev/null
fi"#
        )),
        captures: vec![],
    }
}

/// Replaces `keys` in globals.yml with `lines`, after a backup.
fn globals_edit(keys: &[&str], new_lines: &str) -> Vec<String> {
    let deletions: String = keys.iter().map(|k| format!(" -e '/^{k}:/d'")).collect();
    let mut commands = lines(r#"cp -p "$GLOBALS" "$GLOBALS.$(date -u +%Y%m%dT%H%M%SZ).bak""#);
    commands.push(format!(r#"sed -i{deletions} "$GLOBALS""#));
    commands.push(r#"cat >>"$GLOBALS" <<EOF"#.to_owned());
    commands.extend(lines(new_lines));
    commands.push("EOF".to_owned());
    commands
}

fn manual_globals_step() -> Step {
    Step {
        title: "Write the created IDs into globals.yml (a backup is kept)",
        pitfall: "kolla-ansible writes these values into octavia.conf as they are: IDs copied by hand get mistyped, a name is not an ID, and a YAML list becomes \"['id']\".".to_owned(),
        commands: globals_edit(
            &[
                "enable_octavia",
                "octavia_auto_configure",
                "octavia_amp_boot_network_list",
                "octavia_amp_secgroup_list",
                "octavia_amp_flavor_id",
            ],
            r#"enable_octavia: "yes"
octavia_auto_configure: "no"
octavia_amp_boot_network_list: "$NETWORK_ID"
octavia_amp_secgroup_list: "$SECGROUP_ID"
octavia_amp_flavor_id: "$FLAVOR_ID""#,
        ),
        captures: vec![],
    }
}

fn auto_globals_step() -> Step {
    Step {
        title: "Turn on Octavia with automatic resource registration in globals.yml (a backup is kept)",
        pitfall: "kolla-ansible then creates the management network, security groups, flavor and key pair itself; give octavia_amp_network provider settings (provider_network_type, provider_physical_network) so the controllers can reach the amphorae, as `octavia-pki deploy check` reports.".to_owned(),
        commands: globals_edit(
            &["enable_octavia", "octavia_auto_configure"],
            r#"enable_octavia: "yes"
octavia_auto_configure: "yes""#,
        ),
        captures: vec![],
    }
}

fn certificates_step() -> Step {
    Step {
        title: "Generate the certificates (or check the ones there)",
        pitfall: "Hand-made sets fail only when the first load balancer is created, as \"tlsv1 alert unknown ca\" or \"PEM routines ... no start line\"; existing files are checked, never overwritten.".to_owned(),
        commands: lines(
            r#"if [ -e "$KOLLA_CONFIG/config/octavia/server_ca.cert.pem" ]; then
  octavia-pki check "$KOLLA_CONFIG/config/octavia" --work-dir "$KOLLA_CONFIG/octavia-certificates" \
    --passwords "$PASSWORDS"
else
  octavia-pki generate --dir "$KOLLA_CONFIG/config/octavia" --work-dir "$KOLLA_CONFIG/octavia-certificates" \
    --passwords "$PASSWORDS"
fi"#,
        ),
        captures: vec![],
    }
}

fn audit_step() -> Step {
    Step {
        title: "Audit the configuration",
        pitfall: "Catches what the steps above cannot: a password with a `$`, settings left over from another mode, a certificate that expires soon.".to_owned(),
        commands: lines(
            r#"octavia-pki deploy check --globals "$GLOBALS" --passwords "$PASSWORDS" \
  --config-dir "$KOLLA_CONFIG/config""#,
        ),
        captures: vec![],
    }
}

fn deploy_step() -> Step {
    Step {
        title: "Deploy Octavia with kolla-ansible",
        pitfall: "Only a reconfigure writes the new IDs and certificates into octavia.conf and the containers; editing files under /etc/kolla/octavia-* by hand is reverted by the next run.".to_owned(),
        commands: vec![r#"kolla-ansible -i "$INVENTORY" reconfigure -t octavia"#.to_owned()],
        captures: vec![],
    }
}

impl Plan {
    /// For a person: the variables, then numbered steps with their pitfalls.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mode = match self.mode {
            Mode::Manual => "manual resource registration (octavia_auto_configure: no)",
            Mode::Auto => "automatic resource registration (octavia_auto_configure: yes)",
        };
        let _ = writeln!(out, "Octavia setup plan: {mode}\n\nVariables:");
        for v in &self.variables {
            let default = match &v.default {
                Some(d) => format!("[default: \"{d}\"]"),
                None => "[required]".to_owned(),
            };
            let _ = writeln!(out, "  {:<18} {} {default}", v.name, v.meaning);
        }
        for (n, step) in self.steps.iter().enumerate() {
            let _ = writeln!(out, "\n{}. {}", n + 1, step.title);
            let _ = writeln!(out, "   Pitfall avoided: {}", step.pitfall);
            for command in &step.commands {
                let _ = writeln!(out, "     {command}");
            }
        }
        let _ = writeln!(
            out,
            "\n`octavia-pki deploy plan --format shell` prints these steps as a script."
        );
        out
    }

    /// A bash script: `set -euo pipefail`, variables overridable from the
    /// environment, each step under its title and pitfall.
    pub fn to_shell(&self) -> String {
        let mut out = String::from(
            "#!/usr/bin/env bash\n# Octavia setup, printed by `octavia-pki deploy plan --format shell`.\n\
             # Review the variables (or set them in the environment), then run it as the\n\
             # kolla-ansible operator. Re-running is safe: existing resources are reused.\n\
             set -euo pipefail\n\n",
        );
        for v in &self.variables {
            let _ = writeln!(out, "# {}", v.meaning);
            match &v.default {
                Some(d) => {
                    let _ = writeln!(out, ": \"${{{}:={d}}}\"", v.name);
                }
                None => {
                    let _ = writeln!(out, ": \"${{{0}:?set {0}: {1}}}\"", v.name, v.meaning);
                }
            }
        }
        for (n, step) in self.steps.iter().enumerate() {
            let _ = writeln!(out, "\n# {}. {}", n + 1, step.title);
            let _ = writeln!(out, "# Pitfall avoided: {}", step.pitfall);
            let _ = writeln!(out, "echo \"== {}. {}\" >&2", n + 1, step.title);
            for command in &step.commands {
                let _ = writeln!(out, "{command}");
            }
        }
        let _ = writeln!(out, "\necho \"== done\" >&2");
        out
    }
}
