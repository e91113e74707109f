package chat_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
)

// receive reads n messages from out, failing after a generous real-time
// bound (which only a broken watcher reaches).
func receive(t *testing.T, out <-chan chat.Message, n int) []chat.Message {
	t.Helper()
	var got []chat.Message
	for len(got) < n {
		select {
		case m := <-out:
			got = append(got, m)
		case <-time.After(10 * time.Second):
			t.Fatalf("got %d of %d messages", len(got), n)
		}
	}
	return got
}

func contents(ms []chat.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Body.Content
	}
	return out
}

// watchEnv starts WatchTo on svc in a goroutine and returns its output.
func watchEnv(t *testing.T, g *fakeGraph, svc chat.Service, chatID string, o *chat.WatchOptions) (<-chan chat.Message, func() error) {
	t.Helper()
	if o.Clock == nil {
		o.Clock = g.clock
	}
	out := make(chan chat.Message)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- chat.WatchTo(ctx, svc, chatID, out, o) }()
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() {
			cancel()
			err = <-done
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return out, stop
}

func TestWatchNewMessages(t *testing.T) {
	for _, face := range []string{"client", "go face"} {
		t.Run(face, func(t *testing.T) {
			g := newFakeGraph(t)
			var svc chat.Service = g.svc.As(g.seeded.Alice.ID)
			if face == "client" {
				svc = g.client(t, g.seeded.Alice, func(o *chat.ClientOptions) { o.Clock = g.clock })
			}
			chatID := g.seeded.Meeting.ChatID
			bob := g.seeded.Bob.ID
			_, err := g.svc.Post(bob, chatID, "before the watch")
			require.NoError(t, err)
			g.clock.Advance(time.Minute)

			out, stop := watchEnv(t, g, svc, chatID, &chat.WatchOptions{Interval: 10 * time.Second})
			wait, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			require.NoError(t, g.clock.BlockUntil(wait, 1), "first poll done, waiting for the next")

			for i := range 3 {
				_, err := g.svc.Post(bob, chatID, fmt.Sprintf("new %d", i))
				require.NoError(t, err)
			}
			g.clock.Advance(10 * time.Second)
			require.Equal(t, []string{"new 0", "new 1", "new 2"}, contents(receive(t, out, 3)))

			// An edit of an old message is not new; a later message is.
			require.NoError(t, g.clock.BlockUntil(wait, 1))
			g.clock.Advance(2 * time.Second)
			m, err := g.svc.Post(bob, chatID, "new 3")
			require.NoError(t, err)
			_, err = g.svc.As(bob).EditMessage(context.Background(), chatID, m.ID, chat.TextMessage("new 3, edited"), nil)
			require.NoError(t, err)
			g.clock.Advance(8 * time.Second)
			got := receive(t, out, 1)
			require.Equal(t, m.ID, got[0].ID)

			// Nothing new: the next poll yields nothing, and the overlap never
			// yields a message twice.
			require.NoError(t, g.clock.BlockUntil(wait, 1))
			g.clock.Advance(10 * time.Second)
			require.NoError(t, g.clock.BlockUntil(wait, 1))
			select {
			case m := <-out:
				t.Fatalf("unexpected %q", m.Body.Content)
			default:
			}
			require.ErrorIs(t, stop(), context.Canceled)

			// Each poll asked only for what changed, newest first, in pages of 50.
			for _, r := range g.svc.Requests() {
				if r.Op == fake.OpListMessages {
					require.Contains(t, r.Query, "lastModifiedDateTime")
				}
			}
		})
	}
}

func TestWatchIncludeChanges(t *testing.T) {
	g := newFakeGraph(t)
	chatID := g.seeded.Meeting.ChatID
	bob := g.svc.As(g.seeded.Bob.ID)
	out, stop := watchEnv(t, g, g.svc.As(g.seeded.Alice.ID), chatID, &chat.WatchOptions{Interval: 5 * time.Second, IncludeChanges: true})
	wait, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, g.clock.BlockUntil(wait, 1))
	g.clock.Advance(time.Second)
	m, err := bob.SendMessage(context.Background(), chatID, chat.TextMessage("draft"), nil)
	require.NoError(t, err)
	g.clock.Advance(4 * time.Second)
	require.Equal(t, []string{"draft"}, contents(receive(t, out, 1)))

	require.NoError(t, g.clock.BlockUntil(wait, 1))
	g.clock.Advance(time.Second)
	_, err = bob.EditMessage(context.Background(), chatID, m.Message.ID, chat.TextMessage("final"), nil)
	require.NoError(t, err)
	g.clock.Advance(4 * time.Second)
	got := receive(t, out, 1)
	require.Equal(t, "final", got[0].Body.Content)
	require.Equal(t, m.Message.ID, got[0].ID)
	require.ErrorIs(t, stop(), context.Canceled)
}

func TestWatchIsPoliteUnderThrottling(t *testing.T) {
	g := newFakeGraph(t)
	chatID := g.seeded.Meeting.ChatID
	svc := g.svc.As(g.seeded.Alice.ID)
	_, stop := watchEnv(t, g, svc, chatID, &chat.WatchOptions{Interval: 10 * time.Second, MaxBackoff: time.Minute})
	wait, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, g.clock.BlockUntil(wait, 1))

	// Throttled with Retry-After: the next poll waits exactly that long.
	g.svc.InjectFault(fake.Fault{Op: fake.OpListMessages, Status: 429, RetryAfter: 45 * time.Second})
	g.clock.Advance(10 * time.Second)
	require.NoError(t, g.clock.BlockUntil(wait, 1))
	require.Equal(t, []time.Time{g.clock.Now().Add(45 * time.Second)}, g.clock.Deadlines())

	// Server errors without Retry-After: the wait doubles, up to MaxBackoff.
	g.clock.Advance(45 * time.Second) // that poll succeeds
	require.NoError(t, g.clock.BlockUntil(wait, 1))
	g.svc.InjectFault(fake.Fault{Op: fake.OpListMessages, Status: 503, Times: 4})
	var waits []time.Duration
	for range 5 {
		d := g.clock.Deadlines()[0].Sub(g.clock.Now())
		g.clock.Advance(d)
		require.NoError(t, g.clock.BlockUntil(wait, 1))
		waits = append(waits, g.clock.Deadlines()[0].Sub(g.clock.Now()))
	}
	require.Equal(t, []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, time.Minute, 10 * time.Second}, waits)
	require.ErrorIs(t, stop(), context.Canceled)
}

func TestWatchEndsOnPermanentErrors(t *testing.T) {
	g := newFakeGraph(t)
	carol := g.svc.As(g.seeded.Carol.ID) // not a member of the meeting chat
	var errs []error
	for m, err := range chat.Watch(context.Background(), carol, g.seeded.Meeting.ChatID, &chat.WatchOptions{Clock: g.clock}) {
		require.Zero(t, m)
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	require.True(t, chat.IsForbidden(errs[0]) || chat.IsNotFound(errs[0]), "%v", errs[0])

	for _, err := range chat.Watch(context.Background(), carol, "not a chat id", nil) {
		var ae *chat.ArgumentError
		require.ErrorAs(t, err, &ae)
	}
	for _, err := range chat.Watch(context.Background(), carol, g.seeded.Meeting.ChatID, &chat.WatchOptions{Interval: time.Millisecond}) {
		var ae *chat.ArgumentError
		require.ErrorAs(t, err, &ae)
	}
}

func TestWatchIteratorStops(t *testing.T) {
	g := newFakeGraph(t)
	chatID := g.seeded.Meeting.ChatID
	alice := g.svc.As(g.seeded.Alice.ID)
	for i := range 5 {
		_, err := g.svc.Post(g.seeded.Bob.ID, chatID, fmt.Sprintf("m%d", i))
		require.NoError(t, err)
	}
	// Since before the messages: they are all new to this watcher.
	var got []string
	for m, err := range chat.Watch(context.Background(), alice, chatID, &chat.WatchOptions{Clock: g.clock, Since: g.clock.Now().Add(-time.Minute)}) {
		require.NoError(t, err)
		got = append(got, m.Body.Content)
		if len(got) == 2 {
			break
		}
	}
	require.Equal(t, []string{"m0", "m1"}, got)
	require.Zero(t, g.clock.Pending(), "no timer left behind")
}
