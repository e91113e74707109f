package fake

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/callbacktest"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/fakekit"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// Issuer is the issuer of the switchboard's signed callbacks, the one ACS
// uses for Call Automation callbacks.
const Issuer = calling.CallbackIssuer

// Options configure a Switchboard. The zero value is usable.
type Options struct {
	// Clock is the switchboard's time: ring timeouts, scripted delays, event
	// and token times. Nil means the system clock. Pass identity/fake's
	// NewClock to move time by hand: a ring timeout then fires when the test
	// advances the clock past it, never by itself.
	Clock identity.Clock
	// AccessKey is the resource's base64 access key, which the HTTP face
	// checks HMAC-SHA256 signatures with; empty means a random one
	// (Switchboard.AccessKey returns it).
	AccessKey string
	// Entra, when set, verifies the Entra ID bearer tokens that
	// authenticate requests to the HTTP face, as ACS does: signed by its
	// keys for one of its tenants, for the audience
	// https://communication.azure.com, not expired (identity/fake's
	// VerifyACSBearer; pass an *identityfake.Entra). When nil, bearer tokens
	// are refused: the fake has no keys to trust.
	Entra identityfake.TokenVerifier
	// AllowBearer, when set, decides instead of Entra whether the HTTP face
	// accepts a bearer token.
	AllowBearer func(token string) bool
	// ResourceID is the ACS resource's immutable id, the audience of the
	// signed callbacks; empty means a random UUID.
	ResourceID string
	// RingTimeout is how long a call, an invitation without its own
	// timeout, a redirect or an incoming call rings before it ends as not
	// answered; zero means DefaultRingTimeout.
	RingTimeout time.Duration
	// TransferTimeout is how long a transfer target rings before the
	// transfer fails as not answered; zero means DefaultTransferTimeout.
	TransferTimeout time.Duration
	// CallerIDs, when not empty, are the phone numbers of the resource: a
	// source caller id must be one of them, as the service requires of a
	// resource without direct routing. AddCallerID adds more.
	CallerIDs []string
	// ParticipantPageSize is the number of participants per page of a
	// listing; zero means DefaultParticipantPageSize.
	ParticipantPageSize int
	// CallbackIssuer signs the callbacks; nil means an issuer of the
	// switchboard's own for audience ResourceID, dated by Clock, with a test
	// key shared by the process's switchboards. Pass one to rotate keys or
	// to share it with a callback handler built before the switchboard.
	CallbackIssuer *callbacktest.Issuer
	// Unknown, when not nil, is the script of parties that were never added;
	// nil means calls to them fail as not found (SIP 404).
	Unknown *Script

	// OnEvent, when set, receives every callback event in the Go process
	// instead of an HTTP POST to the callback URL: the Go face's delivery.
	// Events of one call connection arrive one at a time, in order; events
	// of different calls may arrive concurrently. It must not block for
	// long (it holds a delivery worker, and Close waits for it), and must
	// not call Settle or Flush, which wait for it to return; it may call
	// every other method.
	OnEvent func(ctx context.Context, d Delivery)
	// OnIncomingCall, when set, receives every IncomingCall Event Grid
	// delivery in the Go process instead of an HTTP POST to EventGridURL.
	OnIncomingCall func(ctx context.Context, d Delivery)
	// EventGridURL is where incoming calls are POSTed as Event Grid
	// deliveries when OnIncomingCall is nil, as an Event Grid webhook
	// subscription would (put a shared secret in its query if the receiver
	// checks one).
	EventGridURL string
	// EventGridHeader is added to every Event Grid POST, for example an
	// Authorization header the receiver checks.
	EventGridHeader http.Header
	// HTTPClient posts callbacks and Event Grid deliveries; nil means a
	// client of the switchboard's own with a 10 s timeout.
	HTTPClient *http.Client
	// DeliveryWorkers bounds the deliveries in flight; zero means 16.
	DeliveryWorkers int
	// DeliveryAttempts is how many times a POST that fails (a transport
	// error, 408, 429 or 5xx) is tried before the event is given up; zero
	// means 5. Retries wait 10 ms, doubling, in real time.
	DeliveryAttempts int
	// AllowRemoteCallbacks lets the switchboard POST to hosts other than
	// loopback (127.0.0.1, ::1, localhost). Off by default, so tests never
	// reach beyond the machine; events for other hosts are recorded and
	// not delivered.
	AllowRemoteCallbacks bool
	// MaxRequestLog bounds the request log (Requests); zero means 10,000,
	// the oldest dropped first.
	MaxRequestLog int
}

// sealed is calling.Service under a name that, embedded, stays unexported.
//
//lint:ignore U1000 embedded only for calling.Service's unexported method, a use staticcheck does not see
type sealed = calling.Service

// Switchboard is an in-memory ACS Call Automation service with simulated
// parties. It implements calling.Service (the Go face) and serves the Call
// Automation REST API (the HTTP face, Handler). It is safe for concurrent
// use; Close stops its goroutines.
type Switchboard struct {
	// sealed, never set, is embedded so that the type implements
	// calling.Service, which outside package calling only a type that embeds
	// one can (DESIGN.md, "Extending the interfaces"). Every method of the
	// interface is this type's own: TestGoFaceImplementsEveryMethod calls them
	// all.
	//lint:ignore U1000 embedded only for calling.Service's unexported method, a use staticcheck does not see
	sealed

	opts        Options
	clock       identity.Clock
	key         []byte
	accessKey   string
	resourceID  string
	appID       identity.CommunicationUserIdentifier
	ringFor     time.Duration
	transferFor time.Duration
	validator   *calling.Client
	signer      *signer

	mu          sync.Mutex
	parties     map[string]*party
	calls       map[string]*call
	order       []*call
	incoming    map[string]*incoming
	inOrder     []*incoming
	groups      map[string][]identity.Identifier
	federation  map[string]TeamsFederation // by lowercase tenant id
	numbersMu   sync.Mutex                 // guards callerIDs
	callerIDs   []string
	offers      []*Offer
	faults      fakekit.Faults
	log         fakekit.Log[Request]
	repeat      map[string]*replay
	repeatOrder []string
	closed      bool
	sched       scheduler
	delivery    *deliverer
	ctx         context.Context
	cancel      context.CancelFunc
	wg          sync.WaitGroup
	closeOnce   sync.Once
}

var _ calling.Service = (*Switchboard)(nil)

// New returns a running switchboard. Call Close when done with it.
func New(opts *Options) *Switchboard {
	var o Options
	if opts != nil {
		o = *opts
	}
	sb := &Switchboard{
		opts:        o,
		clock:       o.Clock,
		parties:     map[string]*party{},
		calls:       map[string]*call{},
		incoming:    map[string]*incoming{},
		groups:      map[string][]identity.Identifier{},
		repeat:      map[string]*replay{},
		ringFor:     o.RingTimeout,
		transferFor: o.TransferTimeout,
		callerIDs:   slices.Clone(o.CallerIDs),
	}
	if sb.clock == nil {
		sb.clock = identity.SystemClock()
	}
	if sb.ringFor <= 0 {
		sb.ringFor = DefaultRingTimeout
	}
	if sb.transferFor <= 0 {
		sb.transferFor = DefaultTransferTimeout
	}
	if o.AccessKey != "" {
		k, err := base64.StdEncoding.DecodeString(o.AccessKey)
		if err == nil && len(k) > 0 {
			sb.key, sb.accessKey = k, o.AccessKey
		}
	}
	if sb.key == nil {
		sb.key = make([]byte, 32)
		_, _ = rand.Read(sb.key)
		sb.accessKey = base64.StdEncoding.EncodeToString(sb.key)
	}
	sb.resourceID = o.ResourceID
	if sb.resourceID == "" {
		sb.resourceID = uuid.New()
	}
	sb.appID = identity.CommunicationUserIdentifier{ID: "8:acs:" + sb.resourceID + "_" + uuid.New()}
	sb.log.SetMax(o.MaxRequestLog)
	sb.validator = newValidator()
	iss := o.CallbackIssuer
	if iss == nil {
		iss = callbacktest.NewIssuer(sb.resourceID, &callbacktest.IssuerOptions{Key: fakekit.SharedKey(), Issuer: Issuer, Clock: sb.clock})
	}
	sb.signer = newSigner(iss)
	sb.ctx, sb.cancel = context.WithCancel(context.Background())
	sb.sched.init(sb)
	sb.delivery = newDeliverer(sb)
	sb.wg.Add(1)
	go func() {
		defer sb.wg.Done()
		sb.sched.run(sb.ctx)
	}()
	return sb
}

// Close stops the switchboard: ringing stops, events not yet delivered are
// dropped, deliveries in flight are cancelled, and every goroutine of the
// switchboard has returned when Close returns. Operations after Close fail.
// Close is idempotent.
func (sb *Switchboard) Close() error {
	sb.closeOnce.Do(func() {
		sb.mu.Lock()
		sb.closed = true
		sb.mu.Unlock()
		sb.cancel()
		sb.delivery.close()
		sb.wg.Wait()
		sb.delivery.wait()
	})
	return nil
}

// AccessKey returns the resource's base64 access key, for a client of the
// HTTP face: calling.NewClientWithAccessKey(server.URL, sb.AccessKey(), ...).
func (sb *Switchboard) AccessKey() string { return sb.accessKey }

// ConnectionString returns an ACS connection string for endpoint (the
// HTTP face's URL) with the resource's access key.
func (sb *Switchboard) ConnectionString(endpoint string) string {
	return "endpoint=" + strings.TrimRight(endpoint, "/") + "/;accesskey=" + sb.accessKey
}

// ResourceID returns the resource's immutable id: the audience of the
// signed callbacks.
func (sb *Switchboard) ResourceID() string { return sb.resourceID }

// ApplicationID returns the ACS identity the switchboard's calls come from
// when CreateCall names no source, and that answers incoming calls when
// AnswerCall names no AnsweredBy.
func (sb *Switchboard) ApplicationID() identity.CommunicationUserIdentifier { return sb.appID }

// Clock returns the switchboard's clock.
func (sb *Switchboard) Clock() identity.Clock { return sb.clock }

// party is a simulated party of the directory.
type party struct {
	id     identity.Identifier
	teams  bool
	avail  Availability
	policy TeamsUserPolicy
	script Script
}

// AddTeamsUser adds a Teams user (by Entra object id, public cloud) who
// behaves as s when called, and is Available. It returns the user's
// identifier. Adding a user again replaces its script.
func (sb *Switchboard) AddTeamsUser(oid string, s Script) identity.MicrosoftTeamsUserIdentifier {
	id := identity.MicrosoftTeamsUserIdentifier{UserID: oid}
	sb.AddParty(id, s)
	return id
}

// AddACSUser adds an ACS user (by its "8:acs:..." id) who behaves as s.
func (sb *Switchboard) AddACSUser(id string, s Script) identity.CommunicationUserIdentifier {
	u := identity.CommunicationUserIdentifier{ID: id}
	sb.AddParty(u, s)
	return u
}

// AddPhoneNumber adds a phone (an E.164 number such as "+14255550123") that
// behaves as s when called.
func (sb *Switchboard) AddPhoneNumber(number string, s Script) identity.PhoneNumberIdentifier {
	p := identity.PhoneNumberIdentifier{PhoneNumber: number}
	sb.AddParty(p, s)
	return p
}

// AddParty adds any party, or replaces the script of one already added
// (keeping a Teams user's availability).
func (sb *Switchboard) AddParty(id identity.Identifier, s Script) {
	if id == nil {
		return
	}
	raw := id.RawID()
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if p, ok := sb.parties[raw]; ok {
		p.script = s
		return
	}
	_, teams := id.(identity.MicrosoftTeamsUserIdentifier)
	sb.parties[raw] = &party{id: id, teams: teams, avail: Available, script: s}
}

// SetAvailability sets a Teams user's presence (adding the user, answering,
// if unknown). It applies to calls that ring from then on.
func (sb *Switchboard) SetAvailability(oid string, a Availability) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	sb.teamsUser(identity.MicrosoftTeamsUserIdentifier{UserID: oid}).avail = a
}

// AddCallerID adds a phone number (E.164) that the resource owns, as
// buying one does: a call, an invitation or a transfer may then show it as
// its source caller id. Once the resource owns a number, by Options.CallerIDs
// or here, a source caller id must be one of them.
func (sb *Switchboard) AddCallerID(number string) {
	sb.numbersMu.Lock()
	defer sb.numbersMu.Unlock()
	if !slices.Contains(sb.callerIDs, number) {
		sb.callerIDs = append(sb.callerIDs, number)
	}
}

// CallerIDs returns the phone numbers the resource owns.
func (sb *Switchboard) CallerIDs() []string {
	sb.numbersMu.Lock()
	defer sb.numbersMu.Unlock()
	return slices.Clone(sb.callerIDs)
}

// AddGroupCall registers an existing call (an ACS group call, server call
// or room call) with participants already in it, for ConnectCall. Each
// ConnectCall to the locator joins a snapshot of these participants.
func (sb *Switchboard) AddGroupCall(locator calling.CallLocator, participants ...identity.Identifier) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	sb.groups[string(locator.Kind)+"/"+locator.ID] = slices.Clone(participants)
}

// errClosed is the error of what the switchboard does by itself, or of
// Settle, after Close.
var errClosed = errors.New("fake: the switchboard is closed")

// errServiceClosed is the answer to a request after Close, on both faces.
var errServiceClosed = &apiError{status: http.StatusServiceUnavailable, code: "ServiceUnavailable", msg: "The switchboard is closed."}

// isClosed reports whether Close was called.
func (sb *Switchboard) isClosed() bool {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return sb.closed
}
