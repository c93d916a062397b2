"""The provider-hosts test seam really speaks TLS under the providers' names, and only those."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.verification.fetcher import FetchError
from tests.support.loopback import RecordedRequest, Route
from tests.support.provider_hosts import ProviderHosts


def test_a_listed_host_is_served_over_tls_by_name_and_routes_by_host(tmp_path: Path) -> None:
    with ProviderHosts(tmp_path, "www.credly.com", "api.credly.com") as hosts:
        hosts.route(
            "www.credly.com",
            "/users/ada/badges.json",
            body=b'{"data": []}',
            headers={"content-type": "application/json"},
        )
        hosts.route("api.credly.com", "/users/ada/badges.json", status=410)
        fetcher = hosts.fetcher()
        response = fetcher.fetch("https://www.credly.com/users/ada/badges.json")
        assert response.status == 200
        assert response.content == b'{"data": []}'
        assert hosts.server.sni_names[-1] == "www.credly.com"
        assert len(hosts.requests_to("www.credly.com", "/users/ada/badges.json")) == 1


def test_a_host_the_test_did_not_list_does_not_resolve(tmp_path: Path) -> None:
    with ProviderHosts(tmp_path, "www.credly.com") as hosts:
        with pytest.raises(FetchError) as caught:
            hosts.fetcher().fetch("https://www.credly.com.evil.example/users/ada/badges.json")
        assert "could not be found" in str(caught.value)


def test_a_route_may_answer_per_request_by_its_query(tmp_path: Path) -> None:
    def page(request: RecordedRequest) -> Route:
        return Route(body=request.path.partition("?")[2].encode())

    with ProviderHosts(tmp_path, "www.credly.com") as hosts:
        hosts.route("www.credly.com", "/users/ada/badges.json", handler=page)
        response = hosts.fetcher().fetch("https://www.credly.com/users/ada/badges.json?page=2")
        assert response.content == b"page=2"
