"""Fault Lines: a static-site chronology generator for sourced incident records."""

__version__ = "0.1.0"
