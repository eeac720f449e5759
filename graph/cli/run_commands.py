"""`custodiet up`: the main job — the SPARQL endpoint and the dashboard, side by side."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Annotated

import typer

from graph.cli.output import err
from graph.settings import ROOT, get_settings
from graph.store import open_store


def up(
    ui: Annotated[bool, typer.Option(help="Start the Streamlit dashboard.")] = True,
    endpoint: Annotated[bool, typer.Option(help="Start the SPARQL endpoint.")] = True,
) -> None:
    """Start the SPARQL endpoint and the dashboard on the built store; Ctrl-C stops both."""
    settings = get_settings()
    if open_store(settings).info() is None:
        err.print("error: no build yet: run `custodiet build` first", markup=False)
        raise typer.Exit(1)
    commands: list[list[str]] = []
    if endpoint:
        commands.append([sys.executable, "-m", "graph", "serve"])
    if ui:
        commands.append([
            sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.port", str(settings.ui_port), "--server.address", settings.host,
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
            # Analysts get the viewer toolbar (no "Deploy") and one-sentence errors, never a
            # traceback; .streamlit/config.toml says the same for a plain `streamlit run`.
            "--client.toolbarMode", "viewer", "--client.showErrorDetails", "none",
        ])
    processes = [subprocess.Popen(command) for command in commands]
    if endpoint:
        err.print(f"SPARQL endpoint: http://{settings.host}:{settings.port}/sparql", markup=False)
    if ui:
        err.print(f"dashboard:       http://{settings.host}:{settings.ui_port}", markup=False)
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    failed = [p.returncode for p in processes if p.returncode not in (0, -signal.SIGTERM, None)]
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(up)
