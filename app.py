"""Custodiet dashboard: `streamlit run app.py` (the store is the one CUSTODIET_* settings name)."""

from graph.ui.app import main

main()
