"""Map: regulator and court actions and agency use by country."""

from graph.ui.app import run_page
from graph.ui.views import world_map

run_page(world_map.render)
