"""The ``custodiet`` command line: one module per group of commands, registered here."""

from __future__ import annotations

import typer

from graph.cli import data_commands, query_commands

app = typer.Typer(
    name="custodiet",
    help="Custodiet: a sourced knowledge graph of surveillance technology and policy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_commands.register(app)
query_commands.register(app)


def _register_optional() -> None:
    """Commands of later layers register themselves when their module is present."""
    import importlib

    for name in ("graph.cli.serve_commands", "graph.cli.analyze_commands",
                 "graph.cli.bulk_commands", "graph.cli.docs_commands", "graph.cli.run_commands"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(app)


_register_optional()


def main() -> None:
    app()
