"""Package data: the Maven project of the local Neo4j's launcher (`pom.xml`, `src/`).

`graph.local.launcher` copies it into a build folder and runs `mvn package` there.
"""
