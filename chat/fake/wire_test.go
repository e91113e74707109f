package fake

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

type rawResp struct {
	status int
	header http.Header
	body   []byte
}

func rawDo(t *testing.T, method, target, token, body string) rawResp {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, target, rd)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("client-request-id", "test-crid")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return rawResp{resp.StatusCode, resp.Header, b}
}

func graphError(t *testing.T, r rawResp) gw.ErrorDetail {
	t.Helper()
	var eb gw.ErrorBody
	require.NoError(t, json.Unmarshal(r.body, &eb), "body %s", r.body)
	require.NotNil(t, eb.Error.InnerError, "innerError missing in %s", r.body)
	assert.NotEmpty(t, eb.Error.InnerError.RequestID)
	assert.NotEmpty(t, eb.Error.InnerError.Date)
	assert.Equal(t, "test-crid", eb.Error.InnerError.ClientRequestID)
	assert.Equal(t, r.header.Get("request-id"), eb.Error.InnerError.RequestID)
	return eb.Error
}

func TestHTTPAuth(t *testing.T) {
	svc, sd, _, srv := newHTTPEnv(t)
	base := srv.URL + "/v1.0"
	r := rawDo(t, "GET", base+"/me/chats", "", "")
	assert.Equal(t, 401, r.status)
	assert.Equal(t, gw.CodeUnauthorized, graphError(t, r).Code)
	assert.Contains(t, r.header.Get("WWW-Authenticate"), "Bearer")

	r = rawDo(t, "GET", base+"/me/chats", "not-a-token", "")
	assert.Equal(t, 401, r.status)
	assert.NotContains(t, string(r.body), "not-a-token", "a refused token must not be echoed")

	tok := svc.TokenFor(sd.Carol.ID)
	r = rawDo(t, "GET", base+"/me/chats", tok, "")
	assert.Equal(t, 200, r.status)
	svc.RevokeTokens(sd.Carol.ID)
	r = rawDo(t, "GET", base+"/me/chats", tok, "")
	assert.Equal(t, 401, r.status)

	// Acting for another user through /users/{id} is refused.
	r = rawDo(t, "GET", base+"/users/"+sd.Alice.ID+"/chats/"+url.PathEscape(sd.Meeting.ChatID), svc.TokenFor(sd.Bob.ID), "")
	assert.Equal(t, 403, r.status)
	r = rawDo(t, "GET", base+"/users/"+sd.Bob.UPN+"/chats/"+url.PathEscape(sd.Meeting.ChatID), svc.TokenFor(sd.Bob.ID), "")
	assert.Equal(t, 200, r.status)
}

func TestHTTPQueryRules(t *testing.T) {
	svc, sd, env, srv := newHTTPEnv(t)
	ch := sd.Meeting.ChatID
	sent := make([]chat.Message, 5)
	for i := range sent {
		var err error
		sent[i], err = svc.Post(sd.Alice.ID, ch, fmt.Sprintf("m%d", i))
		require.NoError(t, err)
		env.Advance(time.Second)
	}
	tok := svc.TokenFor(sd.Bob.ID)
	msgs := srv.URL + "/v1.0/chats/" + url.PathEscape(ch) + "/messages"
	list := func(query string) (rawResp, gw.Collection[gw.ChatMessage]) {
		r := rawDo(t, "GET", msgs+"?"+query, tok, "")
		var col gw.Collection[gw.ChatMessage]
		if r.status == 200 {
			require.NoError(t, json.Unmarshal(r.body, &col))
		}
		return r, col
	}
	for _, q := range []string{"$top=51", "$top=0", "$top=x", "$orderby=createdDateTime", "$orderby=createdDateTime%20asc",
		"$orderby=subject%20desc", "$orderby=createdDateTime%20desc&$filter=createdDateTime%20gt%202026-03-02T09:00:00Z",
		"$skiptoken=garbage", "$orderby=lastModifiedDateTime%20desc&$filter=subject%20eq%20'x'"} {
		r, _ := list(q)
		assert.Equal(t, 400, r.status, "query %s", q)
		if r.status == 400 {
			assert.Equal(t, gw.CodeBadRequest, graphError(t, r).Code)
		}
	}
	cut := gw.TimeOf(sent[2].LastModifiedAt).String()
	// The trap: a date filter without $orderby on the same property is ignored.
	_, col := list("$filter=lastModifiedDateTime%20gt%20" + cut)
	assert.Len(t, col.Value, 5, "filter without $orderby must be ignored, as Graph does")
	_, col = list("$orderby=createdDateTime%20desc&$filter=lastModifiedDateTime%20gt%20" + cut)
	assert.Len(t, col.Value, 5, "filter on another property than $orderby must be ignored")
	_, col = list("$orderby=lastModifiedDateTime%20desc&$filter=lastModifiedDateTime%20gt%20" + cut)
	assert.Len(t, col.Value, 2, "filter with $orderby on the same property applies")
	// Parameter names arrive escaped from kiota (%24top) or not.
	_, col = list("%24top=2")
	assert.Len(t, col.Value, 2)
	assert.True(t, strings.HasPrefix(col.NextLink, srv.URL+"/v1.0/chats/"), "next link %q must point back at the server", col.NextLink)
	assert.Contains(t, col.NextLink, "$top=2")
	assert.Equal(t, 2, *col.Count)
	// Following links to the end gives every message once.
	var got []string
	next := msgs + "?$top=2"
	for next != "" {
		r := rawDo(t, "GET", next, tok, "")
		require.Equal(t, 200, r.status, "%s", r.body)
		var page gw.Collection[gw.ChatMessage]
		require.NoError(t, json.Unmarshal(r.body, &page))
		for _, m := range page.Value {
			got = append(got, m.ID)
		}
		next = page.NextLink
	}
	assert.Equal(t, []string{sent[4].ID, sent[3].ID, sent[2].ID, sent[1].ID, sent[0].ID}, got)

	// Options the page does not list are refused as Graph's OData layer
	// refuses them (microsoftgraph/microsoft-graph-docs#15592).
	for _, q := range []string{"$select=id", "$count=true", "$search=x", "$skip=1", "$expand=replies"} {
		r, _ := list(q)
		assert.Equal(t, 400, r.status, "query %s", q)
		if r.status == 400 {
			assert.Contains(t, graphError(t, r).Message, "Query option '", "query %s", q)
		}
	}
	r0 := rawDo(t, "GET", msgs+"/"+sent[0].ID+"?$select=body", tok, "")
	assert.Equal(t, 400, r0.status, "chatmessage-get takes no OData option: %s", r0.body)
	assert.Contains(t, graphError(t, r0).Message, "Query option 'Select' is not allowed")
	r0 = rawDo(t, "GET", srv.URL+"/v1.0/me/chats?$select=topic", tok, "")
	assert.Equal(t, 400, r0.status, "chat-list takes no $select")
	r0 = rawDo(t, "GET", srv.URL+"/v1.0/me?$select=id,displayName", tok, "")
	assert.Equal(t, 200, r0.status, "user-get takes $select: %s", r0.body)
	r0 = rawDo(t, "GET", msgs+"?$top=1&model=A", tok, "")
	assert.Equal(t, 200, r0.status, "parameters that are not OData options are not the fake's to judge")

	// Chats: $orderby only on the last message, descending; $filter on
	// members as chat-list's example (any lambda variable), or an invalid
	// filter clause (microsoft-graph-docs-contrib#3973); the preview needs a
	// permission that reads messages (the fake's choice).
	for q, want := range map[string]int{
		"$orderby=lastMessagePreview/createdDateTime%20desc":                              200,
		"$orderby=lastMessagePreview/createdDateTime":                                     400,
		"$orderby=lastMessagePreview/createdDateTime%20asc":                               400,
		"$orderby=lastUpdatedDateTime%20desc":                                             400,
		"$expand=members&$filter=members/any(o:%20o/displayname%20eq%20'Alice%20Archer')": 200,
		"$filter=members/any(m:m/displayName%20eq%20'O''Brien')":                          200,
		"$filter=members/any(o:%20o/email%20eq%20'a@b.c')":                                400,
		"$filter=members/any(o:%20x/displayName%20eq%20'a')":                              400,
		"$filter=members/any(o:%20o/microsoft.graph.aadUserConversationMember/userId%20eq%20'" + sd.Alice.ID + "')%20and%20chatType%20eq%20'meeting'": 200,
	} {
		r := rawDo(t, "GET", srv.URL+"/v1.0/me/chats?"+q, tok, "")
		assert.Equal(t, want, r.status, "%s: %s", q, r.body)
		if want == 400 && strings.Contains(q, "$filter") {
			assert.Equal(t, "Invalid filter clause", graphError(t, r).Message, q)
		}
	}
	r := rawDo(t, "GET", srv.URL+"/v1.0/me/chats?$expand=lastMessagePreview", svc.TokenFor(sd.Bob.ID, "Chat.ReadBasic"), "")
	assert.Equal(t, 403, r.status, "%s", r.body)
	r = rawDo(t, "GET", srv.URL+"/v1.0/me/chats?$expand=lastMessagePreview", tok, "")
	require.Equal(t, 200, r.status)
	assert.Contains(t, string(r.body), `"lastMessagePreview":{"id":"`+sent[4].ID+`"`)
	assert.Contains(t, string(r.body), `"eventDetail":null`)
	r = rawDo(t, "GET", srv.URL+"/v1.0/chats/"+url.PathEscape(ch)+"?$expand=lastMessagePreview", tok, "")
	assert.Equal(t, 400, r.status, "only the listing of chats expands the preview (chatmessageinfo)")

	// Chats: $top and $filter.
	r = rawDo(t, "GET", srv.URL+"/v1.0/me/chats?$top=51", tok, "")
	assert.Equal(t, 400, r.status)
	r = rawDo(t, "GET", srv.URL+"/v1.0/me/chats?$filter=topic%20eq%20'x'", tok, "")
	assert.Equal(t, 400, r.status)
	r = rawDo(t, "GET", srv.URL+"/v1.0/me/chats?$filter=chatType%20eq%20'meeting'&$expand=members", tok, "")
	require.Equal(t, 200, r.status)
	var chats gw.Collection[gw.Chat]
	require.NoError(t, json.Unmarshal(r.body, &chats))
	require.Len(t, chats.Value, 1)
	assert.Len(t, chats.Value[0].Members, 2)
	assert.Equal(t, sd.Meeting.JoinURL, chats.Value[0].OnlineMeetingInfo.JoinWebURL)
}

func TestHTTPPathsAndMethods(t *testing.T) {
	svc, sd, _, srv := newHTTPEnv(t)
	tok := svc.TokenFor(sd.Alice.ID)
	base := srv.URL + "/v1.0"
	cases := []struct {
		method, path string
		status       int
	}{
		{"GET", "/v2.0/me/chats", 404},
		{"GET", "/v1.0/nothing", 400},
		{"GET", "/v1.0/chats/not-an-id", 400},
		{"DELETE", "/v1.0/chats/" + url.PathEscape(sd.Meeting.ChatID), 405},
		{"GET", "/v1.0/chats/" + url.PathEscape(sd.Meeting.ChatID) + "/bogus", 400},
		{"PUT", "/v1.0/chats", 405},
		{"GET", "/v1.0/me/onlineMeetings", 400},
		{"GET", "/v1.0/teams/x/channels/y/messages", 400},
		{"GET", "/v1.0/teams/" + sd.Team.ID + "/channels/" + url.PathEscape(sd.Channel.ID) + "/messages", 200},
		{"GET", "/v1.0/teams/" + sd.Team.ID + "/channels/" + url.PathEscape("19:nope@thread.tacv2") + "/messages", 404},
		{"POST", "/v1.0/chats", 400},
		{"GET", "/v1.0/subscriptions/unknown", 404},
	}
	for _, c := range cases {
		r := rawDo(t, c.method, srv.URL+c.path, tok, "")
		assert.Equal(t, c.status, r.status, "%s %s: %s", c.method, c.path, r.body)
		if c.status >= 400 && c.status != 404 || strings.HasPrefix(c.path, "/v1.0") && c.status >= 400 {
			graphError(t, r)
		}
	}
	// The chat id may come escaped (kiota) or not.
	r := rawDo(t, "GET", base+"/chats/"+sd.Meeting.ChatID, tok, "")
	assert.Equal(t, 200, r.status)
	// Bad JSON and bad messages are 400.
	msgs := base + "/chats/" + url.PathEscape(sd.Meeting.ChatID) + "/messages"
	for _, body := range []string{"{", `{"body":{"contentType":"text","content":""}}`, `{"subject":"no body"}`,
		`{"body":{"contentType":"html","content":"hi"},"mentions":[{"id":0,"mentionText":"x","mentioned":{"user":{"id":"` + sd.Bob.ID + `"}}}]}`} {
		r := rawDo(t, "POST", msgs, tok, body)
		assert.Equal(t, 400, r.status, "body %s: %s", body, r.body)
	}
	assert.Empty(t, svc.Messages(sd.Meeting.ChatID), "refused messages must not be stored")
}

func TestHTTPCreateChatBody(t *testing.T) {
	svc, sd, _, srv := newHTTPEnv(t)
	tok := svc.TokenFor(sd.Alice.ID)
	body := `{"chatType":"oneOnOne","members":[
	  {"@odata.type":"#microsoft.graph.aadUserConversationMember","roles":["owner"],"user@odata.bind":"https://graph.microsoft.com/v1.0/users('` + sd.Alice.ID + `')"},
	  {"@odata.type":"#microsoft.graph.aadUserConversationMember","roles":["owner"],"user@odata.bind":"https://graph.microsoft.com/v1.0/users('` + sd.Bob.UPN + `')"}]}`
	r := rawDo(t, "POST", srv.URL+"/v1.0/chats", tok, body)
	require.Equal(t, 201, r.status, "%s", r.body)
	// The documented body (chat-post, "Response"): these members and no
	// others, members above all.
	var c map[string]any
	require.NoError(t, json.Unmarshal(r.body, &c))
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	assert.ElementsMatch(t, []string{"@odata.context", "id", "topic", "createdDateTime", "lastUpdatedDateTime", "chatType"}, keys, "%s", r.body)
	assert.Equal(t, srv.URL+"/v1.0/$metadata#chats/$entity", c["@odata.context"])
	assert.Equal(t, "oneOnOne", c["chatType"])
	assert.Contains(t, string(r.body), `"topic":null`)
	// The chat exists with both members.
	r = rawDo(t, "GET", srv.URL+"/v1.0/chats/"+url.PathEscape(c["id"].(string))+"/members", tok, "")
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.Contains(t, string(r.body), `"visibleHistoryStartDateTime":"0001-01-01T00:00:00Z"`)
	assert.Contains(t, string(r.body), sd.Bob.ID)
	// Without the caller among the members: 400.
	body = `{"chatType":"group","topic":"x","members":[
	  {"roles":["owner"],"user@odata.bind":"https://graph.microsoft.com/v1.0/users('` + sd.Bob.ID + `')"},
	  {"roles":["owner"],"user@odata.bind":"https://graph.microsoft.com/v1.0/users('` + sd.Carol.ID + `')"},
	  {"roles":["owner"],"user@odata.bind":"https://graph.microsoft.com/v1.0/users('` + sd.Dave.ID + `')"}]}`
	r = rawDo(t, "POST", srv.URL+"/v1.0/chats", tok, body)
	assert.Equal(t, 400, r.status)
}

func TestHostedContentsServed(t *testing.T) {
	svc, sd, _, srv := newHTTPEnv(t)
	msg := chat.HTMLMessage(`<img src="` + chat.HostedContentRef("7") + `">`)
	msg.HostedContents = []chat.HostedContent{{ID: "7", ContentType: "image/png", Data: []byte("PNGDATA")}}
	m, err := svc.PostMessage(sd.Alice.ID, sd.Meeting.ChatID, msg)
	require.NoError(t, err)
	stored := svc.Messages(sd.Meeting.ChatID)
	require.Len(t, stored, 1)
	require.Len(t, stored[0].HostedContents, 1)
	hid := stored[0].HostedContents[0].ID
	assert.Contains(t, m.Body.Content, "/hostedContents/"+hid+"/$value")
	tok := svc.TokenFor(sd.Bob.ID)
	base := srv.URL + "/v1.0/chats/" + url.PathEscape(sd.Meeting.ChatID) + "/messages/" + m.ID + "/hostedContents"
	r := rawDo(t, "GET", base, tok, "")
	require.Equal(t, 200, r.status)
	assert.Contains(t, string(r.body), hid)
	// contentBytes and contentType are write-only: null when read
	// (chatMessageHostedContent; chatmessagehostedcontent-get "always set
	// to null"), the keys present.
	assert.Contains(t, string(r.body), `"contentBytes":null,"contentType":null`)
	assert.NotContains(t, string(r.body), "image/png")
	r = rawDo(t, "GET", base+"/"+hid, tok, "")
	require.Equal(t, 200, r.status)
	var one map[string]any
	require.NoError(t, json.Unmarshal(r.body, &one))
	assert.Equal(t, map[string]any{"@odata.context": srv.URL + "/v1.0/$metadata#chats('" + sd.Meeting.ChatID + "')/messages('" + m.ID + "')/hostedContents/$entity",
		"id": hid, "contentBytes": nil, "contentType": nil}, one)
	r = rawDo(t, "GET", base+"/"+hid+"/$value", tok, "")
	require.Equal(t, 200, r.status)
	assert.Equal(t, "PNGDATA", string(r.body))
	assert.Equal(t, "image/png", r.header.Get("Content-Type"))
	r = rawDo(t, "GET", base+"/nope/$value", tok, "")
	assert.Equal(t, 404, r.status)
}

func TestEntraTokens(t *testing.T) {
	entra := identityfakeEntra(t)
	tenant := entra.AddTenant("Contoso")
	eu := entra.AddUser(tenant.ID, "Erin Entra")
	svc := New(&Options{Entra: entra})
	t.Cleanup(func() { _ = svc.Close() })
	srv := httptestServer(t, svc)
	cred := entra.Credential(eu, "11111111-2222-4333-8444-555555555555", nil)
	graphTok, err := cred.GetToken(context.Background(), policyScopes("https://graph.microsoft.com/Chat.ReadWrite"))
	require.NoError(t, err)
	r := rawDo(t, "GET", srv.URL+"/v1.0/me/chats", graphTok.Token, "")
	assert.Equal(t, 200, r.status, "%s", r.body)
	u, ok := svc.User(eu.ObjectID)
	require.True(t, ok, "an Entra user is added on first use")
	assert.Equal(t, eu.UPN, u.UPN)
	// A token for another audience (the Teams resource of ACS) is refused.
	teamsTok, _, err := entra.TeamsUserToken(eu, "11111111-2222-4333-8444-555555555555")
	require.NoError(t, err)
	r = rawDo(t, "GET", srv.URL+"/v1.0/me/chats", teamsTok, "")
	assert.Equal(t, 401, r.status)
}

func TestGoFaceErrors(t *testing.T) {
	svc, sd := NewSeeded(nil)
	t.Cleanup(func() { _ = svc.Close() })
	_, err := svc.As("00000000-0000-4000-8000-000000000000").GetChat(context.Background(), sd.Meeting.ChatID, nil)
	var ce *chat.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 401, ce.StatusCode)
	assert.True(t, chat.IsUnauthorized(err))
	assert.NotEmpty(t, ce.RequestID)
	assert.False(t, ce.Date.IsZero())
	_, err = svc.As(sd.Carol.ID).GetChat(context.Background(), sd.Meeting.ChatID, nil)
	assert.True(t, chat.IsForbidden(err))
	_, err = svc.As(sd.Alice.ID).ListMessagesPage(context.Background(), sd.Meeting.ChatID, &chat.ListMessagesOptions{NextLink: "https://graph.microsoft.com/v1.0/chats/19:other@thread.v2/messages?$skiptoken=x"})
	var ae *chat.ArgumentError
	assert.ErrorAs(t, err, &ae, "a link of another listing is refused")
	assert.False(t, errors.Is(err, context.Canceled))
}

func identityfakeEntra(t *testing.T) *identityfake.Entra {
	t.Helper()
	return identityfake.NewEntra(nil)
}

func httptestServer(t *testing.T, svc *Service) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(svc.Handler())
	t.Cleanup(srv.Close)
	return srv
}

func policyScopes(scopes ...string) policy.TokenRequestOptions {
	return policy.TokenRequestOptions{Scopes: scopes}
}

// TestHTTPGzipRequestBodies: a body sent with Content-Encoding: gzip, as
// the Graph SDKs send them, is read; one that is not what its encoding
// says, or of an encoding Graph does not take, is refused with 400 and
// nothing is stored.
func TestHTTPGzipRequestBodies(t *testing.T) {
	svc, sd, _, srv := newHTTPEnv(t)
	target := srv.URL + "/v1.0/chats/" + url.PathEscape(sd.Meeting.ChatID) + "/messages"
	send := func(encoding string, body []byte) int {
		req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+svc.TokenFor(sd.Alice.ID))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", encoding)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	plain := []byte(`{"body":{"contentType":"text","content":"zipped"}}`)
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write(plain)
	require.NoError(t, zw.Close())
	assert.Equal(t, 201, send("gzip", zipped.Bytes()))
	assert.Equal(t, 400, send("gzip", plain), "labelled gzip, sent plain")
	assert.Equal(t, 400, send("br", zipped.Bytes()))
	assert.Equal(t, 201, send("identity", plain))
	msgs := svc.Messages(sd.Meeting.ChatID)
	require.Len(t, msgs, 2)
	assert.Equal(t, "zipped", msgs[0].Body.Content)
}

// TestHTTPUser: GET /me and GET /users/{id or UPN} answer the signed-in
// user and users of their tenant, with $select, as the chat client's
// myID (GET /me?$select=id) and SDKs' "who am I" need; another tenant's user
// is 404, a write is 405.
func TestHTTPUser(t *testing.T) {
	svc, sd, _, srv := newHTTPEnv(t)
	tok := svc.TokenFor(sd.Alice.ID)
	var me map[string]any
	r := rawDo(t, "GET", srv.URL+"/v1.0/me", tok, "")
	require.Equal(t, 200, r.status, "%s", r.body)
	require.NoError(t, json.Unmarshal(r.body, &me))
	assert.Equal(t, sd.Alice.ID, me["id"])
	assert.Equal(t, sd.Alice.UPN, me["userPrincipalName"])
	assert.Equal(t, sd.Alice.DisplayName, me["displayName"])
	assert.Equal(t, srv.URL+"/v1.0/$metadata#users/$entity", me["@odata.context"])
	// user-get's default properties, no others; those the directory does
	// not hold are null, businessPhones an empty array.
	keys := make([]string, 0, len(me))
	for k := range me {
		keys = append(keys, k)
	}
	assert.ElementsMatch(t, []string{"@odata.context", "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
		"officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"}, keys)
	assert.Equal(t, []any{}, me["businessPhones"])
	assert.Nil(t, me["jobTitle"])
	assert.Equal(t, "Alice", me["givenName"])
	assert.Equal(t, "Archer", me["surname"])

	r = rawDo(t, "GET", srv.URL+"/v1.0/me?$select=id", tok, "")
	require.Equal(t, 200, r.status)
	me = nil
	require.NoError(t, json.Unmarshal(r.body, &me))
	assert.Equal(t, map[string]any{"id": sd.Alice.ID, "@odata.context": srv.URL + "/v1.0/$metadata#users(id)/$entity"}, me)

	for _, who := range []string{sd.Bob.ID, sd.Bob.UPN} {
		r = rawDo(t, "GET", srv.URL+"/v1.0/users/"+who, tok, "")
		assert.Equal(t, 200, r.status, "%s", r.body)
		assert.Contains(t, string(r.body), sd.Bob.ID)
	}
	other := svc.AddTenant("Northwind")
	stranger := svc.AddUser(other.ID, "Stranger")
	r = rawDo(t, "GET", srv.URL+"/v1.0/users/"+stranger.ID, tok, "")
	assert.Equal(t, 404, r.status)
	assert.Equal(t, "Request_ResourceNotFound", graphError(t, r).Code)
	assert.Equal(t, 405, rawDo(t, "PATCH", srv.URL+"/v1.0/me", tok, `{}`).status)
	assert.Equal(t, 401, rawDo(t, "GET", srv.URL+"/v1.0/me", "", "").status)

	// The chat client without a UserID finds itself through GET /me.
	c, err := chat.NewClient(svc.CredentialFor(sd.Alice.ID), &chat.ClientOptions{BaseURL: srv.URL + "/v1.0"})
	require.NoError(t, err)
	res, err := c.CreateOneOnOneChat(context.Background(), sd.Carol.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, chat.ChatTypeOneOnOne, res.Chat.Type)
}

// TestScopesForbiddenBody: a token without one of the delegated
// permissions a request needs is answered 403 with the body Graph sends
// (telstrapurple/MSTeamsChatExporter#9: GET chats with User.Read only);
// TokenFor writes the permissions granted in "scp", DefaultScopes when
// none are named; a subscription needs the permission of its resource.
func TestScopesForbiddenBody(t *testing.T) {
	svc, sd, _, srv := newHTTPEnv(t)
	r := rawDo(t, "GET", srv.URL+"/v1.0/me/chats", svc.TokenFor(sd.Alice.ID, "User.Read"), "")
	require.Equal(t, 403, r.status)
	e := graphError(t, r)
	assert.Equal(t, "Forbidden", e.Code)
	assert.Equal(t, "Missing scope permissions on the request. API requires one of 'Chat.ReadBasic, Chat.Read, Chat.ReadWrite'. Scopes on the request 'User.Read'", e.Message)
	r = rawDo(t, "GET", srv.URL+"/v1.0/me/chats", svc.TokenFor(sd.Alice.ID, "chat.readbasic"), "")
	assert.Equal(t, 200, r.status, "permission names match in any case: %s", r.body)

	c, err := identity.ReadEntraToken(svc.TokenFor(sd.Alice.ID, "Chat.Read", "ChatMessage.Send"))
	require.NoError(t, err)
	assert.Equal(t, []string{"Chat.Read", "ChatMessage.Send"}, c.Scopes)
	c, err = identity.ReadEntraToken(svc.TokenFor(sd.Alice.ID))
	require.NoError(t, err)
	assert.Equal(t, DefaultScopes(), c.Scopes)

	hook := newWebhook(t)
	body := subBody("/chats/"+sd.Meeting.ChatID+"/messages", hook.srv.URL+"/n", "", svc.clock().Add(50*time.Minute))
	r = rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", svc.TokenFor(sd.Alice.ID, "Chat.ReadBasic"), body)
	require.Equal(t, 403, r.status, "%s", r.body)
	assert.Contains(t, graphError(t, r).Message, "'Chat.Read, Chat.ReadWrite'")
	r = rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", svc.TokenFor(sd.Alice.ID, "Chat.Read"), body)
	require.Equal(t, 201, r.status, "%s", r.body)
	var sub gw.Subscription
	require.NoError(t, json.Unmarshal(r.body, &sub))
	r = rawDo(t, "DELETE", srv.URL+"/v1.0/subscriptions/"+sub.ID, svc.TokenFor(sd.Alice.ID, "User.Read"), "")
	assert.Equal(t, 403, r.status, "deleting needs the resource's permission too: %s", r.body)
}

// TestChannelRepliesInlineUpTo200: with $expand=replies a channel message
// carries at most 200 replies inline and a replies@odata.nextLink to the
// rest (channel-list-messages; the current page says 200, older copies
// 1,000), which the client follows with ListRepliesPage.
func TestChannelRepliesInlineUpTo200(t *testing.T) {
	svc, sd, env, srv := newHTTPEnv(t)
	root, err := env.Alice.Service.SendChannelMessage(context.Background(), sd.Team.ID, sd.Channel.ID, chat.TextMessage("thread"), nil)
	require.NoError(t, err)
	const n = chat.MaxInlineReplies + 3
	for i := range n {
		_, oe := svc.sendChannelMessage(sd.Bob.ID, sd.Team.ID, sd.Channel.ID, root.Message.ID, chat.TextMessage(fmt.Sprintf("reply %d", i)))
		require.Nil(t, oe)
	}
	r := rawDo(t, "GET", srv.URL+"/v1.0/teams/"+sd.Team.ID+"/channels/"+url.PathEscape(sd.Channel.ID)+"/messages?$expand=replies", svc.TokenFor(sd.Alice.ID), "")
	require.Equal(t, 200, r.status, "%s", r.body)
	var page gw.Collection[gw.ChatMessage]
	require.NoError(t, json.Unmarshal(r.body, &page))
	require.Len(t, page.Value, 1)
	require.Len(t, page.Value[0].Replies, chat.MaxInlineReplies)
	assert.Equal(t, fmt.Sprintf("reply %d", n-1), page.Value[0].Replies[0].Body.Content, "newest first")
	link := page.Value[0].RepliesNextLink
	require.True(t, strings.HasPrefix(link, srv.URL+"/v1.0/teams/"), link)

	// The client reads the rest from the link.
	got, err := env.Alice.Service.ListChannelMessagesPage(context.Background(), sd.Team.ID, sd.Channel.ID, &chat.ListChannelMessagesOptions{ExpandReplies: true})
	require.NoError(t, err)
	require.Len(t, got.Messages, 1)
	assert.Len(t, got.Messages[0].Replies, chat.MaxInlineReplies)
	var rest []string
	for m, err := range env.Alice.Service.ListReplies(context.Background(), sd.Team.ID, sd.Channel.ID, root.Message.ID, &chat.ListRepliesOptions{NextLink: got.Messages[0].RepliesNextLink}) {
		require.NoError(t, err)
		rest = append(rest, m.Body.Content)
	}
	assert.Equal(t, []string{"reply 2", "reply 1", "reply 0"}, rest)
	// The Go face gives the same.
	gp, err := svc.As(sd.Alice.ID).ListChannelMessagesPage(context.Background(), sd.Team.ID, sd.Channel.ID, &chat.ListChannelMessagesOptions{ExpandReplies: true})
	require.NoError(t, err)
	require.Len(t, gp.Messages[0].Replies, chat.MaxInlineReplies)
	assert.NotEmpty(t, gp.Messages[0].RepliesNextLink)
}
