//! The certificate checker's codes (`octavia-pki check`, and the
//! certificate stage of `deploy check`), and those of the passwords it reads.
//!
//! The codes of the loading pass (files, PEM framing, keys, passphrases, the
//! bundle's composition) are defined here; every other code is a rule, defined
//! with its predicate and test in its own file under `check/rules/`, and
//! published here by the rule registry.

super::finding_codes! {
    namespace = "check";
    list = LOADING;
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
    VAULTED_FILE = "vaulted-file", Error,
        "The file is encrypted with ansible-vault, and no vault password (or another one) was given.",
        None,
        "Give Ansible's vault password file: --vault-password-file FILE, or ANSIBLE_VAULT_PASSWORD_FILE (an executable file is run, as Ansible does).",
        "Kayobe and many kolla-ansible operators keep passwords.yml and the certificate files encrypted with ansible-vault. kolla-ansible decrypts them when it copies them to the controllers, so Octavia is not affected; but nothing can be checked without the vault password. With another password, Ansible's HMAC check of the file fails.";
    WORK_DIR_MISMATCH = "work-dir-mismatch", Error,
        "The CA work directory holds another CA than the deployed files.",
        Some("after a renewal from it: \"tlsv1 alert unknown ca\" / \"certificate verify failed\""),
        "Give the work directory of this set (--work-dir), or restore the replaced files from the .backup/ directories beside them.",
        "renew and rotate issue from the work directory's CA keys and rewrite some deployed files but not others. With another set's work directory, or after a run stopped between writing the deployed files and the work directory, the result mixes two sets: renew and rotate refuse it, and check --work-dir reports it. Compared by public key, so a renewed certificate (same key) is the same CA.";
    INTERRUPTED_WRITE = "interrupted-write", Warning,
        "A write of octavia-pki to these files was interrupted (killed, power lost): its journal is still pending.",
        None,
        "Run `octavia-pki recover` (with the same directories): it brings the files back to one whole state, before or after the write, and says which; renew, rotate and generate do it first by themselves.",
        "Every write of generate, renew and rotate is journalled (.backup/<run>.journal.json) before its first rename and the journal is closed when the last file is in place. A journal still pending means the run stopped in between: some files may be new and others old, a mix the other findings judge only as far as they see it (a new client certificate beside an old CA shows, an old trust file beside a new work directory may not).";
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
    PUBLICLY_KNOWN_PASSPHRASE = "publicly-known-passphrase", Error,
        "The server CA key opens with a passphrase published by a deployer or by Octavia (not-secure-passphrase, foobar, insecure-key-do-not-use-this-key).",
        None,
        "Re-encrypt the key with a passphrase of your own (`openssl pkey -in KEY -aes256 -out KEY.new`, the new passphrase read from a file), set it as [certificates] ca_private_key_passphrase, and restart the workers; better, generate a set of your own (`octavia-pki generate`).",
        "Octavia's gate script (which devstack and openstack-helm's CI deploy, and which says \"Do not use this script for deployments\") encrypts every key with not-secure-passphrase; the charm's README recipe uses foobar. Whoever copies such a key file can open it with the published passphrase and issue certificates the controllers trust. Octavia works, so nothing else reports it. Tried on an encrypted key when no passphrase is given, so that the key is still checked.";
    WRONG_PASSPHRASE = "wrong-passphrase", Error,
        "The passphrase does not decrypt the server CA key.",
        Some("Could not sign the certificate request: Incorrect password, could not decrypt key (older: bad decrypt)"),
        "Set octavia_ca_password in passwords.yml to the passphrase the key was encrypted with, or re-encrypt the key with it.",
        "Octavia unlocks the server CA key with ca_private_key_passphrase every time it signs an amphora certificate: load balancer creation fails.";
    PASSWORD_UNUSABLE = "password-unusable", Error,
        "A password in passwords.yml, or the charm's lb-mgmt-issuing-ca-key-passphrase, holds a character octavia.conf cannot carry (a `$`).",
        Some("oslo.config reads `$name` as a reference to another option: oslo_config.cfg.TemplateSubstitutionError / \"no such option ... in group [DEFAULT]\""),
        "Replace it with letters and digits (kolla-genpwd makes 40 of them) and, for a CA password, re-encrypt the CA key with the new one.",
        "kolla-ansible writes octavia_ca_password into octavia.conf as ca_private_key_passphrase, and octavia_keystone_password into its service auth. oslo.config substitutes `$name` and `${name}` in octavia.conf values, so the passphrase Octavia gets is not what was written. The charm writes lb-mgmt-issuing-ca-key-passphrase into ca_private_key_passphrase the same way. (Formerly passphrase-dollar, for the CA passphrase.)";
    PASSWORD_NOT_AS_WRITTEN = "password-not-as-written", Error,
        "A CA passphrase reaches Octavia as another string than the one written: in passwords.yml a YAML boolean, number, time stamp or !!binary, surrounding whitespace or quotes, Jinja markup, a line break; in the charm's lb-mgmt-issuing-ca-key-passphrase surrounding whitespace or quotes, a line break.",
        Some("Could not sign the certificate request: Incorrect password, could not decrypt key (when the key was encrypted with the text as written)"),
        "Write the passphrase as letters and digits (in passwords.yml, a quoted string without a tag; kolla-genpwd makes 40), re-encrypt the CA key with it, and reconfigure.",
        "Ansible loads passwords.yml as YAML 1.1 with its tags: a plain yes, on or true is a boolean (rendered True), 1_000, 0x1F, 017 or 1:20 are numbers (rendered in decimal), an explicit tag types the value whatever its quotes (!!bool 'yes' is True, !!float '1.50' is 1.5, !!binary is the decoded bytes), and strings are rendered as Jinja unless tagged !unsafe. kolla writes the rendered value into octavia.conf, and charm-octavia's template writes lb-mgmt-issuing-ca-key-passphrase as it is; both unquoted. oslo.config then strips surrounding whitespace and one pair of quotes, and a line break ends the value. So Octavia uses another passphrase than the one written, and a key encrypted with the text as written does not open. generate, renew and rotate refuse such a value; the checker unlocks the key with the string Octavia reads, when it can be told.";
    DUPLICATE_KEY = "duplicate-key", Warning,
        "A key is given twice in passwords.yml: Ansible warns and uses the last value.",
        Some("[WARNING]: While constructing a mapping ... found a duplicate dict key ... Using last defined value only."),
        "Remove the earlier occurrences, keeping the value you mean.",
        "YAML mappings should not repeat a key. Ansible (and this tool, which reads passwords.yml as Ansible does) keeps the last value; an editor's search, or another YAML reader, may find the first.";
    PASSWORD_MISSING = "password-missing", Error,
        "A password Octavia needs is missing or empty in passwords.yml, or passwords.yml cannot be read (Ansible refuses to load it, an inline !vault value cannot be decrypted).",
        Some("kolla-ansible fails to render octavia.conf, or renders an empty passphrase"),
        "Fix passwords.yml; `kolla-genpwd` fills in missing passwords.",
        "kolla-ansible takes octavia_ca_password from passwords.yml for ca_private_key_passphrase, octavia_keystone_password for the service auth, and octavia_client_ca_password encrypts the client CA key. (Formerly passwords-unusable, in the checker.)";
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

super::finding_codes! {
    namespace = "check";
    list = CONF;
    CONFIG_REFERENCE = "config-reference", Warning,
        "A certificate option's value in octavia.conf holds a `$`, which oslo.config reads as a reference to another option.",
        Some("oslo_config.cfg.TemplateSubstitutionError, or another file or passphrase than the one written"),
        "Write the value without `$` (or with `$$` for a literal `$`) in the file that sets it.",
        "oslo.config substitutes `$name` and `${name}` in every value with the value of another registered option (its default when unset), and fails when there is no such option; `$$` and `\\$` are a literal `$`. References to the PKI's own options are substituted here as oslo.config does; for any other option Octavia reads another path or passphrase than the one written, which cannot be told from the files alone: the value is checked as written. (In the node namespace before.)";
    CONFIG_CONTINUATION = "config-continuation", Warning,
        "A certificate option's value in octavia.conf goes on over an indented line (an indented `# comment` too), which oslo.config makes part of the value.",
        Some("Octavia: \"Failed to load CA Certificate <path>\", or a passphrase that does not open the key"),
        "Start the line after the option in the first column (a comment there is a comment), or remove it, in the file that sets the option.",
        "oslo.config reads a line that starts with a space or a tab as the continuation of the value above it, whatever the line holds: `ca_private_key_passphrase = secret` followed by `    # rotated in May` is the passphrase `secret`, a line break and `# rotated in May`. The checker reads the value as Octavia does, line break included; this says why it may not be the one meant.";
    SERVER_CERTS_KEY_PASSPHRASE_INSECURE = "server-certs-key-passphrase-insecure", Warning,
        "`[certificates] server_certs_key_passphrase` is unset or Octavia's published default: it encrypts the amphorae's stored keys.",
        None,
        "Set 32 random characters of [A-Za-z0-9-_=] (`openssl rand -base64 24 | tr +/ -_`) as [certificates] server_certs_key_passphrase; from Octavia 17.0.0 write `<new>,insecure-key-do-not-use-this-key` (the first encrypts, every entry decrypts) so that stored keys still open; Octavia 16.x takes one key only. Then restart the workers.",
        "The controller stores each amphora's certificate and key encrypted with this passphrase. kolla-ansible, OpenStack-Ansible and the charm never set it, and devstack sets Octavia's default, `insecure-key-do-not-use-this-key`: whoever reads the database can decrypt every amphora's key. Read from octavia.conf (check --config-file, node check). (In the node namespace before.)";
    SERVER_CERTS_KEY_PASSPHRASE_INVALID = "server-certs-key-passphrase-invalid", Error,
        "`[certificates] server_certs_key_passphrase` is not what Octavia accepts: 32 characters of `[A-Za-z0-9-_=]` (a comma-separated list of them from Octavia 17.0.0).",
        Some("ConfigFileValueError: Value for option server_certs_key_passphrase ... is not valid: ... doesn't match regex '^[A-Za-z0-9\\-_=]{32}$' (every Octavia service exits at start)"),
        "Write exactly 32 characters of [A-Za-z0-9-_=]; for Octavia 17.0.0 and later, several such entries comma-separated; for 16.x, one.",
        "Octavia uses each entry as a Fernet key (base64 of 32 bytes). It declares the option with a regex, a string in 16.x and a list of strings from 17.0.0 (octavia/certificates/common/local.py), and oslo.config checks it when the service starts: a bad value stops every Octavia service. (In the node namespace before.)";
}

/// The rules' codes, each under the name the rule registry gives it, and
/// [`ALL`]: the loading pass's codes, then the rules', in documentation order.
macro_rules! publish {
    ($($module:ident: $name:ident,)*) => {
        $(pub use crate::check::rules::$module::CODE as $name;)*

        /// The rules' codes, in the registry's order.
        const RULES: &[super::Code] = &[$($name),*];
    };
}
crate::check::rules::registry!(publish);

/// Every code of this namespace, in documentation order: the loading
/// pass's, octavia.conf's, then the rules'.
pub const ALL: &[super::Code] = &{
    const M: usize = LOADING.len() + CONF.len();
    const FIRST: [super::Code; M] = super::concat::<M>(LOADING, CONF);
    const N: usize = M + RULES.len();
    super::concat::<N>(&FIRST, RULES)
};
