"""Runnable lessons, one per module: ``python -m examples.NAME --out DIR``."""
