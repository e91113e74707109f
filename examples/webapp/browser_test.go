package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/examples/internal/browsertest"
)

// TestBrowser uses the app in headless Chromium as two people would: Adele
// of Fabrikam signs in at the fake Entra ID's page, opens her 1:1 chat
// with Alex from the people list, sends a message with a mention and sees
// Alex's answer arrive without a reload, sees a colleague's presence
// change, calls Alex and sees the call connected and then transferred to
// Megan; then Diego of Contoso signs in, in a browser of his own, and sees
// none of Fabrikam's chats. Screenshots of each step are saved in
// $TEST_OUTPUT_DIR (else the test's temporary directory; the log names
// them). The page never throws.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("runs chromium")
	}
	o := startOffline(t, options{}, nil)
	browser := browsertest.Start(t, nil)
	out := browsertest.OutputDir(t)
	people := o.world.people
	shot := func(p *browsertest.Page, name string) { t.Logf("screenshot: %s", p.Screenshot(out, name)) }

	alex, megan := people["Alex"].ObjectID, people["Megan"].ObjectID
	adele := browser.NewPage(t, 1400, 900)
	signInPage(t, adele, o, "Adele", func() { shot(adele, "1-sign-in.png") })
	shot(adele, "2-signed-in.png")
	// Nothing below reloads the page: the marker would be gone.
	adele.Eval(`window.__noReload = "still here"`, nil)

	// The 1:1 chat with Alex, from the people list.
	adele.WaitFor("Alex in the people list", q(personSel(alex)))
	adele.Click(personSel(alex) + " .chat-with")
	adele.WaitFor("the chat with Alex open", `document.querySelector("#chat-title").textContent === "Alex Wilber" && document.querySelector("#chat-view").dataset.loaded === "true"`)
	adele.WaitFor("the chat's earlier messages", `document.querySelector("#message-list").textContent.includes("did the Fabrikam invoices go out?")`)

	// A message with a mention, picked from the list "@" opens.
	adele.Click("#compose-text")
	adele.Type("See you at 3, @Al")
	adele.WaitFor("the mention list", fmt.Sprintf(`!document.querySelector("#mention-list").hidden && document.querySelector('#mention-list li[data-user-id="%s"]')`, alex))
	adele.Click(fmt.Sprintf(`#mention-list li[data-user-id="%s"]`, alex))
	adele.Type("bring the deck")
	adele.Press("Enter")
	adele.WaitFor("the sent message with its mention", fmt.Sprintf(`[...document.querySelectorAll("#message-list .message.mine")].some(m =>
		m.textContent.includes("See you at 3, Alex Wilber bring the deck") && m.querySelector('.mention[data-user-id="%s"]'))`, alex))
	// Alex's answer, pushed by the server.
	adele.WaitFor("Alex's answer, live", `[...document.querySelectorAll("#message-list .message:not(.mine)")].some(m =>
		m.textContent.includes("Got it: “See you at 3, Alex Wilber bring the deck”"))`)
	adele.WaitFor("the chat list's preview", `document.querySelector(".chat-item.open .chat-preview").textContent.includes("Got it")`)
	// The group chat's unread messages (Graph's read state), and one more
	// that Megan posts there meanwhile.
	rollout := `[...document.querySelectorAll(".chat-item")].find(e => e.querySelector(".chat-title").textContent === "Fabrikam rollout")`
	adele.WaitFor("the group chat's 2 unread messages", rollout+`.querySelector(".badge").textContent === "2"`)
	var rolloutID string
	adele.Eval(rollout+`.dataset.chatId`, &rolloutID)
	if _, err := o.world.graph.Post(megan, rolloutID, "The plan is in the channel."); err != nil {
		t.Fatal(err)
	}
	adele.WaitFor("a third, live", rollout+`.querySelector(".badge").textContent === "3" && `+rollout+`.querySelector(".chat-preview").textContent === "The plan is in the channel."`)
	shot(adele, "3-chat.png")

	// A colleague's presence changes.
	adele.WaitFor("Megan busy", q(personSel(megan)+` .presence[data-availability="Busy"]`))
	o.world.graph.SetPresence(megan, chat.Presence{Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable})
	adele.WaitFor("Megan available, live", q(personSel(megan)+` .presence[data-availability="Available"]`))

	// A call to Alex, connected, then transferred to Megan.
	adele.Click(personSel(alex) + " .call")
	adele.WaitFor("the call connected", `document.querySelector("#call-panel").dataset.state === "connected" && document.querySelector('#call-events li[data-type="CallConnected"]')`)
	adele.WaitFor("Alex shown in a call", q(personSel(alex)+` .presence[data-availability="Busy"]`))
	shot(adele, "4-call-connected.png")
	// A native select's list cannot be clicked headless: the option is
	// chosen as the keyboard would, then Transfer clicked.
	adele.Eval(fmt.Sprintf(`(() => { const s = document.querySelector("#transfer-target"); s.value = %q; s.dispatchEvent(new Event("change")); })()`, megan), nil)
	adele.Click("#transfer")
	adele.WaitFor("the call transferred", `document.querySelector("#call-panel").dataset.state === "transferred" &&
		document.querySelector('#call-events li[data-type="CallTransferAccepted"]') &&
		document.querySelector("#call-with").textContent === "Alex Wilber → Megan Bowen"`)
	shot(adele, "5-call-transferred.png")
	var marker string
	adele.Eval(`window.__noReload`, &marker)
	if marker != "still here" {
		t.Error("the page reloaded: what appeared did not come live")
	}

	// Diego of Contoso, in a browser of his own, sees his tenant only.
	diego := browser.NewPage(t, 1400, 900)
	signInPage(t, diego, o, "Diego", nil)
	diego.WaitFor("Diego's chat with Lynne", `[...document.querySelectorAll(".chat-item .chat-title")].some(e => e.textContent === "Lynne Robbins")`)
	var shown []string
	diego.Eval(`[...document.querySelectorAll(".chat-item")].map(e => e.dataset.chatId)`, &shown)
	for _, c := range o.world.graph.Chats() {
		fabrikam := false
		for _, m := range c.Members {
			fabrikam = fabrikam || m.TenantID == people["Adele"].TenantID
		}
		for _, id := range shown {
			if fabrikam && id == c.ID {
				t.Errorf("Diego's page shows Fabrikam's chat %q", c.Topic)
			}
		}
	}
	var text string
	diego.Eval(`document.body.innerText`, &text)
	for _, name := range []string{"Adele Vance", "Alex Wilber", "Fabrikam rollout", "See you at 3"} {
		if strings.Contains(text, name) {
			t.Errorf("Diego's page shows %q", name)
		}
	}
	shot(diego, "6-other-tenant.png")

	for _, p := range []*browsertest.Page{adele, diego} {
		if errs := p.Errors(); len(errs) > 0 {
			t.Errorf("the page's errors: %q", errs)
		}
	}
}

// q is the JavaScript that finds the element of a CSS selector.
func q(selector string) string { return fmt.Sprintf("document.querySelector(%q)", selector) }

func personSel(id string) string { return fmt.Sprintf(`#people-list .person[data-user-id="%s"]`, id) }

// signInPage signs the page in as the offline user first, from the app's
// sign-in screen (atSignIn, if set, runs there) through the fake Entra
// ID's account picker.
func signInPage(t *testing.T, p *browsertest.Page, o *offline, first string, atSignIn func()) {
	t.Helper()
	p.Navigate(o.base)
	p.WaitFor("the sign-in screen", `document.body.dataset.ready === "signin"`)
	if atSignIn != nil {
		atSignIn()
	}
	p.Click("#signin-button")
	upn := o.world.people[first].UPN
	p.WaitFor("the fake Entra ID's account picker", fmt.Sprintf(`document.querySelector('button[data-upn="%s"]')`, upn))
	p.Click(fmt.Sprintf(`button[data-upn="%s"]`, upn))
	p.WaitFor("the app, signed in and live", fmt.Sprintf(`document.body.dataset.ready === "app" && document.body.dataset.live === "on" && document.querySelector("#me-name").textContent === %q`, o.world.people[first].DisplayName))
}
