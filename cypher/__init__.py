"""Package data: every Cypher statement c360 runs, one `.cypher` file each, in folders by
domain (customers, tags, segments, rules, ingest, ...). `graph.queries` loads them by name:
the path below this folder without the suffix (`customers/by_ids`).

Each file opens with `//` lines saying what it does and, last, `// Returns:` with its columns
(the analytics library documents its own `Parameters:` and `Columns:`).
tests/graph/test_cypher_files.py EXPLAINs every file against the migrated schema and checks
the columns, the parameters its callers pass, and that it names only what docs/graph-model.md
documents.
"""
