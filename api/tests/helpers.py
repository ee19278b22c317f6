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
