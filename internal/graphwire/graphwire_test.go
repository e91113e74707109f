package graphwire

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	oidA = "8b081ef6-4792-4def-b2c9-c363a1bf41d5"
	oidB = "48d31887-5fad-4d73-a9f5-3c356e68a038"
)

func TestParseChatID(t *testing.T) {
	cases := []struct {
		id   string
		kind ChatIDKind
		ok   bool
	}{
		{"19:" + oidA + "_" + oidB + "@unq.gbl.spaces", ChatIDOneOnOne, true},
		{"19:" + oidA + "_" + oidB + "@UNQ.GBL.SPACES", ChatIDOneOnOne, true},
		{"19:2da4c29f6d7041eca70b638b43d45437@thread.v2", ChatIDGroup, true},
		{"19:2da4c29f6d7041eca70b638b43d45437@thread.skype", ChatIDGroup, true},
		{"19:meeting_MjdhNjM4YzUtYzExZi00OTFkLTkzZTAtNTVlNmZmMDhkNGU2@thread.v2", ChatIDMeeting, true},
		{"48:notes", ChatIDSelf, true},
		{"19:abc@some.future.domain", ChatIDUnknown, true},
		{"", 0, false},
		{"19:", 0, false},
		{"19:@thread.v2", 0, false},
		{"19:abc@", 0, false},
		{"20:abc@thread.v2", 0, false},
		{"48:other", 0, false},
		{"19:abc@thread.tacv2", 0, false}, // a channel
		{"19:meeting_@thread.v2", 0, false},
		{"19:" + oidA + "@unq.gbl.spaces", 0, false},
		{"19:" + oidA + "_nope@unq.gbl.spaces", 0, false},
		{"19:a b@thread.v2", 0, false},
		{"19:a/b@thread.v2", 0, false},
		{"19:a?b@thread.v2", 0, false},
		{"19:a\x00b@thread.v2", 0, false},
		{"19:a:b@thread.v2", 0, false},
		{"19:a@b@thread.v2", 0, false},
		{"19:\xff@thread.v2", 0, false},
		{"19:" + strings.Repeat("a", 600) + "@thread.v2", 0, false},
	}
	for _, c := range cases {
		p, problem := ParseChatID(c.id)
		if c.ok {
			assert.Empty(t, problem, "%q", c.id)
			assert.Equal(t, c.kind, p.Kind, "%q", c.id)
		} else {
			assert.NotEmpty(t, problem, "%q should be refused", c.id)
			assert.Equal(t, strings.ToLower(problem[:1]), problem[:1], "problem %q starts lowercase", problem)
		}
	}
	p, _ := ParseChatID("19:" + oidA + "_" + oidB + "@unq.gbl.spaces")
	assert.Equal(t, [2]string{oidA, oidB}, p.Users)
}

func TestIDChecks(t *testing.T) {
	assert.Empty(t, CheckUserID(oidA))
	assert.Empty(t, CheckUserID("adele@contoso.onmicrosoft.com"))
	for _, bad := range []string{"", "adele", "@contoso.com", "adele@", "a b@c.d", "a@b@c", "x/y@z"} {
		assert.NotEmpty(t, CheckUserID(bad), "%q", bad)
	}
	assert.Empty(t, CheckTeamID(oidA))
	assert.NotEmpty(t, CheckTeamID("team"))
	assert.Empty(t, CheckChannelID("19:abc@thread.tacv2"))
	assert.NotEmpty(t, CheckChannelID("general"))
	assert.Empty(t, CheckID("1616990032035"))
	assert.NotEmpty(t, CheckID("1/2"))
	assert.Empty(t, CheckReactionType("👍"))
	assert.Empty(t, CheckReactionType("like"))
	assert.NotEmpty(t, CheckReactionType(""))
	assert.NotEmpty(t, CheckReactionType("a b"))
}

func TestErrorBody(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 15, 0, time.UTC)
	b, err := json.Marshal(NewErrorBody(CodeNotFound, "Resource not found.", "rid", "crid", at))
	require.NoError(t, err)
	assert.JSONEq(t, `{"error":{"code":"NotFound","message":"Resource not found.","innerError":{"date":"2026-03-02T09:30:15","request-id":"rid","client-request-id":"crid"}}}`, string(b))
	eb, ok := ParseErrorBody(b)
	require.True(t, ok)
	assert.Equal(t, "rid", eb.Error.InnerError.RequestID)
	for _, bad := range []string{"", "null", "{}", `{"error":null}`, `{"error":"x"}`, "<html>", `{"error":{"code":5}}`} {
		_, ok := ParseErrorBody([]byte(bad))
		assert.False(t, ok, "%q", bad)
	}
	_, ok = ParseErrorBody([]byte(`{"error":{"code":"Forbidden"}}`))
	assert.True(t, ok, "a body without message is still an error body")
	assert.Equal(t, http.StatusTooManyRequests, StatusCode(CodeTooManyRequests))
	assert.Equal(t, http.StatusInternalServerError, StatusCode("Weird"))
}

func TestTime(t *testing.T) {
	var v struct {
		A Time  `json:"a"`
		B Time  `json:"b,omitzero"`
		C *Time `json:"c,omitempty"`
	}
	v.A = TimeOf(time.Date(2021, 3, 29, 3, 53, 52, 35_000_000, time.FixedZone("x", 3600)))
	b, err := json.Marshal(v)
	require.NoError(t, err)
	assert.Equal(t, `{"a":"2021-03-29T02:53:52.035Z"}`, string(b))
	var zero struct{ A Time }
	b, _ = json.Marshal(zero)
	assert.Equal(t, `{"A":null}`, string(b))
	for in, want := range map[string]time.Time{
		`"2021-03-29T03:53:52.035Z"`:     time.Date(2021, 3, 29, 3, 53, 52, 35_000_000, time.UTC),
		`"2021-03-29T03:53:52.0350000Z"`: time.Date(2021, 3, 29, 3, 53, 52, 35_000_000, time.UTC),
		`"2021-03-29T03:53:52Z"`:         time.Date(2021, 3, 29, 3, 53, 52, 0, time.UTC),
		`"2021-03-29T05:53:52+02:00"`:    time.Date(2021, 3, 29, 3, 53, 52, 0, time.UTC),
		`"2021-03-29T03:53:52.1234567"`:  time.Date(2021, 3, 29, 3, 53, 52, 123456700, time.UTC),
		`null`:                           {},
		`""`:                             {},
		`"0001-01-01T00:00:00Z"`:         {},
		`"9999-12-31T23:59:59.999Z"`:     time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC),
	} {
		var got Time
		require.NoError(t, json.Unmarshal([]byte(in), &got), in)
		assert.True(t, want.Equal(got.Time), "%s: got %v", in, got.Time)
	}
	// Years RFC 3339 cannot write in UTC are refused, so that what is read
	// can be written back.
	for _, bad := range []string{`5`, `"yesterday"`, `{}`, `"2021-13-01T00:00:00Z"`, `"9999-12-31T23:30:00-05:00"`, `"0000-01-01T00:30:00+01:00"`} {
		var got Time
		assert.Error(t, json.Unmarshal([]byte(bad), &got), bad)
	}
	b, _ = json.Marshal(struct{ V FullTime }{})
	assert.Equal(t, `{"V":"0001-01-01T00:00:00Z"}`, string(b))
}

func TestUserBind(t *testing.T) {
	for _, u := range []string{oidA, "adele@contoso.com", "o'brien@contoso.com"} {
		got, ok := UserFromBind(UserBind(u))
		assert.True(t, ok)
		assert.Equal(t, u, got)
	}
	got, ok := UserFromBind("https://graph.microsoft.com/beta/users/" + oidA)
	assert.True(t, ok)
	assert.Equal(t, oidA, got)
	for _, bad := range []string{"", "https://graph.microsoft.com/v1.0/groups('x')", "https://graph.microsoft.com/v1.0/users('')", "https://graph.microsoft.com/v1.0/users('a/b')", "https://graph.microsoft.com/v1.0/users", "/users(')", "/users('"} {
		_, ok := UserFromBind(bad)
		assert.False(t, ok, "%q", bad)
	}
}

// FuzzUserFromBind checks that any bind value is read without a panic and
// that what it yields binds back to the same user.
func FuzzUserFromBind(f *testing.F) {
	for _, s := range []string{UserBind(oidA), UserBind("o'brien@contoso.com"), "/users(')", "/users/x", "/users('')"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, bind string) {
		u, ok := UserFromBind(bind)
		if !ok {
			return
		}
		if u == "" {
			t.Fatalf("%q: ok with an empty user", bind)
		}
		back, ok := UserFromBind(UserBind(u))
		if !ok || back != u {
			t.Fatalf("%q: %q does not round-trip (%q, %v)", bind, u, back, ok)
		}
	})
}

func TestPresenceIDs(t *testing.T) {
	ids, p := UniqueGUIDs([]string{oidA, strings.ToUpper(oidA), oidB})
	if p != "" || len(ids) != 2 || ids[0] != oidA || ids[1] != oidB {
		t.Fatalf("got %v, %q", ids, p)
	}
	for _, bad := range [][]string{nil, {}, {oidA, "someone@contoso.com"}, {""}} {
		if _, p := UniqueGUIDs(bad); p == "" {
			t.Errorf("%q accepted", bad)
		}
	}
	type pr struct{ id, v string }
	got := InOrder([]string{"B", "a", "c"}, []pr{{"A", "1"}, {"b", "2"}},
		func(p pr) string { return p.id }, func(p *pr, id string) { p.id = id }, func(id string) pr { return pr{v: "?"} })
	if want := []pr{{"B", "2"}, {"a", "1"}, {"c", "?"}}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("InOrder: got %v, want %v", got, want)
	}
}

func TestResources(t *testing.T) {
	chatID := "19:2da4c29f6d7041eca70b638b43d45437@thread.v2"
	p, ok := ParseResource(MessageResource(chatID, "1612289765949"))
	require.True(t, ok)
	c, _ := p.Key("chats")
	m, _ := p.Key("messages")
	assert.Equal(t, chatID, c)
	assert.Equal(t, "1612289765949", m)

	p, ok = ParseResource(ChannelMessageResource(oidA, "19:x@thread.tacv2", "1", "2"))
	require.True(t, ok)
	r, _ := p.Key("replies")
	assert.Equal(t, "2", r)

	p, ok = ParseResource("/chats/" + chatID + "/messages/1")
	require.True(t, ok)
	c, _ = p.Key("chats")
	assert.Equal(t, chatID, c)

	p, ok = ParseResource("chats('a''b')/messages")
	require.True(t, ok)
	c, _ = p.Key("chats")
	assert.Equal(t, "a'b", c)
	assert.Equal(t, ResourcePath{{Name: "chats", Key: "a'b"}, {Name: "messages"}}, p)

	for _, bad := range []string{"", "/", "chats('x'", "chats('x')x", "('x')", "chats('x')/", "chats//messages", "chats('x')/m'"} {
		_, ok := ParseResource(bad)
		assert.False(t, ok, "%q", bad)
	}
}

func TestDecodeNotifications(t *testing.T) {
	body := `{"value":[{"subscriptionId":"s1","changeType":"created","clientState":"cs","subscriptionExpirationDateTime":"2026-03-02T10:00:00Z",
	  "resource":"chats('19:a@thread.v2')/messages('1')","resourceData":{"id":"1","@odata.type":"#Microsoft.Graph.chatMessage","@odata.id":"chats('19:a@thread.v2')/messages('1')"},
	  "tenantId":"t"}],"validationTokens":["jwt"]}`
	col, err := DecodeNotifications([]byte(body))
	require.NoError(t, err)
	require.Len(t, col.Value, 1)
	n := col.Value[0]
	assert.Equal(t, "created", n.ChangeType)
	assert.Equal(t, "1", n.ResourceData.ID)
	assert.Equal(t, []string{"jwt"}, col.ValidationTokens)
	col, err = DecodeNotifications([]byte(`{"value":[{"subscriptionId":"s1","lifecycleEvent":"missed","subscriptionExpirationDateTime":"2026-03-02T10:00:00Z"}]}`))
	require.NoError(t, err)
	assert.Equal(t, LifecycleMissed, col.Value[0].LifecycleEvent)
	for _, bad := range []string{"", "{}", `{"value":null}`, `{"value":{}}`, `[]`, `{"value":[{"subscriptionExpirationDateTime":"tomorrow"}]}`} {
		_, err := DecodeNotifications([]byte(bad))
		assert.ErrorIs(t, err, ErrNotificationBody, "%q", bad)
	}
}

func TestChatMessageBind(t *testing.T) {
	const chatID, msgID = "19:2da4c29f6d7041eca70b638b43d45437@thread.v2", "1616964509832"
	bind := ChatMessageBind("https://graph.microsoft.com/v1.0/", chatID, msgID)
	if bind != "https://graph.microsoft.com/v1.0/chats/"+chatID+"/messages/"+msgID {
		t.Errorf("ChatMessageBind = %q", bind)
	}
	for _, b := range []string{bind, "https://graph.microsoft.us/beta/chats/19%3A2da4c29f6d7041eca70b638b43d45437%40thread.v2/messages/1616964509832"} {
		c, m, ok := ChatMessageFromBind(b)
		if !ok || c != chatID || m != msgID {
			t.Errorf("ChatMessageFromBind(%q) = %q, %q, %v", b, c, m, ok)
		}
	}
	for _, b := range []string{"", "https://graph.microsoft.com/v1.0/chats/x", "https://graph.microsoft.com/v1.0/chats//messages/1",
		"https://graph.microsoft.com/v1.0/chats/x/messages/1/replies/2", "https://graph.microsoft.com/v1.0/chats/x/messages/%zz"} {
		if _, _, ok := ChatMessageFromBind(b); ok {
			t.Errorf("ChatMessageFromBind(%q) accepted", b)
		}
	}
}

// FuzzChatMessageFromBind checks that any message@odata.bind (the fake's
// HTTP face reads it from a pin request) is read without a panic, that
// what it yields are ids without a path separator, and that they bind
// back to themselves.
func FuzzChatMessageFromBind(f *testing.F) {
	for _, s := range []string{
		ChatMessageBind("https://graph.microsoft.com/v1.0", "19:2da4c29f6d7041eca70b638b43d45437@thread.v2", "1616964509832"),
		"https://graph.microsoft.com/v1.0/chats/19%3Ax%40thread.v2/messages/1", "/chats//messages/1", "/chats/a/messages/%zz",
		"/chats/a/messages/b/messages/c", "/chats/a/chats/b/messages/c", "/chats/a/messages/1%2525",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, bind string) {
		chatID, messageID, ok := ChatMessageFromBind(bind)
		if !ok {
			if chatID != "" || messageID != "" {
				t.Fatalf("%q: not ok with ids %q, %q", bind, chatID, messageID)
			}
			return
		}
		if chatID == "" || messageID == "" || strings.ContainsAny(chatID+messageID, "/?#") {
			t.Fatalf("%q: ids %q, %q", bind, chatID, messageID)
		}
		c, m, ok := ChatMessageFromBind(ChatMessageBind("https://graph.microsoft.com/v1.0", chatID, messageID))
		if !ok || c != chatID || m != messageID {
			t.Fatalf("%q: %q, %q bind back as %q, %q, %v", bind, chatID, messageID, c, m, ok)
		}
	})
}
