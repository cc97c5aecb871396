"""The local Neo4j: the Community server from Maven Central jars, under `C360_HOME`.

launcher   Java found, the launcher's Maven project (package data) built into a cache
instance   one server per `C360_HOME`: neo4j.conf, start, stop, status, password
"""
