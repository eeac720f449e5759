"""The extraction assistant: article → proposed entities and claims → review file → ledger.

Layer: above the pipeline (it validates accepted records with ``graph.pipeline.run``) and below
the faces. Nothing here publishes: accepted items reach the graph only through the ledger and
the ordinary build.
"""
