package redisstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

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
	mu     sync.Mutex // orders spawn and Close
	wg     sync.WaitGroup

	relOnce sync.Once
	rel     *releases // the waiters of token leases; see releases()
}

// New returns a Store on rdb. It does no I/O: a Redis that cannot be
// reached fails the store's calls, not New. It fails with an
// *ArgumentError when rdb is nil, when rdb is a *redis.Client or
// *redis.ClusterClient whose ReadTimeout or WriteTimeout is off (see
// Deadlines in the package doc), or when opts.Prefix holds '{' or '}'.
func New(rdb redis.UniversalClient, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if rdb == nil {
		return nil, &ArgumentError{Arg: "rdb", Problem: "is nil"}
	}
	if err := checkTimeouts(rdb); err != nil {
		return nil, err
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

// checkTimeouts refuses a *redis.Client or *redis.ClusterClient whose
// socket reads or writes have no deadline (ReadTimeout or WriteTimeout -1
// or -2): the store's calls are bounded by those deadlines alone, since
// go-redis hands a call's context deadline to the socket only with
// ContextTimeoutEnabled, so one call to a Redis that accepts connections
// and never answers (a failover in progress, a network that drops packets)
// would wait for ever. go-redis's defaults (5 s) bound them. Another
// implementation of redis.UniversalClient is the application's to bound.
func checkTimeouts(rdb redis.UniversalClient) error {
	var read, write time.Duration
	switch c := rdb.(type) {
	case *redis.Client:
		read, write = c.Options().ReadTimeout, c.Options().WriteTimeout
	case *redis.ClusterClient:
		read, write = c.Options().ReadTimeout, c.Options().WriteTimeout
	default:
		return nil
	}
	// go-redis keeps a timeout that is off as 0 (asked as -1) or -1
	// (asked as -2).
	switch {
	case read <= 0:
		return &ArgumentError{Arg: "rdb", Problem: "has no read timeout (Options.ReadTimeout): every call of the store needs a deadline"}
	case write <= 0:
		return &ArgumentError{Arg: "rdb", Problem: "has no write timeout (Options.WriteTimeout): every call of the store needs a deadline"}
	}
	return nil
}

// Close stops the store's background work and waits for it. Later calls of
// the store's methods fail with ErrClosed. It is safe to call more than
// once and returns nil.
func (s *Store) Close() error {
	s.mu.Lock()
	s.cancel()
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// spawn runs fn in a goroutine that Close waits for, and reports false,
// running nothing, once the store is closed. fn must return soon after
// s.ctx ends.
func (s *Store) spawn(fn func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx.Err() != nil {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		fn()
	}()
	return true
}

// key returns the key of kind for id: the prefix, the kind, and id as the
// hash tag, so that every key of one id falls in one cluster slot and a Lua
// script may touch them together.
func (s *Store) key(kind, id string) string {
	return s.prefix + kind + ":{" + id + "}"
}

// check returns ErrClosed after Close and ctx's error when it has ended.
func (s *Store) check(ctx context.Context) error {
	if s.ctx.Err() != nil {
		return ErrClosed
	}
	return ctx.Err()
}

// wrap names a Redis failure as the store's.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("redisstore: %s: %w", op, err)
}

// pair reads the reply of a script that returns two integers; any other
// reply is an error.
func pair(cmd *redis.Cmd) (int64, int64, error) {
	res, err := cmd.Int64Slice()
	if err != nil {
		return 0, 0, err
	}
	if len(res) != 2 {
		return 0, 0, fmt.Errorf("a reply of %d integers, want 2", len(res))
	}
	return res[0], res[1], nil
}

// newVersion returns a random version: 128 bits, never reused in practice,
// so a write made before Redis lost its data (a restart, a failover) can
// never match a version written after.
func newVersion() string {
	return rand.Text()
}

// millis is d in whole milliseconds, at least one: Redis's PX unit.
func millis(d time.Duration) int64 {
	return max(int64((d+time.Millisecond-1)/time.Millisecond), 1)
}
