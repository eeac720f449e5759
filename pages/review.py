"""Review: accept, edit or reject extracted claims before they enter the ledger."""

from graph.ui.app import run_page
from graph.ui.views import review

run_page(review.render)
