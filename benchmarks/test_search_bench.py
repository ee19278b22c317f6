"""Search selectors in-process, beside the naive baselines, at the scale the database was seeded to.

    make bench            # seeds BENCH_VIDEOS (1,000,000) first, then runs every suite

Compare groups: each group holds ours and the baselines for one query.
"""

from __future__ import annotations

import itertools

import pytest

from api.filters import filter_params
from benchmarks import baselines
from benchmarks.scenarios import (
    RELATED_SCENARIOS,
    RELATED_SOURCES,
    SEARCH_SCENARIOS,
    SUGGEST_SCENARIOS,
    api_request,
    related_sources,
)
from search import params as search_params
from search import selectors
from search.related import related_videos

ROUNDS_OURS, ROUNDS_NAIVE = 30, 3


def ours(params: dict):
    request = search_params.search_request(api_request(params))
    return selectors.video_search(request=request)


@pytest.mark.parametrize("scenario", list(SEARCH_SCENARIOS))
def test_search_ours(benchmark, scenario):
    params = SEARCH_SCENARIOS[scenario][0]
    benchmark.group = f"search:{scenario}"
    benchmark.extra_info.update(kind="ours", scenario=scenario)
    result = benchmark.pedantic(ours, args=(params,), rounds=ROUNDS_OURS, warmup_rounds=2)
    assert result["results"], scenario


@pytest.mark.parametrize("scenario", [s for s in SEARCH_SCENARIOS if "q" in SEARCH_SCENARIOS[s][0]])
def test_search_naive_icontains(benchmark, scenario):
    q = SEARCH_SCENARIOS[scenario][0]["q"]
    benchmark.group = f"search:{scenario}"
    benchmark.extra_info.update(kind="naive_icontains", scenario=scenario)
    benchmark.pedantic(baselines.naive_icontains_search, args=(q,), rounds=ROUNDS_NAIVE, warmup_rounds=1)


@pytest.mark.parametrize("scenario", [s for s in SEARCH_SCENARIOS if "q" in SEARCH_SCENARIOS[s][0]])
def test_search_naive_rank_all(benchmark, scenario):
    q = SEARCH_SCENARIOS[scenario][0]["q"]
    benchmark.group = f"search:{scenario}"
    benchmark.extra_info.update(kind="naive_rank_all", scenario=scenario)
    benchmark.pedantic(baselines.naive_rank_search, args=(q,), rounds=ROUNDS_NAIVE, warmup_rounds=1)


@pytest.mark.parametrize("scenario", list(SUGGEST_SCENARIOS))
def test_suggest_ours(benchmark, scenario):
    prefix = SUGGEST_SCENARIOS[scenario][0]["q"]
    benchmark.group = f"suggest:{scenario}"
    benchmark.extra_info.update(kind="ours", scenario=scenario)
    result = benchmark.pedantic(
        selectors.suggest, kwargs={"prefix": prefix, "limit": 10}, rounds=ROUNDS_OURS, warmup_rounds=2
    )
    assert result


@pytest.mark.parametrize("scenario", list(SUGGEST_SCENARIOS))
def test_suggest_naive(benchmark, scenario):
    prefix = SUGGEST_SCENARIOS[scenario][0]["q"]
    benchmark.group = f"suggest:{scenario}"
    benchmark.extra_info.update(kind="naive_istartswith", scenario=scenario)
    benchmark.pedantic(baselines.naive_suggest, args=(prefix,), rounds=ROUNDS_NAIVE, warmup_rounds=1)


@pytest.mark.parametrize("scenario", [s for s in SUGGEST_SCENARIOS if "typo" in s])
def test_suggest_naive_fuzzy(benchmark, scenario):
    prefix = SUGGEST_SCENARIOS[scenario][0]["q"]
    benchmark.group = f"suggest:{scenario}"
    benchmark.extra_info.update(kind="naive_trigram_titles", scenario=scenario)
    benchmark.pedantic(baselines.naive_suggest_fuzzy, args=(prefix,), rounds=ROUNDS_NAIVE, warmup_rounds=1)


@pytest.fixture(scope="module")
def sources():
    return related_sources()


@pytest.mark.parametrize("scenario", list(RELATED_SCENARIOS))
def test_related_ours(benchmark, scenario, sources):
    """One round per source video: the max over them is about their p98."""
    filters = filter_params(api_request(RELATED_SCENARIOS[scenario][0]).query_params)
    videos = itertools.cycle(sources)
    benchmark.group = f"related:{scenario}"
    benchmark.extra_info.update(kind="ours", scenario=scenario)
    benchmark.pedantic(
        lambda: related_videos(video_id=next(videos), limit=10, filters=filters),
        rounds=RELATED_SOURCES,
        warmup_rounds=0,
    )


def test_related_naive(benchmark, sources):
    videos = itertools.cycle(sources[:: RELATED_SOURCES // ROUNDS_NAIVE])
    benchmark.group = "related:related"
    benchmark.extra_info.update(kind="naive_rank_title_words", scenario="related")
    benchmark.pedantic(lambda: baselines.naive_related(next(videos)), rounds=ROUNDS_NAIVE, warmup_rounds=0)
