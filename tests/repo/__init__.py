"""Checks on the repository itself: what hassfest and the HACS action check, and the examples."""
