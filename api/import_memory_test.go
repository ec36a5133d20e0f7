package api_test

import (
	"archive/zip"
	"mime/multipart"
	"runtime"
	"testing"

	"github.com/losant-go/losant-go/api"
)

// TestImportMemoryIsFlat streams a 64 MiB import bundle to the local API
// and checks that the process (client and server together) allocated a
// small fraction of it: the body goes to a file part by part and the zip
// is checked through bounded readers, never held in memory. Not parallel:
// it reads the process's allocation counter.
func TestImportMemoryIsFlat(t *testing.T) {
	const size = 64 << 20
	srv := newServer(t, api.Options{Store: appStore(t), JobDuration: fastJobs})
	// A small import first, so that what is parsed once (the spec, for the
	// job's name and the test's response checks) is not counted.
	waitJob(t, srv, appB, started(t, sendImport(t, srv, appB, importParts{bundle: emptyZip(t)})))

	bundle := func(mw *multipart.Writer) error {
		w, err := mw.CreateFormFile("importBundle", "big.zip")
		if err != nil {
			return err
		}
		zw := zip.NewWriter(w)
		f, err := zw.CreateHeader(&zip.FileHeader{Name: "files/big.bin", Method: zip.Store})
		if err != nil {
			return err
		}
		chunk := make([]byte, 64<<10)
		for written := 0; written < size; written += len(chunk) {
			if _, err := f.Write(chunk); err != nil {
				return err
			}
		}
		return zw.Close()
	}

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	job := started(t, sendMultipart(t, srv, appB, bundle))
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > size/8 {
		t.Errorf("importing %d MiB allocated %d MiB, want well under %d MiB: the body is being buffered", size>>20, alloc>>20, size>>23)
	}
	log := waitJob(t, srv, appB, job)
	if out := log.Output; out == nil || deref(out.Failed) != 1 || deref(out.Created) != 0 {
		t.Errorf("output %+v, want the one unknown entry failed", log.Output)
	}
}
