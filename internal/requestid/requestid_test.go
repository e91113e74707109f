package requestid_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/internal/requestid"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// transport answers 503 to the first try of each call and 200 to the
// second, recording the header of each try.
type transport struct {
	mu   sync.Mutex
	name string
	seen []string
}

func (t *transport) Do(r *http.Request) (*http.Response, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.seen = append(t.seen, r.Header.Get(t.name))
	status := http.StatusOK
	if len(t.seen)%2 == 1 {
		status = http.StatusServiceUnavailable
	}
	return &http.Response{StatusCode: status, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
}

func TestPolicy(t *testing.T) {
	for _, header := range []string{"x-ms-client-request-id", "client-request-id"} {
		t.Run(header, func(t *testing.T) {
			tr := &transport{name: header}
			pl := runtime.NewPipeline("m", "v0.0.1", runtime.PipelineOptions{PerCall: []policy.Policy{requestid.Policy(header)}},
				&policy.ClientOptions{Transport: tr, Retry: policy.RetryOptions{RetryDelay: time.Millisecond}})
			send := func(set string) {
				req, err := runtime.NewRequest(context.Background(), http.MethodGet, "https://example.invalid/x")
				require.NoError(t, err)
				if set != "" {
					req.Raw().Header.Set(header, set)
				}
				resp, err := pl.Do(req)
				require.NoError(t, err)
				require.Equal(t, http.StatusOK, resp.StatusCode)
			}
			send("")
			send("")
			send("mine")
			s := tr.seen
			require.Len(t, s, 6, "three calls of two tries each")
			require.True(t, uuid.IsV4(s[0]), s[0])
			require.Equal(t, s[0], s[1], "both tries of a call carry the same id")
			require.True(t, uuid.IsV4(s[2]), s[2])
			require.NotEqual(t, s[0], s[2], "each call a new id")
			require.Equal(t, []string{"mine", "mine"}, s[4:], "an id the caller set is kept")
		})
	}
}
