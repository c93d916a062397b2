"""A Credly public profile in the shape Credly publishes it, served under Credly's own host names
by ProviderHosts: `www.credly.com/users/<slug>/badges.json` (pages of `data` and `metadata`)
and, behind each badge, a real OB 2.0 hosted assertion at `api.credly.com/v1/obi/v2/...`, so
every badge of the profile is really verified.

    with ProviderHosts(tmp_path, *CREDLY_HOSTS) as hosts:
        profile = CredlyProfile("ada-lovelace", badges=3).serve(hosts)
        hosts.install(monkeypatch)
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.loopback import RecordedRequest, Route
from tests.support.ob2_builders import DEFAULT_EMAIL, IssuerKit
from tests.support.provider_hosts import ProviderHosts

CREDLY_HOSTS = ("www.credly.com", "api.credly.com")
CREDLY_OBI = "https://api.credly.com/v1/obi/v2"
JSON = {"content-type": "application/json; charset=utf-8"}


TEMPLATES = (
    "Cloud Practitioner",
    "Data Analytics Essentials",
    "Kubernetes Administrator",
    "Project Management Foundations",
    "Cybersecurity Fundamentals",
)


def template_name(n: int) -> str:
    """The n-th badge's name, as its BadgeClass and Credly's `badge_template.name` give it."""
    name = TEMPLATES[n % len(TEMPLATES)]
    return name if n < len(TEMPLATES) else f"{name} {n // len(TEMPLATES) + 1}"


def badge_id(n: int, slug: str = "") -> str:
    """A stable badge UUID, as Credly's badge ids are."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"credly:{slug}:{n}"))


@dataclass
class CredlyProfile:
    """One earner's public badges on Credly, `per_page` to a page of badges.json."""

    slug: str
    badges: int = 3
    per_page: int = 48
    email: str = DEFAULT_EMAIL
    private: set[int] = field(default_factory=set)  # badge numbers the earner hid
    kit: IssuerKit = field(default_factory=lambda: IssuerKit(base=CREDLY_OBI, name="Acme Academy"))

    @property
    def url(self) -> str:
        return f"https://www.credly.com/users/{self.slug}/badges"

    @property
    def ids(self) -> list[str]:
        return [badge_id(n, self.slug) for n in range(self.badges)]

    @property
    def public_ids(self) -> list[str]:
        return [badge for n, badge in enumerate(self.ids) if n not in self.private]

    def badge_class_url(self, n: int) -> str:
        return f"{CREDLY_OBI}/badge_classes/{uuid.uuid5(uuid.NAMESPACE_URL, f'template:{n}')}"

    def assertion_url(self, badge: str) -> str:
        return f"{CREDLY_OBI}/badge_assertions/{badge}"

    def page(self, number: int) -> dict[str, Any]:
        """Page `number` of badges.json, as Credly shapes it."""
        pages = max(1, -(-self.badges // self.per_page))
        start = (number - 1) * self.per_page
        numbers = range(start, min(self.badges, start + self.per_page))
        base = f"https://www.credly.com/users/{self.slug}/badges.json"
        return {
            "data": [self._entry(n) for n in numbers],
            "metadata": {
                "count": len(numbers),
                "current_page": number,
                "total_count": self.badges,
                "total_pages": pages,
                "per": self.per_page,
                "previous_page_url": f"{base}?page={number - 1}" if number > 1 else None,
                "next_page_url": f"{base}?page={number + 1}" if number < pages else None,
            },
        }

    def _entry(self, n: int) -> dict[str, Any]:
        badge = badge_id(n, self.slug)
        return {
            "id": badge,
            "issued_at_date": "2024-01-15",
            "issued_to": "Ada Lovelace",
            "public": n not in self.private,
            "state": "accepted",
            "earner_path": f"/users/{self.slug}",
            "badge_template": {
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"template:{n}")),
                "name": template_name(n),
                "image_url": f"https://images.credly.com/images/{badge}/image.png",
                "url": "https://www.credly.com/org/acme-academy/badge/robotics",
                "skills": [{"id": "s1", "name": "Robotics", "vanity_slug": "robotics"}],
            },
            "issuer": {
                "summary": "issued by Acme Academy",
                "entities": [
                    {"label": "Issued by", "primary": True, "entity": {"name": "Acme Academy"}}
                ],
            },
        }

    def serve(self, hosts: ProviderHosts, *, status: int = 200) -> CredlyProfile:
        """Route the profile's pages (or `status` for them) and every badge's documents."""
        path = f"/users/{self.slug}/badges.json"
        if status != 200:
            hosts.route("www.credly.com", path, status=status, body=b'{"error": "not found"}')
        else:
            hosts.route("www.credly.com", path, handler=self._answer_page)
        for url, document in self.kit.documents().items():
            hosts.route("api.credly.com", urlsplit(url).path, body=as_json(document), headers=JSON)
        for n, badge in enumerate(self.ids):
            template = self.badge_class_url(n)
            badge_class = self.kit.badge_class(id=template, name=template_name(n))
            hosts.route(
                "api.credly.com", urlsplit(template).path, body=as_json(badge_class), headers=JSON
            )
            url = self.assertion_url(badge)
            assertion = self.kit.hosted_assertion(badge, id=url, email=self.email, badge=template)
            hosts.route("api.credly.com", urlsplit(url).path, body=as_json(assertion), headers=JSON)
        return self

    def _answer_page(self, request: RecordedRequest) -> Route:
        query = parse_qs(urlsplit(request.path).query)
        number = int((query.get("page") or ["1"])[0])
        return Route(body=as_json(self.page(number)), headers=JSON)


def as_json(document: object) -> bytes:
    return json.dumps(document).encode()
