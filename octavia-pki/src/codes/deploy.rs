//! The codes of `deploy check`'s audit of a Kolla configuration (its
//! passwords findings are the checker's: [`super::check::PASSWORD_MISSING`],
//! [`super::check::PASSWORD_UNUSABLE`]).

super::finding_codes! {
    namespace = "deploy";
    list = ALL;
    OCTAVIA_DISABLED = "octavia-disabled", Error,
        "Octavia is not enabled in globals.yml.",
        None,
        "Set `enable_octavia: \"yes\"` in globals.yml.",
        "kolla-ansible deploys Octavia only when enable_octavia is true (its default is false). The Keystone user octavia, which the manual steps need, is created by that deployment.";
    SETTING_INVALID = "setting-invalid", Error,
        "A setting has a value kolla-ansible cannot use (not a boolean, not a number, a list where text belongs...).",
        None,
        "Write the value as kolla-ansible's globals.yml documents it (see the message).",
        "Ansible reads booleans with `| bool` (yes/no/true/false, quoted or not) and writes list settings such as octavia_amp_boot_network_list into octavia.conf as they are: a YAML list becomes the text \"['id']\", which Octavia cannot parse as an ID.";
    SETTING_TEMPLATE = "setting-template", Info,
        "A setting is a Jinja expression; only Ansible can render it, so it was not audited.",
        None,
        "Nothing to do, or write the value itself to have it audited.",
        "Values such as \"{{ enable_neutron | bool }}\" are rendered by Ansible at deploy time. deploy check reports what it cannot evaluate instead of guessing.";
    CERTS_VARIABLE_REJECTED = "certs-variable-rejected", Error,
        "An octavia_certs_* variable has a value kolla-ansible's octavia-certificates role fails on.",
        Some("`kolla-ansible octavia-certificates` stops at openssl req (\"string too long\", \"string too short\") or openssl's -days, or writes a subject split at a /"),
        "Give the variable a value the role can use (see the message): a two-letter country code, subject fields within X.520's lengths and without / or \", a whole number of days.",
        "The role builds each certificate's subject as -subj \"/C=.../ST=.../O=.../OU=.../CN=...\" from the octavia_certs_* variables (the shared octavia_certs_country and the like, or each certificate's own) and gives octavia_certs_*_expiry to -days. OpenSSL refuses a country that is not two letters and fields longer than X.520 allows, and a / starts another attribute. `octavia-pki generate` reads the same variables from globals.yml and refuses the same values.";
    NO_AMPHORA_PROVIDER = "no-amphora-provider", Info,
        "octavia_provider_drivers has no amphora provider: the certificates and amphora resources are not used.",
        None,
        "Nothing to do, unless you want amphora load balancers: add `amphora:Amphora provider` to octavia_provider_drivers.",
        "Only the amphora provider boots amphorae and talks to them over mutual TLS; the OVN provider needs neither.";
    MANUAL_SETTING_MISSING = "manual-setting-missing", Error,
        "Manual resource registration (octavia_auto_configure: no) without a setting Octavia needs.",
        Some("octavia-worker: \"Failed to build compute instance due to: ...\"; the load balancer goes to ERROR"),
        "Create the resource (`octavia-pki deploy plan` prints the commands) and set its ID in globals.yml.",
        "With octavia_auto_configure off, kolla-ansible writes amp_boot_network_list, amp_secgroup_list and amp_flavor_id into octavia.conf only if globals.yml sets octavia_amp_boot_network_list, octavia_amp_secgroup_list and octavia_amp_flavor_id. Without them Octavia cannot boot an amphora.";
    MANUAL_ID_NOT_UUID = "manual-id-not-uuid", Warning,
        "A network or security group setting does not look like an ID (a name, perhaps).",
        Some("octavia-worker: \"Failed to build compute instance due to: ...\" (network or security group not found)"),
        "Put the ID: `openstack network show -f value -c id NAME` / `openstack security group show -f value -c id NAME`.",
        "Octavia passes these values to Nova and Neutron as IDs (comma-separated for several). Neutron IDs are UUIDs; a name is not looked up.";
    MANUAL_SETTINGS_IGNORED = "manual-settings-ignored", Info,
        "Manual resource settings are set while octavia_auto_configure is on: kolla-ansible ignores them.",
        None,
        "Remove them, or set `octavia_auto_configure: \"no\"` to use them.",
        "kolla-ansible's globals.yml says: the amp_* ID settings are ignored as long as octavia_auto_configure is yes; it registers its own network, security groups and flavor instead.";
    AMP_PORT_CLOSED = "amp-port-closed", Error,
        "The amphora security group does not admit TCP to the amphora agent's port (9443).",
        Some("octavia-worker: \"Could not connect to instance. Retrying.\" for ten minutes, then \"Connection retries (currently set to 120) exhausted. The amphora is unavailable.\""),
        "Add a rule to the mgmt-sec-grp entry of octavia_amp_security_groups: `{protocol: tcp, src_port: \"{{ octavia_amp_listen_port }}\", dst_port: \"{{ octavia_amp_listen_port }}\"}`.",
        "The controllers reach each amphora's agent over TLS on octavia_amp_listen_port (9443). kolla-ansible's mgmt-sec-grp entry of octavia_amp_security_groups is the group attached to amphorae; kolla turns each rule's src_port and dst_port into the port range min and max.";
    HEALTH_PORT_CLOSED = "health-port-closed", Error,
        "With a tenant management network, the health manager's security group does not admit UDP heartbeats on port 5555.",
        Some("no heartbeats reach the health manager: amphorae are declared stale and failed over, again and again"),
        "Enable the health-mgr-sec-grp entry of octavia_amp_security_groups with a rule `{protocol: udp, src_port: \"{{ octavia_health_manager_port }}\", dst_port: \"{{ octavia_health_manager_port }}\"}`.",
        "Amphorae send UDP heartbeats to octavia_health_manager_port (5555). With octavia_network_type tenant, the health managers listen on Neutron ports that kolla-ansible puts in the health-mgr-sec-grp group.";
    SSH_PORT_CLOSED = "ssh-port-closed", Info,
        "The amphora security group does not admit SSH (TCP 22): amphorae cannot be logged into for debugging.",
        None,
        "Add `{protocol: tcp, src_port: 22, dst_port: 22}` to the mgmt-sec-grp entry if you want to debug amphorae.",
        "Octavia does not need SSH, but it is how an operator inspects an amphora (kolla keeps the key in /etc/kolla/octavia-worker/octavia_ssh_key).";
    AMP_FLAVOR_SMALL = "amp-flavor-small", Warning,
        "The amphora flavor has less than 1024 MB of RAM.",
        Some("amphorae boot slowly or haproxy is killed for want of memory; load balancers go to ERROR"),
        "Set `ram: 1024` (or more) in octavia_amp_flavor.",
        "Octavia's amphora image is sized for 1 GB of RAM; kolla-ansible's default flavor has 1024 MB.";
    AMP_FLAVOR_PRIVATE = "amp-flavor-private", Info,
        "The amphora flavor is private: only projects given access, and admins, can boot it.",
        None,
        "Nothing to do while kolla-ansible creates it (as the octavia user, admin in the service project); make it public (`is_public: true`) if another project must boot amphorae.",
        "The field report's private flavor, created in another project, broke amphora boots. kolla-ansible's own default flavor is private and works because the octavia user that creates and uses it is admin in the service project.";
    AMP_NETWORK_NOT_PROVIDER = "amp-network-not-provider", Warning,
        "octavia_network_type is provider, but octavia_amp_network has no provider_network_type: Neutron makes a tenant network the controllers cannot reach.",
        Some("octavia-worker: \"Could not connect to instance. Retrying.\", then \"Connection retries ... exhausted\""),
        "Give octavia_amp_network provider_network_type (flat or vlan), provider_physical_network (and provider_segmentation_id for vlan), or set octavia_network_type: tenant.",
        "With octavia_network_type provider (kolla's default), the controllers reach amphorae through octavia_network_interface on a flat or VLAN provider network. Without provider settings Neutron creates an overlay network instead, which the controllers' interface is not on.";
    AMP_NETWORK_NO_SUBNET = "amp-network-no-subnet", Error,
        "octavia_amp_network has no subnet with a cidr.",
        None,
        "Add `subnet: {name: lb-mgmt-subnet, cidr: 10.1.0.0/24, enable_dhcp: true, no_gateway_ip: true}` to octavia_amp_network.",
        "kolla-ansible creates the management subnet from octavia_amp_network.subnet; amphorae need an address on it.";
    CERTIFICATES_MISSING = "certificates-missing", Error,
        "The Octavia certificate directory (`<config-dir>/octavia`) is missing or cannot be read.",
        Some("kolla-ansible's precheck: \"Checking certificate files exist for octavia\" fails"),
        "Run `octavia-pki generate` (it writes /etc/kolla/config/octavia).",
        "kolla-ansible deploys the four certificate files from <config-dir>/octavia; the amphora provider cannot work without them.";
}
