"""Benchmarks (issue 8): run ``python -m bench`` (quick) or ``python -m bench --full``."""
