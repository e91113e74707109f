package chat

import (
	"context"
	"crypto/sha256"
	"sort"
	"sync"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// SubscriptionStore keeps the subscriptions of a SubscriptionManager where
// every replica of a service finds them, so that
//
//   - a notification is accepted by whichever replica it reaches (each
//     record holds the digest of its subscription's client state);
//   - each resource has one subscription however many replicas subscribe
//     to it (a creation is fenced by a lease on the resource);
//   - one replica at a time, the leader, renews the subscriptions, those of
//     a replica that crashed included (its writes are fenced by the leader
//     lease).
//
// A lease is fenced: it carries a token, and every write names the lease it
// is made under and happens only while that lease is still held with that
// token. A holder paused past its lease's end (a long GC pause, a frozen
// VM) then cannot overwrite what its successor wrote.
//
// The in-memory store (NewMemorySubscriptionStore) serves the replicas of
// one process; package teamsuser/redisstore has one on Redis for replicas
// of a service. One store (or one namespace of a shared store) belongs to
// the managers of one configuration — the same user, notification URL and
// options on every replica — and all of them share it.
//
// chattest.TestSubscriptionStore checks an implementation.
type SubscriptionStore interface {
	// Lease takes the lease name for holder until ttl has passed, or
	// extends it when holder holds it already. It returns the lease and
	// true, or false while another holder's lease has not ended. A lease
	// newly taken has a token greater than every token the store handed
	// out before, for any name; an extended one keeps its token.
	Lease(ctx context.Context, name, holder string, ttl time.Duration) (Lease, bool, error)
	// ReleaseLease ends l if it is still held with l's token; otherwise it
	// does nothing.
	ReleaseLease(ctx context.Context, l Lease) error
	// Subscription returns the record of the subscription with id
	// subscriptionID, and false if there is none.
	Subscription(ctx context.Context, subscriptionID string) (SubscriptionRecord, bool, error)
	// Resource returns the record of the subscription to resource, and
	// false if there is none.
	Resource(ctx context.Context, resource string) (SubscriptionRecord, bool, error)
	// Subscriptions returns every record, in no particular order.
	Subscriptions(ctx context.Context) ([]SubscriptionRecord, error)
	// Put makes rec the record of rec.Subscription.Resource, provided that
	// fence is held and that the resource's subscription id is replaces
	// ("": the resource has none); the record of replaces, when another id,
	// is removed. It returns false, and writes nothing, when either does
	// not hold. A record may be dropped once its subscription has expired
	// (SubscriptionRecordGrace after Subscription.ExpiresAt).
	Put(ctx context.Context, rec SubscriptionRecord, replaces string, fence Lease) (bool, error)
	// Delete removes the record of resource, provided that fence is held
	// and that the record's id is subscriptionID. It returns false, and
	// removes nothing, when either does not hold.
	Delete(ctx context.Context, resource, subscriptionID string, fence Lease) (bool, error)
}

// Lease is a fenced lease of a SubscriptionStore.
type Lease struct {
	// Name is what the lease is for.
	Name string
	// Holder is who holds it.
	Holder string
	// Token is the fencing token: it grows with every lease taken.
	Token uint64
}

// SubscriptionRecord is a subscription as a SubscriptionStore keeps it:
// never with its client state, only with the state's digest.
type SubscriptionRecord struct {
	// Subscription is the subscription.
	Subscription Subscription
	// ClientStateHash is the SHA-256 digest of the subscription's client
	// state: enough to check the client state of a notification, and of no
	// use to anyone who reads the store (a SubscriptionManager's client
	// state is 32 random bytes, too many to guess from their digest, so a
	// keyed hash would add nothing but a key to manage).
	ClientStateHash [sha256.Size]byte
}

// SubscriptionRecordGrace is how long a store keeps a record after its
// subscription's expiry: time for a leader to find it and create the
// subscription again after an outage longer than the subscription.
const SubscriptionRecordGrace = time.Hour

// hashClientState is the digest a SubscriptionRecord holds.
func hashClientState(s string) [sha256.Size]byte { return sha256.Sum256([]byte(s)) }

// NewMemorySubscriptionStore returns a SubscriptionStore in this process's
// memory, whose leases end on clock (nil: the system clock). It is what a
// SubscriptionManager uses without SubscriptionManagerOptions.Store, and it
// lets several managers of one process (replicas in a test) share their
// subscriptions. It is safe for concurrent use.
func NewMemorySubscriptionStore(clock identity.Clock) SubscriptionStore {
	if clock == nil {
		clock = identity.SystemClock()
	}
	return &memoryStore{clock: clock, leases: map[string]memLease{}, byRes: map[string]SubscriptionRecord{}, byID: map[string]string{}}
}

type memoryStore struct {
	clock identity.Clock

	mu     sync.Mutex
	token  uint64
	leases map[string]memLease
	byRes  map[string]SubscriptionRecord // by resource
	byID   map[string]string             // subscription id -> resource
}

type memLease struct {
	l   Lease
	end time.Time
}

func (s *memoryStore) Lease(_ context.Context, name, holder string, ttl time.Duration) (Lease, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	cur, ok := s.leases[name]
	switch {
	case ok && now.Before(cur.end) && cur.l.Holder != holder:
		return Lease{}, false, nil
	case ok && now.Before(cur.end):
		cur.end = now.Add(ttl)
		s.leases[name] = cur
		return cur.l, true, nil
	}
	s.token++
	l := Lease{Name: name, Holder: holder, Token: s.token}
	s.leases[name] = memLease{l: l, end: now.Add(ttl)}
	return l, true, nil
}

func (s *memoryStore) ReleaseLease(_ context.Context, l Lease) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.leases[l.Name]; ok && cur.l == l {
		delete(s.leases, l.Name)
	}
	return nil
}

// heldLocked reports that l is held and has not ended.
func (s *memoryStore) heldLocked(l Lease) bool {
	cur, ok := s.leases[l.Name]
	return ok && cur.l == l && s.clock.Now().Before(cur.end)
}

// liveLocked returns the record of resource unless it has outlived its
// grace, which it then drops.
func (s *memoryStore) liveLocked(resource string) (SubscriptionRecord, bool) {
	rec, ok := s.byRes[resource]
	if ok && !s.clock.Now().Before(rec.Subscription.ExpiresAt.Add(SubscriptionRecordGrace)) {
		delete(s.byRes, resource)
		delete(s.byID, rec.Subscription.ID)
		return SubscriptionRecord{}, false
	}
	return rec, ok
}

func (s *memoryStore) Subscription(_ context.Context, id string) (SubscriptionRecord, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, ok := s.byID[id]
	if !ok {
		return SubscriptionRecord{}, false, nil
	}
	rec, ok := s.liveLocked(res)
	return rec, ok, nil
}

func (s *memoryStore) Resource(_ context.Context, resource string) (SubscriptionRecord, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.liveLocked(resource)
	return rec, ok, nil
}

func (s *memoryStore) Subscriptions(context.Context) ([]SubscriptionRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res := make([]string, 0, len(s.byRes))
	for r := range s.byRes {
		res = append(res, r)
	}
	sort.Strings(res)
	out := make([]SubscriptionRecord, 0, len(res))
	for _, r := range res {
		if rec, ok := s.liveLocked(r); ok {
			out = append(out, rec)
		}
	}
	return out, nil
}

func (s *memoryStore) Put(_ context.Context, rec SubscriptionRecord, replaces string, fence Lease) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res := rec.Subscription.Resource
	cur, _ := s.liveLocked(res)
	if !s.heldLocked(fence) || cur.Subscription.ID != replaces {
		return false, nil
	}
	if replaces != "" {
		delete(s.byID, replaces)
	}
	rec.Subscription.ChangeTypes = append([]ChangeType(nil), rec.Subscription.ChangeTypes...)
	s.byRes[res] = rec
	s.byID[rec.Subscription.ID] = res
	return true, nil
}

func (s *memoryStore) Delete(_ context.Context, resource, id string, fence Lease) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.liveLocked(resource)
	if !s.heldLocked(fence) || !ok || cur.Subscription.ID != id {
		return false, nil
	}
	delete(s.byRes, resource)
	delete(s.byID, id)
	return true, nil
}
