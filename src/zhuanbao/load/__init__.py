"""Loading: files → validated values (the pipeline's first stage)."""
