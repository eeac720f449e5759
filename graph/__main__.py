"""`python -m graph …` is the same as the `custodiet` command."""

from graph.cli import main

main()
