"""Sources: every source, what it supports and what it cites."""

from graph.ui.app import run_page
from graph.ui.views import sources

run_page(sources.render)
