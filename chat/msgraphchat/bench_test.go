package msgraphchat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/chats"
	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/internal/benchcpu"
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
// the fake's HTTP face on loopback, side by side in one run, each reader
// doing the same work (every page requested with the bearer token, every
// field chat.Message has decoded, times parsed, the next link followed):
//
//   - handwritten: net/http and encoding/json into plain structs, the
//     baseline a speed-minded Go developer would write;
//   - chat.Client: chat.NewClient (azcore pipeline, chat's codec);
//   - msgraphchat.Client: the same chat.Client sending through
//     msgraph-sdk-go's request adapter and default middleware;
//   - msgraph.PageIterator: msgraph-sdk-go alone (kiota models).
func BenchmarkListMessages(b *testing.B) {
	g, chatID := newHistory(b)
	ctx := context.Background()
	// Each reader reports wall time and process CPU time per message (the
	// latter includes the fake's side; on a busy machine it moves less).
	var cpu benchcpu.Meter
	perMessage := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/historySize, "ns/msg")
		cpu.Report(b, historySize, "msg")
		b.ReportMetric(0, "ns/op")
	}
	b.Run("handwritten", func(b *testing.B) {
		token := g.svc.TokenFor(g.seeded.Alice.ID)
		hc := &http.Client{Transport: http.DefaultTransport}
		b.ReportAllocs()
		cpu = benchcpu.Start()
		for b.Loop() {
			n := 0
			link := g.srv.URL + "/v1.0/chats/" + url.PathEscape(chatID) + "/messages?$top=50"
			for link != "" {
				var err error
				var page []hwMessage
				page, link, err = hwListPage(ctx, hc, token, link)
				if err != nil {
					b.Fatal(err)
				}
				n += len(page)
			}
			if n != historySize {
				b.Fatalf("read %d messages", n)
			}
		}
		perMessage(b)
	})
	listWith := func(c *chat.Client) func(b *testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			cpu = benchcpu.Start()
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
			perMessage(b)
		}
	}
	direct, err := chat.NewClient(g.svc.CredentialFor(g.seeded.Alice.ID), &chat.ClientOptions{BaseURL: g.srv.URL + "/v1.0", UserID: g.seeded.Alice.ID})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("chat.Client", listWith(direct))
	b.Run("msgraphchat.Client", listWith(g.client(b, g.seeded.Alice, nil)))
	b.Run("msgraph.PageIterator", func(b *testing.B) {
		adapter := rawGraphAdapter(b, g, g.seeded.Alice)
		b.ReportAllocs()
		cpu = benchcpu.Start()
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
		perMessage(b)
	})
}

// The hand-written reader's structs: every field of chat.Message, as
// Graph's chatMessage writes it.
type hwIdentity struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	TenantID    string `json:"tenantId"`
}

type hwIdentitySet struct {
	User        *hwIdentity `json:"user"`
	Application *hwIdentity `json:"application"`
}

type hwWireMessage struct {
	ID                   string  `json:"id"`
	ReplyToID            *string `json:"replyToId"`
	ETag                 string  `json:"etag"`
	MessageType          string  `json:"messageType"`
	CreatedDateTime      string  `json:"createdDateTime"`
	LastModifiedDateTime string  `json:"lastModifiedDateTime"`
	LastEditedDateTime   *string `json:"lastEditedDateTime"`
	DeletedDateTime      *string `json:"deletedDateTime"`
	Subject              *string `json:"subject"`
	Summary              *string `json:"summary"`
	ChatID               string  `json:"chatId"`
	Importance           string  `json:"importance"`
	WebURL               string  `json:"webUrl"`
	ChannelIdentity      *struct {
		TeamID    string `json:"teamId"`
		ChannelID string `json:"channelId"`
	} `json:"channelIdentity"`
	From *hwIdentitySet `json:"from"`
	Body *struct {
		ContentType string `json:"contentType"`
		Content     string `json:"content"`
	} `json:"body"`
	Attachments []struct {
		ID           string `json:"id"`
		ContentType  string `json:"contentType"`
		ContentURL   string `json:"contentUrl"`
		Content      string `json:"content"`
		Name         string `json:"name"`
		ThumbnailURL string `json:"thumbnailUrl"`
		TeamsAppID   string `json:"teamsAppId"`
	} `json:"attachments"`
	Mentions []struct {
		ID          int            `json:"id"`
		MentionText string         `json:"mentionText"`
		Mentioned   *hwIdentitySet `json:"mentioned"`
	} `json:"mentions"`
	Reactions []struct {
		ReactionType    string         `json:"reactionType"`
		DisplayName     string         `json:"displayName"`
		CreatedDateTime string         `json:"createdDateTime"`
		User            *hwIdentitySet `json:"user"`
	} `json:"reactions"`
	HostedContents []struct {
		ID          string `json:"id"`
		ContentType string `json:"contentType"`
	} `json:"hostedContents"`
}

// hwMessage is what the reader hands on: the wire fields with times
// parsed.
type hwMessage struct {
	hwWireMessage
	CreatedAt, LastModifiedAt, LastEditedAt, DeletedAt time.Time
	ReactionTimes                                      []time.Time
}

func hwTime(s *string) (time.Time, error) {
	if s == nil || *s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, *s)
}

// hwListPage reads one page: GET with the bearer token, status checked,
// the body decoded from the stream, times parsed, the next link returned.
func hwListPage(ctx context.Context, hc *http.Client, token, link string) ([]hwMessage, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("status %d", resp.StatusCode)
	}
	var page struct {
		Value    []hwWireMessage `json:"value"`
		NextLink string          `json:"@odata.nextLink"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		return nil, "", err
	}
	_, _ = io.Copy(io.Discard, resp.Body) // the connection goes back to the pool
	out := make([]hwMessage, len(page.Value))
	for i := range page.Value {
		w := &page.Value[i]
		m := &out[i]
		m.hwWireMessage = *w
		var errs [4]error
		m.CreatedAt, errs[0] = hwTime(&w.CreatedDateTime)
		m.LastModifiedAt, errs[1] = hwTime(&w.LastModifiedDateTime)
		m.LastEditedAt, errs[2] = hwTime(w.LastEditedDateTime)
		m.DeletedAt, errs[3] = hwTime(w.DeletedDateTime)
		for _, err := range errs {
			if err != nil {
				return nil, "", err
			}
		}
		for _, r := range w.Reactions {
			t, err := hwTime(&r.CreatedDateTime)
			if err != nil {
				return nil, "", err
			}
			m.ReactionTimes = append(m.ReactionTimes, t)
		}
	}
	return out, page.NextLink, nil
}
