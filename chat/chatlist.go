package chat

import "strings"

// TeamsChatList returns the options that list the signed-in user's chats as
// the Teams client shows them: the chat with the most recent message first
// (OrderByLastMessage), each with its last message (ExpandLastMessagePreview)
// and its members (ExpandMembers, which name a chat without topic: see
// Chat.Title), MaxPageSize chats per page. chat-list documents each of
// them ($expand "Currently supports members and lastMessagePreview
// properties", $orderby lastMessagePreview/createdDateTime desc, $top up to
// 50; https://learn.microsoft.com/graph/api/chat-list); they combine as
// OData combines query options, $expand=members,lastMessagePreview. Every
// chat carries the user's Viewpoint, which tells whether it is unread
// (Chat.HasUnread, CountUnread) and whether the user hid it: the listing
// has hidden chats too (Graph offers no filter on the viewpoint), which
// Teams does not show.
//
// The chat list needs Chat.Read or Chat.ReadWrite (Chat.ReadBasic reads
// no message content). Each call returns new options, which the caller may
// change (Type, MemberDisplayName, a smaller Top).
func TeamsChatList() *ListChatsOptions {
	return &ListChatsOptions{ExpandMembers: true, ExpandLastMessagePreview: true, OrderByLastMessage: true, Top: MaxPageSize}
}

// Title is what the Teams client calls a chat: its topic, or else the
// display names of its members other than the signed-in user userID, in
// the order of Members, joined by ", " (a one-on-one chat: the other
// user's name). A chat listed without its members and without topic has
// no title ("").
func (c Chat) Title(userID string) string {
	if c.Topic != "" {
		return c.Topic
	}
	var names []string
	for _, m := range c.Members {
		if !strings.EqualFold(m.UserID, userID) && m.DisplayName != "" {
			names = append(names, m.DisplayName)
		}
	}
	return strings.Join(names, ", ")
}
