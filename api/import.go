package api

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/generated"
	"github.com/losant-go/losant-go/internal/spec"
)

// Bounds of an import besides Options.MaxImportBytes and
// MaxImportExpandedBytes.
const (
	// maxSmallPartBytes bounds the email and options parts, which are read
	// into memory.
	maxSmallPartBytes = 64 << 10
	// maxResourceBytes bounds one JSON entry of a bundle (a job log or the
	// application), which is decoded in memory.
	maxResourceBytes = 16 << 20
	// maxBundleEntries bounds the entries of a bundle: archive/zip reads
	// the whole central directory into memory before any entry, so its
	// size is checked first, from the end-of-central-directory record.
	// It is the most a zip without the zip64 extension can hold.
	maxBundleEntries = math.MaxUint16 - 1
)

// importForm is the multipart body of an import, the bundle streamed to a
// file.
type importForm struct {
	bundle  string // the file holding the zip; "" when none was sent
	email   string
	options generated.ImportIntoApplicationOptions
}

// ImportApplication answers POST /applications/{applicationId}/import. The
// body is read part by part: the bundle is streamed to a file (the limiter
// bounds the body), never held in memory, then checked as a zip entry by
// entry before the 202; the job applies it when it completes.
func (s *server) ImportApplication(_ context.Context, req generated.ImportApplicationRequestObject) (generated.ImportApplicationResponseObject, error) {
	appID := req.ApplicationID
	if !s.store.hasApplication(appID) {
		return generated.ImportApplication404JSONResponse{ApplicationNotFoundJSONResponse: appNotFound()}, nil
	}
	refuse := func(msg string) (generated.ImportApplicationResponseObject, error) {
		return generated.ImportApplication400JSONResponse{BadRequestJSONResponse: badRequest(msg)}, nil
	}
	form, problem, err := s.readImportForm(req.Body)
	removeBundle := func() {
		if form.bundle != "" {
			_ = os.Remove(form.bundle)
		}
	}
	switch {
	case err != nil:
		removeBundle()
		return nil, err
	case problem != "":
		removeBundle()
		return refuse(problem)
	}
	if problem, err := scanBundle(form.bundle, s.maxExpanded, nil); err != nil || problem != "" {
		removeBundle()
		if err != nil {
			return nil, err
		}
		return refuse(problem)
	}
	jobID, err := s.jobs.start(job{
		opID: opImport, appID: appID,
		input: &losant.ApplicationJobLogInput{Emails: emails(&form.email), CallbackURL: form.options.CallbackURL},
		finish: func(context.Context, string) (*losant.ApplicationJobLogOutput, error) {
			return s.applyBundle(appID, form)
		},
		cleanup: removeBundle,
	})
	if err != nil {
		removeBundle()
		return nil, err
	}
	return generated.ImportApplication202JSONResponse(enqueued(jobID)), nil
}

// readImportForm reads the parts of an import as openapi.yaml's
// multipart request body describes them: a property of format binary (the
// bundle) is streamed to a file; any other is read into memory (bounded),
// decoded as JSON where the body's encoding says so, and checked against
// its property's schema; a part the schema does not list is refused. A
// problem with what the client sent is returned as a message for a 400;
// err is the server's own failure.
func (s *server) readImportForm(mr *multipart.Reader) (form importForm, problem string, err error) {
	fs, err := importFormSpec()
	if err != nil {
		return form, "", err
	}
	tooLarge := func(err error) (string, bool) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return bodyTooLarge(mbe.Limit, "MaxImportBytes"), true
		}
		return "", false
	}
	fields := map[string]any{} // the parts but the bundle, decoded
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if msg, ok := tooLarge(err); ok {
				return form, msg, nil
			}
			return form, "Malformed multipart body: " + err.Error(), nil
		}
		name := part.FormName()
		prop := fs.props[name]
		_, seen := fields[name]
		switch {
		case prop == nil:
			return form, fmt.Sprintf("Unknown part %q: an import takes the parts %s", name, strings.Join(fs.names, ", ")), nil
		case seen || (name == fs.bundle && form.bundle != ""):
			return form, fmt.Sprintf("The part %s is sent twice", name), nil
		case name == fs.bundle:
			f, err := s.files.create("import-*.zip")
			if err != nil {
				return form, "", err
			}
			form.bundle = f.Name()
			_, err = io.Copy(f, part)
			if cerr := f.Close(); err == nil && cerr != nil {
				return form, "", cerr
			}
			if err != nil {
				if msg, ok := tooLarge(err); ok {
					return form, msg, nil
				}
				return form, "Reading the " + name + " part: " + err.Error(), nil
			}
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, maxSmallPartBytes+1))
		if err != nil {
			if msg, ok := tooLarge(err); ok {
				return form, msg, nil
			}
			return form, "Reading the " + name + " part: " + err.Error(), nil
		}
		if len(data) > maxSmallPartBytes {
			return form, fmt.Sprintf("The %s part is over %d bytes", name, maxSmallPartBytes), nil
		}
		var v any = string(data)
		if fs.json[name] {
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			if err := dec.Decode(&v); err != nil {
				return form, name + ": not JSON: " + err.Error(), nil
			}
		}
		if err := prop.VisitJSON(v, openapi3.DisableSchemaErrorDetails()); err != nil {
			return form, name + ": " + schemaProblem(err).Error(), nil
		}
		fields[name] = v
	}
	// The checked parts, into the generated type of the form.
	data, err := json.Marshal(fields)
	if err != nil {
		return form, "", err
	}
	var typed generated.ApplicationImportForm
	if err := json.Unmarshal(data, &typed); err != nil {
		return form, "The parts do not decode: " + err.Error(), nil
	}
	form.email = deref(typed.Email)
	form.options = deref(typed.Options)
	switch {
	case form.bundle == "" && form.options.ImportURL != nil:
		return form, "options.importUrl is not supported by the local API: send the zip as the " + fs.bundle + " part", nil
	case form.bundle == "":
		return form, "No " + fs.bundle + " part: send the zip to import as the multipart part " + fs.bundle, nil
	}
	return form, "", nil
}

// formSpec is what readImportForm needs of openapi.yaml's multipart body.
type formSpec struct {
	props  map[string]*openapi3.Schema // by part name
	names  []string                    // the part names, sorted, for messages
	bundle string                      // the part of format binary
	json   map[string]bool             // parts whose encoding is application/json
}

var importFormSpec = sync.OnceValues(func() (*formSpec, error) {
	op, err := spec.Op(opImport)
	if err != nil {
		return nil, err
	}
	var mt *openapi3.MediaType
	if rb := op.Op.RequestBody; rb != nil && rb.Value != nil {
		mt = rb.Value.Content.Get("multipart/form-data")
	}
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil, fmt.Errorf("api: openapi.yaml: %s has no multipart/form-data body schema", opImport)
	}
	fs := &formSpec{props: map[string]*openapi3.Schema{}, json: map[string]bool{}}
	for name, ref := range mt.Schema.Value.Properties {
		fs.props[name] = ref.Value
		fs.names = append(fs.names, name)
		if ref.Value.Format == "binary" {
			fs.bundle = name
		}
		if enc := mt.Encoding[name]; enc != nil && enc.ContentType == "application/json" {
			fs.json[name] = true
		}
	}
	slices.Sort(fs.names)
	if fs.bundle == "" {
		return nil, fmt.Errorf("api: openapi.yaml: %s's body has no part of format binary", opImport)
	}
	return fs, nil
})

// opImport is the operationId of the import.
const opImport = "importApplication"

// entryKind is what an entry of a bundle holds.
type entryKind int

const (
	entryOther       entryKind = iota
	entryApplication           // application.json
	entryJobLog                // jobLogs/*.json
)

func kindOf(name string) entryKind {
	switch {
	case name == exportAppEntry:
		return entryApplication
	case strings.HasPrefix(name, exportLogsFolder) && strings.HasSuffix(name, ".json") && !strings.Contains(name[len(exportLogsFolder):], "/"):
		return entryJobLog
	}
	return entryOther
}

// scanBundle reads every entry of the zip at path, decompressing it through
// a bounded reader: an entry that expands past what is left of maxExpanded
// (all entries together; 0 for no bound) is a zip bomb, refused as soon as
// the bound is passed, whatever the entry's header claims. JSON entries are
// also bounded by maxResourceBytes. visit, if set, gets each file entry in
// order, with its contents for the kinds it reads. A problem with the zip
// is returned as a message for a 400.
func scanBundle(path string, maxExpanded int64, visit func(name string, kind entryKind, data []byte)) (problem string, err error) {
	if problem, err := checkDirectorySize(path); problem != "" || err != nil {
		return problem, err
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return "The uploaded bundle is not a zip archive: " + err.Error(), nil
	}
	defer zr.Close()
	budget := maxExpanded
	if budget <= 0 {
		budget = math.MaxInt64 - 1
	}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue // a folder
		}
		kind := kindOf(f.Name)
		limit := budget
		if kind != entryOther {
			limit = min(budget, maxResourceBytes)
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Sprintf("Bundle entry %q cannot be read: %v", f.Name, err), nil
		}
		var buf bytes.Buffer
		var dst io.Writer = io.Discard
		if kind != entryOther {
			dst = &buf
		}
		n, err := io.Copy(dst, io.LimitReader(rc, limit+1))
		rc.Close()
		switch {
		case n > limit && limit < budget:
			return fmt.Sprintf("Bundle entry %q expands past %d bytes, the most one resource may take", f.Name, limit), nil
		case n > limit:
			return fmt.Sprintf("The bundle expands past %d bytes (a zip bomb?): its entries together may expand to api.Options.MaxImportExpandedBytes at most", maxExpanded), nil
		case err != nil:
			return fmt.Sprintf("Bundle entry %q is corrupt: %v", f.Name, err), nil
		}
		budget -= n
		if visit != nil {
			visit(f.Name, kind, buf.Bytes())
		}
	}
	return "", nil
}

// checkDirectorySize refuses a zip whose central directory lists more than
// maxBundleEntries entries, before archive/zip reads it into memory. It
// reads the end-of-central-directory record, the last record of a zip
// (after a comment of up to 64 KiB); a zip64 one, which can list billions,
// is refused. archive/zip offers no way to look before it reads, hence
// this.
func checkDirectorySize(path string) (problem string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", err
	}
	const recLen, maxComment = 22, 65535
	tail := min(info.Size(), recLen+maxComment)
	buf := make([]byte, tail)
	if _, err := f.ReadAt(buf, info.Size()-tail); err != nil {
		return "", err
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || len(buf)-i < recLen {
		return "The uploaded bundle is not a zip archive: no end-of-central-directory record", nil
	}
	entries := binary.LittleEndian.Uint16(buf[i+10:])
	if int(entries) > maxBundleEntries {
		return fmt.Sprintf("The bundle lists %d entries or more (zip64), over the local API's limit of %d", entries, maxBundleEntries), nil
	}
	return "", nil
}

// applyBundle imports the job logs of a checked bundle into the
// application, as the options say, and returns the job's output: created
// counts the job logs written (new or replacing), failed those refused,
// with a validation error each. application.json is checked, not applied:
// the target keeps its own settings. Job logs are not among the resource
// types of options.include, so an include list imports none.
func (s *server) applyBundle(appID string, form importForm) (*losant.ApplicationJobLogOutput, error) {
	opts := form.options
	conflict := deref(opts.ConflictBehavior)
	if conflict == "" {
		conflict = losant.ApplicationImportConflictBehaviorCreate
	}
	skipLogs := opts.Include != nil && len(*opts.Include) > 0
	var created, failed float64
	var problems []losant.ApplicationJobLogValidationError
	fail := func(typ, name, id string, err error) {
		failed++
		problems = append(problems, losant.ApplicationJobLogValidationError{Type: &typ, Name: &name, ID: ptrOrNil(id), Message: ptr(err.Error())})
	}
	problem, err := scanBundle(form.bundle, s.maxExpanded, func(name string, kind entryKind, data []byte) {
		switch kind {
		case entryApplication:
			if _, _, err := checkApplication(data); err != nil {
				fail("Application", name, entryID(data), err)
			}
		case entryJobLog:
			if skipLogs {
				return
			}
			wrote, err := s.importJobLog(appID, data, conflict, deref(opts.DryRun))
			switch {
			case err != nil:
				fail("ApplicationJobLog", name, entryID(data), err)
			case wrote:
				created++
			}
		default:
			fail("Unknown", name, "", errors.New("not a resource the local API imports: it imports application.json and jobLogs/*.json"))
		}
	})
	switch {
	case err != nil:
		return nil, err
	case problem != "":
		return nil, errors.New(problem) // the bundle changed since it was checked
	}
	out := &losant.ApplicationJobLogOutput{Created: &created, Failed: &failed, Removed: ptr(0.0)}
	if len(problems) > 0 {
		out.ValidationErrors = &problems
	}
	return out, nil
}

// importJobLog writes one job log of a bundle into the application and
// reports whether it wrote (or, in a dry run, would write) it.
func (s *server) importJobLog(appID string, data []byte, conflict generated.ApplicationImportConflictBehavior, dryRun bool) (bool, error) {
	raw, err := setFields(data, map[string]any{"applicationId": appID})
	if err != nil {
		return false, errors.New("not a JSON object")
	}
	rec, err := checkRecord(raw)
	if err != nil {
		return false, err
	}
	if _, exists := s.store.raw(appID, rec.id); exists {
		switch conflict {
		case losant.ApplicationImportConflictBehaviorError:
			return false, errors.New("the application already has a job log with this id (conflictBehavior error)")
		case losant.ApplicationImportConflictBehaviorRetain:
			return false, nil
		case losant.ApplicationImportConflictBehaviorCreate:
			id := newObjectID()
			if raw, err = setFields(raw, map[string]any{"id": id, "jobId": id}); err != nil {
				return false, err
			}
		}
	}
	if dryRun {
		return true, nil
	}
	return true, s.store.PutJSON(raw)
}

func ptrOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
