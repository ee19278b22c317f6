"""Assertions shared by the test suites."""


def assert_error(response, status: int, code: str) -> dict:
    """The response is an API.md error envelope with this status and code."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert error["status"] == status
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    return error


def ids_of_every_page(client, url: str, *, pages: int = 100) -> list[int]:
    """The ids of the results of `url` and of every page its `next` leads to, in order. Bounded: a cursor
    that does not advance fails instead of looping."""
    seen: list[int] = []
    for _ in range(pages):
        if not url:
            return seen
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    raise AssertionError(f"more than {pages} pages: the cursor does not advance")
