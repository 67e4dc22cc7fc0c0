"""The studio's pages, one module per part of the editor's month; each gives :func:`routes` for a Studio."""
