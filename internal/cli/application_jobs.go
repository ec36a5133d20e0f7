package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	losant "github.com/losant-go/losant-go"
)

// The values --conflict, --include and --owner-type accept and complete,
// from the SDK's generated enums.
var (
	conflictBehaviors = losant.ApplicationImportConflictBehaviorValues()
	importResources   = losant.ApplicationImportResourceTypeValues()
	ownerTypes        = losant.ApplicationOwnerTypeValues()
)

// copyFlags choose what an export or a clone copies besides the
// application's own resources, and how the API reports: the fields the
// export and clone bodies share. A flag not given is not sent, so the
// API's default applies.
type copyFlags struct {
	cmd                                         *cobra.Command
	files, privateFiles, tableRows, devices, fj bool
	email                                       string
}

func (f *copyFlags) register(cmd *cobra.Command, what string) {
	f.cmd = cmd
	fl := cmd.Flags()
	fl.BoolVar(&f.files, "include-files", false, what+" the application's files")
	fl.BoolVar(&f.privateFiles, "include-private-files", false, what+" its private files")
	fl.BoolVar(&f.tableRows, "include-data-table-rows", false, what+" its data tables' rows")
	fl.BoolVar(&f.devices, "include-devices", false, what+" its devices")
	fl.BoolVar(&f.fj, "force-job", false, "run it as a job even if the API could answer at once")
	fl.StringVar(&f.email, "email", "", "e-mail address the API notifies when the job ends")
	must(cmd.RegisterFlagCompletionFunc("email", cobra.NoFileCompletions))
}

// boolSet returns the flag's value when it was given, else nil.
func boolSet(cmd *cobra.Command, name string, v bool) *bool {
	if !cmd.Flags().Changed(name) {
		return nil
	}
	return &v
}

// stringSet returns the flag's value when it was given, else nil.
func stringSet(cmd *cobra.Command, name, v string) *string {
	if !cmd.Flags().Changed(name) {
		return nil
	}
	return &v
}

func (f *copyFlags) includeFiles() *bool { return boolSet(f.cmd, "include-files", f.files) }
func (f *copyFlags) includePrivate() *bool {
	return boolSet(f.cmd, "include-private-files", f.privateFiles)
}
func (f *copyFlags) includeRows() *bool {
	return boolSet(f.cmd, "include-data-table-rows", f.tableRows)
}
func (f *copyFlags) includeDevices() *bool { return boolSet(f.cmd, "include-devices", f.devices) }
func (f *copyFlags) forceJob() *bool       { return boolSet(f.cmd, "force-job", f.fj) }
func (f *copyFlags) emailTo() *string      { return stringSet(f.cmd, "email", f.email) }

func (a *app) applicationExportCmd(cf *clientFlags) *cobra.Command {
	af, cp := &appFlags{}, &copyFlags{}
	var callbackURL, save string
	var force bool
	cmd := &cobra.Command{
		Use: "export --app ID [--include-files] [--include-private-files] [--include-data-table-rows] [--include-devices]\n" +
			"      [--email E] [--callback-url URL] [--force-job] [--wait] [--save FILE [--force]] [-o table|json]",
		Short: "Export an application as a zip; wait for it and save the zip",
		Long: `Starts the export of an application (its resources, and what the --include
flags add) to a zip.

--save FILE implies --wait: once the job completed, the zip is downloaded to
FILE with its progress on stderr. A cut transfer resumes where it stopped;
FILE appears only when complete (written to a temporary file beside it, then
renamed) and is readable by its owner only. An existing FILE is refused
before anything is sent, unless --force. The token is never sent to the
download host: the zip's URL is pre-signed.` + "\n" + applicationJobHelp,
		Example: `  losant application export --app 575ec8687ae143cd83dc4a97
  losant app export --app 575ec8687ae143cd83dc4a97 --include-devices --save app.zip
  job=$(losant app export --app 575ec8687ae143cd83dc4a97 --force-job) && losant joblog wait --app 575ec8687ae143cd83dc4a97 --job "$job"`,
		Args: noArgs("--app"),
	}
	af.register(cmd, true)
	cp.register(cmd, "export")
	fl := cmd.Flags()
	fl.StringVar(&callbackURL, "callback-url", "", "URL the API calls when the job ends")
	fl.StringVar(&save, "save", "", "wait for the export, then save its zip to this file (implies --wait)")
	fl.BoolVar(&force, "force", false, "with --save: replace the file if it exists")
	must(cmd.RegisterFlagCompletionFunc("callback-url", cobra.NoFileCompletions))
	must(cmd.MarkFlagFilename("save", "zip"))
	cmd.RunE = runE(func(ctx context.Context, _ []string) error {
		var then func(context.Context, *losant.Client, *losant.ApplicationJobLog) error
		switch {
		case save != "":
			if err := checkSaveFile(save, force); err != nil {
				return err
			}
			af.wait = true
			then = func(ctx context.Context, c *losant.Client, log *losant.ApplicationJobLog) error {
				return a.saveOutput(ctx, c, log, save, force)
			}
		case force:
			return usagef("--force replaces the --save file; give --save FILE, or leave --force out")
		}
		body := &losant.ApplicationExportPost{
			IncludeFiles: cp.includeFiles(), IncludePrivateFiles: cp.includePrivate(),
			IncludeDataTableRows: cp.includeRows(), IncludeDevices: cp.includeDevices(),
			ForceJob: cp.forceJob(), Email: cp.emailTo(), CallbackURL: stringSet(cmd, "callback-url", callbackURL),
		}
		return a.startJob(ctx, cf, af, exportOp(af.app, body, then))
	})
	return cmd
}

// exportOp exports the application appID; then runs once the job
// completed (nil: nothing).
func exportOp(appID string, body *losant.ApplicationExportPost, then func(context.Context, *losant.Client, *losant.ApplicationJobLog) error) start {
	return start{
		what: "exporting application " + appID,
		raw: func(ctx context.Context, c *losant.Client) (json.RawMessage, error) {
			return c.Application.ExportRaw(ctx, appID, body)
		},
		typed: func(ctx context.Context, c *losant.Client) (*losant.Job, any, error) {
			res, err := c.Application.Export(ctx, appID, body)
			return res.Job(), res.GetJSON200(), err
		},
		then: then,
	}
}

// checkSaveFile refuses, before anything is sent, a --save file that
// exists (unless force) or whose directory does not.
func checkSaveFile(path string, force bool) error {
	if st, err := os.Lstat(path); err == nil {
		if st.IsDir() {
			return usagef("invalid --save %s: it is a directory; give a file name", path)
		}
		if !force {
			return usagef("invalid --save %s: the file exists; pass --force to replace it, or choose another name", path)
		}
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return usagef("invalid --save %s: the directory %s does not exist", path, dir)
	}
	return nil
}

func (a *app) applicationImportCmd(cf *clientFlags) *cobra.Command {
	af := &appFlags{}
	var (
		file, email     string
		conflict        losant.ApplicationImportConflictBehavior
		include         []string
		dryRun, forceJb bool
	)
	cmd := &cobra.Command{
		Use: "import --app ID --file ZIP [--email E] [--conflict " + strings.Join(enumStrings(conflictBehaviors), "|") + "]\n" +
			"      [--include TYPE,...] [--dry-run] [--force-job] [--wait] [-o table|json]",
		Short: "Import an exported application zip into an application",
		Long: `Uploads ZIP (an application export, such as "losant application export --save"
writes) into the application and starts the import. The file is streamed:
memory stays flat whatever its size. An import is not retried: a second one
is not harmless. --file must be a zip archive; it is checked before anything
is sent.

--include limits the import to these resource types (comma-separated):
` + strings.Join(enumStrings(importResources), ", ") + `.
With --wait, the final log's output counts what was created and what failed.` + "\n" + applicationJobHelp,
		Example: `  losant application import --app 575ec8687ae143cd83dc4a98 --file app.zip --wait
  losant app import --app 575ec8687ae143cd83dc4a98 --file app.zip --include Flow,Dashboard --conflict replace --dry-run`,
		Args: noArgs("--app/--file"),
	}
	af.register(cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&file, "file", "", "the application zip to import")
	fl.StringVar(&email, "email", "", "e-mail address the API notifies when the job ends")
	enumVar(cmd, &conflict, "conflict", "", "behavior", "what to do with a resource that exists already", conflictBehaviors)
	conflict = "" // not sent unless given: the API's default applies
	fl.StringSliceVar(&include, "include", nil, "import only these resource types (default: all)")
	fl.BoolVar(&dryRun, "dry-run", false, "check the import without changing the application")
	fl.BoolVar(&forceJb, "force-job", false, "run it as a job even if the API could answer at once")
	must(cmd.MarkFlagRequired("file"))
	must(cmd.MarkFlagFilename("file", "zip"))
	must(cmd.RegisterFlagCompletionFunc("include", completeList(enumStrings(importResources))))
	must(cmd.RegisterFlagCompletionFunc("email", cobra.NoFileCompletions))
	cmd.RunE = runE(func(ctx context.Context, _ []string) error {
		types, err := parseInclude(include)
		if err != nil {
			return err
		}
		f, err := openZip(file)
		if err != nil {
			return err
		}
		defer f.Close()
		opts := &losant.ImportIntoApplicationOptions{
			DryRun: boolSet(cmd, "dry-run", dryRun), ForceJob: boolSet(cmd, "force-job", forceJb),
		}
		if conflict != "" {
			opts.ConflictBehavior = &conflict
		}
		if types != nil {
			opts.Include = &types
		}
		if *opts == (losant.ImportIntoApplicationOptions{}) {
			opts = nil
		}
		return a.startJob(ctx, cf, af, importOp(af.app, f, email, opts))
	})
	return cmd
}

// importOp imports the zip f (an open file, read once) into the
// application appID; email, when not empty, is notified at the end.
func importOp(appID string, f *os.File, email string, opts *losant.ImportIntoApplicationOptions) start {
	form := func() *losant.ApplicationImportForm {
		return &losant.ApplicationImportForm{ImportBundle: f, ImportBundleName: filepath.Base(f.Name()), Email: email, Options: opts}
	}
	return start{
		what: "importing " + f.Name() + " into application " + appID,
		raw: func(ctx context.Context, c *losant.Client) (json.RawMessage, error) {
			return c.Application.ImportRaw(ctx, appID, form())
		},
		typed: func(ctx context.Context, c *losant.Client) (*losant.Job, any, error) {
			res, err := c.Application.Import(ctx, appID, form())
			return res.Job(), res.GetJSON200(), err
		},
	}
}

// parseInclude checks --include's types against the spec's enum, in any
// case; nil when none were given.
func parseInclude(values []string) ([]losant.ApplicationImportResourceType, error) {
	var types []losant.ApplicationImportResourceType
	for _, v := range values {
		i := slices.IndexFunc(importResources, func(t losant.ApplicationImportResourceType) bool {
			return strings.EqualFold(string(t), strings.TrimSpace(v))
		})
		if i < 0 {
			return nil, usagef("invalid --include %q: want one or more of %s, separated by commas", v, strings.Join(enumStrings(importResources), ", "))
		}
		types = append(types, importResources[i])
	}
	return types, nil
}

func (a *app) applicationCloneCmd(cf *clientFlags) *cobra.Command {
	af, cp := &appFlags{}, &copyFlags{}
	var (
		dryRun    bool
		ownerID   string
		ownerType losant.ApplicationOwnerType
	)
	cmd := &cobra.Command{
		Use: "clone --app ID [--dry-run] [--include-files] [--include-private-files] [--include-data-table-rows] [--include-devices]\n" +
			"      [--owner-id ID --owner-type " + strings.Join(enumStrings(ownerTypes), "|") + "] [--email E] [--force-job] [--wait] [-o table|json]",
		Short: "Clone an application: a new application with its resources",
		Long: `Creates a new application from this one, with the resources the --include
flags add, owned by --owner-id/--owner-type (both, or neither: the
application's own owner). --dry-run only checks: it says whether the clone
would run as a job. When the job completes its log's output names the new
application (applicationId).` + "\n" + applicationJobHelp,
		Example: `  losant application clone --app 575ec8687ae143cd83dc4a97 --wait
  losant app clone --app 575ec8687ae143cd83dc4a97 --include-devices --owner-id 575ed70c7ae143cd83dc4aa9 --owner-type organization`,
		Args: noArgs("--app"),
	}
	af.register(cmd, true)
	cp.register(cmd, "clone")
	fl := cmd.Flags()
	fl.BoolVar(&dryRun, "dry-run", false, "check the clone without creating anything")
	fl.StringVar(&ownerID, "owner-id", "", "owner of the new application, with --owner-type (24 hexadecimal characters)")
	enumVar(cmd, &ownerType, "owner-type", "", "type", "what --owner-id is", ownerTypes)
	ownerType = ""
	idFlags(cmd, "owner-id")
	cmd.RunE = runE(func(ctx context.Context, _ []string) error {
		if (ownerID == "") != (ownerType == "") {
			return usagef("--owner-id and --owner-type go together: give both (--owner-type %s), or neither", orList(enumStrings(ownerTypes)))
		}
		body := &losant.ApplicationClonePost{
			DryRun:       boolSet(cmd, "dry-run", dryRun),
			IncludeFiles: cp.includeFiles(), IncludePrivateFiles: cp.includePrivate(),
			IncludeDataTableRows: cp.includeRows(), IncludeDevices: cp.includeDevices(),
			ForceJob: cp.forceJob(), Email: cp.emailTo(),
		}
		if ownerID != "" {
			body.OwnerID, body.OwnerType = &ownerID, &ownerType
		}
		return a.startJob(ctx, cf, af, start{
			what: "cloning application " + af.app,
			raw: func(ctx context.Context, c *losant.Client) (json.RawMessage, error) {
				return c.Application.CloneRaw(ctx, af.app, body)
			},
			typed: func(ctx context.Context, c *losant.Client) (*losant.Job, any, error) {
				res, err := c.Application.Clone(ctx, af.app, body)
				if err != nil {
					return nil, nil, err
				}
				if j := res.Job(); j != nil {
					return j, nil, nil
				}
				return nil, res.GetJSON200(), nil
			},
		})
	})
	return cmd
}

func (a *app) archiveDataCmd(cf *clientFlags) *cobra.Command {
	af := &appFlags{}
	var date string
	cmd := &cobra.Command{
		Use:   "archive-data --app ID --date DATE [--wait] [-o table|json]",
		Short: "Archive a day of the application's device data",
		Long: `Starts the job that archives the application's device data for the day
holding --date to its archive location. DATE is an RFC 3339 date or time
(2025-06-10, 2025-06-10T04:00:00Z) or milliseconds since the epoch; the API
wants a day older than 31 days.` + "\n" + applicationJobHelp,
		Example: `  losant application archive-data --app 575ec8687ae143cd83dc4a97 --date 2025-06-10 --wait
  losant app archive-data --app 575ec8687ae143cd83dc4a97 --date 1749513600000`,
		Args: noArgs("--app/--date"),
	}
	af.register(cmd, true)
	cmd.Flags().StringVar(&date, "date", "", "the day to archive: RFC 3339 or epoch milliseconds")
	must(cmd.MarkFlagRequired("date"))
	must(cmd.RegisterFlagCompletionFunc("date", cobra.NoFileCompletions))
	cmd.RunE = runE(func(ctx context.Context, _ []string) error {
		ms, err := parseDate(date)
		if err != nil {
			return err
		}
		params := &losant.ApplicationArchiveDataParams{Date: ms}
		return a.startJob(ctx, cf, af, start{
			what: "starting archiveData for application " + af.app,
			raw: func(ctx context.Context, c *losant.Client) (json.RawMessage, error) {
				return c.Application.ArchiveDataRaw(ctx, af.app, params)
			},
			typed: func(ctx context.Context, c *losant.Client) (*losant.Job, any, error) {
				j, err := c.Application.ArchiveData(ctx, af.app, params)
				return j, nil, err
			},
		})
	})
	return cmd
}

// archiveJobCmds are the archive jobs that take nothing but the
// application: backfill-archive-data, full-data-tables-archive and
// full-events-archive.
func (a *app) archiveJobCmds(cf *clientFlags) []*cobra.Command {
	ops := []struct {
		use, short string
		typed      func(*losant.ApplicationService, context.Context, string, ...losant.RequestOption) (*losant.Job, error)
		raw        func(*losant.ApplicationService, context.Context, string, ...losant.RequestOption) (json.RawMessage, error)
	}{
		{"backfill-archive-data", "Copy all of the application's current device data to its archive",
			(*losant.ApplicationService).BackfillArchiveData, (*losant.ApplicationService).BackfillArchiveDataRaw},
		{"full-data-tables-archive", "Archive all of the application's data tables",
			(*losant.ApplicationService).FullDataTablesArchive, (*losant.ApplicationService).FullDataTablesArchiveRaw},
		{"full-events-archive", "Archive all of the application's events",
			(*losant.ApplicationService).FullEventsArchive, (*losant.ApplicationService).FullEventsArchiveRaw},
	}
	cmds := make([]*cobra.Command, 0, len(ops))
	for _, o := range ops {
		af := &appFlags{}
		cmd := &cobra.Command{
			Use:     o.use + " --app ID [--wait] [-o table|json]",
			Short:   o.short,
			Long:    o.short + ", as a job." + "\n" + applicationJobHelp,
			Example: fmt.Sprintf("  losant application %s --app 575ec8687ae143cd83dc4a97 --wait", o.use),
			Args:    noArgs("--app"),
		}
		af.register(cmd, true)
		cmd.RunE = runE(func(ctx context.Context, _ []string) error {
			return a.startJob(ctx, cf, af, start{
				what: o.use + " for application " + af.app,
				raw: func(ctx context.Context, c *losant.Client) (json.RawMessage, error) {
					return o.raw(c.Application, ctx, af.app)
				},
				typed: func(ctx context.Context, c *losant.Client) (*losant.Job, any, error) {
					j, err := o.typed(c.Application, ctx, af.app)
					return j, nil, err
				},
			})
		})
		cmds = append(cmds, cmd)
	}
	return cmds
}
