#!/usr/bin/env bash
# deployers.sh KIND OUT: an Octavia control-plane PKI made by another deployer's own code or recipe, with the
# octavia.conf that deployer renders, in OUT (OUT/octavia.conf names absolute paths under OUT). Never made by
# octavia-pki: the tests judge these sets with it and with Octavia itself.
#
#   gate        Octavia's bin/create_dual_intermediate_CA.sh (from its sdist), files as the script leaves them
#               (etc/octavia/certs: openstack-helm's `octavia-certs` Secret), octavia.conf as openstack-helm's
#               values render it (ca_certificate = the server intermediate, server_ca = its chain file).
#   devstack    the same script, files and octavia.conf as devstack's plugin (devstack/plugin.sh in the sdist)
#               places and writes them: its own `iniset` lines, run.
#   single      bin/create_single_CA_intermediate_CA.sh: one intermediate CA for both roles.
#   guide       Octavia's certificate guide (doc/source/admin/guides/certificates.rst): its `$ ` commands, run
#               in order with its sample-configs/openssl.cnf; passphrases from files where the guide prompts,
#               subjects where it prompts; octavia.conf as the guide gives it (the bundle is key first).
#   charm       charm-octavia's README recipe (../shared/reference/octavia-deployers.md), then the files the
#               charm writes from its options (base64-decoded) and the octavia.conf it renders.
#   certmanager a cert-manager-like set as Atmosphere mounts it: ECDSA P-256, unencrypted keys, self-signed
#               CAs issuing a server CA "tls.crt" and a client tls-combined.pem (key first, then the chain).
#   osa         OpenStack-Ansible's own role (../shared/peers/osa/run.sh; needs OSA_VENV), octavia.conf from
#               os_octavia's template's certificate options.
#   tripleo     TripleO's own tasks (testdata/tripleo-ansible: octavia_overcloud_config's certs_gen.yml, then
#               octavia_controller_config's certificate.yml) run by tests/peers/tripleo.yml with the
#               ansible-playbook of $OCTAVIA_PKI_KOLLA, the files under OUT/etc/octavia/certs (the controller's
#               /var/lib/config-data/puppet-generated/octavia); octavia.conf as puppet-octavia's
#               octavia::certificates writes it from TripleO's heat parameters (server_ca = ca_certificate,
#               client_ca = ca_certificate: TripleO never sets octavia::certificates::client_ca).
#   devstack-old devstack's plugin before Train (testdata/devstack-create-certificates): its own lines, `source
#               create_certificates.sh` and its `iniset`s, run; client_ca at Octavia's default (ca_01.pem).
#   puppet-ci   puppet-openstack-integration's committed files (testdata/puppet-openstack-integration) where its
#               manifests/octavia.pp has puppet-octavia put them, with the octavia.conf puppet-octavia writes.
#   rhoso       Red Hat OpenStack on OpenShift: the octavia-operator's own EnsureAmphoraCerts (rhoso/, built
#               with Debian's golang-go), today's (82a7a50); OUT/secrets.yaml holds its Secrets
#               (`octavia-certs-secret`, `octavia-ca-passphrase`), OUT/etc/octavia/certs the certs Secret as
#               the kubelet mounts it, OUT/octavia.conf the amphora controller template rendered.
#   rhoso-ga    the same at 18.0 GA (cc02722): the CA key in Go's x509.EncryptPEMBlock form (PKCS#8 inside
#               Proc-Type/DEK-Info AES-128-CBC), a client certificate valid one month, no client CA key kept.
#   rhoso-ga-newline  rhoso-ga with a passphrase Secret whose value ends in a newline (OSPRH-14829).
#   rhoso-pre-ga      before GA (7a9b248): the client certificate self-signed by its own key (OSPRH-5943).
#   genestack   Rackspace Genestack's octavia_preconf role (genestack/run.sh; needs OSA_VENV), its Secret
#               manifest stored by a kubectl stand-in, mounted as its helm values say, octavia.conf from
#               openstack-helm's chart values with Genestack's overrides.
#   helm-script openstack-helm's tools/deployment/component/octavia/octavia_certs.sh (which runs Octavia's gate
#               script) with a kubectl stand-in that stores the Secret (OUT/secrets.yaml); mounted as
#               openstack-helm's CI values say, octavia.conf from the chart's values.yaml.
# The kinds whose passphrase is not in a file the deployer keeps leave it in OUT/passphrase (directory mode).
# OCTAVIA_PKI_SDIST names Octavia's unpacked sdist (scripts/peers.sh sdist). Passphrases this script chooses
# are written to files and given to openssl as file: arguments, never on a command line.
set -euo pipefail
# This script's directory, before the cd below (a relative $0 would not resolve after it).
here=$(cd "$(dirname "$0")" && pwd)
testdata=$here/../../../testdata
kind=$1
out=$(realpath -m "$2")
: "${OCTAVIA_PKI_SDIST:?set OCTAVIA_PKI_SDIST to the unpacked Octavia sdist: bash scripts/peers.sh sdist}"
mkdir -p "$out"
cd "$out"

# A stand-in for devstack's iniset (devstack is on no registry): it appends the option, which oslo.config
# reads as devstack's in-place edit (repeated sections are merged, later values win).
iniset() { printf '[%s]\n%s = %s\n' "$2" "$3" "$4" >> "$1"; }

# octavia.conf naming CA_CERT CA_KEY PASSPHRASE SERVER_CA CLIENT_CERT CLIENT_CA (no passphrase line when it is
# empty), as a deployer renders the PKI's options.
write_conf() {
  { echo "[certificates]"
    echo "ca_certificate = $1"
    echo "ca_private_key = $2"
    [ -n "$3" ] && echo "ca_private_key_passphrase = $3"
    echo "[haproxy_amphora]"
    echo "server_ca = $4"
    echo "client_cert = $5"
    echo "[controller_worker]"
    echo "client_ca = $6"; } > "$out/octavia.conf"
}

# The gate script, run where it expects to be (beside its openssl.cnf); prints where it left the files.
gate_script() {
  cp -r "$OCTAVIA_PKI_SDIST/bin" "$out/work"
  (cd "$out/work" && bash "$1" > "$out/work.log" 2>&1)
}

case "$kind" in
  gate|single)
    # The files as the script leaves them. The dual-CA script's controllers trust the chain file; the
    # single-CA script's only server CA file is the chain.
    if [ "$kind" = gate ]; then
      script=create_dual_intermediate_CA.sh made=dual_ca trusted=server_ca-chain.cert.pem
    else
      script=create_single_CA_intermediate_CA.sh made=single_ca trusted=server_ca.cert.pem
    fi
    gate_script "$script"
    cp -rp "work/$made/etc/octavia/certs" "$out/certs"
    c=$out/certs
    write_conf "$c/server_ca.cert.pem" "$c/server_ca.key.pem" not-secure-passphrase "$c/$trusted" \
      "$c/client.cert-and-key.pem" "$c/client_ca.cert.pem"
    ;;
  devstack)
    gate_script create_dual_intermediate_CA.sh
    # devstack/plugin.sh's octavia_configure, from `pushd $OCTAVIA_DIR/bin` to its last iniset of the PKI.
    # shellcheck disable=SC2034  # read by the plugin's lines
    OCTAVIA_CERTS_DIR=$out/certs OCTAVIA_CONF=$out/octavia.conf
    plugin=$OCTAVIA_PKI_SDIST/devstack/plugin.sh
    lines=$(sed -n '/source create_dual_intermediate_CA.sh/,/popd/p' "$plugin" | grep -v 'source create_dual\|popd'
      # shellcheck disable=SC2016  # the plugin's text, not an expansion
      grep -E 'iniset \$OCTAVIA_CONF [a-z_]+ (ca_certificate|ca_private_key|ca_private_key_passphrase|client_ca|client_cert|server_ca|server_certs_key_passphrase) ' "$plugin")
    (cd work/dual_ca && eval "$lines")
    ;;
  guide)
    guide=$OCTAVIA_PKI_SDIST/doc/source/admin/guides
    mkdir -p work && cd work
    head -c 24 /dev/urandom | base64 | tr -d '+/=' > "$out/server.pass"
    head -c 24 /dev/urandom | base64 | tr -d '+/=' > "$out/client-ca.pass"
    head -c 24 /dev/urandom | base64 | tr -d '+/=' > "$out/client-key.pass"
    # The guide's steps 1 to 13: every `$ ` line in order; `vi openssl.cnf` is its literalinclude.
    sed -n 's/^ *\$ //p' "$guide/certificates.rst" | sed -n '1,/cat certs\/client.cert.pem/p' > steps
    while IFS= read -r step; do
      case "$step" in
        "vi openssl.cnf") cp "$guide/sample-configs/openssl.cnf" openssl.cnf; continue ;;
      esac
      # Where the guide prompts: the passphrase of the key being used (from a file), and the subject.
      where=$(basename "$PWD")
      pass=$out/server.pass
      [ "$where" = client_ca ] && pass=$out/client-ca.pass
      case "$step" in *client.key.pem*|*client.csr*) [ "$where" = client_ca ] && pass=$out/client-key.pass ;; esac
      extra=()
      # shellcheck disable=SC2034  # extra is used by the eval below
      case "$step" in
        "openssl genpkey"*) extra=(-pass "file:$pass") ;;
        "openssl req"*-x509*) extra=(-passin "file:$pass" -subj "/C=US/ST=Oregon/O=OpenStack/OU=Octavia/CN=${where}") ;;
        "openssl req"*) extra=(-passin "file:$pass" -subj "/C=US/ST=Oregon/O=OpenStack/OU=Octavia/CN=controller") ;;
        "openssl ca"*) extra=(-passin "file:$out/client-ca.pass" -batch) ;;
        "openssl rsa"*) extra=(-passin "file:$pass") ;;
      esac
      eval "$step" '"${extra[@]}"' > /dev/null 2>>"$out/work.log"
    done < steps
    cd "$out/work/certs"
    # Step 14: the files as the guide installs them (its modes), and its octavia.conf.
    c=$out/certs
    mkdir -p "$c" && chmod 700 "$c"
    cp server_ca/private/ca.key.pem "$c/server_ca.key.pem" && chmod 700 "$c/server_ca.key.pem"
    cp server_ca/certs/ca.cert.pem "$c/server_ca.cert.pem"
    cp client_ca/certs/ca.cert.pem "$c/client_ca.cert.pem"
    cp client_ca/private/client.cert-and-key.pem "$c/client.cert-and-key.pem"
    chmod 700 "$c/client.cert-and-key.pem"
    cd "$out"
    write_conf "$c/server_ca.cert.pem" "$c/server_ca.key.pem" "$(cat server.pass)" "$c/server_ca.cert.pem" \
      "$c/client.cert-and-key.pem" "$c/client_ca.cert.pem"
    ;;
  charm)
    mkdir -p work/demoCA/newcerts && cd work
    touch demoCA/index.txt demoCA/index.txt.attr
    printf 'foobar\n' > pass
    S=/C=US/ST=Somestate/O=Org/CN=www.example.com
    # The README's recipe, its passphrase read from a file rather than typed after pass:.
    {
      openssl genpkey -algorithm RSA -aes256 -pass file:pass -out issuing_ca_key.pem
      openssl req -x509 -passin file:pass -new -nodes -key issuing_ca_key.pem -config /etc/ssl/openssl.cnf -subj "$S" -days 30 -out issuing_ca.pem
      openssl genpkey -algorithm RSA -aes256 -pass file:pass -out controller_ca_key.pem
      openssl req -x509 -passin file:pass -new -nodes -key controller_ca_key.pem -config /etc/ssl/openssl.cnf -subj "$S" -days 30 -out controller_ca.pem
      openssl req -newkey rsa:2048 -nodes -keyout controller_key.pem -subj "$S" -out controller.csr
      openssl ca -passin file:pass -config /etc/ssl/openssl.cnf -cert controller_ca.pem -keyfile controller_ca_key.pem -create_serial -batch -in controller.csr -days 30 -out controller_cert.pem
    } > /dev/null 2>>"$out/work.log"
    cat controller_cert.pem controller_key.pem > controller_cert_bundle.pem
    # `juju config octavia lb-mgmt-...="$(base64 FILE)"`, then the charm decodes each option into its file
    # (src/lib/charm/openstack/octavia.py: base64.b64decode, mode 0440).
    c=$out/certs
    mkdir -p "$c"
    for pair in issuing_ca.pem:issuing_ca.pem issuing_ca_key.pem:issuing_ca_key.pem \
                controller_ca.pem:controller_ca.pem controller_cert_bundle.pem:controller_cert.pem; do
      base64 "${pair%%:*}" | base64 -d > "$c/${pair##*:}"
      chmod 0440 "$c/${pair##*:}"
    done
    cd "$out"
    write_conf "$c/issuing_ca.pem" "$c/issuing_ca_key.pem" foobar "$c/issuing_ca.pem" "$c/controller_cert.pem" \
      "$c/controller_ca.pem"
    ;;
  certmanager)
    mkdir -p work certs/server certs/client && cd work
    ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
    ext() { printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier=hash\n'; }
    {
      # The self-signed roots (cert-manager's selfsigned Issuer), then the CA certificates they issue.
      for role in server client; do
        ec "$role-root.key"
        openssl req -x509 -new -key "$role-root.key" -subj "/CN=octavia-$role-root" -days 3650 -out "$role-root.crt"
      done
      ec server.key
      openssl req -new -key server.key -subj "/CN=octavia-server-ca" -out server.csr
      openssl x509 -req -in server.csr -CA server-root.crt -CAkey server-root.key -CAcreateserial -days 3650 \
        -extfile <(ext) -out server.crt
      ec client.key
      openssl req -new -key client.key -subj "/CN=octavia-client" -out client.csr
      openssl x509 -req -in client.csr -CA client-root.crt -CAkey client-root.key -CAcreateserial -days 365 \
        -extfile <(printf 'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n') -out client.crt
    } > /dev/null 2>>"$out/work.log"
    # The Secrets as mounted: tls.crt is the certificate then its issuer's (cert-manager's chain), ca.crt the
    # issuer; tls-combined.pem is the key, then the chain.
    cat server.crt server-root.crt > ../certs/server/tls.crt
    cp server.key ../certs/server/tls.key
    cat server-root.crt server.crt > ../certs/server/ca.crt
    cp client-root.crt ../certs/client/ca.crt
    cat client.key client.crt client-root.crt > ../certs/client/tls-combined.pem
    cd "$out"
    c=$out/certs
    write_conf "$c/server/tls.crt" "$c/server/tls.key" "" "$c/server/ca.crt" "$c/client/tls-combined.pem" \
      "$c/client/ca.crt"
    ;;
  osa)
    peers=$here/../../../../shared/peers/osa
    [ -x "$peers/run.sh" ] || peers=$here/../../../shared/peers/osa
    head -c 24 /dev/urandom | base64 | tr -d '+/=' > osa.pass
    OSA_PASSPHRASE=$(cat osa.pass) bash "$peers/run.sh" "$out" > "$out/work.log" 2>&1
    # os_octavia's templates/octavia.conf.j2: its certificate options, paths under OUT.
    grep -E '^\[(certificates|haproxy_amphora|controller_worker)\]|^(ca_certificate|ca_private_key|server_ca|client_cert|client_ca) =' \
      "$peers/octavia.conf.j2" | sed "s#/etc/octavia/certs#$out/etc/octavia/certs#" > octavia.conf
    sed -i "s#^\(\[certificates\]\)\$#\1\nca_private_key_passphrase = $(cat osa.pass)#" octavia.conf
    ;;
  tripleo)
    : "${OCTAVIA_PKI_KOLLA:?set OCTAVIA_PKI_KOLLA to the venv holding ansible-playbook: bash scripts/peers.sh kolla}"
    # tripleo-ansible's tasks as they are, but for the openssl.cnf certs_gen.yml copies (RHEL's
    # /etc/pki/tls/openssl.cnf; Debian's is /etc/ssl/openssl.cnf).
    mkdir -p tasks
    sed 's#/etc/pki/tls/openssl.cnf#/etc/ssl/openssl.cnf#' "$testdata/tripleo-ansible/certs_gen.yml" > tasks/certs_gen.yml
    cp "$testdata/tripleo-ansible/certificate.yml" tasks/
    head -c 24 /dev/urandom | base64 | tr -d '+/=' > passphrase
    # octavia-files.yaml's variables, from TripleO's heat parameters' defaults (OctaviaCaCertFile...) and
    # OctaviaCaKeyPassphrase; become is not needed as root (and there is no sudo here).
    { echo "tasks_dir: $out/tasks"
      echo "openssl_temp_dir: $out/work"
      echo "octavia_confd_prefix: $out"
      echo "ca_cert_path: /etc/octavia/certs/ca_01.pem"
      echo "ca_private_key_path: /etc/octavia/certs/private/cakey.pem"
      echo "client_cert_path: /etc/octavia/certs/client.pem"
      echo "ca_passphrase: $(cat passphrase)"
      echo "octavia_controller_config_hide_sensitive_logs: true"
      echo "ansible_python_interpreter: $OCTAVIA_PKI_KOLLA/bin/python"
      echo "ansible_become: false"; } > vars.yml
    ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
      "$OCTAVIA_PKI_KOLLA/bin/ansible-playbook" -i localhost, -e @vars.yml "$here/tripleo.yml" > work.log 2>&1
    c=$out/etc/octavia/certs
    write_conf "$c/ca_01.pem" "$c/private/cakey.pem" "$(cat passphrase)" "$c/ca_01.pem" "$c/client.pem" "$c/ca_01.pem"
    # OctaviaServerCertsKeyPassphrase: 32 characters, as the heat parameter requires.
    iniset octavia.conf certificates server_certs_key_passphrase "$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')"
    # An operator's own dual CAs given as OctaviaCaCert, OctaviaCaKey and OctaviaClientCert (the CA TripleO
    # made as the server CA, a client CA of the operator's issuing the client certificate): puppet writes
    # them under the same names and client_ca = ca_certificate (own-cas.conf). own-cas/.../client_ca.pem is
    # where octavia::certificates::client_ca with client_ca_data would put the client CA.
    o=$out/own-cas/etc/octavia/certs
    mkdir -p "$o/private"
    cp "$c/ca_01.pem" "$o/" && cp "$c/private/cakey.pem" "$o/private/"
    (cd work && {
      openssl req -x509 -newkey rsa:2048 -nodes -keyout client-ca.key -subj "/CN=operator-client-ca" -days 3650 \
        -addext keyUsage=critical,keyCertSign,cRLSign -out client-ca.pem
      openssl req -newkey rsa:2048 -nodes -keyout own-client.key -subj "/CN=controller" -out own-client.csr
      openssl x509 -req -in own-client.csr -CA client-ca.pem -CAkey client-ca.key -CAcreateserial -days 365 \
        -extfile <(printf 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n') \
        -out own-client.pem
    } > /dev/null 2>>"$out/work.log")
    cat work/own-client.pem work/own-client.key > "$o/client.pem"
    cp work/client-ca.pem "$o/client_ca.pem"
    { echo "[certificates]"
      echo "ca_certificate = $o/ca_01.pem"
      echo "ca_private_key = $o/private/cakey.pem"
      echo "[haproxy_amphora]"
      echo "server_ca = $o/ca_01.pem"
      echo "client_cert = $o/client.pem"
      echo "[controller_worker]"
      echo "client_ca = $o/ca_01.pem"; } > own-cas.conf
    ;;
  devstack-old)
    src=$testdata/devstack-create-certificates
    mkdir -p work/bin work/etc/certificates
    cp "$src/create_certificates.sh" work/bin/ && cp "$src/openssl.cnf" work/etc/certificates/
    # devstack/plugin.sh's octavia_configure: its create_certificates.sh line and its iniset lines of the PKI.
    # shellcheck disable=SC2034  # read by the plugin's lines
    OCTAVIA_DIR=$out/work OCTAVIA_CERTS_DIR=$out/certs OCTAVIA_CONF=$out/octavia.conf
    # shellcheck disable=SC2016  # the plugin's text, not an expansion
    lines=$(grep -E 'source \$OCTAVIA_DIR/bin/create_certificates.sh|iniset \$OCTAVIA_CONF [a-z_]+ (ca_certificate|ca_private_key|ca_private_key_passphrase|client_ca|client_cert|server_ca|server_certs_key_passphrase) ' "$src/plugin.sh")
    (eval "$lines") > work.log 2>&1
    # [controller_worker] client_ca is left at Octavia's default, /etc/octavia/certs/ca_01.pem: on a devstack
    # host (OCTAVIA_CERTS_DIR=/etc/octavia/certs) the same file.
    iniset "$OCTAVIA_CONF" controller_worker client_ca "$OCTAVIA_CERTS_DIR/ca_01.pem"
    echo foobar > passphrase
    ;;
  puppet-ci)
    # manifests/octavia.pp: octavia::certificates with each file's *_data, which puppet writes to the path
    # given (its file resources: mode 0640), and the options it writes.
    c=$out/etc/octavia/certs
    mkdir -p "$c"
    for f in server_ca.cert.pem server_ca.key.pem client_ca.cert.pem client.cert-and-key.pem; do
      install -m 0640 "$testdata/puppet-openstack-integration/$f" "$c/$f"
    done
    write_conf "$c/server_ca.cert.pem" "$c/server_ca.key.pem" not-secure-passphrase "$c/server_ca.cert.pem" \
      "$c/client.cert-and-key.pem" "$c/client_ca.cert.pem"
    # octavia::certificates' default server_certs_key_passphrase, which the manifest keeps.
    iniset octavia.conf certificates server_certs_key_passphrase insecure-key-do-not-use-this-key
    echo not-secure-passphrase > passphrase
    ;;
  rhoso|rhoso-ga|rhoso-ga-newline|rhoso-pre-ga)
    case "$kind" in
      rhoso) era=current ;; rhoso-pre-ga) era=pre-ga ;; *) era=ga ;;
    esac
    mkdir -p work
    # The passphrase Secret's value, byte for byte (`oc create secret generic octavia-ca-passphrase
    # --from-file=server-ca-passphrase=FILE`): a file ending in a newline keeps it.
    head -c 24 /dev/urandom | base64 | tr -d '+/=\n' > rhoso.pass
    [ "$kind" = rhoso-ga-newline ] && echo >> rhoso.pass
    # Only the standard library and the stand-ins under rhoso/stubs: no module proxy is asked.
    (cd "$here/rhoso" && GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GOWORK=off \
      go build -o "$out/work/rhoso" .) >> "$out/work.log" 2>&1
    work/rhoso -era "$era" -passphrase-file rhoso.pass -template "$here/rhoso/templates/octavia.conf" \
      -out "$out" >> "$out/work.log" 2>&1
    ;;
  genestack)
    head -c 24 /dev/urandom | base64 | tr -d '+/=\n' > genestack.pass
    OCTAVIA_PASSPHRASE=$(cat genestack.pass) bash "$here/genestack/run.sh" "$out" > "$out/work.log" 2>&1
    k8s() { KUBECTL_STORE=$out/secrets.yaml "$OSA_VENV/bin/python" "$here/k8s_helm.py" "$@"; }
    # The role's k8s tasks: the passphrase Secret it creates, then the manifest its script wrote.
    printf -- '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: octavia-certificates\n  namespace: openstack\ndata:\n  password: %s\n' \
      "$(base64 -w0 < genestack.pass)" | k8s kubectl apply --namespace openstack -f - >> work.log
    k8s kubectl apply --namespace openstack -f - < work/k8s_secret.yml >> work.log
    k8s mount "$out/secrets.yaml" work/octavia_amphora_provider.yaml octavia_worker "$out"
    k8s conf "$out" "$here/openstack-helm/values.yaml" work/octavia_amphora_provider.yaml
    ;;
  helm-script)
    osh=$here/openstack-helm
    mkdir -p work/osh work/bin
    # Where openstack-helm's CI runs it: beside Octavia's gate script and its openssl.cnf.
    cp -r "$OCTAVIA_PKI_SDIST/bin/." work/osh/
    cp "$osh/octavia_certs.sh" work/osh/
    printf '#!/bin/sh\nexec "%s" "%s" kubectl "$@"\n' "$OSA_VENV/bin/python" "$here/k8s_helm.py" > work/bin/kubectl
    chmod +x work/bin/kubectl
    PATH=$out/work/bin:$PATH KUBECTL_STORE=$out/secrets.yaml bash work/osh/octavia_certs.sh > work.log 2>&1
    python=$OSA_VENV/bin/python
    "$python" "$here/k8s_helm.py" mount secrets.yaml "$osh/octavia-values.yaml.j2" octavia_worker "$out"
    "$python" "$here/k8s_helm.py" conf "$out" "$osh/values.yaml" "$osh/octavia-values.yaml.j2"
    ;;
  *) echo "deployers.sh: unknown kind $kind" >&2; exit 2 ;;
esac
