"""modlens training: corpus reading, features, fitting and the model object."""

__version__ = "0.1.0"
