"""What every layer shares: the error tree (`errors`) and the settings (`settings`).

Imports nothing else of c360's, so server, schema, resolvers, graph, security and the CLI may
all import it.
"""
