"""What a verified credential says: issuer, achievement, skills, recipient."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from app.verification.ob3.credential import as_list, types_of
from app.verification.recipient import (
    AwardedEmail,
    RecipientError,
    RecipientOutcome,
    awarded_email,
    check_recipient,
)
from app.verification.result import Achievement, Issuer, RecipientStatus, Skill


def _text(value: Any) -> str | None:
    """A plain string, or the first string of a language map / list."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        value = value.get("@value", next(iter(value.values()), None))
        return value if isinstance(value, str) else None
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


def _image(value: Any) -> str | None:
    return _text(value.get("id")) if isinstance(value, Mapping) else _text(value)


def issuer_of(document: Mapping[str, Any]) -> Issuer:
    issuer = document.get("issuer")
    if not isinstance(issuer, Mapping):
        return Issuer(id=_text(issuer))
    return Issuer(
        id=_text(issuer.get("id")),
        name=_text(issuer.get("name")),
        url=_text(issuer.get("url")),
        email=_text(issuer.get("email")),
        image=_image(issuer.get("image")),
    )


def subject_of(document: Mapping[str, Any]) -> Mapping[str, Any]:
    subjects = as_list(document.get("credentialSubject"))
    return subjects[0] if subjects and isinstance(subjects[0], Mapping) else {}


def subject_id_of(document: Mapping[str, Any]) -> str | None:
    """Whom the credential was awarded to, as the subject's own id (a DID or a URL), if any."""
    subject_id = subject_of(document).get("id")
    if not isinstance(subject_id, str) or not subject_id.strip() or len(subject_id) > 2000:
        return None
    return subject_id.strip()


def subject_name_of(document: Mapping[str, Any]) -> str | None:
    """The earner's display name, where the credential carries one."""
    name = subject_of(document).get("name")
    if not isinstance(name, str) or not name.strip():
        return None
    return " ".join(name.split())[:200]


def achievement_of(document: Mapping[str, Any]) -> Achievement | None:
    achievement = subject_of(document).get("achievement")
    if isinstance(achievement, list):
        achievement = achievement[0] if achievement else None
    if not isinstance(achievement, Mapping):
        name = _text(document.get("name"))
        return Achievement(id=_text(document.get("id")), name=name) if name else None
    criteria = achievement.get("criteria")
    if isinstance(criteria, Mapping):
        criteria = criteria.get("narrative") or criteria.get("id")
    return Achievement(
        id=_text(achievement.get("id")),
        name=_text(achievement.get("name")),
        type=_text(achievement.get("achievementType")) or _first_type(achievement),
        description=_text(achievement.get("description")),
        criteria=_text(criteria),
        image=_image(achievement.get("image")),
        tags=tuple(t for t in as_list(achievement.get("tag")) if isinstance(t, str)),
        credits=_credits(subject_of(document), achievement),
        results=_results(subject_of(document), achievement),
    )


def _credits(subject: Mapping[str, Any], achievement: Mapping[str, Any]) -> float | None:
    value = subject.get("creditsEarned", achievement.get("creditsAvailable"))
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _results(subject: Mapping[str, Any], achievement: Mapping[str, Any]) -> tuple[str, ...]:
    """Each result as "description: value", naming rubric levels by their names."""
    described = {
        d.get("id"): d
        for d in as_list(achievement.get("resultDescription"))
        if isinstance(d, Mapping)
    }
    results = []
    for result in as_list(subject.get("result")):
        if not isinstance(result, Mapping):
            continue
        description = described.get(result.get("resultDescription"), {})
        levels = {
            level.get("id"): _text(level.get("name"))
            for level in as_list(description.get("rubricCriterionLevel"))
            if isinstance(level, Mapping)
        }
        value = (
            _text(result.get("value"))
            or levels.get(result.get("achievedLevel"))
            or _text(result.get("status"))
        )
        name = _text(description.get("name"))
        if value:
            results.append(f"{name}: {value}" if name else value)
    return tuple(results)


def _first_type(node: Mapping[str, Any]) -> str | None:
    kinds = types_of(node)
    return kinds[-1] if kinds else None


def skills_of(document: Mapping[str, Any]) -> tuple[Skill, ...]:
    achievement = subject_of(document).get("achievement")
    if not isinstance(achievement, Mapping):
        return ()
    skills = []
    for alignment in as_list(achievement.get("alignment")):
        name = _text(alignment.get("targetName")) if isinstance(alignment, Mapping) else None
        if name:
            skills.append(
                Skill(
                    name=name,
                    framework=_text(alignment.get("targetFramework")),
                    code=_text(alignment.get("targetCode")),
                    url=_text(alignment.get("targetUrl")),
                )
            )
    return tuple(skills)


def recipient_of(document: Mapping[str, Any], emails: Sequence[str]) -> RecipientOutcome:
    """Match the subject's identifiers (hashed or plain) or its mailto: id against the e-mails."""
    subject = subject_of(document)
    awarded = awarded_emails_of(document)
    if not emails:
        return RecipientOutcome(
            RecipientStatus.SKIPPED, "no e-mail address given for the candidate", awarded=awarded
        )
    identities = [i for i in as_list(subject.get("identifier")) if isinstance(i, Mapping)]
    outcomes = [_identity_outcome(i, emails) for i in identities]
    subject_id = subject.get("id")
    if isinstance(subject_id, str) and subject_id.lower().startswith("mailto:"):
        outcomes.append(check_recipient(_mailto(subject_id), emails))
    for status in (RecipientStatus.MATCHED, RecipientStatus.MISMATCH):
        found = next((o for o in outcomes if o.status is status), None)
        if found is not None:
            return replace(found, awarded=awarded)
    if outcomes:
        return replace(outcomes[0], awarded=awarded)
    whom = (
        "a DID"
        if isinstance(subject_id, str) and subject_id.startswith("did:")
        else "an identifier"
    )
    return RecipientOutcome(
        RecipientStatus.NOT_CHECKABLE,
        f"awarded to {whom}, which cannot be compared with an e-mail address",
    )


def awarded_emails_of(document: Mapping[str, Any]) -> tuple[AwardedEmail, ...]:
    """Every e-mail identity (hashed or plain) the subject declares, each once."""
    subject = subject_of(document)
    found: list[AwardedEmail] = []
    for identity in as_list(subject.get("identifier")):
        if isinstance(identity, Mapping):
            found += awarded_email(_legacy(identity))
    subject_id = subject.get("id")
    if isinstance(subject_id, str) and subject_id.lower().startswith("mailto:"):
        found += awarded_email(_mailto(subject_id))
    return tuple(dict.fromkeys(found))[:20]


def _mailto(subject_id: str) -> dict[str, Any]:
    return {"type": "email", "identity": subject_id[7:], "hashed": False}


def _legacy(identity: Mapping[str, Any]) -> dict[str, Any]:
    """An OB 3.0 IdentityObject in the OB 2.0 shape the recipient check reads."""
    return {
        "type": str(identity.get("identityType", "")),
        "identity": identity.get("identityHash"),
        "hashed": identity.get("hashed"),
        "salt": identity.get("salt"),
    }


def _identity_outcome(identity: Mapping[str, Any], emails: Sequence[str]) -> RecipientOutcome:
    try:
        return check_recipient(_legacy(identity), emails)
    except RecipientError as error:
        return RecipientOutcome(RecipientStatus.NOT_CHECKABLE, str(error))
