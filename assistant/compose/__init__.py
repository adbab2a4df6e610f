"""Compose: turn retrieved passages into a cited answer. ``base`` is the interface, ``extractive`` the default."""

from .base import Composed, ComposeRequest, Composer, not_covered_text
from .extractive import GENERIC_QUESTIONS, ComposeSettings, ExtractiveComposer

__all__ = [
    "Composed",
    "ComposeRequest",
    "Composer",
    "ComposeSettings",
    "ExtractiveComposer",
    "GENERIC_QUESTIONS",
    "not_covered_text",
]
