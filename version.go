package losant

// Version is the version of this SDK at its last release, kept by
// scripts/release.sh. The User-Agent header every request sends, and
// `losant version`, report the module version the program was built with
// (from its build info) and fall back on this constant when there is none.
const Version = "0.1.0"
