"""heed.risk: the narrative risk engine and the guidance pack it runs on (pure Python, never Django).

Public interface (shared with the other parts of Heed):
``assess(text, answers=None, *, pack=None) -> Assessment``, ``load_pack(path=None)``, ``default_pack()``,
``PackError``, ``InputError``, ``GuidancePack``, ``Assessment``, and ``Due`` (when a required action falls
due: ``AFTER_REQUIRED`` or ``AFTER_CLOSE_REQUEST``).
"""

from heed.risk.engine import Assessment, assess
from heed.risk.errors import InputError, PackError
from heed.risk.pack import AFTER_CLOSE_REQUEST, AFTER_REQUIRED, Due, GuidancePack, default_pack, load_pack

__all__ = [
    "AFTER_CLOSE_REQUEST",
    "AFTER_REQUIRED",
    "Assessment",
    "Due",
    "GuidancePack",
    "InputError",
    "PackError",
    "assess",
    "default_pack",
    "load_pack",
]
