"""Certificate pages in the shapes the issuers serve, written for tests (no real person's page).

Shapes as recorded in public notes on these pages:
- Coursera's verify page is a React app whose server-rendered HTML carries the Apollo state
  (`"AccomplishmentsSignatureTrackProfile","firstName":…,"lastName":…`, `"Course_Course",…,
  "name":…`), an `og:title` "Completion Certificate for <course>" and the sentence
  "<name>'s account is verified. Coursera certifies their successful completion of <course>";
- edX's certificate page is server-rendered: `<title>ORG COURSE Certificate | edX</title>`,
  `<strong class="accomplishment-recipient">`, `<span class="accomplishment-course-name">`;
- LinkedIn Learning's page says "Certificate of Completion" and "… completed by <name>";
- Microsoft Learn's credential page is drawn by JavaScript: its HTML names nobody.
"""

from __future__ import annotations

import json
from datetime import timedelta
from html import escape

from app.models import Candidate, Credential, utcnow
from tests.support.provider_hosts import ProviderHosts


def coursera(name: str = "Ada Lovelace", course: str = "Machine Learning") -> bytes:
    first, _, last = name.partition(" ")
    state = (
        '{"AccomplishmentsSignatureTrackProfile:1":{"__typename":'
        f'"AccomplishmentsSignatureTrackProfile","firstName":{json.dumps(first)},'
        f'"lastName":{json.dumps(last)}}},'
        '"Course:abc":{"__typename":"Course_Course","id":"Gtv4Xb1-EeS-ViIACwYKVQ",'
        f'"slug":"machine-learning","name":{json.dumps(course)}}}}}'
    )
    description = escape(
        f"This certificate above verifies that {name} successfully completed the course"
        f" {course} on Coursera"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Coursera | Online Courses &amp; Credentials From Top Educators</title>
<meta property="og:title" content="Completion Certificate for {escape(course)}">
<meta property="og:description" content="{description}">
</head><body>
<div id="root"><main>
<h1>Course Certificate</h1>
<p><span data-e2e="learner-name">{escape(name)}</span>'s account is verified.
Coursera certifies their successful completion of
<a href="/learn/machine-learning">{escape(course)}</a></p>
</main></div>
<script>window.__APOLLO_STATE__ = {state};</script>
<script src="https://d3njjcbhbojbot.cloudfront.net/webapps/r2-builds/main.js"></script>
</body></html>""".encode()


def edx(name: str = "Ada Lovelace", course: str = "Introduction to Analytics Modeling") -> bytes:
    return f"""<!DOCTYPE html>
<html><head><title>GTx ISYE6501x Certificate | edX</title></head>
<body><div class="wrapper-accomplishment-rendering">
<div class="wrapper-accomplishment-title verified">
  <p class="accomplishment-statement">This is to certify that</p>
  <strong class="accomplishment-recipient">{escape(name)}</strong>
  <p>successfully completed and received a passing grade in</p>
  <span class="accomplishment-course-number">ISYE6501x</span>:
  <span class="accomplishment-course-name">{escape(course)}</span>
  <span class="accomplishment-date">Issued August 6, 2018</span>
</div></div></body></html>""".encode()


def linkedin(name: str = "Ada Lovelace", course: str = "Python Essential Training") -> bytes:
    return f"""<!DOCTYPE html>
<html><head>
<title>Certificate of Completion - {escape(course)} | LinkedIn Learning</title>
<meta property="og:title" content="{escape(course)}">
</head><body>
<h1>Certificate of Completion</h1>
<p>Congratulations, you've earned this certificate.</p>
<p>Course completed by {escape(name)}</p>
<p>{escape(course)}</p>
</body></html>""".encode()


def json_ld(name: str = "Ada Lovelace", course: str = "Azure Fundamentals") -> bytes:
    doc = {
        "@context": "https://schema.org",
        "@type": "EducationalOccupationalCredential",
        "name": course,
        "recipient": {"@type": "Person", "name": name},
    }
    return f"""<!DOCTYPE html><html><head><title>{escape(course)}</title>
<script type="application/ld+json">{json.dumps(doc)}</script></head><body></body></html>""".encode()


def shell() -> bytes:
    """A page drawn by JavaScript: no holder in its HTML."""
    return b"""<!DOCTYPE html><html><head><title>Credentials | Microsoft Learn</title></head>
<body><div id="app"></div><noscript>Please enable JavaScript.</noscript>
<script src="/static/app.js"></script></body></html>"""


CERTIFICATE_PATH = "/account/accomplishments/verify/PHONE1234XYZ"


def settled_issuer_page(candidate: Candidate, hosts: ProviderHosts) -> Credential:
    """A Coursera certificate link of the candidate, read once over TLS from `hosts` (serving
    www.coursera.org) and not due again: for screens whose live worker must leave it alone."""
    from app.services import verification

    hosts.route(
        "www.coursera.org",
        CERTIFICATE_PATH,
        body=coursera(candidate.name),
        headers={"content-type": "text/html; charset=utf-8"},
    )
    url = f"https://www.coursera.org{CERTIFICATE_PATH}"
    credential = Credential.create(
        organization=candidate.organization_id,
        candidate=candidate,
        dedupe_key=url,
        source_url=url,
        source_host="www.coursera.org",
        status="done",
        next_check_at=utcnow() + timedelta(days=1),
    )
    verification.verify_credential(credential.id, hosts.fetcher())
    return Credential.get_by_id(credential.id)
