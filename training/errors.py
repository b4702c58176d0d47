"""Errors the commands report as one line, kept apart from the modules that raise them
so that a command can catch them without importing scikit-learn."""


class ArtifactError(RuntimeError):
    """A model folder that is missing, incomplete, tampered with or unreadable."""
