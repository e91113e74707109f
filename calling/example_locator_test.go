package calling_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
)

// A service receives a join link from its user, checks it, and hands the
// Teams user's client the locator its calling SDK joins with, next to the
// user's ACS token.
func ExampleParseJoinLink() {
	link := "https://teams.microsoft.com/l/meetup-join/19%3ameeting_ZmFicmlrYW0tcmV2aWV3LTIwMjY%40thread.v2/0" +
		"?context=%7b%22Tid%22%3a%220a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d%22%2c%22Oid%22%3a%2211111111-2222-4333-8444-555555555555%22%7d"

	loc, err := calling.ParseJoinLink(link)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("host:", loc.Host, "cloud:", loc.Cloud)
	fmt.Println("tenant:", loc.TenantID)
	fmt.Println("organizer:", loc.OrganizerID)
	fmt.Println("meeting chat:", loc.ChatThreadID())

	body, _ := json.Marshal(loc.ClientLocator())
	fmt.Println(string(body))

	// Look-alike hosts are refused with a *JoinLinkError.
	_, err = calling.ParseJoinLink("https://teams.microsoft.com.evil.example/meet/2345678901234?p=Xk3pQ9rT2vW7yZ1aB4")
	var jle *calling.JoinLinkError
	fmt.Println(errors.As(err, &jle), err)

	// Output:
	// host: teams.microsoft.com cloud: public
	// tenant: 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
	// organizer: 11111111-2222-4333-8444-555555555555
	// meeting chat: 19:meeting_ZmFicmlrYW0tcmV2aWV3LTIwMjY@thread.v2
	// {"meetingLink":"https://teams.microsoft.com/l/meetup-join/19%3ameeting_ZmFicmlrYW0tcmV2aWV3LTIwMjY%40thread.v2/0?context=%7b%22Tid%22%3a%220a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d%22%2c%22Oid%22%3a%2211111111-2222-4333-8444-555555555555%22%7d"}
	// true calling: invalid teams meeting join link: host "teams.microsoft.com.evil.example" is not a microsoft teams meeting host
}

// Joining with the meeting id and passcode of an invitation. Printing the
// locator never shows the passcode; its client JSON carries it.
func ExampleMeetingIDLocator() {
	loc, err := calling.MeetingIDLocator("234 567 890 123 4", "Ab3dE7fg")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(loc)
	body, _ := json.Marshal(loc.ClientLocator())
	fmt.Println(string(body))

	// Output:
	// MeetingLocator{Kind:meetingId MeetingID:2345678901234 Passcode:[REDACTED]}
	// {"meetingId":"2345678901234","passcode":"Ab3dE7fg"}
}
