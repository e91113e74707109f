// Command emulator serves the HTTP faces of teamsuser-go's in-memory fakes on
// localhost, with a seeded tenant, for integration tests written in any
// language — as Azurite does for Azure Storage.
//
// It serves, each on its own loopback port:
//
//   - entra: a fake Microsoft Entra ID issuer — OpenID discovery documents
//     and signing keys under /{tenant}/v2.0/.well-known/openid-configuration
//     and /{tenant}/discovery/v2.0/keys, and a test-only token endpoint,
//     POST /_emulator/token with a JSON body {"user": "<upn or object id>",
//     "appId": "<client id>", "audience": "<optional aud>", "scopes":
//     ["<optional scp values>"], "lifetimeSeconds": 3600}, which answers
//     {"access_token", "token_type", "expires_on"} (by default a Teams-user
//     token for the Communication Services audience);
//   - acs: one ACS resource — the identity REST API (/identities,
//     /teamsUser/:exchangeAccessToken) and the Call Automation REST API
//     (/calling/...) of calling/fake's switchboard, where every seeded user is
//     a Teams user who answers — HMAC-signed with the access key of the
//     printed connection string; the switchboard's callback signing keys are
//     at /calling/.well-known/acsopenidconfiguration;
//   - graph: Microsoft Graph chat, online meetings and presence (chat/fake's
//     HTTP face under /v1.0) for the seeded users, accepting tokens from the
//     token endpoint with "audience": "https://graph.microsoft.com"; users are
//     Offline until a test sets their presence with the test-only
//     POST /_emulator/presence {"user": "<upn or object id>", "availability":
//     "Available", "activity": "<optional, default: the availability>",
//     "statusMessage": "", "outOfOffice": false} (204).
//
// When every listener is up it prints one line to standard output:
//
//	teamsuser-emulator ready {"entra":"https://127.0.0.1:...","acs":"https://...","graph":"https://.../v1.0","acsConnectionString":"endpoint=...;accesskey=...","acsResourceId":"...","caCert":"/tmp/.../ca.pem","tenants":[...]}
//
// The JSON after "ready " names the endpoints, the CA to trust and every
// seeded tenant and user with their ids; a test harness reads that line and
// starts.
//
// Every endpoint is HTTPS by default, as Azurite offers: at start the
// emulator makes a CA (ECDSA P-256) and a certificate it signs for
// localhost, 127.0.0.1 and ::1 (and -host), and names the CA's PEM file in
// the ready line (caCert). Clients trust it the ordinary way —
// NODE_EXTRA_CA_CERTS for Node.js, SSL_CERT_FILE for Go and OpenSSL,
// REQUESTS_CA_BUNDLE for Python's requests, or the OS store — and the
// official SDKs then run with their default options: the ACS SDKs refuse
// credentials over plain HTTP, and the Graph SDKs send no token to a plain
// http:// host. Both the identity API and Call Automation accept Entra ID
// bearer tokens of the emulator's Entra for https://communication.azure.com
// as well as HMAC signatures. The process
// runs until interrupted (SIGINT or SIGTERM). Each server sheds slow and
// idle clients (read, write and idle timeouts; header and body limits).
//
// Flags:
//
//	-host 127.0.0.1      the address to listen on (loopback by default)
//	-entra-port 0        ports; 0 picks a free one
//	-acs-port 0
//	-graph-port 0
//	-seed file.json      tenants and users to create, as
//	                     {"tenants":[{"name":"fabrikam","users":["Adele Vance","Alex Wilber"]}]};
//	                     by default the tenant "fabrikam" with three users
//	-access-key base64   the ACS access key (default: random)
//	-tls=true            serve HTTPS; -tls=false serves plain HTTP
//	-cert-dir dir        keep the generated CA and certificate in dir and reuse
//	                     them while valid, so a CA trusted once stays trusted
//	                     (default: a temporary directory removed at exit)
//	-tls-cert, -tls-key  serve this PEM certificate chain and key instead
//	-tls-ca file         the CA of -tls-cert that the ready line names
//	                     (default: -tls-cert itself)
//
// The access key and the connection string are test secrets of the emulator,
// printed on purpose; never point the emulator at real credentials.
package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	chatfake "github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/httpserver"
)

// Seed is the -seed file's shape.
type Seed struct {
	Tenants []SeedTenant `json:"tenants"`
}

// SeedTenant is a tenant to create and the display names of its users.
type SeedTenant struct {
	Name  string   `json:"name"`
	Users []string `json:"users"`
}

var defaultSeed = Seed{Tenants: []SeedTenant{{Name: "fabrikam", Users: []string{"Adele Vance", "Alex Wilber", "Megan Bowen"}}}}

// Ready is what the readiness line carries.
type Ready struct {
	Entra               string `json:"entra"`
	ACS                 string `json:"acs"`
	Graph               string `json:"graph"`
	ACSConnectionString string `json:"acsConnectionString"`
	ACSResourceID       string `json:"acsResourceId"`
	// CACert is the PEM file of the CA to trust for the https:// endpoints;
	// empty with -tls=false.
	CACert  string        `json:"caCert,omitempty"`
	Tenants []ReadyTenant `json:"tenants"`
}

// ReadyTenant is a seeded tenant with its users.
type ReadyTenant struct {
	ID     string      `json:"id"`
	Name   string      `json:"name"`
	Domain string      `json:"domain"`
	Users  []ReadyUser `json:"users"`
}

// ReadyUser is a seeded user.
type ReadyUser struct {
	ObjectID    string `json:"objectId"`
	UPN         string `json:"upn"`
	DisplayName string `json:"displayName"`
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "emulator:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	cfg, err := parseFlags(args)
	if err != nil {
		return err
	}
	em, err := newEmulator(cfg)
	if err != nil {
		return err
	}
	defer em.close()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := em.start(ctx); err != nil {
		return err
	}
	line, err := json.Marshal(em.ready)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "teamsuser-emulator ready %s\n", line)
	<-ctx.Done()
	return nil
}

// config is what the flags say.
type config struct {
	host                          string
	entraPort, acsPort, graphPort int
	seed                          Seed
	accessKey                     string
	// tls serves HTTPS; certDir keeps the generated certificates (empty:
	// a temporary directory, removed at exit); tlsCert and tlsKey are a
	// certificate to serve instead, tlsCA the CA the ready line names.
	tls                    bool
	certDir                string
	tlsCert, tlsKey, tlsCA string
}

func parseFlags(args []string) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.StringVar(&cfg.host, "host", "127.0.0.1", "address to listen on")
	fs.IntVar(&cfg.entraPort, "entra-port", 0, "port of the fake Entra ID issuer (0: any free port)")
	fs.IntVar(&cfg.acsPort, "acs-port", 0, "port of the fake ACS resource (0: any free port)")
	fs.IntVar(&cfg.graphPort, "graph-port", 0, "port of the fake Microsoft Graph (0: any free port)")
	seedFile := fs.String("seed", "", "JSON file of tenants and users to create")
	fs.StringVar(&cfg.accessKey, "access-key", "", "base64 ACS access key (default: random)")
	fs.BoolVar(&cfg.tls, "tls", true, "serve HTTPS with a certificate of a CA generated at start (or -tls-cert); -tls=false serves plain HTTP")
	fs.StringVar(&cfg.certDir, "cert-dir", "", "directory that keeps the generated CA and certificate, reused while valid (default: a temporary directory removed at exit)")
	fs.StringVar(&cfg.tlsCert, "tls-cert", "", "PEM certificate chain to serve instead of a generated one (with -tls-key)")
	fs.StringVar(&cfg.tlsKey, "tls-key", "", "PEM key of -tls-cert")
	fs.StringVar(&cfg.tlsCA, "tls-ca", "", "PEM CA certificate that clients trust for -tls-cert, named in the ready line (default: -tls-cert)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if (cfg.tlsCert == "") != (cfg.tlsKey == "") {
		return config{}, errors.New("-tls-cert and -tls-key go together")
	}
	if cfg.tlsCert != "" && cfg.certDir != "" {
		return config{}, errors.New("-cert-dir generates a certificate, -tls-cert brings one: give one of them")
	}
	if !cfg.tls && (cfg.tlsCert != "" || cfg.certDir != "") {
		return config{}, errors.New("-tls=false serves plain HTTP: drop -tls-cert and -cert-dir")
	}
	cfg.seed = defaultSeed
	if *seedFile != "" {
		b, err := os.ReadFile(*seedFile)
		if err != nil {
			return config{}, err
		}
		cfg.seed = Seed{}
		if err := json.Unmarshal(b, &cfg.seed); err != nil {
			return config{}, fmt.Errorf("seed %s: %w", *seedFile, err)
		}
	}
	if cfg.accessKey == "" {
		k := make([]byte, 32)
		_, _ = rand.Read(k)
		cfg.accessKey = base64.StdEncoding.EncodeToString(k)
	}
	if key, err := base64.StdEncoding.DecodeString(cfg.accessKey); err != nil || len(key) == 0 {
		return config{}, errors.New("-access-key is not base64")
	}
	return cfg, nil
}

// emulator is the fakes of one ACS resource, one Entra ID and one Graph,
// and the servers of their HTTP faces.
type emulator struct {
	cfg   config
	entra *fake.Entra
	acs   *fake.Service
	sb    *callfake.Switchboard
	graph *chatfake.Service
	// tls is the servers' TLS configuration, nil for plain HTTP; tempDir
	// is the directory of generated certificates removed at close.
	tls     *tls.Config
	tempDir string
	ready   Ready
	stops   []func()
}

// newEmulator makes the fakes and seeds them; start serves them.
func newEmulator(cfg config) (em *emulator, err error) {
	key, _ := base64.StdEncoding.DecodeString(cfg.accessKey)
	em = &emulator{cfg: cfg}
	defer func() {
		if err != nil {
			em.close()
		}
	}()
	em.entra = fake.NewEntra(nil)
	em.acs = fake.New(&fake.Options{Entra: em.entra, AccessKey: key})
	// One ACS resource: the switchboard shares the identity service's key,
	// resource id and Entra ID, whose bearer tokens both accept (Entra
	// auth to ACS, as DefaultAzureCredential does it).
	em.sb = callfake.New(&callfake.Options{AccessKey: cfg.accessKey, ResourceID: em.acs.ResourceID(), Entra: em.entra})
	em.graph = chatfake.New(&chatfake.Options{Entra: em.entra})
	for _, st := range cfg.seed.Tenants {
		if strings.TrimSpace(st.Name) == "" {
			return nil, errors.New("seed: a tenant has no name")
		}
		t := em.entra.AddTenant(st.Name)
		rt := ReadyTenant{ID: t.ID, Name: t.Name, Domain: t.Domain}
		for _, name := range st.Users {
			u := em.entra.AddUser(t.ID, name)
			rt.Users = append(rt.Users, ReadyUser{ObjectID: u.ObjectID, UPN: u.UPN, DisplayName: u.DisplayName})
			em.sb.AddTeamsUser(u.ObjectID, callfake.Answers())
			if err := em.graph.ImportUser(chatfake.User{ID: u.ObjectID, TenantID: u.TenantID, DisplayName: u.DisplayName, UPN: u.UPN}); err != nil {
				return nil, err
			}
		}
		em.ready.Tenants = append(em.ready.Tenants, rt)
	}
	if cfg.tls {
		c := certs{CA: cfg.tlsCA, Cert: cfg.tlsCert, Key: cfg.tlsKey}
		if c.Cert == "" {
			dir := cfg.certDir
			if dir == "" {
				if dir, err = os.MkdirTemp("", "teamsuser-emulator-"); err != nil {
					return nil, err
				}
				em.tempDir = dir
			}
			if c, err = ensureCerts(dir, certHosts(cfg.host), time.Now()); err != nil {
				return nil, err
			}
		} else if c.CA == "" {
			c.CA = c.Cert
		}
		if em.tls, err = serverTLS(c); err != nil {
			return nil, err
		}
		if em.ready.CACert, err = filepath.Abs(c.CA); err != nil {
			return nil, err
		}
	}
	return em, nil
}

// certHosts are the names a generated certificate covers: localhost on
// both loopback addresses, and the listening host.
func certHosts(host string) []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if h := strings.Trim(host, "[]"); h != "" && !slices.Contains(hosts, h) && h != "0.0.0.0" && h != "::" {
		hosts = append(hosts, h)
	}
	return hosts
}

// start serves the three faces, each on its port, until ctx ends or close.
func (em *emulator) start(ctx context.Context) error {
	entraMux := http.NewServeMux()
	entraMux.Handle("/", em.entra.Handler())
	entraMux.Handle("POST /_emulator/token", tokenEndpoint(em.entra))
	entraURL, err := em.serve(ctx, em.cfg.entraPort, entraMux, 0)
	if err != nil {
		return err
	}
	acsMux := http.NewServeMux()
	acsMux.Handle("/calling/", em.sb.Handler())
	acsMux.Handle("/", em.acs.Handler())
	acsURL, err := em.serve(ctx, em.cfg.acsPort, acsMux, 0)
	if err != nil {
		return err
	}
	graphMux := http.NewServeMux()
	graphMux.Handle("/", em.graph.Handler())
	graphMux.Handle("POST /_emulator/presence", presenceEndpoint(em.graph))
	graphURL, err := em.serve(ctx, em.cfg.graphPort, graphMux, 8<<20) // messages with inline images
	if err != nil {
		return err
	}
	em.ready.Entra, em.ready.ACS, em.ready.Graph = entraURL, acsURL, graphURL+"/v1.0"
	em.ready.ACSConnectionString = em.acs.ConnectionString(acsURL)
	em.ready.ACSResourceID = em.acs.ResourceID()
	return nil
}

// serve listens on the host and port and serves h until ctx ends or close;
// it returns the base URL (https with TLS). Every server sheds slow and
// idle clients (the shared timeouts and limits); maxBody bounds request
// bodies (zero: the default).
func (em *emulator) serve(ctx context.Context, port int, h http.Handler, maxBody int64) (string, error) {
	srv := httpserver.New(net.JoinHostPort(em.cfg.host, strconv.Itoa(port)), h, &httpserver.Options{MaxBodyBytes: maxBody, TLSConfig: em.tls})
	ln, err := srv.Listen()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Run(ctx, ln)
	}()
	em.stops = append(em.stops, func() {
		cancel()
		<-done
	})
	return srv.URL(ln), nil
}

// close stops the servers, then the fakes, and removes generated
// certificates of a temporary directory.
func (em *emulator) close() {
	for _, stop := range slices.Backward(em.stops) {
		stop()
	}
	em.stops = nil
	if em.sb != nil {
		_ = em.sb.Close()
	}
	if em.graph != nil {
		_ = em.graph.Close()
	}
	if em.acs != nil {
		_ = em.acs.Close()
	}
	if em.tempDir != "" {
		_ = os.RemoveAll(em.tempDir)
	}
}

type tokenRequest struct {
	User            string   `json:"user"`
	AppID           string   `json:"appId"`
	Audience        string   `json:"audience"`
	Scopes          []string `json:"scopes"`
	LifetimeSeconds int      `json:"lifetimeSeconds"`
}

// tokenEndpoint mints a token for a seeded user: the emulator's stand-in for
// an interactive sign-in.
func tokenEndpoint(entra *fake.Entra) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req tokenRequest
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10)).Decode(&req); err != nil {
			httpError(w, http.StatusBadRequest, "invalid_request", "the body is not the expected JSON")
			return
		}
		if req.AppID == "" {
			httpError(w, http.StatusBadRequest, "invalid_request", "appId is required")
			return
		}
		user, ok := entra.User(req.User)
		if !ok {
			user, ok = entra.UserByUPN(req.User)
		}
		if !ok {
			httpError(w, http.StatusBadRequest, "invalid_grant", "no seeded user "+strconv.Quote(req.User))
			return
		}
		var opts []fake.MintOption
		if req.Audience != "" {
			opts = append(opts, fake.WithAudience(req.Audience))
		}
		if len(req.Scopes) > 0 {
			opts = append(opts, fake.WithScopes(req.Scopes...))
		}
		if req.LifetimeSeconds > 0 {
			opts = append(opts, fake.WithLifetime(time.Duration(req.LifetimeSeconds)*time.Second))
		}
		tok, exp, err := entra.TeamsUserToken(user, req.AppID, opts...)
		if err != nil {
			httpError(w, http.StatusBadRequest, "invalid_request", err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_on": exp.Unix()})
	})
}

// presenceRequest is the body of POST /_emulator/presence.
type presenceRequest struct {
	User          string `json:"user"`
	Availability  string `json:"availability"`
	Activity      string `json:"activity"`
	StatusMessage string `json:"statusMessage"`
	OutOfOffice   bool   `json:"outOfOffice"`
}

// knownAvailability are the availabilities Graph reports.
var knownAvailability = map[chat.Availability]bool{
	chat.AvailabilityAvailable: true, chat.AvailabilityAvailableIdle: true, chat.AvailabilityAway: true,
	chat.AvailabilityBeRightBack: true, chat.AvailabilityBusy: true, chat.AvailabilityBusyIdle: true,
	chat.AvailabilityDoNotDisturb: true, chat.AvailabilityOffline: true, chat.AvailabilityPresenceUnknown: true,
}

// presenceEndpoint sets a seeded user's Teams presence, as Graph's
// /users/{id}/presence and getPresencesByUserId then report it.
func presenceEndpoint(graph *chatfake.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req presenceRequest
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10)).Decode(&req); err != nil {
			httpError(w, http.StatusBadRequest, "invalid_request", "the body is not the expected JSON")
			return
		}
		u, ok := graph.User(req.User)
		if !ok {
			httpError(w, http.StatusBadRequest, "invalid_request", "no seeded user "+strconv.Quote(req.User))
			return
		}
		p := chat.Presence{Availability: chat.Availability(req.Availability), Activity: chat.Activity(req.Activity),
			StatusMessage: req.StatusMessage, OutOfOffice: req.OutOfOffice}
		if !knownAvailability[p.Availability] {
			httpError(w, http.StatusBadRequest, "invalid_request", "availability must be one of Graph's (Available, Busy, Away, ...)")
			return
		}
		if p.Activity == "" {
			p.Activity = chat.Activity(p.Availability)
		}
		graph.SetPresence(u.ID, p)
		w.WriteHeader(http.StatusNoContent)
	})
}

func httpError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}
