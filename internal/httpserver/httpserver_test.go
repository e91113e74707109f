package httpserver

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// generous bounds every wait of these tests: far above the short timeouts
// they configure, so only a server that never closes fails.
const generous = 20 * time.Second

// counting is a handler that reads the whole body and counts the handlers
// running.
type counting struct{ active atomic.Int32 }

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.active.Add(1)
	defer c.active.Add(-1)
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	_, _ = io.WriteString(w, "ok")
}

// start runs s on loopback until the test ends.
func start(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return ln.Addr().String()
}

// closedBy reads conn until the server closes it (EOF or a reset) and
// fails the test if it is still open at deadline.
func closedBy(t *testing.T, deadline time.Time, what string, conn net.Conn) {
	t.Helper()
	_ = conn.SetReadDeadline(deadline)
	_, err := io.Copy(io.Discard, conn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("%s: still open after %v", what, generous)
	}
}

// TestShedsIdleAndSlowClients opens 100 idle keep-alive connections and 20
// that send a header and then trickle (here: stall) their body, against a
// server built the shared way with short timeouts, and sees the server close
// every one of them and no handler left running.
func TestShedsIdleAndSlowClients(t *testing.T) {
	h := &counting{}
	addr := start(t, New("", h, &Options{
		ReadHeaderTimeout: 100 * time.Millisecond,
		ReadTimeout:       200 * time.Millisecond,
		WriteTimeout:      200 * time.Millisecond,
		IdleTimeout:       200 * time.Millisecond,
	}))
	dial := func() net.Conn {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}

	var idle []net.Conn
	for range 100 {
		c := dial()
		if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Close {
			t.Fatalf("the keep-alive request: %d, close %v", resp.StatusCode, resp.Close)
		}
		idle = append(idle, c) // now idle, kept alive
	}
	var slow []net.Conn
	for range 20 {
		c := dial()
		if _, err := io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nfirst bytes"); err != nil {
			t.Fatal(err)
		}
		slow = append(slow, c) // the rest of the body never comes
	}
	deadline := time.Now().Add(generous)
	for i, c := range idle {
		closedBy(t, deadline, fmt.Sprintf("idle connection %d", i), c)
	}
	for i, c := range slow {
		closedBy(t, deadline, fmt.Sprintf("slow-body connection %d", i), c)
	}
	for h.active.Load() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := h.active.Load(); n != 0 {
		t.Errorf("%d handlers still running after %v", n, generous)
	}
}

// TestSlowHeaderIsShed: a client that never finishes its header is cut off.
func TestSlowHeaderIsShed(t *testing.T) {
	addr := start(t, New("", &counting{}, &Options{ReadHeaderTimeout: 100 * time.Millisecond}))
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "); err != nil {
		t.Fatal(err)
	}
	closedBy(t, time.Now().Add(generous), "slow header", c)
}

func TestLimits(t *testing.T) {
	addr := start(t, New("", &counting{}, &Options{MaxBodyBytes: 1 << 10, MaxHeaderBytes: 4 << 10}))
	client := &http.Client{Timeout: generous}
	resp, err := client.Post("http://"+addr, "application/octet-stream", strings.NewReader(strings.Repeat("x", 2<<10)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a body over MaxBodyBytes: %d, want 413", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr, nil)
	req.Header.Set("X-Big", strings.Repeat("x", 16<<10))
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("a header over MaxHeaderBytes: %d, want 431", resp.StatusCode)
	}
}

func TestDefaults(t *testing.T) {
	s := New("", http.NotFoundHandler(), nil)
	if s.Addr != "127.0.0.1:0" {
		t.Errorf("Addr %q, want loopback", s.Addr)
	}
	if s.ReadHeaderTimeout != DefaultReadHeaderTimeout || s.ReadTimeout != DefaultReadTimeout ||
		s.WriteTimeout != DefaultWriteTimeout || s.IdleTimeout != DefaultIdleTimeout || s.MaxHeaderBytes != DefaultMaxHeaderBytes {
		t.Errorf("defaults not set: %+v", s.Server)
	}
	s = New(":8080", http.NotFoundHandler(), &Options{WriteTimeout: -1})
	if s.Addr != ":8080" || s.WriteTimeout != 0 {
		t.Errorf("an explicit address and no write timeout: %q %v", s.Addr, s.WriteTimeout)
	}
	ts := NewTestServer(http.NotFoundHandler(), nil)
	defer ts.Close()
	if c := ts.Config; c.ReadTimeout != DefaultReadTimeout || c.IdleTimeout != DefaultIdleTimeout || c.MaxHeaderBytes != DefaultMaxHeaderBytes ||
		!strings.HasPrefix(ts.URL, "http://127.0.0.1:") {
		t.Errorf("test server not set up the shared way: %s %+v", ts.URL, c)
	}
}

// TestRunTLS serves HTTPS with a certificate read by LoadTLS, from two
// servers that share the configuration (each keeps a copy: under -race,
// serving one configuration from two servers is a data race).
func TestRunTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	cfg, err := LoadTLS(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var urls []string
	done := make(chan error, 2)
	for range 2 {
		s := New("", &counting{}, &Options{TLSConfig: cfg})
		ln, err := s.Listen()
		if err != nil {
			t.Fatal(err)
		}
		urls = append(urls, s.URL(ln))
		go func() { done <- s.Run(ctx, ln) }()
	}
	client := &http.Client{Timeout: generous, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for _, url := range urls {
		if !strings.HasPrefix(url, "https://127.0.0.1:") {
			t.Fatalf("URL %q", url)
		}
		resp, err := client.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.TLS == nil {
			t.Errorf("over TLS: %d, tls %v", resp.StatusCode, resp.TLS != nil)
		}
	}
	client.CloseIdleConnections()
	cancel()
	for range 2 {
		if err := <-done; err != nil {
			t.Errorf("Run after its context ended: %v", err)
		}
	}
	if _, err := LoadTLS(filepath.Join(dir, "none.pem"), keyFile); err == nil {
		t.Error("LoadTLS of a missing file: no error")
	}
}

func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestNewTestServerTLS serves HTTPS with httptest's certificate when the
// TLS configuration has none, with the shared timeouts, and its Client
// trusts it.
func TestNewTestServerTLS(t *testing.T) {
	ts := NewTestServer(&counting{}, &Options{TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}, ReadTimeout: 7 * time.Second})
	defer ts.Close()
	if !strings.HasPrefix(ts.URL, "https://127.0.0.1:") || ts.Config.ReadTimeout != 7*time.Second || ts.Config.WriteTimeout != DefaultWriteTimeout {
		t.Fatalf("TLS test server not set up the shared way: %s %+v", ts.URL, ts.Config)
	}
	resp, err := ts.Client().Get(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil {
		t.Errorf("over TLS: %d, tls %v", resp.StatusCode, resp.TLS != nil)
	}
}
