//! The certificate checker's codes (`octavia-pki check`, and the
//! certificate stage of `deploy check`), and those of the passwords it reads.
//!
//! Every code is defined here, in three lists: the loading pass's
//! ([`LOADING`]: files, PEM framing, keys, passphrases, the bundle's
//! composition), octavia.conf's ([`CONF`]) and the rules' ([`RULES`]), whose
//! predicates, messages and tests are one file each under `check/rules/`,
//! each naming its code here. The catalogue depends on no rule: the rules
//! depend on it.

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
    CLIENT_CA_KEY_LOST = "client-ca-key-lost", Warning,
        "The client CA's key is gone: no client certificate can be issued from it any more.",
        Some("once the client certificate expires, every amphora refuses the controllers: tlsv1 alert certificate expired"),
        "Do not renew (nothing can sign the renewal), and before the client certificate expires: make a new client CA and a client certificate from it; put both CAs, the old one first, in client_ca, so that every amphora booted from now on trusts the controllers' current certificate and the new one, while the controllers keep presenting the current certificate; fail over every amphora; then give the controllers the new client certificate and drop the old CA from client_ca. (octavia-pki's staged rotation cross-signs with the old CA's key, which is gone here: it cannot make this change for you.)",
        "RHOSO's octavia-operator discarded the client CA's key in the Secrets it made before OSPRH-17062 (May 2025: those Secrets have no client_ca.key.pem and no version key) and issued the client certificate for one month; it never regenerates an existing Secret. Amphorae trust only the client CA they were booted with, and no one can issue a new client certificate from a CA whose key is gone: the way out is a new client CA that every amphora receives by a failover.";
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
        "Replace the key with an intact copy in PKCS#8 or traditional PEM, encrypted with AES-128, AES-256 or 3DES; a server CA key OpenSSL still reads can be rewritten so: `openssl pkey -in FILE -passin file:PASSFILE -aes256 -passout stdin -out FILE.new < PASSFILE` (PASSFILE holding the passphrase), then FILE.new put in its place.",
        "The key block is present but its contents are not a usable RSA, ECDSA or Ed25519 key, or it is encrypted with a scheme neither OpenSSL's defaults nor this checker support, or it is one Python's cryptography, with which Octavia opens keys, refuses: a legacy encrypted block (a DEK-Info header) holding a key its label cannot hold, such as PKCS#1 in a PRIVATE KEY block (cryptography 43.0.3, which OpenStack's upper-constraints pin, reads through OpenSSL's PEM reader; the openssl command may read such a block all the same).";
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
    PASSPHRASE_TRAILING_NEWLINE = "passphrase-trailing-newline", Error,
        "The passphrase does not open the server CA key, but the same passphrase followed by a newline does: the key was encrypted with a passphrase that ended in a line break, which octavia.conf cannot carry.",
        Some("Could not sign the certificate request: Incorrect password, could not decrypt key"),
        "Re-encrypt the key with the passphrase alone: `OLD=\"$(cat PASSFILE; printf x)\"; OLD=\"${OLD%x}\" openssl pkey -in FILE -passin env:OLD -aes256 -passout file:NEWFILE -out FILE.new; unset OLD`, where PASSFILE is the file (or the Secret's value, saved to a file) the passphrase was written to, newline and all (the `printf x` keeps the newline `$(...)` would drop), and NEWFILE holds the passphrase alone, as octavia.conf has it; then put FILE.new in the key's place and restart Octavia's workers. Write passphrases without a final newline from now on (`printf %s`, not `echo`).",
        "A passphrase written to a file or a Secret with a final newline (by `echo`, a heredoc, an editor, `kubectl create secret --from-file`) keeps it, and whatever encrypted the key with that file's contents encrypted it with the newline. octavia.conf's ca_private_key_passphrase cannot end with a line break, so Octavia unlocks the key with the passphrase alone, fails, and no amphora certificate can be signed. Tried only when the passphrase fails, with a newline (LF) and with CR LF after it; OpenSSL's -passin file: drops the newline too, so it cannot open such a key either.";
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

super::finding_codes! {
    namespace = "check";
    list = RULES;
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
        "Amphorae receive the client CA at boot and accept only client certificates that chain to it. Typical causes: a certificate from another PKI, one signed by the server CA, a missing intermediate, or a dual-CA client certificate with client_ca naming the server CA's own file: the single-CA legacy layout, or puppet-octavia (TripleO), which writes client_ca = ca_certificate unless octavia::certificates::client_ca is set.";
    FOREIGN_CERTIFICATE_TRUSTED = "foreign-certificate-trusted", Error,
        "A trust file (server_ca, client_ca) holds a certificate that is not the set's: whoever holds its key is trusted as an amphora, or as the controllers.",
        None,
        "Remove the certificate the finding names (its PEM block) from the file it names, keep the set's CA and its chain, and deploy the file again; from client_ca, also fail over the amphorae booted while it was deployed (each keeps the copy it booted with).",
        "The controllers accept an amphora certificate that any certificate of server_ca verifies, and an amphora accepts a client certificate that any certificate of its client_ca copy verifies. What belongs there: the set's CA (the one Octavia issues amphora certificates with; the one that issued the client certificate) and the earlier certificates of its key a renewal keeps, the chain above it (the gate's intermediate and root), certificates the set's own CAs issued, and, in server_ca during a staged rotation (`rotate server-ca --staged`, until `rotate finish server-ca`), the old CA after the new one. A staged client CA rotation adds nothing to client_ca: its cross-certificate travels in the bundle. Anything else lets whoever holds its key pose as an amphora to the controllers (and receive what they send it: listeners' certificates and keys) or command every amphora's agent. Octavia works, so nothing else shows it; an expired one is a warning (OpenSSL accepts nothing it signs any more). With --work-dir, a CA of another key in server_ca is a staged rotation's old CA only when the work directory's history (octavia-pki-history.jsonl) records an unfinished staged rotation from its key to the current CA. Without it, the file alone is judged: a CA of another key passes for one only when it follows the current CA and the current CA bears its name with the next generation suffix (` G2`, ` G3`), as the staged rotation names it; that much anyone can imitate, so give --work-dir where the work directory is at hand.";
    STAGED_ROTATION_LOST = "staged-rotation-lost", Error,
        "The work directory's history records a staged server CA rotation not finished, but server_ca no longer holds the CA it replaced: the controllers refuse every amphora issued before the rotation.",
        Some("certificate verify failed: unable to get local issuer certificate (controllers to the amphorae issued before the rotation; their load balancers go to ERROR on the next change)"),
        "Restore server_ca from the backup of the change that dropped the old CA (`octavia-pki backups list`, then `octavia-pki backups restore NAME`), or put the old CA's certificate back after the current one; once every amphora issued before the rotation is failed over, end it with `octavia-pki rotate finish server-ca`.",
        "`rotate server-ca --staged` writes the new CA first in server_ca and keeps the old one after it, so that the controllers go on trusting the certificates the amphorae already serve until `rotate finish server-ca` (after their failover) removes it; the work directory's history (octavia-pki-history.jsonl) records the rotation and the old CA's key. A file restored by hand, another tool, or an older version of this one can drop the old CA while the rotation is in flight: Octavia starts, the new amphorae work, and every older amphora is refused at the next health check or change. Judged with --work-dir only (the history is there); the client CA's side of a staged rotation, the cross-certificate in the bundle, is judged by client-cert-untrusted against each generation of amphorae the history records.";
    CA_CHAIN_INCOMPLETE = "ca-chain-incomplete", Error,
        "The CA file's certificates do not chain to a self-signed root in the same file.",
        Some("unable to get issuer certificate / unable to get local issuer certificate"),
        "Append the missing intermediates and the root to the CA file, issuing certificate first.",
        "OpenSSL trusts a chain only when it ends at a self-signed root it was given; an intermediate alone is not enough.";
    SERVER_CA_MISSING_ISSUER = "server-ca-missing-issuer", Error,
        "The server CA file the controllers trust does not hold the CA that issues amphora certificates.",
        Some("controller: certificate verify failed: unable to get local issuer certificate"),
        "Make [haproxy_amphora] server_ca hold the certificate [certificates] ca_certificate names, then its chain up to the root (Octavia's gate script: server_ca-chain.cert.pem).",
        "Octavia signs amphora certificates with ca_certificate (an intermediate is fine) and the amphora presents only its own certificate, so each controller must find that CA, and the chain above it, in server_ca.";
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
    CA_SHORT_LIVED = "ca-short-lived", Warning,
        "A CA certificate is valid for less than a year in all: it must be renewed that often.",
        Some("at its not-after: certificate has expired, on every amphora"),
        "Re-issue it for years, with the same key (`octavia-pki renew server-ca` / `client-ca`), or generate a set with sane validity (`octavia-pki generate`: 10 years for the CAs).",
        "The Juju charm's README recipe makes both CAs with `-days 30`. Every renewal of the server CA must reach every controller in time, and every renewal of the client CA needs each amphora failed over before the old copy it holds expires: monthly, that is a maintenance that will be missed.";
    ONE_CA_BOTH_ROLES = "one-ca-both-roles", Warning,
        "The CA that issues amphora certificates is also the client CA the amphorae trust, under two names.",
        None,
        "Give the amphorae a client CA of its own: `octavia-pki rotate client-ca --staged` (no failover), then finish it once every amphora was replaced.",
        "LocalCertGenerator gives every amphora certificate clientAuth. When the issuing CA is also the client CA, each amphora's own certificate and key, which sit on a VM that handles tenant traffic, are accepted by every other amphora as a controller's: one compromised amphora commands them all. Octavia's single-CA gate script (\"Single CA mode is insecure, do not use this!\") deploys so, and the charm's README once wired the controller CA in as the issuing CA. Kolla's legacy layout has one CA by design and is not reported here.";
    PUBLICLY_KNOWN_KEY = "publicly-known-key", Error,
        "A CA or client certificate holds a key published as test material (Octavia's devstack certificates, puppet-openstack-integration's CI set).",
        None,
        "Generate a set of your own (`octavia-pki generate`), deploy it, and fail every amphora over: amphorae booted with the published client CA accept anyone who downloads Octavia.",
        "Octavia's repository ships pregenerated certificates and keys for devstack (devstack/pregenerated/certs: ca_01.pem, cakey.pem with the passphrase foobar, client.pem; later server_ca.cert.pem, client_ca.cert.pem, client.cert-and-key.pem, the same two keys). Guides suggest deploying them to get started. puppet-openstack-integration commits the set its CI deploys with puppet-octavia (files/octavia-certs: the server CA key with the passphrase not-secure-passphrase, and the client certificate with its key). Whoever reads the repository then holds the CA key the amphorae trust and the controllers' client key: they can issue a certificate every amphora accepts, command the amphora agents and impersonate amphorae. Octavia works, so nothing else reports it.";
    CERT_MANAGER_ROTATES_CA_KEY = "cert-manager-rotates-ca-key", Warning,
        "cert-manager will re-issue a deployed CA with a new key (privateKey.rotationPolicy: Always, the default from cert-manager 1.18).",
        Some("after the renewal: certificate verify failed / tlsv1 alert unknown ca, on every amphora"),
        "Set `spec.privateKey.rotationPolicy: Never` on the CA Certificates (the server CA and the client CA), and renew or rotate them with the steps that keep amphorae working (`octavia-pki rotate ... --staged`).",
        "Amphorae hold certificates from the server CA and a copy of the client CA taken at boot. A CA re-issued with a new key is another CA to them: the controllers stop trusting the amphora certificates issued before, and the amphorae refuse the controllers' next client certificate, until every amphora is failed over. cert-manager renews at renewBefore (else two thirds into the certificate's life); with rotationPolicy Always it makes a new key then. Atmosphere pins cert-manager 1.15, which keeps the key; from 1.18 the default is Always. Given with check --cert-manager MANIFEST; an explicit Always is an error, an unset policy a warning.";
    STRICT_CA_BASIC_CONSTRAINTS_NOT_CRITICAL = "strict-ca-basic-constraints-not-critical", Warning, strict,
        "A CA certificate's basicConstraints is missing or not marked critical.",
        Some("Python 3.13+: Basic Constraints of CA cert not marked critical"),
        "Re-issue the CA with basicConstraints = critical, CA:TRUE.",
        "Python 3.13 sets VERIFY_X509_STRICT in its default contexts; OpenSSL then requires RFC 5280's critical basicConstraints on CAs. Octavia's own devstack certificates fail this.";
    STRICT_CA_NO_KEY_USAGE = "strict-ca-no-key-usage", Warning, strict,
        "A CA certificate has no keyUsage extension.",
        Some("Python 3.13+: CA cert does not include key usage extension"),
        "Re-issue the CA with keyUsage = critical, keyCertSign, cRLSign.",
        "VERIFY_X509_STRICT (Python 3.13's default) requires keyUsage on CA certificates.";
    STRICT_CA_NO_SKI = "strict-ca-no-ski", Warning, strict,
        "A CA certificate has no subjectKeyIdentifier.",
        Some("Python 3.13+: Missing Subject Key Identifier"),
        "Re-issue the CA with subjectKeyIdentifier = hash.",
        "VERIFY_X509_STRICT requires a subject key identifier on X.509 v3 CA certificates (OpenSSL asks v1 certificates for no key identifiers).";
    STRICT_NO_AKI = "strict-no-aki", Warning, strict,
        "An X.509 v3 certificate that is not a self-signed root has no authorityKeyIdentifier.",
        Some("Python 3.13+: Missing Authority Key Identifier"),
        "Re-issue it with authorityKeyIdentifier = keyid.",
        "VERIFY_X509_STRICT requires an authority key identifier on every X.509 v3 certificate of the path but its last (a self-signed root, or with VERIFY_X509_PARTIAL_CHAIN, which Python 3.13 sets with it, whichever trusted certificate ends the path). A v1 certificate (openssl x509 -req without extensions, as TripleO's client certificate) has no extensions and is not asked for one.";
    REHEARSAL_FAILED = "rehearsal-failed", Error,
        "The rehearsed controller-to-amphora handshake fails, though no static rule found why.",
        Some("the alert in the message"),
        "Run `octavia-pki rehearse` on the same files for the transcript; the message names the side that refuses and the file.",
        "The last stage of check plays Octavia's handshake in memory (amphora certificate issued as LocalCertGenerator does, mutual TLS 1.2 and 1.3 with OpenSSL's verification rules). It runs when the static rules found no error, to catch what they cannot see.";
    OCTAVIA_RELEASE_STRICT_NO_AKI = "octavia-release-strict-no-aki", Warning,
        "Under Python 3.13's strict verification (--strict), some targeted Octavia releases refuse the amphora certificates they issue themselves, whatever the files hold.",
        Some("controller: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Missing Authority Key Identifier"),
        "Run those controllers on Python 3.12 or older, or upgrade Octavia to a release that writes an authority key identifier (18.0.1 or later). No change to the certificate files helps.",
        "Octavia 16.0.0, 16.0.1, 17.0.0 and 18.0.0 issue amphora certificates with neither a subject nor an authority key identifier. The controller verifies amphorae through urllib3, whose create_urllib3_context sets VERIFY_X509_STRICT on Python 3.13 from urllib3 2.3 on: the series' upper-constraints pin urllib3 1.26.20 in 2025.1 and 2025.2 (no strict verification) and 2.6.3 in 2026.1, so on Python 3.13 18.0.0's controllers refuse every amphora they create. The check reports it as a warning because the files are not at fault; `octavia-pki rehearse --strict` reports the failed handshake itself.";
}

/// Every code of this namespace, in documentation order: the loading
/// pass's, octavia.conf's, then the rules'.
pub const ALL: &[super::Code] = &{
    const M: usize = LOADING.len() + CONF.len();
    const FIRST: [super::Code; M] = super::concat::<M>(LOADING, CONF);
    const N: usize = M + RULES.len();
    super::concat::<N>(&FIRST, RULES)
};
