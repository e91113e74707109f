package calling_test

import (
	"context"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// The published examples of the Call Automation REST API are replayed
// through the real client and the switchboard's codec in calling/fake
// (spec_test.go).

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
	_, err = conn.ListParticipantsPage(ctx, nil)
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
