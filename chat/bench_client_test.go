package chat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"testing"

	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/chats"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
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

// BenchmarkListMessages reads a 10,000-message history in pages of 50 from
// the fake's HTTP face on loopback, through this package's iterator (plain
// chat.Message values) and through msgraph-sdk-go's own PageIterator (kiota
// models), side by side in one run.
func BenchmarkListMessages(b *testing.B) {
	g, chatID := newHistory(b)
	ctx := context.Background()
	b.Run("baseline.http.Get", func(b *testing.B) {
		// The floor both share: the fake's HTTP face answering the same 200
		// pages on loopback, read with net/http, only the next link decoded.
		token := g.svc.TokenFor(g.seeded.Alice.ID)
		b.ReportAllocs()
		for b.Loop() {
			link := g.srv.URL + "/v1.0/chats/" + url.PathEscape(chatID) + "/messages?$top=50"
			pages := 0
			for link != "" {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := g.srv.Client().Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var page struct {
					Next string `json:"@odata.nextLink"`
				}
				err = json.NewDecoder(resp.Body).Decode(&page)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatal(resp.Status, err)
				}
				link = page.Next
				pages++
			}
			if pages != historySize/chat.MaxPageSize {
				b.Fatalf("read %d pages", pages)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/historySize, "ns/msg")
	})
	b.Run("chat.Client.ListMessages", func(b *testing.B) {
		c := g.client(b, g.seeded.Alice, nil)
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, err := range c.ListMessages(ctx, chatID, &chat.ListMessagesOptions{Top: chat.MaxPageSize}) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != historySize {
				b.Fatalf("read %d messages", n)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/historySize, "ns/msg")
	})
	b.Run("msgraph.PageIterator", func(b *testing.B) {
		adapter := rawGraphAdapter(b, g, g.seeded.Alice)
		b.ReportAllocs()
		for b.Loop() {
			top := int32(chat.MaxPageSize)
			first, err := chats.NewChatsRequestBuilderInternal(map[string]string{}, adapter).ByChatId(chatID).Messages().Get(ctx,
				&chats.ItemMessagesRequestBuilderGetRequestConfiguration{QueryParameters: &chats.ItemMessagesRequestBuilderGetQueryParameters{Top: &top}})
			if err != nil {
				b.Fatal(err)
			}
			it, err := msgraphcore.NewPageIterator[models.ChatMessageable](first, adapter, models.CreateChatMessageCollectionResponseFromDiscriminatorValue)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			if err := it.Iterate(ctx, func(models.ChatMessageable) bool { n++; return true }); err != nil {
				b.Fatal(err)
			}
			if n != historySize {
				b.Fatalf("read %d messages", n)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/historySize, "ns/msg")
	})
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
