package losant

// Version is the version of this SDK. It is part of the User-Agent header
// every request sends.
const Version = "0.1.0"
