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
//	ACS_RESOURCE_ID        the resource's immutable id (the callbacks' audience)
//	PUBLIC_BASE_URL        the https URL at which this process is reachable
//	                       (Event Grid subscription: PUBLIC_BASE_URL/eventgrid?secret=EVENTGRID_SECRET)
//	EVENTGRID_SECRET       the secret in that subscription's URL
//	EXPERTS                comma-separated Entra object ids of the experts' Teams accounts
//	LISTEN                 the address to listen on (default 127.0.0.1:8080, loopback:
//	                       PUBLIC_BASE_URL is a TLS-terminating proxy or tunnel in front)
//
//	PRESENCE_CLIENT_ID     optional: a public client app with the delegated Graph
//	PRESENCE_TENANT_ID     permission Presence.Read.All; the reception's Teams
//	                       account signs in with a device code, and experts who
//	                       are not free in Teams are skipped
//
// Without PRESENCE_CLIENT_ID every expert is tried in order.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	chatfake "github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/httpserver"
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

	mu     sync.Mutex
	routes map[string]*route // by operation context
}

type route struct {
	outcome Outcome
	callID  string
	next    []Expert
	ended   bool
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
	rt := &route{outcome: Outcome{Caller: call.From.RawID()}}
	var free []bool
	if r.Presence != nil {
		var err error
		if free, err = r.Presence(ctx, r.Experts); err != nil {
			r.Log("presence unknown, trying every expert: %v", err)
			free = nil
		}
	}
	for i, e := range r.Experts {
		if free == nil || (i < len(free) && free[i]) {
			rt.next = append(rt.next, e)
		} else {
			rt.outcome.Tried = append(rt.outcome.Tried, e.Name+" (not available)")
		}
	}
	r.mu.Lock()
	if r.routes == nil {
		r.routes = map[string]*route{}
	}
	r.routes[opCtx] = rt
	r.mu.Unlock()
	r.Log("incoming call from %s", call.From.RawID())
	ans, err := r.Calls.AnswerCall(ctx, call.IncomingCallContext, r.CallbackURL, &calling.AnswerCallOptions{OperationContext: opCtx})
	if err != nil {
		r.finish(opCtx, "answer failed: "+err.Error())
		return
	}
	r.mu.Lock()
	rt.callID = ans.CallConnectionID
	r.mu.Unlock()
}

// Handle follows the answered calls' events; it is the callback handler's
// OnEvent hook.
func (r *Receptionist) Handle(ctx context.Context, ev calling.Event) {
	info := ev.Info()
	r.mu.Lock()
	rt := r.routes[info.OperationContext]
	if rt != nil && rt.callID == "" {
		rt.callID = info.CallConnectionID
	}
	r.mu.Unlock()
	if rt == nil {
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
		r.mu.Lock()
		if n := len(rt.outcome.Tried); n > 0 {
			rt.outcome.Tried[n-1] += " (" + reason + ")"
		}
		r.mu.Unlock()
		r.transferNext(ctx, info.OperationContext, info.CallConnectionID)
	case *calling.CallTransferAccepted:
		r.mu.Lock()
		rt.outcome.RoutedTo = strings.TrimSuffix(rt.outcome.Tried[len(rt.outcome.Tried)-1], " (trying)")
		rt.outcome.Tried[len(rt.outcome.Tried)-1] = rt.outcome.RoutedTo + " (accepted)"
		r.mu.Unlock()
		r.finish(info.OperationContext, "transferred")
	case *calling.CallDisconnected:
		r.finish(info.OperationContext, "caller hung up")
	}
}

func (r *Receptionist) transferNext(ctx context.Context, opCtx, callID string) {
	r.mu.Lock()
	rt := r.routes[opCtx]
	if rt == nil || rt.ended {
		r.mu.Unlock()
		return
	}
	if len(rt.next) == 0 {
		r.mu.Unlock()
		_, _ = r.Calls.TerminateCall(ctx, callID, nil)
		r.finish(opCtx, "no expert available")
		return
	}
	e := rt.next[0]
	rt.next = rt.next[1:]
	rt.outcome.Tried = append(rt.outcome.Tried, e.Name+" (trying)")
	r.mu.Unlock()
	if _, err := r.Calls.TransferToParticipant(ctx, callID, e.ID, &calling.TransferToParticipantOptions{OperationContext: opCtx}); err != nil {
		r.mu.Lock()
		rt.outcome.Tried[len(rt.outcome.Tried)-1] = e.Name + " (" + calling.ErrorCode(err) + ")"
		r.mu.Unlock()
		r.transferNext(ctx, opCtx, callID)
	}
}

func (r *Receptionist) finish(opCtx, reason string) {
	r.mu.Lock()
	rt := r.routes[opCtx]
	if rt == nil || rt.ended {
		r.mu.Unlock()
		return
	}
	rt.ended = true
	rt.outcome.Reason = reason
	for i, t := range rt.outcome.Tried {
		rt.outcome.Tried[i] = strings.Replace(t, " (trying)", "", 1)
	}
	o := rt.outcome
	delete(r.routes, opCtx)
	r.mu.Unlock()
	if r.Done != nil {
		r.Done(o)
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if os.Getenv("ACS_CONNECTION_STRING") != "" {
		err = runAzure(ctx)
	} else {
		err = runOffline(ctx, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "receptionist:", err)
		os.Exit(1)
	}
}

// runOffline plays a morning at the reception against the switchboard.
func runOffline(ctx context.Context, out io.Writer) error {
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
	h, err := calling.NewCallbackHandler(calling.CallbackHandlerOptions{
		CallbackAuthOptions: calling.CallbackAuthOptions{
			Audience:               sb.ResourceID(),
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
		Log:  func(string, ...any) {},
		Done: func(o Outcome) { outcomes <- o },
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

func runAzure(ctx context.Context) error {
	get := func(k string) string { return strings.TrimSpace(os.Getenv(k)) }
	base, secret, resource := get("PUBLIC_BASE_URL"), get("EVENTGRID_SECRET"), get("ACS_RESOURCE_ID")
	if base == "" || secret == "" || resource == "" || get("EXPERTS") == "" {
		return errors.New("set PUBLIC_BASE_URL, EVENTGRID_SECRET, ACS_RESOURCE_ID and EXPERTS (see the doc comment)")
	}
	client, err := calling.NewClientFromConnectionString(get("ACS_CONNECTION_STRING"), nil)
	if err != nil {
		return err
	}
	h, err := calling.NewCallbackHandler(calling.CallbackHandlerOptions{
		CallbackAuthOptions: calling.CallbackAuthOptions{Audience: resource},
		EventGridSecret:     secret,
	})
	if err != nil {
		return err
	}
	defer h.Close()
	var experts []Expert
	for i, oid := range strings.Split(get("EXPERTS"), ",") {
		experts = append(experts, Expert{Name: fmt.Sprintf("expert %d", i+1), ID: identity.MicrosoftTeamsUserIdentifier{UserID: strings.TrimSpace(oid)}})
	}
	var presence Presence
	if id := get("PRESENCE_CLIENT_ID"); id != "" {
		cred, err := azidentity.NewDeviceCodeCredential(&azidentity.DeviceCodeCredentialOptions{ClientID: id, TenantID: get("PRESENCE_TENANT_ID")})
		if err != nil {
			return err
		}
		graph, err := chat.NewClient(cred, &chat.ClientOptions{Scopes: []string{"https://graph.microsoft.com/Presence.Read.All"}})
		if err != nil {
			return err
		}
		presence = GraphPresence(func(ctx context.Context, ids []string) ([]chat.Presence, error) {
			resp, err := graph.GetPresences(ctx, ids, nil)
			return resp.Presences, err
		})
	}
	r := &Receptionist{
		Calls:       client,
		CallbackURL: strings.TrimSuffix(base, "/") + "/callbacks",
		Experts:     experts,
		Presence:    presence,
		Log:         func(f string, a ...any) { fmt.Printf(f+"\n", a...) },
		Done: func(o Outcome) {
			fmt.Printf("call from %s -> %q (%s); tried: %s\n", o.Caller, o.RoutedTo, o.Reason, strings.Join(o.Tried, ", "))
		},
	}
	r.Register(h)
	h.OnEvent(r.Handle)
	addr := get("LISTEN")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	srv := httpserver.New(addr, h, nil)
	ln, err := srv.Listen()
	if err != nil {
		return err
	}
	fmt.Printf("receptionist listening on %s\n", srv.URL(ln))
	return srv.Run(ctx, ln)
}
