package redisstore_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/callingtest"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/redisstore"
)

var _ calling.VersionedStore = (*redisstore.CallStore)(nil)

// TestCallStore runs calling's store conformance suite against a real
// redis-server: compare-and-set, and trackers of three replicas sharing it,
// the issue's [connected, transferAccepted a1, transferFailed f1, a1 again]
// included (connected at the end, OnChange three times).
func TestCallStore(t *testing.T) {
	s, _, _ := newStore(t, nil)
	callingtest.TestVersionedStore(t, s.Calls())
}

func TestCallStoreKeys(t *testing.T) {
	ctx := context.Background()
	s, _, rdb := newStore(t, &redisstore.Options{Prefix: "app1:"})
	ts, err := calling.NewSharedTrackerStore(s.Calls(), &calling.SharedTrackerStoreOptions{TTL: 2 * time.Hour, EndedTTL: 10 * time.Minute})
	require.NoError(t, err)
	tr, err := calling.NewTracker(fake.New(nil), &calling.TrackerOptions{Store: ts, SharedStore: true})
	require.NoError(t, err)
	info := calling.EventInfo{ID: "e1", CallConnectionID: "conn-1"}
	_, err = tr.Apply(ctx, &calling.ParticipantsUpdated{EventInfo: info, SequenceNumber: 3,
		Participants: []calling.CallParticipant{{Identifier: identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}}}})
	require.NoError(t, err)

	keys, err := rdb.Keys(ctx, "*").Result()
	require.NoError(t, err)
	require.Equal(t, []string{"app1:call:{conn-1}"}, keys)
	ttl := rdb.PTTL(ctx, keys[0]).Val()
	require.Greater(t, ttl, time.Hour)
	require.LessOrEqual(t, ttl, 2*time.Hour)
	var st calling.CallStatus
	require.NoError(t, json.Unmarshal([]byte(rdb.HGet(ctx, keys[0], "d").Val()), &st))
	require.Equal(t, "4:+14255550123", st.Participants[0].Identifier.RawID())

	info.ID = "e2"
	_, err = tr.Apply(ctx, &calling.CallDisconnected{EventInfo: info})
	require.NoError(t, err)
	ttl = rdb.PTTL(ctx, keys[0]).Val()
	require.Positive(t, ttl, "an ended call has a TTL")
	require.LessOrEqual(t, ttl, 10*time.Minute, "an ended call is kept for EndedTTL")

	var ae *redisstore.ArgumentError
	_, _, err = s.Calls().Load(ctx, "")
	require.ErrorAs(t, err, &ae)
	_, err = s.Calls().CompareAndSwap(ctx, "k", "", nil, 0)
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "ttl", ae.Arg)
}

// TestCallStoreOutage stops Redis in the middle of a call and starts it
// again empty: Apply fails while Redis is down (nothing is lost silently),
// and after the restart the tracker goes on, with what the package doc says
// an outage loses: the statuses and the ids of the events applied before.
func TestCallStoreOutage(t *testing.T) {
	ctx := context.Background()
	s, srv, _ := newStore(t, nil)
	ts, err := calling.NewSharedTrackerStore(s.Calls(), nil)
	require.NoError(t, err)
	var changes []calling.CallConnectionState
	sb := fake.New(nil)
	t.Cleanup(func() { _ = sb.Close() })
	tr, err := calling.NewTracker(sb, &calling.TrackerOptions{Store: ts, SharedStore: true,
		OnChange: func(st calling.CallStatus) { changes = append(changes, st.State) }})
	require.NoError(t, err)
	ev := func(id string) calling.EventInfo { return calling.EventInfo{ID: id, CallConnectionID: "conn-1"} }
	accepted := &calling.CallTransferAccepted{EventInfo: ev("a1")}

	_, err = tr.Apply(ctx, &calling.CallConnected{EventInfo: ev("c")})
	require.NoError(t, err)
	_, err = tr.Apply(ctx, accepted)
	require.NoError(t, err)

	srv.Stop()
	_, err = tr.Apply(ctx, &calling.CallTransferFailed{EventInfo: ev("f1")})
	require.Error(t, err, "an event that cannot be recorded is an error, not lost silently")
	require.ErrorContains(t, err, "redisstore: load a call status")

	srv.Restart()
	// The store is empty: the call is unknown, so the repeated a1 is a new
	// event to the tracker (the de-duplication state was lost).
	_, ok, err := ts.Get(ctx, "conn-1")
	require.NoError(t, err)
	require.False(t, ok, "a restarted Redis without persistence has lost the statuses")
	st, err := tr.Apply(ctx, accepted)
	require.NoError(t, err)
	require.Equal(t, calling.StateTransferAccepted, st.State)
	st, err = tr.Apply(ctx, &calling.CallTransferFailed{EventInfo: ev("f1")})
	require.NoError(t, err)
	require.Equal(t, calling.StateConnected, st.State, "work resumes after the restart")
	_, err = tr.Apply(ctx, accepted)
	require.NoError(t, err)
	st, err = tr.Status(ctx, "conn-1")
	require.NoError(t, err)
	require.Equal(t, calling.StateConnected, st.State, "and de-duplicates again")
	require.Equal(t, []calling.CallConnectionState{calling.StateConnected, calling.StateTransferAccepted,
		calling.StateTransferAccepted, calling.StateConnected}, changes)

	require.NoError(t, s.Close())
	_, _, err = s.Calls().Load(ctx, "conn-1")
	require.ErrorIs(t, err, redisstore.ErrClosed)
}
