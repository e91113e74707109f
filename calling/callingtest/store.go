package callingtest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// TestVersionedStore is the conformance suite of a calling.VersionedStore,
// the primitive of calling.NewSharedTrackerStore: compare-and-set that
// loses to any write since the read, values kept byte for byte, versions
// never reused, and trackers of several replicas sharing the store that
// de-duplicate repeated events and report each change once, whatever the
// order of the events and the replicas that receive them. The keys it
// writes start with a random prefix, so kv may be shared with other tests.
func TestVersionedStore(t *testing.T, kv calling.VersionedStore) {
	prefix := fmt.Sprintf("callingtest-%x-", rand.Uint64())
	t.Run("CompareAndSwap", func(t *testing.T) { testCompareAndSwap(t, kv, prefix+"cas") })
	t.Run("Deduplication", func(t *testing.T) { testDeduplication(t, kv, prefix+"dedup") })
	t.Run("Replicas", func(t *testing.T) { testReplicas(t, kv, prefix+"replicas-") })
}

func testCompareAndSwap(t *testing.T, kv calling.VersionedStore, key string) {
	ctx := context.Background()
	b, ver, err := kv.Load(ctx, key)
	if err != nil || b != nil || ver != "" {
		t.Fatalf("Load of a key never written = %q, %q, %v; want nil, \"\", nil", b, ver, err)
	}
	v1 := []byte("first\x00\xff{}")
	cas := func(ver string, v []byte, want bool) {
		t.Helper()
		ok, err := kv.CompareAndSwap(ctx, key, ver, v, time.Minute)
		if err != nil || ok != want {
			t.Fatalf("CompareAndSwap(version %q) = %v, %v; want %v, nil", ver, ok, err, want)
		}
	}
	load := func(want []byte) string {
		t.Helper()
		b, ver, err := kv.Load(ctx, key)
		if err != nil || !bytes.Equal(b, want) || ver == "" {
			t.Fatalf("Load = %q, %q, %v; want %q with a version", b, ver, err, want)
		}
		return ver
	}
	cas("", v1, true)
	cas("", []byte("second"), false) // something is stored now
	ver1 := load(v1)
	cas(ver1+"x", []byte("second"), false)
	cas(ver1, []byte("second"), true)
	ver2 := load([]byte("second"))
	if ver2 == ver1 {
		t.Fatalf("a write kept the version %q", ver1)
	}
	cas(ver1, []byte("third"), false) // a stale version loses
	cas(ver2, v1, true)
	if ver3 := load(v1); ver3 == ver1 || ver3 == ver2 {
		t.Fatalf("a write reused the version %q", ver3)
	}
}

func sharedTracker(t *testing.T, kv calling.VersionedStore, onChange func(calling.CallStatus)) *calling.Tracker {
	t.Helper()
	store, err := calling.NewSharedTrackerStore(kv, nil)
	if err != nil {
		t.Fatal(err)
	}
	sb := fake.New(nil)
	t.Cleanup(func() { _ = sb.Close() })
	tr, err := calling.NewTracker(sb, &calling.TrackerOptions{Store: store, SharedStore: true, OnChange: onChange})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func info(id, call string) calling.EventInfo {
	return calling.EventInfo{ID: id, CallConnectionID: call, ServerCallID: "server-" + call}
}

// testDeduplication applies [connected, transferAccepted a1, transferFailed
// f1, a1 again] on two replicas in turn: the last a1 is a repeat, so the
// call is connected, and OnChange fired three times.
func testDeduplication(t *testing.T, kv calling.VersionedStore, call string) {
	ctx := context.Background()
	var mu sync.Mutex
	var changes []calling.CallConnectionState
	onChange := func(s calling.CallStatus) {
		mu.Lock()
		defer mu.Unlock()
		changes = append(changes, s.State)
	}
	a, b := sharedTracker(t, kv, onChange), sharedTracker(t, kv, onChange)
	a1 := &calling.CallTransferAccepted{EventInfo: info("a1", call), TransferTarget: identity.MicrosoftTeamsUserIdentifier{UserID: "t"}}
	for i, ev := range []calling.Event{
		&calling.CallConnected{EventInfo: info("c", call)},
		a1,
		&calling.CallTransferFailed{EventInfo: info("f1", call)},
		a1,
	} {
		if _, err := []*calling.Tracker{a, b}[i%2].Apply(ctx, ev); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	for _, tr := range []*calling.Tracker{a, b} {
		st, err := tr.Status(ctx, call)
		if err != nil {
			t.Fatal(err)
		}
		if st.State != calling.StateConnected {
			t.Errorf("state = %q, want connected: the repeated transferAccepted was applied again", st.State)
		}
	}
	want := []calling.CallConnectionState{calling.StateConnected, calling.StateTransferAccepted, calling.StateConnected}
	if fmt.Sprint(changes) != fmt.Sprint(want) {
		t.Errorf("OnChange saw %v, want %v: once per change", changes, want)
	}
}

// lifeOf is the events of one call: connected, two participant updates, a
// transfer, the end.
func lifeOf(call string) []calling.Event {
	end := info(call+"-5", call)
	end.ResultInformation = &calling.ResultInformation{Code: 200, SubCode: 7015, Message: "transferred"}
	teams := func(oid string) calling.CallParticipant {
		return calling.CallParticipant{Identifier: identity.MicrosoftTeamsUserIdentifier{UserID: oid}}
	}
	return []calling.Event{
		&calling.CallConnected{EventInfo: info(call+"-1", call)},
		&calling.ParticipantsUpdated{EventInfo: info(call+"-2", call), SequenceNumber: 1, Participants: []calling.CallParticipant{teams("a")}},
		&calling.ParticipantsUpdated{EventInfo: info(call+"-3", call), SequenceNumber: 2, Participants: []calling.CallParticipant{teams("a"), teams("b")}},
		&calling.CallTransferAccepted{EventInfo: info(call+"-4", call), TransferTarget: identity.MicrosoftTeamsUserIdentifier{UserID: "c"}},
		&calling.CallDisconnected{EventInfo: end},
	}
}

// testReplicas delivers the events of many calls to three replicas at once,
// shuffled, each event to one or two of them: every call ends right on
// every replica, OnChange fires at most once per distinct event, and
// delivering everything again changes nothing.
func testReplicas(t *testing.T, kv calling.VersionedStore, prefix string) {
	ctx := context.Background()
	const calls, replicas = 40, 3
	var changes atomic.Int32
	trs := make([]*calling.Tracker, replicas)
	for i := range trs {
		trs[i] = sharedTracker(t, kv, func(calling.CallStatus) { changes.Add(1) })
	}
	// Two rounds: the events before the end, then the ends, so that the
	// participants are known when the call ends (a tracker ignores the
	// participants of an ended call).
	errs := make(chan error, calls*len(lifeOf(""))*2)
	for round := range 2 {
		var wg sync.WaitGroup
		for c := range calls {
			evs := lifeOf(fmt.Sprintf("%s%d", prefix, c))
			rng := rand.New(rand.NewPCG(uint64(c), uint64(round)))
			if round == 0 {
				evs = evs[:len(evs)-1]
				rng.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
			} else {
				evs = evs[len(evs)-1:]
			}
			for _, ev := range evs {
				first := rng.IntN(replicas)
				targets := []int{first}
				if rng.IntN(2) == 0 {
					targets = append(targets, (first+1+rng.IntN(replicas-1))%replicas)
				}
				for _, r := range targets {
					wg.Go(func() {
						if _, err := trs[r].Apply(ctx, ev); err != nil {
							errs <- err
						}
					})
				}
			}
		}
		wg.Wait()
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for c := range calls {
		id := fmt.Sprintf("%s%d", prefix, c)
		for _, tr := range trs {
			st, err := tr.Status(ctx, id)
			switch {
			case err != nil:
				t.Fatal(err)
			case st.State != calling.StateDisconnected || st.EndReason == nil || st.EndReason.SubCode != 7015:
				t.Fatalf("%s: state %q, end %+v; want disconnected, 7015", id, st.State, st.EndReason)
			case st.ParticipantsSequence != 2 || len(st.Participants) != 2:
				t.Fatalf("%s: participants %v of sequence %d; want the two of sequence 2", id, st.Participants, st.ParticipantsSequence)
			}
		}
	}
	got := changes.Load()
	if max := int32(calls * len(lifeOf(""))); got > max {
		t.Fatalf("OnChange fired %d times for %d distinct events", got, max)
	}
	for c := range calls {
		for _, ev := range lifeOf(fmt.Sprintf("%s%d", prefix, c)) {
			for _, tr := range trs {
				if _, err := tr.Apply(ctx, ev); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if n := changes.Load(); n != got {
		t.Fatalf("repeated events fired OnChange %d times", n-got)
	}
}
