"""The GraphQL schema: one module per domain type; `schema.root` assembles the `Schema`.

Types are built from graph records by `from_record`; their fields delegate to `resolvers/`,
which reach Neo4j only through `graph/` (per-request DataLoaders for nested fields).
"""
