"""Sciatica & massage assistant: grounded, cited answers from curated articles."""

__version__ = "0.2.0"
