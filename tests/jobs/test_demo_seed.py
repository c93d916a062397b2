"""The demo organisation verifies offline against the app's own demo issuer, every verdict right."""

from __future__ import annotations

from app.models import Candidate, Credential
from jobs import worker

EXPECTED = {
    "amira-cloud": "verified",
    "amira-k8s": "verified",
    "amira-security": "expired",
    "amira-ob3-data": "verified",
    "ben-sql": "verified",
    "ben-python": "verified",
    "ben-cloud": "revoked",
    "ben-ob3-k8s": "revoked",
    "chen-viz": "verified",
    "chen-security": "invalid",
    "chen-sql": "recipient_mismatch",
    "dana-python": "verified",
    "dana-k8s": "revoked",
    "dana-viz": "verified",
    "dana-ob3-cloud": "verified",
}


def test_demo_seed_verifies_to_every_intended_verdict(demo_server) -> None:  # type: ignore[no-untyped-def]
    from app.services import demo

    base, settings = demo_server
    demo.seed(base)
    demo.seed(base)  # idempotent
    assert Candidate.select().count() == 4
    worker.drain(settings, extra_allow=base.removeprefix("http://"))
    got = {c.source_url.rsplit("/", 1)[1].split(".")[0]: c.verdict for c in Credential.select()}
    assert got == EXPECTED
    names = {c.achievement_name for c in Credential.select() if c.verdict == "verified"}
    assert "Cloud Practitioner" in names and "Python for Data Analysis" in names


def test_demo_issuer_is_not_served_outside_demo_mode(app, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/demo-issuer/issuer.json").status_code in (302, 404)


def test_demo_seeded_on_another_port_follows_the_server_to_its_new_port(demo_server) -> None:  # type: ignore[no-untyped-def]
    """`PORT=8000 make run` after a first run on 5000: the badges point at the port in use."""
    from app.models import IssuerTrust
    from app.services import demo

    base, settings = demo_server
    demo.seed("http://127.0.0.1:9")  # the first run, on a port nothing answers any more
    report = demo.seed(base)
    assert "15 demo badges now point at" in report
    assert all(c.source_url.startswith(base + "/demo-issuer/") for c in Credential.select())
    assert IssuerTrust.get_or_none(IssuerTrust.issuer == f"{base}/demo-issuer/issuer.json")
    worker.drain(settings, extra_allow=base.removeprefix("http://"))
    got = {c.source_url.rsplit("/", 1)[1].split(".")[0]: c.verdict for c in Credential.select()}
    assert got == EXPECTED
    assert "now point at" not in demo.seed(base)  # the same port again: nothing to move


def test_demo_seed_gives_one_candidate_an_agreed_invite_with_badges_she_added(demo_server) -> None:  # type: ignore[no-untyped-def]
    import re
    import urllib.request
    from http.cookiejar import CookieJar

    from app.services import demo, invites, ownership
    from app.services.ownership import Belonging

    base, settings = demo_server
    report = demo.seed(base)
    found = re.search(r"Dana Kowalski's invite link: (\S+)", report)
    assert found, report
    assert "invite link" not in demo.seed(base)  # one invite, made once
    worker.drain(settings, extra_allow=base.removeprefix("http://"))
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with opener.open(found.group(1)) as response:  # the link, then the portal it redirects to
        page = response.read().decode()
    assert response.url == f"{base}/invite/portal"
    assert "Demo Employer Ltd asks for your digital badges" in page
    assert page.count("Verified") == 2 and "Remove" in page
    dana = Candidate.get(Candidate.name == "Dana Kowalski")
    assert len(invites.credentials_added(dana)) == 2
    # Her address is proven, so the recruiter's screen shows the strongest "belongs to".
    proofs = ownership.proofs_of([dana.id])[dana.id]
    states = {ownership.belongs_to(c, proofs).state for c in dana.credentials}
    assert Belonging.PROVEN in states
    (invite,) = invites.invites_of(dana)
    assert invite.uses >= 1 and invite.consented_at is not None  # opened, then agreed
