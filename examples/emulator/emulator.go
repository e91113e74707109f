package main

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	chatfake "github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/httpserver"
)

// emulator is the fakes of one ACS resource, one Entra ID and one
// Microsoft Graph on one clock, the people in them, and the servers of
// their HTTP faces, of the control API and of the dashboard.
type emulator struct {
	cfg   config
	clock *clock
	entra *fake.Entra
	acs   *fake.Service
	sb    *callfake.Switchboard
	graph *chatfake.Service
	// tls is the servers' TLS configuration, nil for plain HTTP; tempDir
	// is the directory of generated certificates removed at close.
	tls     *tls.Config
	tempDir string
	// ready is what the ready line says; set by start, read-only after.
	ready Ready

	mu       sync.Mutex
	tenants  []*tenant
	users    map[string]*user // by object id
	scripts  map[string]scripted
	grid     string          // the Event Grid URL of incoming calls
	validGrd map[string]bool // Event Grid URLs that passed the handshake

	stops []func()
	// wrapControl, when set (by tests), wraps the control API's handler.
	wrapControl func(http.Handler) http.Handler
}

// tenant is an Entra tenant of the emulator with its users.
type tenant struct {
	fake.Tenant
	users []*user
}

// user is a Teams user of the emulator: signed in at Entra, a Graph user,
// and a Teams client that Call Automation rings.
type user struct {
	fake.TestUser
	presence chat.Presence
	// busyOnBusy is the user's Teams calling policy BusyOnBusyEnabledType
	// set to Enabled (see reachability).
	busyOnBusy bool
	script     callfake.Script
}

// scripted is a party a test scripted through the control API.
type scripted struct {
	id     identity.Identifier
	script callfake.Script
}

// answers is the script of every party until a test says otherwise.
var answers = callfake.Answers()

// newEmulator makes the fakes on one clock and seeds them; start serves
// them.
func newEmulator(cfg config) (em *emulator, err error) {
	key, _ := base64.StdEncoding.DecodeString(cfg.accessKey)
	em = &emulator{cfg: cfg, clock: newClock(), users: map[string]*user{}, scripts: map[string]scripted{},
		grid: cfg.eventGridURL, validGrd: map[string]bool{}}
	defer func() {
		if err != nil {
			em.close()
		}
	}()
	for _, n := range cfg.seed.PhoneNumbers {
		if !callwire.IsE164(n) {
			return nil, fmt.Errorf("seed: phone number %q is not in E.164 form (+14255550100)", n)
		}
	}
	em.entra = fake.NewEntra(&fake.EntraOptions{Clock: em.clock})
	em.acs = fake.New(&fake.Options{Entra: em.entra, AccessKey: key, Clock: em.clock})
	// One ACS resource: the switchboard shares the identity service's key,
	// resource id and Entra ID, whose bearer tokens both accept (Entra
	// auth to ACS, as DefaultAzureCredential does it). A party nobody
	// scripted — a phone number, an ACS user — answers (a choice: the
	// emulator cannot know who exists beyond its own users).
	unknown := answers
	em.sb = callfake.New(&callfake.Options{
		Clock: em.clock, AccessKey: cfg.accessKey, ResourceID: em.acs.ResourceID(), Entra: em.entra,
		CallerIDs: cfg.seed.PhoneNumbers, RingTimeout: cfg.ringTimeout, Unknown: &unknown, EventGridURL: cfg.eventGridURL,
	})
	em.graph = chatfake.New(&chatfake.Options{Entra: em.entra, Clock: em.clock})
	for _, st := range cfg.seed.Tenants {
		t, err := em.addTenant(st.Name)
		if err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
		for _, name := range st.Users {
			if _, err := em.addUser(t.ID, name); err != nil {
				return nil, fmt.Errorf("seed: %w", err)
			}
		}
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

// addTenant adds an Entra tenant (and Graph's view of it).
func (em *emulator) addTenant(name string) (fake.Tenant, error) {
	if strings.TrimSpace(name) == "" {
		return fake.Tenant{}, errors.New("a tenant has no name")
	}
	t := em.entra.AddTenant(name)
	em.mu.Lock()
	em.tenants = append(em.tenants, &tenant{Tenant: t})
	em.mu.Unlock()
	return t, nil
}

// findTenant finds a tenant by id, name or domain.
func (em *emulator) findTenant(ref string) (*tenant, bool) {
	em.mu.Lock()
	defer em.mu.Unlock()
	for _, t := range em.tenants {
		if t.ID == ref || strings.EqualFold(t.Name, ref) || strings.EqualFold(t.Domain, ref) {
			return t, true
		}
	}
	return nil, false
}

// addUser adds a Teams user to a tenant (by id, name or domain): an Entra
// user, a Graph user, and a Teams client that answers; Available.
func (em *emulator) addUser(tenantRef, displayName string) (*user, error) {
	t, ok := em.findTenant(tenantRef)
	if !ok {
		return nil, fmt.Errorf("no tenant %q", tenantRef)
	}
	if strings.TrimSpace(displayName) == "" {
		return nil, errors.New("a user has no display name")
	}
	tu := em.entra.AddUser(t.ID, displayName)
	if err := em.graph.ImportUser(chatfake.User{ID: tu.ObjectID, TenantID: tu.TenantID, DisplayName: tu.DisplayName, UPN: tu.UPN}); err != nil {
		return nil, err
	}
	u := &user{TestUser: tu, script: answers, busyOnBusy: em.cfg.busyOnBusy}
	em.sb.AddTeamsUser(tu.ObjectID, answers)
	em.mu.Lock()
	t.users = append(t.users, u)
	em.users[u.ObjectID] = u
	em.mu.Unlock()
	em.setPresence(u, chat.Presence{Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable})
	return u, nil
}

// findUser finds a user by object id, UPN or "8:orgid:" raw id.
func (em *emulator) findUser(ref string) (*user, bool) {
	ref = strings.TrimPrefix(ref, "8:orgid:")
	em.mu.Lock()
	defer em.mu.Unlock()
	if u, ok := em.users[ref]; ok {
		return u, true
	}
	for _, u := range em.users {
		if strings.EqualFold(u.UPN, ref) {
			return u, true
		}
	}
	return nil, false
}

// setPresence sets a user's Teams presence: what Graph reports, and
// whether their Teams client rings when Call Automation calls them.
func (em *emulator) setPresence(u *user, p chat.Presence) {
	em.graph.SetPresence(u.ObjectID, p)
	em.mu.Lock()
	u.presence = p
	p.UserID = u.ObjectID
	a := reachability(p, u.busyOnBusy)
	em.mu.Unlock()
	em.sb.SetAvailability(u.ObjectID, a)
}

// setBusyOnBusy sets a user's calling policy BusyOnBusyEnabledType:
// Enabled (true) or Disabled (false, the Global policy's default).
func (em *emulator) setBusyOnBusy(u *user, on bool) {
	em.mu.Lock()
	u.busyOnBusy = on
	a := reachability(u.presence, on)
	em.mu.Unlock()
	em.sb.SetAvailability(u.ObjectID, a)
}

// reachability is what a call to a Teams user meets, given their presence
// and calling policy:
//
//   - "Users receive calls in all presence states except for Do not
//     disturb, in which incoming calls go to voicemail"
//     (https://learn.microsoft.com/microsoftteams/presence-admins): a user
//     in DoNotDisturb (Presenting, Focusing) is not rung — the call fails
//     as unavailable (SIP 480); voicemail is not modelled (a choice), nor is
//     priority access. Offline (and PresenceUnknown) is treated the same:
//     no client is signed in to ring (a choice; the page is silent).
//   - Busy rings as any other state, unless the user's Teams calling policy
//     has BusyOnBusyEnabledType Enabled, which rejects "new or incoming
//     calls … with a busy signal" when the user "is already in a call or
//     conference or has a call placed on hold"
//     (https://learn.microsoft.com/powershell/module/teams/set-csteamscallingpolicy);
//     the Global policy's default is Disabled. So with busy-on-busy a user
//     whose activity is InACall or InAConferenceCall refuses as busy (SIP
//     486); a Busy user in a meeting (InAMeeting) or merely Busy still rings
//     (a choice: the policy speaks of calls and conferences; Graph has no
//     activity for a call on hold).
//   - Otherwise the user's client rings and acts as scripted.
func reachability(p chat.Presence, busyOnBusy bool) callfake.Availability {
	switch p.Availability {
	case chat.AvailabilityDoNotDisturb:
		return callfake.DoNotDisturb
	case chat.AvailabilityOffline, chat.AvailabilityPresenceUnknown:
		return callfake.Offline
	}
	if busyOnBusy {
		switch p.Activity {
		case chat.ActivityInACall, chat.ActivityInAConferenceCall:
			return callfake.Busy
		}
	}
	return callfake.Available
}

// party reads a party as the control API names it: a phone number
// ("+14255550123"), a raw id ("8:acs:…", "8:orgid:…"), or a user of the
// emulator by object id or UPN.
func (em *emulator) party(ref string) (identity.Identifier, error) {
	switch {
	case strings.HasPrefix(ref, "+"):
		if !callwire.IsE164(ref) {
			return nil, fmt.Errorf("%q is not a phone number in E.164 form (+14255550123)", ref)
		}
		return identity.PhoneNumberIdentifier{PhoneNumber: ref}, nil
	case strings.HasPrefix(ref, "8:orgid:"):
		if u, ok := em.findUser(ref); ok {
			return identity.MicrosoftTeamsUserIdentifier{UserID: u.ObjectID}, nil
		}
	case strings.HasPrefix(ref, "8:") || strings.HasPrefix(ref, "4:"):
		return identity.ParseRawID(ref), nil
	}
	if u, ok := em.findUser(ref); ok {
		return identity.MicrosoftTeamsUserIdentifier{UserID: u.ObjectID}, nil
	}
	return nil, fmt.Errorf("no party %q: give a phone number (+14255550123), a raw id (8:acs:…) or a user's object id or UPN", ref)
}

// setScript says how a party acts when called, invited or transferred to
// (for a Teams user: once their client rings, which presence decides).
func (em *emulator) setScript(id identity.Identifier, s callfake.Script) {
	em.sb.AddParty(id, s)
	em.mu.Lock()
	defer em.mu.Unlock()
	if t, ok := id.(identity.MicrosoftTeamsUserIdentifier); ok {
		if u, ok := em.users[t.UserID]; ok {
			u.script = s
			return
		}
	}
	em.scripts[id.RawID()] = scripted{id: id, script: s}
}

// nameOf is a party's display name, as far as the emulator knows it.
func (em *emulator) nameOf(id identity.Identifier) string {
	switch v := id.(type) {
	case nil:
		return ""
	case identity.MicrosoftTeamsUserIdentifier:
		em.mu.Lock()
		defer em.mu.Unlock()
		if u, ok := em.users[v.UserID]; ok {
			return u.DisplayName
		}
	case identity.PhoneNumberIdentifier:
		return v.PhoneNumber
	case identity.CommunicationUserIdentifier:
		if identity.Equal(v, em.sb.ApplicationID()) {
			return "the application"
		}
	}
	return ""
}

// eventGridURL returns where incoming calls go: url, or the emulator's.
func (em *emulator) eventGridURL(url string) string {
	if url != "" {
		return url
	}
	em.mu.Lock()
	defer em.mu.Unlock()
	return em.grid
}

// setEventGridURL makes url the Event Grid subscription of incoming calls,
// after the validation handshake (Event Grid validates a webhook when the
// subscription is created).
func (em *emulator) setEventGridURL(ctx context.Context, url string) error {
	if err := em.validateEventGrid(ctx, url); err != nil {
		return err
	}
	em.mu.Lock()
	em.grid = url
	em.mu.Unlock()
	return nil
}

// validateEventGrid runs Event Grid's validation handshake with url, once:
// a URL that passed it is not asked again.
func (em *emulator) validateEventGrid(ctx context.Context, url string) error {
	em.mu.Lock()
	done := em.validGrd[url]
	em.mu.Unlock()
	if done {
		return nil
	}
	if err := em.sb.ValidateEventGridSubscription(ctx, url); err != nil {
		return err
	}
	em.mu.Lock()
	em.validGrd[url] = true
	em.mu.Unlock()
	return nil
}

// incomingCall validates the Event Grid URL (once) and announces a call
// from one party to another there.
func (em *emulator) incomingCall(ctx context.Context, from, to identity.Identifier, url string, o callfake.IncomingCallOptions) (callfake.IncomingCall, error) {
	url = em.eventGridURL(url)
	if url == "" {
		return callfake.IncomingCall{}, errNoEventGrid
	}
	if err := em.validateEventGrid(ctx, url); err != nil {
		return callfake.IncomingCall{}, err
	}
	o.EventGridURL = url
	return em.sb.IncomingCall(ctx, from, to, &o)
}

var errNoEventGrid = errors.New("no Event Grid subscription: start the emulator with -event-grid-url, PUT /api/event-grid, or give eventGridUrl")

// start serves the three faces and the control API, each on its port,
// until ctx ends or close, and fills in the ready line.
func (em *emulator) start(ctx context.Context) error {
	entraURL, err := em.serve(ctx, em.cfg.host, em.cfg.entraPort, em.entra.Handler(), 0)
	if err != nil {
		return err
	}
	acsMux := http.NewServeMux()
	acsMux.Handle("/calling/", em.sb.Handler())
	acsMux.Handle("/", em.acs.Handler())
	acsURL, err := em.serve(ctx, em.cfg.host, em.cfg.acsPort, acsMux, 0)
	if err != nil {
		return err
	}
	graphURL, err := em.serve(ctx, em.cfg.host, em.cfg.graphPort, em.graph.Handler(), 8<<20) // messages with inline images
	if err != nil {
		return err
	}
	// The control API is test-only: loopback, whatever -host says.
	control := em.controlHandler()
	if em.wrapControl != nil {
		control = em.wrapControl(control)
	}
	controlURL, err := em.serve(ctx, loopback(em.cfg.host), em.cfg.controlPort, control, 0)
	if err != nil {
		return err
	}
	r := &em.ready
	r.Entra, r.ACS, r.Graph, r.Control = entraURL, acsURL, graphURL+"/v1.0", controlURL
	r.Dashboard, r.TokenEndpoint = controlURL+"/", controlURL+"/api/token"
	r.ACSConnectionString = em.acs.ConnectionString(acsURL)
	r.ACSResourceID = em.acs.ResourceID()
	r.Callbacks = ReadyCallbacks{
		Issuer: callfake.Issuer, Audience: em.sb.ResourceID(),
		OpenIDConfiguration: acsURL + callfake.PathOpenIDConfiguration, JWKS: acsURL + callfake.PathCallbackKeys,
	}
	r.EventGridURL = em.cfg.eventGridURL
	r.PhoneNumbers = em.sb.CallerIDs()
	em.mu.Lock()
	defer em.mu.Unlock()
	for _, t := range em.tenants {
		rt := ReadyTenant{ID: t.ID, Name: t.Name, Domain: t.Domain,
			OpenIDConfiguration: entraURL + "/" + t.ID + "/v2.0/.well-known/openid-configuration"}
		for _, u := range t.users {
			rt.Users = append(rt.Users, ReadyUser{ObjectID: u.ObjectID, UPN: u.UPN, DisplayName: u.DisplayName, TeamsUserID: "8:orgid:" + u.ObjectID})
		}
		r.Tenants = append(r.Tenants, rt)
	}
	return nil
}

// loopback is host if it is a loopback address, and 127.0.0.1 otherwise.
func loopback(host string) string {
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil && ip.IsLoopback() || host == "localhost" {
		return host
	}
	return "127.0.0.1"
}

// serve listens on host and port and serves h until ctx ends or close; it
// returns the base URL (https with TLS). Every server sheds slow and idle
// clients (the shared timeouts and limits); maxBody bounds request bodies
// (zero: the default).
func (em *emulator) serve(ctx context.Context, host string, port int, h http.Handler, maxBody int64) (string, error) {
	srv := httpserver.New(net.JoinHostPort(host, strconv.Itoa(port)), h, &httpserver.Options{MaxBodyBytes: maxBody, TLSConfig: em.tls})
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
