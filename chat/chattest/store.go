package chattest

import (
	"crypto/sha256"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// TestSubscriptionStore checks a chat.SubscriptionStore: fenced leases
// (one holder at a time, tokens that only grow, a release that cannot end
// a successor's lease, the end of a lease nobody extends), and records
// written only under a lease still held and over the expected subscription
// (no lost update, no resurrection), read back whole by id, by resource and
// in the list, and dropped after their grace. newStore is called once per
// subtest and returns an empty store; leases end on the real clock (the
// suite waits for one of 20 ms to end).
func TestSubscriptionStore(t *testing.T, newStore func(t *testing.T) chat.SubscriptionStore) {
	t.Run("Leases", func(t *testing.T) { testLeases(t, newStore(t)) })
	t.Run("LeaseEnds", func(t *testing.T) { testLeaseEnds(t, newStore(t)) })
	t.Run("LeaseRace", func(t *testing.T) { testLeaseRace(t, newStore(t)) })
	t.Run("Records", func(t *testing.T) { testRecords(t, newStore(t)) })
	t.Run("RecordGrace", func(t *testing.T) { testRecordGrace(t, newStore(t)) })
}

func lease(t *testing.T, s chat.SubscriptionStore, name, holder string, ttl time.Duration) (chat.Lease, bool) {
	t.Helper()
	l, ok, err := s.Lease(ctx(t), name, holder, ttl)
	if err != nil {
		t.Fatalf("Lease(%q, %q): %v", name, holder, err)
	}
	if ok && (l.Name != name || l.Holder != holder || l.Token == 0) {
		t.Fatalf("Lease(%q, %q) = %+v", name, holder, l)
	}
	return l, ok
}

func testLeases(t *testing.T, s chat.SubscriptionStore) {
	a1, ok := lease(t, s, "a", "h1", time.Minute)
	if !ok {
		t.Fatal("a free lease was refused")
	}
	if _, ok := lease(t, s, "a", "h2", time.Minute); ok {
		t.Fatal("a held lease was given to another holder")
	}
	again, ok := lease(t, s, "a", "h1", time.Minute)
	if !ok || again != a1 {
		t.Fatalf("extending: %+v %v, want %+v", again, ok, a1)
	}
	b, ok := lease(t, s, "b", "h2", time.Minute)
	if !ok || b.Token <= a1.Token {
		t.Fatalf("another lease: %+v %v, want a token above %d", b, ok, a1.Token)
	}
	if err := s.ReleaseLease(ctx(t), a1); err != nil {
		t.Fatal(err)
	}
	a2, ok := lease(t, s, "a", "h2", time.Minute)
	if !ok || a2.Token <= b.Token {
		t.Fatalf("after release: %+v %v, want a token above %d", a2, ok, b.Token)
	}
	// The former holder's release does not end its successor's lease.
	if err := s.ReleaseLease(ctx(t), a1); err != nil {
		t.Fatal(err)
	}
	if _, ok := lease(t, s, "a", "h1", time.Minute); ok {
		t.Fatal("a stale release ended the successor's lease")
	}
	// Nor does the same holder's release of an earlier term.
	if err := s.ReleaseLease(ctx(t), chat.Lease{Name: "a", Holder: "h2", Token: a1.Token}); err != nil {
		t.Fatal(err)
	}
	if _, ok := lease(t, s, "a", "h1", time.Minute); ok {
		t.Fatal("a release with an old token ended the lease")
	}
}

func testLeaseEnds(t *testing.T, s chat.SubscriptionStore) {
	first, ok := lease(t, s, "c", "h1", 20*time.Millisecond)
	if !ok {
		t.Fatal("a free lease was refused")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		l, ok := lease(t, s, "c", "h2", time.Minute)
		if ok {
			if l.Token <= first.Token {
				t.Fatalf("the next holder's token %d is not above %d", l.Token, first.Token)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a lease of 20ms was still held after 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The first holder's lease has ended: it cannot write under it.
	rec := record("sub-c", "/chats/19:c@thread.v2/messages", "c")
	if ok := put(t, s, rec, "", first); ok {
		t.Fatal("a write under an ended lease went through")
	}
}

func testLeaseRace(t *testing.T, s chat.SubscriptionStore) {
	const n = 16
	var wg sync.WaitGroup
	won := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			holder := fmt.Sprintf("h%d", i)
			if _, ok, err := s.Lease(ctx(t), "race", holder, time.Minute); err == nil && ok {
				won <- holder
			}
		}()
	}
	wg.Wait()
	close(won)
	var winners []string
	for h := range won {
		winners = append(winners, h)
	}
	if len(winners) != 1 {
		t.Fatalf("%d holders took one lease at once: %v", len(winners), winners)
	}
}

// record is a subscription record with every field set.
func record(id, resource, state string) chat.SubscriptionRecord {
	return chat.SubscriptionRecord{
		Subscription: chat.Subscription{
			ID: id, Resource: resource, ChangeTypes: []chat.ChangeType{chat.ChangeCreated, chat.ChangeDeleted},
			NotificationURL: "https://hooks.contoso.example/graph", LifecycleNotificationURL: "https://hooks.contoso.example/lifecycle",
			ExpiresAt: time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond), ApplicationID: "app-1", CreatorID: "user-1",
		},
		ClientStateHash: sha256.Sum256([]byte(state)),
	}
}

func put(t *testing.T, s chat.SubscriptionStore, rec chat.SubscriptionRecord, replaces string, fence chat.Lease) bool {
	t.Helper()
	ok, err := s.Put(ctx(t), rec, replaces, fence)
	if err != nil {
		t.Fatalf("Put(%s, replaces %q): %v", rec.Subscription.ID, replaces, err)
	}
	return ok
}

func del(t *testing.T, s chat.SubscriptionStore, resource, id string, fence chat.Lease) bool {
	t.Helper()
	ok, err := s.Delete(ctx(t), resource, id, fence)
	if err != nil {
		t.Fatalf("Delete(%s): %v", id, err)
	}
	return ok
}

// sameRecord compares records, times by instant.
func sameRecord(a, b chat.SubscriptionRecord) bool {
	if !a.Subscription.ExpiresAt.Equal(b.Subscription.ExpiresAt) {
		return false
	}
	a.Subscription.ExpiresAt, b.Subscription.ExpiresAt = time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

// wantOnly checks that the store holds exactly recs, found by id, by
// resource and in the list; gone are ids it must not find.
func wantOnly(t *testing.T, s chat.SubscriptionStore, gone []string, recs ...chat.SubscriptionRecord) {
	t.Helper()
	for _, rec := range recs {
		byID, ok, err := s.Subscription(ctx(t), rec.Subscription.ID)
		if err != nil || !ok || !sameRecord(byID, rec) {
			t.Fatalf("Subscription(%s) = %+v, %v, %v; want %+v", rec.Subscription.ID, byID, ok, err, rec)
		}
		byRes, ok, err := s.Resource(ctx(t), rec.Subscription.Resource)
		if err != nil || !ok || !sameRecord(byRes, rec) {
			t.Fatalf("Resource(%s) = %+v, %v, %v; want %+v", rec.Subscription.Resource, byRes, ok, err, rec)
		}
	}
	for _, id := range gone {
		if _, ok, err := s.Subscription(ctx(t), id); err != nil || ok {
			t.Fatalf("Subscription(%s) found (%v, %v) a record that is gone", id, ok, err)
		}
	}
	all, err := s.Subscriptions(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(recs) {
		t.Fatalf("Subscriptions() has %d records, want %d: %+v", len(all), len(recs), all)
	}
	for _, rec := range recs {
		found := false
		for _, got := range all {
			found = found || sameRecord(got, rec)
		}
		if !found {
			t.Fatalf("Subscriptions() lacks %+v", rec)
		}
	}
}

func testRecords(t *testing.T, s chat.SubscriptionStore) {
	const res = "/chats/19:abc@thread.v2/messages"
	if _, ok, err := s.Resource(ctx(t), res); err != nil || ok {
		t.Fatalf("an empty store has a record (%v, %v)", ok, err)
	}
	hold, _ := lease(t, s, "resource:"+res, "h1", time.Minute)
	first := record("sub-1", res, "state-1")
	if !put(t, s, first, "", hold) {
		t.Fatal("the first record was not written")
	}
	wantOnly(t, s, nil, first)
	if put(t, s, record("sub-x", res, "x"), "", hold) {
		t.Fatal("a second record for the resource was written over the first")
	}
	if put(t, s, record("sub-x", res, "x"), "sub-other", hold) {
		t.Fatal("a record replacing another id was written")
	}

	// A fence that ended, or that another holder took over, writes nothing.
	if err := s.ReleaseLease(ctx(t), hold); err != nil {
		t.Fatal(err)
	}
	renewed := first
	renewed.Subscription.ExpiresAt = first.Subscription.ExpiresAt.Add(time.Hour)
	if put(t, s, renewed, "sub-1", hold) {
		t.Fatal("a write under a released lease went through")
	}
	leader, _ := lease(t, s, "leader", "h2", time.Minute)
	if put(t, s, renewed, "sub-1", chat.Lease{Name: "leader", Holder: "h1", Token: leader.Token - 1}) {
		t.Fatal("a write under a stale token went through")
	}
	if del(t, s, res, "sub-1", hold) {
		t.Fatal("a delete under a released lease went through")
	}
	wantOnly(t, s, nil, first)

	// A renewal under the leader's lease, then a replacement.
	if !put(t, s, renewed, "sub-1", leader) {
		t.Fatal("the renewal was not written")
	}
	wantOnly(t, s, nil, renewed)
	second := record("sub-2", res, "state-2")
	if !put(t, s, second, "sub-1", leader) {
		t.Fatal("the replacement was not written")
	}
	wantOnly(t, s, []string{"sub-1"}, second)
	if put(t, s, renewed, "sub-1", leader) {
		t.Fatal("a renewal of the replaced subscription brought it back")
	}

	// Another resource beside it.
	const other = "/teams/t1/channels/19:c@thread.tacv2/messages"
	third := record("sub-3", other, "state-3")
	third.Subscription.LifecycleNotificationURL = ""
	third.Subscription.ChangeTypes = nil
	if !put(t, s, third, "", leader) {
		t.Fatal("a record of another resource was not written")
	}
	wantOnly(t, s, nil, second, third)

	// Delete only the expected subscription, under a lease still held.
	if del(t, s, res, "sub-1", leader) {
		t.Fatal("deleted a record by a replaced id")
	}
	if !del(t, s, res, "sub-2", leader) {
		t.Fatal("the record was not deleted")
	}
	wantOnly(t, s, []string{"sub-1", "sub-2"}, third)
	if put(t, s, second, "sub-2", leader) {
		t.Fatal("a renewal brought a deleted subscription back")
	}
	if del(t, s, res, "sub-2", leader) {
		t.Fatal("deleted twice")
	}
}

func testRecordGrace(t *testing.T, s chat.SubscriptionStore) {
	hold, _ := lease(t, s, "leader", "h1", time.Minute)
	old := record("sub-old", "/chats/19:old@thread.v2/messages", "s")
	old.Subscription.ExpiresAt = time.Now().Add(-chat.SubscriptionRecordGrace - time.Minute)
	// Expired past its grace: the store may refuse it or drop it, but never
	// hand it back.
	_ = put(t, s, old, "", hold)
	within := record("sub-within", "/chats/19:within@thread.v2/messages", "s")
	within.Subscription.ExpiresAt = time.Now().Add(-time.Minute).UTC().Truncate(time.Millisecond)
	if !put(t, s, within, "", hold) {
		t.Fatal("a record expired within its grace was not written")
	}
	wantOnly(t, s, []string{"sub-old"}, within)
}
