package fake

import (
	"fmt"
	"time"
)

// Action is what a scripted party does when the switchboard rings it.
type Action int

// Actions of a Script.
const (
	// Answer picks up after Script.RingFor.
	Answer Action = iota + 1
	// Reject declines after Script.RingFor (603, subcode 0).
	Reject
	// Ignore lets it ring until the ring timeout: the call, invitation or
	// transfer ends as not answered (487, subcode 10004).
	Ignore
	// RefuseBusy refuses the call as busy after Script.RingFor (486, subcode
	// 560486 for a phone, 8539 for others), as a phone already in a call
	// does.
	RefuseBusy
)

// String names the action.
func (a Action) String() string {
	switch a {
	case Answer:
		return "answer"
	case Reject:
		return "reject"
	case Ignore:
		return "ignore"
	case RefuseBusy:
		return "busy"
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// Script is how a simulated party (a Teams user, a phone, an ACS user)
// behaves when it is called, invited or transferred to, and how it behaves
// as the caller of an incoming call. The zero Script answers at once and
// never hangs up.
//
// Build one with Answers, Rejects, NoAnswer, IsBusy or HangsUpAfter, and
// adjust it with After:
//
//	fake.Answers().After(3 * time.Second)            // rings 3 s, then answers
//	fake.HangsUpAfter(time.Minute)                   // answers, leaves after a minute
//	fake.Rejects().After(2 * time.Second)            // declines after 2 s
type Script struct {
	// Action is what the party does when rung; zero means Answer.
	Action Action
	// RingFor is how long the party lets it ring before it answers or
	// rejects. A ring longer than the ring timeout ends as no answer.
	RingFor time.Duration
	// HangUpAfter, when positive, makes the party leave the call this long
	// after it joined it. As the caller of an incoming call, it leaves this
	// long after the application answered.
	HangUpAfter time.Duration
}

// Answers is a party that answers at once and stays in the call.
func Answers() Script { return Script{Action: Answer} }

// Rejects is a party that declines the call at once (603 Decline).
func Rejects() Script { return Script{Action: Reject} }

// NoAnswer is a party that lets it ring until the ring timeout (487,
// subcode 10004: "canceled on timeout").
func NoAnswer() Script { return Script{Action: Ignore} }

// IsBusy is a party that refuses the call as busy at once (486).
func IsBusy() Script { return Script{Action: RefuseBusy} }

// HangsUpAfter is a party that answers at once and leaves the call d later.
func HangsUpAfter(d time.Duration) Script { return Script{Action: Answer, HangUpAfter: d} }

// After returns s with the party letting it ring for d before acting.
func (s Script) After(d time.Duration) Script {
	s.RingFor = d
	return s
}

// String describes the script.
func (s Script) String() string {
	a := s.Action
	if a == 0 {
		a = Answer
	}
	out := a.String()
	if s.RingFor > 0 && a != Ignore {
		out += " after " + s.RingFor.String()
	}
	if s.HangUpAfter > 0 {
		out += ", hang up after " + s.HangUpAfter.String()
	}
	return out
}

func (s Script) action() Action {
	if s.Action == 0 {
		return Answer
	}
	return s.Action
}

// Availability is a Teams user's presence, which decides whether a call can
// reach them at all.
type Availability string

// Availabilities of a Teams user. Available, Away and BeRightBack users
// are rung and act as their Script says; Busy users refuse the call as busy
// (486, subcode 8539, as with Teams' busy-on-busy policy); DoNotDisturb
// (480, subcode 10076) and Offline (480, subcode 10037) users cannot be
// reached. The codes are in results.go.
const (
	Available    Availability = "Available"
	Away         Availability = "Away"
	BeRightBack  Availability = "BeRightBack"
	Busy         Availability = "Busy"
	DoNotDisturb Availability = "DoNotDisturb"
	Offline      Availability = "Offline"
)

// refusal returns the result of calling a user with this presence: nil
// when the call rings.
func (a Availability) refusal() *ResultInformation {
	var r ResultInformation
	switch a {
	case Busy:
		r = resBusy
	case DoNotDisturb:
		r = resDoNotDisturb
	case Offline:
		r = resOffline
	default:
		return nil
	}
	return &r
}
