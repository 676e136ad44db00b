"""The OpenAPI document the app serves describes exactly the API routes the code has."""
from tests.builders import api_routes


def documented(document) -> set[tuple[str, str]]:
    return {(method, path) for path, item in document["paths"].items() for method in item}


def test_the_openapi_document_matches_the_routes(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    assert api_routes(app) == documented(document)


def test_every_documented_operation_describes_its_responses(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation.get("responses"), f"{method} {path}"
            assert operation.get("operationId"), f"{method} {path}"
