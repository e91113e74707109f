package calling_test

import (
	"fmt"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/eventwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/meetinglink"
	"github.com/teamsuser-sdk/teamsuser-go/internal/oidc"
)

// The exported constants are literals, so that go doc shows the wire strings
// and limits; the codecs and the validator under internal/ keep their own,
// which cannot name these. This test holds each pair to one value.
func TestConstantsAgreeWithTheWireCodecs(t *testing.T) {
	for _, c := range []struct {
		name             string
		public, internal any
	}{
		{"EventTypeCallConnected", calling.EventTypeCallConnected, eventwire.TypeCallConnected},
		{"EventTypeCallDisconnected", calling.EventTypeCallDisconnected, eventwire.TypeCallDisconnected},
		{"EventTypeCallTransferAccepted", calling.EventTypeCallTransferAccepted, eventwire.TypeCallTransferAccepted},
		{"EventTypeCallTransferFailed", calling.EventTypeCallTransferFailed, eventwire.TypeCallTransferFailed},
		{"EventTypeAddParticipantSucceeded", calling.EventTypeAddParticipantSucceeded, eventwire.TypeAddParticipantSucceeded},
		{"EventTypeAddParticipantFailed", calling.EventTypeAddParticipantFailed, eventwire.TypeAddParticipantFailed},
		{"EventTypeRemoveParticipantSucceeded", calling.EventTypeRemoveParticipantSucceeded, eventwire.TypeRemoveParticipantSucceeded},
		{"EventTypeRemoveParticipantFailed", calling.EventTypeRemoveParticipantFailed, eventwire.TypeRemoveParticipantFailed},
		{"EventTypeCancelAddParticipantSucceeded", calling.EventTypeCancelAddParticipantSucceeded, eventwire.TypeCancelAddParticipantSucceeded},
		{"EventTypeCancelAddParticipantFailed", calling.EventTypeCancelAddParticipantFailed, eventwire.TypeCancelAddParticipantFailed},
		{"EventTypeMoveParticipantSucceeded", calling.EventTypeMoveParticipantSucceeded, eventwire.TypeMoveParticipantSucceeded},
		{"EventTypeMoveParticipantFailed", calling.EventTypeMoveParticipantFailed, eventwire.TypeMoveParticipantFailed},
		{"EventTypeParticipantsUpdated", calling.EventTypeParticipantsUpdated, eventwire.TypeParticipantsUpdated},
		{"EventTypeCreateCallFailed", calling.EventTypeCreateCallFailed, eventwire.TypeCreateCallFailed},
		{"EventTypeAnswerFailed", calling.EventTypeAnswerFailed, eventwire.TypeAnswerFailed},
		{"EventTypeConnectFailed", calling.EventTypeConnectFailed, eventwire.TypeConnectFailed},
		{"EventTypeHoldFailed", calling.EventTypeHoldFailed, eventwire.TypeHoldFailed},
		{"EventTypeIncomingCall", calling.EventTypeIncomingCall, eventwire.TypeIncomingCall},
		{"EventTypeSubscriptionValidation", calling.EventTypeSubscriptionValidation, eventwire.TypeSubscriptionValidation},
		{"MaxEventsPerDelivery", calling.MaxEventsPerDelivery, eventwire.MaxEvents},
		{"RejectReasonNone", string(calling.RejectReasonNone), callwire.RejectNone},
		{"RejectReasonBusy", string(calling.RejectReasonBusy), callwire.RejectBusy},
		{"RejectReasonForbidden", string(calling.RejectReasonForbidden), callwire.RejectForbidden},
		{"GroupCall", string(calling.GroupCall), callwire.LocatorGroupCall},
		{"ServerCall", string(calling.ServerCall), callwire.LocatorServerCall},
		{"RoomCall", string(calling.RoomCall), callwire.LocatorRoomCall},
		{"PlayFile", string(calling.PlayFile), callwire.PlaySourceFile},
		{"PlayText", string(calling.PlayText), callwire.PlaySourceText},
		{"PlaySSML", string(calling.PlaySSML), callwire.PlaySourceSSML},
		{"MaxInvitationTimeout", calling.MaxInvitationTimeout.Seconds(), float64(callwire.MaxInvitationTimeoutSeconds)},
		{"DefaultCallbackKeyRefreshInterval", calling.DefaultCallbackKeyRefreshInterval, oidc.DefaultMinRefreshInterval},
		{"DefaultCallbackClockSkew", calling.DefaultCallbackClockSkew, oidc.DefaultClockSkew},
		{"MaxJoinLinkLength", calling.MaxJoinLinkLength, meetinglink.MaxLinkLength},
		{"HostTeams", calling.HostTeams, meetinglink.HostTeams},
		{"HostTeamsCloud", calling.HostTeamsCloud, meetinglink.HostTeamsCloud},
		{"HostTeamsLive", calling.HostTeamsLive, meetinglink.HostTeamsLive},
		{"HostTeamsGCCH", calling.HostTeamsGCCH, meetinglink.HostTeamsGCCH},
		{"HostTeamsDoD", calling.HostTeamsDoD, meetinglink.HostTeamsDoD},
		{"MeetingByLink", string(calling.MeetingByLink), string(meetinglink.ByLink)},
		{"MeetingByID", string(calling.MeetingByID), string(meetinglink.ByID)},
		{"MeetingByCoordinates", string(calling.MeetingByCoordinates), string(meetinglink.ByCoordinates)},
	} {
		if fmt.Sprint(c.public) != fmt.Sprint(c.internal) {
			t.Errorf("%s is %v, the internal constant %v", c.name, c.public, c.internal)
		}
	}
}
