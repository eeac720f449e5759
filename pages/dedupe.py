"""Merge candidates: decide whether two records are one entity."""

from graph.ui.app import run_page
from graph.ui.views import dedupe

run_page(dedupe.render)
