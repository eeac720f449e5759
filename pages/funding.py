"""Funding page: see graph/ui/views/tasks.py."""

from graph.ui.app import run_page
from graph.ui.views import tasks

run_page(tasks.funding)
