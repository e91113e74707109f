package fake

import (
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// Graph's query rules, shared by both faces: the Go face turns its options
// into the query a client would send and parses it here.

func parseTop(v url.Values) (int, *opError) {
	raw, ok := v["$top"]
	if !ok {
		return DefaultPageSize, nil
	}
	if len(raw) != 1 {
		return 0, errBadRequest("Query option '$top' was specified more than once.")
	}
	n, err := strconv.Atoi(strings.TrimSpace(raw[0]))
	if err != nil || n < 1 {
		return 0, errBadRequest("Invalid value '" + short(raw[0]) + "' for query option '$top'.")
	}
	if n > chat.MaxPageSize {
		return 0, errBadRequest("Invalid page size requested. The maximum allowed $top value is " + strconv.Itoa(chat.MaxPageSize) + ".")
	}
	return n, nil
}

func short(s string) string {
	if len(s) > 64 {
		return s[:64]
	}
	return s
}

func parseSkip(v url.Values) (*cursor, *opError) {
	tok := v.Get("$skiptoken")
	if tok == "" {
		return nil, nil
	}
	c, ok := decodeCursor(tok)
	if !ok {
		return nil, errBadRequest("Invalid $skiptoken.")
	}
	return c, nil
}

// parseMessagesQuery reads $top, $orderby, $filter and $skiptoken of a chat
// message listing. As Graph does, a $filter is applied only when $orderby
// names the same property, and silently ignored otherwise.
func parseMessagesQuery(v url.Values) (listQuery, *opError) {
	q := listQuery{order: orderModified}
	var oe *opError
	if q.top, oe = parseTop(v); oe != nil {
		return q, oe
	}
	if q.after, oe = parseSkip(v); oe != nil {
		return q, oe
	}
	orderProp := ""
	if ob := strings.TrimSpace(v.Get("$orderby")); ob != "" {
		prop, dir, _ := strings.Cut(ob, " ")
		dir = strings.TrimSpace(dir)
		switch {
		case strings.EqualFold(prop, "lastModifiedDateTime") && strings.EqualFold(dir, "desc"):
			q.order, orderProp = orderModified, "lastModifiedDateTime"
		case strings.EqualFold(prop, "createdDateTime") && strings.EqualFold(dir, "desc"):
			q.order, orderProp = orderCreated, "createdDateTime"
		default:
			return q, errBadRequest("$orderby is supported only on lastModifiedDateTime and createdDateTime, in descending order.")
		}
	}
	f := strings.TrimSpace(v.Get("$filter"))
	if f == "" {
		return q, nil
	}
	clauses, ok := splitAnd(f)
	if !ok {
		return q, errBadRequest("Invalid $filter: " + short(f))
	}
	for _, cl := range clauses {
		fields := strings.Fields(cl)
		if len(fields) != 3 {
			return q, errBadRequest("Invalid $filter clause: " + short(cl))
		}
		prop, op := fields[0], strings.ToLower(fields[1])
		t, err := gw.ParseTime(strings.Trim(fields[2], "'"))
		if err != nil || t.IsZero() {
			return q, errBadRequest("Invalid date in $filter: " + short(fields[2]))
		}
		switch {
		case strings.EqualFold(prop, "lastModifiedDateTime") && (op == "gt" || op == "lt"):
			if orderProp != "lastModifiedDateTime" {
				continue // ignored, as Graph does
			}
			if op == "gt" {
				q.modGT = t
			} else {
				q.modLT = t
			}
		case strings.EqualFold(prop, "createdDateTime") && op == "lt":
			if orderProp != "createdDateTime" {
				continue
			}
			q.createdLT = t
		default:
			return q, errBadRequest("Unsupported $filter: only lastModifiedDateTime gt/lt and createdDateTime lt are supported.")
		}
	}
	return q, nil
}

func splitAnd(f string) ([]string, bool) {
	var out []string
	for _, p := range strings.Split(f, " and ") {
		p = strings.TrimSpace(p)
		if p == "" {
			return nil, false
		}
		out = append(out, p)
	}
	return out, len(out) > 0 && len(out) <= 4
}

// parseChatsQuery reads the options of a chat listing that chat-list
// documents (https://learn.microsoft.com/graph/api/chat-list, "Optional
// query parameters"): $top; $expand of members and lastMessagePreview
// ("Currently supports members and lastMessagePreview"); $orderby
// lastMessagePreview/createdDateTime desc ("Ascending order is currently not
// supported"); $filter, which the page shows on a member's display name
// (members/any(o: o/displayname eq 'Peter Parker')) and the fake also
// takes on chatType and on a member's user id (the form of a Microsoft Q&A
// answer, learn.microsoft.com/answers/questions/257635: secondary), joined
// with "and"; $skiptoken. Another filter is 400 "Invalid filter clause",
// Graph's answer to one it does not take
// (microsoftgraph/microsoft-graph-docs-contrib#3973).
func parseChatsQuery(v url.Values) (chatQuery, *opError) {
	var q chatQuery
	var oe *opError
	if q.top, oe = parseTop(v); oe != nil {
		return q, oe
	}
	if q.after, oe = parseSkip(v); oe != nil {
		return q, oe
	}
	if e := strings.TrimSpace(v.Get("$expand")); e != "" {
		for _, part := range strings.Split(e, ",") {
			switch strings.ToLower(strings.TrimSpace(part)) {
			case "members":
				q.expand = true
			case "lastmessagepreview":
				q.preview = true
			default:
				return q, errBadRequest("Unsupported $expand: " + short(part))
			}
		}
	}
	if f := strings.TrimSpace(v.Get("$filter")); f != "" {
		clauses, ok := splitAndOutsideQuotes(f)
		if !ok {
			return q, errBadRequest("Invalid filter clause")
		}
		for _, cl := range clauses {
			if oe := q.addChatFilter(cl); oe != nil {
				return q, oe
			}
		}
	}
	if ob := strings.Join(strings.Fields(v.Get("$orderby")), " "); ob != "" {
		if !strings.EqualFold(ob, "lastMessagePreview/createdDateTime desc") {
			return q, errBadRequest("Unsupported $orderby: only lastMessagePreview/createdDateTime in descending order is supported.")
		}
		q.byLastMessage = true
	}
	return q, nil
}

// memberFilter is members/any(v: v/<property> eq '<value>').
var memberFilter = regexp.MustCompile(`(?i)^members/any\(\s*(\w+)\s*:\s*(\w+)/(displayName|microsoft\.graph\.aadUserConversationMember/userId)\s+eq\s+'((?:[^']|'')*)'\s*\)$`)

func (q *chatQuery) addChatFilter(cl string) *opError {
	invalid := errBadRequest("Invalid filter clause")
	if m := memberFilter.FindStringSubmatch(cl); m != nil {
		if m[1] != m[2] {
			return invalid
		}
		val := strings.ReplaceAll(m[4], "''", "'")
		if strings.EqualFold(m[3], "displayName") {
			q.memberNames = append(q.memberNames, val)
		} else {
			q.memberIDs = append(q.memberIDs, val)
		}
		return nil
	}
	fields := strings.Fields(cl)
	if len(fields) != 3 || !strings.EqualFold(fields[0], "chatType") || !strings.EqualFold(fields[1], "eq") ||
		len(fields[2]) < 2 || fields[2][0] != '\'' || fields[2][len(fields[2])-1] != '\'' {
		return invalid
	}
	switch t := chat.ChatType(fields[2][1 : len(fields[2])-1]); t {
	case chat.ChatTypeOneOnOne, chat.ChatTypeGroup, chat.ChatTypeMeeting:
		q.typ = t
		return nil
	}
	return errBadRequest("Invalid chatType in $filter: " + short(fields[2]))
}

// splitAndOutsideQuotes splits a filter at " and " outside of string
// literals (where a quote is doubled).
func splitAndOutsideQuotes(f string) ([]string, bool) {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(f); i++ {
		switch {
		case f[i] == '\'':
			quoted = !quoted // '' toggles twice
		case !quoted && i+5 <= len(f) && strings.EqualFold(f[i:i+5], " and "):
			out = append(out, strings.TrimSpace(f[start:i]))
			start = i + 5
			i += 4
		}
	}
	out = append(out, strings.TrimSpace(f[start:]))
	for _, c := range out {
		if c == "" {
			return nil, false
		}
	}
	return out, !quoted && len(out) <= 4
}

// parseChannelQuery reads $top and $skiptoken of a channel listing, which
// Graph orders by itself: top-level messages by last modification, replies
// by creation, newest first.
func parseChannelQuery(v url.Values, o order) (listQuery, *opError) {
	q := listQuery{order: o}
	var oe *opError
	if q.top, oe = parseTop(v); oe != nil {
		return q, oe
	}
	if q.after, oe = parseSkip(v); oe != nil {
		return q, oe
	}
	if v.Has("$orderby") || v.Has("$filter") {
		return q, errBadRequest("$orderby and $filter are not supported on channel messages.")
	}
	if e := strings.TrimSpace(v.Get("$expand")); e != "" {
		if !strings.EqualFold(e, "replies") || o != orderModified {
			return q, errBadRequest("Unsupported $expand: " + short(e))
		}
		q.expandReplies = true
	}
	return q, nil
}

// parseEqFilter reads "<property> eq '…'" (the property's name in any
// case, quotes doubled inside the value): the filters Graph takes on online
// meetings, with property "JoinWebUrl" or "joinMeetingIdSettings/joinMeetingId".
func parseEqFilter(f, property string) (string, bool) {
	f = strings.TrimSpace(f)
	prefix := property + " eq '"
	if len(f) < len(prefix)+1 || !strings.EqualFold(f[:len(prefix)], prefix) || !strings.HasSuffix(f, "'") {
		return "", false
	}
	inner := f[len(prefix) : len(f)-1]
	var b strings.Builder
	for i := 0; i < len(inner); i++ {
		if inner[i] == '\'' {
			if i+1 < len(inner) && inner[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			return "", false
		}
		b.WriteByte(inner[i])
	}
	return b.String(), true
}

// encodeQuery writes a query as Graph's links do: parameter names as they
// are ($top, not %24top), values escaped, names sorted.
func encodeQuery(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, val := range v[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(k)
			b.WriteByte('=')
			b.WriteString(strings.ReplaceAll(url.QueryEscape(val), "+", "%20"))
		}
	}
	return b.String()
}

// nextLink is the link of the page after c, keeping the query.
func nextLink(base, escapedPath string, v url.Values, c *cursor) string {
	if c == nil {
		return ""
	}
	nv := url.Values{}
	for k, vals := range v {
		if k != "$skiptoken" {
			nv[k] = vals
		}
	}
	nv.Set("$skiptoken", encodeCursor(c))
	return base + escapedPath + "?" + encodeQuery(nv)
}

// escapePath escapes path segments and joins them.
func escapePath(segs ...string) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// messagesValues is the query a client sends for ListMessages options.
func messagesValues(o *chat.ListMessagesOptions) url.Values {
	v := url.Values{}
	if o == nil {
		return v
	}
	if o.Top > 0 {
		v.Set("$top", strconv.Itoa(o.Top))
	}
	order := o.OrderBy
	var filters []string
	if !o.ModifiedAfter.IsZero() {
		filters = append(filters, "lastModifiedDateTime gt "+gw.TimeOf(o.ModifiedAfter).String())
	}
	if !o.ModifiedBefore.IsZero() {
		filters = append(filters, "lastModifiedDateTime lt "+gw.TimeOf(o.ModifiedBefore).String())
	}
	if !o.CreatedBefore.IsZero() {
		filters = append(filters, "createdDateTime lt "+gw.TimeOf(o.CreatedBefore).String())
	}
	if order == "" && len(filters) > 0 {
		order = chat.OrderByLastModified
	}
	if order != "" {
		v.Set("$orderby", string(order)+" desc")
	}
	if len(filters) > 0 {
		v.Set("$filter", strings.Join(filters, " and "))
	}
	return v
}

// chatsValues is the query a client sends for ListChats options.
func chatsValues(o *chat.ListChatsOptions) url.Values {
	v := url.Values{}
	if o == nil {
		return v
	}
	if o.Top > 0 {
		v.Set("$top", strconv.Itoa(o.Top))
	}
	var expand, filters []string
	if o.ExpandMembers {
		expand = append(expand, "members")
	}
	if o.ExpandLastMessagePreview {
		expand = append(expand, "lastMessagePreview")
	}
	if len(expand) > 0 {
		v.Set("$expand", strings.Join(expand, ","))
	}
	if o.Type != "" {
		filters = append(filters, "chatType eq '"+string(o.Type)+"'")
	}
	if o.MemberDisplayName != "" {
		filters = append(filters, "members/any(o: o/displayName eq '"+quoteOData(o.MemberDisplayName)+"')")
	}
	if len(filters) > 0 {
		v.Set("$filter", strings.Join(filters, " and "))
	}
	if o.OrderByLastMessage {
		v.Set("$orderby", "lastMessagePreview/createdDateTime desc")
	}
	return v
}

func topValues(top int) url.Values {
	v := url.Values{}
	if top > 0 {
		v.Set("$top", strconv.Itoa(top))
	}
	return v
}

// linkQuery checks that link is a link of the listing at escapedPath and
// returns its query.
func linkQuery(link, wantPath string) (url.Values, bool) {
	u, err := url.Parse(link)
	if err != nil {
		return nil, false
	}
	p, err := url.PathUnescape(u.EscapedPath())
	if err != nil {
		return nil, false
	}
	want, err := url.PathUnescape(wantPath)
	if err != nil || !strings.HasSuffix(p, want) {
		return nil, false
	}
	v, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, false
	}
	return v, true
}
