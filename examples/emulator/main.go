// Command emulator serves the HTTP faces of teamsuser-go's in-memory fakes on
// localhost, with seeded tenants, users and phone numbers, for integration
// tests written in any language — as Azurite does for Azure Storage. The
// official SDKs (Azure Communication Services' identity and Call Automation
// SDKs, the Microsoft Graph SDKs) run against it with their default options.
//
// It serves, each on its own loopback port:
//
//   - entra: a fake Microsoft Entra ID issuer — OpenID discovery documents
//     and signing keys under /{tenant}/v2.0/.well-known/openid-configuration
//     and /{tenant}/discovery/v2.0/keys;
//   - acs: one ACS resource — the identity REST API (/identities,
//     /teamsUser/:exchangeAccessToken) and the Call Automation REST API
//     (/calling/...), authenticated with the access key of the printed
//     connection string (HMAC-SHA256) or with an Entra ID token of the
//     emulator's issuer for https://communication.azure.com; callbacks are
//     signed JWTs whose keys are at /calling/.well-known/acsopenidconfiguration;
//   - graph: Microsoft Graph chat, online meetings and presence under /v1.0,
//     accepting the emulator's Entra tokens for https://graph.microsoft.com;
//   - control: the test-only control API under /api/ (always on loopback)
//     and a live dashboard at /. See README.md beside this file.
//
// Every endpoint is HTTPS by default, as Azurite offers: at start the
// emulator makes a CA (ECDSA P-256) and a certificate it signs for
// localhost, 127.0.0.1 and ::1 (and -host), and names the CA's PEM file in
// the ready line (caCert). Clients trust it the ordinary way —
// NODE_EXTRA_CA_CERTS for Node.js, SSL_CERT_FILE for Go and OpenSSL,
// REQUESTS_CA_BUNDLE for Python's requests, or the OS store — and the
// official SDKs then run with their default options: the ACS SDKs refuse
// credentials over plain HTTP, and the Graph SDKs send no token to a plain
// http:// host.
//
// When every listener is up it prints one line to standard output:
//
//	teamsuser-emulator ready {"entra":"https://127.0.0.1:…","acs":"https://…","graph":"https://…/v1.0","control":"https://…","caCert":"/tmp/…/ca.pem","acsConnectionString":"endpoint=…;accesskey=…",…}
//
// The JSON after "ready " (the Ready type) is everything a harness needs:
// the endpoints, the CA, the connection string and resource id, how to
// verify callbacks (issuer, audience, OpenID configuration), the token
// endpoint, the phone numbers the resource owns, and every tenant and user
// with their ids and UPNs. The process runs until interrupted (SIGINT or
// SIGTERM). Each server sheds slow and idle clients (read, write and idle
// timeouts; header and body limits).
//
// Flags:
//
//	-host 127.0.0.1      the address to listen on (loopback by default; the
//	                     control API stays on loopback whatever it says)
//	-entra-port 0        ports; 0 picks a free one
//	-acs-port 0
//	-graph-port 0
//	-control-port 0
//	-seed file.json      tenants, users and phone numbers to create, as
//	                     {"tenants":[{"name":"fabrikam","users":["Adele Vance"]}],
//	                      "phoneNumbers":["+14255550100"]}; by default the
//	                     tenant "fabrikam" with three users and one number
//	-access-key base64   the ACS access key (default: random)
//	-event-grid-url url  where incoming calls are POSTed as Event Grid events
//	                     (after Event Grid's validation handshake)
//	-ring-timeout 2m     how long a call rings before it ends unanswered
//	-busy-on-busy        every user's Teams calling policy rejects calls
//	                     while they are in a call (BusyOnBusyEnabledType Enabled)
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
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
)

// Seed is the -seed file's shape.
type Seed struct {
	Tenants []SeedTenant `json:"tenants"`
	// PhoneNumbers are the numbers (E.164) the ACS resource owns: calls
	// may show them as their caller id, and incoming calls come to them.
	PhoneNumbers []string `json:"phoneNumbers"`
}

// SeedTenant is a tenant to create and the display names of its users.
type SeedTenant struct {
	Name  string   `json:"name"`
	Users []string `json:"users"`
}

var defaultSeed = Seed{
	Tenants:      []SeedTenant{{Name: "fabrikam", Users: []string{"Adele Vance", "Alex Wilber", "Megan Bowen"}}},
	PhoneNumbers: []string{"+14255550100"},
}

// Ready is what the ready line carries: everything a test harness needs.
type Ready struct {
	// Entra, ACS and Graph are the services' base URLs (Graph's with /v1.0).
	Entra string `json:"entra"`
	ACS   string `json:"acs"`
	Graph string `json:"graph"`
	// Control is the control API's base URL (its paths start with /api/);
	// Dashboard is the live dashboard; TokenEndpoint mints Entra tokens
	// for the users (POST, see README.md).
	Control       string `json:"control"`
	Dashboard     string `json:"dashboard"`
	TokenEndpoint string `json:"tokenEndpoint"`
	// CACert is the PEM file of the CA to trust for the https:// endpoints;
	// empty with -tls=false.
	CACert string `json:"caCert,omitempty"`
	// ACSConnectionString and ACSResourceID are the ACS resource's.
	ACSConnectionString string `json:"acsConnectionString"`
	ACSResourceID       string `json:"acsResourceId"`
	// Callbacks says how to verify the JWT of a Call Automation callback.
	Callbacks ReadyCallbacks `json:"callbacks"`
	// EventGridURL is where incoming calls go, if -event-grid-url said.
	EventGridURL string `json:"eventGridUrl,omitempty"`
	// PhoneNumbers are the numbers the resource owns.
	PhoneNumbers []string      `json:"phoneNumbers"`
	Tenants      []ReadyTenant `json:"tenants"`
}

// ReadyCallbacks is how a callback's "Authorization: Bearer" JWT verifies:
// RS256 with a key of JWKS (found through OpenIDConfiguration), issued by
// Issuer for Audience (the resource's immutable id).
type ReadyCallbacks struct {
	Issuer              string `json:"issuer"`
	Audience            string `json:"audience"`
	OpenIDConfiguration string `json:"openIdConfiguration"`
	JWKS                string `json:"jwks"`
}

// ReadyTenant is a seeded tenant with its users.
type ReadyTenant struct {
	ID                  string      `json:"id"`
	Name                string      `json:"name"`
	Domain              string      `json:"domain"`
	OpenIDConfiguration string      `json:"openIdConfiguration"`
	Users               []ReadyUser `json:"users"`
}

// ReadyUser is a seeded user: TeamsUserID is the raw id of the user as a
// Call Automation participant.
type ReadyUser struct {
	ObjectID    string `json:"objectId"`
	UPN         string `json:"upn"`
	DisplayName string `json:"displayName"`
	TeamsUserID string `json:"teamsUserId"`
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
	host                                       string
	entraPort, acsPort, graphPort, controlPort int
	seed                                       Seed
	accessKey                                  string
	eventGridURL                               string
	ringTimeout                                time.Duration
	busyOnBusy                                 bool
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
	fs.StringVar(&cfg.host, "host", "127.0.0.1", "address to listen on (the control API stays on loopback)")
	fs.IntVar(&cfg.entraPort, "entra-port", 0, "port of the fake Entra ID issuer (0: any free port)")
	fs.IntVar(&cfg.acsPort, "acs-port", 0, "port of the fake ACS resource (0: any free port)")
	fs.IntVar(&cfg.graphPort, "graph-port", 0, "port of the fake Microsoft Graph (0: any free port)")
	fs.IntVar(&cfg.controlPort, "control-port", 0, "port of the control API and the dashboard (0: any free port)")
	seedFile := fs.String("seed", "", "JSON file of tenants, users and phone numbers to create")
	fs.StringVar(&cfg.accessKey, "access-key", "", "base64 ACS access key (default: random)")
	fs.StringVar(&cfg.eventGridURL, "event-grid-url", "", "where incoming calls are POSTed as Event Grid events")
	fs.DurationVar(&cfg.ringTimeout, "ring-timeout", callfake.DefaultRingTimeout, "how long a call rings before it ends unanswered")
	fs.BoolVar(&cfg.busyOnBusy, "busy-on-busy", false, "users' Teams calling policy rejects calls while they are in a call (BusyOnBusyEnabledType Enabled)")
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
	if cfg.ringTimeout <= 0 {
		return config{}, errors.New("-ring-timeout must be positive")
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
