"""Results: a registration's progress and its rollup, and the API v2 shapes that show them.

This package sits *below* both :mod:`chalicelib.registrations` and :mod:`chalicelib.runtime`: both
import it, it imports neither (``tests/unit/test_layering.py``). Per standard, what a launch
records (SCORM run-time data, xAPI / cmi5 statements) is turned into completion, success, score
and time here.
"""
