"""Errors raised by the risk engine: a bad guidance pack, or text the engine cannot use."""

from __future__ import annotations


class PackError(ValueError):
    """A guidance pack is invalid. The message names the file, the key path and what was expected."""


class InputError(ValueError):
    """The text or the guided answers given to ``assess`` cannot be used; the message says why."""
