// Tag.aliases: the old names that still resolve to it, by name.
COLLECT { MATCH ({{alias}}:TagAlias)-[:ALIAS_OF]->({{this}}) RETURN {{alias}}.name ORDER BY {{alias}}.name }
