package fake

// The switchboard's codec and the real client against the service's
// published examples (calling/testdata/callautomation, copied from the Call
// Automation REST API specification). For each example, the request body is
// decoded as the HTTP face decodes requests (wire_convert.go) into the
// public arguments, which go through the real client to an in-memory
// transport. What arrives is checked against the example: method, escaped
// path, api-version, HMAC signature, repeatability headers and the body
// (semantically: an identifier is compared by its raw id, absent equals
// false or empty). The transport answers with the example's response, which
// the client must decode; the decoded result, written back as the HTTP face
// writes responses, must mean the same as the example's response.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/hmacauth"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

type specExample struct {
	Parameters map[string]json.RawMessage `json:"parameters"`
	Responses  map[string]struct {
		Body json.RawMessage `json:"body"`
	} `json:"responses"`
}

func (e specExample) param(t *testing.T, name string) string {
	t.Helper()
	var s string
	require.NoError(t, json.Unmarshal(e.Parameters[name], &s), "parameter %s", name)
	return s
}

// request returns the example's request body: its one object parameter.
func (e specExample) request() json.RawMessage {
	for _, v := range e.Parameters {
		if len(v) > 0 && v[0] == '{' {
			return v
		}
	}
	return nil
}

func (e specExample) success(t *testing.T) (int, json.RawMessage) {
	t.Helper()
	for code, r := range e.Responses {
		n, err := strconv.Atoi(code)
		require.NoError(t, err)
		if n >= 200 && n < 300 {
			return n, r.Body
		}
	}
	t.Fatal("no 2xx response in the example")
	return 0, nil
}

// specOp is what the test expects of one example and how it drives the
// client: run decodes the example's request into the client's arguments,
// calls the client, and returns the result written as the wire would carry
// it (nil for operations without a response body).
type specOp struct {
	method     string
	path       func(id string) string // escaped, as it must arrive
	repeatable bool
	run        func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, body json.RawMessage) any
}

const conns = "/calling/callConnections"

// escapeRaw escapes a raw id as the official SDKs put it in a path.
func escapeRaw(raw string) string {
	return strings.NewReplacer(":", "%3A", "+", "%2B").Replace(raw)
}

var specOps = map[string]specOp{
	"CreateCall.json": {method: "POST", path: func(string) string { return conns }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, _ specExample, body json.RawMessage) any {
			in, err := decodeCreateCall(unmarshal[callwire.CreateCallRequest](t, body))
			require.NoError(t, err)
			r, err := c.CreateCall(ctx, in.Targets, in.CallbackURL, &in.Options)
			require.NoError(t, err)
			return propertiesWire(r.CallConnectionProperties)
		}},
	"AnswerCall.json": {method: "POST", path: func(string) string { return conns + ":answer" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, _ specExample, body json.RawMessage) any {
			in, err := decodeAnswerCall(unmarshal[callwire.AnswerCallRequest](t, body))
			require.NoError(t, err)
			r, err := c.AnswerCall(ctx, in.IncomingCallContext, in.CallbackURL, &in.Options)
			require.NoError(t, err)
			return propertiesWire(r.CallConnectionProperties)
		}},
	"RedirectCall.json": {method: "POST", path: func(string) string { return conns + ":redirect" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, _ specExample, body json.RawMessage) any {
			in, err := decodeRedirectCall(unmarshal[callwire.RedirectCallRequest](t, body))
			require.NoError(t, err)
			_, err = c.RedirectCall(ctx, in.IncomingCallContext, in.Target, nil)
			require.NoError(t, err)
			return nil
		}},
	"RejectCall.json": {method: "POST", path: func(string) string { return conns + ":reject" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, _ specExample, body json.RawMessage) any {
			in, err := decodeRejectCall(unmarshal[callwire.RejectCallRequest](t, body))
			require.NoError(t, err)
			_, err = c.RejectCall(ctx, in.IncomingCallContext, &in.Options)
			require.NoError(t, err)
			return nil
		}},
	"Connect.json": {method: "POST", path: func(string) string { return conns + ":connect" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, _ specExample, body json.RawMessage) any {
			in, err := decodeConnectCall(unmarshal[callwire.ConnectRequest](t, body))
			require.NoError(t, err)
			r, err := c.ConnectCall(ctx, in.Locator, in.CallbackURL, &in.Options)
			require.NoError(t, err)
			return propertiesWire(r.CallConnectionProperties)
		}},
	"CallConnection_GetCall.json": {method: "GET", path: func(id string) string { return conns + "/" + id },
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, _ json.RawMessage) any {
			r, err := c.CallConnection(ex.param(t, "callConnectionId")).GetCall(ctx, nil)
			require.NoError(t, err)
			return propertiesWire(r.CallConnectionProperties)
		}},
	"CallConnection_TerminateCall.json": {method: "POST", path: func(id string) string { return conns + "/" + id + ":terminate" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, _ json.RawMessage) any {
			_, err := c.CallConnection(ex.param(t, "callConnectionId")).TerminateCall(ctx, nil)
			require.NoError(t, err)
			return nil
		}},
	"CallConnection_GetParticipants.json": {method: "GET", path: func(id string) string { return conns + "/" + id + "/participants" },
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, _ json.RawMessage) any {
			page, err := c.CallConnection(ex.param(t, "callConnectionId")).ListParticipantsPage(ctx, nil)
			require.NoError(t, err)
			return participantsWire(page)
		}},
	"CallConnection_GetParticipant.json": {method: "GET", path: func(id string) string {
		return conns + "/" + id + "/participants/" + escapeRaw("8:acs:b9614373-fd0b-480c-8fd2-cb58b70eab9f_da7be3a9-8788-42a6-85c6-56b2cf784fce")
	},
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, _ json.RawMessage) any {
			p := identity.ParseRawID(ex.param(t, "participantRawId"))
			r, err := c.CallConnection(ex.param(t, "callConnectionId")).GetParticipant(ctx, p, nil)
			require.NoError(t, err)
			require.True(t, identity.Equal(p, r.Identifier))
			return participantWire(r.CallParticipant)
		}},
	"CallConnection_AddParticipant.json": {method: "POST", path: func(id string) string { return conns + "/" + id + "/participants:add" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, body json.RawMessage) any {
			in, err := decodeAddParticipant(unmarshal[callwire.AddParticipantRequest](t, body))
			require.NoError(t, err)
			r, err := c.CallConnection(ex.param(t, "callConnectionId")).AddParticipant(ctx, in.Participant, &in.Options)
			require.NoError(t, err)
			require.NotEmpty(t, r.InvitationID)
			return addResponseWire(r)
		}},
	"CallConnection_RemoveParticipant.json": {method: "POST", path: func(id string) string { return conns + "/" + id + "/participants:remove" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, body json.RawMessage) any {
			in, err := decodeRemoveParticipant(unmarshal[callwire.RemoveParticipantRequest](t, body))
			require.NoError(t, err)
			r, err := c.CallConnection(ex.param(t, "callConnectionId")).RemoveParticipant(ctx, in.Participant, &in.Options)
			require.NoError(t, err)
			return operationContextWire(r.OperationContext)
		}},
	"CallConnection_CancelAddParticipant.json": {method: "POST", path: func(id string) string { return conns + "/" + id + "/participants:cancelAddParticipant" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, body json.RawMessage) any {
			in, err := decodeCancelAddParticipant(unmarshal[callwire.CancelAddParticipantRequest](t, body))
			require.NoError(t, err)
			r, err := c.CallConnection(ex.param(t, "callConnectionId")).CancelAddParticipant(ctx, in.InvitationID, &in.Options)
			require.NoError(t, err)
			return cancelResponseWire(r)
		}},
	"CallConnection_Mute.json": {method: "POST", path: func(id string) string { return conns + "/" + id + "/participants:mute" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, body json.RawMessage) any {
			in, err := decodeMuteParticipants(unmarshal[callwire.MuteParticipantsRequest](t, body))
			require.NoError(t, err)
			require.Len(t, in.Participants, 1)
			r, err := c.CallConnection(ex.param(t, "callConnectionId")).MuteParticipant(ctx, in.Participants[0], &in.Options)
			require.NoError(t, err)
			return operationContextWire(r.OperationContext)
		}},
	"CallConnection_TransferToParticipant.json": {method: "POST", path: func(id string) string { return conns + "/" + id + ":transferToParticipant" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, body json.RawMessage) any {
			in, err := decodeTransferToParticipant(unmarshal[callwire.TransferToParticipantRequest](t, body))
			require.NoError(t, err)
			r, err := c.CallConnection(ex.param(t, "callConnectionId")).TransferToParticipant(ctx, in.Target, &in.Options)
			require.NoError(t, err)
			return operationContextWire(r.OperationContext)
		}},
	"CallMedia_Hold.json": {method: "POST", path: func(id string) string { return conns + "/" + id + ":hold" },
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, body json.RawMessage) any {
			in, err := decodeHold(unmarshal[callwire.HoldRequest](t, body))
			require.NoError(t, err)
			_, err = c.CallConnection(ex.param(t, "callConnectionId")).HoldParticipant(ctx, in.Participant, &in.Options)
			require.NoError(t, err)
			return nil
		}},
	"CallMedia_Unhold.json": {method: "POST", path: func(id string) string { return conns + "/" + id + ":unhold" },
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, body json.RawMessage) any {
			in, err := decodeUnhold(unmarshal[callwire.UnholdRequest](t, body))
			require.NoError(t, err)
			_, err = c.CallConnection(ex.param(t, "callConnectionId")).UnholdParticipant(ctx, in.Participant, &in.Options)
			require.NoError(t, err)
			return nil
		}},
	"CallConnection_HangupCall.json": {method: "DELETE", path: func(id string) string { return conns + "/" + id },
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, _ json.RawMessage) any {
			_, err := c.CallConnection(ex.param(t, "callConnectionId")).HangUp(ctx, nil)
			require.NoError(t, err)
			return nil
		}},
}

func TestSpecExamples(t *testing.T) {
	files, err := filepath.Glob("../testdata/callautomation/20*/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	covered := map[string]bool{}
	for _, file := range files {
		name := filepath.Base(file)
		covered[name] = true
		t.Run(filepath.ToSlash(strings.TrimPrefix(file, "../testdata/callautomation/")), func(t *testing.T) {
			op, ok := specOps[name]
			require.True(t, ok, "no test for example %s: add one to specOps", name)
			raw, err := os.ReadFile(file)
			require.NoError(t, err)
			var ex specExample
			require.NoError(t, json.Unmarshal(raw, &ex))
			replaySpec(t, op, ex)
		})
	}
	for _, name := range []string{"CreateCall.json", "AnswerCall.json", "RedirectCall.json", "RejectCall.json", "CallConnection_TerminateCall.json", "CallConnection_AddParticipant.json"} {
		require.True(t, covered[name], "example %s is missing from testdata", name)
	}
}

func replaySpec(t *testing.T, op specOp, ex specExample) {
	version := ex.param(t, "api-version")
	status, respBody := ex.success(t)
	reqBody := ex.request()
	var id string
	if _, ok := ex.Parameters["callConnectionId"]; ok {
		id = ex.param(t, "callConnectionId")
	}

	tr := &transport{status: status, body: respBody}
	c := specClient(t, tr, version)
	got := op.run(t, context.Background(), c, ex, reqBody)

	require.NotNil(t, tr.req, "no request was sent")
	require.Equal(t, op.method, tr.req.Method)
	require.Equal(t, op.path(id), tr.path)
	require.Equal(t, []string{version}, tr.req.URL.Query()["api-version"])
	require.NoError(t, hmacauth.Verify(tr.req, tr.last, specKey, time.Now(), 0), "HMAC signature")
	r, err := callwire.ParseRepeatability(tr.req.Header)
	if op.repeatable {
		require.NoError(t, err)
		require.True(t, uuid.IsV4(r.RequestID))
		require.Equal(t, "Thu, 12 Mar 2026 08:49:37 GMT", tr.req.Header.Get(callwire.HeaderRepeatabilityFirstSent))
	} else {
		require.True(t, errors.Is(err, callwire.ErrNoRepeatability), "%s %s must not carry repeatability headers: %v", tr.req.Method, tr.path, err)
	}
	if reqBody != nil {
		require.Equal(t, "application/json", tr.req.Header.Get("Content-Type"))
		requireSameJSON(t, reqBody, tr.last, "request body")
	} else {
		require.Empty(t, tr.last)
	}
	if got != nil {
		b, err := json.Marshal(got)
		require.NoError(t, err)
		requireSameJSON(t, respBody, b, "decoded response")
	}
}

// specKey and specNow are the access key and the clock of the spec client.
var (
	specKey = []byte("teamsuser-go calling test key 0123456789")
	specNow = time.Date(2026, 3, 12, 8, 49, 37, 0, time.UTC)
)

func specClient(t testing.TB, tr *transport, apiVersion string) *calling.Client {
	t.Helper()
	c, err := calling.NewClientWithAccessKey("https://contoso.communication.azure.com", base64.StdEncoding.EncodeToString(specKey), &calling.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: tr, Retry: policy.RetryOptions{MaxRetries: -1}, APIVersion: apiVersion},
		Clock:         identityfake.NewClock(specNow),
	})
	require.NoError(t, err)
	return c
}

// normalize returns v (decoded JSON) in a form where two payloads that mean
// the same compare equal: properties with false, empty or null values are
// dropped (the API treats them as absent), and an identifier model becomes
// its raw id, so that a model written with rawId and kind equals one
// written with its typed property only.
func normalize(t testing.TB, v any) any {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		if isIdentifierModel(x) {
			b, _ := json.Marshal(x)
			id, err := identity.UnmarshalIdentifier(b)
			require.NoError(t, err, "identifier model %s", b)
			return map[string]any{"identifier": id.RawID()}
		}
		out := map[string]any{}
		for k, e := range x {
			n := normalize(t, e)
			if isEmpty(n) {
				continue
			}
			out[k] = n
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(t, e)
		}
		return out
	}
	return v
}

func isIdentifierModel(m map[string]any) bool {
	for _, k := range []string{"communicationUser", "phoneNumber", "microsoftTeamsUser", "microsoftTeamsApp", "teamsExtensionUser"} {
		if _, ok := m[k]; ok {
			return true
		}
	}
	_, kind := m["kind"]
	_, raw := m["rawId"]
	return kind && raw
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// requireSameJSON asserts that two JSON documents mean the same (see
// normalize).
func requireSameJSON(t testing.TB, want, got []byte, msgAndArgs ...any) {
	t.Helper()
	var w, g any
	if len(bytes.TrimSpace(want)) > 0 {
		require.NoError(t, json.Unmarshal(want, &w), "want %s", want)
	}
	if len(bytes.TrimSpace(got)) > 0 {
		require.NoError(t, json.Unmarshal(got, &g), "got %s", got)
	}
	nw, ng := normalize(t, w), normalize(t, g)
	if isEmpty(nw) && isEmpty(ng) {
		return
	}
	require.Equal(t, canonical(nw), canonical(ng), msgAndArgs...)
}

// canonical prints normalized JSON with sorted keys, for readable diffs.
func canonical(v any) string {
	var b strings.Builder
	var walk func(v any, indent string)
	walk = func(v any, indent string) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			b.WriteString("{\n")
			for _, k := range keys {
				fmt.Fprintf(&b, "%s  %q: ", indent, k)
				walk(x[k], indent+"  ")
				b.WriteString(",\n")
			}
			b.WriteString(indent + "}")
		case []any:
			b.WriteString("[\n")
			for _, e := range x {
				b.WriteString(indent + "  ")
				walk(e, indent+"  ")
				b.WriteString(",\n")
			}
			b.WriteString(indent + "]")
		default:
			j, _ := json.Marshal(x)
			b.Write(j)
		}
	}
	walk(v, "")
	return b.String()
}
