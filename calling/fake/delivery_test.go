package fake_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// Delivery under load: many calls at once, each going through a scripted
// life (two callees join, a mute, a hold and unhold, an invitee joins and
// is removed, the call ends), 11 events per call. Every call's events must
// reach the receiver exactly once and in the order the switchboard raised
// them.

// eventsPerCall is the number of events of one call's life.
const eventsPerCall = 11

// receiver collects the events that reach it, by call, in arrival order.
type receiver struct {
	mu     sync.Mutex
	byCall map[string][]string // event ids
	dups   int
	seen   map[string]bool
	total  atomic.Int64
}

func newReceiver() *receiver {
	return &receiver{byCall: map[string][]string{}, seen: map[string]bool{}}
}

func (r *receiver) record(ev calling.Event) {
	info := ev.Info()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[info.ID] {
		r.dups++
	}
	r.seen[info.ID] = true
	r.byCall[info.CallConnectionID] = append(r.byCall[info.CallConnectionID], info.ID)
	r.total.Add(1)
}

// life runs the scripted life of n concurrent calls on svc (sb's Go face,
// or a client of its HTTP face) in three phases, waiting between them for
// the switchboard to settle. It returns the call connection ids.
func life(tb testing.TB, sb *fake.Switchboard, svc calling.Service, callbackURL string, n int) []string {
	tb.Helper()
	ctx := context.Background()
	ids := make([]string, n)
	teams := make([]identity.MicrosoftTeamsUserIdentifier, n)
	acs := make([]identity.CommunicationUserIdentifier, n)
	phones := make([]identity.PhoneNumberIdentifier, n)
	for i := range n {
		teams[i] = identity.MicrosoftTeamsUserIdentifier{UserID: fmt.Sprintf("7ea50000-0000-4000-8000-%012d", i)}
		acs[i] = identity.CommunicationUserIdentifier{ID: fmt.Sprintf("8:acs:load_%d", i)}
		phones[i] = identity.PhoneNumberIdentifier{PhoneNumber: fmt.Sprintf("+1425%07d", i)}
	}
	phase := func(name string, f func(i int) error) {
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := f(i); err != nil {
					errs <- fmt.Errorf("%s, call %d: %w", name, i, err)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			tb.Fatal(err)
		}
		sctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		if err := sb.Settle(sctx); err != nil {
			tb.Fatalf("after %s: %v", name, err)
		}
	}
	phase("create", func(i int) error {
		resp, err := svc.CreateCall(ctx, []identity.Identifier{teams[i], acs[i]}, callbackURL, nil)
		ids[i] = resp.CallConnectionID
		return err
	})
	phase("mute, hold, add", func(i int) error {
		if _, err := svc.MuteParticipant(ctx, ids[i], acs[i], nil); err != nil {
			return err
		}
		if _, err := svc.HoldParticipant(ctx, ids[i], teams[i], nil); err != nil {
			return err
		}
		if _, err := svc.UnholdParticipant(ctx, ids[i], teams[i], nil); err != nil {
			return err
		}
		_, err := svc.AddParticipant(ctx, ids[i], phones[i], &calling.AddParticipantOptions{SourceCallerID: &callerID})
		return err
	})
	phase("remove, terminate", func(i int) error {
		if _, err := svc.RemoveParticipant(ctx, ids[i], phones[i], nil); err != nil {
			return err
		}
		_, err := svc.TerminateCall(ctx, ids[i], nil)
		return err
	})
	return ids
}

// check compares what the receiver got with what the switchboard raised.
func check(tb testing.TB, sb *fake.Switchboard, rcv *receiver, ids []string) {
	tb.Helper()
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if rcv.dups != 0 {
		tb.Errorf("%d events arrived more than once", rcv.dups)
	}
	for _, id := range ids {
		raised := sb.Events(id)
		got := rcv.byCall[id]
		if len(raised) != eventsPerCall {
			tb.Fatalf("call %s raised %d events, want %d", id, len(raised), eventsPerCall)
		}
		if len(got) != len(raised) {
			tb.Fatalf("call %s: %d events arrived, %d were raised", id, len(got), len(raised))
		}
		for i, e := range raised {
			if got[i] != e.ID {
				tb.Fatalf("call %s: event %d to arrive was not the event %d raised (%s)", id, i, i, e.Type)
			}
			if !e.Delivered {
				tb.Fatalf("call %s: event %d (%s) not marked delivered: %s", id, i, e.Type, e.DeliveryError)
			}
		}
	}
}

// newLoadBoard is a switchboard whose parties all answer at once.
func newLoadBoard(tb testing.TB, configure func(*fake.Options)) *fake.Switchboard {
	answers := fake.Answers()
	o := &fake.Options{Clock: identityfake.NewClock(start()), Unknown: &answers, DeliveryAttempts: 10}
	if configure != nil {
		configure(o)
	}
	sb := fake.New(o)
	tb.Cleanup(func() { sb.Close() })
	return sb
}

// callbackServer is calling's CallbackHandler trusting sb's keys, recording
// into rcv; with flaky, every 20th POST is refused with 503 before it is
// read, and the switchboard must retry it.
func callbackServer(tb testing.TB, sb *fake.Switchboard, rcv *receiver, flaky bool) *httptest.Server {
	tb.Helper()
	opts := sb.CallbackIssuer().HandlerOptions()
	opts.Synchronous = true
	opts.Clock = sb.Clock()
	h, err := calling.NewCallbackHandler(sb.ResourceID(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	h.OnEvent(func(_ context.Context, ev calling.Event) { rcv.record(ev) })
	var posts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if flaky && posts.Add(1)%20 == 0 {
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}))
	tb.Cleanup(srv.Close)
	tb.Cleanup(func() { h.Close() })
	return srv
}

const loadCalls = 1000

// TestDeliveryThousandCallsHTTP: 1,000 concurrent calls whose callbacks
// are POSTed, signed, to calling's CallbackHandler, which refuses one POST
// in 20 with a 503: every event arrives once, in order.
func TestDeliveryThousandCallsHTTP(t *testing.T) {
	rcv := newReceiver()
	sb := newLoadBoard(t, nil)
	srv := callbackServer(t, sb, rcv, true)
	began := time.Now()
	ids := life(t, sb, sb, srv.URL+"/callbacks", loadCalls)
	took := time.Since(began)
	check(t, sb, rcv, ids)
	retried := 0
	for _, e := range sb.AllEvents() {
		if e.Attempts > 1 {
			retried++
		}
	}
	if retried == 0 {
		t.Error("no event needed a retry; the flaky receiver did not refuse anything")
	}
	t.Logf("%d calls, %d events delivered exactly once in order over HTTP in %v (%.0f events/s); %d needed a retry",
		loadCalls, rcv.total.Load(), took.Round(time.Millisecond), float64(rcv.total.Load())/took.Seconds(), retried)
}

// TestDeliveryThousandCallsGo: the same with in-process delivery.
func TestDeliveryThousandCallsGo(t *testing.T) {
	rcv := newReceiver()
	sb := newLoadBoard(t, func(o *fake.Options) {
		o.OnEvent = func(_ context.Context, d fake.Delivery) {
			evs, err := calling.ParseCloudEvents(d.Body)
			if err != nil || len(evs) != 1 {
				t.Errorf("delivery of %d events: %v", len(evs), err)
				return
			}
			rcv.record(evs[0])
		}
	})
	began := time.Now()
	ids := life(t, sb, sb, "https://app.contoso.com/callbacks", loadCalls)
	took := time.Since(began)
	check(t, sb, rcv, ids)
	t.Logf("%d calls, %d events delivered exactly once in order in process in %v (%.0f events/s)",
		loadCalls, rcv.total.Load(), took.Round(time.Millisecond), float64(rcv.total.Load())/took.Seconds())
}
