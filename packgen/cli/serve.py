"""`packgen serve`: the explorer for planners, a local read-only web server over a run."""

from __future__ import annotations

from pathlib import Path

import click

HOST = "127.0.0.1"  # never another interface: the explorer has no authentication


@click.command("serve")
@click.argument("run_dir", metavar="RUN", type=click.Path(exists=True, path_type=Path))
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 to serve on.")
def serve(run_dir: Path, port: int) -> None:
    """Explore RUN in a web browser: providers, categories, sub-units and HRGs, peers.

    RUN is a run folder written by `packgen build` (or its packgen.duckdb). The store is
    copied into memory at start, so builds can rewrite it while the explorer runs. Pages
    recompute their figures for other peers and percentiles (?peers=region&percentile=80,
    as `packgen compute --peers region --percentile 80` would), and every table has a CSV
    file. The server listens on 127.0.0.1 only, answers GET and HEAD only and serves
    nothing to another host name; stop it with Ctrl-C.

    \b
    Example:
        packgen serve output/run
        packgen serve output/real-run --port 8080
    then open http://127.0.0.1:8000/ (or the port given).
    """
    # Imported here so that `packgen --help` stays fast.
    import uvicorn

    from packgen.serve.app import create_app
    from packgen.serve.explorer import Explorer

    def say(message: str) -> None:
        click.echo(message, err=True)

    explorer = Explorer(run_dir, say=say)
    say(f"ready in {explorer.startup_seconds:.1f} s: {len(explorer.providers)} providers; "
        f"open http://{HOST}:{port}/ (Ctrl-C stops the server)")
    uvicorn.run(create_app(explorer), host=HOST, port=port, log_level="warning",
                access_log=False, server_header=False, proxy_headers=False)


COMMANDS = [serve]
