package calling

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// VersionedStore keeps byte values under keys with compare-and-set: the
// primitive that NewSharedTrackerStore builds a TrackerStore shared by
// replicas on. teamsuser/redisstore implements it on Redis; a database row
// with a version column does as well. Implementations must be safe for
// concurrent use, by every replica at once.
type VersionedStore interface {
	// Load returns the value stored under key and its version, or nil and
	// "" when nothing is stored.
	Load(ctx context.Context, key string) (value []byte, version string, err error)
	// CompareAndSwap stores value under key, to be kept for at least ttl,
	// if the stored version is still version ("": nothing is stored), and
	// gives it a new version that the key has never had. It reports false,
	// storing nothing, when another write came first.
	CompareAndSwap(ctx context.Context, key, version string, value []byte, ttl time.Duration) (bool, error)
}

// Defaults of SharedTrackerStoreOptions.
const (
	// DefaultTrackerTTL is how long a shared store keeps the status of a
	// call that is not over after its last change. A choice: no event for
	// a day means the call's events are lost, and Status reads the call
	// from the service again.
	DefaultTrackerTTL = 24 * time.Hour
	// DefaultEndedTrackerTTL is how long a shared store keeps the status
	// of an ended call: long enough to ignore the late and repeated
	// deliveries of its events (a choice).
	DefaultEndedTrackerTTL = time.Hour
)

// ErrTrackerContention is the error of a shared tracker store's Update that
// lost the compare-and-set to other writers of the same call
// maxSharedAttempts times in a row.
var ErrTrackerContention = errors.New("calling: too many concurrent updates of one call status")

// maxSharedAttempts bounds the compare-and-set attempts of one Update. Each
// lost attempt means another writer stored a change, so only as many
// writers as there are replicas receiving one call's events can contend.
const maxSharedAttempts = 64

// SharedTrackerStoreOptions are the optional parameters of
// NewSharedTrackerStore.
type SharedTrackerStoreOptions struct {
	// TTL is how long a call's status is kept after its last change while
	// the call is not over; zero means DefaultTrackerTTL.
	TTL time.Duration
	// EndedTTL is how long the status of an ended call is kept; zero means
	// DefaultEndedTrackerTTL.
	EndedTTL time.Duration
}

// NewSharedTrackerStore returns a TrackerStore on kv that every replica of
// a service can share (with TrackerOptions.SharedStore set): each status is
// kept whole in its versioned JSON form (CallStatus.MarshalJSON), the
// tracker's de-duplication state included, and each Update is a
// compare-and-set, read and tried again when another replica changed the
// call in between, so no event's change is lost and each change is made
// (and reported to TrackerOptions.OnChange) by exactly one replica, in
// whatever order and on whatever replica the events arrive. The keys are the
// call connection ids.
//
// Statuses that kv cannot read (written by a later release, see
// CallStatusCodecVersion) fail Update and Get rather than being overwritten.
func NewSharedTrackerStore(kv VersionedStore, opts *SharedTrackerStoreOptions) (TrackerStore, error) {
	if kv == nil {
		return nil, argErr("kv", "is nil")
	}
	s := &sharedStore{kv: kv, ttl: DefaultTrackerTTL, endedTTL: DefaultEndedTrackerTTL}
	if opts != nil {
		switch {
		case opts.TTL < 0:
			return nil, argErr("opts.TTL", "must not be negative")
		case opts.EndedTTL < 0:
			return nil, argErr("opts.EndedTTL", "must not be negative")
		}
		if opts.TTL > 0 {
			s.ttl = opts.TTL
		}
		if opts.EndedTTL > 0 {
			s.endedTTL = opts.EndedTTL
		}
	}
	return s, nil
}

type sharedStore struct {
	kv            VersionedStore
	ttl, endedTTL time.Duration
}

func (s *sharedStore) load(ctx context.Context, id string) (CallStatus, string, error) {
	b, ver, err := s.kv.Load(ctx, id)
	if err != nil || ver == "" {
		return CallStatus{}, "", err
	}
	var st CallStatus
	if err := json.Unmarshal(b, &st); err != nil {
		return CallStatus{}, "", fmt.Errorf("calling: the stored status of call connection %q: %w", id, err)
	}
	return st, ver, nil
}

func (s *sharedStore) Update(ctx context.Context, id string, fn func(*CallStatus) bool) (CallStatus, error) {
	for range maxSharedAttempts {
		st, ver, err := s.load(ctx, id)
		if err != nil {
			return CallStatus{}, err
		}
		if !fn(&st) {
			return publicCopy(st), nil
		}
		b, err := json.Marshal(st)
		if err != nil {
			return CallStatus{}, fmt.Errorf("calling: encode the status of call connection %q: %w", id, err)
		}
		ttl := s.ttl
		if st.Ended() {
			ttl = s.endedTTL
		}
		ok, err := s.kv.CompareAndSwap(ctx, id, ver, b, ttl)
		if err != nil {
			return CallStatus{}, err
		}
		if ok {
			return publicCopy(st), nil
		}
	}
	return CallStatus{}, fmt.Errorf("%w (call connection %q)", ErrTrackerContention, id)
}

func (s *sharedStore) Get(ctx context.Context, id string) (CallStatus, bool, error) {
	st, ver, err := s.load(ctx, id)
	return publicCopy(st), err == nil && ver != "", err
}
