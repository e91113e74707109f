package redisstore

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// DefaultPrefix is the key prefix of a Store whose Options.Prefix is empty.
const DefaultPrefix = "teamsuser:"

// Options are the optional parameters of New.
type Options struct {
	// Prefix starts every key the store writes; empty means DefaultPrefix.
	// It must not contain '{' or '}', which Redis Cluster reads as a hash
	// tag.
	Prefix string
}

// ArgumentError reports an argument that cannot work, found before
// anything was sent to Redis. Its text, "redisstore: invalid <Arg>:
// <Problem>", names the argument and the problem, never the argument's
// value, which may be a secret; it has the shape of every package's
// ArgumentError in the module.
type ArgumentError struct {
	// Arg names the argument: a parameter, or an option as opts.<Field>.
	Arg string
	// Problem says what is wrong with it, in a lowercase phrase.
	Problem string
	// Err, when not nil, is a sentinel the problem is an instance of;
	// errors.Is finds it.
	Err error
}

// Error implements error.
func (e *ArgumentError) Error() string { return "redisstore: invalid " + e.Arg + ": " + e.Problem }

// Unwrap returns Err.
func (e *ArgumentError) Unwrap() error { return e.Err }

// ErrClosed is the error of a Store's methods after Close.
var ErrClosed = errors.New("redisstore: store is closed")

// Store holds the shared state of a service's replicas on Redis. It is
// safe for concurrent use. Close it when done: it stops the store's
// background work (subscriptions), but not the redis client, which belongs
// to the caller.
type Store struct {
	rdb    redis.UniversalClient
	prefix string

	ctx    context.Context // cancelled by Close; the parent of background work
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

// New returns a Store on rdb. It does no I/O: a Redis that cannot be
// reached fails the store's calls, not New.
func New(rdb redis.UniversalClient, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if rdb == nil {
		return nil, &ArgumentError{Arg: "rdb", Problem: "is nil"}
	}
	if strings.ContainsAny(o.Prefix, "{}") {
		return nil, &ArgumentError{Arg: "opts.Prefix", Problem: "must not contain '{' or '}'"}
	}
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	s := &Store{rdb: rdb, prefix: o.Prefix}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// Close stops the store's background work and waits for it. Later calls of
// the store's methods fail with ErrClosed. It is safe to call more than
// once and returns nil.
func (s *Store) Close() error {
	s.once.Do(s.cancel)
	s.wg.Wait()
	return nil
}
