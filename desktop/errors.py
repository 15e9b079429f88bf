"""Errors the app reports to the user: each message says what was wrong and what to do."""


class AgentAssistError(Exception):
    """Base class for errors shown to the user as they are."""


class ModelError(AgentAssistError):
    """The model file is missing, is not a GGUF, or failed to load."""


class LoadCancelledError(ModelError):
    """The user cancelled loading a model; the previous one stays in use."""


class EngineError(AgentAssistError):
    """Generation failed after the model loaded."""


class StoreError(AgentAssistError):
    """The canned-response database could not be opened or written."""


class InputError(AgentAssistError):
    """A conversation or file given by the user cannot be used (binary, empty, too big)."""


class ImportFileError(InputError):
    """A file to import is malformed or in a format we cannot read; names the record or line."""
