"""Generated documentation: the CLI reference, the settings reference and the dataset report.

Docs that describe code are generated from it (``custodiet docs``) and a test regenerates them
and fails when the committed copy differs, so nothing ships undocumented.
"""
