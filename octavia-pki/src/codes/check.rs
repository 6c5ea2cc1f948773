//! The certificate checker's codes (`octavia-pki check`, and the
//! certificate stage of `deploy check`), and those of the passwords it reads.

super::finding_codes! {
    namespace = "check";
    MISSING_FILE = "missing-file", Error,
        "A file Octavia needs does not exist.",
        Some("Kolla's precheck fails; Octavia: \"Failed to load CA Certificate <path>\""),
        "Run `octavia-pki generate`, or copy the file from the CA work directory (/etc/kolla/octavia-certificates).",
        "kolla-ansible deploys four files from /etc/kolla/config/octavia (three in the legacy layout); its precheck only tests that they exist, and Octavia reads them when it first signs or connects.";
    NOT_A_FILE = "not-a-file", Error,
        "Something other than a regular file (a directory, a symlink loop) is where the file belongs.",
        Some("Octavia: \"Failed to load CA Certificate <path>\" / \"[Errno 21] Is a directory\""),
        "Replace it with the file itself.",
        "Octavia opens each path as a file. A directory, a dangling symlink or a symlink loop at the path cannot be read.";
    UNREADABLE_FILE = "unreadable-file", Error,
        "The file cannot be read (permissions, I/O error).",
        Some("Octavia: \"Failed to load CA Certificate <path>\""),
        "Check the file's owner and mode; kolla-ansible copies it to the controllers as root.",
        "The checker could not read the file, so neither can anything else running as the same user.";
    FILE_TOO_LARGE = "file-too-large", Error,
        "The file is far larger than any certificate or key file.",
        None,
        "Replace it with the right file; a certificate or key file is a few kilobytes.",
        "Certificate and key files are a few kilobytes. The checker reads at most 1 MiB of a file; something larger is not what Octavia expects here.";
    EMPTY_FILE = "empty-file", Error,
        "The file is empty.",
        Some("[SSL] PEM lib (OpenSSL 1.x: PEM routines PEM_read_bio no start line)"),
        "Write the certificate (and, for the bundle, the key) into it, e.g. with `octavia-pki generate`.",
        "An empty file holds no PEM block; OpenSSL fails to load it and Octavia's TLS client or amphora agent cannot start.";
    DER_NOT_PEM = "der-not-pem", Error,
        "The file is binary DER; Octavia reads only PEM.",
        Some("Unable to load PEM file / PEM routines ... no start line"),
        "Convert it: `openssl x509 -inform DER -in FILE -out FILE.pem` (for a key: `openssl pkey -inform DER ...`).",
        "Octavia loads certificates with load_pem_x509_certificate and keys with load_pem_private_key, and OpenSSL's TLS setup reads PEM: DER is not accepted anywhere.";
    NO_PEM_BLOCK = "no-pem-block", Error,
        "The file contains no PEM block at all.",
        Some("PEM routines PEM_read_bio no start line / [SSL] PEM lib"),
        "Put the PEM certificate or key in the file (lines from -----BEGIN to -----END).",
        "Without a -----BEGIN line OpenSSL finds nothing to read: the classic \"no start line\" error.";
    TRUNCATED_PEM = "truncated-pem", Error,
        "A PEM block has no END line: the file is truncated.",
        Some("PEM routines ... no start line / bad end line"),
        "Copy the file again in full from its source.",
        "OpenSSL ignores a block without its -----END line, so the certificate or key in it is missing.";
    CORRUPT_PEM = "corrupt-pem", Error,
        "A PEM block is corrupt (bad base64, mismatched BEGIN and END).",
        Some("PEM routines ... bad base64 decode / ASN1 routines ... wrong tag"),
        "Copy the file again from its source; hand edits often break the base64.",
        "The text between -----BEGIN and -----END must be valid base64 of DER; a changed or lost character breaks it.";
    WRONG_BLOCK_KIND = "wrong-block-kind", Error,
        "The file holds the wrong kind of PEM block (a key where a certificate belongs, or the reverse).",
        Some("PEM routines ... no start line"),
        "Put the right file here; see the layout in the README.",
        "Each file has one role: a CA certificate file holds certificates, the CA key file a private key, the bundle a certificate and a key. OpenSSL skips blocks of other kinds and then finds nothing.";
    UNREADABLE_CERTIFICATE = "unreadable-certificate", Error,
        "A certificate block does not hold a valid X.509 certificate.",
        Some("ASN1 routines ... / Unable to load certificate"),
        "Replace the certificate with an intact copy.",
        "The PEM framing is fine but the DER inside is not a certificate.";
    UNREADABLE_KEY = "unreadable-key", Error,
        "The private key cannot be read (corrupt, or an algorithm or cipher Octavia cannot use).",
        Some("Could not deserialize key data / unsupported"),
        "Replace the key with an intact copy in PKCS#8 or traditional PEM, encrypted with AES or 3DES.",
        "The key block is present but its contents are not a usable RSA, ECDSA or Ed25519 key, or it is encrypted with a scheme neither OpenSSL's defaults nor this checker support.";
    BUNDLE_NO_CERTIFICATE = "bundle-no-certificate", Error,
        "The client bundle holds a key but no certificate.",
        Some("[SSL] PEM lib (OpenSSL 1.x: SSL_CTX_use_certificate_chain_file no start line)"),
        "Rebuild it: `cat client.cert.pem client.key.pem > client.cert-and-key.pem`.",
        "The controller's TLS client loads its certificate chain and key from this one file ([haproxy_amphora] client_cert). The field report's `openssl rsa -in client.key.pem -out client.cert-and-key.pem` writes only the key.";
    BUNDLE_NO_KEY = "bundle-no-key", Error,
        "The client bundle holds a certificate but no private key.",
        Some("[SSL] PEM lib (SSL_CTX_use_PrivateKey_file: no start line)"),
        "Append the unencrypted client key: `cat client.cert.pem client.key.pem > client.cert-and-key.pem`.",
        "requests passes the one file as both certificate and key; without a key OpenSSL cannot set up the client side of the handshake.";
    BUNDLE_SEVERAL_KEYS = "bundle-several-keys", Warning,
        "The client bundle holds more than one private key.",
        None,
        "Keep only the client certificate's key in the bundle.",
        "OpenSSL uses the first key it finds, so this works while the first key is the certificate's (otherwise bundle-key-mismatch is reported too); the other key is copied to every controller for nothing.";
    BUNDLE_CA_FIRST = "bundle-ca-first", Error,
        "The bundle starts with a CA certificate instead of the client certificate.",
        Some("[SSL: KEY_VALUES_MISMATCH] key values mismatch"),
        "Put the client certificate first, then any intermediates, then the key.",
        "OpenSSL takes the first certificate of the bundle as the client's own; its public key must match the bundle's key.";
    BUNDLE_KEY_MISMATCH = "bundle-key-mismatch", Error,
        "The bundle's key is not the private key of its certificate.",
        Some("[SSL: KEY_VALUES_MISMATCH] key values mismatch"),
        "Assemble the bundle from a matching pair: `octavia-pki generate`, or the client.cert.pem and client.key.pem made together.",
        "A certificate and a key from different runs (or different hosts) do not form a pair; OpenSSL refuses them when the controller sets up TLS.";
    BUNDLE_KEY_ENCRYPTED = "bundle-key-encrypted", Error,
        "The bundle's private key is encrypted.",
        Some("OpenSSL asks \"Enter PEM pass phrase\" on a terminal; unattended the connection fails"),
        "Decrypt it: `openssl pkey -in client.key.pem -out client.key.plain.pem`, then rebuild the bundle (keep it mode 0600).",
        "Octavia gives no passphrase for the client key: the controller must read it unattended.";
    CA_KEY_NOT_ENCRYPTED = "ca-key-not-encrypted", Error,
        "The server CA key is not encrypted, but a passphrase is configured.",
        Some("TypeError: Password was given but private key is not encrypted"),
        "Encrypt it with octavia_ca_password: `openssl pkey -in server_ca.key.pem -aes256 -out server_ca.key.enc.pem` (read the passphrase from passwords.yml).",
        "Kolla always writes ca_private_key_passphrase into octavia.conf, and Python's cryptography refuses a passphrase for an unencrypted key.";
    PASSPHRASE_NOT_AVAILABLE = "passphrase-not-available", Info,
        "The server CA key is encrypted and no passphrase was given: the checks that need the key were not run.",
        None,
        "Give --passwords /etc/kolla/passwords.yml (or --passphrase-file) to check the key too.",
        "Without the passphrase the checker cannot tell whether the key opens or matches the certificate. Those checks were skipped, not passed.";
    WRONG_PASSPHRASE = "wrong-passphrase", Error,
        "The passphrase does not decrypt the server CA key.",
        Some("Could not sign the certificate request: Incorrect password, could not decrypt key (older: bad decrypt)"),
        "Set octavia_ca_password in passwords.yml to the passphrase the key was encrypted with, or re-encrypt the key with it.",
        "Octavia unlocks the server CA key with ca_private_key_passphrase every time it signs an amphora certificate: load balancer creation fails.";
    PASSWORD_UNUSABLE = "password-unusable", Error,
        "A password in passwords.yml holds a character octavia.conf cannot carry (a `$`, a line break).",
        Some("oslo.config reads `$name` as a reference to another option: oslo_config.cfg.TemplateSubstitutionError / \"no such option ... in group [DEFAULT]\""),
        "Replace it with letters and digits (kolla-genpwd makes 40 of them) and, for a CA password, re-encrypt the CA key with the new one.",
        "kolla-ansible writes octavia_ca_password into octavia.conf as ca_private_key_passphrase, and octavia_keystone_password into its service auth. oslo.config substitutes `$name` and `${name}` in octavia.conf values, so the passphrase Octavia gets is not what was written; a line break ends the value. (Formerly passphrase-dollar, for the CA passphrase.)";
    PASSWORD_MISSING = "password-missing", Error,
        "A password Octavia needs is missing or empty in passwords.yml, or passwords.yml cannot be read.",
        Some("kolla-ansible fails to render octavia.conf, or renders an empty passphrase"),
        "Fix passwords.yml; `kolla-genpwd` fills in missing passwords.",
        "kolla-ansible takes octavia_ca_password from passwords.yml for ca_private_key_passphrase, octavia_keystone_password for the service auth, and octavia_client_ca_password encrypts the client CA key. (Formerly passwords-unusable, in the checker.)";
    CA_KEY_MISMATCH = "ca-key-mismatch", Error,
        "The server CA key is not the key of the server CA certificate.",
        Some("controller: certificate verify failed: certificate signature failure"),
        "Deploy the key and certificate that were made together (both are in the work directory, server_ca/).",
        "Octavia signs amphora certificates with the key and names the certificate as their issuer without checking that they match; the controller then rejects every amphora.";
    SERVER_CA_CHAIN_ORDER = "server-ca-chain-order", Error,
        "The server CA file does not start with the certificate of the server CA key (a root-first chain).",
        Some("controller: certificate verify failed: unable to get local issuer certificate"),
        "Put the issuing certificate (the one whose key is server_ca.key.pem) first, then its chain up to the root.",
        "Octavia takes the first certificate of the file as the issuer of amphora certificates. If the root comes first, amphora certificates name the root as issuer but are signed by the intermediate's key.";
    RSA_KEY_TOO_SMALL = "rsa-key-too-small", Error,
        "An RSA key is smaller than 2048 bits.",
        Some("OpenSSL 3: ee key too small / ca key too small"),
        "Generate new keys of at least 2048 bits: `octavia-pki generate` (RSA-4096 by default).",
        "OpenSSL 3's default security level refuses RSA keys below 2048 bits in TLS and in certificate chains.";
    ED25519_SERVER_CA_KEY = "ed25519-server-ca-key", Error,
        "The server CA key is Ed25519; Octavia signs amphora certificates with a digest.",
        Some("ValueError: Algorithm must be None when signing via ed25519 or ed448"),
        "Use an RSA or ECDSA server CA: `octavia-pki generate --key-type ecdsa-p256`.",
        "Octavia's LocalCertGenerator passes signing_digest (sha256) to sign(), which Ed25519 keys refuse.";
    CLIENT_CERT_UNTRUSTED = "client-cert-untrusted", Error,
        "The client certificate is not issued by the client CA the amphorae trust.",
        Some("amphora: unable to get local issuer certificate; controller: tlsv1 alert unknown ca"),
        "Issue the client certificate from the client CA (client_ca.cert.pem), or include missing intermediates in the bundle after the client certificate.",
        "Amphorae receive the client CA at boot and accept only client certificates that chain to it. Typical causes: a certificate from another PKI, one signed by the server CA, a missing intermediate, or a dual-CA client certificate with the single-CA legacy layout.";
    CA_CHAIN_INCOMPLETE = "ca-chain-incomplete", Error,
        "The CA file's certificates do not chain to a self-signed root in the same file.",
        Some("unable to get issuer certificate / unable to get local issuer certificate"),
        "Append the missing intermediates and the root to the CA file, issuing certificate first.",
        "OpenSSL trusts a chain only when it ends at a self-signed root it was given; an intermediate alone is not enough.";
    SERVER_CA_KEY_ID_NOT_SHA1 = "server-ca-key-id-not-sha1", Error,
        "The server CA's subject key identifier is not the SHA-1 of its key, and Octavia 16.1.0 and 17.0.1 name the issuer by that SHA-1.",
        Some("controller (Octavia 16.1.0, 17.0.1): [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate"),
        "Run `octavia-pki renew server-ca --key-id sha1`: it keeps the key and subject, gives the CA certificate the SHA-1 identifier, and deploys [renewed, previous] so amphora certificates already issued keep verifying; then `kolla-ansible -i INVENTORY reconfigure -t octavia`.",
        "Octavia 16.1.0 (2025.1) and 17.0.1 (2025.2) write the amphora certificate's authority key identifier as the SHA-1 of the server CA's public key (AuthorityKeyIdentifier.from_issuer_public_key), whatever the CA certificate's own subject key identifier says. OpenSSL accepts a certificate as the issuer only when the two identifiers agree, so with a CA whose identifier was derived otherwise (a truncated SHA-256, as rcgen, earlier versions of this tool and some certificate managers write) the controllers refuse every amphora they create. Releases before (no key identifiers) and 18.0.1 and later (the CA's stored identifier) work. It is an error when a targeted release (--octavia-version) fails with it, else a warning: an upgrade or a downgrade to one of those releases would break.";
    CA_NOT_CA = "ca-not-ca", Error,
        "A CA certificate says CA:FALSE (or is no CA by any of OpenSSL's rules).",
        Some("invalid CA certificate -> tlsv1 alert unknown ca"),
        "Re-issue the CA with basicConstraints = critical, CA:TRUE (`octavia-pki generate`).",
        "OpenSSL refuses to use a certificate as an issuer unless it is marked as a CA.";
    CA_KEY_USAGE_NO_CERT_SIGN = "ca-key-usage-no-cert-sign", Error,
        "A CA certificate has keyUsage without keyCertSign.",
        Some("key usage does not include certificate signing -> unknown ca"),
        "Re-issue the CA with keyUsage = critical, keyCertSign, cRLSign.",
        "When keyUsage is present, OpenSSL requires keyCertSign on every issuer.";
    CLIENT_EKU_NO_CLIENT_AUTH = "client-eku-no-client-auth", Error,
        "The client certificate's extendedKeyUsage does not include clientAuth.",
        Some("amphora: unsuitable certificate purpose"),
        "Re-issue the client certificate with extendedKeyUsage = clientAuth (or without extendedKeyUsage).",
        "The amphora agent checks the client certificate's purpose; a certificate limited to serverAuth is refused.";
    CLIENT_KEY_USAGE_NO_DIGITAL_SIGNATURE = "client-key-usage-no-digital-signature", Error,
        "The client certificate's keyUsage does not include digitalSignature.",
        Some("amphora: unsuitable certificate purpose"),
        "Re-issue the client certificate with keyUsage = critical, digitalSignature.",
        "A TLS client signs the handshake; OpenSSL refuses a client certificate whose keyUsage forbids that.";
    WEAK_SIGNATURE = "weak-signature", Error,
        "A certificate is signed with SHA-1 or MD5.",
        Some("OpenSSL 3: ca md too weak"),
        "Re-issue it with SHA-256 (`octavia-pki generate`).",
        "OpenSSL 3's default security level refuses SHA-1 and MD5 signatures on every certificate but a self-signed root.";
    EXPIRED = "expired", Error,
        "A certificate has expired.",
        Some("certificate has expired / sslv3 alert certificate expired"),
        "Renew it (`octavia-pki generate` for a new set; renewal commands keep running amphorae working).",
        "An expired certificate fails verification on the other side of every controller-to-amphora connection.";
    NOT_YET_VALID = "not-yet-valid", Error,
        "A certificate is not valid yet.",
        Some("certificate is not yet valid"),
        "Check the clocks of the host that made it and of the controllers; re-issue it if its notBefore is wrong.",
        "A certificate whose notBefore lies in the future fails verification until then.";
    EXPIRING_SOON = "expiring-soon", Warning,
        "A certificate expires soon.",
        Some("in a few days: certificate has expired"),
        "Renew it before it expires.",
        "Within --warn-days (30 by default) of its notAfter. Octavia's own amphora certificates last 30 days and are rotated 14 days before expiry, but the CA and client certificates are not.";
    CA_EXPIRES_BEFORE_CLIENT = "ca-expires-before-client", Warning,
        "The client CA expires before the client certificate it issued.",
        Some("after the CA's expiry: certificate has expired"),
        "Renew the client CA before its expiry, or issue the client certificate to end with it.",
        "A certificate is only usable while its issuer is valid; the client certificate's later notAfter is an illusion.";
    STRICT_CA_BASIC_CONSTRAINTS_NOT_CRITICAL = "strict-ca-basic-constraints-not-critical", Warning,
        "A CA certificate's basicConstraints is missing or not marked critical.",
        Some("Python 3.13+: Basic Constraints of CA cert not marked critical"),
        "Re-issue the CA with basicConstraints = critical, CA:TRUE.",
        "Python 3.13 sets VERIFY_X509_STRICT in its default contexts; OpenSSL then requires RFC 5280's critical basicConstraints on CAs. Octavia's own devstack certificates fail this.";
    STRICT_CA_NO_KEY_USAGE = "strict-ca-no-key-usage", Warning,
        "A CA certificate has no keyUsage extension.",
        Some("Python 3.13+: CA cert does not include key usage extension"),
        "Re-issue the CA with keyUsage = critical, keyCertSign, cRLSign.",
        "VERIFY_X509_STRICT (Python 3.13's default) requires keyUsage on CA certificates.";
    STRICT_CA_NO_SKI = "strict-ca-no-ski", Warning,
        "A CA certificate has no subjectKeyIdentifier.",
        Some("Python 3.13+: Subject Key Identifier missing"),
        "Re-issue the CA with subjectKeyIdentifier = hash.",
        "VERIFY_X509_STRICT requires a subject key identifier on CA certificates.";
    STRICT_NO_AKI = "strict-no-aki", Warning,
        "A certificate that is not a self-signed root has no authorityKeyIdentifier.",
        Some("Python 3.13+: Missing Authority Key Identifier"),
        "Re-issue it with authorityKeyIdentifier = keyid.",
        "VERIFY_X509_STRICT requires an authority key identifier on every certificate but a self-signed root.";
    REHEARSAL_FAILED = "rehearsal-failed", Error,
        "The rehearsed controller-to-amphora handshake fails, though no static rule found why.",
        Some("the alert in the message"),
        "Run `octavia-pki rehearse DIR` for the transcript; the message names the side that refuses and the file.",
        "The last stage of check plays Octavia's handshake in memory (amphora certificate issued as LocalCertGenerator does, mutual TLS 1.2 and 1.3 with OpenSSL's verification rules). It runs when the static rules found no error, to catch what they cannot see.";
    OCTAVIA_RELEASE_STRICT_NO_AKI = "octavia-release-strict-no-aki", Warning,
        "Under Python 3.13's strict verification (--strict), some targeted Octavia releases refuse the amphora certificates they issue themselves, whatever the files hold.",
        Some("controller: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Missing Authority Key Identifier"),
        "Run those controllers on Python 3.12 or older, or upgrade Octavia to a release that writes an authority key identifier (16.1.0, 17.0.1, 18.0.1 or later). No change to the certificate files helps.",
        "Octavia 16.0.0, 16.0.1, 17.0.0 and 18.0.0 issue amphora certificates with neither a subject nor an authority key identifier. Python 3.13 verifies with VERIFY_X509_STRICT, which refuses a certificate without an authority key identifier, so on Python 3.13 those controllers refuse every amphora they create. The check reports it as a warning because the files are not at fault; `octavia-pki rehearse --strict` reports the failed handshake itself.";
    KEY_FILE_PERMISSIONS = "key-file-permissions", Warning,
        "A file holding a private key is readable by group or others.",
        None,
        "chmod 0600 FILE",
        "The server CA key can mint certificates every controller trusts and the client key impersonates the controllers; kolla-ansible deploys them 0600.";
    TEXT_BEFORE_PEM = "text-before-pem", Info,
        "The file has text before its PEM block (e.g. `openssl x509 -text` output).",
        None,
        "Nothing to do: OpenSSL skips it. `openssl x509 -in FILE -out FILE` would tidy it.",
        "OpenSSL and Python's cryptography skip anything before -----BEGIN.";
    CRLF_LINE_ENDINGS = "crlf-line-endings", Info,
        "The file has Windows (CRLF) line endings.",
        None,
        "Nothing to do: OpenSSL reads them. `dos2unix FILE` would tidy it.",
        "OpenSSL's PEM reader accepts CRLF.";
    UTF8_BOM = "utf8-bom", Info,
        "The file starts with a UTF-8 byte order mark.",
        None,
        "Nothing to do: OpenSSL skips it.",
        "A BOM before -----BEGIN is skipped like any other text.";
}
