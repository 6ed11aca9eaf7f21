"""heed.risk: the narrative risk engine and the guidance pack it runs on (pure Python, never Django).

Public interface (shared with the other parts of Heed):
``assess(text, answers=None, *, pack=None) -> Assessment``, ``load_pack(path=None)``, ``default_pack()``,
``PackError``, ``InputError``, ``GuidancePack``, ``Assessment``.
"""

from heed.risk.engine import Assessment, assess
from heed.risk.errors import InputError, PackError
from heed.risk.pack import GuidancePack, default_pack, load_pack

__all__ = ["Assessment", "GuidancePack", "InputError", "PackError", "assess", "default_pack", "load_pack"]
