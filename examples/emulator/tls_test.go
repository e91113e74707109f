package main

import (
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readCert reads the first certificate of a PEM file.
func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		t.Fatalf("%s holds no PEM", path)
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestEnsureCerts checks the generated CA and server certificate: the
// server certificate verifies against the CA alone for every loopback name
// (as a client that trusts only the CA checks it), the key files are the
// owner's only, and a directory is reused — the same CA, so a CA trusted
// once stays trusted — with a new server certificate when the hosts change
// or the old one is about to expire.
func TestEnsureCerts(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	hosts := certHosts("127.0.0.1")
	c, err := ensureCerts(dir, hosts, now)
	if err != nil {
		t.Fatal(err)
	}
	ca, leaf := readCert(t, c.CA), readCert(t, c.Cert)
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	for _, h := range []string{"localhost", "127.0.0.1", "::1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: h, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			t.Errorf("the certificate for %s: %v", h, err)
		}
	}
	if leaf.VerifyHostname("example.com") == nil {
		t.Error("the certificate covers a host beyond loopback")
	}
	if !ca.IsCA || ca.KeyUsage&x509.KeyUsageCertSign == 0 || leaf.IsCA {
		t.Errorf("CA %v/%v, leaf IsCA %v", ca.IsCA, ca.KeyUsage, leaf.IsCA)
	}
	for _, f := range []string{keyFile, caKeyFile} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want 0600", f, st.Mode(), err)
		}
	}

	again, err := ensureCerts(dir, hosts, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !readCert(t, again.CA).Equal(ca) || !readCert(t, again.Cert).Equal(leaf) {
		t.Error("a valid directory was not reused")
	}
	more, err := ensureCerts(dir, certHosts("emulator.test"), now)
	if err != nil {
		t.Fatal(err)
	}
	if l := readCert(t, more.Cert); l.Equal(leaf) || l.VerifyHostname("emulator.test") != nil || !readCert(t, more.CA).Equal(ca) {
		t.Error("a new host did not get a new certificate of the same CA")
	}
	late, err := ensureCerts(dir, certHosts("emulator.test"), now.Add(leafLifetime-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if readCert(t, late.Cert).NotAfter.Before(now.Add(leafLifetime)) || !readCert(t, late.CA).Equal(ca) {
		t.Error("a certificate about to expire was not renewed by the same CA")
	}
}

// TestPlainHTTP: -tls=false serves plain HTTP and names no CA.
func TestPlainHTTP(t *testing.T) {
	s := startEmulator(t, "-tls=false")
	if s.CACert != "" || !strings.HasPrefix(s.ACS, "http://127.0.0.1:") || !strings.HasPrefix(s.Graph, "http://") {
		t.Fatalf("ready: %+v", s.Ready)
	}
	resp, err := s.client.Get(s.Entra + "/" + s.Tenants[0].ID + "/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

// TestGivenCertificate: -tls-cert and -tls-key serve a certificate the
// caller brings (here one made by ensureCerts), and the ready line names
// -tls-ca; -cert-dir keeps the generated files where it says.
func TestGivenCertificate(t *testing.T) {
	dir := t.TempDir()
	c, err := ensureCerts(dir, certHosts("127.0.0.1"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s := startEmulator(t, "-tls-cert", c.Cert, "-tls-key", c.Key, "-tls-ca", c.CA)
	if s.CACert != c.CA {
		t.Fatalf("caCert %q, want %q", s.CACert, c.CA)
	}
	resp, err := s.client.Get(s.Entra + "/" + s.Tenants[0].ID + "/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	// A generated temporary directory goes when the emulator stops (this
	// cleanup runs after startEmulator's).
	var temp string
	t.Cleanup(func() {
		if _, err := os.Stat(temp); !os.IsNotExist(err) {
			t.Errorf("the temporary certificates %s outlived the emulator: %v", temp, err)
		}
	})
	temp = filepath.Dir(startEmulator(t).CACert)

	kept := filepath.Join(t.TempDir(), "certs")
	k := startEmulator(t, "-cert-dir", kept)
	if k.CACert != filepath.Join(kept, caCertFile) {
		t.Fatalf("caCert %q, want one in %s", k.CACert, kept)
	}
}

// TestFlagErrors: contradictory TLS flags are refused before anything
// listens.
func TestFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-tls-cert", "a.pem"},
		{"-tls=false", "-cert-dir", "d"},
		{"-tls-cert", "a.pem", "-tls-key", "b.pem", "-cert-dir", "d"},
		{"-access-key", "not base64!"},
		{"stray"},
	} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("%q: accepted", args)
		}
	}
}
