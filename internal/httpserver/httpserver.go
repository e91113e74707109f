// Package httpserver is the one way the module builds the HTTP servers it
// starts — the examples' servers and the fakes' loopback test servers — so
// that every one of them sheds slow and idle clients: a deadline on reading
// the header, on reading the whole request (a slow body), on writing the
// answer and on an idle keep-alive connection, a bound on the header and on
// the body, loopback unless told otherwise, and a graceful shutdown.
//
// The write deadline covers the whole answer, so a handler that streams
// (server-sent events, long polls) needs a server of its own with
// Options.WriteTimeout set negative. None of the module's handlers streams.
package httpserver

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"time"
)

// The defaults of Options.
const (
	// DefaultAddr is where a server listens unless told otherwise:
	// loopback, any free port.
	DefaultAddr = "127.0.0.1:0"
	// DefaultReadHeaderTimeout bounds reading a request's header.
	DefaultReadHeaderTimeout = 10 * time.Second
	// DefaultReadTimeout bounds reading a whole request, body included: a
	// client that trickles its body is cut off after it.
	DefaultReadTimeout = 30 * time.Second
	// DefaultWriteTimeout bounds the time from the end of the request's
	// header to the end of the answer.
	DefaultWriteTimeout = 60 * time.Second
	// DefaultIdleTimeout bounds how long a keep-alive connection waits for
	// its next request.
	DefaultIdleTimeout = 60 * time.Second
	// DefaultMaxHeaderBytes bounds a request's header (Go's own default is
	// 1 MiB; bearer tokens are a few KiB).
	DefaultMaxHeaderBytes = 64 << 10
	// DefaultMaxBodyBytes bounds a request's body, whatever the handler
	// reads: a handler that reads more gets an *http.MaxBytesError. It is
	// a backstop above the handlers' own limits (2 MiB for Call Automation
	// callbacks); a server whose handler reads less sets less.
	DefaultMaxBodyBytes = 4 << 20
	// DefaultShutdownTimeout is how long Run waits for requests in flight
	// once its context ends.
	DefaultShutdownTimeout = 10 * time.Second
)

// Options are a server's timeouts and limits. Zero values mean the
// defaults; a negative value means none (a negative WriteTimeout, for a
// handler that streams).
type Options struct {
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
	MaxBodyBytes      int64
	// ShutdownTimeout is how long Run lets requests in flight finish.
	ShutdownTimeout time.Duration
	// TLSConfig, if set, makes Run serve HTTPS with it (see LoadTLS). The
	// server keeps a copy, so several servers may share one.
	TLSConfig *tls.Config
}

// Server is an *http.Server built by New, with the grace its Run gives
// requests in flight at shutdown.
type Server struct {
	*http.Server
	shutdownTimeout time.Duration
	tls             bool // read once: http.Server sets a TLSConfig of its own when serving
}

// New returns a server of h for addr (empty means DefaultAddr) with every
// timeout and limit of opts (nil means the defaults) set.
func New(addr string, h http.Handler, opts *Options) *Server {
	var o Options
	if opts != nil {
		o = *opts
	}
	if addr == "" {
		addr = DefaultAddr
	}
	if body := pick(o.MaxBodyBytes, DefaultMaxBodyBytes); body > 0 {
		h = http.MaxBytesHandler(h, body)
	}
	srv := &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: pick(o.ReadHeaderTimeout, DefaultReadHeaderTimeout),
		ReadTimeout:       pick(o.ReadTimeout, DefaultReadTimeout),
		WriteTimeout:      pick(o.WriteTimeout, DefaultWriteTimeout),
		IdleTimeout:       pick(o.IdleTimeout, DefaultIdleTimeout),
		MaxHeaderBytes:    pick(o.MaxHeaderBytes, DefaultMaxHeaderBytes),
		// A copy: serving HTTPS adds HTTP/2 to the configuration's
		// NextProtos, a write that races with another server given the
		// same configuration.
		TLSConfig: o.TLSConfig.Clone(),
	}
	return &Server{Server: srv, shutdownTimeout: pick(o.ShutdownTimeout, DefaultShutdownTimeout), tls: o.TLSConfig != nil}
}

// pick is v, or def when v is zero; a negative v (no limit) becomes zero,
// which is what http.Server reads as none.
func pick[T int | int64 | time.Duration](v, def T) T {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// Listen listens on the server's address.
func (s *Server) Listen() (net.Listener, error) { return net.Listen("tcp", s.Addr) }

// URL is the base URL of the server on ln: https when it has a TLS
// configuration.
func (s *Server) URL(ln net.Listener) string {
	if s.tls {
		return "https://" + ln.Addr().String()
	}
	return "http://" + ln.Addr().String()
}

// Run serves on ln until ctx ends, then shuts down: it stops accepting,
// closes idle connections and gives requests in flight the shutdown grace
// before closing theirs. It returns nil after a shutdown that ctx asked
// for, and the error that stopped the server otherwise.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	served := make(chan error, 1)
	go func() {
		if s.tls {
			served <- s.ServeTLS(ln, "", "")
		} else {
			served <- s.Serve(ln)
		}
	}()
	select {
	case err := <-served: // it stopped on its own: not a shutdown
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.shutdownTimeout)
	defer cancel()
	err := s.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = errors.Join(errors.New("httpserver: requests still in flight after the shutdown grace were cut off"), s.Close())
	}
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// LoadTLS reads a certificate chain and its key (PEM files) into a server
// TLS configuration that accepts TLS 1.2 and newer.
func LoadTLS(certFile, keyFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// NewTestServer starts a loopback test server of h (httptest's, for its
// URL, Client and Close) with the timeouts and limits of opts set, as every
// server the module starts has them. The fakes' NewServer and the
// examples' loopback services are made with it. With opts.TLSConfig set it
// serves HTTPS, with httptest's certificate for 127.0.0.1 when the
// configuration has none; the server's Client trusts it.
func NewTestServer(h http.Handler, opts *Options) *httptest.Server {
	s := New("", h, opts)
	ts := httptest.NewUnstartedServer(s.Handler)
	c := ts.Config
	c.ReadHeaderTimeout, c.ReadTimeout, c.WriteTimeout, c.IdleTimeout = s.ReadHeaderTimeout, s.ReadTimeout, s.WriteTimeout, s.IdleTimeout
	c.MaxHeaderBytes = s.MaxHeaderBytes
	if s.tls {
		ts.TLS = s.TLSConfig
		ts.StartTLS()
	} else {
		ts.Start()
	}
	return ts
}
