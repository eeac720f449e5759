"""``/queries/<name>``: named queries with parameters, formats as on /sparql, clear refusals."""

from __future__ import annotations

import httpx

URL = "/queries/cookbook-who-funds"


def test_named_query_with_parameter_and_repeated_formats(endpoint: str) -> None:
    # SPARQLWrapper-style repeated values that agree are one format, as on /sparql
    response = httpx.get(f"{endpoint}{URL}?entity=clearview-ai&format=csv&output=text/csv",
                         timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "Peter Thiel" in response.text


def test_named_query_refusals(endpoint: str) -> None:
    disagree = httpx.get(f"{endpoint}{URL}?entity=clearview-ai&format=json&format=xml",
                         timeout=30)
    assert disagree.status_code == 400 and "disagree" in disagree.text
    unknown = httpx.get(f"{endpoint}{URL}?entity=clearview-ai&colour=red", timeout=30)
    assert unknown.status_code == 400 and "no parameter colour" in unknown.text
    missing = httpx.get(f"{endpoint}/queries/no-such-query", timeout=30)
    assert missing.status_code == 404 and "no named query" in missing.text
