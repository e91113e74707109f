package graphwire

// ChatUserAction is the body of the chat actions a user takes for
// themselves: markChatReadForUser, markChatUnreadForUser, hideForUser and
// unhideForUser (https://learn.microsoft.com/graph/api/chat-markchatreadforuser
// and its siblings): the user, a teamworkUserIdentity written as the pages'
// examples write it ({"id", "tenantId"}), and for markChatUnreadForUser
// the optional lastMessageReadDateTime.
type ChatUserAction struct {
	User                    *Identity `json:"user"`
	LastMessageReadDateTime Time      `json:"lastMessageReadDateTime,omitzero"`
}
