package fake

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// route is one request the fake serves: a method and a path under /v1.0
// whose {name} segments stand for any one segment, the operation it is
// (Op…, the name in Fault.Op and Request.Op), the delegated permissions of
// which the token needs one (scopes.go; none: the operation checks them
// itself), the OData system query options it takes (query; any other is
// 400, see checkQuery), and what serves it. self says that the path's {user-id} names
// the user acting: with delegated permissions a user acts only for
// themselves, so another user there is 403.
type route struct {
	method, path string
	op           string
	scopes       []string
	query        []string
	self         bool
	serve        func(c *reqCtx, p params) (result, *opError)
}

// params are the values of a request path's {name} segments, unescaped.
type params map[string]string

// routes are every request the HTTP face serves, and the only ones: each
// is a request line of the "HTTP request" section of the Learn page named
// beside it (https://learn.microsoft.com/graph/api/<page>), and
// TestRoutesAreDocumented lists them beside those pages. Graph documents
// some operations on fewer paths than others (a message is sent with POST
// /chats/{chat-id}/messages only, soft-deleted with POST
// /users/{user-id}/chats/{chat-id}/messages/{message-id}/softDelete
// only): a path the page does not list is not served, so that code that
// works against the fake does not call a path Graph may not serve. The Go
// face logs the same paths and finds its operations here too.
var routes = []route{
	// chat-list
	{method: http.MethodGet, path: "/me/chats", op: OpListChats, scopes: scopesReadChats, query: queryListChats, serve: hListChats},
	{method: http.MethodGet, path: "/users/{user-id}/chats", op: OpListChats, scopes: scopesReadChats, self: true, query: queryListChats, serve: hListChats},
	{method: http.MethodGet, path: "/chats", op: OpListChats, scopes: scopesReadChats, query: queryListChats, serve: hListChats},
	// chat-post
	{method: http.MethodPost, path: "/chats", op: OpCreateChat, scopes: scopesCreateChat, serve: hCreateChat},
	// chat-get
	{method: http.MethodGet, path: "/me/chats/{chat-id}", op: OpGetChat, scopes: scopesReadChats, query: queryExpand, serve: hGetChat},
	{method: http.MethodGet, path: "/users/{user-id}/chats/{chat-id}", op: OpGetChat, scopes: scopesReadChats, self: true, query: queryExpand, serve: hGetChat},
	{method: http.MethodGet, path: "/chats/{chat-id}", op: OpGetChat, scopes: scopesReadChats, query: queryExpand, serve: hGetChat},
	// chat-patch
	{method: http.MethodPatch, path: "/chats/{chat-id}", op: OpRenameChat, scopes: scopesRenameChat, serve: hRenameChat},
	// chat-hideforuser, chat-unhideforuser
	{method: http.MethodPost, path: "/chats/{chat-id}/hideForUser", op: OpHideChat, scopes: scopesChatUserAction, serve: hHideChat},
	{method: http.MethodPost, path: "/chats/{chat-id}/unhideForUser", op: OpUnhideChat, scopes: scopesChatUserAction, serve: hUnhideChat},
	// chat-list-pinnedmessages, chat-post-pinnedmessages, chat-delete-pinnedmessages
	{method: http.MethodGet, path: "/chats/{chat-id}/pinnedMessages", op: OpListPinnedMessages, scopes: scopesListPinned, query: queryExpand, serve: hListPinned},
	{method: http.MethodPost, path: "/chats/{chat-id}/pinnedMessages", op: OpPinMessage, scopes: scopesPinMessage, serve: hPinMessage},
	{method: http.MethodDelete, path: "/chats/{chat-id}/pinnedMessages/{pinned-id}", op: OpUnpinMessage, scopes: scopesUnpinMessage, serve: hUnpinMessage},
	// chat-list-members
	{method: http.MethodGet, path: "/chats/{chat-id}/members", op: OpListMembers, scopes: scopesReadMembers, serve: hListMembers},
	{method: http.MethodGet, path: "/users/{user-id}/chats/{chat-id}/members", op: OpListMembers, scopes: scopesReadMembers, self: true, serve: hListMembers},
	// chat-post-members
	{method: http.MethodPost, path: "/chats/{chat-id}/members", op: OpAddMember, scopes: scopesAddMember, serve: hAddMember},
	// conversationmember-get
	{method: http.MethodGet, path: "/chats/{chat-id}/members/{membership-id}", op: OpGetMember, scopes: scopesReadMembers, serve: hGetMember},
	{method: http.MethodGet, path: "/users/{user-id}/chats/{chat-id}/members/{membership-id}", op: OpGetMember, scopes: scopesReadMembers, self: true, serve: hGetMember},
	// chat-delete-members
	{method: http.MethodDelete, path: "/chats/{chat-id}/members/{membership-id}", op: OpRemoveMember, scopes: scopesRemoveMember, serve: hRemoveMember},
	// chat-markchatreadforuser, chat-markchatunreadforuser
	{method: http.MethodPost, path: "/chats/{chat-id}/markChatReadForUser", op: OpMarkChatRead, scopes: scopesChatUserAction, serve: hMarkRead},
	{method: http.MethodPost, path: "/chats/{chat-id}/markChatUnreadForUser", op: OpMarkChatUnread, scopes: scopesChatUserAction, serve: hMarkUnread},
	// chat-post-messages
	{method: http.MethodPost, path: "/chats/{chat-id}/messages", op: OpSendMessage, scopes: scopesSendMessage, serve: hSendMessage},
	// chat-list-messages
	{method: http.MethodGet, path: "/me/chats/{chat-id}/messages", op: OpListMessages, scopes: scopesReadMessages, query: queryListMessages, serve: hListMessages},
	{method: http.MethodGet, path: "/users/{user-id}/chats/{chat-id}/messages", op: OpListMessages, scopes: scopesReadMessages, self: true, query: queryListMessages, serve: hListMessages},
	{method: http.MethodGet, path: "/chats/{chat-id}/messages", op: OpListMessages, scopes: scopesReadMessages, query: queryListMessages, serve: hListMessages},
	// chatmessage-get
	{method: http.MethodGet, path: "/chats/{chat-id}/messages/{message-id}", op: OpGetMessage, scopes: scopesReadMessages, serve: hGetMessage},
	{method: http.MethodGet, path: "/users/{user-id}/chats/{chat-id}/messages/{message-id}", op: OpGetMessage, scopes: scopesReadMessages, self: true, serve: hGetMessage},
	{method: http.MethodGet, path: "/me/chats/{chat-id}/messages/{message-id}", op: OpGetMessage, scopes: scopesReadMessages, serve: hGetMessage},
	// chatmessage-update
	{method: http.MethodPatch, path: "/chats/{chat-id}/messages/{message-id}", op: OpEditMessage, scopes: scopesWriteMessage, serve: hEditMessage},
	// chatmessage-softdelete, chatmessage-undosoftdelete
	{method: http.MethodPost, path: "/users/{user-id}/chats/{chat-id}/messages/{message-id}/softDelete", op: OpSoftDelete, scopes: scopesWriteMessage, self: true, serve: hSoftDelete(false)},
	{method: http.MethodPost, path: "/users/{user-id}/chats/{chat-id}/messages/{message-id}/undoSoftDelete", op: OpUndoSoftDelete, scopes: scopesWriteMessage, self: true, serve: hSoftDelete(true)},
	// chatmessage-setreaction, chatmessage-unsetreaction
	{method: http.MethodPost, path: "/chats/{chat-id}/messages/{message-id}/setReaction", op: OpSetReaction, scopes: scopesReact, serve: hReaction(false)},
	{method: http.MethodPost, path: "/chats/{chat-id}/messages/{message-id}/unsetReaction", op: OpUnsetReaction, scopes: scopesReact, serve: hReaction(true)},
	// chatmessage-list-hostedcontents
	{method: http.MethodGet, path: "/chats/{chat-id}/messages/{message-id}/hostedContents", op: OpHostedContents, scopes: scopesReadMessages, serve: hHostedContents},
	{method: http.MethodGet, path: "/users/{user-id}/chats/{chat-id}/messages/{message-id}/hostedContents", op: OpHostedContents, scopes: scopesReadMessages, self: true, serve: hHostedContents},
	// chatmessagehostedcontent-get (the bytes: its example 2)
	{method: http.MethodGet, path: "/chats/{chat-id}/messages/{message-id}/hostedContents/{hosted-content-id}", op: OpHostedContents, scopes: scopesReadMessages, serve: hHostedContents},
	{method: http.MethodGet, path: "/users/{user-id}/chats/{chat-id}/messages/{message-id}/hostedContents/{hosted-content-id}", op: OpHostedContents, scopes: scopesReadMessages, self: true, serve: hHostedContents},
	{method: http.MethodGet, path: "/chats/{chat-id}/messages/{message-id}/hostedContents/{hosted-content-id}/$value", op: OpHostedContents, scopes: scopesReadMessages, serve: hHostedContents},

	// application-post-onlinemeetings
	{method: http.MethodPost, path: "/me/onlineMeetings", op: OpCreateOnlineMeeting, scopes: scopesCreateMeeting, serve: hCreateMeeting},
	// onlinemeeting-get
	{method: http.MethodGet, path: "/me/onlineMeetings", op: OpGetOnlineMeeting, scopes: scopesReadMeetings, query: queryFilter, serve: hFindMeetings},
	{method: http.MethodGet, path: "/me/onlineMeetings/{meeting-id}", op: OpGetOnlineMeeting, scopes: scopesReadMeetings, serve: hGetMeeting},
	// onlinemeeting-update, onlinemeeting-delete
	{method: http.MethodPatch, path: "/me/onlineMeetings/{meeting-id}", op: OpUpdateOnlineMeeting, scopes: scopesCreateMeeting, serve: hUpdateMeeting},
	{method: http.MethodDelete, path: "/me/onlineMeetings/{meeting-id}", op: OpDeleteOnlineMeeting, scopes: scopesCreateMeeting, serve: hDeleteMeeting},
	// onlinemeeting-createorget
	{method: http.MethodPost, path: "/me/onlineMeetings/createOrGet", op: OpCreateOrGetMeeting, scopes: scopesCreateMeeting, serve: hCreateOrGetMeeting},
	// meetingattendancereport-list, meetingattendancereport-get
	{method: http.MethodGet, path: "/me/onlineMeetings/{meeting-id}/attendanceReports", op: OpListAttendance, scopes: scopesReadArtifacts, serve: hListAttendanceReports},
	{method: http.MethodGet, path: "/me/onlineMeetings/{meeting-id}/attendanceReports/{report-id}", op: OpGetAttendance, scopes: scopesReadArtifacts, query: queryExpand, serve: hGetAttendanceReport},

	// user-get
	{method: http.MethodGet, path: "/me", op: OpGetUser, scopes: scopesReadMe, query: querySelect, serve: hGetUser},
	{method: http.MethodGet, path: "/users/{user-id}", op: OpGetUser, scopes: scopesReadMe, query: querySelect, serve: hGetUser},

	// presence-get
	{method: http.MethodGet, path: "/me/presence", op: OpGetPresence, scopes: scopesMyPresence, serve: hGetPresence},
	{method: http.MethodGet, path: "/users/{user-id}/presence", op: OpGetPresence, scopes: scopesOtherPresence, serve: hGetPresence},
	// cloudcommunications-getpresencesbyuserid
	{method: http.MethodPost, path: "/communications/getPresencesByUserId", op: OpGetPresences, scopes: scopesOtherPresence, serve: hGetPresences},
	// presence-setpresence, presence-clearpresence,
	// presence-setuserpreferredpresence, presence-clearuserpreferredpresence,
	// presence-setstatusmessage
	{method: http.MethodPost, path: "/users/{user-id}/presence/setPresence", op: OpSetPresence, scopes: scopesWritePresence, serve: hSetPresence},
	{method: http.MethodPost, path: "/users/{user-id}/presence/clearPresence", op: OpClearPresence, scopes: scopesWritePresence, serve: hClearPresence},
	{method: http.MethodPost, path: "/users/{user-id}/presence/setUserPreferredPresence", op: OpSetPreferredPresence, scopes: scopesWritePresence, serve: hSetPreferredPresence},
	{method: http.MethodPost, path: "/users/{user-id}/presence/clearUserPreferredPresence", op: OpClearPreferred, scopes: scopesWritePresence, serve: hClearPreferredPresence},
	{method: http.MethodPost, path: "/users/{user-id}/presence/setStatusMessage", op: OpSetStatusMessage, scopes: scopesWritePresence, serve: hSetStatusMessage},

	// channel-list-messages, channel-post-messages
	{method: http.MethodGet, path: "/teams/{team-id}/channels/{channel-id}/messages", op: OpListChannelMessages, scopes: scopesReadChannel, query: queryListChannel, serve: hListChannelMessages},
	{method: http.MethodPost, path: "/teams/{team-id}/channels/{channel-id}/messages", op: OpSendChannelMessage, scopes: scopesPostChannel, serve: hSendChannelMessage},
	// chatmessage-get
	{method: http.MethodGet, path: "/teams/{team-id}/channels/{channel-id}/messages/{message-id}", op: OpGetChannelMessage, scopes: scopesReadChannel, serve: hGetChannelMessage},
	{method: http.MethodGet, path: "/teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies/{reply-id}", op: OpGetChannelMessage, scopes: scopesReadChannel, serve: hGetChannelMessage},
	// chatmessage-list-replies, chatmessage-post-replies
	{method: http.MethodGet, path: "/teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies", op: OpListReplies, scopes: scopesReadChannel, query: queryPaged, serve: hListReplies},
	{method: http.MethodPost, path: "/teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies", op: OpReplyToChannelMessage, scopes: scopesPostChannel, serve: hSendChannelMessage},
	// chatmessage-update ("To update a chatMessage in a channel")
	{method: http.MethodPatch, path: "/teams/{team-id}/channels/{channel-id}/messages/{message-id}", op: OpEditChannelMessage, scopes: scopesEditChannel, serve: hEditMessage},
	{method: http.MethodPatch, path: "/teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies/{reply-id}", op: OpEditChannelMessage, scopes: scopesEditChannel, serve: hEditMessage},
	// chatmessage-softdelete, chatmessage-undosoftdelete ("in a channel")
	{method: http.MethodPost, path: "/teams/{team-id}/channels/{channel-id}/messages/{message-id}/softDelete", op: OpSoftDeleteChannelMessage, scopes: scopesDeleteChannel, serve: hSoftDelete(false)},
	{method: http.MethodPost, path: "/teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies/{reply-id}/softDelete", op: OpSoftDeleteChannelMessage, scopes: scopesDeleteChannel, serve: hSoftDelete(false)},
	{method: http.MethodPost, path: "/teams/{team-id}/channels/{channel-id}/messages/{message-id}/undoSoftDelete", op: OpUndoSoftDeleteChannelMessage, scopes: scopesDeleteChannel, serve: hSoftDelete(true)},
	{method: http.MethodPost, path: "/teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies/{reply-id}/undoSoftDelete", op: OpUndoSoftDeleteChannelMessage, scopes: scopesDeleteChannel, serve: hSoftDelete(true)},
	// chatmessage-setreaction, chatmessage-unsetreaction ("in a channel")
	{method: http.MethodPost, path: "/teams/{team-id}/channels/{channel-id}/messages/{message-id}/setReaction", op: OpSetChannelMessageReaction, scopes: scopesReactChannel, serve: hReaction(false)},
	{method: http.MethodPost, path: "/teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies/{reply-id}/setReaction", op: OpSetChannelMessageReaction, scopes: scopesReactChannel, serve: hReaction(false)},
	{method: http.MethodPost, path: "/teams/{team-id}/channels/{channel-id}/messages/{message-id}/unsetReaction", op: OpUnsetChannelMessageReaction, scopes: scopesReactChannel, serve: hReaction(true)},
	{method: http.MethodPost, path: "/teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies/{reply-id}/unsetReaction", op: OpUnsetChannelMessageReaction, scopes: scopesReactChannel, serve: hReaction(true)},

	// subscription-post-subscriptions, subscription-list, subscription-get,
	// subscription-update, subscription-delete, subscription-reauthorize
	{method: http.MethodPost, path: "/subscriptions", op: OpCreateSubscription, serve: hCreateSubscription},
	{method: http.MethodGet, path: "/subscriptions", op: OpListSubscriptions, serve: hListSubscriptions},
	{method: http.MethodGet, path: "/subscriptions/{subscription-id}", op: OpGetSubscription, serve: hGetSubscription},
	{method: http.MethodPatch, path: "/subscriptions/{subscription-id}", op: OpUpdateSubscription, serve: hUpdateSubscription},
	{method: http.MethodDelete, path: "/subscriptions/{subscription-id}", op: OpDeleteSubscription, serve: hDeleteSubscription},
	{method: http.MethodPost, path: "/subscriptions/{subscription-id}/reauthorize", op: OpUpdateSubscription, serve: hReauthorizeSubscription},
}

// The OData system query options the routes take, as their Learn pages
// list them under "Optional query parameters" (and $skiptoken, the fake's
// own paging links). A page that says the operation "does not support the
// OData query parameters" takes none.
var (
	// chat-list: $expand (members, lastMessagePreview), $top, $filter,
	// $orderby.
	queryListChats = []string{"$expand", "$top", "$filter", "$orderby", "$skiptoken"}
	// chat-get: its page says it takes none, yet its example 3 is
	// ?$expand=members: that one. meetingattendancereport-get:
	// $expand=attendanceRecords (its example 1).
	queryExpand = []string{"$expand"}
	// chat-list-messages: $top, $orderby, $filter.
	queryListMessages = []string{"$top", "$orderby", "$filter", "$skiptoken"}
	// onlinemeeting-get: the listing form is a $filter.
	queryFilter = []string{"$filter"}
	// channel-list-messages: $top, $expand (replies).
	queryListChannel = []string{"$top", "$expand", "$skiptoken"}
	// chatmessage-list-replies: $top.
	queryPaged = []string{"$top", "$skiptoken"}
	// user-get: $select (its $expand is not modelled: refused, a choice).
	querySelect = []string{"$select"}
)

// checkQuery refuses an OData system query option ("$…") the route does
// not take. The pages say such options are "not currently supported"
// without saying what Graph does with them; Teams' APIs answer 400
// "The query specified in the URI is not valid. Query option 'Select' is
// not allowed. …" (microsoftgraph/microsoft-graph-docs#15592,
// microsoftgraph/msgraph-sdk-powershell#1253 for $filter on channel
// messages, microsoftgraph/microsoft-graph-docs#11446 for $select and
// $orderby on chats), which the fake answers (code BadRequest: the code is
// not shown there, a choice). Other parameters are not the fake's to
// judge and are ignored.
func checkQuery(v url.Values, allowed []string) *opError {
	for name := range v {
		if !strings.HasPrefix(name, "$") || slices.Contains(allowed, name) {
			continue
		}
		opt := strings.TrimPrefix(name, "$")
		if opt != "" {
			opt = strings.ToUpper(opt[:1]) + opt[1:]
		}
		return errBadRequest("The query specified in the URI is not valid. Query option '" + short(opt) + "' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.")
	}
	return nil
}

// routeSegs are the segments of each route's path, in the order of routes.
var routeSegs = func() [][]string {
	out := make([][]string, len(routes))
	for i, r := range routes {
		out[i] = strings.Split(strings.TrimPrefix(r.path, "/"), "/")
	}
	return out
}()

func isParam(seg string) bool { return len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' }

// findRoute returns the route of a request (its path's unescaped segments
// after /v1.0) and the values of its {name} segments. A path that no route
// has is 400 "Resource not found for the segment …", naming the first
// segment no route has there, as Graph does; a path served for other
// methods only is 405; a chat id or team id of the wrong shape is 400.
func findRoute(method string, segs []string) (*route, params, *opError) {
	longest, pathFound := 0, false
	for i := range routes {
		rs := routeSegs[i]
		n := 0
		for n < len(rs) && n < len(segs) && segs[n] != "" && (isParam(rs[n]) || rs[n] == segs[n]) {
			n++
		}
		longest = max(longest, n)
		if n != len(rs) || n != len(segs) {
			continue
		}
		pathFound = true
		if routes[i].method != method {
			continue
		}
		p := params{}
		for k, seg := range rs {
			if isParam(seg) {
				p[seg[1:len(seg)-1]] = segs[k]
			}
		}
		if oe := checkParams(p); oe != nil {
			return nil, nil, oe
		}
		return &routes[i], p, nil
	}
	if pathFound {
		return nil, nil, methodNotAllowed()
	}
	if longest >= len(segs) {
		longest = len(segs) - 1
	}
	return nil, nil, badSegment(segs[longest])
}

// checkParams refuses ids of the wrong shape before anything else, as
// Graph does (400).
func checkParams(p params) *opError {
	if id, ok := p["chat-id"]; ok {
		if _, problem := gw.ParseChatID(id); problem != "" {
			return errBadRequest("Invalid chat id " + quote(id) + ": " + problem + ".")
		}
	}
	if id, ok := p["team-id"]; ok {
		if problem := gw.CheckTeamID(id); problem != "" {
			return errBadRequest("Invalid team id: " + problem + ".")
		}
	}
	return nil
}

// routeOf finds the route of a request the Go face makes (escapedPath as
// it logs it, under /v1.0). Every request of the Go face is one of routes:
// a path that is not is a mistake in this package, which the conformance
// suites find as a 500.
func routeOf(method, escapedPath string) (*route, params, *opError) {
	var segs []string
	for _, raw := range strings.Split(strings.Trim(escapedPath, "/"), "/") {
		seg, err := url.PathUnescape(raw)
		if err != nil {
			return nil, nil, &opError{status: http.StatusInternalServerError, code: gw.CodeInternal, msg: "fake: the go face made a badly escaped path"}
		}
		segs = append(segs, seg)
	}
	r, p, oe := findRoute(method, segs)
	if oe != nil {
		return nil, nil, &opError{status: http.StatusInternalServerError, code: gw.CodeInternal, msg: "fake: the go face made a request the http face does not serve: " + method + " " + escapedPath}
	}
	return r, p, nil
}

// actsForSelf refuses a path's {user-id} (object id or principal name)
// that is not the signed-in user: with delegated permissions a user acts
// only for themselves.
func (s *Service) actsForSelf(signedIn, named string) *opError {
	s.mu.Lock()
	u := s.userLocked(named)
	s.mu.Unlock()
	if u == nil || u.ID != signedIn {
		return errForbidden("Delegated requests can act only for the signed-in user.")
	}
	return nil
}

func badSegment(seg string) *opError {
	return errBadRequest("Resource not found for the segment " + quote(seg) + ".")
}

func methodNotAllowed() *opError {
	return &opError{status: http.StatusMethodNotAllowed, code: gw.CodeMethodNotAllow, msg: "The HTTP method is not allowed on this resource."}
}
