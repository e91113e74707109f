// Package fakekit is what the module's three fakes (identity/fake,
// chat/fake, calling/fake) share, so that a test author who learned one
// knows the others: one fault model (Fault, Faults, Apply), one request log
// (Log), one manual clock (Clock) and one test token issuer (Issuer).
//
// The fakes' public types are declared in the lowest public fake,
// identity/fake (Fault, Request, Clock), with the same fields as the types
// here, and chat/fake and calling/fake name identity/fake's; this package
// holds the implementation. It imports no public package of the module.
package fakekit
