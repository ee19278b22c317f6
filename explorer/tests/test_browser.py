"""The explorer in headless Chromium (Debian's package, driven by Playwright) against gunicorn: type a
query, see suggestions, pick one with the keyboard, see highlighted results, open a card's related
videos, apply a facet and see the results and counts change, follow "more", reload the shared address,
see the did-you-mean line, open trending, sign in and see a chart with one point per day; Korean texts,
phone width, and no request leaving the app. Screenshots of the three views go to test-results/explorer/.

Without a Chromium the test is skipped, unless REQUIRE_BROWSER=1 (as .ci/run sets, which installs it)."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group
from django.db import connection
from rest_framework.authtoken.models import Token

from analytics.services import events_ingest
from api import services
from search.services import suggestions_rebuild
from tests.live import ROOT, Gunicorn, database_url_of

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = ROOT / "test-results" / "explorer"

if not CHROMIUM:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError("REQUIRE_BROWSER=1 but no Chromium: apt-get install chromium")
    pytest.skip("no Chromium here (apt-get install chromium)", allow_module_level=True)

sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
expect = pytest.importorskip("playwright.sync_api").expect

PASSWORD = "A-browser-test-pw-42"
TITLES = [
    ("Kimchi stew for beginners", "food", "howto", "en"),
    ("Kimchi fried rice in ten minutes", "food", "howto", "en"),
    ("Spicy kimchi pancake", "food", "howto", "en"),
    ("Kimchi jjigae street food tour", "travel", "travel", "en"),
    ("Making kimchi with grandma", "food", "people", "en"),
    ("Kimchi noodles late night", "food", "howto", "en"),
    ("Vegan kimchi recipe", "food", "howto", "en"),
    ("Kimchi fermentation science", "science", "science", "en"),
    ("Kimchi song for kids", "music", "music", "en"),
    ("Kimchi drum cover", "music", "music", "en"),
    ("Kimchi fest live concert", "music", "music", "en"),
    ("김치찌개 끓이는 법", "요리", "howto", "ko"),
    ("김치볶음밥 레시피", "요리", "howto", "ko"),
    ("Piano cover of a pop song", "piano", "music", "en"),
]


@pytest.fixture
def explorer_server(django_db_setup, django_db_blocker, tmp_path, make_user):
    owner = make_user("viewer", groups=("analysts",))
    # hashed as production does: gunicorn runs with the default hashers, not the tests' fast one
    owner.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    owner.save(update_fields=["password"])
    channel = services.channel_create(
        owner=owner, handle="kimchikitchen", name="Kimchi Kitchen", country="kr"
    )
    videos = [
        services.video_create(
            channel=channel,
            title=title,
            description=f"All about {title.lower()}: ingredients, steps and tips.",
            tags=[tag, "kimchi" if "imchi" in title else "music"],
            category=category,
            language=language,
            region="KR",
            duration_s=120 + 400 * index,
        )
        for index, (title, tag, category, language) in enumerate(TITLES)
    ]
    now = datetime.now(UTC)
    events = [
        {
            "event_id": str(uuid.uuid4()),
            "video_id": videos[i % len(videos)].pk,
            "occurred_at": (now - timedelta(days=i % 20, minutes=i)).isoformat(),
            "watch_seconds": 30 + i % 90,
            "country": ("KR", "US", "JP")[i % 3],
            "device": ("mobile", "desktop", "tv")[i % 3],
            "viewer_id": f"v{i % 40}",
        }
        for i in range(600)
    ]
    events_ingest(raw_events=events)
    suggestions_rebuild()
    Group.objects.get_or_create(name="analysts")
    token = Token.objects.create(user=owner).key
    with Gunicorn(
        database_url=database_url_of(connection.settings_dict),
        log=tmp_path / "gunicorn.log",
        THROTTLING="off",
    ) as server:
        yield {"base": f"http://127.0.0.1:{server.port}", "token": token, "channel": channel.pk}


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield chromium
        chromium.close()


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.django_db(transaction=True)
def test_explorer_in_a_real_browser(explorer_server, browser):
    base = explorer_server["base"]
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    foreign: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(base) else foreign.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None,
    )

    # Search: suggestions while typing, picked with the keyboard
    page.goto(f"{base}/")
    expect(page.locator("nav a.active")).to_have_text("Search")
    page.locator("#q").press_sequentially("kimc", delay=60)
    options = page.locator("#suggestions li")
    expect(options.first).to_be_visible()
    assert any("imchi" in text.lower() for text in options.all_text_contents())
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    picked = options.first.text_content()
    page.keyboard.press("Enter")
    expect(page.locator("#q")).to_have_value(picked)
    expect(page.locator("#suggestions")).to_be_hidden()
    expect(page.locator("#results li").first).to_be_visible()

    # A broad query: highlighted results, facets with counts, "more" through the cursor
    page.locator("#q").fill("kimchi")
    expect(page.locator("#suggestions li").first).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#suggestions")).to_be_hidden()
    expect(page.locator("#q")).to_have_value("kimchi")
    page.locator("#search-form button[type=submit]").click()
    expect(page.locator("#total")).to_have_text(re.compile(r"^1[0-9] results$"))
    before_total = page.locator("#total").text_content()
    expect(page.locator("#results li")).to_have_count(10)
    assert page.locator("#results mark").count() >= 10
    assert page.locator("#results mark").first.text_content().lower() == "kimchi"
    expect(page).to_have_url(re.compile(r"q=kimchi"))
    shot(page, "search")
    page.locator("#more").click()
    expect(page.locator("#results li")).to_have_count(int(before_total.split()[0]))
    expect(page.locator("#more")).to_be_hidden()
    titles = page.locator("#results h3").all_text_contents()
    assert len(titles) == len(set(titles))  # no repeats across pages

    # A card's related videos, on demand, never the video itself
    first = page.locator("#results > li").first
    first.locator(".v-related-toggle").click()
    expect(first.locator(".v-related-toggle")).to_have_attribute("aria-expanded", "true")
    related = first.locator(".v-related-item a")
    expect(related.first).to_be_visible()
    assert first.locator("h3").text_content() not in related.all_text_contents()

    music = page.locator(".facet[data-facet=category] .chip[data-value=music]")
    music_count = int(music.locator(".count").text_content())
    howto_count = page.locator(".facet[data-facet=category] .chip[data-value=howto] .count").text_content()
    music.click()
    expect(page.locator("#total")).to_have_text(f"{music_count} results")
    expect(page.locator("#results li")).to_have_count(music_count)
    expect(page.locator(".facet[data-facet=category] .chip[data-value=music]")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.locator(".facet[data-facet=category] .chip[data-value=howto]").count() == 0 or (
        page.locator(".facet[data-facet=category] .chip[data-value=howto] .count").text_content()
        != howto_count
    )
    assert "category=music" in page.url

    # The address is the search: reloading it gives the same results
    page.reload()
    expect(page.locator("#q")).to_have_value("kimchi")
    expect(page.locator("#total")).to_have_text(f"{music_count} results")

    # Did you mean: a misspelling that finds nothing as typed
    page.goto(f"{base}/?view=search&q=kimchee")
    expect(page.locator("#corrected")).to_have_text(re.compile(r"Showing results for kimchi"))
    expect(page.locator("#results li").first).to_be_visible()

    # Trending, by window
    page.locator("nav a[data-view=trending]").click()
    expect(page.locator("#trending li").first).to_be_visible()
    page.locator("#t-window button[data-window='7d']").click()
    expect(page.locator("#t-window button[data-window='7d']")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#trending")).to_have_attribute("data-window", "7d")  # not the list drawn before
    expect(page.locator("#trending li").first).to_be_visible()
    assert "window=7d" in page.url
    in_window = [
        int(text.split()[1].replace(",", ""))
        for text in page.locator("#trending .v-window").all_text_contents()
    ]
    # the fixture's events fall on days 0-19 back, evenly: days 0-6 are inside 7 days
    assert sum(in_window) == 600 * 7 // 20 and in_window == sorted(in_window, reverse=True)
    shot(page, "trending")

    # Analytics: sign in with a token, a line chart with one point per day of the default 28 days
    page.locator("nav a[data-view=analytics]").click()
    page.locator("#token").fill(explorer_server["token"])
    page.locator("#signin button[type=submit]").click()
    expect(page.locator("#me")).to_have_text("viewer")
    expect(page.locator("#r-id")).to_have_value(str(explorer_server["channel"]))
    expect(page.locator("#chart-series")).to_have_attribute("data-points", "28")
    expect(page.locator("#chart-country")).to_have_attribute("data-points", "3")
    expect(page.locator("#chart-device")).to_have_attribute("data-points", "3")
    views = page.evaluate(
        "window.explorerCharts['chart-series'].data.datasets[0].data.reduce((a, b) => a + b, 0)"
    )
    assert views == 600
    expect(page.locator("#top-table tbody tr").first).to_be_visible()
    page.locator("#r-granularity").select_option("week")
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator("#chart-series")).to_have_attribute("data-points", re.compile(r"^[45]$"))
    shot(page, "analytics")

    assert not foreign, foreign  # offline: every script, style and font comes from the app
    assert not errors, errors
    context.close()


@pytest.mark.django_db(transaction=True)
def test_explorer_in_korean_and_at_phone_width(explorer_server, browser):
    base = explorer_server["base"]
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{base}/?view=search&q=김치")
    expect(page.locator("nav a[data-view=search]")).to_have_text("검색")
    expect(page.locator("#total")).to_have_text(re.compile(r"^결과 \d+개$"))
    expect(page.locator("#results mark").first).to_have_text(re.compile("김치"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "search-phone-ko")
    page.locator("#lang-switch").click()
    expect(page.locator("nav a[data-view=search]")).to_have_text("Search")
    page.reload()  # the choice is remembered
    expect(page.locator("nav a[data-view=search]")).to_have_text("Search")

    # sort order, duration, language and date filters go to the API and into the address
    page.goto(f"{base}/?view=search&q=kimchi")
    expect(page.locator("#total")).to_have_text("14 results")
    page.locator("#f-order").select_option("date")
    expect(page).to_have_url(re.compile(r"order=date"))
    page.locator("#f-duration").select_option("short")
    expect(page.locator("#total")).to_have_text("1 results")
    expect(page.locator("#results h3")).to_have_text("Kimchi stew for beginners")
    page.locator("#f-duration").select_option("")
    page.locator("#f-language").select_option("ko")
    expect(page.locator("#total")).to_have_text("2 results")
    page.locator("#f-after").fill((datetime.now(UTC) + timedelta(days=2)).date().isoformat())
    page.locator("#f-after").dispatch_event("change")
    expect(page.locator("#total")).to_have_text("Nothing found.")
    assert "published_after=" in page.url and "language=ko" in page.url

    # signing in with a username and password
    page.locator("nav a[data-view=analytics]").click()
    page.locator("#signin input[name=username]").fill("viewer")
    page.locator("#signin input[name=password]").fill(PASSWORD)
    page.locator("#signin button[type=submit]").click()
    expect(page.locator("#me")).to_have_text("viewer")
    expect(page.locator("#chart-series")).to_have_attribute("data-points", "28")
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_late_answer_does_not_overwrite_a_newer_one(explorer_server, browser):
    """Filters changed faster than the API answers: the answer to the older request, held back here until
    the newer one has been drawn, is dropped instead of drawn over it."""
    page = browser.new_page()
    page.goto(f"{explorer_server['base']}/?view=search&q=kimchi")
    expect(page.locator("#total")).to_have_text("14 results")
    held = []

    def hold_the_date_order(route):
        url = route.request.url
        if "order=date" in url and "duration=" not in url:
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/v1/search/videos?*", hold_the_date_order)
    page.locator("#f-order").select_option("date")
    page.wait_for_function("() => location.search.includes('order=date')")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the order=date request never left the page"
    page.locator("#f-duration").select_option("short")
    expect(page.locator("#total")).to_have_text("1 results")
    with page.expect_response(lambda response: response.request == held[0].request):
        held[0].continue_()
    page.wait_for_timeout(300)  # the late answer's JSON is parsed and would be drawn by now
    expect(page.locator("#total")).to_have_text("1 results")
    expect(page.locator("#results h3")).to_have_text(["Kimchi stew for beginners"])
    page.close()


@pytest.mark.django_db(transaction=True)
def test_an_estimated_total_and_sampled_facets_say_what_they_are(explorer_server, browser):
    """Past the counting cap the API answers an estimate and facets over a sample (facets_sampled); the
    page says "about N results" and notes the sample above the facets. The API's answer is the real one,
    its total and flag rewritten here: the catalogue of this test is too small to pass the cap."""
    page = browser.new_page()

    def as_past_the_cap(route):
        response = route.fetch()
        body = response.json()
        body["total"] = {"value": 55000, "relation": "estimate"}
        body["facets_sampled"] = True
        route.fulfill(response=response, json=body)

    page.route("**/api/v1/search/videos?*", as_past_the_cap)
    page.goto(f"{explorer_server['base']}/?view=search&q=kimchi&lang=en")
    expect(page.locator("#total")).to_have_text("about 55,000 results")
    expect(page.locator("#facets .facets-sampled")).to_have_text("Counts among the 1,001 most viewed matches")
    page.unroute("**/api/v1/search/videos?*")
    page.goto(f"{explorer_server['base']}/?view=search&q=kimchi&lang=en")
    expect(page.locator("#total")).to_have_text("14 results")
    expect(page.locator("#facets .facets-sampled")).to_have_count(0)
    page.close()


def ingest_in_a_thread(events: list[dict]) -> int:
    """Ingestion beside the browser (Playwright's sync API keeps an event loop in the test's thread, where
    Django refuses database calls)."""

    def ingest() -> int:
        try:
            return events_ingest(raw_events=events).accepted
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(ingest).result()


@pytest.mark.django_db(transaction=True)
def test_analytics_compare_country_day_realtime_and_csv(explorer_server, browser):
    """An analyst's report: the previous period as a second, dashed line; a day-by-country table; the last
    hour by minute, redrawn by itself as new views arrive; and the series downloaded as CSV."""
    base, channel = explorer_server["base"], explorer_server["channel"]
    context = browser.new_context(
        locale="en-US", viewport={"width": 1280, "height": 1400}, accept_downloads=True
    )
    context.add_init_script("window.EXPLORER_REALTIME_MS = 300")
    context.add_init_script(f"sessionStorage.setItem('explorer.token', '{explorer_server['token']}')")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/?view=analytics&kind=channels&id={channel}&compare=previous_period")
    expect(page.locator("#r-compare")).to_be_checked()
    expect(page.locator("#chart-series")).to_have_attribute("data-points", "28")
    labels = page.evaluate("window.explorerCharts['chart-series'].data.datasets.map((d) => d.label)")
    assert labels == ["views", "watch time (s)", "views, previous period"]
    dash = page.evaluate("window.explorerCharts['chart-series'].data.datasets[2].borderDash")
    assert dash == [6, 4]

    # the day-by-country table: every day of the 28, the fixture's three countries
    table = page.locator("#country-day-table")
    expect(table).to_have_attribute("data-days", "28")
    expect(table).to_have_attribute("data-countries", "3")
    expect(page.locator("#country-day-table thead th")).to_have_text(["day", "JP", "KR", "US"])
    cells = [
        int(text.replace(",", ""))
        for text in page.locator("#country-day-table tbody td:not(:first-child)").all_text_contents()
    ]
    assert sum(cells) == 600

    # realtime: the fixture's views of the last hour (0, 20 and 40 minutes ago), then one more, drawn by
    # the chart's own refresh
    realtime = page.locator("#chart-realtime")
    expect(realtime).to_have_attribute("data-points", "60")
    expect(realtime).to_have_attribute("data-views", "3")
    video_id = page.evaluate(
        "Number(document.querySelector('#realtime-top').textContent.match(/#(\\d+)/)[1])"
    )
    one_more = {
        "event_id": str(uuid.uuid4()),
        "video_id": video_id,
        "occurred_at": datetime.now(UTC).isoformat(),
        "watch_seconds": 12,
    }
    assert ingest_in_a_thread([one_more]) == 1
    expect(realtime).to_have_attribute("data-views", "4")
    assert int(realtime.get_attribute("data-refreshes")) >= 2
    shot(page, "analytics-compare-realtime")

    # CSV of the series as shown, under the API's file name
    with page.expect_download() as download:
        page.locator("#r-csv").click()
    assert download.value.suggested_filename == f"channel-{channel}.csv"
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert (
        lines[0]
        == "day,views,views_previous,views_change,watch_seconds,watch_seconds_previous,watch_seconds_change"
    )
    assert len(lines) == 29
    assert not errors, errors
    context.close()
