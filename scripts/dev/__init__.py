"""Developer tooling: the one-command demo (scripts/develop) and what browser tests share."""
