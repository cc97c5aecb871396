"""Field logic: check arguments, call `graph/` (loaders or queries), hand back records.

Plain async functions taking `info` first; no Cypher here. Schema types turn the records
into GraphQL objects, so this package never imports `schema` types (only the context).
"""
