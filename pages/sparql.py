"""SPARQL: read-only queries with the endpoint's limits."""

from graph.ui.app import run_page
from graph.ui.views import sparql

run_page(sparql.render)
