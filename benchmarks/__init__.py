"""Benchmarks of the integration against the simulator (run with `scripts/bench`).

Not tests: they print a table and write JSON, and no test run collects them.
"""
