package chat_test

import (
	"reflect"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// FuzzUnmarshalGraphJSON feeds any bytes to the codec, as Graph's answers
// and notification resource data reach it: it never panics, and whatever
// it accepts it writes back in a form that reads back the same (after one
// round, which normalises times to milliseconds and fills defaults).
func FuzzUnmarshalGraphJSON(f *testing.F) {
	for _, s := range []string{
		docMeeting, docPresences, messageOK, messagesOK, "{}", "[]", "null", `{"value":null}`,
		`{"id":"19:a@thread.v2","chatType":"group","topic":null,"members":[{"@odata.type":"#microsoft.graph.aadUserConversationMember","roles":["owner"],"user@odata.bind":"https://graph.microsoft.com/v1.0/users('x')","visibleHistoryStartDateTime":"0001-01-01T00:00:00Z"}]}`,
		`{"body":{"contentType":"html","content":"<at id=\"0\">A</at>"},"mentions":[{"id":0,"mentionText":"A","mentioned":{"user":{"id":"u"}}}],"hostedContents":[{"@microsoft.graph.temporaryId":"1","contentBytes":"iVBORw==","contentType":"image/png"}]}`,
		`{"createdDateTime":"2026-03-02T09:30:15.1234567+02:00","reactions":[{"reactionType":"👍","user":null,"createdDateTime":null}]}`,
		`{"subject":"s","startDateTime":"2026-01-01T00:00:00Z","participants":{"attendees":[{"upn":"a@b"},{"identity":{"user":{"id":"x"}}}]},"lobbyBypassSettings":{"scope":"everyone"}}`,
		`{"id":"19:a@thread.v2","chatType":"group","lastMessagePreview":{"id":"1","createdDateTime":"2026-01-01T00:00:00Z","isDeleted":false,"messageType":"systemEventMessage","eventDetail":{"@odata.type":"#microsoft.graph.membersAddedEventMessageDetail","members":[]},"body":{"contentType":"html","content":"<systemEventMessage/>"},"from":null}}`,
		`{"id":"1","replies":[{"id":"2","replyToId":"1"}],"replies@odata.nextLink":"https://graph.microsoft.com/v1.0/x"}`,
		`{"id":"u","businessPhones":["+1 555"],"displayName":"A","givenName":null,"surname":"B","mail":null,"userPrincipalName":"a@b"}`,
		`{"id":"19:a@thread.v2","chatType":"oneOnOne","viewpoint":{"isHidden":true,"lastMessageReadDateTime":"2026-03-02T09:30:15.1234567Z"}}`,
		`{"subject":"s","startDateTime":"2026-01-01T00:00:00Z","endDateTime":"2026-01-01T01:00:00Z","participants":{"attendees":[]},"externalId":"e"}`,
		`{"id":"r","totalParticipantCount":1,"meetingStartDateTime":"2021-10-05T04:38:23.945Z","meetingEndDateTime":null,"attendanceRecords":[{"emailAddress":null,"totalAttendanceInSeconds":1152,"role":"Presenter","identity":{"id":"x","displayName":null,"tenantId":null},"attendanceIntervals":[{"joinDateTime":"2021-03-16T18:59:52.2782182Z","leaveDateTime":null,"durationInSeconds":-1}]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		stable(t, data, new(chat.Chat))
		stable(t, data, new([]chat.Chat))
		stable(t, data, new(chat.Member))
		stable(t, data, new(chat.Message))
		stable(t, data, new(chat.NewMessage))
		stable(t, data, new(chat.OnlineMeeting))
		stable(t, data, new(chat.Presence))
		stable(t, data, new(chat.User))
		stable(t, data, new([]chat.Presence))
		stable(t, data, new(chat.CreateOnlineMeetingOptions))
		stable(t, data, new(chat.ListMessagesPageResponse))
		stable(t, data, new(chat.MeetingUpdate))
		stable(t, data, new(chat.CreateOrGetOnlineMeetingOptions))
		stable(t, data, new(chat.AttendanceReport))
		stable(t, data, new([]chat.AttendanceReport))
	})
}

// stable reads data into v; if that works, two rounds of writing and
// reading give the same value.
func stable[T any](t *testing.T, data []byte, v *T) {
	if chat.UnmarshalGraphJSON(data, v) != nil {
		return
	}
	round := func(in T) T {
		b, err := chat.MarshalGraphJSON(in)
		if err != nil {
			t.Fatalf("%T: writing what was read: %v", in, err)
		}
		var out T
		if err := chat.UnmarshalGraphJSON(b, &out); err != nil {
			t.Fatalf("%T: reading what was written: %v\n%s", in, err, b)
		}
		return out
	}
	once := round(*v)
	if twice := round(once); !reflect.DeepEqual(once, twice) {
		t.Fatalf("%T not stable:\n%#v\n%#v", once, once, twice)
	}
}
