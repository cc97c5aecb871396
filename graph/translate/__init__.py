"""GraphQL selections translated into Cypher, the @neo4j/graphql way, in Python.

    selection    what a request selected, in graph terms (built by resolvers/selection.py)
    projection   a selection -> one nested map projection, from cypher/fields fragments

Pure: no driver here. `graph.views` runs the statements; `graph.loaders` builds the
DataLoaders of the same fields from the same fragments.
"""
