package fake

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// Chat management: renaming a group chat, hiding a chat for oneself,
// pinning messages.

// Operations of chat management.
const (
	OpRenameChat         = "renameChat"
	OpHideChat           = "hideChat"
	OpUnhideChat         = "unhideChat"
	OpPinMessage         = "pinMessage"
	OpUnpinMessage       = "unpinMessage"
	OpListPinnedMessages = "listPinnedMessages"
)

// The delegated permissions of chat management, as the Learn pages list
// them (https://learn.microsoft.com/graph/api/<page>).
var (
	// chat-patch: Chat.ReadWrite alone.
	scopesRenameChat = []string{"Chat.ReadWrite"}
	// chat-post-pinnedmessages: ChatMessage.Send, higher Chat.ReadWrite.
	scopesPinMessage = []string{"ChatMessage.Send", "Chat.ReadWrite"}
	// chat-delete-pinnedmessages: Chat.ReadWrite alone.
	scopesUnpinMessage = []string{"Chat.ReadWrite"}
	// chat-list-pinnedmessages: Chat.Read, higher Chat.ReadWrite.
	scopesListPinned = []string{"Chat.Read", "Chat.ReadWrite"}
)

// pin is a pinned message of a chat.
type pin struct {
	messageID string
}

// renameChat sets a group chat's topic (chat-patch: "This can only be set
// for a chat with a chatType value of group. Maximum length is 250
// characters. Use of ':' is not allowed."). Any member may (as in the
// Teams client; the page does not say: a choice). The chat's
// lastUpdatedDateTime moves ("Date and time at which the chat was renamed
// or the list of members was last changed", the chat resource).
func (s *Service) renameChat(userID, chatID, topic string) (chat.Chat, *opError) {
	if p := gw.CheckTopic(topic); p != "" {
		return chat.Chat{}, errBadRequest("Invalid topic: it " + p + ".")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, _, oe := s.userChatLocked(userID, chatID)
	if oe != nil {
		return chat.Chat{}, oe
	}
	if c.c.Type != chat.ChatTypeGroup {
		return chat.Chat{}, errBadRequest("The topic can only be set for a chat with a chatType value of group.")
	}
	c.c.Topic = topic
	c.c.LastUpdatedAt = s.clock()
	s.notify.chatLocked(c, gw.ChangeUpdated)
	return c.view(false), nil
}

// hide and unhide are the viewpoint changes of hideForUser and
// unhideForUser. A hidden chat shows again when a message is sent in it
// (showAll, from sendMessage): chat-hideforuser notes that "A chat is
// automatically unhidden for a user if an action such as Send message is
// taken at the chat level"; that anyone's message shows it again to every
// member who hid it is how the Teams client behaves, a choice.
func hide(_ *chatState, m *memberState, _ time.Time)   { m.hidden = true }
func unhide(_ *chatState, m *memberState, _ time.Time) { m.hidden = false }

// showAll shows the chat again to the members who hid it.
func (c *chatState) showAll() {
	for _, m := range c.members {
		m.hidden = false
	}
}

// pinMessage pins a message the user may see. Graph does not say what
// pinning a deleted message or pinning one twice answers: 400 and 409 (a
// choice). The pin's id is the message's id, as pinnedChatMessageInfo's
// id is "The ID of the chatMessage" and the examples show.
func (s *Service) pinMessage(userID, chatID, messageID string) (string, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, st, oe := s.messageLocked(userID, chatID, messageID)
	if oe != nil {
		return "", oe
	}
	if !st.m.DeletedAt.IsZero() {
		return "", errBadRequest("A deleted message cannot be pinned.")
	}
	for _, p := range c.pins {
		if p.messageID == messageID {
			return "", &opError{status: http.StatusConflict, code: gw.CodeConflict, msg: "The message is already pinned."}
		}
	}
	c.pins = append(c.pins, pin{messageID: messageID})
	return messageID, nil
}

func (s *Service) unpinMessage(userID, chatID, pinID string) *opError {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, _, oe := s.userChatLocked(userID, chatID)
	if oe != nil {
		return oe
	}
	for i, p := range c.pins {
		if p.messageID == pinID {
			c.pins = append(c.pins[:i:i], c.pins[i+1:]...)
			return nil
		}
	}
	return errNotFound("Pinned message " + quote(pinID) + " was not found.")
}

// listPinned lists a chat's pins, the latest pinned first (Graph does not
// say in which order: a choice), each with the message as the member reads
// it when expand.
func (s *Service) listPinned(userID, chatID string, expand bool) ([]chat.PinnedMessage, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, m, oe := s.userChatLocked(userID, chatID)
	if oe != nil {
		return nil, oe
	}
	out := []chat.PinnedMessage{}
	for i := len(c.pins) - 1; i >= 0; i-- {
		st := c.msgs.byID[c.pins[i].messageID]
		if st == nil || !visible(m, st) {
			continue
		}
		p := chat.PinnedMessage{ID: c.pins[i].messageID}
		if expand {
			v := st.view()
			p.Message = &v
		}
		out = append(out, p)
	}
	return out, nil
}

// --- Go face ---

func (g *goFace) RenameChat(ctx context.Context, chatID, topic string, opts *chat.RenameChatOptions) (chat.RenameChatResponse, error) {
	if err := firstErr(checkChatID(chatID), argErr("topic", gw.CheckTopic(topic))); err != nil {
		return chat.RenameChatResponse{}, err
	}
	var resp chat.RenameChatResponse
	err := g.call(ctx, OpRenameChat, http.MethodPatch, escapePath("chats", chatID), nil, http.StatusOK, func() *opError {
		c, oe := g.s.renameChat(g.user, chatID, topic)
		resp.Chat = c
		return oe
	})
	return resp, err
}

func (g *goFace) HideChat(ctx context.Context, chatID string, opts *chat.HideChatOptions) (chat.HideChatResponse, error) {
	if err := checkChatID(chatID); err != nil {
		return chat.HideChatResponse{}, err
	}
	err := g.call(ctx, OpHideChat, http.MethodPost, escapePath("chats", chatID, "hideForUser"), nil, http.StatusNoContent, func() *opError {
		return g.s.userAction(g.user, chatID, nil, hide)
	})
	return chat.HideChatResponse{}, err
}

func (g *goFace) UnhideChat(ctx context.Context, chatID string, opts *chat.UnhideChatOptions) (chat.UnhideChatResponse, error) {
	if err := checkChatID(chatID); err != nil {
		return chat.UnhideChatResponse{}, err
	}
	err := g.call(ctx, OpUnhideChat, http.MethodPost, escapePath("chats", chatID, "unhideForUser"), nil, http.StatusNoContent, func() *opError {
		return g.s.userAction(g.user, chatID, nil, unhide)
	})
	return chat.UnhideChatResponse{}, err
}

func (g *goFace) PinMessage(ctx context.Context, chatID, messageID string, opts *chat.PinMessageOptions) (chat.PinMessageResponse, error) {
	if err := firstErr(checkChatID(chatID), argErr("messageID", gw.CheckID(messageID))); err != nil {
		return chat.PinMessageResponse{}, err
	}
	var resp chat.PinMessageResponse
	err := g.call(ctx, OpPinMessage, http.MethodPost, escapePath("chats", chatID, "pinnedMessages"), nil, http.StatusCreated, func() *opError {
		id, oe := g.s.pinMessage(g.user, chatID, messageID)
		resp.PinnedMessage.ID = id
		return oe
	})
	return resp, err
}

func (g *goFace) UnpinMessage(ctx context.Context, chatID, pinnedMessageID string, opts *chat.UnpinMessageOptions) (chat.UnpinMessageResponse, error) {
	if err := firstErr(checkChatID(chatID), argErr("pinnedMessageID", gw.CheckID(pinnedMessageID))); err != nil {
		return chat.UnpinMessageResponse{}, err
	}
	err := g.call(ctx, OpUnpinMessage, http.MethodDelete, escapePath("chats", chatID, "pinnedMessages", pinnedMessageID), nil, http.StatusNoContent, func() *opError {
		return g.s.unpinMessage(g.user, chatID, pinnedMessageID)
	})
	return chat.UnpinMessageResponse{}, err
}

func (g *goFace) ListPinnedMessages(ctx context.Context, chatID string, opts *chat.ListPinnedMessagesOptions) (chat.ListPinnedMessagesResponse, error) {
	if err := checkChatID(chatID); err != nil {
		return chat.ListPinnedMessagesResponse{}, err
	}
	expand := opts != nil && opts.ExpandMessage
	v := url.Values{}
	if expand {
		v["$expand"] = []string{"message"}
	}
	var resp chat.ListPinnedMessagesResponse
	err := g.call(ctx, OpListPinnedMessages, http.MethodGet, escapePath("chats", chatID, "pinnedMessages"), v, http.StatusOK, func() *opError {
		ps, oe := g.s.listPinned(g.user, chatID, expand)
		resp.PinnedMessages = ps
		return oe
	})
	return resp, err
}

// --- HTTP face ---

// hRenameChat serves PATCH /chats/{chat-id} (chat-patch): 200 with the
// chat, as its example answers.
func hRenameChat(c *reqCtx, p params) (result, *opError) {
	var in gw.ChatPatch
	if oe := c.decode(&in); oe != nil {
		return result{}, oe
	}
	if in.Topic == nil {
		return result{}, errBadRequest("topic is required: it is the one property of a chat that can be updated.")
	}
	ch, oe := c.s.renameChat(c.user, p["chat-id"], *in.Topic)
	if oe != nil {
		return result{}, oe
	}
	res, oe := graphResult(http.StatusOK, ch)
	if oe == nil {
		res.graph = withContext(res.graph, c.base+"/$metadata#chats/$entity")
	}
	return res, oe
}

var (
	hHideChat   = hUserAction(func(gw.ChatUserAction) func(*chatState, *memberState, time.Time) { return hide })
	hUnhideChat = hUserAction(func(gw.ChatUserAction) func(*chatState, *memberState, time.Time) { return unhide })
)

// pinnedRead is a pinnedChatMessageInfo as the HTTP face writes it: the
// message, when expanded, in chat's codec.
type pinnedRead struct {
	ODataType string          `json:"@odata.type"`
	ID        string          `json:"id"`
	Message   json.RawMessage `json:"message,omitempty"`
}

// hPinMessage serves POST /chats/{chat-id}/pinnedMessages: the body names
// a message of this chat with message@odata.bind; 201 with the
// pinnedChatMessageInfo (chat-post-pinnedmessages).
func hPinMessage(c *reqCtx, p params) (result, *opError) {
	var in gw.PinnedChatMessageInfo
	if oe := c.decode(&in); oe != nil {
		return result{}, oe
	}
	chatID, messageID, ok := gw.ChatMessageFromBind(in.MessageBind)
	if !ok {
		return result{}, errBadRequest("message@odata.bind must name a chat message: https://graph.microsoft.com/v1.0/chats/{chat-id}/messages/{message-id}.")
	}
	if !strings.EqualFold(chatID, p["chat-id"]) {
		return result{}, errBadRequest("message@odata.bind names a message of another chat.")
	}
	id, oe := c.s.pinMessage(c.user, p["chat-id"], messageID)
	if oe != nil {
		return result{}, oe
	}
	return result{status: http.StatusCreated, body: pinnedRead{ODataType: gw.TypePinnedChatMessageInfo, ID: id}}, nil
}

func hUnpinMessage(c *reqCtx, p params) (result, *opError) {
	if oe := c.s.unpinMessage(c.user, p["chat-id"], p["pinned-id"]); oe != nil {
		return result{}, oe
	}
	return result{status: http.StatusNoContent}, nil
}

// hListPinned serves GET /chats/{chat-id}/pinnedMessages, $expand=message
// the one expansion (chat-list-pinnedmessages' example 2).
func hListPinned(c *reqCtx, p params) (result, *opError) {
	expand := false
	if e := c.query.Get("$expand"); e != "" {
		if !strings.EqualFold(strings.TrimSpace(e), "message") {
			return result{}, errBadRequest("Unsupported $expand: " + short(e))
		}
		expand = true
	}
	ps, oe := c.s.listPinned(c.user, p["chat-id"], expand)
	if oe != nil {
		return result{}, oe
	}
	col := gw.Collection[pinnedRead]{Context: c.base + "/$metadata#chats('" + p["chat-id"] + "')/pinnedMessages", Value: make([]pinnedRead, len(ps))}
	for i, pm := range ps {
		col.Value[i] = pinnedRead{ODataType: gw.TypePinnedChatMessageInfo, ID: pm.ID}
		if pm.Message != nil {
			b, err := chat.MarshalGraphJSON(*pm.Message)
			if err != nil {
				return result{}, &opError{status: http.StatusInternalServerError, code: gw.CodeInternal, msg: "Encoding failed."}
			}
			col.Value[i].Message = b
		}
	}
	return result{status: http.StatusOK, body: col}, nil
}
