package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/losant-go/losant-go/internal/ops"
)

// authenticator checks bearer tokens for kin-openapi, which calls it for
// each security requirement of the operation a request matched.
type authenticator struct {
	// tokens maps each token to its scopes; an empty set is full access.
	tokens map[string]map[string]bool
	// open: no tokens were configured, so any bearer token has full access.
	open bool
}

func newAuthenticator(tokens map[string][]string) (*authenticator, error) {
	a := &authenticator{tokens: make(map[string]map[string]bool, len(tokens)), open: len(tokens) == 0}
	for tok, scopes := range tokens {
		if tok == "" || strings.TrimSpace(tok) != tok || strings.ContainsAny(tok, " \t\r\n") {
			return nil, fmt.Errorf("api: token %q: a bearer token must be non-empty, without spaces or control characters", redact(tok))
		}
		set := make(map[string]bool, len(scopes))
		for _, s := range scopes {
			if strings.TrimSpace(s) == "" {
				return nil, fmt.Errorf("api: token %s: a scope is empty", redact(tok))
			}
			set[s] = true
		}
		a.tokens[tok] = set
	}
	return a, nil
}

// redact keeps a configured token out of error messages.
func redact(tok string) string {
	if len(tok) <= 4 {
		return "[token]"
	}
	return tok[:2] + "..." + tok[len(tok)-2:]
}

// authenticate is the openapi3filter.AuthenticationFunc. The scopes it
// demands are those of the operation kin-openapi matched, read from its
// x-losant-scopes: OpenAPI 3.0 forbids scopes on an http bearer requirement,
// so in.Scopes is always empty and the extension carries them instead.
func (a *authenticator) authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecurityScheme == nil || in.SecurityScheme.Type != "http" || !strings.EqualFold(in.SecurityScheme.Scheme, "bearer") {
		// Only a change to openapi.yaml can lead here: a 500, logged.
		return fmt.Errorf("api: security scheme %q is not an http bearer scheme, which is all this server implements", in.SecuritySchemeName)
	}
	tok, ok := bearerToken(in.RequestValidationInput.Request)
	if !ok {
		return &authError{status: http.StatusUnauthorized, typ: typeUnauthorized, msg: msgMissingToken}
	}
	granted, known := a.tokens[tok]
	if !known && !a.open {
		return &authError{status: http.StatusUnauthorized, typ: typeUnauthorized, msg: msgInvalidToken}
	}
	if len(granted) == 0 {
		return nil // full access
	}
	// The scopes internal/sdkgen generated from x-losant-scopes, for the
	// operation kin-openapi matched.
	op := ops.ByID(in.RequestValidationInput.Route.Operation.OperationID)
	if op == nil {
		return fmt.Errorf("api: operation %q is not in internal/ops: run go generate", in.RequestValidationInput.Route.Operation.OperationID)
	}
	accepted := op.Scopes
	if len(accepted) == 0 {
		return nil // the operation names no scopes: any valid token will do
	}
	for _, s := range accepted {
		if granted[s] {
			return nil
		}
	}
	return &authError{status: http.StatusForbidden, typ: typeForbidden, msg: msgNoScope}
}

// bearerToken returns the token of an "Authorization: Bearer <token>"
// header; the scheme is case-insensitive (RFC 9110). Hand-written because
// kin-openapi leaves reading credentials to the AuthenticationFunc, and the
// standard library only parses Basic credentials.
func bearerToken(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}
