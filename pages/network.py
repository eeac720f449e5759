"""Network explorer: filtered claims graph, sized by centrality."""

from graph.ui.app import run_page
from graph.ui.views import network

run_page(network.render)
