"""Synonyms: staff manage the sets through the API, and searches apply them at query time, no reindex."""

from __future__ import annotations

import pytest

from search import synonyms
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db
URL = "/api/v1/search/synonyms"


@pytest.fixture
def staff(make_user, client_for):
    return client_for(make_user("staffer", is_staff=True))


@pytest.fixture
def catalogue(make_video):
    return {
        "television": make_video(title="Television repair at home"),
        "telly": make_video(title="Old telly restored"),
        "series": make_video(title="The best series of the year", category="entertainment"),
        "tvshow": make_video(title="A tv show about cooking", category="entertainment"),
        "showtv": make_video(title="Show me your tv", category="entertainment"),
        "kimchi_ko": make_video(title="김치찌개 끓이는 법", language="ko", region="KR"),
        "kimchi_en": make_video(title="Kimchi stew for beginners"),
    }


@pytest.fixture(autouse=True)
def _no_wait(monkeypatch):
    """Searches see a change at once (the sets' version is checked at every search, not every 5 s)."""
    monkeypatch.setattr(synonyms, "SYNONYMS_TTL_S", 0.0)


def search(client, q: str) -> dict:
    response = client.get("/api/v1/search/videos", {"q": q, "page_size": 50})
    assert response.status_code == 200, response.content
    return response.json()


def ids(body: dict) -> set[int]:
    return {hit["id"] for hit in body["results"]}


def test_staff_create_read_update_and_delete_a_set(staff):
    created = staff.post(URL, {"terms": ["tv", "television", "TV", "télévision"]}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    # repeats (case, accents, spacing aside) are dropped, the first spelling kept
    assert body["terms"] == ["tv", "television"] and body["expands_to"] == []
    url = f"{URL}/{body['id']}"
    assert staff.get(url).json()["terms"] == ["tv", "television"]
    listed = staff.get(URL).json()
    assert [s["id"] for s in listed["results"]] == [body["id"]] and listed["next"] is None
    updated = staff.put(url, {"terms": ["kimchi"], "expands_to": ["김치"]}, format="json")
    assert updated.status_code == 200 and updated.json()["expands_to"] == ["김치"]
    assert staff.delete(url).status_code == 204
    assert_error(staff.get(url), 404, "not_found")
    assert_error(staff.delete(url), 404, "not_found")


def test_only_staff_manage_synonyms(anon, make_user, client_for):
    assert_error(anon.get(URL), 401, "not_authenticated")
    someone = client_for(make_user())
    assert_error(someone.get(URL), 403, "permission_denied")
    assert_error(someone.post(URL, {"terms": ["a", "b"]}, format="json"), 403, "permission_denied")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"terms": []},
        {"terms": ["tv"]},  # a multi-way set of one term
        {"terms": ["tv", "TV"]},  # the same term twice
        {"terms": "tv, television"},
        {"terms": ["tv", ""]},
        {"terms": ["tv", "!!!"]},
        {"terms": ["tv", '"television"']},
        {"terms": ["tv", "a very long phrase of words"]},
        {"terms": ["tv", "x" * 101]},
        {"terms": ["tv", 7]},
        {"terms": ["tv"], "expands_to": "television"},
        {"terms": [f"t{i}" for i in range(33)]},
        ["tv", "television"],
    ],
)
def test_bad_sets_are_400(staff, body):
    assert_error(staff.post(URL, body, format="json"), 400, "invalid_body")
    assert staff.get(URL).json()["results"] == []


def test_a_multi_way_set_finds_each_term_by_the_others(staff, anon, catalogue):
    assert ids(search(anon, "tv")) == {catalogue["tvshow"].pk, catalogue["showtv"].pk}
    staff.post(URL, {"terms": ["tv", "television", "telly"]}, format="json")
    body = search(anon, "tv")
    assert body["query"]["synonyms"] == [{"term": "tv", "expanded": ["television", "telly"]}]
    wanted = {catalogue[k].pk for k in ("television", "telly", "tvshow", "showtv")}
    assert ids(body) == wanted
    assert ids(search(anon, "telly")) == wanted
    assert search(anon, "repair")["query"]["synonyms"] == []


def test_a_one_way_set_between_korean_and_english(staff, anon, catalogue):
    staff.post(URL, {"terms": ["kimchi"], "expands_to": ["김치"]}, format="json")
    body = search(anon, "kimchi")
    assert ids(body) == {catalogue["kimchi_ko"].pk, catalogue["kimchi_en"].pk}
    assert body["query"]["synonyms"] == [{"term": "kimchi", "expanded": ["김치"]}]
    # not the reverse
    assert ids(search(anon, "김치")) == {catalogue["kimchi_ko"].pk}
    # a Korean word finds an English one through a set the other way round
    staff.post(URL, {"terms": ["찌개"], "expands_to": ["stew"]}, format="json")
    assert ids(search(anon, "찌개")) == {catalogue["kimchi_ko"].pk, catalogue["kimchi_en"].pk}


def test_a_phrase_synonym(staff, anon, catalogue):
    staff.post(URL, {"terms": ["tv show", "series"]}, format="json")
    body = search(anon, "tv show")
    # the words spelling the phrase match it as a phrase, or its synonym
    assert ids(body) == {catalogue["tvshow"].pk, catalogue["series"].pk}
    assert body["query"]["synonyms"] == [{"term": "tv show", "expanded": ["series"]}]
    assert ids(search(anon, '"TV  Show"')) == {catalogue["tvshow"].pk, catalogue["series"].pk}
    assert ids(search(anon, "series")) == {catalogue["series"].pk, catalogue["tvshow"].pk}
    # an excluded term is not expanded
    assert ids(search(anon, "tv -show")) == set()


def test_changes_apply_to_searches_with_no_reindex(staff, anon, catalogue):
    """Each process checks the sets' version (their count and newest change) every SYNONYMS_TTL_S
    seconds and reads them again when it moved: with no wait, the next search sees every change."""
    created = staff.post(URL, {"terms": ["repair", "fix"]}, format="json").json()
    fix = catalogue["television"].pk
    assert ids(search(anon, "fix")) == {fix}
    staff.put(f"{URL}/{created['id']}", {"terms": ["repair", "mend"]}, format="json")
    assert ids(search(anon, "fix")) == set()
    assert ids(search(anon, "mend")) == {fix}
    staff.delete(f"{URL}/{created['id']}")
    body = search(anon, "mend")
    assert body["query"]["synonyms"] == [] and fix not in ids(body)


def test_synonyms_are_never_corrected_as_misspellings(staff, anon, catalogue):
    staff.post(URL, {"terms": ["tellyy", "television"]}, format="json")
    body = search(anon, "tellyy")
    assert body["suggestion"] is None
    assert ids(body) == {catalogue["television"].pk}
