package api

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/generated"
)

// How the local API answers the Application resource's actions, where
// Losant may answer more than one way:
//
//   - export always starts a job (202): its job log's output.downloadUrls
//     holds the zip's pre-signed URL once it has completed. Losant answers
//     202 in the common case; the local API never needs the 200 {url} it
//     may send for a small application, and one way keeps clients honest.
//   - clone answers a dry run 200 (requiresJob false: the local store is
//     always small enough to copy at once), copies at once (201) unless
//     forceJob asks for a job (202), as Losant does for a small
//     application.
//   - import always starts a job (202); its counts are in the job log.
//   - the archive actions start a job (202); the local API holds no device
//     data, events or data tables, so they complete having written 0.

// appNotFound is Losant's 404 for an unknown application.
func appNotFound() generated.ApplicationNotFoundJSONResponse {
	return generated.ApplicationNotFoundJSONResponse(errorBody(typeNotFound, msgAppNotFound))
}

// badRequest is Losant's 400 with a Validation error.
func badRequest(msg string) generated.BadRequestJSONResponse {
	return generated.BadRequestJSONResponse(errorBody(typeValidation, msg))
}

// GetApplication answers GET /applications/{applicationId}.
func (s *server) GetApplication(_ context.Context, req generated.GetApplicationRequestObject) (generated.GetApplicationResponseObject, error) {
	raw, ok := s.store.applicationRaw(req.ApplicationID)
	if !ok {
		return generated.GetApplication404JSONResponse{ApplicationNotFoundJSONResponse: appNotFound()}, nil
	}
	if req.Params.SummaryInclude != nil || req.Params.SummaryExclude != nil {
		var err error
		if raw, err = chooseSummary(raw, req.Params.SummaryInclude, req.Params.SummaryExclude); err != nil {
			return nil, err
		}
	}
	return storedApplication(raw), nil
}

// chooseSummary keeps in the application's summary only the fields named
// by include (all when nil), less those named by exclude.
func chooseSummary(raw []byte, include, exclude *string) ([]byte, error) {
	var app struct {
		Summary map[string]json.RawMessage `json:"summary"`
	}
	if err := json.Unmarshal(raw, &app); err != nil || app.Summary == nil {
		return raw, err
	}
	names := func(list *string) map[string]bool {
		set := map[string]bool{}
		for n := range strings.SplitSeq(*list, ",") {
			set[strings.TrimSpace(n)] = true
		}
		return set
	}
	if include != nil {
		keep := names(include)
		for k := range app.Summary {
			if !keep[k] {
				delete(app.Summary, k)
			}
		}
	}
	if exclude != nil {
		for k := range names(exclude) {
			delete(app.Summary, k)
		}
	}
	return setFields(raw, map[string]any{"summary": app.Summary})
}

// storedApplication is a 200 whose body is the application as stored,
// for the reason storedJobLog gives.
type storedApplication []byte

func (b storedApplication) VisitGetApplicationResponse(w http.ResponseWriter) error {
	return storedJobLog(b).VisitGetApplicationJobLogResponse(w)
}

// ExportApplication answers POST /applications/{applicationId}/export: a
// job whose completion writes the zip and signs its download URL.
func (s *server) ExportApplication(ctx context.Context, req generated.ExportApplicationRequestObject) (generated.ExportApplicationResponseObject, error) {
	appID := req.ApplicationID
	if !s.store.hasApplication(appID) {
		return generated.ExportApplication404JSONResponse{ApplicationNotFoundJSONResponse: appNotFound()}, nil
	}
	body := req.Body
	if body.ExportType != nil && *body.ExportType != losant.ApplicationExportPostExportTypeZip {
		return generated.ExportApplication400JSONResponse{BadRequestJSONResponse: badRequest(
			"exportType " + string(*body.ExportType) + " is not supported by the local API: it exports zips only")}, nil
	}
	at := origin(ctx, s.basePath)
	jobID, err := s.jobs.start(job{
		opID: "exportApplication", appID: appID,
		input: &losant.ApplicationJobLogInput{Emails: emails(body.Email), CallbackURL: body.CallbackURL},
		finish: func(_ context.Context, jobID string) (*losant.ApplicationJobLogOutput, error) {
			name, err := s.writeExport(appID, jobID)
			if err != nil {
				return nil, err
			}
			return &losant.ApplicationJobLogOutput{DownloadURLs: &[]string{s.files.downloadURL(at, name)}}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return generated.ExportApplication202JSONResponse(enqueued(jobID)), nil
}

// Names of the entries of an export zip, which import reads back.
const (
	exportAppEntry   = "application.json"
	exportLogsFolder = "jobLogs/"
)

// writeExport writes the zip of what the store holds for the application
// (its JSON, and each of its job logs but the export's own) and returns
// its file name.
func (s *server) writeExport(appID, exportJobID string) (name string, err error) {
	app, ok := s.store.applicationRaw(appID)
	if !ok {
		return "", fmt.Errorf("application %s no longer exists", appID)
	}
	name = newObjectID() + ".zip"
	f, err := s.files.create(name + ".*.tmp")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	zw := zip.NewWriter(f)
	at := time.Now()
	add := func(entry string, data []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: entry, Method: zip.Deflate, Modified: at})
		if err == nil {
			_, err = w.Write(data)
		}
		return err
	}
	if err := add(exportAppEntry, app); err != nil {
		return "", err
	}
	for _, raw := range s.store.applicationLogs(appID, exportJobID) {
		if err := add(exportLogsFolder+entryID(raw)+".json", raw); err != nil {
			return "", err
		}
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	// Renamed into place only when complete: a download never sees half.
	if err := os.Rename(f.Name(), s.files.path(name)); err != nil {
		return "", err
	}
	return name, nil
}

// emails is a job log input's emails for an optional address.
func emails(email *string) *[]string {
	if email == nil || *email == "" {
		return nil
	}
	return &[]string{*email}
}

// CloneApplication answers POST /applications/{applicationId}/clone.
func (s *server) CloneApplication(ctx context.Context, req generated.CloneApplicationRequestObject) (generated.CloneApplicationResponseObject, error) {
	appID := req.ApplicationID
	src, ok := s.store.applicationRaw(appID)
	if !ok {
		return generated.CloneApplication404JSONResponse{ApplicationNotFoundJSONResponse: appNotFound()}, nil
	}
	var body generated.ApplicationClonePost
	if req.Body != nil {
		body = *req.Body
	}
	if body.OwnerID != nil && body.OwnerType == nil {
		return generated.CloneApplication400JSONResponse{BadRequestJSONResponse: badRequest(
			"ownerId needs ownerType: say whether " + *body.OwnerID + " is a user or an organization")}, nil
	}
	if deref(body.DryRun) {
		return generated.CloneApplication200JSONResponse{
			Success: ptr(true), RequiresJob: ptr(false),
		}, nil
	}
	newID := newObjectID()
	clone := func() ([]byte, error) {
		stamp := now().Format(timestampLayout)
		set := map[string]any{
			"id": newID, "applicationId": newID, "creationDate": stamp, "lastUpdated": stamp,
			"summary": nil, // counts of the source's resources, not the copy's
		}
		if body.OwnerType != nil {
			set["ownerType"], set["ownerId"] = *body.OwnerType, nil // no ownerId: the caller, whom the local API does not know
			if body.OwnerID != nil {
				set["ownerId"] = *body.OwnerID
			}
		}
		raw, err := setFields(src, set)
		if err != nil {
			return nil, err
		}
		if err := s.store.PutApplicationJSON(raw); err != nil {
			return nil, err
		}
		raw, _ = s.store.applicationRaw(newID)
		return raw, nil
	}
	if !deref(body.ForceJob) {
		raw, err := clone()
		if err != nil {
			return nil, err
		}
		var app generated.Application
		if err := json.Unmarshal(raw, &app); err != nil {
			return nil, err
		}
		return generated.CloneApplication201JSONResponse{Application: &app}, nil
	}
	jobID, err := s.jobs.start(job{
		opID: "cloneApplication", appID: appID,
		input: &losant.ApplicationJobLogInput{Emails: emails(body.Email), CallbackURL: body.CallbackURL,
			OwnerID: body.OwnerID, OwnerType: (*losant.ApplicationJobLogInputOwnerType)(body.OwnerType)},
		finish: func(context.Context, string) (*losant.ApplicationJobLogOutput, error) {
			if _, err := clone(); err != nil {
				return nil, err
			}
			return &losant.ApplicationJobLogOutput{ApplicationID: &newID}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return generated.CloneApplication202JSONResponse(enqueued(jobID)), nil
}

// archiveAge is how old a day must be for archiveData: Losant archives
// days older than 31 days.
const archiveAge = 31 * 24 * time.Hour

// ArchiveData answers GET /applications/{applicationId}/archiveData.
func (s *server) ArchiveData(_ context.Context, req generated.ArchiveDataRequestObject) (generated.ArchiveDataResponseObject, error) {
	if !s.store.hasApplication(req.ApplicationID) {
		return generated.ArchiveData404JSONResponse{ApplicationNotFoundJSONResponse: appNotFound()}, nil
	}
	ms, err := strconv.ParseInt(req.Params.Date, 10, 64) // the spec's pattern allows 15 digits at most
	if err != nil {
		return generated.ArchiveData400JSONResponse{BadRequestJSONResponse: badRequest("date: " + err.Error())}, nil
	}
	day := time.UnixMilli(ms).UTC().Truncate(24 * time.Hour)
	if time.Since(day) < archiveAge {
		return generated.ArchiveData400JSONResponse{BadRequestJSONResponse: badRequest(fmt.Sprintf(
			"date %s (%s) is within the last 31 days: only older days can be archived", req.Params.Date, day.Format(time.DateOnly)))}, nil
	}
	start, end := float64(day.UnixMilli()), float64(day.Add(24*time.Hour).UnixMilli()-1)
	jobID, err := s.jobs.start(job{
		opID: "archiveData", appID: req.ApplicationID,
		input:  &losant.ApplicationJobLogInput{Start: &start, End: &end},
		finish: nothingWritten,
	})
	if err != nil {
		return nil, err
	}
	return generated.ArchiveData202JSONResponse(enqueued(jobID)), nil
}

// nothingWritten is the work of the archive jobs: the local API holds no
// device data, events or data tables to write.
func nothingWritten(context.Context, string) (*losant.ApplicationJobLogOutput, error) {
	return &losant.ApplicationJobLogOutput{Written: ptr(0.0)}, nil
}

// startArchive starts an archive job of the operation opID, or says the
// application does not exist.
func (s *server) startArchive(opID, appID string) (jobID string, found bool, err error) {
	if !s.store.hasApplication(appID) {
		return "", false, nil
	}
	jobID, err = s.jobs.start(job{opID: opID, appID: appID, finish: nothingWritten})
	return jobID, true, err
}

// BackfillArchiveData answers GET /applications/{applicationId}/backfillArchiveData.
func (s *server) BackfillArchiveData(_ context.Context, req generated.BackfillArchiveDataRequestObject) (generated.BackfillArchiveDataResponseObject, error) {
	jobID, found, err := s.startArchive("backfillArchiveData", req.ApplicationID)
	switch {
	case err != nil:
		return nil, err
	case !found:
		return generated.BackfillArchiveData404JSONResponse{ApplicationNotFoundJSONResponse: appNotFound()}, nil
	}
	return generated.BackfillArchiveData202JSONResponse(enqueued(jobID)), nil
}

// FullDataTablesArchive answers GET /applications/{applicationId}/fullDataTablesArchive.
func (s *server) FullDataTablesArchive(_ context.Context, req generated.FullDataTablesArchiveRequestObject) (generated.FullDataTablesArchiveResponseObject, error) {
	jobID, found, err := s.startArchive("fullDataTablesArchive", req.ApplicationID)
	switch {
	case err != nil:
		return nil, err
	case !found:
		return generated.FullDataTablesArchive404JSONResponse{ApplicationNotFoundJSONResponse: appNotFound()}, nil
	}
	return generated.FullDataTablesArchive202JSONResponse(enqueued(jobID)), nil
}

// FullEventsArchive answers GET /applications/{applicationId}/fullEventsArchive.
func (s *server) FullEventsArchive(_ context.Context, req generated.FullEventsArchiveRequestObject) (generated.FullEventsArchiveResponseObject, error) {
	jobID, found, err := s.startArchive("fullEventsArchive", req.ApplicationID)
	switch {
	case err != nil:
		return nil, err
	case !found:
		return generated.FullEventsArchive404JSONResponse{ApplicationNotFoundJSONResponse: appNotFound()}, nil
	}
	return generated.FullEventsArchive202JSONResponse(enqueued(jobID)), nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
