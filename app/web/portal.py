"""The candidate portal: what a candidate reaches through a recruiter's invite link, no account.

`/invite/<token>` checks the link once and exchanges it for a short, signed cookie scoped to
`/invite` (then redirects), so the secret leaves the address bar, later requests' logs and any
Referer at once. Every portal request re-reads the invite named by that cookie and refuses it
when the invite is revoked or expired; the invite names exactly one candidate, and only that
candidate's rows are touched. Nothing but the employer's name, the notice and the candidate's
own submissions is shown. Before consent nothing else is possible.

Extension point for other sections (e-mail proof, wallet presentations): add a template
`templates/portal/_<name>.html` and include it in the `extra_sections` block of
`portal/show.html`; its routes go under `/invite/portal/...` (the cookie is scoped to
`/invite`) and call `consented_invite()` first. Its blueprint reuses this one's private-page
headers (`private_headers`), inactive page (404), consent page (403) and limits (`rate_limit`,
`invite_key`), as app/web/proofs.py and app/web/wallet.py do.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    request,
    url_for,
)
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.models import Candidate, CandidateInvite, Credential, Organization
from app.services import intake, invites, wakeup
from app.services.candidates import CandidateError
from app.services.verification import latest_checks, progress_token
from app.verification import providers
from app.web import wording
from app.web.auth import limiter
from app.web.htmx import htmx, render, see_other

bp = Blueprint("portal", __name__, url_prefix="/invite")
SECRET_IN_PATH = re.compile(r"/invite/(?!portal\b)[A-Za-z0-9_\-]{16,}")


class RedactInviteSecrets(logging.Filter):
    """Keeps invite secrets out of the development server's request log (the one request that
    carries one, before it is exchanged for the cookie)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                SECRET_IN_PATH.sub("/invite/[secret]", a) if isinstance(a, str) else a
                for a in record.args
            )
        return True


REDACT = RedactInviteSecrets()
bp.record_once(lambda _state: logging.getLogger("werkzeug").addFilter(REDACT))

COOKIE = "skillproof_invite"
COOKIE_SALT = "skillproof.invite-session"
SESSION_SECONDS = 2 * 3600  # idle time after which the candidate opens their link again
LONG_POLL_SECONDS = 10.0
PRIVATE = ("HTTP 401", "HTTP 403")


def rate_limit() -> str:
    return str(current_app.extensions["skillproof.settings"].invite_rate_limit)


def invite_key() -> str:
    """The rate-limit key per invite: the portal session's invite, else the client address."""
    invite_id = _session_invite_id()
    return f"invite:{invite_id}" if invite_id else get_remote_address()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=COOKIE_SALT)


def _session_invite_id() -> int | None:
    value = request.cookies.get(COOKIE, "")
    try:
        invite_id = _serializer().loads(value, max_age=SESSION_SECONDS) if value else None
    except (BadSignature, UnicodeError):
        return None
    return invite_id if isinstance(invite_id, int) else None


def current_invite() -> CandidateInvite:
    """The active invite of this portal session; a 404 (the inactive page) otherwise."""
    if "invite" not in g:
        invite_id = _session_invite_id()
        g.invite = invites.active_by_id(invite_id) if invite_id else None
    if g.invite is None:
        abort(404)
    return g.invite  # type: ignore[no-any-return]


def consented_invite() -> CandidateInvite:
    """The session's invite once the candidate consented; before that, back to the notice."""
    invite = current_invite()
    if invite.consented_at is None:
        abort(403)
    return invite


@bp.after_request
def private_headers(response: Response) -> Response:
    invite = g.get("invite")
    if (
        invite is not None
        and response.status_code < 400
        and COOKIE not in response.headers.get("Set-Cookie", "")
    ):
        _with_session(response, invite.id)  # SESSION_SECONDS counts from the last request
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.errorhandler(404)
def inactive(_error: Exception) -> Response:
    """One plain page for unknown, expired and revoked links alike: nothing tells them apart."""
    response = render("portal/inactive.html", "content", status=404)
    if request.cookies.get(COOKIE):
        response.delete_cookie(COOKIE, path="/invite")
    return response


@bp.errorhandler(429)
def _too_many(_error: Exception) -> Response:
    """Rate-limited: said in the portal's own words, the candidate's page left in place."""
    message = "Too many attempts in a short time: please wait a minute, then try again."
    invite_id = _session_invite_id()
    invite = invites.active_by_id(invite_id) if invite_id else None
    if invite is None or invite.consented_at is None:
        title = "Please wait a minute"
        return render("portal/message.html", "content", status=429, title=title, message=message)
    g.invite = invite
    block = "intake_region" if htmx else "content"
    return render("portal/show.html", block, status=429, **page_context(notice=message))


@bp.errorhandler(403)
def consent_first(_error: Exception) -> Response:
    """An action before consent: the notice again, with the reason."""
    message = "Please read the notice and agree first: nothing is added before you do."
    return render("portal/show.html", "content", status=403, **page_context(notice=message))


@bp.get("/<token>")
@limiter.limit(rate_limit)
def open_link(token: str) -> Response:
    """A link from an invite: checked once, exchanged for a portal cookie, then redirected."""
    invite = invites.by_secret(token)
    if invite is None:
        abort(404)
    invites.opened(invite)
    return _with_session(see_other(url_for("portal.show")), invite.id)


def _with_session(response: Response, invite_id: int) -> Response:
    response.set_cookie(
        COOKIE,
        _serializer().dumps(invite_id),
        max_age=SESSION_SECONDS,
        path="/invite",
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.get("/portal")
def show() -> Response:
    """The employer's name and the notice; after consent, the candidate's own credentials."""
    return render("portal/show.html", "content", **page_context())


@bp.post("/portal/consent")
@limiter.limit(rate_limit)
@limiter.limit(rate_limit, key_func=invite_key)
def consent() -> Response:
    """Record the candidate's consent to the notice (with its version and the time)."""
    invite = current_invite()
    if invite.consented_at is None:
        invites.consent(invite)
    return see_other(url_for("portal.show"))


@bp.get("/portal/progress")
def progress() -> Response:
    """The candidate's credential list, answered when something changed (a long poll)."""
    invite = consented_invite()
    since = request.args.get("since", "")[:64]
    if since:
        candidate = Candidate.get_by_id(invite.candidate_id)
        wakeup.wait_for_change(lambda: progress_token(candidate) != since, LONG_POLL_SECONDS)
    return render("portal/show.html", "credential_list", **page_context())


@bp.post("/portal/links")
@limiter.limit(rate_limit)
@limiter.limit(rate_limit, key_func=invite_key)
def add_links() -> Response:
    """Queue every badge link in the pasted text, as the recruiter's paste box does."""
    invite = consented_invite()
    text = request.form.get("links", "")
    try:
        urls = intake.links_to_add(text)
    except CandidateError as error:
        context = page_context(errors={"links": str(error)}, links_text=text)
        return render("portal/show.html", "intake_region", status=422, **context)
    candidate = Candidate.get_by_id(invite.candidate_id)
    try:
        added = intake.add_links(candidate, urls)
    except CandidateError as error:
        context = page_context(errors={"links": str(error)}, links_text=text)
        return render("portal/show.html", "intake_region", status=422, **context)
    invites.submitted_profiles(invite, added.profiles)
    invites.submitted(
        invite,
        added.credentials,
        f"{len(added.credentials)} links, {len(added.profiles)} profiles of {len(urls)} given",
    )
    return _after_change(_added_notice(len(urls), added))


def _added_notice(given: int, added: intake.Added) -> str:
    """What one paste queued, in the candidate's words."""
    parts = []
    links = given - len(added.profiles)
    if links:
        count, skipped = len(added.credentials), links - len(added.credentials)
        parts.append(f"Added {count} link{'s' if count != 1 else ''}")
        parts += [f"{skipped} already on file"] if skipped else []
    for row in added.profiles:
        parts.append(f"reading your {row.label}: its public badges appear below")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


@bp.post("/portal/files")
@limiter.limit(rate_limit)
@limiter.limit(rate_limit, key_func=invite_key)
def add_files() -> Response:
    """Queue uploaded baked badge images and credential files (same caps as the recruiter's)."""
    invite = consented_invite()
    uploads = [f for f in request.files.getlist("files") if f and f.filename]
    if not uploads:
        context = page_context(errors={"files": "Choose at least one file first."})
        return render("portal/show.html", "intake_region", status=422, **context)
    candidate = Candidate.get_by_id(invite.candidate_id)
    added: list[Credential] = []
    problems = []
    for upload in uploads:
        try:
            data = upload.read(intake.MAX_UPLOAD_BYTES + 1)
            credential = intake.add_file(candidate, upload.filename or "upload", data)
        except CandidateError as error:
            problems.append(str(error))
        else:
            added += [credential] if credential is not None else []
    invites.submitted(invite, added, f"{len(added)} of {len(uploads)} files")
    if problems and not added:
        context = page_context(errors={"files": " ".join(problems)})
        return render("portal/show.html", "intake_region", status=422, **context)
    notice = f"Added {len(added)} file{'s' if len(added) != 1 else ''}." + (
        " " + " ".join(problems) if problems else ""
    )
    return _after_change(notice)


@bp.post("/portal/credentials/<int:credential_id>/remove")
@limiter.limit(rate_limit)
@limiter.limit(rate_limit, key_func=invite_key)
def remove(credential_id: int) -> Response:
    """Remove a credential the candidate added; anything else is not theirs to remove here."""
    invite = consented_invite()
    if not invites.remove(invite, credential_id):  # removed a moment ago (a double click)
        return _after_change("That credential is not in your list.", status=404)
    return _after_change("Removed.")


def _after_change(notice: str, status: int = 200) -> Response:
    if htmx:
        return render("portal/show.html", "intake_region", status, **page_context(notice=notice))
    if status != 200:
        return render("portal/show.html", "content", status, **page_context(notice=notice))
    return see_other(url_for("portal.show"))


def page_context(**extra: Any) -> dict[str, Any]:
    invite = current_invite()
    candidate = Candidate.get_by_id(invite.candidate_id)
    token = progress_token(candidate)  # read first: a change after it ends the next poll
    credentials = invites.credentials_added(candidate)
    profiles = invites.profiles_sent(candidate)
    return {
        "profiles": profiles,
        "invite": invite,
        "candidate": candidate,
        "organization": Organization.get_by_id(invite.organization_id),
        "credentials": credentials,
        "help": _help_texts(credentials),
        "reasons": _reasons(credentials),
        "pending": any(c.pending for c in credentials) or any(p.pending for p in profiles),
        "progress_token": token,
        "notice_version": invites.NOTICE_VERSION,
        "notice": None,
        "errors": {},
        "links_text": "",
        **extra,
    }


def _settled(credentials: list[Credential]) -> dict[int, tuple[str, list[dict[str, Any]]]]:
    return latest_checks([c.id for c in credentials if not c.pending])


def _reasons(credentials: list[Credential]) -> dict[int, str]:
    return {
        credential_id: wording.verdict_reason(verdict, checks)
        for credential_id, (verdict, checks) in _settled(credentials).items()
    }


def _help_texts(credentials: list[Credential]) -> dict[int, str]:
    """What the candidate can do about each credential that did not verify."""
    runs = _settled(credentials)
    return {
        credential.id: text
        for credential in credentials
        if credential.id in runs and (text := help_for(credential, *runs[credential.id]))
    }


def help_for(credential: Credential, verdict: str, checks: list[dict[str, Any]]) -> str:
    """A sentence telling the candidate how to fix what they can fix; "" when nothing to say."""
    provider = providers.provider_name(credential.source_url or "") or "the issuer's website"
    details = [str(check.get("detail", "")) for check in checks if check.get("outcome") == "fail"]
    reason = wording.verdict_reason(verdict, checks)
    if verdict == "unreachable" and any(code in d for d in details for code in PRIVATE):
        return f"The badge is private: make it public on {provider} and add it again."
    if reason == "not_found":
        return (
            "Nothing was found at this link: check that you copied all of it and that the badge "
            f"is public on {provider}, then remove this one and add it again."
        )
    if reason == "not_a_badge":
        return (
            "This file is not a digital badge. Upload the badge's image (PNG or SVG) or its "
            "JSON file, or paste its link."
        )
    return HELP.get(verdict, "")


HELP = {
    "unreachable": "The issuer's website did not answer. This says nothing against your badge: "
    "it is checked again automatically.",
    "recipient_mismatch": "The badge was awarded to another e-mail address or name than the "
    "ones the employer has for you. If that address is yours, tell the employer.",
    "expired": "The badge has expired. If the issuer renewed it, add the new one.",
    "revoked": "The issuer withdrew this badge. Ask the issuer if you think this is a mistake.",
    "invalid": "The badge failed a check, so it cannot count as proof.",
    "unsupported": "Skillproof cannot check this kind of credential yet.",
}
