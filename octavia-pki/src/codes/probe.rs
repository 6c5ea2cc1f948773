//! The statuses of `octavia-pki probe`: what one running amphora answered the
//! controller's way of connecting to it. Octavia reports every one of the
//! failures as "contacting the amphora timed out" after its retries; the
//! reason is only in the worker's `Connection retries ... exhausted ... Reason:` line.

super::finding_codes! {
    namespace = "probe";
    list = ALL;
    OK = "ok", Info,
        "The amphora accepts the controllers, serves a certificate the controllers trust, and answers as the amphora agent.",
        None,
        "Nothing to do.",
        "The probe connected as the controllers do (the client bundle, the server CA file as trust anchors, the amphora id as host name) and the agent answered GET / with its api_version.";
    AMPHORA_CERT_EXPIRING = "amphora-cert-expiring", Warning,
        "The amphora's certificate expires within --warn-days (default 7).",
        Some("soon: certificate verify failed: certificate has expired"),
        "Check the housekeeping service: it must be able to issue amphora certificates (server CA key, its passphrase, the CA certificate in the octavia-housekeeping container); or fail the amphora over (`openstack loadbalancer amphora failover ID`).",
        "Amphora certificates live [certificates] cert_validity_time (default 30 days). Housekeeping re-issues them [house_keeping] cert_expiry_buffer (default 14 days) before they expire and pushes them to the agent; one that is a week from expiry was not rotated (see housekeeping-not-rotating, which said so earlier), usually because housekeeping cannot unlock the server CA key.";
    HOUSEKEEPING_NOT_ROTATING = "housekeeping-not-rotating", Warning,
        "Housekeeping has not rotated the amphora's certificate: it is past cert_expiry_buffer and a pass of housekeeping, and will expire.",
        Some("later: certificate verify failed: certificate has expired, load balancers stuck in PENDING_UPDATE"),
        "Look at housekeeping (the probe names its service and log lines for the deployer): it must run, and read the server CA certificate, its key and [certificates] ca_private_key_passphrase. A start of rotation without its end for an amphora is a failed rotation, which left cert_busy set: housekeeping never retries it, so fail that amphora over (`openstack loadbalancer amphora failover ID`) before its certificate expires.",
        "Octavia issues each amphora a certificate valid [certificates] cert_validity_time (default 30 days). Every [house_keeping] cert_interval (an hour) housekeeping re-issues those within cert_expiry_buffer (14 days) of expiry and pushes them to the agent, logging \"Start amphora cert rotation\" and \"Finished amphora cert rotation\" with the amphora id. This certificate has been due longer than a pass and a rotation take: housekeeping is not running, cannot issue certificates (the CA files or passphrase missing in its container or pod, or, with the jobboard, in the worker's), or failed this amphora's rotation once (it then stays cert_busy, often in ERROR, and is never taken again). Left alone, the certificate expires and the controllers can no longer manage the load balancer (PENDING_UPDATE). The probe reads the three options from --config-file, else uses Octavia's defaults.";
    AMPHORA_CERT_EXPIRED = "amphora-cert-expired", Error,
        "The amphora's certificate has expired: the controllers refuse it.",
        Some("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired"),
        "Fail the amphora over (`openstack loadbalancer amphora failover ID`), then make housekeeping able to rotate certificates (octavia-pki node check).",
        "Housekeeping did not rotate the certificate in time (see amphora-cert-expiring); the controllers can no longer manage the load balancer.";
    AMPHORA_CERT_UNTRUSTED = "amphora-cert-untrusted", Error,
        "The amphora's certificate was issued by no CA of the server CA file.",
        Some("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate"),
        "Put the previous server CA certificate back in server_ca.cert.pem after the current one (octavia-pki rotate server-ca --staged does this), or fail the amphora over.",
        "The server CA was replaced and the amphorae booted before still hold certificates from the old one. The controllers trust every certificate of the server CA file, so keeping the old CA after the new one keeps them working until housekeeping re-issues their certificates.";
    AMPHORA_CERT_NAME_MISMATCH = "amphora-cert-name-mismatch", Error,
        "The certificate served at this address is another amphora's.",
        Some("hostname '<amphora id>' doesn't match '<other id>'"),
        "Check the address in the amphora list (a stale lb_network_ip, an address reused by another amphora); fail the amphora over if the database is right.",
        "The controllers check that the amphora's certificate names the amphora id they expect. Another id means the address now belongs to another amphora, or the amphora was given another amphora's certificate.";
    AMPHORA_CERT_NO_SAN = "amphora-cert-no-san", Error,
        "The amphora's certificate has no subjectAltName: urllib3 2 ignores the common name.",
        Some("no appropriate subjectAltName fields were found"),
        "Fail the amphora over; if new amphorae get such certificates too, the controllers run an Octavia that is too old for their urllib3.",
        "Octavia's LocalCertGenerator writes the amphora id as a DNS subjectAltName; urllib3 2 no longer falls back to the common name, so a certificate without SAN fails host name verification.";
    AMPHORA_REJECTS_CONTROLLER = "amphora-rejects-controller", Error,
        "The amphora refuses the controllers' client certificate: it trusts another client CA.",
        Some("[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca"),
        "Fail the amphora over (`openstack loadbalancer amphora failover ID`): an amphora keeps the client CA it booted with. If every amphora refuses, the client bundle is not from the client CA the amphorae were given.",
        "At boot an amphora gets a copy of [controller_worker] client_ca and never another. After the client CA changed (or expired: OpenSSL checks the trust anchor's dates), the amphorae booted before refuse the controllers' certificate.";
    AMPHORA_ACCEPTS_ANONYMOUS = "amphora-accepts-anonymous", Error,
        "The amphora agent accepts connections without a client certificate.",
        None,
        "Rebuild the amphora image with a current Octavia (the CVE-2019-17134 fix) and fail the amphorae over.",
        "Anyone on the management network can drive the agent: upload configuration, certificates, restart haproxy. Images older than the CVE-2019-17134 fix did not require a client certificate.";
    CONNECT_REFUSED = "connect-refused", Error,
        "Nothing listens on the agent's port at this address.",
        Some("Failed to establish a new connection: [Errno 111] Connection refused"),
        "Check that the amphora is up (`openstack server show`), that the address is its lb_network_ip, and that the agent runs (console log); fail the amphora over.",
        "The address answered, but not on the agent's port: the amphora is booting or broken, or the address belongs to something else.";
    CONNECT_TIMEOUT = "connect-timeout", Error,
        "No TCP answer within --timeout.",
        Some("Connection to <ip> timed out. (connect timeout=...)"),
        "Check the security group of the amphora's management port (TCP 9443 from the controllers), port security, and the controllers' route to the management network (o-hm0 on kolla).",
        "The connection attempt got no answer at all: a filtered port, a missing route or a dead amphora.";
    HANDSHAKE_TIMEOUT = "handshake-timeout", Error,
        "The address accepted TCP but did not complete TLS and answer within --timeout.",
        Some("Read timed out"),
        "Check what listens there: a hung agent, or another service on the port; fail the amphora over.",
        "Something accepted the connection and then said nothing, or too slowly; the controllers give up the same way.";
    TLS_FAILURE = "tls-failure", Error,
        "The TLS handshake failed for another reason (in OpenSSL's words in the message).",
        None,
        "Read the message; octavia-pki rehearse reproduces Octavia's own handshake with the deployed files.",
        "The peer closed the connection, sent something that is not TLS, a certificate chain too large to be one, or a certificate the controllers refuse for a reason other than the ones above.";
    NOT_AN_AMPHORA_AGENT = "not-an-amphora-agent", Error,
        "The TLS service does not answer GET / as the amphora agent does.",
        None,
        "Check the address and port: the agent answers {\"api_version\": ...}.",
        "The handshake worked but the answer is not the agent's: another service holds the address.";
    AMPHORA_CERT_NOT_IN_DATABASE = "amphora-cert-not-in-database", Warning,
        "The amphora serves a certificate whose expiry is not the cert_expiration Octavia's database records.",
        None,
        "Check housekeeping's log for failed certificate pushes (PUT /1.0/certificate); a failover gives the amphora a fresh certificate.",
        "Housekeeping records the new expiry when it rotates a certificate. A different date on the amphora means a rotation was recorded but not delivered, or the reverse.";
    AMPHORA_OLD_CLIENT_CA = "amphora-old-client-ca", Warning,
        "The amphora booted before the client CA changed: it holds the previous client CA certificate and accepts the controllers only until its deadline (an error within --warn-days).",
        Some("after the deadline: tlsv1 alert certificate expired / unknown ca"),
        "Fail the amphora over before the deadline (`openstack loadbalancer amphora failover ID`).",
        "An amphora copies [controller_worker] client_ca when it boots and never again. After a renewal of the client CA, the copy it holds is the previous certificate, which OpenSSL stops accepting at its not-after; after a rotation it trusts a key the controllers no longer use. The work directory's history (probe --work-dir) says when each change happened; the amphora list's created_at says which amphorae came before.";
    LOCAL_RESOURCES_EXHAUSTED = "local-resources-exhausted", Warning,
        "The probe could not test the amphora: the host it runs on had no file descriptor, memory or local port left for the connection.",
        None,
        "Nothing is known of the amphora: do not fail it over for this. Raise the probe's file-descriptor limit (`ulimit -n`; LimitNOFILE= in a systemd unit) or lower --concurrency, and probe again.",
        "Opening the connection failed on this host before anything reached the amphora: too many open files in the process (EMFILE) or the system (ENFILE), no buffer space (ENOBUFS), no memory (ENOMEM) or no free local port (EADDRNOTAVAIL). The controllers, with their own limits, are not concerned; only a probe that runs can say how the amphora is.";
    LOCAL_NAME_UNRESOLVED = "local-name-unresolved", Warning,
        "The probe could not test the amphora: the host name it was given does not resolve on the host the probe runs on.",
        None,
        "Nothing is known of the amphora: do not fail it over for this. Give its address (the amphora list's lb_network_ip), or fix this host's name resolution (/etc/hosts, resolv.conf), and probe again.",
        "The target is a host name, and looking it up failed, or did not finish within --timeout, here. The controllers connect to lb_network_ip, an address, so a name that does not resolve says nothing of the amphora.";
    SKIPPED = "skipped", Info,
        "The amphora was not probed (no address).",
        None,
        "Nothing to probe: an amphora without lb_network_ip is being created, deleted, or in ERROR.",
        "The amphora list gave no management address for this amphora.";
}

/// The statuses of an amphora the probe could not test, for a reason on the
/// host it runs on: never the amphora's fault, never a failover, and a run
/// with one of them is not a whole probe.
pub const COULD_NOT_RUN: &[super::Code] = &[LOCAL_RESOURCES_EXHAUSTED, LOCAL_NAME_UNRESOLVED];
