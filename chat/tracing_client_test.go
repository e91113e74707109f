package chat_test

import (
	"context"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/tracing"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// TestTracingSpanPerOperation: with a TracingProvider, each operation is a
// span, and each HTTP try a span below it (azcore's), with the failure
// recorded on the operation's span.
func TestTracingSpanPerOperation(t *testing.T) {
	var mu sync.Mutex
	var spans []string
	var failed []string
	provider := tracing.NewProvider(func(name, version string) tracing.Tracer {
		return tracing.NewTracer(func(ctx context.Context, spanName string, _ *tracing.SpanOptions) (context.Context, tracing.Span) {
			mu.Lock()
			spans = append(spans, spanName)
			mu.Unlock()
			return ctx, tracing.NewSpan(tracing.SpanImpl{
				SetStatus: func(code tracing.SpanStatus, _ string) {
					if code == tracing.SpanStatusError {
						mu.Lock()
						failed = append(failed, spanName)
						mu.Unlock()
					}
				},
			})
		}, nil)
	}, nil)
	srv := newScriptServer(t, reply{status: 201, body: messageOK}, reply{status: 404, body: errBody("NotFound")})
	c := newTestClient(t, srv, func(o *chat.ClientOptions) { o.TracingProvider = provider })
	ctx := context.Background()
	_, err := c.SendMessage(ctx, testChatID, chat.TextMessage("traced"), nil)
	require.NoError(t, err)
	_, err = c.GetMessage(ctx, testChatID, "1", nil)
	require.True(t, chat.IsNotFound(err))
	mu.Lock()
	defer mu.Unlock()
	require.Contains(t, spans, "chat.Client send message")
	require.Contains(t, spans, "chat.Client get message")
	require.Contains(t, spans, "HTTP POST", "azcore's span of the HTTP try")
	require.Contains(t, failed, "chat.Client get message")
	require.NotContains(t, failed, "chat.Client send message")
}
