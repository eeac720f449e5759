"""Claim page: see graph/ui/views/claim.py."""

from graph.ui.app import run_page
from graph.ui.views import claim

run_page(claim.render)
