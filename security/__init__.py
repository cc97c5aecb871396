"""Who may do what: bearer tokens (JWT), roles and their permissions, personal-data masking.

Nothing here talks to Neo4j or knows GraphQL; `schema/security.py` applies it to the API.
See docs/security.md and ../shared/contract/security.md.
"""
