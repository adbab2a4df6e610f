"""Errors a user can act on. Each carries one plain sentence, shown as-is by the CLI and UI."""


class AssistantError(Exception):
    """Base class: ``str(exc)`` is a complete, user-facing one-line message."""

    exit_code = 1


class InputError(AssistantError):
    """The question (or history) itself is unusable: empty, too long, binary."""

    exit_code = 2


class CorpusError(AssistantError):
    """A corpus file is missing, empty or lacks required front matter."""


class IndexMissingError(AssistantError):
    """No index has been built yet."""


class IndexUnusableError(AssistantError):
    """The index exists but cannot be used (corrupt, or built with another model)."""


class SettingsError(AssistantError):
    """A setting has an invalid value."""


class ModelError(AssistantError):
    """The bundled embedding model is missing or does not match its checksum."""


class IndexUnavailableError(AssistantError):
    """The index exists but cannot be reached right now (a Chroma server down, a re-index mid-switch)."""
