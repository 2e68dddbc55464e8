"""Routing topics: one per UN M49 region and one per IPTC Media Topics top-level concept,
so a downstream consumer can subscribe to just ``articles.region.asia`` or just
``articles.topic.sport``. The vocabularies are fixed (and listed here) because topics must
be created before the worker writes to them."""

from __future__ import annotations

from typing import Any

REGION_PREFIX = "region."
TOPIC_PREFIX = "topic."

# UN M49 regions (the level above the sub-regions carried on each region tag).
M49_REGIONS = ("africa", "americas", "asia", "europe", "oceania")
_REGION_ALIASES = {"north america": "americas", "south america": "americas", "latin america and the caribbean": "americas",
                   "northern america": "americas", "australia": "oceania", "antarctica": None}

# IPTC Media Topics top-level concepts: code -> routing slug (current labels).
IPTC_TOP_LEVEL = {
    "medtop:01000000": "arts-culture-entertainment-and-media",
    "medtop:02000000": "crime-law-and-justice",
    "medtop:03000000": "disaster-accident-and-emergency-incident",
    "medtop:04000000": "economy-business-and-finance",
    "medtop:05000000": "education",
    "medtop:06000000": "environment",
    "medtop:07000000": "health",
    "medtop:08000000": "human-interest",
    "medtop:09000000": "labour",
    "medtop:10000000": "lifestyle-and-leisure",
    "medtop:11000000": "politics",
    "medtop:12000000": "religion",
    "medtop:13000000": "science-and-technology",
    "medtop:14000000": "society",
    "medtop:15000000": "sport",
    "medtop:16000000": "conflict-war-and-peace",
    "medtop:17000000": "weather",
}


def region_slug(continent: str) -> str | None:
    name = continent.strip().lower()
    if name in M49_REGIONS:
        return name
    return _REGION_ALIASES.get(name)


def route_roles(article: dict[str, Any]) -> list[str]:
    """Routing roles of one clean article: its M49 regions and its top-level topics."""
    regions = {region_slug(r["continent"]) for r in article["regions"] if r.get("continent")}
    topics = {IPTC_TOP_LEVEL.get(t["code"]) for t in article["topics"]}
    return [REGION_PREFIX + r for r in sorted(x for x in regions if x)] + [TOPIC_PREFIX + t for t in sorted(x for x in topics if x)]


def route_roles_all() -> list[str]:
    return [REGION_PREFIX + r for r in M49_REGIONS] + [TOPIC_PREFIX + s for s in IPTC_TOP_LEVEL.values()]
