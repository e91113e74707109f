package calling_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire/callconv"
)

// memTransport answers every request in memory with a fixed status and
// body: the fuzzer drives the real client and pipeline without sockets.
type memTransport struct {
	status int
	body   []byte
}

func (m *memTransport) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
	}
	return &http.Response{
		StatusCode: m.status,
		Status:     http.StatusText(m.status),
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(m.body)),
		Request:    req,
	}, nil
}

func memClient(t testing.TB, m *memTransport) *calling.Client {
	t.Helper()
	c, err := calling.NewClientWithAccessKey("https://contoso.communication.azure.com", testKey, &calling.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: m, Retry: policy.RetryOptions{MaxRetries: -1}},
	})
	require.NoError(t, err)
	return c
}

// FuzzResponseDecoding feeds arbitrary response bodies to the client's
// decoding of call connections, participant pages, participants and add
// results. It must never panic; an error must be the client's own
// ("calling: ..."); and a body it accepts, written back with callconv (as
// the fake would answer), must decode to the same value again.
func FuzzResponseDecoding(f *testing.F) {
	files, _ := filepath.Glob("testdata/callautomation/*/*.json")
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var ex specExample
		if err := json.Unmarshal(raw, &ex); err != nil {
			f.Fatal(err)
		}
		for _, r := range ex.Responses {
			if len(r.Body) > 0 {
				for op := range byte(4) {
					f.Add(op, []byte(r.Body))
				}
			}
		}
	}
	f.Add(byte(0), []byte(`{"callConnectionId":"c","targets":[{"rawId":"99:x"},{"kind":"MICROSOFTTEAMSUSER","microsoftTeamsUser":{"userId":"u","cloud":"gcch"}}]}`))
	f.Add(byte(1), []byte(`{"value":[{"identifier":{"rawId":"4:+1_2","phoneNumber":{"value":"+1_2"}},"isOnHold":true}],"nextLink":"/n"}`))
	f.Add(byte(2), []byte(`{"identifier":null}`))
	f.Add(byte(3), []byte(`{"participant":{"identifier":{"kind":"teamsExtensionUser","teamsExtensionUser":{"userId":"u","tenantId":"t","resourceId":"r","cloud":"public"}}}}`))
	f.Fuzz(func(t *testing.T, op byte, body []byte) {
		ctx := context.Background()
		m := &memTransport{status: 200, body: body}
		c := memClient(t, m)
		conn := c.CallConnection("c1")
		check := func(err error) bool {
			t.Helper()
			if err != nil {
				if !strings.HasPrefix(err.Error(), "calling: ") {
					t.Fatalf("error not from the client: %v", err)
				}
				return false
			}
			return true
		}
		switch op % 4 {
		case 0:
			r, err := conn.GetCall(ctx, nil)
			if !check(err) {
				return
			}
			m.body, _ = json.Marshal(callconv.Properties(r.CallConnectionProperties))
			again, err := conn.GetCall(ctx, nil)
			require.NoError(t, err, "%s", m.body)
			require.Equal(t, r, again)
		case 1:
			r, err := conn.ListParticipantsPage(ctx, "", nil)
			if !check(err) {
				return
			}
			m.body, _ = json.Marshal(callconv.Participants(r))
			again, err := conn.ListParticipantsPage(ctx, "", nil)
			require.NoError(t, err, "%s", m.body)
			require.Equal(t, r, again)
		case 2:
			r, err := conn.GetParticipant(ctx, identity.CommunicationUserIdentifier{ID: "8:acs:x"}, nil)
			if !check(err) {
				return
			}
			m.body, _ = json.Marshal(callconv.Participant(r.CallParticipant))
			again, err := conn.GetParticipant(ctx, identity.CommunicationUserIdentifier{ID: "8:acs:x"}, nil)
			require.NoError(t, err, "%s", m.body)
			require.Equal(t, r, again)
		case 3:
			m.status = 202
			r, err := conn.AddParticipant(ctx, identity.CommunicationUserIdentifier{ID: "8:acs:x"}, nil)
			if !check(err) {
				return
			}
			m.body, _ = json.Marshal(callconv.AddParticipantResponse(r))
			again, err := conn.AddParticipant(ctx, identity.CommunicationUserIdentifier{ID: "8:acs:x"}, nil)
			require.NoError(t, err, "%s", m.body)
			if r.Participant.Identifier == nil {
				// A participant without an identifier is not written back.
				r.Participant = calling.CallParticipant{}
			}
			require.Equal(t, r, again)
		}
	})
}
