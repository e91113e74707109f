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
//	teamsuser-emulator ready {"entra":"http://127.0.0.1:...","acs":"http://...","graph":"http://.../v1.0","acsConnectionString":"endpoint=...;accesskey=...","acsResourceId":"...","tenants":[...]}
//
// The JSON after "ready " names the endpoints and every seeded tenant and
// user with their ids; a test harness reads that line and starts. The process
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
	"net"
	"net/http"
	"os"
	"os/signal"
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
	Entra               string        `json:"entra"`
	ACS                 string        `json:"acs"`
	Graph               string        `json:"graph"`
	ACSConnectionString string        `json:"acsConnectionString"`
	ACSResourceID       string        `json:"acsResourceId"`
	Tenants             []ReadyTenant `json:"tenants"`
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
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	host := fs.String("host", "127.0.0.1", "address to listen on")
	entraPort := fs.Int("entra-port", 0, "port of the fake Entra ID issuer (0: any free port)")
	acsPort := fs.Int("acs-port", 0, "port of the fake ACS resource (0: any free port)")
	graphPort := fs.Int("graph-port", 0, "port of the fake Microsoft Graph (0: any free port)")
	seedFile := fs.String("seed", "", "JSON file of tenants and users to create")
	accessKey := fs.String("access-key", "", "base64 ACS access key (default: random)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	seed := defaultSeed
	if *seedFile != "" {
		b, err := os.ReadFile(*seedFile)
		if err != nil {
			return err
		}
		seed = Seed{}
		if err := json.Unmarshal(b, &seed); err != nil {
			return fmt.Errorf("seed %s: %w", *seedFile, err)
		}
	}
	if *accessKey == "" {
		k := make([]byte, 32)
		_, _ = rand.Read(k)
		*accessKey = base64.StdEncoding.EncodeToString(k)
	}
	key, err := base64.StdEncoding.DecodeString(*accessKey)
	if err != nil || len(key) == 0 {
		return errors.New("-access-key is not base64")
	}

	entra := fake.NewEntra(nil)
	acs := fake.New(&fake.Options{Entra: entra, AccessKey: key})
	// One ACS resource: the switchboard shares the identity service's key
	// and resource id.
	sb := callfake.New(&callfake.Options{AccessKey: *accessKey, ResourceID: acs.ResourceID()})
	defer sb.Close()
	graph := chatfake.New(&chatfake.Options{Entra: entra})
	defer graph.Close()
	ready := Ready{}
	for _, st := range seed.Tenants {
		if strings.TrimSpace(st.Name) == "" {
			return errors.New("seed: a tenant has no name")
		}
		t := entra.AddTenant(st.Name)
		rt := ReadyTenant{ID: t.ID, Name: t.Name, Domain: t.Domain}
		for _, name := range st.Users {
			u := entra.AddUser(t.ID, name)
			rt.Users = append(rt.Users, ReadyUser{ObjectID: u.ObjectID, UPN: u.UPN, DisplayName: u.DisplayName})
			sb.AddTeamsUser(u.ObjectID, callfake.Answers())
			if err := graph.ImportUser(chatfake.User{ID: u.ObjectID, TenantID: u.TenantID, DisplayName: u.DisplayName, UPN: u.UPN}); err != nil {
				return err
			}
		}
		ready.Tenants = append(ready.Tenants, rt)
	}

	entraMux := http.NewServeMux()
	entraMux.Handle("/", entra.Handler())
	entraMux.Handle("POST /_emulator/token", tokenEndpoint(entra))

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	entraURL, stopEntra, err := serve(ctx, *host, *entraPort, entraMux, 0)
	if err != nil {
		return err
	}
	defer stopEntra()
	acsMux := http.NewServeMux()
	acsMux.Handle("/calling/", sb.Handler())
	acsMux.Handle("/", acs.Handler())
	acsURL, stopACS, err := serve(ctx, *host, *acsPort, acsMux, 0)
	if err != nil {
		return err
	}
	defer stopACS()
	graphMux := http.NewServeMux()
	graphMux.Handle("/", graph.Handler())
	graphMux.Handle("POST /_emulator/presence", presenceEndpoint(graph))
	graphURL, stopGraph, err := serve(ctx, *host, *graphPort, graphMux, 8<<20) // messages with inline images
	if err != nil {
		return err
	}
	defer stopGraph()
	ready.Entra, ready.ACS, ready.Graph = entraURL, acsURL, graphURL+"/v1.0"
	ready.ACSConnectionString = acs.ConnectionString(acsURL)
	ready.ACSResourceID = acs.ResourceID()

	line, err := json.Marshal(ready)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "teamsuser-emulator ready %s\n", line)
	<-ctx.Done()
	return nil
}

// serve listens on host:port and serves h until ctx ends or stop is
// called; it returns the base URL and stop, which shuts the server down and
// waits for it. Every server sheds slow and idle clients (the shared
// timeouts and limits); maxBody bounds request bodies (zero: the default).
func serve(ctx context.Context, host string, port int, h http.Handler, maxBody int64) (string, func(), error) {
	srv := httpserver.New(net.JoinHostPort(host, strconv.Itoa(port)), h, &httpserver.Options{MaxBodyBytes: maxBody})
	ln, err := srv.Listen()
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Run(ctx, ln)
	}()
	stop := func() {
		cancel()
		<-done
	}
	return srv.URL(ln), stop, nil
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
