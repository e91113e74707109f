// Command receptionist routes incoming phone calls to the first available
// expert, a Teams user: it answers each call that reaches the ACS resource's
// number, transfers it to the first expert whose presence is Available, tries
// the next one when a transfer fails, and ends the call politely when no one
// can take it.
//
// By default it runs offline: calling/fake's switchboard plays the ACS
// resource and the callers, the experts are Teams users with scripted
// behaviour (one busy, one who declines, one who answers), and their Teams
// presence is read from chat/fake's Graph on loopback with the real client. Events arrive as
// real HTTP deliveries: Event Grid's IncomingCall to a webhook that checks a
// shared secret, and Call Automation callbacks whose RS256 tokens are checked
// against the resource's published keys.
//
// Against Azure, set:
//
//	ACS_CONNECTION_STRING  the ACS resource's connection string
//	ACS_RESOURCE_ID        the resource's immutable resource id, a GUID (the callbacks'
//	                       audience; "Immutable Resource ID" in the resource's JSON view)
//	PUBLIC_BASE_URL        the https URL at which this process is reachable
//	                       (Event Grid subscription: PUBLIC_BASE_URL/eventgrid?secret=EVENTGRID_SECRET)
//	EVENTGRID_SECRET       the secret in that subscription's URL
//	EXPERTS                comma-separated Entra object ids (GUIDs) of the experts' Teams accounts
//	LISTEN                 the address to listen on (default 127.0.0.1:8080, loopback:
//	                       PUBLIC_BASE_URL is a TLS-terminating proxy or tunnel in front;
//	                       -addr wins)
//
//	PRESENCE_CLIENT_ID     optional: a public client app with the delegated Graph
//	PRESENCE_TENANT_ID     permission Presence.Read.All, and the tenant of the
//	                       reception's Teams account (its id or a verified domain);
//	                       that account signs in with a device code at start-up,
//	                       before any call is taken, and experts who are not free
//	                       in Teams are skipped
//
// With -redis host:port the replicas of the receptionist, behind one
// PUBLIC_BASE_URL, share the state of the calls they route on that Redis
// (teamsuser/redisstore): a call's events may reach any replica, and each
// is acted on once. REDIS_PASSWORD, REDIS_USERNAME, REDIS_TLS and
// REDIS_PREFIX come from the environment (see the README's "Running many
// replicas").
//
// Without PRESENCE_CLIENT_ID every expert is tried in order. The
// configuration is checked at start-up: a wrong value ends the process with
// exit status 2 and says which. Each remote call made while a call rings (the
// presence read, answer, transfer, hang-up) has a deadline (DefaultTimeout),
// and refused callbacks and failed handlers are logged.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	chatfake "github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/examples/internal/redisflag"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/httpserver"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// Expert is a Teams user who takes calls.
type Expert struct {
	Name string
	ID   identity.MicrosoftTeamsUserIdentifier
}

// Presence tells which experts can take a call now, in their order, from
// one read of all their presences.
type Presence func(ctx context.Context, experts []Expert) (free []bool, err error)

// GraphPresence reads the experts' Teams presence from Microsoft Graph in
// one request (getPresencesByUserId, as chat.Client.GetPresences and
// teamsuser.User.Presences do): an expert is free when Presence.IsFree says
// so (available, in no call or meeting, not out of office).
func GraphPresence(read func(ctx context.Context, userIDs []string) ([]chat.Presence, error)) Presence {
	return func(ctx context.Context, experts []Expert) ([]bool, error) {
		ids := make([]string, len(experts))
		for i, e := range experts {
			ids[i] = e.ID.UserID
		}
		ps, err := read(ctx, ids)
		if err != nil {
			return nil, err
		}
		byID := make(map[string]bool, len(ps))
		for _, p := range ps {
			byID[strings.ToLower(p.UserID)] = p.IsFree()
		}
		free := make([]bool, len(experts))
		for i, id := range ids {
			free[i] = byID[strings.ToLower(id)]
		}
		return free, nil
	}
}

// Outcome is what became of one incoming call.
type Outcome struct {
	Caller   string
	RoutedTo string // the expert's name; empty when no one took the call
	Tried    []string
	Reason   string
}

// Receptionist answers incoming calls and transfers them to experts.
type Receptionist struct {
	Calls       calling.Service
	CallbackURL string
	Experts     []Expert
	Presence    Presence
	Log         func(format string, args ...any)
	Done        func(Outcome)
	// Timeout bounds each remote call made while a call rings or is
	// routed (the presence read, answer, transfer, hang-up); zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Routes keeps the state of each call being routed where every
	// replica of the receptionist finds it: a call's events may reach any
	// replica. nil means this process's memory (one replica);
	// teamsuser/redisstore's Calls() is one on Redis (-redis).
	Routes calling.VersionedStore

	once   sync.Once
	routes calling.VersionedStore
}

// route is what the receptionist knows of a call it routes, stored as
// JSON under the call's operation context and changed by compare-and-set,
// so two replicas that get two of its events at once cannot both act on
// one state.
type route struct {
	Outcome Outcome
	CallID  string
	Next    []Expert
	Ended   bool
}

// routeTTL bounds how long a route is kept: a call is routed in minutes.
const routeTTL = time.Hour

// DefaultTimeout bounds each remote call of a Receptionist: an incoming
// call rings for a limited time, and one hung presence read or answer must
// not use it up. A choice: well within the ring time of a call.
const DefaultTimeout = 5 * time.Second

// bound returns ctx with the deadline of one remote call.
func (r *Receptionist) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	d := r.Timeout
	if d <= 0 {
		d = DefaultTimeout
	}
	return context.WithTimeout(ctx, d)
}

func (r *Receptionist) store() calling.VersionedStore {
	r.once.Do(func() {
		r.routes = r.Routes
		if r.routes == nil {
			r.routes = &memoryRoutes{m: map[string]memoryRoute{}}
		}
	})
	return r.routes
}

// update applies fn to the route of opCtx and stores it when fn reports a
// change, trying again when another replica changed it meanwhile. found is
// false when there is no such route.
func (r *Receptionist) update(ctx context.Context, opCtx string, fn func(*route) bool) (rt route, found, changed bool, err error) {
	for range 32 {
		b, version, err := r.store().Load(ctx, opCtx)
		if err != nil || b == nil {
			return route{}, false, false, err
		}
		rt = route{}
		if err := json.Unmarshal(b, &rt); err != nil {
			return route{}, false, false, err
		}
		if !fn(&rt) {
			return rt, true, false, nil
		}
		nb, err := json.Marshal(rt)
		if err != nil {
			return route{}, false, false, err
		}
		ok, err := r.store().CompareAndSwap(ctx, opCtx, version, nb, routeTTL)
		if err != nil {
			return route{}, false, false, err
		}
		if ok {
			return rt, true, true, nil
		}
	}
	return route{}, false, false, errors.New("too many concurrent changes of one route")
}

// fail logs a failure of the route store: the call's routing stops there.
func (r *Receptionist) fail(opCtx string, err error) {
	if err != nil {
		r.Log("route %s: %v", opCtx, err)
	}
}

// Register hooks the receptionist into a callback handler.
func (r *Receptionist) Register(h *calling.CallbackHandler) {
	h.OnIncomingCall(r.incoming)
}

func (r *Receptionist) incoming(ctx context.Context, call *calling.IncomingCall) {
	if _, ok := call.From.(identity.PhoneNumberIdentifier); !ok {
		return // only phone calls come to the reception
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	opCtx := "reception-" + hex.EncodeToString(b[:])
	rt := route{Outcome: Outcome{Caller: call.From.RawID()}}
	var free []bool
	if r.Presence != nil {
		pctx, cancel := r.bound(ctx)
		var err error
		free, err = r.Presence(pctx, r.Experts)
		cancel()
		if err != nil {
			r.Log("presence unknown, trying every expert: %v", err)
			free = nil
		}
	}
	for i, e := range r.Experts {
		if free == nil || (i < len(free) && free[i]) {
			rt.Next = append(rt.Next, e)
		} else {
			rt.Outcome.Tried = append(rt.Outcome.Tried, e.Name+" (not available)")
		}
	}
	nb, err := json.Marshal(rt)
	if err == nil {
		_, err = r.store().CompareAndSwap(ctx, opCtx, "", nb, routeTTL)
	}
	if err != nil {
		r.fail(opCtx, err) // not answered: the call rings on elsewhere
		return
	}
	r.Log("incoming call from %s", call.From.RawID())
	actx, cancel := r.bound(ctx)
	defer cancel()
	ans, err := r.Calls.AnswerCall(actx, call.IncomingCallContext, r.CallbackURL, &calling.AnswerCallOptions{OperationContext: opCtx})
	if err != nil {
		r.finish(ctx, opCtx, "answer failed: "+err.Error())
		return
	}
	_, _, _, err = r.update(ctx, opCtx, func(rt *route) bool {
		if rt.CallID != "" {
			return false
		}
		rt.CallID = ans.CallConnectionID
		return true
	})
	r.fail(opCtx, err)
}

// Handle follows the answered calls' events, on whichever replica they
// arrive; it is the callback handler's OnEvent hook.
func (r *Receptionist) Handle(ctx context.Context, ev calling.Event) {
	info := ev.Info()
	if !strings.HasPrefix(info.OperationContext, "reception-") {
		return
	}
	_, found, _, err := r.update(ctx, info.OperationContext, func(rt *route) bool {
		if rt.CallID != "" {
			return false
		}
		rt.CallID = info.CallConnectionID
		return true
	})
	if err != nil || !found {
		r.fail(info.OperationContext, err)
		return
	}
	switch ev.(type) {
	case *calling.CallConnected:
		r.transferNext(ctx, info.OperationContext, info.CallConnectionID)
	case *calling.CallTransferFailed:
		reason := "failed"
		if ri := info.ResultInformation; ri != nil {
			reason = fmt.Sprintf("%d/%d %s", ri.Code, ri.SubCode, ri.Message)
		}
		_, _, _, err := r.update(ctx, info.OperationContext, func(rt *route) bool {
			n := len(rt.Outcome.Tried)
			if n == 0 || !strings.HasSuffix(rt.Outcome.Tried[n-1], " (trying)") {
				return false // this failure was noted already
			}
			rt.Outcome.Tried[n-1] = strings.TrimSuffix(rt.Outcome.Tried[n-1], " (trying)") + " (" + reason + ")"
			return true
		})
		if err != nil {
			r.fail(info.OperationContext, err)
			return
		}
		r.transferNext(ctx, info.OperationContext, info.CallConnectionID)
	case *calling.CallTransferAccepted:
		_, _, _, err := r.update(ctx, info.OperationContext, func(rt *route) bool {
			n := len(rt.Outcome.Tried)
			if n == 0 || rt.Outcome.RoutedTo != "" {
				return false
			}
			rt.Outcome.RoutedTo = strings.TrimSuffix(rt.Outcome.Tried[n-1], " (trying)")
			rt.Outcome.Tried[n-1] = rt.Outcome.RoutedTo + " (accepted)"
			return true
		})
		r.fail(info.OperationContext, err)
		r.finish(ctx, info.OperationContext, "transferred")
	case *calling.CallDisconnected:
		r.finish(ctx, info.OperationContext, "caller hung up")
	}
}

func (r *Receptionist) transferNext(ctx context.Context, opCtx, callID string) {
	var e Expert
	var none bool
	_, found, changed, err := r.update(ctx, opCtx, func(rt *route) bool {
		n := len(rt.Outcome.Tried)
		if rt.Ended || (n > 0 && strings.HasSuffix(rt.Outcome.Tried[n-1], " (trying)")) {
			return false // over, or a transfer is under way
		}
		if len(rt.Next) == 0 {
			none = true
			return false
		}
		e = rt.Next[0]
		rt.Next = rt.Next[1:]
		rt.Outcome.Tried = append(rt.Outcome.Tried, e.Name+" (trying)")
		return true
	})
	switch {
	case err != nil:
		r.fail(opCtx, err)
		return
	case !found:
		return
	case none:
		tctx, cancel := r.bound(ctx)
		_, _ = r.Calls.TerminateCall(tctx, callID, nil)
		cancel()
		r.finish(ctx, opCtx, "no expert available")
		return
	case !changed:
		return
	}
	tctx, cancel := r.bound(ctx)
	_, err = r.Calls.TransferToParticipant(tctx, callID, e.ID, &calling.TransferToParticipantOptions{OperationContext: opCtx})
	cancel()
	if err != nil {
		_, _, _, uerr := r.update(ctx, opCtx, func(rt *route) bool {
			rt.Outcome.Tried[len(rt.Outcome.Tried)-1] = e.Name + " (" + calling.ErrorCode(err) + ")"
			return true
		})
		if uerr != nil {
			r.fail(opCtx, uerr)
			return
		}
		r.transferNext(ctx, opCtx, callID)
	}
}

// finish ends a route once, on whichever replica gets there first, and
// hands its outcome to Done.
func (r *Receptionist) finish(ctx context.Context, opCtx, reason string) {
	rt, _, changed, err := r.update(ctx, opCtx, func(rt *route) bool {
		if rt.Ended {
			return false
		}
		rt.Ended = true
		rt.Outcome.Reason = reason
		for i, t := range rt.Outcome.Tried {
			rt.Outcome.Tried[i] = strings.Replace(t, " (trying)", "", 1)
		}
		return true
	})
	if err != nil {
		r.fail(opCtx, err)
		return
	}
	if changed && r.Done != nil {
		r.Done(rt.Outcome)
	}
}

// memoryRoutes is the route store of one replica.
type memoryRoutes struct {
	mu sync.Mutex
	n  int
	m  map[string]memoryRoute
}

type memoryRoute struct {
	value   []byte
	version string
	end     time.Time
}

func (s *memoryRoutes) Load(_ context.Context, key string) ([]byte, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[key]
	if !ok || time.Now().After(e.end) {
		return nil, "", nil
	}
	return e.value, e.version, nil
}

func (s *memoryRoutes) CompareAndSwap(_ context.Context, key, version string, value []byte, ttl time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for k, e := range s.m { // few routes: drop the old ones
		if now.After(e.end) {
			delete(s.m, k)
		}
	}
	if s.m[key].version != version {
		return false, nil
	}
	s.n++
	s.m[key] = memoryRoute{value: value, version: strconv.Itoa(s.n), end: now.Add(ttl)}
	return true, nil
}

func main() {
	addr := flag.String("addr", "", "Azure: the address to listen on (default $LISTEN, else 127.0.0.1:8080)")
	redisAddr := flag.String("redis", "", "host:port of a Redis the replicas share the calls' routes on (REDIS_PASSWORD, REDIS_USERNAME, REDIS_TLS, REDIS_PREFIX from the environment)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var routes calling.VersionedStore // nil: this process's memory
	if *redisAddr != "" {
		store, closeStore, err := redisflag.Open(ctx, *redisAddr, os.Getenv)
		if err != nil {
			fmt.Fprintln(os.Stderr, "receptionist:", err)
			os.Exit(2)
		}
		defer closeStore()
		routes = store.Calls()
	}
	if os.Getenv("ACS_CONNECTION_STRING") == "" {
		if err := runOffline(ctx, os.Stdout, routes); err != nil {
			fmt.Fprintln(os.Stderr, "receptionist:", err)
			os.Exit(1)
		}
		return
	}
	cfg, err := loadAzureConfig(os.Getenv, *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "receptionist:", err)
		os.Exit(2)
	}
	logf := func(f string, a ...any) { fmt.Printf(f+"\n", a...) }
	cfg.routes = routes
	if err := runAzure(ctx, cfg, deviceCodeSignIn, logf); err != nil {
		fmt.Fprintln(os.Stderr, "receptionist:", err)
		os.Exit(1)
	}
}

// runOffline plays a morning at the reception against the switchboard,
// keeping the routes in routes (nil: memory).
func runOffline(ctx context.Context, out io.Writer, routes calling.VersionedStore) error {
	const resourceNumber = "+18005550100"
	secret := "offline-eventgrid-secret"

	// The receptionist's HTTP endpoint exists before the switchboard, which
	// needs its URL; the handler is put in place once both are known.
	var handler http.Handler = http.NotFoundHandler()
	var hmu sync.RWMutex
	web := httpserver.NewTestServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		hmu.RLock()
		h := handler
		hmu.RUnlock()
		h.ServeHTTP(w, req)
	}), nil)
	defer web.Close()

	sb := callfake.New(&callfake.Options{
		EventGridURL: web.URL + "/eventgrid?secret=" + secret,
		CallerIDs:    []string{resourceNumber},
	})
	defer sb.Close()
	acs := sb.NewServer()
	defer acs.Close()
	sb.AddPhoneNumber(resourceNumber, callfake.Answers())

	experts := []Expert{
		{Name: "Adele Vance", ID: sb.AddTeamsUser("5c1d3f47-0f2a-4d39-9d0b-6b4f8e7a1c01", callfake.Answers())},
		{Name: "Alex Wilber", ID: sb.AddTeamsUser("5c1d3f47-0f2a-4d39-9d0b-6b4f8e7a1c02", callfake.Rejects())},
		{Name: "Megan Bowen", ID: sb.AddTeamsUser("5c1d3f47-0f2a-4d39-9d0b-6b4f8e7a1c03", callfake.Answers())},
	}
	// Presence comes from Graph (chat/fake on loopback, read by the real
	// chat client as the reception's own Teams account); the switchboard's
	// availability follows it, so a busy expert is also refused by Teams.
	graph := chatfake.New(nil)
	defer graph.Close()
	tenant := graph.AddTenant("Fabrikam")
	reception := graph.AddUser(tenant.ID, "Reception Desk")
	for _, e := range experts {
		if err := graph.ImportUser(chatfake.User{ID: e.ID.UserID, TenantID: tenant.ID, DisplayName: e.Name}); err != nil {
			return err
		}
	}
	graphSrv := graph.NewServer()
	defer graphSrv.Close()
	presenceClient, err := chat.NewClient(graph.CredentialFor(reception.ID),
		&chat.ClientOptions{BaseURL: graphSrv.URL + "/v1.0", UserID: reception.ID})
	if err != nil {
		return err
	}
	setPresence := func(e Expert, a callfake.Availability) {
		p := chat.Presence{Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable}
		if a == callfake.Busy {
			p = chat.Presence{Availability: chat.AvailabilityBusy, Activity: chat.ActivityInACall}
		}
		graph.SetPresence(e.ID.UserID, p)
		sb.SetAvailability(e.ID.UserID, a)
	}
	for _, e := range experts {
		setPresence(e, callfake.Available)
	}
	setPresence(experts[0], callfake.Busy)

	client, err := calling.NewClientFromConnectionString(sb.ConnectionString(acs.URL),
		&calling.ClientOptions{ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}})
	if err != nil {
		return err
	}
	h, err := calling.NewCallbackHandler(sb.ResourceID(), &calling.CallbackHandlerOptions{
		CallbackAuthOptions: calling.CallbackAuthOptions{
			OpenIDConfigurationURL: acs.URL + callfake.PathOpenIDConfiguration,
		},
		EventGridSecret: secret,
	})
	if err != nil {
		return err
	}
	defer h.Close()
	outcomes := make(chan Outcome, 4)
	r := &Receptionist{
		Calls:       client,
		CallbackURL: web.URL + "/callbacks",
		Experts:     experts,
		Presence: GraphPresence(func(ctx context.Context, ids []string) ([]chat.Presence, error) {
			resp, err := presenceClient.GetPresences(ctx, ids, nil)
			return resp.Presences, err
		}),
		Log:    func(string, ...any) {},
		Done:   func(o Outcome) { outcomes <- o },
		Routes: routes,
	}
	r.Register(h)
	h.OnEvent(r.Handle)
	hmu.Lock()
	handler = h
	hmu.Unlock()
	fmt.Fprintf(out, "reception open at %s; experts: %s (busy), %s, %s\n", resourceNumber, experts[0].Name, experts[1].Name, experts[2].Name)

	to := identity.PhoneNumberIdentifier{PhoneNumber: resourceNumber}
	callers := []string{"+14255550101", "+14255550102"}
	for i, caller := range callers {
		if i == 1 {
			// Megan is in the first call now.
			setPresence(experts[2], callfake.Busy)
		}
		if _, err := sb.IncomingCall(ctx, identity.PhoneNumberIdentifier{PhoneNumber: caller}, to, nil); err != nil {
			return err
		}
		select {
		case o := <-outcomes:
			routed := o.RoutedTo
			if routed == "" {
				routed = "no one"
			}
			fmt.Fprintf(out, "call from %s -> %s (%s); tried: %s\n", strings.TrimPrefix(o.Caller, "4:"), routed, o.Reason, strings.Join(o.Tried, ", "))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(30 * time.Second):
			return errors.New("a call was not routed within 30 s")
		}
	}
	return nil
}

// azureConfig is the Azure mode's configuration, checked at start-up so
// that a wrong value is found before the first call rings, not by it.
type azureConfig struct {
	connectionString string
	resourceID       string // the ACS resource's immutable id: the callbacks' audience
	callbackURL      string // PUBLIC_BASE_URL + "/callbacks"
	eventGridSecret  string
	experts          []Expert
	presenceClientID string // empty: no presence
	presenceTenantID string
	addr             string
	routes           calling.VersionedStore // -redis; nil: memory
}

// tenantRE is a tenant as Entra ID names it: its id, or a verified domain.
var tenantRE = regexp.MustCompile(`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$`)

// loadAzureConfig reads and checks the environment (see the package
// documentation); addr, the -addr flag, wins over LISTEN. Every problem is
// reported at once.
func loadAzureConfig(getenv func(string) string, addr string) (azureConfig, error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	cfg := azureConfig{
		connectionString: get("ACS_CONNECTION_STRING"),
		resourceID:       get("ACS_RESOURCE_ID"),
		eventGridSecret:  get("EVENTGRID_SECRET"),
		presenceClientID: get("PRESENCE_CLIENT_ID"),
		presenceTenantID: get("PRESENCE_TENANT_ID"),
		addr:             addr,
	}
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if _, err := calling.NewClientFromConnectionString(cfg.connectionString, nil); err != nil {
		bad("ACS_CONNECTION_STRING: %v", err)
	}
	if !uuid.IsGUID(cfg.resourceID) {
		// The callbacks' audience is the resource's immutable id (a GUID,
		// "Immutable Resource ID" in the portal's JSON view), not its ARM
		// path or name: with anything else every callback is refused.
		bad("ACS_RESOURCE_ID must be the ACS resource's immutable resource id (a GUID), not its name or ARM id")
	}
	switch base := get("PUBLIC_BASE_URL"); {
	case base == "":
		bad("PUBLIC_BASE_URL is required: the https URL at which Call Automation and Event Grid reach this process")
	default:
		u, err := url.Parse(base)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			bad("PUBLIC_BASE_URL must be an https URL without userinfo, query or fragment (Call Automation sends callbacks only to https)")
		} else {
			cfg.callbackURL = strings.TrimSuffix(base, "/") + "/callbacks"
		}
	}
	if cfg.eventGridSecret == "" {
		bad("EVENTGRID_SECRET is required (the secret of the Event Grid subscription's URL)")
	}
	if get("EXPERTS") == "" {
		bad("EXPERTS is required: comma-separated Entra object ids of the experts")
	}
	for i, oid := range strings.Split(get("EXPERTS"), ",") {
		oid = strings.TrimSpace(oid)
		if !uuid.IsGUID(oid) {
			bad("EXPERTS entry %d (%q) is not an Entra object id (a GUID)", i+1, oid)
			continue
		}
		cfg.experts = append(cfg.experts, Expert{Name: fmt.Sprintf("expert %d", i+1), ID: identity.MicrosoftTeamsUserIdentifier{UserID: oid}})
	}
	if cfg.presenceClientID != "" {
		if !uuid.IsGUID(cfg.presenceClientID) {
			bad("PRESENCE_CLIENT_ID must be the client id (a GUID) of a public client app")
		}
		if !tenantRE.MatchString(cfg.presenceTenantID) {
			bad("PRESENCE_TENANT_ID must be the reception account's tenant (its id or a verified domain) when PRESENCE_CLIENT_ID is set")
		}
	}
	if cfg.addr == "" {
		cfg.addr = get("LISTEN")
	}
	if cfg.addr == "" {
		cfg.addr = "127.0.0.1:8080"
	}
	if len(errs) > 0 {
		return azureConfig{}, fmt.Errorf("configuration (see the package documentation):\n  %w", errors.Join(errs...))
	}
	return cfg, nil
}

// presenceScopes is what the reception's account consents to.
var presenceScopes = []string{"https://graph.microsoft.com/Presence.Read.All"}

// signInFunc signs the reception's Teams account in to Microsoft Graph for
// the experts' presence; it returns nil when cfg sets no presence app.
type signInFunc func(ctx context.Context, cfg azureConfig, logf func(string, ...any)) (Presence, error)

// deviceCodeSignIn signs in with a device code, at start-up: the operator
// completes the sign-in before the receptionist takes calls, so no ringing
// call waits for it.
func deviceCodeSignIn(ctx context.Context, cfg azureConfig, logf func(string, ...any)) (Presence, error) {
	if cfg.presenceClientID == "" {
		return nil, nil
	}
	cred, err := azidentity.NewDeviceCodeCredential(&azidentity.DeviceCodeCredentialOptions{
		ClientID: cfg.presenceClientID, TenantID: cfg.presenceTenantID,
		UserPrompt: func(_ context.Context, m azidentity.DeviceCodeMessage) error {
			logf("%s", m.Message)
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	rec, err := cred.Authenticate(ctx, &policy.TokenRequestOptions{Scopes: presenceScopes})
	if err != nil {
		return nil, fmt.Errorf("signing in to Microsoft Graph for presence: %w", err)
	}
	logf("signed in to Microsoft Graph as %s for the experts' presence", rec.Username)
	graph, err := chat.NewClient(cred, &chat.ClientOptions{Scopes: presenceScopes})
	if err != nil {
		return nil, err
	}
	return GraphPresence(func(ctx context.Context, ids []string) ([]chat.Presence, error) {
		resp, err := graph.GetPresences(ctx, ids, nil)
		return resp.Presences, err
	}), nil
}

// newCallbackHandler is the handler of the callbacks and of Event Grid,
// which logs every refused request and failed handler: a wrong
// ACS_RESOURCE_ID or secret shows in the log at the first callback instead
// of as silent 401s.
func newCallbackHandler(cfg azureConfig, logf func(string, ...any)) (*calling.CallbackHandler, error) {
	return calling.NewCallbackHandler(cfg.resourceID, &calling.CallbackHandlerOptions{
		EventGridSecret: cfg.eventGridSecret,
		OnError:         func(err error) { logf("callback handler: %v", err) },
	})
}

// runAzure signs in (when presence is configured), then serves the
// callbacks and Event Grid until ctx ends.
func runAzure(ctx context.Context, cfg azureConfig, signIn signInFunc, logf func(string, ...any)) error {
	client, err := calling.NewClientFromConnectionString(cfg.connectionString, nil)
	if err != nil {
		return err
	}
	presence, err := signIn(ctx, cfg, logf)
	if err != nil {
		return err
	}
	h, err := newCallbackHandler(cfg, logf)
	if err != nil {
		return err
	}
	defer h.Close()
	r := &Receptionist{
		Calls:       client,
		CallbackURL: cfg.callbackURL,
		Experts:     cfg.experts,
		Presence:    presence,
		Routes:      cfg.routes,
		Log:         logf,
		Done: func(o Outcome) {
			logf("call from %s -> %q (%s); tried: %s", o.Caller, o.RoutedTo, o.Reason, strings.Join(o.Tried, ", "))
		},
	}
	r.Register(h)
	h.OnEvent(r.Handle)
	// Loopback by default: PUBLIC_BASE_URL is a TLS-terminating proxy or
	// tunnel in front of this process.
	srv := httpserver.New(cfg.addr, h, nil)
	ln, err := srv.Listen()
	if err != nil {
		return err
	}
	logf("receptionist listening on %s", srv.URL(ln))
	return srv.Run(ctx, ln)
}
