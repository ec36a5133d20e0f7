// Package footprint holds two hello-world programs that read one job log:
// sdk/ with losant-go, floor/ with net/http and encoding/json alone. The
// footprint test (footprint_test.go in the module root) and
// scripts/footprint.sh build both and compare their sizes; sdk -measure
// also times the first NewClient of a fresh process.
package footprint
