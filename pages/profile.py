"""Entity profile (?id=ENTITY): claims with sources, timeline, network, downloads."""

from graph.ui.app import run_page
from graph.ui.views import profile

run_page(profile.render)
