"""The demo issuer's documents, public, registered only in demo mode."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, request

from app import config
from app.services.demo_issuer import ALL_AWARDS, BADGES, DemoIssuer, badge_svg
from app.services.demo_ob3 import OB3_AWARDS, DemoOb3Issuer

bp = Blueprint("demo_issuer", __name__, url_prefix="/demo-issuer")
AWARDS = {award.slug: award for award in ALL_AWARDS}
OB3 = {award.slug: award for award in OB3_AWARDS}


def _issuer() -> DemoIssuer:
    return DemoIssuer(config.INSTANCE_DIR / "demo-issuer", request.host_url)


def _json(document: object) -> Response:
    return Response(json.dumps(document, indent=2), mimetype="application/ld+json")


@bp.get("/issuer.json")
def issuer() -> Response:
    """The issuer profile."""
    return _json(_issuer().issuer())


@bp.get("/key.json")
def key() -> Response:
    """The issuer's public key."""
    return _json(_issuer().key_document())


@bp.get("/revocations.json")
def revocations() -> Response:
    """The issuer's revocation list."""
    return _json(_issuer().revocations(ALL_AWARDS))


@bp.get("/badges/<slug>.json")
def badge(slug: str) -> Response:
    """A BadgeClass."""
    if slug not in BADGES:
        abort(404)
    return _json(_issuer().badge_class(slug))


@bp.get("/assertions/<slug>.json")
def assertion(slug: str) -> Response:
    """A hosted assertion."""
    award = AWARDS.get(slug)
    if award is None or award.kind != "hosted":
        abort(404)
    return _json(_issuer().assertion(award))


@bp.get("/signed/<slug>.jws")
def signed(slug: str) -> Response:
    """A signed assertion as compact JWS text."""
    award = AWARDS.get(slug)
    if award is None or award.kind != "signed":
        abort(404)
    return Response(_issuer().signed(award), mimetype="text/plain")


@bp.get("/ob3/<slug>.json")
def ob3_credential(slug: str) -> Response:
    """An Open Badges 3.0 credential, or the status list."""
    issuer = DemoOb3Issuer(config.INSTANCE_DIR / "demo-issuer", request.host_url)
    if slug == "status":
        return _json(issuer.status_list(list(OB3_AWARDS)))
    award = OB3.get(slug)
    if award is None:
        abort(404)
    return _json(issuer.credential(award))


@bp.get("/images/<slug>.svg")
def image(slug: str) -> Response:
    """A badge image."""
    return Response(badge_svg(slug), mimetype="image/svg+xml")
