package browsertest_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/examples/internal/browsertest"
)

const page = `<!doctype html><html><body>
<button id="b" style="margin-top:1500px">click me</button>
<input id="i"><p id="keys"></p>
<script>
document.getElementById("b").addEventListener("click", e => { e.target.textContent = "clicked " + e.isTrusted; });
document.getElementById("i").addEventListener("keydown", e => { if (e.key === "Enter") document.getElementById("keys").textContent = "enter: " + e.target.value; });
setTimeout(() => { throw new Error("a page error") }, 0);
</script></body></html>`

// TestPage drives a page as a person does: a click below the fold (the
// page sees a trusted click), text typed, Enter pressed, a screenshot;
// the page's uncaught exception is reported; pages of two browser
// contexts do not share cookies.
func TestPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cookie" {
			c, err := r.Cookie("who")
			if err != nil {
				http.SetCookie(w, &http.Cookie{Name: "who", Value: r.URL.Query().Get("v")})
				w.Write([]byte("set"))
				return
			}
			w.Write([]byte("have " + c.Value))
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(page))
	}))
	defer srv.Close()
	b := browsertest.Start(t, nil)
	p := b.NewPage(t, 800, 600)
	p.Navigate(srv.URL)
	p.WaitFor("the button", `document.querySelector("#b")`)
	p.Click("#b")
	p.WaitFor("the click", `document.querySelector("#b").textContent === "clicked true"`)
	p.Click("#i")
	p.Type("héllo")
	p.Press("Enter")
	p.WaitFor("the typed text", `document.querySelector("#keys").textContent === "enter: héllo"`)
	if errs := p.Errors(); len(errs) != 1 {
		t.Errorf("the page's errors: %q", errs)
	}
	shot := p.Screenshot(t.TempDir(), "page.png")
	if st, err := os.Stat(shot); err != nil || st.Size() < 1000 {
		t.Errorf("screenshot: %v", err)
	}

	p.Navigate(srv.URL + "/cookie?v=one")
	p.WaitFor("the cookie set", `document.body.textContent === "set"`)
	p.Navigate(srv.URL + "/cookie")
	p.WaitFor("the cookie kept", `document.body.textContent === "have one"`)
	other := b.NewPage(t, 800, 600)
	other.Navigate(srv.URL + "/cookie?v=two")
	other.WaitFor("another context's own cookie", `document.body.textContent === "set"`)
}
