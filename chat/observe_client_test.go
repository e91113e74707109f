package chat_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	uuidpkg "github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// TestErrorNamesRequest: a failure Graph answered names the request to
// support, Graph's request-id and the client-request-id the client sent —
// the one Graph echoed, or the request's own when the answer carries none.
func TestErrorNamesRequest(t *testing.T) {
	srv := newScriptServer(t,
		reply{status: 404, header: map[string]string{"request-id": "graph-rid"}, body: `{"error":{"code":"NotFound","message":"gone"}}`})
	c := newTestClient(t, srv, nil)
	_, err := c.GetMessage(context.Background(), testChatID, "1", nil)
	require.True(t, chat.IsNotFound(err))
	sent := srv.requests()[0].Header.Get("client-request-id")
	require.True(t, uuidpkg.IsV4(sent), "client-request-id %q", sent)
	require.Contains(t, err.Error(), "(request-id graph-rid, client-request-id "+sent+")")
}
