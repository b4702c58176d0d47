"""modlens service: the HTTP API and the `modlens` command line."""
