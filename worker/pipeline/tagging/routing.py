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


# Which routings exist; a deployment publishes all of them or a subset (NEWSWORKER_ROUTING).
REGION = "region"
TOPIC = "topic"
ALL_ROUTINGS: tuple[str, ...] = (REGION, TOPIC)


def route_roles(article: dict[str, Any], routings: tuple[str, ...] = ALL_ROUTINGS) -> list[str]:
    """Routing roles of one clean article: its M49 regions and its top-level topics, for
    the routings asked for. Why a choice: each role is one more copy of the whole article
    written to Kafka (about four per article with both), a cost a deployment whose
    consumers read only ``articles.clean`` need not pay."""
    roles: list[str] = []
    if REGION in routings:
        regions = {region_slug(r["continent"]) for r in article["regions"] if r.get("continent")}
        roles += [REGION_PREFIX + r for r in sorted(x for x in regions if x)]
    if TOPIC in routings:
        topics = {IPTC_TOP_LEVEL.get(t["code"]) for t in article["topics"]}
        roles += [TOPIC_PREFIX + t for t in sorted(x for x in topics if x)]
    return roles


def route_roles_all(routings: tuple[str, ...] = ALL_ROUTINGS) -> list[str]:
    """Every role :func:`route_roles` can return for ``routings``: the topics to create."""
    roles: list[str] = []
    if REGION in routings:
        roles += [REGION_PREFIX + r for r in M49_REGIONS]
    if TOPIC in routings:
        roles += [TOPIC_PREFIX + s for s in IPTC_TOP_LEVEL.values()]
    return roles
