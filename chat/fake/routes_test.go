package fake

import (
	"net/url"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
)

// learn is the base of the Learn pages of Graph v1.0's API reference.
const learn = "https://learn.microsoft.com/graph/api/"

// documented is every request the HTTP face may serve, beside the Learn page
// whose "HTTP request" section lists it (read in 2026; {name} stands for any
// segment). A route of the fake's router that is not here fails
// TestRoutesAreDocumented: the fake must not serve a path Graph does not
// document, so that code passing against it does not call one the service
// may not serve.
var documented = map[string]string{
	"GET /me/chats":                                                                 learn + "chat-list",
	"GET /users/{user-id}/chats":                                                    learn + "chat-list",
	"GET /chats":                                                                    learn + "chat-list",
	"POST /chats":                                                                   learn + "chat-post",
	"GET /me/chats/{chat-id}":                                                       learn + "chat-get",
	"GET /users/{user-id}/chats/{chat-id}":                                          learn + "chat-get",
	"GET /chats/{chat-id}":                                                          learn + "chat-get",
	"PATCH /chats/{chat-id}":                                                        learn + "chat-patch",
	"POST /chats/{chat-id}/hideForUser":                                             learn + "chat-hideforuser",
	"POST /chats/{chat-id}/unhideForUser":                                           learn + "chat-unhideforuser",
	"GET /chats/{chat-id}/pinnedMessages":                                           learn + "chat-list-pinnedmessages ($expand=message)",
	"POST /chats/{chat-id}/pinnedMessages":                                          learn + "chat-post-pinnedmessages",
	"DELETE /chats/{chat-id}/pinnedMessages/{pinned-id}":                            learn + "chat-delete-pinnedmessages",
	"GET /chats/{chat-id}/members":                                                  learn + "chat-list-members",
	"GET /users/{user-id}/chats/{chat-id}/members":                                  learn + "chat-list-members",
	"POST /chats/{chat-id}/members":                                                 learn + "chat-post-members",
	"GET /chats/{chat-id}/members/{membership-id}":                                  learn + "conversationmember-get",
	"GET /users/{user-id}/chats/{chat-id}/members/{membership-id}":                  learn + "conversationmember-get",
	"DELETE /chats/{chat-id}/members/{membership-id}":                               learn + "chat-delete-members",
	"POST /chats/{chat-id}/markChatReadForUser":                                     learn + "chat-markchatreadforuser",
	"POST /chats/{chat-id}/markChatUnreadForUser":                                   learn + "chat-markchatunreadforuser",
	"POST /chats/{chat-id}/messages":                                                learn + "chat-post-messages",
	"GET /me/chats/{chat-id}/messages":                                              learn + "chat-list-messages",
	"GET /users/{user-id}/chats/{chat-id}/messages":                                 learn + "chat-list-messages",
	"GET /chats/{chat-id}/messages":                                                 learn + "chat-list-messages",
	"GET /chats/{chat-id}/messages/{message-id}":                                    learn + "chatmessage-get",
	"GET /users/{user-id}/chats/{chat-id}/messages/{message-id}":                    learn + "chatmessage-get",
	"GET /me/chats/{chat-id}/messages/{message-id}":                                 learn + "chatmessage-get",
	"PATCH /chats/{chat-id}/messages/{message-id}":                                  learn + "chatmessage-update",
	"POST /chats/{chat-id}/messages/{message-id}/setReaction":                       learn + "chatmessage-setreaction",
	"POST /chats/{chat-id}/messages/{message-id}/unsetReaction":                     learn + "chatmessage-unsetreaction",
	"GET /chats/{chat-id}/messages/{message-id}/hostedContents":                     learn + "chatmessage-list-hostedcontents",
	"GET /users/{user-id}/chats/{chat-id}/messages/{message-id}/hostedContents":     learn + "chatmessage-list-hostedcontents",
	"GET /chats/{chat-id}/messages/{message-id}/hostedContents/{hosted-content-id}": learn + "chatmessagehostedcontent-get",
	"GET /users/{user-id}/chats/{chat-id}/messages/{message-id}/hostedContents/{hosted-content-id}":       learn + "chatmessagehostedcontent-get",
	"GET /chats/{chat-id}/messages/{message-id}/hostedContents/{hosted-content-id}/$value":                learn + "chatmessagehostedcontent-get (example 2)",
	"POST /users/{user-id}/chats/{chat-id}/messages/{message-id}/softDelete":                              learn + "chatmessage-softdelete",
	"PATCH /teams/{team-id}/channels/{channel-id}/messages/{message-id}":                                  learn + "chatmessage-update",
	"PATCH /teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies/{reply-id}":               learn + "chatmessage-update",
	"POST /teams/{team-id}/channels/{channel-id}/messages/{message-id}/softDelete":                        learn + "chatmessage-softdelete",
	"POST /teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies/{reply-id}/softDelete":     learn + "chatmessage-softdelete",
	"POST /teams/{team-id}/channels/{channel-id}/messages/{message-id}/undoSoftDelete":                    learn + "chatmessage-undosoftdelete",
	"POST /teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies/{reply-id}/undoSoftDelete": learn + "chatmessage-undosoftdelete",
	"POST /teams/{team-id}/channels/{channel-id}/messages/{message-id}/setReaction":                       learn + "chatmessage-setreaction",
	"POST /teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies/{reply-id}/setReaction":    learn + "chatmessage-setreaction",
	"POST /teams/{team-id}/channels/{channel-id}/messages/{message-id}/unsetReaction":                     learn + "chatmessage-unsetreaction",
	"POST /teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies/{reply-id}/unsetReaction":  learn + "chatmessage-unsetreaction",
	"POST /users/{user-id}/chats/{chat-id}/messages/{message-id}/undoSoftDelete":                          learn + "chatmessage-undosoftdelete",
	"POST /me/onlineMeetings":                                           learn + "application-post-onlinemeetings",
	"GET /me/onlineMeetings":                                            learn + "onlinemeeting-get ($filter=JoinWebUrl or joinMeetingIdSettings/joinMeetingId)",
	"GET /me/onlineMeetings/{meeting-id}":                               learn + "onlinemeeting-get",
	"PATCH /me/onlineMeetings/{meeting-id}":                             learn + "onlinemeeting-update",
	"DELETE /me/onlineMeetings/{meeting-id}":                            learn + "onlinemeeting-delete",
	"POST /me/onlineMeetings/createOrGet":                               learn + "onlinemeeting-createorget",
	"GET /me/onlineMeetings/{meeting-id}/attendanceReports":             learn + "meetingattendancereport-list",
	"GET /me/onlineMeetings/{meeting-id}/attendanceReports/{report-id}": learn + "meetingattendancereport-get",
	"GET /me":                                                                             learn + "user-get",
	"GET /users/{user-id}":                                                                learn + "user-get ({id | userPrincipalName})",
	"GET /me/presence":                                                                    learn + "presence-get",
	"GET /users/{user-id}/presence":                                                       learn + "presence-get",
	"POST /communications/getPresencesByUserId":                                           learn + "cloudcommunications-getpresencesbyuserid",
	"POST /users/{user-id}/presence/setPresence":                                          learn + "presence-setpresence",
	"POST /users/{user-id}/presence/clearPresence":                                        learn + "presence-clearpresence",
	"POST /users/{user-id}/presence/setUserPreferredPresence":                             learn + "presence-setuserpreferredpresence",
	"POST /users/{user-id}/presence/clearUserPreferredPresence":                           learn + "presence-clearuserpreferredpresence",
	"POST /users/{user-id}/presence/setStatusMessage":                                     learn + "presence-setstatusmessage",
	"GET /teams/{team-id}/channels/{channel-id}/messages":                                 learn + "channel-list-messages",
	"POST /teams/{team-id}/channels/{channel-id}/messages":                                learn + "channel-post-messages",
	"GET /teams/{team-id}/channels/{channel-id}/messages/{message-id}":                    learn + "chatmessage-get",
	"GET /teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies/{reply-id}": learn + "chatmessage-get",
	"GET /teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies":            learn + "chatmessage-list-replies",
	"POST /teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies":           learn + "chatmessage-post-replies",
	"POST /subscriptions":                                                                 learn + "subscription-post-subscriptions",
	"GET /subscriptions":                                                                  learn + "subscription-list",
	"GET /subscriptions/{subscription-id}":                                                learn + "subscription-get",
	"PATCH /subscriptions/{subscription-id}":                                              learn + "subscription-update",
	"DELETE /subscriptions/{subscription-id}":                                             learn + "subscription-delete",
	"POST /subscriptions/{subscription-id}/reauthorize":                                   learn + "subscription-reauthorize",
}

// TestRoutesAreDocumented: every route of the HTTP face's router is a
// request line a Learn page documents (issue 14 §21), and every documented
// line the table keeps is served.
func TestRoutesAreDocumented(t *testing.T) {
	served := map[string]bool{}
	for _, r := range routes {
		line := r.method + " " + r.path
		assert.False(t, served[line], "%s is routed twice", line)
		served[line] = true
		if _, ok := documented[line]; !ok {
			t.Errorf("the fake serves %s, which no Learn page in the table documents", line)
		}
	}
	var missing []string
	for line := range documented {
		if !served[line] {
			missing = append(missing, line)
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "documented lines the router does not serve")
}

// TestUndocumentedRoutesRefused: paths Graph does not document for an
// operation are not served, whatever other paths of the same operation
// are: 400 for a path no route has (Graph's "Resource not found for the
// segment"), 405 for a documented path with another method.
func TestUndocumentedRoutesRefused(t *testing.T) {
	svc, sd, _, srv := newHTTPEnv(t)
	m, err := svc.Post(sd.Alice.ID, sd.Meeting.ChatID, "hello")
	if err != nil {
		t.Fatal(err)
	}
	tok := svc.TokenFor(sd.Alice.ID)
	chatPath := "/chats/" + url.PathEscape(sd.Meeting.ChatID)
	msgPath := chatPath + "/messages/" + m.ID
	for _, c := range []struct {
		method, path string
		status       int
	}{
		// chatmessage-softdelete documents only /users/{user-id}/chats/….
		{"POST", msgPath + "/softDelete", 400},
		{"POST", "/me" + msgPath + "/softDelete", 400},
		{"POST", msgPath + "/undoSoftDelete", 400},
		// chat-post-messages documents only POST /chats/{chat-id}/messages.
		{"POST", "/me" + chatPath + "/messages", 405},
		{"POST", "/users/" + sd.Alice.ID + chatPath + "/messages", 405},
		// chatmessage-update documents only PATCH /chats/{chat-id}/messages/{message-id}.
		{"PATCH", "/me" + msgPath, 405},
		// chatmessage-setreaction documents only /chats/{chat-id}/….
		{"POST", "/users/" + sd.Alice.ID + msgPath + "/setReaction", 400},
		// chat-post-members documents only /chats/{chat-id}/members.
		{"POST", "/me" + chatPath + "/members", 400},
	} {
		r := rawDo(t, c.method, srv.URL+"/v1.0"+c.path, tok, `{"reactionType":"like","body":{"content":"x"}}`)
		assert.Equal(t, c.status, r.status, "%s %s: %s", c.method, c.path, r.body)
	}
	// The documented path of each works.
	r := rawDo(t, "POST", srv.URL+"/v1.0/users/"+sd.Alice.ID+msgPath+"/softDelete", tok, "")
	assert.Equal(t, 204, r.status, "%s", r.body)
	r = rawDo(t, "POST", srv.URL+"/v1.0/users/"+sd.Alice.UPN+msgPath+"/undoSoftDelete", tok, "")
	assert.Equal(t, 204, r.status, "%s", r.body)
	r = rawDo(t, "POST", srv.URL+"/v1.0/users/"+sd.Bob.ID+msgPath+"/softDelete", tok, "")
	assert.Equal(t, 403, r.status, "a user soft-deletes only as themselves: %s", r.body)
}
