package fake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzHandler sends arbitrary requests to the HTTP face: it never panics,
// answers every request, and every error is Graph's error body.
func FuzzHandler(f *testing.F) {
	svc, sd := NewSeeded(nil)
	f.Cleanup(func() { _ = svc.Close() })
	tok := svc.TokenFor(sd.Alice.ID)
	chatPath := "/v1.0/chats/" + sd.Meeting.ChatID
	f.Add("GET", "/v1.0/me/chats", "$top=2&$expand=members", "", true)
	f.Add("POST", "/v1.0/chats", "", `{"chatType":"oneOnOne","members":[{"user@odata.bind":"https://graph.microsoft.com/v1.0/users('`+sd.Alice.ID+`')"},{"user@odata.bind":"https://graph.microsoft.com/v1.0/users('`+sd.Bob.ID+`')"}]}`, true)
	f.Add("POST", chatPath+"/messages", "", `{"body":{"contentType":"html","content":"<at id=\"0\">B</at>"},"mentions":[{"id":0,"mentionText":"B","mentioned":{"user":{"id":"`+sd.Bob.ID+`"}}}]}`, true)
	f.Add("GET", chatPath+"/messages", "$orderby=lastModifiedDateTime%20desc&$filter=lastModifiedDateTime%20gt%202026-01-01T00:00:00Z", "", true)
	f.Add("GET", chatPath+"/messages", "$skiptoken=djEuMS4y", "", true)
	f.Add("POST", "/v1.0/me/onlineMeetings", "", `{"subject":"s","startDateTime":"2026-04-02T09:00:00Z","endDateTime":"2026-04-02T08:00:00Z","participants":{"attendees":[{"upn":"x"},{"identity":{"user":{"id":"`+sd.Bob.ID+`"}}}]}}`, true)
	f.Add("GET", "/v1.0/me/onlineMeetings", "$filter=joinMeetingIdSettings/joinMeetingId%20eq%20'123'", "", true)
	f.Add("GET", "/v1.0/users/"+sd.Bob.ID+"/presence", "", "", true)
	f.Add("GET", "/v1.0/users/"+sd.Bob.UPN+"/presence", "", "", true)
	f.Add("POST", "/v1.0/me/onlineMeetings", "", `{"endDateTime":"2000-01-01T00:00:00Z","lobbyBypassSettings":{"scope":"everyone","isDialInBypassEnabled":true}}`, true)
	f.Add("POST", "/v1.0/communications/getPresencesByUserId", "", `{"ids":["`+sd.Bob.ID+`","nope"]}`, true)
	f.Add("POST", chatPath+"/messages/1/setReaction", "", `{"reactionType":"👍"}`, true)
	f.Add("PATCH", chatPath+"/messages/1", "", `{"body":null}`, true)
	f.Add("POST", chatPath+"/members", "", `{"roles":["owner"],"user@odata.bind":"https://graph.microsoft.com/v1.0/users('x')","visibleHistoryStartDateTime":"0001-01-01T00:00:00Z"}`, true)
	f.Add("GET", "/v1.0/me/onlineMeetings", "$filter=JoinWebUrl%20eq%20'"+sd.Meeting.JoinURL+"'", "", true)
	f.Add("POST", "/v1.0/subscriptions", "", `{"resource":"/chats/x/messages","changeType":"created","notificationUrl":"http://127.0.0.1:1/","expirationDateTime":"2000-01-01T00:00:00Z"}`, true)
	f.Add("GET", "/v1.0/teams/"+sd.Team.ID+"/channels/"+sd.Channel.ID+"/messages/1/replies", "$top=1", "", true)
	f.Add("GET", "/v1.0/me/chats", "$expand=members,lastMessagePreview&$orderby=lastMessagePreview/createdDateTime%20desc&$filter=members/any(o:%20o/displayName%20eq%20'O''B%20and%20x')%20and%20chatType%20eq%20'group'", "", true)
	f.Add("GET", "/v1.0/me/chats", "$filter=members/any(o:o/microsoft.graph.aadUserConversationMember/userId%20eq%20'x'", "", true)
	f.Add("GET", "/v1.0/me", "$select=id,displayName,businessPhones", "", true)
	f.Add("GET", "/v1.0/users/"+sd.Bob.UPN, "$select=", "", true)
	f.Add("GET", chatPath+"/messages/1", "$select=body&$count=true", "", true)
	f.Add("GET", "/v1.0/teams/"+sd.Team.ID+"/channels/"+sd.Channel.ID+"/messages", "$expand=replies&$top=2", "", true)
	f.Add("POST", "/v1.0/users/"+sd.Alice.ID+"/chats/"+sd.Meeting.ChatID+"/messages/1/softDelete", "", "", true)
	f.Add("POST", chatPath+"/markChatUnreadForUser", "", `{"user":{"id":"`+sd.Alice.ID+`","tenantId":"`+sd.Tenant.ID+`"},"lastMessageReadDateTime":"2026-03-02T09:30:15.1234567+02:00"}`, true)
	f.Add("PATCH", "/v1.0/me/onlineMeetings/"+sd.Meeting.ID, "", `{"startDateTime":"2026-04-02T09:00:00Z","participants":{"attendees":[]}}`, true)
	f.Add("POST", "/v1.0/me/onlineMeetings/createOrGet", "", `{"externalId":"e","endDateTime":"2026-04-02T09:00:00Z"}`, true)
	f.Add("GET", "/v1.0/me/onlineMeetings/"+sd.Meeting.ID+"/attendanceReports/x", "$expand=attendanceRecords", "", true)
	f.Add("DELETE", "/v1.0/me/onlineMeetings/"+sd.Meeting.ID, "", "", true)
	f.Add("PATCH", chatPath, "", `{"topic":"Q3: plans"}`, true)
	f.Add("POST", chatPath+"/pinnedMessages", "", `{"message@odata.bind":"https://graph.microsoft.com/v1.0/chats/`+sd.Meeting.ChatID+`/messages/1"}`, true)
	f.Add("GET", chatPath+"/pinnedMessages", "$expand=message", "", true)
	// The routes of issue 17 that had no seed: presence you set and
	// watch, subscriptions to a chat and its members, channel message
	// changes, hosted contents, hiding, unpinning.
	users := "/v1.0/users/" + sd.Alice.ID + "/presence/"
	channelMsg := "/v1.0/teams/" + sd.Team.ID + "/channels/" + sd.Channel.ID + "/messages/1"
	f.Add("POST", users+"setPresence", "", `{"sessionId":"`+ApplicationID+`","availability":"Busy","activity":"InACall","expirationDuration":"PT1H30M"}`, true)
	f.Add("POST", users+"setPresence", "", `{"sessionId":"x","availability":"Available","activity":"Available","expirationDuration":"P1DT0.5S"}`, true)
	f.Add("POST", users+"clearPresence", "", `{"sessionId":"`+ApplicationID+`"}`, true)
	f.Add("POST", users+"setUserPreferredPresence", "", `{"availability":"Offline","activity":"OffWork","expirationDuration":"PT8H"}`, true)
	f.Add("POST", users+"clearUserPreferredPresence", "", "", true)
	f.Add("POST", users+"setStatusMessage", "", `{"statusMessage":{"message":{"content":"Away","contentType":"text"},"expiryDateTime":{"dateTime":"2026-10-18T17:05:33.2079781","timeZone":"Pacific Standard Time"}}}`, true)
	f.Add("POST", "/v1.0/subscriptions", "", `{"resource":"/communications/presences?$filter=id in ('`+sd.Bob.ID+`','`+sd.Carol.ID+`')","changeType":"updated","notificationUrl":"https://127.0.0.1:1/","expirationDateTime":"2099-01-01T00:00:00Z","clientState":"s"}`, true)
	f.Add("POST", "/v1.0/subscriptions", "", `{"resource":"/chats/`+sd.Meeting.ChatID+`/members","changeType":"created,deleted","notificationUrl":"https://127.0.0.1:1/","expirationDateTime":"2099-01-01T00:00:00Z"}`, true)
	f.Add("POST", "/v1.0/subscriptions", "", `{"resource":"/chats/getAllMembers","changeType":"updated","notificationUrl":"https://127.0.0.1:1/"}`, true)
	f.Add("PATCH", channelMsg+"/replies/2", "", `{"body":{"contentType":"text","content":"edited"}}`, true)
	f.Add("POST", channelMsg+"/softDelete", "", "", true)
	f.Add("POST", channelMsg+"/replies/2/undoSoftDelete", "", "", true)
	f.Add("POST", channelMsg+"/unsetReaction", "", `{"reactionType":"like"}`, true)
	f.Add("GET", chatPath+"/messages/1/hostedContents/aWQ9eA==/$value", "", "", true)
	f.Add("POST", chatPath+"/hideForUser", "", `{"user":{"id":"`+sd.Alice.ID+`","tenantId":"`+sd.Tenant.ID+`"}}`, true)
	f.Add("DELETE", chatPath+"/pinnedMessages/1", "", "", true)
	f.Add("GET", "/v1.0/%zz", "a=%zz", "", false)
	f.Fuzz(func(t *testing.T, method, path, query, body string, auth bool) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#?") || strings.ContainsAny(method, " \r\n\t") || method == "" {
			return
		}
		req := httptest.NewRequest(http.MethodGet, "http://graph.test/", strings.NewReader(body))
		req.Method = method
		req.URL.RawPath = ""
		req.URL.Path = ""
		req.URL.Opaque = ""
		req.RequestURI = path
		req.URL.RawQuery = query
		if u, err := req.URL.Parse(path); err == nil {
			req.URL.Path, req.URL.RawPath = u.Path, u.RawPath
		} else {
			return
		}
		if auth {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		rec := httptest.NewRecorder()
		svc.Handler().ServeHTTP(rec, req)
		if rec.Code == 0 {
			t.Fatalf("no answer")
		}
		if rec.Code >= 400 {
			var eb struct {
				Error struct {
					Code, Message string
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil || eb.Error.Code == "" || eb.Error.Message == "" {
				t.Fatalf("%s %s?%s: %d with body %q", method, path, query, rec.Code, rec.Body.String())
			}
		}
		if strings.Contains(rec.Body.String(), tok) {
			t.Fatalf("the token reached a response body")
		}
	})
}
