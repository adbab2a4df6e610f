"""Folders of YAML data a clinic extends by adding a file (the lexicon, the topics): read them the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import yaml

from .errors import CorpusError


def yaml_lists(folder: Path, kind: str, key: str) -> Iterator[tuple[str, list]]:
    """(file name, the list under ``key``) for every ``*.yaml`` in ``folder``, in name order. A missing folder yields
    nothing; a file that is not YAML, or has no list under ``key``, raises CorpusError naming it (``kind``: what
    the files are, for the message)."""
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise CorpusError(f"{kind} {path.name} is not valid YAML: {exc}") from None
        items = data.get(key) if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise CorpusError(f"{kind} {path.name}: expected a mapping with a list under '{key}'")
        yield path.name, items
