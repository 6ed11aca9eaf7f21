"""National guidance tooling that needs no database: signed, versioned pack files (``packfile``) and the
look-back's judgement of one closed call (``lookback``), shared by the web app, the CLI and the Spark job."""
