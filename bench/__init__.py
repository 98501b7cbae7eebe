"""Benchmarks: long measurements kept out of `make test`. Run with `make bench`.

Every result is reported as a ratio to a baseline measured in the same process and run, so the
numbers compare across machines; docs/performance.md records them.
"""
