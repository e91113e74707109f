package calling_test

import (
	"encoding/json"
	"fmt"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// A CallStatus survives JSON whole — the participants' identifiers keep
// their types — so a store shared by replicas can keep it as JSON
// (calling.NewSharedTrackerStore does).
func ExampleCallStatus_MarshalJSON() {
	st := calling.CallStatus{
		CallConnectionID:     "421f0b00-1a2b-4c5d-8e9f-0a1b2c3d4e5f",
		State:                calling.StateConnected,
		Participants:         []calling.CallParticipant{{Identifier: identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}, IsMuted: true}},
		ParticipantsSequence: 3,
	}
	b, err := json.Marshal(st)
	if err != nil {
		fmt.Println(err)
		return
	}
	var back calling.CallStatus
	if err := json.Unmarshal(b, &back); err != nil {
		fmt.Println(err)
		return
	}
	p := back.Participants[0]
	fmt.Printf("%s %s %T %s muted=%v\n", back.CallConnectionID, back.State, p.Identifier, p.Identifier.RawID(), p.IsMuted)
	// Output:
	// 421f0b00-1a2b-4c5d-8e9f-0a1b2c3d4e5f connected identity.PhoneNumberIdentifier 4:+14255550123 muted=true
}
