// Package calling is the call-signaling layer of teamsuser-go for scenarios in
// which a Microsoft Teams user communicates from inside another company's
// product: an Azure Communication Services (ACS) Call Automation client that
// creates, answers, redirects, rejects, transfers and controls calls that
// involve Teams users and phone numbers; the callback and Event Grid events
// those calls produce; and Teams meeting locators, which parse and validate a
// meeting's join link, meeting id and passcode, or coordinates.
//
// A Go service cannot act as a Teams user in a call or join a Teams meeting
// itself. The Teams user's own calls and meeting joins run in ACS's client
// calling SDKs (web, iOS, Android, Windows) with the ACS token exchanged for
// that user by package identity. The service's part is to issue that token,
// find the meeting, and hand the client a validated locator:
// [ParseJoinLink] checks a join link against the Teams hosts and link shapes,
// and [MeetingLocator.ClientLocator] gives the JSON value a client SDK's join
// call takes. Finding a meeting's chat through Microsoft Graph belongs to
// package chat; this package never imports Graph.
package calling
