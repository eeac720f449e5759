"""The analysts' dashboard: everything behind the thin Streamlit pages in ``pages/``.

Modules that do not import Streamlit (``escape``, ``i18n``, ``model``, ``dossier``, ``downloads``,
``network``, ``charts``, ``guard``) are plain functions over a ``Store``, so benchmarks and
tests can call them directly; ``data`` adds the caches and ``views`` the widgets.
"""
