package calling_test

import (
	"fmt"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// A callback body as Call Automation POSTs it: read it into typed events
// and tell them apart with a type switch.
func ExampleParseEvents() {
	body := []byte(`[
	  {"id":"1","source":"calling/callConnections/cc-1","type":"Microsoft.Communication.CallConnected","specversion":"1.0",
	   "data":{"callConnectionId":"cc-1","serverCallId":"sc-1","correlationId":"co-1","operationContext":"order-42"}},
	  {"id":"2","source":"calling/callConnections/cc-1","type":"Microsoft.Communication.AddParticipantFailed","specversion":"1.0",
	   "data":{"callConnectionId":"cc-1","operationContext":"add-bob","resultInformation":{"code":408,"subCode":8523,"message":"no answer"},
	           "participant":{"kind":"phoneNumber","rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}}}},
	  {"id":"3","source":"calling/callConnections/cc-1","type":"Microsoft.Communication.PlayCompleted","specversion":"1.0",
	   "data":{"callConnectionId":"cc-1"}}
	]`)
	events, err := calling.ParseEvents(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ev := range events {
		switch e := ev.(type) {
		case *calling.CallConnected:
			fmt.Println("connected", e.CallConnectionID, "for", e.OperationContext)
		case *calling.AddParticipantFailed:
			fmt.Println("could not add", e.Participant.RawID(), "-", e.ResultInformation.Code, e.ResultInformation.Message)
		case *calling.UnknownEvent:
			fmt.Println("kept", e.Type, "of", e.CallConnectionID)
		}
	}
	// Output:
	// connected cc-1 for order-42
	// could not add 4:+14255550123 - 408 no answer
	// kept Microsoft.Communication.PlayCompleted of cc-1
}

// Fakes and tests build the body of a callback from typed events.
func ExampleMarshalCloudEvents() {
	body, err := calling.MarshalCloudEvents(&calling.ParticipantsUpdated{
		EventInfo:      calling.EventInfo{ID: "ev-1", CallConnectionID: "cc-1"},
		SequenceNumber: 1,
		Participants:   []calling.CallParticipant{{Identifier: identity.CommunicationUserIdentifier{ID: "8:acs:r_u"}, IsMuted: true}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	events, _ := calling.ParseCloudEvents(body)
	pu := events[0].(*calling.ParticipantsUpdated)
	fmt.Println(pu.Source, pu.Participants[0].Identifier.RawID(), pu.Participants[0].IsMuted)
	// Output:
	// calling/callConnections/cc-1 8:acs:r_u true
}

// An event of a known type whose data cannot be read (here a participant
// that is both a communication user and a phone number) is kept as an
// UnknownEvent whose Err says why; the other events of the delivery are
// read as usual.
func ExampleUnknownEvent_Err() {
	body := []byte(`[
	  {"id":"1","type":"Microsoft.Communication.AddParticipantSucceeded","data":{"callConnectionId":"cc-1",
	   "participant":{"communicationUser":{"id":"8:acs:r_u"},"phoneNumber":{"value":"+14255550123"}}}},
	  {"id":"2","type":"Microsoft.Communication.CallDisconnected","data":{"callConnectionId":"cc-1"}}
	]`)
	events, err := calling.ParseEvents(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ev := range events {
		if u, ok := ev.(*calling.UnknownEvent); ok && u.Err != nil {
			fmt.Println("unreadable", u.Type, "of", u.CallConnectionID)
			continue
		}
		fmt.Println(ev.EventType())
	}
	// Output:
	// unreadable Microsoft.Communication.AddParticipantSucceeded of cc-1
	// Microsoft.Communication.CallDisconnected
}
