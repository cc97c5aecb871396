"""Package data: every Cypher statement c360 runs, one `.cypher` file each, in folders by
domain (customers, tags, segments, rules, ingest, ...). `graph.queries` loads them by name:
the path below this folder without the suffix (`customers/by_ids`).
"""
