package fake

import (
	"net/http"
	"strings"

	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// The delegated permissions each request needs, any one of them, in the
// order of the "Permissions" table of its Learn page (least privileged
// first; https://learn.microsoft.com/graph/api/<page>). A token without one
// of them is answered 403 with Graph's body (forbiddenScopes).
var (
	// chat-list, chat-get.
	scopesReadChats = []string{"Chat.ReadBasic", "Chat.Read", "Chat.ReadWrite"}
	// chat-post.
	scopesCreateChat = []string{"Chat.Create", "Chat.ReadWrite"}
	// chat-list-members (least Chat.ReadBasic; higher ChatMember.ReadWrite,
	// Chat.Read, Chat.ReadWrite, ChatMember.Read). conversationmember-get's
	// delegated table is not in the copies read: the same, a choice.
	scopesReadMembers = []string{"Chat.ReadBasic", "ChatMember.ReadWrite", "Chat.Read", "Chat.ReadWrite", "ChatMember.Read"}
	// chat-post-members.
	scopesAddMember = []string{"ChatMember.ReadWrite", "Chat.ReadWrite"}
	// chat-delete-members: ChatMember.ReadWrite alone.
	scopesRemoveMember = []string{"ChatMember.ReadWrite"}
	// chat-post-messages.
	scopesSendMessage = []string{"ChatMessage.Send", "Chat.ReadWrite", "Group.ReadWrite.All"}
	// chat-list-messages, chatmessage-get and chatmessagehostedcontent-get
	// ("Permissions for chat").
	scopesReadMessages = []string{"Chat.Read", "Chat.ReadWrite"}
	// chatmessage-update, chatmessage-softdelete and -undosoftdelete
	// ("Permissions for chat"): Chat.ReadWrite alone.
	scopesWriteMessage = []string{"Chat.ReadWrite"}
	// chatmessage-setreaction and -unsetreaction ("Permissions for chat"
	// lists "Chat.ReadWrite, ChatMessage.Send" from least to most
	// privileged, the reverse of the other pages: either is accepted).
	scopesReact = []string{"Chat.ReadWrite", "ChatMessage.Send"}
	// application-post-onlinemeetings, onlinemeeting-update,
	// onlinemeeting-delete, onlinemeeting-createorget: OnlineMeetings.ReadWrite
	// alone.
	scopesCreateMeeting = []string{"OnlineMeetings.ReadWrite"}
	// meetingattendancereport-list and -get: OnlineMeetingArtifact.Read.All
	// alone ("Higher privileged permissions: Not available").
	scopesReadArtifacts = []string{"OnlineMeetingArtifact.Read.All"}
	// onlinemeeting-get.
	scopesReadMeetings = []string{"OnlineMeetings.Read", "OnlineMeetings.ReadWrite"}
	// presence-get: /me/presence "requires the Presence.Read permission",
	// another user's Presence.Read.All; cloudcommunications-getpresencesbyuserid:
	// Presence.Read.All.
	scopesMyPresence    = []string{"Presence.Read", "Presence.Read.All"}
	scopesOtherPresence = []string{"Presence.Read.All"}
	// presence-setpresence, -clearpresence, -setuserpreferredpresence,
	// -clearuserpreferredpresence, -setstatusmessage: delegated
	// Presence.ReadWrite, with no higher permission.
	scopesWritePresence = []string{"Presence.ReadWrite"}
	// channel-list-messages, chatmessage-get and chatmessage-list-replies
	// ("Permissions for channel"; Group.Read.All and Group.ReadWrite.All
	// "for backward compatibility").
	scopesReadChannel = []string{"ChannelMessage.Read.All", "Group.Read.All", "Group.ReadWrite.All"}
	// channel-post-messages, chatmessage-post-replies.
	scopesPostChannel = []string{"ChannelMessage.Send", "Group.ReadWrite.All"}
	// chatmessage-update, "Permissions for channel": ChannelMessage.ReadWrite,
	// Group.ReadWrite.All ("supported only for backward compatibility").
	scopesEditChannel = []string{"ChannelMessage.ReadWrite", "Group.ReadWrite.All"}
	// chatmessage-softdelete and -undosoftdelete, "Permissions for
	// channel": ChannelMessage.ReadWrite alone.
	scopesDeleteChannel = []string{"ChannelMessage.ReadWrite"}
	// chatmessage-setreaction and -unsetreaction, "Permissions for
	// channel": ChannelMessage.Send alone.
	scopesReactChannel = []string{"ChannelMessage.Send"}
	// Subscriptions need the permission of the resource subscribed to
	// (teams-changenotifications-chatmessage; the tables of
	// subscription-get, -update and -delete): /chats/{id}/messages and
	// /me/chats/getAllMessages Chat.Read or Chat.ReadWrite, channel messages
	// as reading them.
	scopesSubscribeChat = []string{"Chat.Read", "Chat.ReadWrite"}
	// A chat's members, /chats/{id}/members
	// (teams-changenotifications-chatmembership, "Permissions" of "a
	// particular chat"); a chat itself, /chats/{id}, takes those of
	// teams-changenotifications-chat (Chat.ReadBasic, Chat.Read,
	// Chat.ReadWrite: scopesReadChats).
	scopesSubscribeMembers = []string{"ChatMember.Read", "ChatMember.ReadWrite", "Chat.ReadBasic", "Chat.Read", "Chat.ReadWrite"}
	// user-get: User.Read (the signed-in user only) and, higher,
	// User.ReadWrite, User.ReadBasic.All, User.Read.All, User.ReadWrite.All,
	// Directory.Read.All, Directory.ReadWrite.All.
	scopesReadMe = []string{"User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	// Another user's profile: User.Read "allows the app to read the
	// profile … of the signed-in user only" (user-get), so the tenant-wide
	// ones.
	scopesReadUsers = []string{"User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
)

// DefaultScopes returns the delegated permissions that TokenFor,
// CredentialFor and As grant when none are named: every permission the
// operations of package chat need (see chat.Client), so that a test that
// does not care about permissions is never refused for lack of one.
func DefaultScopes() []string {
	return []string{
		"Chat.ReadWrite",                 // chats, their messages, reactions (and Chat.Create's)
		"ChatMember.ReadWrite",           // RemoveMember needs it alone
		"ChannelMessage.Read.All",        // channel messages and replies
		"ChannelMessage.Send",            // posting and reacting in channels
		"ChannelMessage.ReadWrite",       // editing and deleting channel messages
		"OnlineMeetings.ReadWrite",       // creating, reading, changing and deleting meetings
		"OnlineMeetingArtifact.Read.All", // attendance reports
		"Presence.Read.All",              // anyone's presence
		"Presence.ReadWrite",             // setting the user's own
		"User.Read",                      // GET /me
		"User.ReadBasic.All",             // other users' profiles
	}
}

// grantedScopes is what a token or a Go face was granted: scopes, or
// DefaultScopes when none are named.
func grantedScopes(scopes []string) []string {
	if len(scopes) == 0 {
		return DefaultScopes()
	}
	return append([]string(nil), scopes...)
}

// checkScopes answers, for a request that needs one of anyOf (none: no
// check), Graph's 403 when granted holds none of them. The body is the one
// Graph sends (a real response: telstrapurple/MSTeamsChatExporter#9, GET
// /me/chats with User.Read only):
//
//	{"error":{"code":"Forbidden","message":"Missing scope permissions on the request. API requires one of 'Chat.ReadBasic, Chat.Read, Chat.ReadWrite'. Scopes on the request 'User.Read'",…}}
//
// How Graph writes several scopes on the request is not shown there: the
// fake joins them as it joins the required ones (a choice).
func checkScopes(granted, anyOf []string) *opError {
	if len(anyOf) == 0 {
		return nil
	}
	for _, g := range granted {
		for _, want := range anyOf {
			if strings.EqualFold(g, want) {
				return nil
			}
		}
	}
	return &opError{status: http.StatusForbidden, code: gw.CodeForbidden,
		msg: "Missing scope permissions on the request. API requires one of '" + strings.Join(anyOf, ", ") + "'. Scopes on the request '" + strings.Join(granted, ", ") + "'"}
}
