package chat_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/internal/leakcheck"
)

// TestNotificationHandlerCloseEndsFeeder: the goroutine that hands over a
// delivery larger than Buffer ends when the handler is closed or shut down,
// though nobody reads the channel any more (it stayed blocked on the
// channel forever). What it could not hand over is counted in the error,
// not lost silently; what was on the channel is still read, then the
// channel is closed.
func TestNotificationHandlerCloseEndsFeeder(t *testing.T) {
	for _, tc := range []struct {
		name    string
		stop    func(*chat.NotificationHandler) error
		wantErr error
	}{
		{"Close", (*chat.NotificationHandler).Close, nil},
		{"Shutdown", func(h *chat.NotificationHandler) error {
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // nobody reads: Shutdown could wait for ever
			return h.Shutdown(ctx)
		}, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			check := leakcheck.Start(t)
			h := newHandler(t, chat.OneClientState(hookState), &chat.NotificationHandlerOptions{Buffer: 2, MaxWait: -1})
			// The program has stopped reading: 2 of the 5 fill the channel, the
			// feeder holds 3.
			require.Equal(t, http.StatusAccepted, post(h, "/hook", "application/json", batch(0, 5)).Code)

			err := tc.stop(h)
			check()
			var se *chat.ShutdownError
			require.ErrorAs(t, err, &se)
			require.Equal(t, 3, se.Dropped, "5 accepted, 2 on the channel: 3 dropped")
			require.Equal(t, tc.wantErr, errors.Unwrap(err))
			require.Equal(t, "chat: notification handler closed with 2 accepted notifications not delivered", (&chat.ShutdownError{Dropped: 2}).Error())

			var ids []string
			for n := range h.Notifications() {
				ids = append(ids, n.MessageID)
			}
			require.Equal(t, seq(0, 2), ids, "what was on the channel is still read, then it is closed")
			require.Equal(t, http.StatusServiceUnavailable, post(h, "/hook", "application/json", batch(10, 1)).Code)
			require.NoError(t, h.Close(), "a second Close reports nothing")
			require.NoError(t, h.Shutdown(context.Background()))
		})
	}
}

// TestNotificationHandlerCloseIdle: closing a handler with nothing pending
// reports nothing and closes the channel; so does shutting one down.
func TestNotificationHandlerCloseIdle(t *testing.T) {
	for _, stop := range []func(*chat.NotificationHandler) error{
		(*chat.NotificationHandler).Close,
		func(h *chat.NotificationHandler) error { return h.Shutdown(context.Background()) },
	} {
		h := newHandler(t, chat.OneClientState(hookState), &chat.NotificationHandlerOptions{Buffer: 2})
		require.Equal(t, http.StatusAccepted, post(h, "/hook", "application/json", batch(0, 1)).Code)
		require.NoError(t, stop(h))
		require.Equal(t, seq(0, 1), read(t, h, 1))
		_, open := <-h.Notifications()
		require.False(t, open)
	}
}

// A program that stops: Shutdown lets the reader take every accepted
// notification (a delivery larger than Buffer included) and closes the
// channel, which ends the reader.
func ExampleNotificationHandler_Shutdown() {
	h, err := chat.NewNotificationHandler(chat.OneClientState("a-long-random-client-state"), &chat.NotificationHandlerOptions{Buffer: 1})
	if err != nil {
		panic(err)
	}
	done := make(chan int)
	go func() {
		n := 0
		for range h.Notifications() {
			n++
		}
		done <- n
	}()
	body := `{"value":[` +
		`{"subscriptionId":"s","changeType":"created","resource":"chats('19:a@thread.v2')/messages('1')","clientState":"a-long-random-client-state"},` +
		`{"subscriptionId":"s","changeType":"created","resource":"chats('19:a@thread.v2')/messages('2')","clientState":"a-long-random-client-state"}]}`
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/notifications", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(w, r)
	fmt.Println(w.Code)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	fmt.Println(h.Shutdown(ctx), <-done)
	// Output:
	// 202
	// <nil> 2
}
