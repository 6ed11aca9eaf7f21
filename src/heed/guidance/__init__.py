"""National guidance that forces can trust: signed, versioned pack files (``packfile``, pure Python), and
what a force does with them."""
