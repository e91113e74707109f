package fake_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// short drops the "Microsoft.Communication." prefix of an event type.
func short(typ string) string { return strings.TrimPrefix(typ, "Microsoft.Communication.") }

// A call to a Teams user who answers, transferred to a colleague: the
// application's connection ends once the transfer is accepted. The code
// under test sees a calling.Service; the test scripts the parties.
func Example() {
	ctx := context.Background()
	var mu sync.Mutex
	var events []calling.Event
	sb := fake.New(&fake.Options{
		OnEvent: func(_ context.Context, d fake.Delivery) {
			evs, _ := calling.ParseCloudEvents(d.Body) // what a callback handler would get
			mu.Lock()
			events = append(events, evs...)
			mu.Unlock()
		},
	})
	defer sb.Close()
	adele := sb.AddTeamsUser("5c1d3f47-0f2a-4d39-9d0b-6b4f8e7a1c01", fake.Answers())
	megan := sb.AddTeamsUser("5c1d3f47-0f2a-4d39-9d0b-6b4f8e7a1c03", fake.Answers())

	var svc calling.Service = sb
	call, err := svc.CreateCall(ctx, []identity.Identifier{adele}, "https://app.contoso.com/callbacks", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("created:", call.State)
	_ = sb.Settle(ctx) // Adele answers
	if _, err := svc.TransferToParticipant(ctx, call.CallConnectionID, megan, nil); err != nil {
		fmt.Println(err)
		return
	}
	_ = sb.Settle(ctx) // Megan answers
	mu.Lock()
	for _, ev := range events {
		fmt.Println("event:", short(ev.EventType()))
	}
	mu.Unlock()
	info, _ := sb.Call(call.CallConnectionID)
	fmt.Println("transferred to Megan:", identity.Equal(info.TransferredTo, megan), "-", info.EndReason)
	// Output:
	// created: connecting
	// event: CallConnected
	// event: ParticipantsUpdated
	// event: CallTransferAccepted
	// event: CallDisconnected
	// transferred to Megan: true - transferred
}

// A ring timeout on a manual clock: nothing happens until the test moves
// the clock past it.
func ExampleNoAnswer() {
	ctx := context.Background()
	clock := identityfake.NewClock(time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC))
	sb := fake.New(&fake.Options{Clock: clock, OnEvent: func(context.Context, fake.Delivery) {}})
	defer sb.Close()
	bob := sb.AddTeamsUser("b0b00000-0000-4000-8000-000000000000", fake.NoAnswer())
	call, _ := sb.CreateCall(ctx, []identity.Identifier{bob}, "https://app.contoso.com/callbacks", nil)

	clock.Advance(fake.DefaultRingTimeout - time.Second)
	_ = sb.Settle(ctx)
	fmt.Println("after 1m59s:", len(sb.Events(call.CallConnectionID)), "events")
	clock.Advance(time.Second)
	_ = sb.Settle(ctx)
	for _, e := range sb.Events(call.CallConnectionID) {
		fmt.Println("after 2m:", short(e.Type), e.Result.Code, e.Result.SubCode, e.Time.Format(time.TimeOnly))
	}
	// Output:
	// after 1m59s: 0 events
	// after 2m: CreateCallFailed 487 10004 09:02:00
}

// An incoming phone call announced through Event Grid, answered with the
// incomingCallContext the event carries.
func ExampleSwitchboard_IncomingCall() {
	ctx := context.Background()
	incoming := make(chan *calling.IncomingCall, 1)
	sb := fake.New(&fake.Options{
		OnIncomingCall: func(_ context.Context, d fake.Delivery) {
			evs, _ := calling.ParseEventGridEvents(d.Body)
			incoming <- evs[0].(*calling.IncomingCall)
		},
		OnEvent: func(context.Context, fake.Delivery) {},
	})
	defer sb.Close()
	caller := sb.AddPhoneNumber("+14255550123", fake.Answers())
	number := identity.PhoneNumberIdentifier{PhoneNumber: "+18005550100"}
	if _, err := sb.IncomingCall(ctx, caller, number, nil); err != nil {
		fmt.Println(err)
		return
	}

	ev := <-incoming
	fmt.Println("call from", ev.From.RawID(), "to", ev.To.RawID())
	answered, err := sb.AnswerCall(ctx, ev.IncomingCallContext, "https://app.contoso.com/callbacks", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("answered for", answered.AnsweredFor.PhoneNumber)
	_, err = sb.AnswerCall(ctx, ev.IncomingCallContext, "https://app.contoso.com/callbacks", nil)
	fmt.Println("answered twice:", calling.IsConflict(err))
	// Output:
	// call from 4:+14255550123 to 4:+18005550100
	// answered for +18005550100
	// answered twice: true
}

// Throttling injected into CreateCall: the Go face returns the
// *azcore.ResponseError the real client would.
func ExampleSwitchboard_InjectFault() {
	ctx := context.Background()
	sb := fake.New(&fake.Options{OnEvent: func(context.Context, fake.Delivery) {}})
	defer sb.Close()
	sb.InjectFault(fake.Fault{Op: fake.OpCreateCall, Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second})
	alice := sb.AddTeamsUser("a11ce000-0000-4000-8000-000000000000", fake.Answers())

	_, err := sb.CreateCall(ctx, []identity.Identifier{alice}, "https://app.contoso.com/callbacks", nil)
	fmt.Println("throttled:", calling.IsThrottled(err), calling.ErrorCode(err))
	_, err = sb.CreateCall(ctx, []identity.Identifier{alice}, "https://app.contoso.com/callbacks", nil)
	fmt.Println("then:", err)
	// Output:
	// throttled: true TooManyRequests
	// then: <nil>
}

// The real client against the HTTP face, and calling's callback handler
// trusting the switchboard's signing key, all on loopback.
func ExampleSwitchboard_NewServer() {
	ctx := context.Background()
	sb := fake.New(nil)
	defer sb.Close()
	api := sb.NewServer()
	defer api.Close()
	alice := sb.AddTeamsUser("a11ce000-0000-4000-8000-000000000000", fake.Answers())

	handler, _ := calling.NewCallbackHandler(sb.ResourceID(), sb.CallbackIssuer().HandlerOptions())
	defer handler.Close()
	var mu sync.Mutex
	var got []string
	handler.OnEvent(func(_ context.Context, ev calling.Event) {
		mu.Lock()
		got = append(got, short(ev.EventType()))
		mu.Unlock()
	})
	callbacks := httptest.NewServer(handler)
	defer callbacks.Close()

	client, _ := calling.NewClientWithAccessKey(api.URL, sb.AccessKey(), &calling.ClientOptions{
		ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}, // plain http on loopback
	})
	call, err := client.CreateCall(ctx, []identity.Identifier{alice}, callbacks.URL+"/callbacks", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _ = client.HangUp(ctx, call.CallConnectionID, nil)
	_ = sb.Settle(ctx)
	_ = handler.Shutdown(ctx)
	mu.Lock()
	defer mu.Unlock()
	fmt.Println(got)
	// Output:
	// [CallConnected ParticipantsUpdated CallDisconnected]
}

// A Teams tenant whose administrator allowed other ACS resources only
// (Set-CsTeamsAcsFederationConfiguration -AllowedAcsResources): the call
// to its user fails, 403 with subcode 7604. Once the tenant lists the
// switchboard's resource, the call goes through.
func ExampleSwitchboard_SetTeamsFederation() {
	ctx := context.Background()
	sb := fake.New(&fake.Options{OnEvent: func(context.Context, fake.Delivery) {}})
	defer sb.Close()
	const fabrikam = "f4b1c0de-0000-4000-8000-000000000001"
	adele := sb.AddTeamsUser("5c1d3f47-0f2a-4d39-9d0b-6b4f8e7a1c01", fake.Answers())
	sb.SetTeamsUserPolicy(adele.UserID, fake.TeamsUserPolicy{TenantID: fabrikam})
	sb.SetTeamsFederation(fabrikam, fake.TeamsFederation{AllowedResources: []string{"0e0e0000-0000-4000-8000-000000000000"}})
	call := func() {
		c, _ := sb.CreateCall(ctx, []identity.Identifier{adele}, "https://app.contoso.com/callbacks", nil)
		_ = sb.Settle(ctx)
		e := sb.Events(c.CallConnectionID)[0]
		fmt.Println(short(e.Type), e.Result)
	}
	call()
	sb.SetTeamsFederation(fabrikam, fake.TeamsFederation{AllowedResources: []string{sb.ResourceID()}})
	call()
	// Output:
	// CreateCallFailed &{403 7604 Unauthorized Teams Interop Scenario: the Teams user's tenant does not allow this Communication Services resource.}
	// CallConnected <nil>
}

// A call from a phone handed to a Teams user with the details the Teams
// client shows: the topic in the call notification, the context in a side
// panel, who is calling. The switchboard's Offers shows what the Teams user
// was offered.
func ExampleSwitchboard_Offers_teamsPhoneCallDetails() {
	ctx := context.Background()
	sb := fake.New(&fake.Options{OnEvent: func(context.Context, fake.Delivery) {}})
	defer sb.Close()
	customer := sb.AddPhoneNumber("+14255550123", fake.Answers())
	agent := sb.AddTeamsUser("5c1d3f47-0f2a-4d39-9d0b-6b4f8e7a1c01", fake.Answers())
	callerID := identity.PhoneNumberIdentifier{PhoneNumber: "+18005550100"}
	sb.AddCallerID(callerID.PhoneNumber)

	var svc calling.Service = sb
	call, err := svc.CreateCall(ctx, []identity.Identifier{customer}, "https://app.contoso.com/callbacks", &calling.CreateCallOptions{SourceCallerID: &callerID})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = sb.Settle(ctx) // the customer answers
	_, err = svc.AddParticipant(ctx, call.CallConnectionID, agent, &calling.AddParticipantOptions{
		SourceDisplayName: "Contoso Billing",
		CustomContext: &calling.CustomCallingContext{TeamsPhoneCallDetails: &calling.TeamsPhoneCallDetails{
			CallTopic:   "Invoice 4711 charged twice",
			CallContext: "The customer asks for a refund of the second charge.",
			CallerDetails: &calling.TeamsPhoneCallerDetails{
				Caller: customer, Name: "Megan Bowen", PhoneNumber: customer.PhoneNumber, IsAuthenticated: true,
			},
		}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = sb.Settle(ctx) // the agent answers
	for _, o := range sb.Offers() {
		if o.Kind != fake.OfferInvitation {
			continue
		}
		d := o.CustomContext.TeamsPhoneCallDetails
		fmt.Printf("%s offered by %q: %q from %s\n", o.Target.RawID(), o.SourceDisplayName, d.CallTopic, d.CallerDetails.Name)
	}
	// Output:
	// 8:orgid:5c1d3f47-0f2a-4d39-9d0b-6b4f8e7a1c01 offered by "Contoso Billing": "Invoice 4711 charged twice" from Megan Bowen
}
