package chat_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// advanceEachWait moves clock, each time the code under test waits on it,
// to that wait's deadline, exactly, and records the wait's length, until the
// returned stop is called; stop returns the lengths in order. The code under
// test must wait on one timer at a time.
func advanceEachWait(t *testing.T, clock *identityfake.Clock) (stop func() []time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var waits []time.Duration
	go func() {
		defer close(done)
		for clock.BlockUntil(ctx, 1) == nil {
			deadlines := clock.Deadlines()
			if len(deadlines) != 1 {
				t.Errorf("%d timers pending at once, want 1", len(deadlines))
				return
			}
			d := deadlines[0].Sub(clock.Now())
			waits = append(waits, d)
			clock.Advance(d)
		}
	}()
	return func() []time.Duration { cancel(); <-done; return waits }
}

// TestSendLoopUnderThrottling sends 1,000 messages while the fake throttles
// 30 % of the message POSTs with 429 and Retry-After: 1. Every message must
// end up in the chat exactly once, every wait must be the one the service
// asked for, and no request may have been resent after it was processed.
func TestSendLoopUnderThrottling(t *testing.T) {
	const n = 1000
	g := newFakeGraph(t)
	c := g.client(t, g.seeded.Alice, func(o *chat.ClientOptions) {
		o.Clock = g.clock
		o.Retry.MaxRetries = 10
		o.Retry.MaxRetryDelay = time.Minute
	})
	ctx := context.Background()
	ch, err := c.CreateOneOnOneChat(ctx, g.seeded.Bob.ID, nil)
	require.NoError(t, err)
	chatID := ch.Chat.ID

	g.svc.InjectFault(fake.Fault{Op: fake.OpSendMessage, Status: 429, RetryAfter: time.Second, Ratio: 0.3})
	stop := advanceEachWait(t, g.clock)
	for i := range n {
		_, err := c.SendMessage(ctx, chatID, chat.TextMessage(fmt.Sprintf("message %04d", i)), nil)
		require.NoError(t, err, "message %d", i)
	}
	waits := stop()

	total, injected := g.svc.CountRequests(fake.OpSendMessage)
	require.Equal(t, n+injected, total, "each throttled POST was sent once more, nothing else was")
	require.InDelta(t, 0.3, float64(injected)/float64(total), 0.005, "30 %% of the POSTs (first tries and retries) were throttled")
	require.Len(t, waits, injected, "one wait before each retry")
	for i, w := range waits {
		require.Equal(t, time.Second, w, "wait %d: each retry waits exactly Retry-After", i)
	}

	count := map[string]int{}
	for _, m := range g.svc.Messages(chatID) {
		count[m.Body.Content]++
	}
	require.Len(t, count, n)
	for i := range n {
		require.Equal(t, 1, count[fmt.Sprintf("message %04d", i)], "message %d", i)
	}
}

// TestSendNotRetriedAfterProcessing: a POST that the service processed but
// whose answer was a 500 or 504 (a lost response) is not sent again, so the
// message is posted once; the caller gets the error.
func TestSendNotRetriedAfterProcessing(t *testing.T) {
	for _, status := range []int{500, 504} {
		g := newFakeGraph(t)
		c := g.client(t, g.seeded.Alice, nil)
		ctx := context.Background()
		chatID := g.seeded.Meeting.ChatID
		before := len(g.svc.Messages(chatID))
		g.svc.InjectFault(fake.Fault{Op: fake.OpSendMessage, Status: status, AfterProcessing: true})
		_, err := c.SendMessage(ctx, chatID, chat.TextMessage("only once"), nil)
		require.Equal(t, status, chat.StatusCode(err))
		require.Len(t, g.svc.Messages(chatID), before+1, "posted once, not twice")
		total, _ := g.svc.CountRequests(fake.OpSendMessage)
		require.Equal(t, 1, total)

		// A read is retried on the same failure.
		g.svc.InjectFault(fake.Fault{Op: fake.OpListMessages, Status: status, Times: 2})
		page, err := c.ListMessagesPage(ctx, chatID, nil)
		require.NoError(t, err)
		require.NotEmpty(t, page.Messages)
	}
}
