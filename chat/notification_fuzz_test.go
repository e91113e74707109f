package chat_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// FuzzNotificationHandler posts arbitrary bodies and queries to the
// notification handler: it must never panic, answer only with the statuses
// it documents, never echo the client state, and deliver only well-formed
// notifications whose client state matched.
func FuzzNotificationHandler(f *testing.F) {
	f.Add("", []byte(oneChange))
	f.Add("", []byte(`{"value":[{"subscriptionId":"s","lifecycleEvent":"reauthorizationRequired","clientState":"`+hookState+`"}]}`))
	f.Add("", []byte(`{"value":[{"subscriptionId":"s","changeType":"deleted","resource":"/chats/19:a@thread.v2/messages/1","clientState":"`+hookState+`"}]}`))
	f.Add("", []byte(`{"value":[{"subscriptionId":"s","changeType":"updated","resource":"chats('a''b')/messages('')","clientState":"`+hookState+`","subscriptionExpirationDateTime":"2026-13-45T99:99:99"}]}`))
	f.Add("", []byte(`{"value":[{"subscriptionId":"","changeType":"created","clientState":"`+hookState+`"}]}`))
	f.Add("", []byte(`{"value":[{"subscriptionId":"s","changeType":"Created","resource":"chats('19:a@thread.v2')/members('bQ==')","resourceData":{"id":"bQ==","@odata.type":"#microsoft.graph.aadUserConversationMember"},"clientState":"`+hookState+`"}]}`))
	f.Add("", []byte(`{"value":[{"subscriptionId":"s","changeType":"Updated","resource":"chats('19:a@thread.v2')","resourceData":{"id":"19:a@thread.v2","@odata.type":"#microsoft.graph.chat"},"clientState":"`+hookState+`"}]}`))
	f.Add("", []byte(`{"value":null,"validationTokens":["x"]}`))
	f.Add("", []byte(`{"value":[1,"two",null,{}]}`))
	f.Add("", []byte(`{"value":[{"resourceData":{"id":{"nested":[[[[]]]]}}}]}`))
	f.Add("", []byte(`[`+strings.Repeat("[", 200)))
	f.Add("", []byte("\xff\xfe\x00"))
	f.Add("validationToken=abc", []byte(""))
	f.Add("validationToken=%E2%9C%93&x=1", []byte("ignored"))
	f.Add("validationToken=%zz", []byte{})
	f.Fuzz(func(t *testing.T, query string, body []byte) {
		h, err := chat.NewNotificationHandler(chat.OneClientState(hookState), &chat.NotificationHandlerOptions{MaxBodyBytes: 1 << 16, Buffer: 64})
		if err != nil {
			t.Fatal(err)
		}
		target := "/hook"
		if query != "" {
			target += "?" + query
		}
		r, err := http.NewRequest(http.MethodPost, "http://127.0.0.1"+target, strings.NewReader(string(body)))
		if err != nil {
			return // not a request an HTTP server would parse
		}
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK, http.StatusAccepted, http.StatusBadRequest, http.StatusForbidden,
			http.StatusRequestEntityTooLarge, http.StatusServiceUnavailable:
		default:
			t.Fatalf("status %d", w.Code)
		}
		if w.Code != http.StatusOK && strings.Contains(w.Body.String(), hookState) {
			t.Fatal("the client state was echoed")
		}
		h.Close()
		for n := range h.Notifications() {
			if n.SubscriptionID == "" {
				t.Fatal("notification without subscription")
			}
			switch n.Kind {
			case chat.NotificationCreated, chat.NotificationUpdated, chat.NotificationDeleted,
				chat.NotificationReauthorizationRequired, chat.NotificationSubscriptionRemoved, chat.NotificationMissed:
			default:
				t.Fatalf("kind %q", n.Kind)
			}
		}
	})
}
