"""Sections of RESULTS.md, one module each, and the document that assembles them."""
