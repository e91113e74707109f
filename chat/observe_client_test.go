package chat_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/tracing"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/internal/tracetest"
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

// TestSpanPerOperation calls every operation of the Client (every exported
// method that takes a context, found by reflection, so that a new one
// cannot be left out) against the fake's HTTP face with a recording
// TracingProvider: each is one span "Client.<Method>" (an iterator's is
// that of each page it fetches), ended, its failure recorded, with azcore's
// span of each HTTP try below it.
func TestSpanPerOperation(t *testing.T) {
	g := newFakeGraph(t)
	sd := g.seeded
	rec := tracetest.NewRecorder()
	c := g.client(t, sd.Alice, func(o *chat.ClientOptions) { o.TracingProvider = rec.Provider() })

	// Every string argument is the meeting's chat id (a chat, message,
	// user, team or channel id alike), so some operations fail their
	// argument checks or Graph's: a span too.
	arg := func(typ reflect.Type) reflect.Value {
		switch typ {
		case reflect.TypeFor[string]():
			return reflect.ValueOf(sd.Meeting.ChatID)
		case reflect.TypeFor[[]string]():
			return reflect.ValueOf([]string{sd.Bob.ID})
		case reflect.TypeFor[chat.NewMessage]():
			return reflect.ValueOf(chat.TextMessage("traced"))
		case reflect.TypeFor[time.Duration]():
			return reflect.ValueOf(time.Hour)
		}
		return reflect.Value{}
	}
	spans := tracetest.CheckOperations(t, rec, c, &tracetest.Options{Arg: arg})

	send := spans["SendMessage"]
	require.Len(t, send, 2)
	require.Equal(t, "github.com/teamsuser-sdk/teamsuser-go/chat", send[0].Tracer)
	require.Equal(t, tracing.SpanStatusUnset, send[0].Status)
	require.Equal(t, "Microsoft.Graph", send[0].Attribute("az.namespace"))
	require.Equal(t, "HTTP POST", send[1].Name)
	require.Equal(t, 201, send[1].Attribute("http.status_code"))
	get := spans["GetMessage"] // the chat id is no message id
	require.Equal(t, tracing.SpanStatusError, get[0].Status)
	require.Contains(t, get[0].Description, "NotFound")
}
