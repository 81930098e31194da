"""`packgen serve`: a local, read-only web explorer of a run for planners.

`explorer` computes a page's figures (the store in memory, the engine's own SQL for other peers
and percentiles), `pages` turns them into each page's context and table, `app` is the Starlette
application (routes, guards, CSV responses), `query` reads a page's state from its URL,
`charts` draws the peer charts and `csvfile` writes the CSV files. Templates and static files are
in packgen/templates/serve.
"""
