package api

import (
	"net/http"
	"slices"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/rs/cors"
)

// withCORS lets code in a browser page on another origin (a dashboard using
// Losant's JavaScript client, say) call the API, as Losant's own web app on
// app.losant.com calls api.losant.com: preflight requests are answered, and
// every answer allows any origin. Tokens travel in the Authorization header,
// never in cookies, so allowing any origin exposes nothing. The methods and
// the request headers allowed are those of the operations in doc, plus the
// headers every Losant client sends.
func withCORS(doc *openapi3.T, h http.Handler) http.Handler {
	methods := map[string]bool{}
	headers := map[string]bool{"Authorization": true, "Accept": true, "Accept-Version": true, "Content-Type": true}
	for _, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			methods[method] = true
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				if p.Value != nil && p.Value.In == openapi3.ParameterInHeader {
					headers[http.CanonicalHeaderKey(p.Value.Name)] = true
				}
			}
		}
	}
	return cors.New(cors.Options{
		AllowedOrigins: []string{"*"},
		AllowedMethods: sortedKeys(methods),
		AllowedHeaders: sortedKeys(headers),
		ExposedHeaders: []string{"Retry-After"},
		MaxAge:         600,
	}).Handler(h)
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
