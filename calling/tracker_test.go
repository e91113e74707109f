package calling_test

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// truthService is the service's view of calls, for Tracker.Refresh: a
// calling.Service whose GetCall and participant pages answer from a map;
// the other methods are not used by the tracker (they panic through the nil
// embedded interface if called).
type truthService struct {
	calling.Service
	mu    sync.Mutex
	calls map[string]truthCall
	gets  atomic.Int32
}

type truthCall struct {
	state calling.CallConnectionState
	parts []calling.CallParticipant
}

func (s *truthService) set(id string, st calling.CallConnectionState, parts ...calling.CallParticipant) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls = map[string]truthCall{}
	}
	s.calls[id] = truthCall{st, parts}
}

func notFound() error {
	return &azcore.ResponseError{StatusCode: http.StatusNotFound, ErrorCode: "8522"}
}

func (s *truthService) GetCall(ctx context.Context, id string, _ *calling.GetCallOptions) (calling.GetCallResponse, error) {
	s.gets.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.calls[id]
	if !ok {
		return calling.GetCallResponse{}, notFound()
	}
	return calling.GetCallResponse{CallConnectionProperties: calling.CallConnectionProperties{CallConnectionID: id, State: c.state, ServerCallID: "server-" + id}}, nil
}

func (s *truthService) ListParticipantsPage(ctx context.Context, id string, opts *calling.ListParticipantsOptions) (calling.ListParticipantsPageResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.calls[id]
	if !ok {
		return calling.ListParticipantsPageResponse{}, notFound()
	}
	var next string
	if opts != nil {
		next = opts.NextLink
	}
	// Two pages, to exercise paging.
	if next == "" && len(c.parts) > 1 {
		return calling.ListParticipantsPageResponse{Participants: c.parts[:1], NextLink: "page2"}, nil
	}
	if next == "page2" {
		return calling.ListParticipantsPageResponse{Participants: c.parts[1:]}, nil
	}
	return calling.ListParticipantsPageResponse{Participants: c.parts}, nil
}

func (s *truthService) ListParticipants(ctx context.Context, id string, opts *calling.ListParticipantsOptions) iter.Seq2[calling.CallParticipant, error] {
	return func(yield func(calling.CallParticipant, error) bool) {
		o := &calling.ListParticipantsOptions{}
		for {
			page, err := s.ListParticipantsPage(ctx, id, o)
			if err != nil {
				yield(calling.CallParticipant{}, err)
				return
			}
			for _, p := range page.Participants {
				if !yield(p, nil) {
					return
				}
			}
			if o.NextLink = page.NextLink; o.NextLink == "" {
				return
			}
		}
	}
}

func teams(oid string) calling.CallParticipant {
	return calling.CallParticipant{Identifier: identity.MicrosoftTeamsUserIdentifier{UserID: oid}}
}

func evInfo(id, call string) calling.EventInfo {
	return calling.EventInfo{ID: id, CallConnectionID: call, ServerCallID: "server-" + call}
}

// callEvents is the life of one call: connected, two participant updates,
// a transfer, and the end.
func callEvents(call string) []calling.Event {
	return []calling.Event{
		&calling.CallConnected{EventInfo: evInfo(call+"-1", call)},
		&calling.ParticipantsUpdated{EventInfo: evInfo(call+"-2", call), SequenceNumber: 1, Participants: []calling.CallParticipant{teams("a")}},
		&calling.ParticipantsUpdated{EventInfo: evInfo(call+"-3", call), SequenceNumber: 2, Participants: []calling.CallParticipant{teams("a"), teams("b")}},
		&calling.CallTransferAccepted{EventInfo: evInfo(call+"-4", call), TransferTarget: identity.MicrosoftTeamsUserIdentifier{UserID: "c"}},
		&calling.CallDisconnected{EventInfo: func() calling.EventInfo {
			i := evInfo(call+"-5", call)
			i.ResultInformation = &calling.ResultInformation{Code: 200, SubCode: 7015, Message: "transferred"}
			return i
		}()},
	}
}

func TestTrackerFollowsACall(t *testing.T) {
	ctx := context.Background()
	var changes []calling.CallConnectionState
	tr, err := calling.NewTracker(&truthService{}, &calling.TrackerOptions{SharedStore: true, OnChange: func(s calling.CallStatus) {
		changes = append(changes, s.State)
	}})
	require.NoError(t, err)
	evs := callEvents("c1")
	want := []calling.CallConnectionState{calling.StateConnected, calling.StateConnected, calling.StateConnected, calling.StateTransferAccepted, calling.StateDisconnected}
	for i, ev := range evs {
		st, err := tr.Apply(ctx, ev)
		require.NoError(t, err)
		require.Equal(t, want[i], st.State, "after event %d", i)
	}
	st, err := tr.Status(ctx, "c1")
	require.NoError(t, err)
	require.True(t, st.Ended())
	require.Equal(t, 7015, st.EndReason.SubCode)
	require.Equal(t, 2, st.ParticipantsSequence)
	require.Len(t, st.Participants, 2)
	require.Equal(t, "server-c1", st.ServerCallID)
	require.Len(t, changes, 5, "every event changed the status")

	// Repeated deliveries change nothing and call no OnChange.
	for _, ev := range evs {
		_, err := tr.Apply(ctx, ev)
		require.NoError(t, err)
	}
	require.Len(t, changes, 5)
}

func TestTrackerToleratesDisorderAndRepeats(t *testing.T) {
	ctx := context.Background()
	tr, err := calling.NewTracker(&truthService{}, &calling.TrackerOptions{SharedStore: true})
	require.NoError(t, err)
	evs := callEvents("c2")
	// Newest participants first, the end before a late "connected".
	for _, i := range []int{2, 1, 4, 0, 3, 2, 1} {
		_, err := tr.Apply(ctx, evs[i])
		require.NoError(t, err)
	}
	st, err := tr.Status(ctx, "c2")
	require.NoError(t, err)
	require.Equal(t, calling.StateDisconnected, st.State, "a late event must not revive an ended call")
	require.Equal(t, 2, st.ParticipantsSequence)
	require.Len(t, st.Participants, 2)

	// A failed creation ends the call with its reason.
	fail := &calling.CreateCallFailed{EventInfo: evInfo("x", "c3")}
	fail.ResultInformation = &calling.ResultInformation{Code: 408, SubCode: 10004}
	st, err = tr.Apply(ctx, fail)
	require.NoError(t, err)
	require.True(t, st.Ended())
	require.Equal(t, 408, st.EndReason.Code)

	// Events without a call connection (an incoming call) are ignored.
	st, err = tr.Apply(ctx, &calling.IncomingCall{})
	require.NoError(t, err)
	require.Empty(t, st.CallConnectionID)
}

// TestTrackerReplicas splits one call's events between two replicas behind
// a load balancer, each with its own in-memory store: each replica still
// answers with the service's state, because a call that is not over is
// confirmed with the service.
func TestTrackerReplicas(t *testing.T) {
	ctx := context.Background()
	truth := &truthService{}
	a, err := calling.NewTracker(truth, nil)
	require.NoError(t, err)
	b, err := calling.NewTracker(truth, nil)
	require.NoError(t, err)
	evs := callEvents("c4")

	// Replica A gets the first events; the call is connected with a and b.
	truth.set("c4", calling.StateConnected, teams("a"), teams("b"))
	for _, ev := range evs[:3] {
		a.Handle(ctx, ev)
	}
	// Replica B gets the transfer and the end; the service forgets the call.
	for _, ev := range evs[3:] {
		b.Handle(ctx, ev)
	}
	truth.mu.Lock()
	delete(truth.calls, "c4")
	truth.mu.Unlock()

	for name, tr := range map[string]*calling.Tracker{"A": a, "B": b} {
		st, err := tr.Status(ctx, "c4")
		require.NoError(t, err, name)
		require.Equal(t, calling.StateDisconnected, st.State, "replica %s", name)
	}

	// A call no replica has seen is read from the service, participants
	// across pages.
	truth.set("c5", calling.StateConnected, teams("x"), teams("y"), teams("z"))
	st, err := b.Status(ctx, "c5")
	require.NoError(t, err)
	require.True(t, st.FromService)
	require.Equal(t, calling.StateConnected, st.State)
	require.Len(t, st.Participants, 3)

	// Service failures other than 404 are returned, not guessed around.
	_, err = calling.NewTracker(nil, nil)
	require.Error(t, err)
	_, err = b.Status(ctx, "")
	var ae *calling.ArgumentError
	require.ErrorAs(t, err, &ae)
}

func TestTrackerConcurrentAndBounded(t *testing.T) {
	ctx := context.Background()
	store := calling.NewMemoryTrackerStore(50)
	tr, err := calling.NewTracker(&truthService{}, &calling.TrackerOptions{Store: store, SharedStore: true})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() {
			for _, ev := range callEvents(fmt.Sprintf("call-%d", i)) {
				tr.Handle(ctx, ev)
			}
		})
	}
	wg.Wait()
	kept := 0
	for i := range 100 {
		if _, ok, _ := store.Get(ctx, fmt.Sprintf("call-%d", i)); ok {
			kept++
		}
	}
	require.Equal(t, 50, kept, "the store keeps at most its bound")
}
