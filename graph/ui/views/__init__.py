"""One module per dashboard page, each with a ``render()`` that the thin ``pages/*.py`` call."""
