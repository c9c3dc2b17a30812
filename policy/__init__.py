"""The refund policy engine: policies as cited data, a range-aware evaluator, curves and a command line.

Pure Python: nothing here imports Streamlit.
"""
from .errors import InputError, PolicyFileError
from .loader import load_directory, load_policy, parse_policy, shipped_policies
from .models import Quote, Scenario
from .quoting import parse_scenario, quote

__all__ = [
    "InputError", "PolicyFileError", "Quote", "Scenario", "load_directory", "load_policy", "parse_policy",
    "parse_scenario", "quote", "shipped_policies",
]
