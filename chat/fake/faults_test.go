package fake

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

func TestFaultsGoFace(t *testing.T) {
	svc, sd := NewSeeded(nil)
	t.Cleanup(func() { _ = svc.Close() })
	ctx := context.Background()
	alice := svc.As(sd.Alice.ID)

	svc.InjectFault(Fault{Op: OpSendMessage, Status: 429, RetryAfter: 3 * time.Second})
	_, err := alice.SendMessage(ctx, sd.Meeting.ChatID, chat.TextMessage("a"), nil)
	require.True(t, chat.IsThrottled(err), "%v", err)
	assert.Equal(t, 3*time.Second, chat.RetryAfter(err))
	assert.Equal(t, "TooManyRequests", chat.ErrorCode(err))
	assert.Empty(t, svc.Messages(sd.Meeting.ChatID), "a 429 is answered before anything is stored")

	svc.InjectFault(Fault{Op: OpSendMessage, Status: 504, AfterProcessing: true})
	_, err = alice.SendMessage(ctx, sd.Meeting.ChatID, chat.TextMessage("b"), nil)
	assert.Equal(t, 504, chat.StatusCode(err))
	assert.Len(t, svc.Messages(sd.Meeting.ChatID), 1, "AfterProcessing stores the message, then fails")

	svc.InjectFault(Fault{Op: OpGetChat, Drop: true})
	_, err = alice.GetChat(ctx, sd.Meeting.ChatID, nil)
	assert.ErrorIs(t, err, ErrDropped)
	var ce *chat.Error
	assert.False(t, errors.As(err, &ce))

	svc.InjectFault(Fault{Op: OpGetChat, Delay: time.Hour})
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { _, err := alice.GetChat(cctx, sd.Meeting.ChatID, nil); done <- err }()
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled, "a delay ends with the context")

	total, injected := svc.CountRequests(OpSendMessage)
	assert.Equal(t, 2, total)
	assert.Equal(t, 2, injected)
}

func TestFaultsHTTPFace(t *testing.T) {
	svc, sd, env, srv := newHTTPEnv(t)
	ctx := context.Background()
	svc.InjectFault(Fault{Op: OpSendMessage, Status: 429, RetryAfter: 2 * time.Second})
	tok := svc.TokenFor(sd.Alice.ID)
	r := rawDo(t, "POST", srv.URL+"/v1.0/chats/"+url.PathEscape(sd.Meeting.ChatID)+"/messages", tok, `{"body":{"content":"x"}}`)
	assert.Equal(t, 429, r.status)
	assert.Equal(t, "2", r.header.Get("Retry-After"))
	assert.Equal(t, "TooManyRequests", graphError(t, r).Code)

	svc.InjectFault(Fault{Op: OpListChats, Drop: true})
	_, err := env.Alice.Service.ListChatsPage(ctx, nil)
	require.Error(t, err)
	var ce *chat.Error
	assert.False(t, errors.As(err, &ce), "a dropped connection is a transport error: %v", err)

	reqs := svc.Requests()
	require.NotEmpty(t, reqs)
	last := reqs[len(reqs)-1]
	assert.Equal(t, OpListChats, last.Op)
	assert.True(t, last.Injected)
	assert.Equal(t, "http", last.Face)
	assert.Equal(t, sd.Alice.ID, last.UserID)
	for _, r := range reqs {
		assert.NotContains(t, string(r.Body)+r.Path+r.Query, tok, "tokens must not reach the request log")
	}
}

// TestSendLoopUnder30PercentThrottling sends 1,000 messages through the
// HTTP face with 30% of the sends answered 429, retrying only those: each
// message is stored exactly once.
func TestSendLoopUnder30PercentThrottling(t *testing.T) {
	svc, sd, env, _ := newHTTPEnv(t)
	svc.InjectFault(Fault{Op: OpSendMessage, Status: 429, RetryAfter: time.Second, Ratio: 0.3})
	ctx := context.Background()
	var retries atomic.Int64
	const n = 1000
	for i := range n {
		msg := chat.TextMessage(fmt.Sprintf("msg %04d", i))
		for {
			_, err := env.Alice.Service.SendMessage(ctx, sd.Meeting.ChatID, msg, nil)
			if err == nil {
				break
			}
			require.True(t, chat.IsThrottled(err), "send %d: %v", i, err)
			require.Equal(t, time.Second, chat.RetryAfter(err))
			retries.Add(1) // a real client would wait RetryAfter here
		}
	}
	stored := svc.Messages(sd.Meeting.ChatID)
	require.Len(t, stored, n)
	seen := map[string]bool{}
	for _, m := range stored {
		require.False(t, seen[m.Body.Content], "%q stored twice", m.Body.Content)
		seen[m.Body.Content] = true
	}
	total, injected := svc.CountRequests(OpSendMessage)
	assert.Equal(t, int(retries.Load()), injected)
	assert.Equal(t, n+injected, total)
	assert.InDelta(t, 0.3, float64(injected)/float64(total), 0.001)
	t.Logf("%d sends, %d answered 429 (%.1f%%)", total, injected, 100*float64(injected)/float64(total))
	_ = http.StatusOK
}

func TestRequestLogIsBounded(t *testing.T) {
	svc, sd := NewSeeded(&Options{MaxRequestLog: 10})
	t.Cleanup(func() { _ = svc.Close() })
	alice := svc.As(sd.Alice.ID)
	for i := range 25 {
		_, err := alice.SendMessage(context.Background(), sd.Meeting.ChatID, chat.TextMessage(fmt.Sprint(i)), nil)
		require.NoError(t, err)
	}
	reqs := svc.Requests()
	assert.LessOrEqual(t, len(reqs), 10)
	assert.NotEmpty(t, reqs)
	last := reqs[len(reqs)-1]
	assert.Equal(t, "/v1.0/chats/"+sd.Meeting.ChatID+"/messages", last.Path, "the Go face logs the unescaped path")
	svc.ResetRequests()
	assert.Empty(t, svc.Requests())
}
