"""Where the decision log and its signing key are found: the default file and the environment variables."""

DEFAULT_LOG = "eligibility-log.sqlite3"  # in the working directory, unless --log or $ELIGIBILITY_LOG says otherwise
LOG_ENV = "ELIGIBILITY_LOG"
KEY_ENV = "ELIGIBILITY_LOG_KEY_FILE"
