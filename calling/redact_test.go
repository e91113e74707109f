package calling_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
)

// TestCallbackHandlerKeepsNoCopyOfTheEventGridSecret walks everything a
// CallbackHandler holds, unexported fields included, for the Event Grid
// secret: only its hash may be kept, so no formatting, reflection-based
// printer (testify's diffs, spew) or heap dump can show it.
func TestCallbackHandlerKeepsNoCopyOfTheEventGridSecret(t *testing.T) {
	const secret = "eg-secret-0f7c1d9a2b3e4f5061728394a5b6c7d8"
	h, _ := newHandler(t, newIssuer(t), func(o *calling.CallbackHandlerOptions) { o.EventGridSecret = secret })

	if path, found := findString(reflect.ValueOf(h), secret); found {
		t.Fatalf("the handler keeps the Event Grid secret at %s", path)
	}

	// It still checks it.
	r := httptest.NewRequest(http.MethodPost, "/cb?secret=wrong", strings.NewReader("[]"))
	assert.Equal(t, http.StatusUnauthorized, serve(h, r).Code)
	r = httptest.NewRequest(http.MethodPost, "/cb?secret="+secret, strings.NewReader(`[{"id":"1","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","subject":"","data":{"validationCode":"c0de"},"eventTime":"2024-01-01T00:00:00Z","dataVersion":"1"}]`))
	w := serve(h, r)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Contains(t, w.Body.String(), "c0de")
}

// findString reports where, in everything reachable from v, a string or
// byte slice contains s.
func findString(v reflect.Value, s string) (string, bool) {
	seen := map[uintptr]bool{}
	var walk func(v reflect.Value, path string) (string, bool)
	walk = func(v reflect.Value, path string) (string, bool) {
		switch v.Kind() {
		case reflect.String:
			if strings.Contains(v.String(), s) {
				return path, true
			}
		case reflect.Pointer, reflect.Map, reflect.Slice:
			if v.IsNil() {
				return "", false
			}
			if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
				if strings.Contains(string(v.Bytes()), s) {
					return path, true
				}
				return "", false
			}
			if p := v.Pointer(); seen[p] && v.Kind() != reflect.Slice {
				return "", false
			} else {
				seen[p] = true
			}
			switch v.Kind() {
			case reflect.Pointer:
				return walk(v.Elem(), path)
			case reflect.Map:
				it := v.MapRange()
				for it.Next() {
					if p, ok := walk(it.Key(), path+"[key]"); ok {
						return p, true
					}
					if p, ok := walk(it.Value(), path+"[value]"); ok {
						return p, true
					}
				}
			case reflect.Slice:
				for i := range v.Len() {
					if p, ok := walk(v.Index(i), path+"[i]"); ok {
						return p, true
					}
				}
			}
		case reflect.Array:
			for i := range v.Len() {
				if p, ok := walk(v.Index(i), path+"[i]"); ok {
					return p, true
				}
			}
		case reflect.Interface:
			if !v.IsNil() {
				return walk(v.Elem(), path)
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if p, ok := walk(v.Field(i), path+"."+v.Type().Field(i).Name); ok {
					return p, true
				}
			}
		}
		return "", false
	}
	return walk(v, "handler")
}
