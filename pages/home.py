"""Home: what the dataset holds, newest claims, search."""

from graph.ui.app import run_page
from graph.ui.views import home

run_page(home.render)
