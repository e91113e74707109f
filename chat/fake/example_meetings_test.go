package fake_test

import (
	"context"
	"fmt"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
)

// A meeting created as Alice has a join link (which calling.ParseJoinLink
// turns into the locator a client calling SDK joins with), a meeting id and
// passcode (never printed), and a chat its attendees find from the link and
// talk in; its organizer finds it again by the meeting id of its invitation.
func ExampleService_As_meetings() {
	svc, cast := fake.NewSeeded(nil)
	defer svc.Close()
	ctx := context.Background()
	alice := svc.As(cast.Alice.ID)

	m, err := alice.CreateOnlineMeeting(ctx, &chat.CreateOnlineMeetingOptions{
		Subject: "Design review", Attendees: []string{cast.Bob.ID, cast.Carol.UPN},
	})
	if err != nil {
		panic(err)
	}
	mc, err := svc.As(cast.Bob.ID).FindMeetingChat(ctx, m.Meeting.JoinURL, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("an attendee finds the chat from the link:", mc.Chat.ID == m.Meeting.ChatID)
	fmt.Println("passcode prints as:", m.Meeting.Passcode)

	if _, err := svc.Post(cast.Carol.ID, m.Meeting.ChatID, "I'll bring the mockups"); err != nil {
		panic(err)
	}
	for msg, err := range alice.ListMessages(ctx, m.Meeting.ChatID, nil) {
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s: %s\n", msg.From.DisplayName, msg.Body.Content)
	}

	// An invitation shows the meeting id in groups of three digits.
	spaced := ""
	for i, d := range m.Meeting.JoinMeetingID {
		if i > 0 && i%3 == 0 {
			spaced += " "
		}
		spaced += string(d)
	}
	found, err := alice.GetOnlineMeetingByJoinMeetingID(ctx, spaced, nil)
	fmt.Println("found by meeting id:", err == nil && found.Meeting.ID == m.Meeting.ID)
	_, err = svc.As(cast.Bob.ID).GetOnlineMeetingByJoinMeetingID(ctx, spaced, nil)
	fmt.Println("an attendee finds it by id:", !chat.IsNotFound(err))
	// Output:
	// an attendee finds the chat from the link: true
	// passcode prints as: [REDACTED]
	// Carol Cruz: I'll bring the mockups
	// found by meeting id: true
	// an attendee finds it by id: false
}

// A test sets presences with SetPresence; code under test reads them in
// one call, in the order it asked, and routes to whoever is free.
func ExampleService_SetPresence() {
	svc, cast := fake.NewSeeded(nil)
	defer svc.Close()
	ctx := context.Background()
	svc.SetPresence(cast.Bob.ID, chat.Presence{Availability: chat.AvailabilityBusy, Activity: chat.ActivityInACall})
	svc.SetPresence(cast.Carol.ID, chat.Presence{Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable, StatusMessage: "at my desk"})

	resp, err := svc.As(cast.Alice.ID).GetPresences(ctx, []string{cast.Bob.ID, cast.Carol.ID, cast.Dave.ID}, nil)
	if err != nil {
		panic(err)
	}
	for _, p := range resp.Presences {
		u, _ := svc.User(p.UserID)
		fmt.Printf("%s: %s/%s free=%t %q\n", u.DisplayName, p.Availability, p.Activity, p.IsFree(), p.StatusMessage)
	}
	// Output:
	// Bob Baker: Busy/InACall free=false ""
	// Carol Cruz: Available/Available free=true "at my desk"
	// Dave Dunn: Offline/Offline free=false ""
}

// An application keeps one meeting per booking of its own with
// CreateOrGetOnlineMeeting, moves it, and after the session reads who
// attended: the fake has no media, so the test records the session with
// RecordAttendance, as Teams makes the report when a session ends.
func ExampleService_RecordAttendance() {
	svc, cast := fake.NewSeeded(nil)
	defer svc.Close()
	ctx := context.Background()
	alice := svc.As(cast.Alice.ID)

	booking, err := alice.CreateOrGetOnlineMeeting(ctx, "booking-4711", &chat.CreateOrGetOnlineMeetingOptions{
		Subject: "Consultation", Attendees: []string{cast.Bob.ID},
	})
	if err != nil {
		panic(err)
	}
	again, _ := alice.CreateOrGetOnlineMeeting(ctx, "booking-4711", nil)
	fmt.Println("created:", booking.Created, "then found:", !again.Created && again.Meeting.ID == booking.Meeting.ID)

	start := booking.Meeting.StartAt.Add(24 * time.Hour)
	moved, err := alice.UpdateOnlineMeeting(ctx, booking.Meeting.ID, chat.MeetingUpdate{StartAt: start, EndAt: start.Add(30 * time.Minute)}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("now lasts:", moved.Meeting.EndAt.Sub(moved.Meeting.StartAt))

	report, err := svc.RecordAttendance(booking.Meeting.ID, start, start.Add(30*time.Minute),
		chat.AttendanceRecord{UserID: cast.Alice.ID, Intervals: []chat.AttendanceInterval{{JoinAt: start, LeaveAt: start.Add(30 * time.Minute)}}},
		chat.AttendanceRecord{UserID: cast.Bob.ID, Intervals: []chat.AttendanceInterval{{JoinAt: start.Add(5 * time.Minute), LeaveAt: start.Add(25 * time.Minute)}}},
	)
	if err != nil {
		panic(err)
	}
	got, err := alice.GetAttendanceReport(ctx, booking.Meeting.ID, report.ID, nil)
	if err != nil {
		panic(err)
	}
	for _, r := range got.Report.Records {
		fmt.Printf("%s (%s): %v\n", r.DisplayName, r.Role, r.Total)
	}
	// Output:
	// created: true then found: true
	// now lasts: 30m0s
	// Alice Archer (Organizer): 30m0s
	// Bob Baker (Attendee): 20m0s
}
