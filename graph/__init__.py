"""Everything that talks to Neo4j, by idea. Resolvers and the CLI call in; nothing here
imports `schema`, `resolvers` or `server`.

    db          the one door to Neo4j: named Cypher, transactions, round-trip counting
    driver_errors  driver errors as c360 errors, in one function
    queries     `cypher/**/*.cypher` loaded by name (package data)
    rows        the rows handed up to resolvers and schema types (TypedDicts)
    paging      pages of a list and the key of a page under a parent
    loaders     per-request DataLoaders for nested GraphQL fields
    model       the graph model's fixed vocabularies
    cleansing   how values are normalised before they are stored (API and imports alike)
    views       translated reads: a GraphQL root field and its whole selection, one statement
    translate/  selection -> Cypher map projection, from the cypher/fields fragments
    customers   customer writes and the lifecycle funnel
    audit       the audit trail
    traversal   similar customers, bought together, a customer's map
    migrate     constraints, indexes, lifecycle stages (any Neo4j)
    segments/   definition, compiler, evaluation, saved segments, export
    tags/       taxonomy, health, events, the event feed
    rules/      tag rules, the default rules, linkage rules
    ingest/     import lines, the importer, demo seed
    local/      the local Neo4j: launcher build and the server under C360_HOME
    analytics/  analysts' Cypher: the library and the read-only runner
"""
