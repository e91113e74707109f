package main

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// The files of a certificate directory (-cert-dir).
const (
	caCertFile = "ca.pem"     // the CA certificate: what clients trust
	caKeyFile  = "ca-key.pem" // its key, kept to issue the next server certificate
	certFile   = "cert.pem"   // the server certificate, then the CA's
	keyFile    = "key.pem"    // the server certificate's key
)

// Lifetimes of the generated certificates. The CA lives long so that a CA
// trusted once (in an OS store, a browser) stays trusted; the server
// certificate stays within the 398 days browsers accept.
const (
	caLifetime   = 10 * 365 * 24 * time.Hour
	leafLifetime = 397 * 24 * time.Hour
	// renewBefore is how long before its expiry a server certificate found
	// in the directory is replaced.
	renewBefore = 7 * 24 * time.Hour
)

// certs are the PEM files the emulator serves HTTPS with.
type certs struct {
	// CA is the certificate clients trust (NODE_EXTRA_CA_CERTS,
	// SSL_CERT_FILE, REQUESTS_CA_BUNDLE, the OS store).
	CA string
	// Cert is the server's certificate chain and Key its key.
	Cert, Key string
}

// serverTLS loads the server certificate of c into the configuration every
// listener of the emulator serves with.
func serverTLS(c certs) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(c.Cert, c.Key)
	if err != nil {
		return nil, fmt.Errorf("tls: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// ensureCerts returns the certificates in dir for hosts (DNS names or IP
// addresses), making what is missing: a CA (ECDSA P-256), kept and reused
// while it is valid, and a server certificate it signs for every host,
// reused while it covers them and is not about to expire. Keys are written
// readable by the owner only.
func ensureCerts(dir string, hosts []string, now time.Time) (certs, error) {
	c := certs{CA: filepath.Join(dir, caCertFile), Cert: filepath.Join(dir, certFile), Key: filepath.Join(dir, keyFile)}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return certs{}, err
	}
	ca, caKey, err := loadPair(c.CA, filepath.Join(dir, caKeyFile))
	if err != nil || !ca.IsCA || now.Add(leafLifetime).After(ca.NotAfter) {
		ca, caKey, err = newCA(now)
		if err != nil {
			return certs{}, err
		}
		if err := writePair(c.CA, filepath.Join(dir, caKeyFile), ca, caKey); err != nil {
			return certs{}, err
		}
	} else if leaf, _, err := loadPair(c.Cert, c.Key); err == nil && usable(leaf, ca, hosts, now) {
		return c, nil
	}
	leaf, leafKey, err := newLeaf(ca, caKey, hosts, now)
	if err != nil {
		return certs{}, err
	}
	if err := writePair(c.Cert, c.Key, leaf, leafKey); err != nil {
		return certs{}, err
	}
	// The chain: clients that trust the CA verify the leaf with it.
	f, err := os.OpenFile(c.Cert, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return certs{}, err
	}
	if err := pem.Encode(f, &pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}); err != nil {
		f.Close()
		return certs{}, err
	}
	return c, f.Close()
}

// usable reports whether leaf, signed by ca, serves every host until well
// after now.
func usable(leaf, ca *x509.Certificate, hosts []string, now time.Time) bool {
	if now.Before(leaf.NotBefore) || now.Add(renewBefore).After(leaf.NotAfter) || leaf.CheckSignatureFrom(ca) != nil {
		return false
	}
	for _, h := range hosts {
		if leaf.VerifyHostname(h) != nil {
			return false
		}
	}
	return true
}

func newCA(now time.Time) (*x509.Certificate, crypto.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{Organization: []string{"teamsuser-go emulator"}, CommonName: "teamsuser-go emulator CA"},
		NotBefore:             now.Add(-time.Hour), // machines whose clocks differ a little
		NotAfter:              now.Add(caLifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func newLeaf(ca *x509.Certificate, caKey crypto.Signer, hosts []string, now time.Time) (*x509.Certificate, crypto.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{Organization: []string{"teamsuser-go emulator"}, CommonName: hosts[0]},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(leafLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n
}

// loadPair reads a certificate (the first of certFile) and its key.
func loadPair(certPath, keyPath string) (*x509.Certificate, crypto.Signer, error) {
	pair, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, nil, err
	}
	key, ok := pair.PrivateKey.(crypto.Signer)
	if !ok {
		return nil, nil, errors.New("tls: the key cannot sign")
	}
	return cert, key, nil
}

// writePair writes a certificate (0644) and its key (0600) as PEM.
func writePair(certPath, keyPath string, cert *x509.Certificate, key crypto.Signer) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	var kb bytes.Buffer
	_ = pem.Encode(&kb, &pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := os.WriteFile(keyPath, kb.Bytes(), 0o600); err != nil {
		return err
	}
	return os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o644)
}
