package chat_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

const historySize = 10_000

// newHistory returns a fake whose meeting chat holds historySize messages.
func newHistory(tb testing.TB) (*fakeGraph, string) {
	g := newFakeGraph(tb)
	chatID := g.seeded.Meeting.ChatID
	for i := range historySize {
		if _, err := g.svc.Post(g.seeded.Bob.ID, chatID, fmt.Sprintf("message %05d of the history, long enough to look like a chat line", i)); err != nil {
			tb.Fatal(err)
		}
	}
	return g, chatID
}

// TestListMessagesMemoryBoundedByPage reads a 10,000-message history and
// checks, halfway through, that the live heap holds about a page, not the
// history read so far.
func TestListMessagesMemoryBoundedByPage(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 10,000 messages")
	}
	g, chatID := newHistory(t)
	c := g.client(t, g.seeded.Alice, nil)
	ctx := context.Background()
	// Warm up (connection, pools), then measure the live heap.
	for _, err := range c.ListMessages(ctx, chatID, &chat.ListMessagesOptions{Top: chat.MaxPageSize}) {
		require.NoError(t, err)
		break
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	n := 0
	var grown int64
	for m, err := range c.ListMessages(ctx, chatID, &chat.ListMessagesOptions{Top: chat.MaxPageSize}) {
		require.NoError(t, err)
		require.NotEmpty(t, m.ID)
		n++
		if n == historySize/2 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			grown = int64(ms.HeapAlloc) - int64(base)
		}
	}
	require.Equal(t, historySize, n)
	// 5,000 messages held as chat.Message would take several MB; one page of
	// 50 with its JSON takes tens of KB.
	require.Less(t, grown, int64(1<<20), "live heap grew by %d bytes halfway through", grown)
	t.Logf("live heap halfway through 10,000 messages: %+d bytes over the start", grown)
}

// TestListingReusesItsConnection: every page of a listing is read to its
// end, so the next page goes over the same connection instead of a new one.
func TestListingReusesItsConnection(t *testing.T) {
	g := newFakeGraph(t)
	chatID := g.seeded.Meeting.ChatID
	for i := range 120 {
		_, err := g.svc.Post(g.seeded.Bob.ID, chatID, fmt.Sprint("m", i))
		require.NoError(t, err)
	}
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(g.svc.Handler())
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := chat.NewClient(g.svc.CredentialFor(g.seeded.Alice.ID), &chat.ClientOptions{BaseURL: srv.URL + "/v1.0", UserID: g.seeded.Alice.ID})
	require.NoError(t, err)
	n := 0
	for _, err := range c.ListMessages(context.Background(), chatID, &chat.ListMessagesOptions{Top: 20}) {
		require.NoError(t, err)
		n++
	}
	require.Equal(t, 120, n, "six pages")
	require.Equal(t, int32(1), conns.Load(), "one connection for six pages")
}
