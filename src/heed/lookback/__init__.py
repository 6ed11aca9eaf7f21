"""Past calls read again under other guidance: a shadow run before a force adopts a version, the adoption as a
recorded decision, and the look-back at closed calls with its queue for safeguarding officers. The judgement
itself is pure (``heed.guidance.lookback``) and shared with the PySpark job."""
