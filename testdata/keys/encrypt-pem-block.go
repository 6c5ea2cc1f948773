// Writes keys as Go's x509.EncryptPEMBlock wraps them: OpenSSL's legacy PEM
// encryption (Proc-Type and DEK-Info headers, EVP_BytesToKey with MD5) around
// whatever DER it is given. RHOSO 18 GA's octavia-operator wrote the server CA
// key this way, around PKCS#8 in a "PRIVATE KEY" block.
//
//	PASS=... go run encrypt-pem-block.go   (run by make-go-fixtures.sh, in testdata/keys)
//
// The passphrase comes from the environment, never from argv.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"log"
	"os"
)

var ciphers = []struct {
	name   string
	cipher x509.PEMCipher
}{
	{"des", x509.PEMCipherDES},
	{"des3", x509.PEMCipher3DES},
	{"aes128", x509.PEMCipherAES128},
	{"aes192", x509.PEMCipherAES192},
	{"aes256", x509.PEMCipherAES256},
}

func write(name string, block *pem.Block) {
	if err := os.WriteFile(name, pem.EncodeToMemory(block), 0o600); err != nil {
		log.Fatal(err)
	}
}

func encrypt(label string, der []byte, cipher x509.PEMCipher) *pem.Block {
	// Deprecated in Go, and the point: it is what wrote these keys.
	block, err := x509.EncryptPEMBlock(rand.Reader, label, der, []byte(os.Getenv("PASS")), cipher)
	if err != nil {
		log.Fatal(err)
	}
	return block
}

func main() {
	if os.Getenv("PASS") == "" {
		log.Fatal("PASS is not set")
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		log.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	for _, k := range []struct {
		name string
		key  any
	}{{"rsa2048", rsaKey}, {"ec-p256", ecKey}} {
		der, err := x509.MarshalPKCS8PrivateKey(k.key)
		if err != nil {
			log.Fatal(err)
		}
		// The same key unencrypted, for the readers' tests to compare with.
		write(k.name+".go-pkcs8.pem", &pem.Block{Type: "PRIVATE KEY", Bytes: der})
		for _, c := range ciphers {
			write(k.name+".go-legacy-pkcs8-"+c.name+".pem", encrypt("PRIVATE KEY", der, c.cipher))
		}
	}
	// The label and the DER inside disagreeing: Python's cryptography 43.0.3
	// (through OpenSSL's PEM reader) reads PKCS#8 in an RSA block, not PKCS#1
	// in a PRIVATE KEY block; 45 and later read neither; the openssl command both.
	pkcs8, err := x509.MarshalPKCS8PrivateKey(rsaKey)
	if err != nil {
		log.Fatal(err)
	}
	write("rsa2048.go-legacy-pkcs8-as-rsa-label.pem", encrypt("RSA PRIVATE KEY", pkcs8, x509.PEMCipherAES128))
	write("rsa2048.go-legacy-pkcs1-as-pkcs8-label.pem",
		encrypt("PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey), x509.PEMCipherAES128))
}
