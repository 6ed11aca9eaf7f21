"""Heed: safeguarding support for police contact centres taking calls about online grooming of children."""

__version__ = "0.1.0"
