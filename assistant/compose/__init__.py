"""Compose: turn retrieved passages into a cited answer. ``base`` is the interface, ``extractive`` the default;
``generative`` (a chat model, every sentence checked by ``verify``) is optional and imported only when used."""

from .base import Composed, ComposeRequest, Composer, not_covered_text, uncovered_text
from .extractive import GENERIC_QUESTIONS, ComposeSettings, ExtractiveComposer

__all__ = [
    "Composed",
    "ComposeRequest",
    "Composer",
    "ComposeSettings",
    "ExtractiveComposer",
    "GENERIC_QUESTIONS",
    "not_covered_text",
    "uncovered_text",
]
