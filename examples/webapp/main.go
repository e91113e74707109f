// Command webapp is the chat and calling sample for Teams users: a web app
// in which the Teams users of your customers sign in with their Entra ID
// account and chat and call as in Teams — the chat list with the last
// messages, a chat's messages paged back in time, text and @mentions, new
// messages appearing live, 1:1 and group chats started from the people
// picker, a meeting's chat found from its link, colleagues with their Teams
// presence updated live, and calls with their state and events shown live.
//
// The server is built on the SDK's public API only: teamsuser (one User per
// signed-in user, on behalf of the user), teamsuser/tokenservice (the user's
// token checked, and the ACS token of the browser's calling client), chat,
// calling and identity. The page is plain HTML, CSS and JavaScript embedded
// in the binary (no build step, nothing fetched from the internet).
//
// # Offline (the default)
//
// Everything runs on loopback against the fakes' HTTP faces with the real
// clients: identity/fake's Entra ID (two tenants, Fabrikam and Contoso,
// with their users, and its sign-in page), its ACS identity service,
// chat/fake's Graph (seeded chats, a meeting, presence; a colleague answers
// the messages sent to them) and calling/fake's switchboard (every user
// answers a call). Run it and open the URL it prints:
//
//	go run ./examples/webapp
//
// # Against Azure
//
// Register a web app in Entra ID (see the README): a redirect URI
// <base URL>/auth/callback of the Web platform, a client secret, an exposed
// scope access_as_user, and the delegated permissions Chat.ReadWrite,
// ChatMessage.Send, User.Read, User.ReadBasic.All, Presence.Read.All and
// OnlineMeetings.Read of Microsoft Graph and Teams.ManageCalls and
// Teams.ManageChats of Azure Communication Services. Then set:
//
//	TEAMSUSER_CLIENT_ID      the app's client id
//	TEAMSUSER_CLIENT_SECRET  its client secret
//	TEAMSUSER_TENANT_ID      the tenant users sign in at: a tenant id or verified
//	                         domain, or "organizations" (a multi-tenant app)
//	TEAMSUSER_TENANTS        optional: comma-separated ids of the tenants whose users
//	                         may sign in (default: TEAMSUSER_TENANT_ID when it is a
//	                         tenant id; "*" for any tenant)
//	TEAMSUSER_API_SCOPE      optional: the app's exposed scope (default
//	                         api://<client id>/access_as_user)
//	ACS_CONNECTION_STRING    the Communication Services resource's connection string
//	ACS_RESOURCE_ID          optional: its immutable resource id, the audience of Call
//	                         Automation callbacks (server-side calls need it)
//	PUBLIC_BASE_URL          the URL the browser opens (default http://localhost:8080);
//	                         when it is https and public, Graph change notifications
//	                         and Call Automation callbacks reach the app there
//	LISTEN                   the address to listen on (default 127.0.0.1:8080; -addr wins)
//
// The session cookie is HttpOnly and SameSite=Lax, and Secure whenever
// PUBLIC_BASE_URL is https (this process's TLS, -tls-cert and -tls-key, or
// a TLS proxy in front of it). Offline the app is plain HTTP on 127.0.0.1,
// so the cookie cannot be Secure there: it never leaves the machine.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/httpserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "webapp:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage: webapp [-addr host:port] [-live auto|poll|notify] [-tls-cert file -tls-key file]")

// options are the command line's.
type options struct {
	addr             string
	live             string
	tlsCert, tlsKey  string
	callingSDK       string
	pollInterval     time.Duration
	presenceInterval time.Duration
}

func parseFlags(args []string, getenv func(string) string) (options, error) {
	fs := flag.NewFlagSet("webapp", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o options
	fs.StringVar(&o.addr, "addr", "", "listen address (default LISTEN, or 127.0.0.1:8080 against Azure and 127.0.0.1:0 offline)")
	fs.StringVar(&o.live, "live", "auto", "how new messages reach the page: notify (Graph change notifications), poll (chat.Watch) or auto")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "PEM certificate chain to serve HTTPS with")
	fs.StringVar(&o.tlsKey, "tls-key", "", "PEM key of -tls-cert")
	fs.StringVar(&o.callingSDK, "calling-sdk", "", "a bundle of ACS's web calling SDK for the page's calls (see the README)")
	fs.DurationVar(&o.pollInterval, "poll", 0, "time between two polls of a chat (default 10s, 1s offline)")
	fs.DurationVar(&o.presenceInterval, "presence", 0, "time between two reads of the colleagues' presence (default 30s, 1s offline)")
	if err := fs.Parse(args); err != nil {
		return o, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	switch o.live {
	case "auto", "poll", "notify":
	default:
		return o, fmt.Errorf("%w: -live is auto, poll or notify", errUsage)
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return o, fmt.Errorf("%w: -tls-cert and -tls-key go together", errUsage)
	}
	if o.pollInterval != 0 && o.pollInterval < time.Second {
		return o, fmt.Errorf("%w: -poll is at least 1s (chat.Watch's least interval)", errUsage)
	}
	if o.presenceInterval < 0 {
		return o, fmt.Errorf("%w: -presence cannot be negative", errUsage)
	}
	if o.callingSDK != "" {
		if st, err := os.Stat(o.callingSDK); err != nil || st.IsDir() {
			return o, fmt.Errorf("%w: -calling-sdk names no readable file", errUsage)
		}
	}
	if o.addr == "" {
		o.addr = getenv("LISTEN")
	}
	return o, nil
}

// run serves the app until ctx ends.
func run(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	o, err := parseFlags(args, getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv, err := startServer(ctx, o, getenv, logger, nil)
	if err != nil {
		return err
	}
	defer srv.close()
	if w := srv.app.cfg.world; w != nil {
		fmt.Fprintf(out, "webapp: ready at %s (offline: fake Entra ID, ACS, Graph and Call Automation on loopback; sign in as a user of %s)\n",
			srv.app.cfg.baseURL, strings.Join(w.tenantNames(), " or "))
	} else {
		fmt.Fprintf(out, "webapp: ready at %s (Azure: users sign in at %s)\n", srv.app.cfg.baseURL, srv.app.cfg.authorizeBase)
	}
	return srv.serve(ctx)
}

// server is the app with its listener and, offline, its world.
type server struct {
	app   *app
	world *offlineWorld
	ln    net.Listener
	http  *httpserver.Server
}

// startServer listens and builds the app (offline unless
// TEAMSUSER_CLIENT_ID is set); serve then serves it. limits, when not nil,
// replace the server's timeouts (tests).
func startServer(ctx context.Context, o options, getenv func(string) string, logger *slog.Logger, limits *httpserver.Options) (s *server, err error) {
	opts := &httpserver.Options{MaxBodyBytes: maxBodyBytes}
	if limits != nil {
		opts = limits
	}
	if o.tlsCert != "" {
		if opts.TLSConfig, err = httpserver.LoadTLS(o.tlsCert, o.tlsKey); err != nil {
			return nil, err
		}
	}
	offline := getenv("TEAMSUSER_CLIENT_ID") == ""
	addr := o.addr
	if addr == "" {
		addr = "127.0.0.1:0" // offline: any free port
		if !offline {
			addr = "127.0.0.1:8080"
		}
	}
	// Listen first: the app needs its URL (the redirect URI, and offline
	// the URLs the fakes call back).
	s = &server{}
	if s.ln, err = net.Listen("tcp", addr); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	scheme := "http"
	if opts.TLSConfig != nil {
		scheme = "https"
	}
	listenURL := scheme + "://" + s.ln.Addr().String()

	var cfg config
	if offline {
		if s.world, err = newOfflineWorld(listenURL, logger); err != nil {
			return nil, err
		}
		if cfg, err = s.world.config(o, listenURL); err != nil {
			return nil, err
		}
	} else if cfg, err = azureConfig(o, getenv, listenURL); err != nil {
		return nil, err
	}
	cfg.logger = logger
	cfg.callingSDK = o.callingSDK
	if s.app, err = newApp(ctx, cfg); err != nil {
		return nil, err
	}
	if s.world != nil {
		s.world.attach(s.app)
	}
	s.http = httpserver.New(addr, s.app.routes(), opts)
	return s, nil
}

// serve serves until ctx ends.
func (s *server) serve(ctx context.Context) error { return s.http.Run(ctx, s.ln) }

// close stops the app and the offline world.
func (s *server) close() {
	if s.app != nil {
		s.app.close()
	}
	if s.world != nil {
		s.world.close()
	}
	if s.ln != nil {
		s.ln.Close()
	}
}

// maxBodyBytes bounds a request's body: messages are at most
// chat.MaxMessageBytes, the API's JSON bodies maxJSONBody, and Graph's
// notifications and Call Automation's callbacks are bounded by their
// handlers (1 MiB, 2 MiB). The server's timeouts are the defaults: the
// event stream moves its own deadlines (see serveEvents).
const maxBodyBytes = 4 << 20

// isLoopback says whether host (a URL's host, with or without a port) is
// this machine.
func isLoopback(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// baseURLOf checks a base URL: absolute http(s), no path, query or
// fragment; http only on loopback.
func baseURLOf(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", errors.New("must be an absolute http or https URL without a path, such as https://chat.contoso.com")
	}
	if u.Scheme == "http" && !isLoopback(u.Host) {
		return "", errors.New("must be https unless it is on this machine (the session cookie and tokens must not travel in clear text)")
	}
	return u.Scheme + "://" + u.Host, nil
}
