"""A real Open Badges 2.0 issuer inside the demo app: `make run` shows real verifications offline.

Its keys live in `instance/demo-issuer/` (created once, mode 600); it serves its documents at
`/demo-issuer/...` only in demo mode, and the in-process worker may reach exactly that address.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from jwcrypto import jwk, jws

OB2 = "https://w3id.org/openbadges/v2"
PREFIX = "/demo-issuer"
# Real ESCO concept ids (see app/ranking/data); ESCO has no Kubernetes or Linux skill, so those
# align to the academy's own framework and arrive in the taxonomy "from evidence".
ESCO_SKILL = "http://data.europa.eu/esco/skill/"
CLOUD = "bd14968e-e409-45af-b362-3495ed7b10e0"
PYTHON = "ccd0a1d9-afda-43d9-b901-96344886e14d"
DATA_ANALYTICS = "97bd1c21-66b2-4b7e-ad0f-e3cda590e378"
SQL = "598de5b0-5b58-4ea7-8058-a4bc4d18c742"
CYBER_SECURITY = "8088750d-8388-4170-a76f-48354c469c44"
VISUALISATION = "348b74cd-49ce-4844-8bdf-ec188b497213"
DEMO_FRAMEWORK = "Skillproof Demo Academy skills"


@dataclass(frozen=True)
class DemoBadge:
    slug: str
    name: str
    description: str
    skills: tuple[tuple[str, str, str], ...]  # (name, framework, code)
    color: str


BADGES = {
    badge.slug: badge
    for badge in (
        DemoBadge(
            "cloud-practitioner",
            "Cloud Practitioner",
            "Deploys and operates services on a public cloud.",
            (("cloud computing", "ESCO", CLOUD), ("Linux", DEMO_FRAMEWORK, "linux")),
            "#2563eb",
        ),
        DemoBadge(
            "python-data",
            "Python for Data Analysis",
            "Cleans, analyses and visualises data with Python.",
            (
                ("Python (computer programming)", "ESCO", PYTHON),
                ("data analytics", "ESCO", DATA_ANALYTICS),
            ),
            "#16a34a",
        ),
        DemoBadge(
            "sql-analytics",
            "SQL Analytics",
            "Writes analytical SQL over relational databases.",
            (("SQL", "ESCO", SQL), ("data analytics", "ESCO", DATA_ANALYTICS)),
            "#9333ea",
        ),
        DemoBadge(
            "kubernetes-admin",
            "Kubernetes Administrator",
            "Runs production Kubernetes clusters.",
            (("Kubernetes", DEMO_FRAMEWORK, "kubernetes"), ("cloud computing", "ESCO", CLOUD)),
            "#0891b2",
        ),
        DemoBadge(
            "security-fundamentals",
            "Security Fundamentals",
            "Applies core information-security controls.",
            (("information security", "ESCO", CYBER_SECURITY),),
            "#dc2626",
        ),
        DemoBadge(
            "data-visualisation",
            "Data Visualisation",
            "Designs clear charts and dashboards.",
            (("data visualisation", "ESCO", VISUALISATION),),
            "#ea580c",
        ),
    )
}


@dataclass(frozen=True)
class DemoAward:
    """One badge awarded to one demo candidate, in a given state."""

    slug: str  # assertion slug
    badge: str
    email: str
    kind: str = "hosted"  # hosted | signed
    case: str = "valid"  # valid | revoked | expired | tampered | listed | other-recipient


class DemoIssuer:
    """Builds the demo issuer's documents for a base URL such as http://127.0.0.1:5000."""

    def __init__(self, key_dir: Path, base: str) -> None:
        self.key = load_or_create_key(key_dir / "signing-key.pem", _new_rsa_key, rsa.RSAPrivateKey)
        self.base = base.rstrip("/") + PREFIX

    @property
    def issuer_id(self) -> str:
        return f"{self.base}/issuer.json"

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"

    def issuer(self) -> dict[str, Any]:
        return {
            "@context": OB2,
            "type": "Issuer",
            "id": self.issuer_id,
            "name": "Skillproof Demo Academy",
            "url": self.base,
            "email": "badges@demo.skillproof.test",
            "image": self.url("images/academy.svg"),
            "publicKey": self.url("key.json"),
            "revocationList": self.url("revocations.json"),
        }

    def key_document(self) -> dict[str, Any]:
        pem = (
            self.key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        return {
            "@context": OB2,
            "type": "CryptographicKey",
            "id": self.url("key.json"),
            "owner": self.issuer_id,
            "publicKeyPem": pem,
        }

    def badge_class(self, slug: str) -> dict[str, Any]:
        badge = BADGES[slug]
        return {
            "@context": OB2,
            "type": "BadgeClass",
            "id": self.url(f"badges/{slug}.json"),
            "name": badge.name,
            "description": badge.description,
            "image": self.url(f"images/{slug}.svg"),
            "criteria": {"narrative": f"Pass the {badge.name} assessment with at least 70%."},
            "issuer": self.issuer_id,
            "tags": [s[0] for s in badge.skills],
            "alignment": [
                {
                    "targetName": name,
                    "targetFramework": framework,
                    "targetCode": code,
                    "targetUrl": ESCO_SKILL + code
                    if framework == "ESCO"
                    else self.url(f"skills/{code}"),
                }
                for name, framework, code in badge.skills
            ],
        }

    def revocations(self, awards: list[DemoAward]) -> dict[str, Any]:
        revoked = [
            {"id": self._signed_id(a.slug), "revocationReason": "Exam result annulled"}
            for a in awards
            if a.kind == "signed" and a.case == "listed"
        ]
        return {
            "@context": OB2,
            "type": "RevocationList",
            "id": self.url("revocations.json"),
            "issuer": self.issuer_id,
            "revokedAssertions": revoked,
        }

    def assertion(self, award: DemoAward) -> dict[str, Any]:
        email = "someone.else@example.org" if award.case == "other-recipient" else award.email
        salt = hashlib.sha256(award.slug.encode()).hexdigest()[:8]
        document: dict[str, Any] = {
            "@context": OB2,
            "type": "Assertion",
            "id": self.url(f"assertions/{award.slug}.json"),
            "recipient": {
                "type": "email",
                "hashed": True,
                "salt": salt,
                "identity": "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest(),
            },
            "badge": self.url(f"badges/{award.badge}.json"),
            "issuedOn": "2025-03-14T09:00:00Z",
            "verification": {"type": "hosted"},
        }
        if award.case == "expired":
            document["expires"] = "2025-09-30T00:00:00Z"
        if award.case == "revoked":
            document["revoked"] = True
            document["revocationReason"] = "Awarded in error"
        if award.kind == "signed":
            document["id"] = self._signed_id(award.slug)
            document["verification"] = {"type": "signed", "creator": self.url("key.json")}
        return document

    def signed(self, award: DemoAward) -> str:
        token = jws.JWS(json.dumps(self.assertion(award)).encode())
        pem = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        token.add_signature(
            jwk.JWK.from_pem(pem), alg="RS256", protected=json.dumps({"alg": "RS256"})
        )
        compact = str(token.serialize(compact=True))
        if award.case == "tampered":
            header, payload, signature = compact.split(".")
            compact = ".".join(
                [header, payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB"), signature]
            )
        return compact

    def award_url(self, award: DemoAward) -> str:
        path = (
            f"signed/{award.slug}.jws"
            if award.kind == "signed"
            else f"assertions/{award.slug}.json"
        )
        return self.url(path)

    def _signed_id(self, slug: str) -> str:
        return (
            f"urn:uuid:{hashlib.sha256(slug.encode()).hexdigest()[:8]}-0000-4000-8000-000000000000"
        )


def badge_svg(slug: str) -> bytes:
    badge = BADGES.get(slug)
    color, label = (badge.color, badge.name) if badge else ("#1d4ed8", "Demo Academy")
    initials = "".join(word[0] for word in label.split()[:2]).upper()
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120">'
        f'<circle cx="60" cy="60" r="56" fill="{color}"/>'
        '<circle cx="60" cy="60" r="44" fill="none" stroke="#fff" stroke-width="4"/>'
        f'<text x="60" y="72" font-family="sans-serif" font-size="34" font-weight="700" '
        f'fill="#fff" text-anchor="middle">{initials}</text></svg>'
    ).encode()


K = TypeVar("K", rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey)


def load_or_create_key(path: Path, generate: Callable[[], K], kind: type[K]) -> K:
    """The demo signing key kept at `path` (created once, mode 600), loaded once per process."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
    key = _load_pem(str(path))
    assert isinstance(key, kind)
    return key


@cache
def _load_pem(path: str) -> Any:
    return serialization.load_pem_private_key(Path(path).read_bytes(), password=None)


def _new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


DEMO_CANDIDATES: tuple[tuple[str, str, tuple[DemoAward, ...]], ...] = (
    (
        "Amira Haddad",
        "amira.haddad@example.com",
        (
            DemoAward("amira-cloud", "cloud-practitioner", "amira.haddad@example.com"),
            DemoAward("amira-k8s", "kubernetes-admin", "amira.haddad@example.com", "signed"),
            DemoAward(
                "amira-security",
                "security-fundamentals",
                "amira.haddad@example.com",
                case="expired",
            ),
        ),
    ),
    (
        "Ben Okafor",
        "ben.okafor@example.com",
        (
            DemoAward("ben-sql", "sql-analytics", "ben.okafor@example.com"),
            DemoAward("ben-python", "python-data", "ben.okafor@example.com", "signed"),
            DemoAward("ben-cloud", "cloud-practitioner", "ben.okafor@example.com", case="revoked"),
        ),
    ),
    (
        "Chen Wei",
        "chen.wei@example.com",
        (
            DemoAward("chen-viz", "data-visualisation", "chen.wei@example.com"),
            DemoAward(
                "chen-security",
                "security-fundamentals",
                "chen.wei@example.com",
                "signed",
                "tampered",
            ),
            DemoAward("chen-sql", "sql-analytics", "chen.wei@example.com", case="other-recipient"),
        ),
    ),
    (
        "Dana Kowalski",
        "dana.kowalski@example.com",
        (
            DemoAward("dana-python", "python-data", "dana.kowalski@example.com"),
            DemoAward(
                "dana-k8s", "kubernetes-admin", "dana.kowalski@example.com", "signed", "listed"
            ),
            DemoAward("dana-viz", "data-visualisation", "dana.kowalski@example.com", "signed"),
        ),
    ),
)
ALL_AWARDS = [award for _, _, awards in DEMO_CANDIDATES for award in awards]
