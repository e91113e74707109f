package chat_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

const hcChat = "19:2da4c29f6d7041eca70b638b43d45437@thread.v2"

// hostedServer serves one hosted content: head first, then, once release
// is closed, tail; with length it announces the size.
func hostedServer(t *testing.T, head, tail []byte, length bool, release <-chan struct{}) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1.0/chats/"+hcChat+"/messages/1/hostedContents/h1/$value" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		if length {
			w.Header().Set("Content-Length", strconv.Itoa(len(head)+len(tail)))
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(head)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		_, _ = w.Write(tail)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func hcClient(t *testing.T, srv *httptest.Server, tryTimeout time.Duration) *chat.Client {
	o := &chat.ClientOptions{BaseURL: srv.URL + "/v1.0", UserID: "3c6ef362-7502-4002-8075-000000000002"}
	o.Retry.TryTimeout = tryTimeout
	c, err := chat.NewClient(staticCred{"t"}, o)
	require.NoError(t, err)
	return c
}

// TestGetHostedContentStreams: the content reaches the caller as the
// service sends it — GetHostedContent returns after the first bytes, while
// the rest is still to come — with and without a TryTimeout (whose try
// lasts until the content is closed, so the rest still arrives).
func TestGetHostedContentStreams(t *testing.T) {
	for _, try := range []time.Duration{0, time.Minute} {
		t.Run("TryTimeout="+try.String(), func(t *testing.T) {
			release := make(chan struct{})
			srv := hostedServer(t, []byte("\x89PNG\r\n\x1a\n"), []byte("the rest"), true, release)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a safety net: the test waits on release, not on time
			defer cancel()
			resp, err := hcClient(t, srv, try).GetHostedContent(ctx, hcChat, "1", "h1", nil)
			require.NoError(t, err, "returned before the whole content was sent")
			head := make([]byte, 8)
			_, err = io.ReadFull(resp.Content, head)
			require.NoError(t, err)
			close(release)
			rest, err := io.ReadAll(resp.Content)
			require.NoError(t, err)
			require.NoError(t, resp.Content.Close())
			assert.Equal(t, "\x89PNG\r\n\x1a\nthe rest", string(head)+string(rest))
			assert.Equal(t, "image/png", resp.ContentType)
			assert.EqualValues(t, 16, resp.Size)
		})
	}
}

// TestGetHostedContentBounded: a content announced larger than MaxBytes is
// refused at once; one whose size is not announced stops with
// ErrContentTooLarge after MaxBytes bytes.
func TestGetHostedContentBounded(t *testing.T) {
	open := make(chan struct{})
	close(open)
	ctx := context.Background()
	srv := hostedServer(t, make([]byte, 100), make([]byte, 100), true, open)
	_, err := hcClient(t, srv, 0).GetHostedContent(ctx, hcChat, "1", "h1", &chat.GetHostedContentOptions{MaxBytes: 150})
	assert.ErrorIs(t, err, chat.ErrContentTooLarge)

	srv = hostedServer(t, make([]byte, 100), make([]byte, 100), false, open)
	resp, err := hcClient(t, srv, 0).GetHostedContent(ctx, hcChat, "1", "h1", &chat.GetHostedContentOptions{MaxBytes: 150})
	require.NoError(t, err)
	assert.EqualValues(t, -1, resp.Size)
	n, err := io.Copy(io.Discard, resp.Content)
	assert.True(t, errors.Is(err, chat.ErrContentTooLarge), "%v", err)
	assert.EqualValues(t, 150, n)
	require.NoError(t, resp.Content.Close())

	resp, err = hcClient(t, srv, 0).GetHostedContent(ctx, hcChat, "1", "h1", &chat.GetHostedContentOptions{MaxBytes: 200})
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Content)
	assert.NoError(t, err, "exactly MaxBytes is not too large")
	assert.Len(t, b, 200)
	require.NoError(t, resp.Content.Close())
}

// TestHostedContentIDs: the ids of a body's hosted contents, as Graph's
// bodies reference them (chatmessagehostedcontent-get's example), each
// once; anything that is not an id is left out.
func TestHostedContentIDs(t *testing.T) {
	body := `<p><img src="https://graph.microsoft.com/v1.0/chats/19:2da4c29f6d7041eca70b638b43d45437@thread.v2/messages/1615971548136/hostedContents/aWQ9eF8wLXd1cy1kNS0yZTUz/$value" width="100"></p>` +
		`<img src="https://graph.microsoft.com/v1.0/chats/x/messages/1/hostedContents/aWQ9eF8wLXd1cy1kNS0yZTUz/$value">` +
		`<img src="../hostedContents/second%3D/$value"><img src="/hostedContents/a%2Fb/$value"><img src="/hostedContents//$value">` +
		`/hostedContents/no-end`
	assert.Equal(t, []string{"aWQ9eF8wLXd1cy1kNS0yZTUz", "second="}, chat.HostedContentIDs(body))
	assert.Empty(t, chat.HostedContentIDs("plain text"))
}

// TestAdaptiveCard: a card attachment reads as its JSON; another
// attachment, or content that is not JSON, does not.
func TestAdaptiveCard(t *testing.T) {
	a := chat.Attachment{ID: "74d20c7f", ContentType: "application/vnd.microsoft.card.adaptive", Content: ` {"type":"AdaptiveCard"} `}
	js, ok := a.AdaptiveCard()
	assert.True(t, ok)
	assert.JSONEq(t, `{"type":"AdaptiveCard"}`, string(js))
	_, ok = chat.FileAttachment("f", "https://x/f", "f").AdaptiveCard()
	assert.False(t, ok)
	_, ok = chat.Attachment{ContentType: chat.AttachmentAdaptiveCard, Content: "{"}.AdaptiveCard()
	assert.False(t, ok)
}

// FuzzHostedContentIDs: any body (Graph's, or one a sender wrote) gives
// ids without panicking, each a usable id, none twice.
func FuzzHostedContentIDs(f *testing.F) {
	for _, s := range []string{"", "/hostedContents/", "/hostedContents/x/$value", "/hostedContents/%zz/$value/hostedContents/a%2F/$value", "/hostedContents/&amp;x/$value"} {
		f.Add(s)
	}
	// No request is sent: a negative MaxBytes stops the call after the id
	// is checked.
	c, err := chat.NewClient(staticCred{"t"}, nil)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, body string) {
		seen := map[string]bool{}
		for _, id := range chat.HostedContentIDs(body) {
			if id == "" || seen[id] {
				t.Fatalf("id %q empty or twice", id)
			}
			seen[id] = true
			if _, err := c.GetHostedContent(context.Background(), hcChat, "1", id, &chat.GetHostedContentOptions{MaxBytes: -1}); !isArg(err, "opts.MaxBytes") {
				t.Fatalf("id %q is not an id the client takes: %v", id, err)
			}
		}
	})
}

func isArg(err error, arg string) bool {
	var ae *chat.ArgumentError
	return errors.As(err, &ae) && ae.Arg == arg
}
