"""The demo organisation's roles rank the demo candidates on their verified badges."""

from __future__ import annotations

from app.models import Organization, RoleProfile
from app.services import ranking as ranking_service
from jobs import worker


def test_demo_roles_rank_demo_candidates_with_explanations(demo_server) -> None:  # type: ignore[no-untyped-def]
    from app.services import demo

    base, settings = demo_server
    demo.seed(base)
    demo.seed(base)  # idempotent: still two roles
    organization = Organization.by_slug(demo.DEMO_SLUG)
    assert RoleProfile.of(organization).count() == 2
    worker.drain(settings, extra_allow=base.removeprefix("http://"))

    analyst = RoleProfile.of(organization).where(RoleProfile.title == "Data analyst").get()
    ranking = ranking_service.ranking_for(analyst)
    first = ranking.scores[0]
    assert first.name == "Ben Okafor" and first.meets_required and first.score > 50
    chen = next(s for s in ranking.scores if s.name == "Chen Wei")
    assert not chen.meets_required and "SQL" in {r.name for r in chen.missing_required}

    cloud = RoleProfile.of(organization).where(RoleProfile.title == "Cloud support engineer").get()
    top = ranking_service.ranking_for(cloud).scores[0]
    assert top.name == "Amira Haddad" and top.meets_required
    assert any(s.kind == "renew" for s in top.suggestions)  # her security badge expired
    linux = next(row for row in top.rows if row.requirement.name == "Linux")
    assert linux.evidence is not None and linux.evidence.name == "Cloud Practitioner"
