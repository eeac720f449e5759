"""Running SPARQL safely, shared by the endpoint (graph.server) and the dashboard's SPARQL page.

``guard`` refuses updates, SERVICE and LOAD; ``pool`` runs queries in worker processes
(``python -m graph.sparql.worker``) and kills the one that runs past the time limit; ``execute``
runs one query in a worker (row cap, serialisation); ``negotiation`` chooses a media type.

The package import stays light because every query worker process imports it too.
"""
