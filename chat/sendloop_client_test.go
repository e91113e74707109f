package chat_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
)

// advanceWhileWaiting moves clock forward by step each time the code under
// test waits on it, until the returned stop is called.
func advanceWhileWaiting(t *testing.T, clock interface {
	BlockUntil(context.Context, int) error
	Advance(time.Duration)
}, step time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for clock.BlockUntil(ctx, 1) == nil {
			clock.Advance(step)
		}
	}()
	return func() { cancel(); <-done }
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

	g.svc.Inject(fake.Fault{Op: fake.OpSendMessage, Status: 429, RetryAfter: time.Second, Ratio: 0.3})
	stop := advanceWhileWaiting(t, g.clock, time.Second)
	start := g.clock.Now()
	for i := range n {
		_, err := c.SendMessage(ctx, chatID, chat.TextMessage(fmt.Sprintf("message %04d", i)), nil)
		require.NoError(t, err, "message %d", i)
	}
	stop()

	total, injected := g.svc.CountRequests(fake.OpSendMessage)
	require.Equal(t, n+injected, total, "each throttled POST was sent once more, nothing else was")
	require.InDelta(t, 0.3, float64(injected)/float64(total), 0.005, "30 %% of the POSTs (first tries and retries) were throttled")
	require.Equal(t, time.Duration(injected)*time.Second, g.clock.Now().Sub(start), "each retry waited exactly Retry-After")

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
		g.svc.Inject(fake.Fault{Op: fake.OpSendMessage, Status: status, AfterProcessing: true})
		_, err := c.SendMessage(ctx, chatID, chat.TextMessage("only once"), nil)
		require.Equal(t, status, chat.StatusCode(err))
		require.Len(t, g.svc.Messages(chatID), before+1, "posted once, not twice")
		total, _ := g.svc.CountRequests(fake.OpSendMessage)
		require.Equal(t, 1, total)

		// A read is retried on the same failure.
		g.svc.Inject(fake.Fault{Op: fake.OpListMessages, Status: status, Times: 2})
		page, err := c.ListMessagesPage(ctx, chatID, nil)
		require.NoError(t, err)
		require.NotEmpty(t, page.Messages)
	}
}
