package chat_test

import (
	"fmt"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// The exported constants are literals, so that go doc shows the wire strings
// and limits; the Graph codec under internal/ keeps its own, which cannot
// name these. This test holds each pair to one value.
func TestConstantsAgreeWithTheWireCodec(t *testing.T) {
	for _, c := range []struct {
		name             string
		public, internal any
	}{
		{"SelfChatID", chat.SelfChatID, graphwire.SelfChatID},
		{"MaxPresencesPerRequest", chat.MaxPresencesPerRequest, graphwire.MaxPresenceIDs},
		{"MaxExternalIDBytes", chat.MaxExternalIDBytes, graphwire.MaxExternalIDLen},
		{"MinPresenceExpiration", chat.MinPresenceExpiration, graphwire.MinSessionExpiration},
		{"MaxPresenceExpiration", chat.MaxPresenceExpiration, graphwire.MaxSessionExpiration},
		{"DefaultPresenceExpiration", chat.DefaultPresenceExpiration, graphwire.DefaultSessionExpiration},
		{"MaxPresenceSubscriptionUsers", chat.MaxPresenceSubscriptionUsers, graphwire.MaxPresenceSubscriptionIDs},
		{"MaxPresenceSubscriptionLifetime", chat.MaxPresenceSubscriptionLifetime, graphwire.MaxPresenceSubscriptionLifetime},
		{"ChangeCreated", string(chat.ChangeCreated), graphwire.ChangeCreated},
		{"ChangeUpdated", string(chat.ChangeUpdated), graphwire.ChangeUpdated},
		{"ChangeDeleted", string(chat.ChangeDeleted), graphwire.ChangeDeleted},
		{"NotificationCreated", string(chat.NotificationCreated), graphwire.ChangeCreated},
		{"NotificationUpdated", string(chat.NotificationUpdated), graphwire.ChangeUpdated},
		{"NotificationDeleted", string(chat.NotificationDeleted), graphwire.ChangeDeleted},
		{"NotificationReauthorizationRequired", string(chat.NotificationReauthorizationRequired), graphwire.LifecycleReauthorizationRequired},
		{"NotificationSubscriptionRemoved", string(chat.NotificationSubscriptionRemoved), graphwire.LifecycleSubscriptionRemoved},
		{"NotificationMissed", string(chat.NotificationMissed), graphwire.LifecycleMissed},
	} {
		if fmt.Sprint(c.public) != fmt.Sprint(c.internal) {
			t.Errorf("%s is %v, the internal constant %v", c.name, c.public, c.internal)
		}
	}
}
