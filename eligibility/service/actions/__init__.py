"""The service's use-case layer: every change to the store, and the reads the routes and pages share, as plain
functions that take the service state, the caller, the clock and typed arguments, and return domain results or raise
domain errors. Routes (JSON) and pages (HTML) both call these; neither holds SQL nor calls the other."""
