"""One module per source format; each returns a canonical event frame."""
