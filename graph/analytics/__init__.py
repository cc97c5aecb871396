"""Analysts' Cypher (`c360 cypher`): the analytics library and the read-only runner."""
