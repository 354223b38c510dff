"""Rendering: every output format and view, each a pure function of a report."""
