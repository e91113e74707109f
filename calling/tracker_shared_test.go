package calling_test

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/callingtest"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// kvStore is a calling.VersionedStore in memory that keeps only bytes, as a
// database or Redis would.
type kvStore struct {
	mu    sync.Mutex
	n     int
	m     map[string]kvEntry
	cases atomic.Int32 // compare-and-set calls
	lost  atomic.Int32 // of which lost to another write
}

type kvEntry struct {
	ver string
	b   []byte
	ttl time.Duration
}

func (s *kvStore) Load(ctx context.Context, key string) ([]byte, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.m[key]
	return append([]byte(nil), e.b...), e.ver, nil
}

func (s *kvStore) CompareAndSwap(ctx context.Context, key, ver string, b []byte, ttl time.Duration) (bool, error) {
	s.cases.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[key].ver != ver {
		s.lost.Add(1)
		return false, nil
	}
	if s.m == nil {
		s.m = map[string]kvEntry{}
	}
	s.n++
	s.m[key] = kvEntry{ver: strconv.Itoa(s.n), b: append([]byte(nil), b...), ttl: ttl}
	return true, nil
}

func (s *kvStore) raw(key string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[key].b
}

func sharedTracker(t testing.TB, kv calling.VersionedStore, onChange func(calling.CallStatus)) *calling.Tracker {
	t.Helper()
	store, err := calling.NewSharedTrackerStore(kv, nil)
	require.NoError(t, err)
	tr, err := calling.NewTracker(&truthService{}, &calling.TrackerOptions{Store: store, SharedStore: true, OnChange: onChange})
	require.NoError(t, err)
	return tr
}

func TestCallStatusJSONRoundTrip(t *testing.T) {
	ctx := context.Background()
	kv := &kvStore{}
	tr := sharedTracker(t, kv, nil)
	for _, ev := range callEvents("c1")[:4] {
		_, err := tr.Apply(ctx, ev)
		require.NoError(t, err)
	}
	st, err := tr.Status(ctx, "c1")
	require.NoError(t, err)
	st.Participants = append(st.Participants,
		calling.CallParticipant{Identifier: identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}, IsOnHold: true},
		calling.CallParticipant{Identifier: identity.CommunicationUserIdentifier{ID: "8:acs:r_u"}, IsMuted: true},
		calling.CallParticipant{Identifier: identity.MicrosoftTeamsUserIdentifier{UserID: "g", Cloud: identity.CloudGCCH}},
		calling.CallParticipant{Identifier: identity.MicrosoftTeamsAppIdentifier{AppID: "app"}},
		calling.CallParticipant{},
	)
	st.EndReason = &calling.ResultInformation{Code: 487, SubCode: 10004, Message: "no answer",
		SIPDetails: &calling.SIPDiagnosticInfo{Code: 487, Message: "Request Terminated"}, Q850Details: &calling.SIPDiagnosticInfo{Code: 19}}
	st.UpdatedAt = time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)

	b, err := json.Marshal(st)
	require.NoError(t, err)
	require.Contains(t, string(b), `"v":1`)
	require.Contains(t, string(b), `"seen":["c1-1","c1-2","c1-3","c1-4"]`, "the de-duplication state is part of the form")
	var back calling.CallStatus
	require.NoError(t, json.Unmarshal(b, &back))
	// Identifiers come back as identity reads their wire models: the
	// same types and values, a Teams identifier's empty cloud as public.
	for i, p := range st.Participants {
		if p.Identifier == nil {
			require.Nil(t, back.Participants[i].Identifier)
			continue
		}
		require.IsType(t, p.Identifier, back.Participants[i].Identifier)
		require.Equal(t, p.Identifier.RawID(), back.Participants[i].Identifier.RawID())
	}
	require.Equal(t, identity.MicrosoftTeamsUserIdentifier{UserID: "g", Cloud: identity.CloudGCCH}, back.Participants[4].Identifier)
	require.Equal(t, identity.MicrosoftTeamsUserIdentifier{UserID: "c", Cloud: identity.CloudPublic}, back.TransferTarget.Identifier)
	b2, err := json.Marshal(back)
	require.NoError(t, err)
	require.JSONEq(t, string(b), string(b2))
	var back2 calling.CallStatus
	require.NoError(t, json.Unmarshal(b2, &back2))
	require.Equal(t, back, back2, "everything survives, the unexported de-duplication state included")
	require.Equal(t, st.EndReason, back.EndReason)
	require.Equal(t, st.UpdatedAt, back.UpdatedAt)
	require.Equal(t, st.ParticipantsSequence, back.ParticipantsSequence)

	// The status a store keeps is this form, and the tracker reads it back.
	var stored calling.CallStatus
	require.NoError(t, json.Unmarshal(kv.raw("c1"), &stored))
	require.Equal(t, calling.StateTransferAccepted, stored.State)
	require.Equal(t, "8:orgid:c", stored.TransferTarget.Identifier.RawID())

	// A later version is refused, not misread.
	err = json.Unmarshal([]byte(`{"v":2,"callConnectionId":"c1"}`), &back)
	require.ErrorIs(t, err, calling.ErrCallStatusVersion)
	require.Error(t, json.Unmarshal([]byte(`{"callConnectionId":"c1"}`), &back), "no version")
	require.Error(t, json.Unmarshal([]byte(`{"v":1,"participants":[{"identifier":{"kind":"phoneNumber"}}]}`), &back))
}

// TestVersionedStore runs the store conformance suite on the in-memory
// kvStore; it includes the sequence, which a JSON-backed store got
// wrong while the de-duplication state was unexported.
func TestVersionedStore(t *testing.T) {
	callingtest.TestVersionedStore(t, &kvStore{})
}

// conflictingKV has another replica write the call between this replica's
// read and its compare-and-set, once.
type conflictingKV struct {
	*kvStore
	once  sync.Once
	other func()
}

func (c *conflictingKV) CompareAndSwap(ctx context.Context, key, ver string, b []byte, ttl time.Duration) (bool, error) {
	c.once.Do(c.other)
	return c.kvStore.CompareAndSwap(ctx, key, ver, b, ttl)
}

func TestSharedStoreCompareAndSet(t *testing.T) {
	ctx := context.Background()
	kv := &kvStore{}
	var changes atomic.Int32
	count := func(calling.CallStatus) { changes.Add(1) }
	b := sharedTracker(t, kv, count)
	evs := callEvents("c1")
	a := sharedTracker(t, &conflictingKV{kvStore: kv, other: func() {
		_, err := b.Apply(ctx, evs[2]) // participants a and b, sequence 2
		require.NoError(t, err)
	}}, count)

	// A applies "connected" on what it read before B's write, which
	// connected the call with its participants; A's first compare-and-set
	// loses, it reads B's status and applies again: nothing more changes.
	st, err := a.Apply(ctx, evs[0])
	require.NoError(t, err)
	require.Equal(t, calling.StateConnected, st.State)
	require.Equal(t, 2, st.ParticipantsSequence, "B's change is kept")
	require.Len(t, st.Participants, 2)
	require.EqualValues(t, 1, kv.lost.Load())
	require.EqualValues(t, 1, changes.Load(), "the change reported once, by the replica that made it")
	var stored calling.CallStatus
	require.NoError(t, json.Unmarshal(kv.raw("c1"), &stored))
	require.Equal(t, st, stored, "A's event is recorded as seen")

	// The older participants update changes nothing, on either replica.
	for _, tr := range []*calling.Tracker{a, b} {
		st, err = tr.Apply(ctx, evs[1])
		require.NoError(t, err)
		require.Equal(t, 2, st.ParticipantsSequence)
	}
	require.EqualValues(t, 1, changes.Load())
}

func TestNewSharedTrackerStoreArguments(t *testing.T) {
	var ae *calling.ArgumentError
	_, err := calling.NewSharedTrackerStore(nil, nil)
	require.ErrorAs(t, err, &ae)
	_, err = calling.NewSharedTrackerStore(&kvStore{}, &calling.SharedTrackerStoreOptions{TTL: -1})
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "opts.TTL", ae.Arg)
	_, err = calling.NewSharedTrackerStore(&kvStore{}, &calling.SharedTrackerStoreOptions{EndedTTL: -1})
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "opts.EndedTTL", ae.Arg)
}

func TestSharedStoreTTLs(t *testing.T) {
	ctx := context.Background()
	kv := &kvStore{}
	store, err := calling.NewSharedTrackerStore(kv, &calling.SharedTrackerStoreOptions{TTL: 3 * time.Hour, EndedTTL: time.Minute})
	require.NoError(t, err)
	tr, err := calling.NewTracker(&truthService{}, &calling.TrackerOptions{Store: store, SharedStore: true})
	require.NoError(t, err)
	evs := callEvents("c1")
	tr.Handle(ctx, evs[0])
	require.Equal(t, 3*time.Hour, kv.m["c1"].ttl)
	tr.Handle(ctx, evs[4])
	require.Equal(t, time.Minute, kv.m["c1"].ttl, "an ended call is kept for EndedTTL")
}
