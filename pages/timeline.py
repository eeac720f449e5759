"""Timeline: dated claims with their statuses."""

from graph.ui.app import run_page
from graph.ui.views import timeline

run_page(timeline.render)
