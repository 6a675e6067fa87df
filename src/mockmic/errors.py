"""The package's exceptions: one root, a subclass per edge of the pipeline.

Every message is one sentence that tells the user what to do; `cli.py` prints it and exits 2.
"""


class MockmicError(Exception):
    """Root of every failure mockmic reports to the user."""


class AudioError(MockmicError):
    """An audio file cannot be read or is not usable speech."""


class ModelError(MockmicError):
    """A Whisper model cannot be found, converted, downloaded or loaded."""


class LanguageError(MockmicError):
    """The answer is in another language than the one it is being analysed in."""


class DeviceError(MockmicError):
    """A microphone cannot be opened or stopped working."""


class LibraryError(MockmicError):
    """The library of takes cannot be read or written."""


class TakeNotFound(LibraryError):
    """No take has the id asked for."""
