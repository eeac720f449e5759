"""Path finder: shortest chains of claims between two entities."""

from graph.ui.app import run_page
from graph.ui.views import paths

run_page(paths.render)
