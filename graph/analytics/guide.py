"""The analytics library as a Neo4j Browser guide: `:guide http://localhost:8000/guide/analytics`
(or `:play`) in the Browser the local Neo4j serves, one slide per query.

The Browser of the local Neo4j (neo4j-browser 5.24, the newest on Maven Central) loads a guide
from a host listed in `browser.remote_content_hostname_whitelist`: `localhost` by default,
which works at once; the local Neo4j's conf adds 127.0.0.1, which counts only once the Browser
has read the server's settings after connecting. It renders each `<slide>`; a `pre.runnable`
block goes into the editor on a click, or runs from its play icon. Each query's slide has its
parameters as `:param` blocks (the documented defaults) and then the query, so an analyst sets
what to change and runs it. Built from the queries' own headers, like `c360 cypher --list`.
"""

from __future__ import annotations

import json
from html import escape

from graph.analytics.library import LibraryQuery, library


def _param_value(value: object) -> str:
    """A JSON default as Cypher for `:param` (JSON's strings, numbers and lists are Cypher
    literals too). Null is written `NULL`: Neo4j Browser 5.24 ignores a click on a runnable
    block whose text ends with " null" (tests/browser/test_guide.py)."""
    return "NULL" if value is None else json.dumps(value, ensure_ascii=False)


def _slide(body: str) -> str:
    return f'<slide class="row-fluid">\n<div class="col-sm-12">\n{body}\n</div>\n</slide>'


def _query_slide(query: LibraryQuery) -> str:
    parts = [f"<h3>{escape(query.name)}</h3>", f"<p>{escape(query.question)}</p>"]
    if query.parameters:
        parts.append("<p>Parameters (click one to edit it, its play icon to set it):</p>")
        for parameter in query.parameters:
            value = _param_value(parameter.default)
            parts.append(
                f'<pre class="runnable">:param {escape(parameter.name)} =&gt; {escape(value)}'
                f"</pre>\n<p><small>{escape(parameter.description)}</small></p>"
            )
    parts.append(f'<pre class="runnable">{escape(query.body)}</pre>')
    columns = "".join(
        f"<li><code>{escape(c.name)}</code>: {escape(c.description)}</li>" for c in query.columns
    )
    parts.append(f"<p>Columns:</p><ul>{columns}</ul>")
    return _slide("\n".join(parts))


def browser_guide() -> str:
    """The guide's HTML: an opening slide, then one slide per library query, by name."""
    queries = library()
    listing = "".join(
        f"<li><code>{escape(name)}</code>: {escape(query.question)}</li>"
        for name, query in sorted(queries.items())
    )
    opening = _slide(
        "<h3>c360 analytics library</h3>\n"
        "<p>Ready-made Cypher over the customer graph (docs/analysts.md, docs/graph-model.md). "
        "The next slides hold one query each: set its parameters, then run it. The same "
        "queries run from a terminal: <code>c360 cypher --analytics NAME --param k=v</code>.</p>"
        f"\n<ul>{listing}</ul>\n"
        '<pre class="runnable">CALL db.schema.visualization()</pre>'
    )
    slides = "\n".join([opening, *(_query_slide(q) for _, q in sorted(queries.items()))])
    return (
        '<!doctype html>\n<html><head><meta charset="utf-8">'
        "<title>c360 analytics library</title></head><body>\n"
        '<article class="guide">\n<carousel class="deck container-fluid">\n'
        f"{slides}\n</carousel>\n</article>\n</body></html>\n"
    )
