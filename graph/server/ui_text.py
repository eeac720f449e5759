"""The few fixed words of the HTML pages, in the two languages the data is labelled in."""

from __future__ import annotations

UI: dict[str, dict[str, str]] = {
    "en": {
        "query": "Query", "ontology": "Ontology", "description": "Service description",
        "relation": "relation", "with": "with", "when": "when", "details": "details",
        "sources": "sources", "single": "single source", "disputed": "disputed",
        "this_page_as": "This page as", "claims_about": "Claims", "claims_by": "Claims by",
        "claims_on": "Claims about", "neighbours": "Linked entities", "aliases": "Also known as",
        "published": "Sources it published", "types": "Types", "iri": "IRI",
        "claim": "Claim", "references": "References", "locator": "where",
        "disputes": "Disputes", "disputed_by": "Disputed by", "source": "Source",
        "cites": "Cites", "cited_by": "Cited by", "claims_from": "Claims resting on it",
        "truncated": "Only the first rows are shown: the description passed the row limit.",
        "not_found": "Not found", "classes": "Classes", "predicates": "Predicates",
        "statuses": "Statuses", "inverse": "inverse", "domain": "subject", "range": "object",
        "value": "value", "subclass_of": "subclass of", "run": "Run", "examples": "Examples",
        "download": "Download", "rows": "rows", "editor": "SPARQL query",
        "query_intro": "Query the graph with SPARQL 1.1. Pick an example or write your own; "
                       "Ctrl+Enter runs it.",
        "limits": "Limits", "seconds": "s per query", "max_rows": "rows at most",
    },
    "fr": {
        "query": "Requête", "ontology": "Ontologie", "description": "Description du service",
        "relation": "relation", "with": "avec", "when": "quand", "details": "détails",
        "sources": "sources", "single": "source unique", "disputed": "contesté",
        "this_page_as": "Cette page en", "claims_about": "Affirmations",
        "claims_by": "Affirmations de", "claims_on": "Affirmations sur",
        "neighbours": "Entités liées", "aliases": "Aussi appelé", "published": "Sources publiées",
        "types": "Types", "iri": "IRI", "claim": "Affirmation", "references": "Références",
        "locator": "où", "disputes": "Contredit", "disputed_by": "Contredite par",
        "source": "Source", "cites": "Cite", "cited_by": "Citée par",
        "claims_from": "Affirmations qui s'appuient dessus",
        "truncated": "Seules les premières lignes sont montrées : la description dépasse la "
                     "limite de lignes.",
        "not_found": "Introuvable", "classes": "Classes", "predicates": "Prédicats",
        "statuses": "Statuts", "inverse": "inverse", "domain": "sujet", "range": "objet",
        "value": "valeur", "subclass_of": "sous-classe de", "run": "Exécuter",
        "examples": "Exemples", "download": "Télécharger", "rows": "lignes",
        "editor": "Requête SPARQL",
        "query_intro": "Interrogez le graphe en SPARQL 1.1. Choisissez un exemple ou écrivez "
                       "votre requête ; Ctrl+Entrée l'exécute.",
        "limits": "Limites", "seconds": "s par requête", "max_rows": "lignes au plus",
    },
}
