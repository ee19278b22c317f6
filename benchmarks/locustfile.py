"""The mixed workload of `make load` (issue 5): search 60%, suggest 15%, trending 10%, reports 10%,
ingestion 5%, by task weight. Tokens and subjects come from the environment set by benchmarks.load."""

from __future__ import annotations

import json
import os
import random
import uuid
from datetime import UTC, datetime, timedelta

from locust import HttpUser, between, task

QUERIES = ["kimchi stew", "subscribe", "제주", "piano cover", "street food", "tutorial", "서울 여행", "live"]
PREFIXES = ["kim", "pia", "str", "서울", "김치", "tu", "gu"]
WINDOWS = ["now", "24h", "7d"]
SUBJECTS = json.loads(os.environ.get("LOAD_SUBJECTS", "{}"))
ANALYST = {"Authorization": f"Token {os.environ.get('LOAD_ANALYST_TOKEN', '')}"}
INGEST = {"Authorization": f"Token {os.environ.get('LOAD_INGEST_TOKEN', '')}"}
MAX_VIDEO = int(os.environ.get("LOAD_MAX_VIDEO", "1000"))


class ApiUser(HttpUser):
    wait_time = between(0.0, 0.05)

    @task(60)
    def search(self):
        params = {"q": random.choice(QUERIES)}
        if random.random() < 0.3:
            params["facets"] = "category,language"
        self.client.get("/api/v1/search/videos", params=params, name="search")

    @task(15)
    def suggest(self):
        self.client.get("/api/v1/search/suggest", params={"q": random.choice(PREFIXES)}, name="suggest")

    @task(10)
    def trending(self):
        self.client.get("/api/v1/trending/videos", params={"window": random.choice(WINDOWS)}, name="trending")

    @task(10)
    def report(self):
        today = datetime.now(UTC).date()
        if random.random() < 0.5 and SUBJECTS.get("video"):
            path = f"/api/v1/analytics/videos/{SUBJECTS['video']}"
        else:
            path = f"/api/v1/analytics/channels/{SUBJECTS.get('channel', 1)}"
        params = {"start": str(today - timedelta(days=89)), "end": str(today)}
        self.client.get(path, params=params, headers=ANALYST, name="report")

    @task(5)
    def ingest(self):
        now = datetime.now(UTC)
        events = [
            {
                "event_id": str(uuid.uuid4()),
                "video_id": random.randint(1, MAX_VIDEO),
                "occurred_at": (now - timedelta(seconds=random.random() * 600)).isoformat(),
                "watch_seconds": round(random.random() * 300, 1),
                "country": random.choice(["US", "KR", "JP"]),
                "device": random.choice(["mobile", "desktop"]),
            }
            for _ in range(100)
        ]
        self.client.post("/api/v1/events/views", json={"events": events}, headers=INGEST, name="ingest")
