// Command rhoso runs the octavia-operator's own EnsureAmphoraCerts (of one
// era) against an in-memory API server holding the passphrase Secret, then
// writes what the cluster would hold:
//
//	OUT/secrets.yaml            both Secrets, as the API server stores them
//	OUT/etc/octavia/certs/      the certs Secret as the kubelet mounts it in
//	                            the amphora controller pods (its atomic-writer
//	                            layout: ..data and a timestamped directory)
//	OUT/octavia.conf            the operator's amphora controller template's
//	                            certificate options, rendered as the
//	                            controller renders them, paths under OUT
//
// Usage: rhoso -era current|ga|pre-ga -passphrase-file F -template T -out OUT
// (F holds the passphrase Secret's value byte for byte, newline included).
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"
	"time"

	"github.com/go-logr/logr"
	"github.com/openstack-k8s-operators/lib-common/modules/common/helper"
	"github.com/openstack-k8s-operators/lib-common/modules/common/secret"
	octaviav1 "github.com/openstack-k8s-operators/octavia-operator/api/v1beta1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	octavia "rhoso/octavia"
	octaviaga "rhoso/octavia-ga"
	octaviapre "rhoso/octavia-pre-ga"
)

func main() {
	era := flag.String("era", "current", "current (82a7a50), ga (cc02722) or pre-ga (7a9b248)")
	name := flag.String("name", "octavia", "the Octavia resource's name")
	namespace := flag.String("namespace", "openstack", "its namespace")
	passFile := flag.String("passphrase-file", "", "the passphrase Secret's value")
	tmpl := flag.String("template", "", "templates/octaviaamphoracontroller/config/octavia.conf")
	out := flag.String("out", "", "where to write")
	flag.Parse()
	if err := run(*era, *name, *namespace, *passFile, *tmpl, *out); err != nil {
		fmt.Fprintln(os.Stderr, "rhoso:", err)
		os.Exit(1)
	}
}

func run(era, name, namespace, passFile, tmpl, out string) error {
	pass, err := os.ReadFile(passFile)
	if err != nil {
		return err
	}
	// The passphrase Secret the operator's users create (`oc create secret`).
	passName := name + "-ca-passphrase"
	secret.Store[namespace+"/"+passName] = &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: passName, Namespace: namespace},
		Data:       map[string][]byte{"server-ca-passphrase": pass},
	}
	instance := &octaviav1.Octavia{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace}}
	ctx, h := context.Background(), &helper.Helper{}
	switch era {
	case "current":
		err = octavia.EnsureAmphoraCerts(ctx, instance, h)
	case "ga":
		err = octaviaga.EnsureAmphoraCerts(ctx, instance, h)
	case "pre-ga":
		err = octaviapre.EnsureAmphoraCerts(ctx, instance, h, &logr.Logger{})
	default:
		err = fmt.Errorf("unknown era %q", era)
	}
	if err != nil {
		return err
	}
	certs := secret.Store[namespace+"/"+name+"-certs-secret"]
	if err := os.WriteFile(filepath.Join(out, "secrets.yaml"), manifest(secret.Store), 0o600); err != nil {
		return err
	}
	if err := mount(certs, filepath.Join(out, "etc/octavia/certs")); err != nil {
		return err
	}
	return render(tmpl, string(pass), out)
}

// manifest is every Secret as `oc get secret -o yaml` would give it (the
// metadata the API server adds beyond name and namespace left out).
func manifest(store map[string]*corev1.Secret) []byte {
	var b bytes.Buffer
	names := make([]string, 0, len(store))
	for k := range store {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		s := store[n]
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\ntype: Opaque\ndata:\n", s.Name, s.Namespace)
		keys := make([]string, 0, len(s.Data))
		for k := range s.Data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "  %s: %s\n", k, base64.StdEncoding.EncodeToString(s.Data[k]))
		}
	}
	return b.Bytes()
}

// mount lays the Secret out as the kubelet's atomic writer does for a
// Secret volume: the files in a timestamped directory, `..data` pointing at
// it, each key a symbolic link through `..data`; mode 0644 (the operator's
// DefaultMode for the certs volume, internal/amphoracontrollers/volumes.go).
func mount(s *corev1.Secret, dir string) error {
	stamp := ".." + time.Now().UTC().Format("2006_01_02_15_04_05.000000000")
	if err := os.MkdirAll(filepath.Join(dir, stamp), 0o755); err != nil {
		return err
	}
	for k, v := range s.Data {
		if err := os.WriteFile(filepath.Join(dir, stamp, k), v, 0o644); err != nil {
			return err
		}
		if err := os.Symlink(filepath.Join("..data", k), filepath.Join(dir, k)); err != nil {
			return err
		}
	}
	return os.Symlink(stamp, filepath.Join(dir, "..data"))
}

// render executes the template's certificate options with the controller's
// ServerCAKeyPassphrase: the passphrase Secret's value as it is
// (internal/controller/amphoracontroller_controller.go).
func render(tmpl, pass, out string) error {
	text, err := os.ReadFile(tmpl)
	if err != nil {
		return err
	}
	var kept []string
	for _, line := range strings.Split(string(text), "\n") {
		switch {
		case line == "[certificates]", line == "[haproxy_amphora]", line == "[controller_worker]":
		case strings.HasPrefix(line, "ca_certificate "), strings.HasPrefix(line, "ca_private_key "),
			strings.HasPrefix(line, "ca_private_key_passphrase "), strings.HasPrefix(line, "client_cert "),
			strings.HasPrefix(line, "server_ca "), strings.HasPrefix(line, "client_ca "):
		default:
			continue
		}
		kept = append(kept, strings.ReplaceAll(line, "/etc/octavia/certs", filepath.Join(out, "etc/octavia/certs")))
	}
	t, err := template.New("octavia.conf").Parse(strings.Join(kept, "\n") + "\n")
	if err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(out, "octavia.conf"))
	if err != nil {
		return err
	}
	defer f.Close()
	return t.Execute(f, map[string]any{"ServerCAKeyPassphrase": pass})
}
