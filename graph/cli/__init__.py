"""The ``custodiet`` command line: one module per group of commands, registered here."""

from __future__ import annotations

import typer

from graph.cli import (
    analyze_commands,
    data_commands,
    derived_commands,
    docs_commands,
    evidence_commands,
    extract_commands,
    import_commands,
    query_commands,
    run_commands,
    serve_commands,
)

app = typer.Typer(
    name="custodiet",
    help="Custodiet: a sourced knowledge graph of surveillance technology and policy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for module in (data_commands, query_commands, serve_commands, docs_commands,
               run_commands, analyze_commands, import_commands, evidence_commands,
               extract_commands, derived_commands):
    module.register(app)


def main() -> None:
    app()
