package chat_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// TestWholeListingsBounded: the operations that return a whole listing at
// once (ListMembers, ListPinnedMessages, ListAttendanceReports) follow at
// most 100 pages of next links, and never one off the client's Graph
// endpoint: a service whose links go round in a circle (a → b → a), or
// point elsewhere, gets an error, not an endless loop. The server gives up
// with 400 after 1000 pages, so an unbounded client fails on the count
// rather than hanging.
func TestWholeListingsBounded(t *testing.T) {
	var pages atomic.Int64
	var elsewhere atomic.Bool
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if pages.Add(1) > 1000 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, errBody("BadRequest"))
			return
		}
		next := srv.URL + r.URL.Path + "?$skiptoken=a"
		switch {
		case elsewhere.Load():
			next = "https://graph.example.net" + r.URL.Path + "?$skiptoken=a"
		case r.URL.Query().Get("$skiptoken") == "a":
			next = srv.URL + r.URL.Path + "?$skiptoken=b"
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"value":[],"@odata.nextLink":"`+next+`"}`)
	}))
	t.Cleanup(srv.Close)
	c, err := chat.NewClient(staticCred{"test-token"}, &chat.ClientOptions{BaseURL: srv.URL + "/v1.0"})
	require.NoError(t, err)
	ctx := context.Background()
	calls := map[string]func() error{
		"ListMembers": func() error {
			_, err := c.ListMembers(ctx, testChatID, nil)
			return err
		},
		"ListPinnedMessages": func() error {
			_, err := c.ListPinnedMessages(ctx, testChatID, nil)
			return err
		},
		"ListAttendanceReports": func() error {
			_, err := c.ListAttendanceReports(ctx, "MSpkYzE3", nil)
			return err
		},
	}
	for name, call := range calls {
		for _, off := range []bool{false, true} {
			pages.Store(0)
			elsewhere.Store(off)
			err := call()
			var ce *chat.Error
			require.Error(t, err, name)
			assert.False(t, errors.As(err, &ce), "%s (next link elsewhere: %v): %v, want no service error", name, off, err)
			var ae *chat.ArgumentError
			assert.False(t, errors.As(err, &ae), "%s: what the service sent is not an argument of the caller: %v", name, err)
			if off {
				assert.EqualValues(t, 1, pages.Load(), "%s: the link elsewhere is not followed", name)
			} else {
				assert.EqualValues(t, 100, pages.Load(), "%s: pages read of an endless listing", name)
			}
		}
	}
}
