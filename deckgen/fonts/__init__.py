"""Shipped font metrics (``metrics.json.gz``), written by ``tools/extract_metrics.py``.

Only data lives here; :mod:`deckgen.metrics` loads it lazily on first measurement.
"""
