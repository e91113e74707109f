package redisstore

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// CallStore is the store's calling.VersionedStore, the compare-and-set of
// call statuses that calling.NewSharedTrackerStore builds a tracker store
// shared by replicas on:
//
//	trackerStore, err := calling.NewSharedTrackerStore(store.Calls(), nil)
//	tracker, err := calling.NewTracker(client, &calling.TrackerOptions{Store: trackerStore, SharedStore: true})
//
// Each call's status is one hash, <prefix>call:{<call connection id>}, with
// its version and its JSON, kept for the TTL the tracker store asks
// (calling.DefaultTrackerTTL after the last change, calling.DefaultEndedTrackerTTL
// once the call ended). A compare-and-set is one Lua script.
//
// What an outage loses: while Redis is unreachable, the trackers' Apply and
// Status fail (the events' changes are not recorded; Call Automation's
// callbacks that the application answered with an error are not redelivered,
// so record them again from Status, which reads a call the store does not
// know from the service). When Redis comes back empty, every call is unknown:
// Status reads each from the service once (Tracker.Refresh), and events apply
// to that; the ids of events applied before are lost, so an event delivered
// again after the restart can be applied again (it changes nothing unless
// the call's state moved on since).
type CallStore struct{ s *Store }

// Calls returns the store's calling.VersionedStore.
func (s *Store) Calls() *CallStore { return &CallStore{s} }

const callKind = "call"

// Load returns the status stored under key (a call connection id) and its
// version, or nil and "" when none is stored.
func (c *CallStore) Load(ctx context.Context, key string) ([]byte, string, error) {
	if err := c.s.check(ctx); err != nil {
		return nil, "", err
	}
	if key == "" {
		return nil, "", &ArgumentError{Arg: "key", Problem: "is empty"}
	}
	vals, err := c.s.rdb.HMGet(ctx, c.s.key(callKind, key), "v", "d").Result()
	if err != nil {
		return nil, "", wrap("load a call status", err)
	}
	ver, _ := vals[0].(string)
	data, _ := vals[1].(string)
	if ver == "" {
		return nil, "", nil
	}
	return []byte(data), ver, nil
}

// casScript stores ARGV[2] (with a new version ARGV[3], for ARGV[4] ms) when
// the stored version is ARGV[1] ("" for none).
var casScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'v') or ''
if cur ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[3], 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`)

// CompareAndSwap stores value under key for ttl when the stored version is
// still version ("": none is stored), and reports false, storing nothing,
// when another write came first.
func (c *CallStore) CompareAndSwap(ctx context.Context, key, version string, value []byte, ttl time.Duration) (bool, error) {
	if err := c.s.check(ctx); err != nil {
		return false, err
	}
	switch {
	case key == "":
		return false, &ArgumentError{Arg: "key", Problem: "is empty"}
	case ttl <= 0:
		return false, &ArgumentError{Arg: "ttl", Problem: "must be positive"}
	}
	n, err := casScript.Run(ctx, c.s.rdb, []string{c.s.key(callKind, key)}, version, value, newVersion(), millis(ttl)).Int()
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, wrap("store a call status", err)
	}
	return n == 1, nil
}
