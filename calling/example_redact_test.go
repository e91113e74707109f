package calling_test

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
)

// Locators never show their passcode, alone or inside a slice or a map, with
// fmt or with either of log/slog's handlers. The JSON handler encodes a
// value inside a slice with encoding/json: MeetingLocator's MarshalJSON
// writes what LogValue gives it at the top. ClientLocator's JSON, for the
// client, does carry the passcode.
func ExampleMeetingLocator_MarshalJSON() {
	loc, _ := calling.MeetingIDLocator("2345678901234", "Ab3dE7fg")
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime}))
	logger.Info("joining", "locator", loc, "locators", []calling.MeetingLocator{loc})
	fmt.Printf("%v\n", map[string]calling.MeetingLocator{"standup": loc})
	// Output:
	// {"level":"INFO","msg":"joining","locator":{"kind":"meetingId","meetingID":"2345678901234","passcode":"[REDACTED]"},"locators":[{"kind":"meetingId","meetingID":"2345678901234","passcode":"[REDACTED]"}]}
	// map[standup:MeetingLocator{Kind:meetingId MeetingID:2345678901234 Passcode:[REDACTED]}]
}
