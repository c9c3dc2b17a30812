"""Benchmarks: scripts that print and record figures (never timed tests). Run: python -m bench."""
