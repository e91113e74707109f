package fake

import (
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// The results the switchboard's events carry, and how long things ring.
//
// Codes, subcodes and messages are those of "Troubleshooting call end
// response codes" (https://learn.microsoft.com/azure/communication-services/resources/troubleshooting/voice-video-calling/troubleshooting-codes,
// MicrosoftDocs/azure-docs articles/communication-services/resources/
// troubleshooting/voice-video-calling/troubleshooting-codes.md): its
// "Calling End call codes and subcodes" table (call-end.md), its "Call
// Automation error codes" table (per callback event), its "Generic
// subcodes" and its PSTN tables. "A 2xx code represents a successful
// response. The subcode for successful responses will be 0." Where a
// result is not in those tables the switchboard chooses one, and the
// comment says so.

// Ring timeouts. The call-end table: "Call was canceled after predefined
// amount of time (usually 2 minutes) as target user didn't accept or
// reject" (487/10004). The calling SDK's own limits (AD concepts/
// service-limits.md, "Calling SDK timeouts": 85 s for 1:1 and group call
// establishment, 115 s for PSTN, 60 s for a transfer) are the client SDK's;
// for the service's calls the switchboard follows the call-end table's
// two minutes (choice), and the service-limits page's 60 s for a transfer.
const (
	// DefaultRingTimeout is how long a call, an invitation (unless its own
	// InvitationTimeout says otherwise, up to calling.MaxInvitationTimeout,
	// the spec's 180 s), a redirect or an incoming call rings before it
	// ends as not answered (487, subcode 10004), unless
	// Options.RingTimeout says otherwise.
	DefaultRingTimeout = 2 * time.Minute
	// DefaultTransferTimeout is how long a transfer target rings before
	// the transfer fails as not answered (CallTransferFailed 487, subcode
	// 10004), unless Options.TransferTimeout says otherwise.
	DefaultTransferTimeout = 60 * time.Second
)

var (
	// Successes: code 2xx, subcode 0 (Generic error codes, "2xx codes").
	// The messages are the switchboard's own.
	resAdded       = ResultInformation{Code: 200, SubCode: 0, Message: "The participant joined the call."}
	resRemoved     = ResultInformation{Code: 200, SubCode: 0, Message: "The participant was removed from the call."}
	resCanceled    = ResultInformation{Code: 200, SubCode: 0, Message: "The invitation was cancelled."}
	resTransferred = ResultInformation{Code: 202, SubCode: 0, Message: "The transfer target accepted the call."}
	resAnswered    = ResultInformation{Code: 200, SubCode: 0, Message: "The callee answered."}

	// CallDisconnected, Call Automation table: "200 | 7000 | Call ended by
	// Azure Communication Services Call Automation or a server-side bot"
	// (the application hung up or terminated), "200 | 5010 | Call ended
	// because only one participant remained", "200 | 7015 | Call ended by
	// service after successful transfer".
	resEndedByApp      = ResultInformation{Code: 200, SubCode: 7000, Message: "Call ended by Azure Communication Services Call Automation or a server-side bot."}
	resOneLeft         = ResultInformation{Code: 200, SubCode: 5010, Message: "Call ended because only one participant remained."}
	resEndedByTransfer = ResultInformation{Code: 200, SubCode: 7015, Message: "Call ended by service after successful transfer."}

	// A callee that did not answer: call-end table "10004 | 487 | Call was
	// canceled on timeout, as target user didn't accept or reject it on
	// time." (Call Automation table: "AnswerFailed | 487 | 10004").
	resTimeout = ResultInformation{Code: 487, SubCode: 10004, Message: "Call was canceled on timeout, as target user didn't accept or reject it on time."}
	// A callee that declined: call-end table "0 | 603 | Call ended
	// successfully as it was declined from callee." ("declined from the
	// target user via either the client SDK, Call Automation, Graph, PSTN,
	// or Teams reject function").
	resDeclined = ResultInformation{Code: 603, SubCode: 0, Message: "Call ended successfully as it was declined from callee."}
	// A busy Teams or ACS callee: 486 is documented for PSTN callees only
	// ("560486 | 486 | Call ended because remote PSTN participant was
	// busy"); for the others the switchboard sends 486 with the generic
	// subcode "8539 | Callee Busy" (choice).
	resBusy = ResultInformation{Code: 486, SubCode: 8539, Message: "Callee Busy"}
	// A busy phone (IsBusy): PSTN table "560486 | 486 | Call ended because
	// remote PSTN participant was busy".
	resBusyPSTN = ResultInformation{Code: 486, SubCode: 560486, Message: "Call ended because remote PSTN participant was busy."}
	// An Offline Teams user: call-end table "10037 | 480 | Target user
	// didn't have any endpoints registered with ACS" ("If the target user
	// is a Teams user, make sure that their client is online").
	resOffline = ResultInformation{Code: 480, SubCode: 10037, Message: "Target user didn't have any endpoints registered with ACS."}
	// A Teams user in Do not disturb: not documented; the switchboard sends
	// call-end's "10076 | 480 | Target user was registered but it wasn't
	// online at the time of the call" (choice).
	resDoNotDisturb = ResultInformation{Code: 480, SubCode: 10076, Message: "Target user was registered but it wasn't online at the time of the call."}
	// A phone number that does not exist: PSTN table "560404 | 404 |
	// Phone number not found".
	resNumberNotFound = ResultInformation{Code: 404, SubCode: 560404, Message: "Phone number not found."}
	// An identity, an invitation or a call that does not exist: the
	// generic subcode "8522 | Not Found" (Call Automation table:
	// "CreateCallFailed / AnswerFailed | 404 | 8522 | ... the resource isn't
	// found. Resources can include calls and participants").
	resNotFound = ResultInformation{Code: 404, SubCode: 8522, Message: "The callee was not found."}
	resNoInvite = ResultInformation{Code: 404, SubCode: 8522, Message: "No pending invitation has this id."}
	resNoCall   = ResultInformation{Code: 404, SubCode: 8522, Message: "The call to connect to was not found."}
	// An offer the application withdrew (CancelAddParticipant, a hang-up
	// while it rang), as the callee sees it: call-end table "0 | 487 |
	// Call ended successfully as caller canceled the call."
	resCallerCanceled = ResultInformation{Code: 487, SubCode: 0, Message: "Call ended successfully as caller canceled the call."}
	// A transfer whose transferee hung up before the target answered: not
	// documented; 487 with the generic subcode "8542 | Call Canceled"
	// (choice).
	resGone = ResultInformation{Code: 487, SubCode: 8542, Message: "Call Canceled: the transferee left the call."}
)

// busy is the result of calling a party that is busy.
func busy(id identity.Identifier) ResultInformation {
	if _, ok := id.(identity.PhoneNumberIdentifier); ok {
		return resBusyPSTN
	}
	return resBusy
}

// notFound is the result of calling a party the switchboard does not know.
func notFound(id identity.Identifier) ResultInformation {
	if _, ok := id.(identity.PhoneNumberIdentifier); ok {
		return resNumberNotFound
	}
	return resNotFound
}
