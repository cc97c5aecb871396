"""Field logic: check and cleanse arguments (`clean`), call `graph/` (loaders or services),
hand back typed rows (`graph.rows`).

Plain async functions taking `info` (`context.Info`) first; no Cypher here. Schema types turn
the rows into GraphQL objects; this package never imports `schema`.
"""
