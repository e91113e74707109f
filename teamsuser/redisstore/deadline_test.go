package redisstore

import (
	"bufio"
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// fakeRedis is a Redis that answers each command (an array of bulk
// strings) with what reply returns for it, in RESP; "" sends nothing. It
// returns the address and stops when the test ends.
func fakeRedis(t *testing.T, reply func(args []string) string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	t.Cleanup(func() { _ = ln.Close(); <-done })
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				_ = c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			go serveFake(c, reply)
		}
	}()
	return ln.Addr().String()
}

// serveFake reads RESP commands from c until it closes.
func serveFake(c net.Conn, reply func(args []string) string) {
	rd := bufio.NewReader(c)
	line := func() (string, error) {
		s, err := rd.ReadString('\n')
		return strings.TrimRight(s, "\r\n"), err
	}
	for {
		h, err := line()
		if err != nil || !strings.HasPrefix(h, "*") {
			return
		}
		n, _ := strconv.Atoi(h[1:])
		var args []string
		for range n {
			l, err := line()
			if err != nil || !strings.HasPrefix(l, "$") {
				return
			}
			size, _ := strconv.Atoi(l[1:])
			b := make([]byte, size+2)
			if _, err := io.ReadFull(rd, b); err != nil {
				return
			}
			args = append(args, string(b[:size]))
		}
		if r := reply(args); r != "" {
			if _, err := io.WriteString(c, r); err != nil {
				return
			}
		}
	}
}

// silentSubscribe answers every command with an error, as a server that
// knows none of them would, except SUBSCRIBE, which it never confirms: a
// connection that went dead after its handshake.
func silentSubscribe(args []string) string {
	if len(args) > 0 && strings.EqualFold(args[0], "subscribe") {
		return ""
	}
	return "-ERR unknown command\r\n"
}

// TestWaitBoundedWhenTheSubscriptionIsNotConfirmed: Wait with a context
// that has no deadline returns (with an error) when Redis never confirms
// the store's subscription — a PubSub's Receive does not use the client's
// ReadTimeout, and it waited for ever.
func TestWaitBoundedWhenTheSubscriptionIsNotConfirmed(t *testing.T) {
	defer func(d time.Duration) { subscribeTimeout = d }(subscribeTimeout)
	subscribeTimeout = 50 * time.Millisecond
	rdb := redis.NewClient(&redis.Options{Addr: fakeRedis(t, silentSubscribe), MaxRetries: -1, ReadTimeout: time.Second})
	defer rdb.Close()
	s, err := New(rdb, nil)
	require.NoError(t, err)
	defer s.Close()

	done := make(chan error, 1)
	go func() { done <- s.Tokens().Wait(context.Background(), "user") }()
	select {
	case err := <-done:
		require.ErrorContains(t, err, "unknown command", "the look at the lease after the subscription gave up")
	case <-time.After(time.Minute): // a watchdog, not a measure: the fix returns in about 50 ms + 1 s
		t.Fatal("Wait still waits for the subscription's confirmation after a minute")
	}
}

// TestNewRefusesAClientWithoutDeadlines: the store's calls are bounded by
// the client's socket timeouts only (go-redis passes a context's deadline
// to the socket only with ContextTimeoutEnabled), so a client that turned
// them off is refused.
func TestNewRefusesAClientWithoutDeadlines(t *testing.T) {
	for _, o := range []*redis.Options{
		{ReadTimeout: -1},
		{ReadTimeout: -2},
		{ReadTimeout: -1, ContextTimeoutEnabled: true},
		{WriteTimeout: -1},
		{WriteTimeout: -2},
	} {
		o.Addr = "127.0.0.1:1"
		rdb := redis.NewClient(o)
		_, err := New(rdb, nil)
		var ae *ArgumentError
		require.ErrorAs(t, err, &ae, "read %v write %v", o.ReadTimeout, o.WriteTimeout)
		require.Equal(t, "rdb", ae.Arg)
		_ = rdb.Close()
	}
	cl := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"127.0.0.1:1"}, ReadTimeout: -1})
	_, err := New(cl, nil)
	require.ErrorContains(t, err, "read timeout")
	_ = cl.Close()

	for _, o := range []*redis.Options{{}, {ReadTimeout: time.Second}, {ReadTimeout: time.Second, WriteTimeout: 2 * time.Second}} {
		o.Addr = "127.0.0.1:1"
		rdb := redis.NewClient(o)
		s, err := New(rdb, nil)
		require.NoError(t, err, "go-redis's defaults and positive timeouts bound every call")
		require.NoError(t, s.Close())
		_ = rdb.Close()
	}
}

// TestOddScriptRepliesRefused: a reply of a script's other than the shape
// the script returns (a proxy's, another script's under the same SHA1) is
// an error, never an index out of range.
func TestOddScriptRepliesRefused(t *testing.T) {
	for _, odd := range []string{"*0\r\n", "*1\r\n:1\r\n", ":1\r\n", "$-1\r\n"} {
		addr := fakeRedis(t, func(args []string) string {
			if len(args) > 0 && strings.HasPrefix(strings.ToLower(args[0]), "eval") {
				return odd
			}
			return "-ERR unknown command\r\n"
		})
		rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
		s, err := New(rdb, nil)
		require.NoError(t, err)
		ctx := context.Background()
		_, _, err = s.Budget().Reserve(ctx, "res", 1, time.Second, time.Now(), 0)
		require.Error(t, err, "Reserve, reply %q", odd)
		_, _, err = s.RateLimits().Take(ctx, "user", 1, time.Second, time.Now())
		require.Error(t, err, "Take, reply %q", odd)
		cs, err := s.ChatSubscriptions("alice")
		require.NoError(t, err)
		_, _, err = cs.Lease(ctx, "leader", "h", time.Second)
		require.Error(t, err, "Lease, reply %q", odd)
		require.NoError(t, s.Close())
		require.NoError(t, rdb.Close())
	}
}
