package calling_test

// Tests against the service's published examples (testdata/callautomation,
// copied from the Call Automation REST API specification). For each
// example, the request body is decoded with internal/callwire/callconv (as
// the fake's HTTP face decodes requests) into the public arguments, which
// go through the real client to a loopback server. The server checks what
// arrives against the example: method, escaped path, api-version, HMAC
// signature, repeatability headers and the body (semantically: an
// identifier is compared by its raw id, absent equals false or empty). It
// answers with the example's response, which the client must decode; the
// decoded result, written back with callconv, must mean the same as the
// example's response.

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire/callconv"
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

func decode[T any](t *testing.T, body json.RawMessage) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(body, &v))
	return v
}

const conns = "/calling/callConnections"

// escapeRaw escapes a raw id as the official SDKs put it in a path.
func escapeRaw(raw string) string {
	return strings.NewReplacer(":", "%3A", "+", "%2B").Replace(raw)
}

var specOps = map[string]specOp{
	"CreateCall.json": {method: "POST", path: func(string) string { return conns }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, _ specExample, body json.RawMessage) any {
			in, err := callconv.DecodeCreateCall(decode[callwire.CreateCallRequest](t, body))
			require.NoError(t, err)
			r, err := c.CreateCall(ctx, in.Targets, in.CallbackURL, &in.Options)
			require.NoError(t, err)
			return callconv.Properties(r.CallConnectionProperties)
		}},
	"AnswerCall.json": {method: "POST", path: func(string) string { return conns + ":answer" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, _ specExample, body json.RawMessage) any {
			in, err := callconv.DecodeAnswerCall(decode[callwire.AnswerCallRequest](t, body))
			require.NoError(t, err)
			r, err := c.AnswerCall(ctx, in.IncomingCallContext, in.CallbackURL, &in.Options)
			require.NoError(t, err)
			return callconv.Properties(r.CallConnectionProperties)
		}},
	"RedirectCall.json": {method: "POST", path: func(string) string { return conns + ":redirect" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, _ specExample, body json.RawMessage) any {
			in, err := callconv.DecodeRedirectCall(decode[callwire.RedirectCallRequest](t, body))
			require.NoError(t, err)
			_, err = c.RedirectCall(ctx, in.IncomingCallContext, in.Target, nil)
			require.NoError(t, err)
			return nil
		}},
	"RejectCall.json": {method: "POST", path: func(string) string { return conns + ":reject" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, _ specExample, body json.RawMessage) any {
			in, err := callconv.DecodeRejectCall(decode[callwire.RejectCallRequest](t, body))
			require.NoError(t, err)
			_, err = c.RejectCall(ctx, in.IncomingCallContext, &in.Options)
			require.NoError(t, err)
			return nil
		}},
	"Connect.json": {method: "POST", path: func(string) string { return conns + ":connect" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, _ specExample, body json.RawMessage) any {
			in, err := callconv.DecodeConnectCall(decode[callwire.ConnectRequest](t, body))
			require.NoError(t, err)
			r, err := c.ConnectCall(ctx, in.Locator, in.CallbackURL, &in.Options)
			require.NoError(t, err)
			return callconv.Properties(r.CallConnectionProperties)
		}},
	"CallConnection_GetCall.json": {method: "GET", path: func(id string) string { return conns + "/" + id },
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, _ json.RawMessage) any {
			r, err := c.CallConnection(ex.param(t, "callConnectionId")).GetCall(ctx, nil)
			require.NoError(t, err)
			return callconv.Properties(r.CallConnectionProperties)
		}},
	"CallConnection_TerminateCall.json": {method: "POST", path: func(id string) string { return conns + "/" + id + ":terminate" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, _ json.RawMessage) any {
			_, err := c.CallConnection(ex.param(t, "callConnectionId")).TerminateCall(ctx, nil)
			require.NoError(t, err)
			return nil
		}},
	"CallConnection_GetParticipants.json": {method: "GET", path: func(id string) string { return conns + "/" + id + "/participants" },
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, _ json.RawMessage) any {
			page, err := c.CallConnection(ex.param(t, "callConnectionId")).ListParticipantsPage(ctx, "", nil)
			require.NoError(t, err)
			return callconv.Participants(page)
		}},
	"CallConnection_GetParticipant.json": {method: "GET", path: func(id string) string {
		return conns + "/" + id + "/participants/" + escapeRaw("8:acs:b9614373-fd0b-480c-8fd2-cb58b70eab9f_da7be3a9-8788-42a6-85c6-56b2cf784fce")
	},
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, _ json.RawMessage) any {
			p := identity.ParseRawID(ex.param(t, "participantRawId"))
			r, err := c.CallConnection(ex.param(t, "callConnectionId")).GetParticipant(ctx, p, nil)
			require.NoError(t, err)
			require.True(t, identity.Equal(p, r.Identifier))
			return callconv.Participant(r.CallParticipant)
		}},
	"CallConnection_AddParticipant.json": {method: "POST", path: func(id string) string { return conns + "/" + id + "/participants:add" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, body json.RawMessage) any {
			in, err := callconv.DecodeAddParticipant(decode[callwire.AddParticipantRequest](t, body))
			require.NoError(t, err)
			r, err := c.CallConnection(ex.param(t, "callConnectionId")).AddParticipant(ctx, in.Participant, &in.Options)
			require.NoError(t, err)
			require.NotEmpty(t, r.InvitationID)
			return callconv.AddParticipantResponse(r)
		}},
	"CallConnection_RemoveParticipant.json": {method: "POST", path: func(id string) string { return conns + "/" + id + "/participants:remove" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, body json.RawMessage) any {
			in, err := callconv.DecodeRemoveParticipant(decode[callwire.RemoveParticipantRequest](t, body))
			require.NoError(t, err)
			r, err := c.CallConnection(ex.param(t, "callConnectionId")).RemoveParticipant(ctx, in.Participant, &in.Options)
			require.NoError(t, err)
			return callconv.OperationContext(r.OperationContext)
		}},
	"CallConnection_CancelAddParticipant.json": {method: "POST", path: func(id string) string { return conns + "/" + id + "/participants:cancelAddParticipant" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, body json.RawMessage) any {
			in, err := callconv.DecodeCancelAddParticipant(decode[callwire.CancelAddParticipantRequest](t, body))
			require.NoError(t, err)
			r, err := c.CallConnection(ex.param(t, "callConnectionId")).CancelAddParticipant(ctx, in.InvitationID, &in.Options)
			require.NoError(t, err)
			return callconv.CancelAddParticipantResponse(r)
		}},
	"CallConnection_Mute.json": {method: "POST", path: func(id string) string { return conns + "/" + id + "/participants:mute" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, body json.RawMessage) any {
			in, err := callconv.DecodeMuteParticipants(decode[callwire.MuteParticipantsRequest](t, body))
			require.NoError(t, err)
			require.Len(t, in.Participants, 1)
			r, err := c.CallConnection(ex.param(t, "callConnectionId")).MuteParticipant(ctx, in.Participants[0], &in.Options)
			require.NoError(t, err)
			return callconv.OperationContext(r.OperationContext)
		}},
	"CallConnection_TransferToParticipant.json": {method: "POST", path: func(id string) string { return conns + "/" + id + ":transferToParticipant" }, repeatable: true,
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, body json.RawMessage) any {
			in, err := callconv.DecodeTransferToParticipant(decode[callwire.TransferToParticipantRequest](t, body))
			require.NoError(t, err)
			r, err := c.CallConnection(ex.param(t, "callConnectionId")).TransferToParticipant(ctx, in.Target, &in.Options)
			require.NoError(t, err)
			return callconv.OperationContext(r.OperationContext)
		}},
	"CallMedia_Hold.json": {method: "POST", path: func(id string) string { return conns + "/" + id + ":hold" },
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, body json.RawMessage) any {
			in, err := callconv.DecodeHold(decode[callwire.HoldRequest](t, body))
			require.NoError(t, err)
			_, err = c.CallConnection(ex.param(t, "callConnectionId")).HoldParticipant(ctx, in.Participant, &in.Options)
			require.NoError(t, err)
			return nil
		}},
	"CallMedia_Unhold.json": {method: "POST", path: func(id string) string { return conns + "/" + id + ":unhold" },
		run: func(t *testing.T, ctx context.Context, c *calling.Client, ex specExample, body json.RawMessage) any {
			in, err := callconv.DecodeUnhold(decode[callwire.UnholdRequest](t, body))
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
	files, err := filepath.Glob("testdata/callautomation/20*/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	covered := map[string]bool{}
	for _, file := range files {
		name := filepath.Base(file)
		covered[name] = true
		t.Run(filepath.ToSlash(strings.TrimPrefix(file, "testdata/callautomation/")), func(t *testing.T) {
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

	rec := newRecorder(t)
	rec.queue(reply{status: status, body: string(respBody)})
	c := newTestClient(t, rec.srv.URL, func(o *calling.ClientOptions) {
		o.ClientOptions.APIVersion = version
	})
	got := op.run(t, context.Background(), c, ex, reqBody)

	s := rec.last()
	require.Len(t, rec.requests(), 1)
	require.Equal(t, op.method, s.Method)
	require.Equal(t, op.path(id), s.Path)
	require.Equal(t, []string{version}, s.Query["api-version"])
	require.NoError(t, s.AuthErr, "HMAC signature")
	r, err := callwire.ParseRepeatability(s.Header)
	if op.repeatable {
		require.NoError(t, err)
		require.True(t, uuid.IsV4(r.RequestID))
		require.Equal(t, "Thu, 12 Mar 2026 08:49:37 GMT", s.Header.Get(callwire.HeaderRepeatabilityFirstSent))
	} else {
		require.True(t, errors.Is(err, callwire.ErrNoRepeatability), "%s %s must not carry repeatability headers: %v", s.Method, s.Path, err)
	}
	if reqBody != nil {
		require.Equal(t, "application/json", s.Header.Get("Content-Type"))
		requireSameJSON(t, reqBody, s.Body, "request body")
	} else {
		require.Empty(t, s.Body)
	}
	if got != nil {
		b, err := json.Marshal(got)
		require.NoError(t, err)
		requireSameJSON(t, respBody, b, "decoded response")
	}
}

// TestSpecErrorResponse checks that a service error surfaces as an
// *azcore.ResponseError carrying the service's code, for every operation.
func TestSpecErrorResponse(t *testing.T) {
	rec := newRecorder(t)
	rec.handle = func(seen) reply {
		return reply{status: 404, body: `{"error":{"code":"8522","message":"Call not found."}}`}
	}
	c := newTestClient(t, rec.srv.URL, nil)
	ctx := context.Background()
	conn := c.CallConnection("gone")
	teams := identity.MicrosoftTeamsUserIdentifier{UserID: "8e9b4a2c-0000-4000-8000-000000000001"}
	var errs []error
	_, err := c.CreateCall(ctx, []identity.Identifier{teams}, "https://app.contoso.com/callback", nil)
	errs = append(errs, err)
	_, err = c.AnswerCall(ctx, "ctx", "https://app.contoso.com/callback", nil)
	errs = append(errs, err)
	_, err = c.RedirectCall(ctx, "ctx", teams, nil)
	errs = append(errs, err)
	_, err = c.RejectCall(ctx, "ctx", nil)
	errs = append(errs, err)
	_, err = c.ConnectCall(ctx, calling.CallLocator{Kind: calling.RoomCall, ID: "r"}, "https://app.contoso.com/callback", nil)
	errs = append(errs, err)
	_, err = conn.GetCall(ctx, nil)
	errs = append(errs, err)
	_, err = conn.ListParticipantsPage(ctx, "", nil)
	errs = append(errs, err)
	_, err = conn.GetParticipant(ctx, teams, nil)
	errs = append(errs, err)
	_, err = conn.AddParticipant(ctx, teams, nil)
	errs = append(errs, err)
	_, err = conn.RemoveParticipant(ctx, teams, nil)
	errs = append(errs, err)
	_, err = conn.CancelAddParticipant(ctx, "inv", nil)
	errs = append(errs, err)
	_, err = conn.MuteParticipant(ctx, teams, nil)
	errs = append(errs, err)
	_, err = conn.TransferToParticipant(ctx, teams, nil)
	errs = append(errs, err)
	_, err = conn.HoldParticipant(ctx, teams, nil)
	errs = append(errs, err)
	_, err = conn.UnholdParticipant(ctx, teams, nil)
	errs = append(errs, err)
	_, err = conn.HangUp(ctx, nil)
	errs = append(errs, err)
	_, err = conn.TerminateCall(ctx, nil)
	errs = append(errs, err)
	for _, err := range conn.ListParticipants(ctx, nil) {
		errs = append(errs, err)
	}
	require.Len(t, rec.requests(), len(errs))
	for i, err := range errs {
		var re *azcore.ResponseError
		require.ErrorAs(t, err, &re, "operation %d", i)
		require.Equal(t, 404, re.StatusCode)
		require.Equal(t, "8522", re.ErrorCode)
		require.True(t, calling.IsNotFound(err))
		require.Equal(t, "8522", calling.ErrorCode(err))
	}
}
