package api

import "github.com/losant-go/losant-go/generated"

// specDepth and specItems are the query language's limits as openapi.yaml
// states them (x-losant-max-depth, and maxItems of $and), read from the
// spec so that the tests at and beyond each limit follow it.
var specDepth, specItems = querySpecLimits()

func querySpecLimits() (depth, items int) {
	doc, err := generated.GetSpec()
	if err != nil {
		panic(err)
	}
	q := doc.Components.Schemas[querySchema].Value
	d, ok := q.Extensions["x-losant-max-depth"].(float64)
	if !ok {
		panic("openapi.yaml's " + querySchema + " has no x-losant-max-depth")
	}
	return int(d), int(*q.Properties["$and"].Value.MaxItems)
}

// SpecQueryLimits gives the package's external tests specDepth and
// specItems.
func SpecQueryLimits() (depth, items int) { return specDepth, specItems }
