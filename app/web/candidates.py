"""Candidates: list, add, show, edit, archive, delete, credential intake and CSV export."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, get_flashed_messages, request, url_for
from flask_login import current_user, login_required

from app.models import Candidate, CandidateState, Credential, utcnow
from app.services import candidates as candidate_service
from app.services import (
    exports,
    fraud,
    identity,
    intake,
    invites,
    notes,
    ownership,
    profile_import,
    sharing,
    wakeup,
)
from app.services import roles as role_service
from app.services import skills as skill_service
from app.services.candidates import CandidateError, CredentialFilter
from app.services.verification import credentials_of, latest_checks, progress_token
from app.verification.result import Verdict
from app.web import wording
from app.web.auth import can_change
from app.web.htmx import htmx, is_partial, render, see_other
from app.web.invites import panel_context as invite_panel
from app.web.tenancy import get_or_404, org_id

LONG_POLL_SECONDS = 10.0

bp = Blueprint("candidates", __name__, url_prefix="/candidates")
BULK_ACTIONS = {
    "archive": "Archive",
    "restore": "Restore",
    "shortlist": "Add to a role's shortlist",
    "reverify": "Verify again now",
    "export": "Export CSV",
}
STATE_LABELS = {
    "": "Any state",
    CandidateState.VERIFIED.value: "All verified",
    CandidateState.ATTENTION.value: "Needs attention",
    CandidateState.PENDING.value: "Verifying",
    CandidateState.NONE.value: "No credentials",
}


EXPIRY_WINDOWS = {
    "": "Any time",
    "30": "Within 30 days",
    "90": "Within 90 days",
    "365": "Within a year",
}


def _credential_filter(args: Any) -> tuple[CredentialFilter, dict[str, str], str]:
    """The credential conditions asked for, their values as given, and a problem to show."""
    given = {key: args.get(key, "").strip() for key in ("skill", "issuer", "verdict", "expiring")}
    problem = ""
    skill_texts: tuple[str, ...] | None = None
    if given["skill"]:
        skill = skill_service.find(org_id(), given["skill"])
        if skill is None:
            problem = f"No skill called “{given['skill']}”: pick one from the suggestions."
            skill_texts = ()
        else:
            skill_texts = skill_service.texts_claiming(org_id(), skill.id)
    verdicts = {verdict.value for verdict in Verdict}
    having = CredentialFilter(
        skill_texts=skill_texts,
        issuer=given["issuer"],
        verdict=given["verdict"] if given["verdict"] in verdicts else "",
        expiring_days=int(given["expiring"])
        if given["expiring"] in EXPIRY_WINDOWS and given["expiring"]
        else None,
    )
    return having, given, problem


def _issuer_choices(chosen: str) -> list[str]:
    """The issuer filter's names; the chosen one stays offered (and selected) even past the
    list's cap."""
    names = candidate_service.issuers_of(org_id())
    return names if not chosen or chosen in names else sorted([*names, chosen])


def _list_context(
    form: dict[str, str] | None = None, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    from app.web.bulk import outcome as bulk_outcome  # bulk imports this module

    args = request.args
    having, given, problem = _credential_filter(args)
    page = candidate_service.search(
        org_id(),
        text=args.get("q", ""),
        state=args.get("state", ""),
        sort=args.get("sort", "name"),
        page=args.get("page", 1, type=int),
        archived=args.get("archived") == "1",
        having=having,
    )
    return {
        "page": page,
        "q": args.get("q", ""),
        "state": args.get("state", ""),
        "sort": args.get("sort", "name"),
        "archived": args.get("archived") == "1",
        "having": given,
        "page_args": {k: v for k, v in args.items() if k != "page" and v},
        "filter_problem": problem,
        "filtered": having.active or bool(args.get("state")),
        "issuers": _issuer_choices(having.issuer),
        "expiry_windows": EXPIRY_WINDOWS,
        "state_labels": STATE_LABELS,
        "form": form or {},
        "errors": errors or {},
        "owners": [],
        "bulk_outcome": bulk_outcome(args),
        "conflicted": identity.conflicted_candidates(org_id(), [c.id for c in page.items]),
        "warning_signs": _warning_signs([c.id for c in page.items]),
        "roles": role_service.roles_of(org_id()),
        "bulk_actions": BULK_ACTIONS,
        "emails": candidate_service.emails_by_candidate([c.id for c in page.items]),
        "tallies": candidate_service.verdict_tallies([c.id for c in page.items]),
        "pending": any(c.state == CandidateState.PENDING.value for c in page.items),
    }


@bp.get("/")
@login_required
def index() -> Response:
    """Candidates, searchable and filterable; the table refreshes while verifications run."""
    return render("candidates/index.html", "candidate_table", **_list_context())


@bp.post("/")
@can_change
def create() -> Response:
    """Add a candidate with addresses and any badge links pasted in."""
    form = {key: request.form.get(key, "") for key in ("name", "emails", "links", "notes")}
    try:
        emails = candidate_service.parse_emails(form["emails"])
        urls = intake.pasted_urls(form["links"])
        owners = identity.owners_of(org_id(), emails)
        if owners and request.form.get("confirm_duplicate") != "1":
            context = {**_list_context(form), "owners": owners}
            return render("candidates/index.html", "add_candidate", status=409, **context)
        candidate = candidate_service.create(
            current_user.organization, form["name"], emails, form["notes"], actor=current_user
        )
        intake.add_links(candidate, urls, user=current_user._get_current_object())
    except CandidateError as error:
        context = _list_context(form, {"create": str(error)})
        return render("candidates/index.html", "add_candidate", status=422, **context)
    return see_other(url_for("candidates.show", candidate_id=candidate.id))


def _warning_signs(candidate_ids: list[int]) -> dict[int, int]:
    """How many issuer and name warning signs each listed candidate has (identity conflicts have
    their own flag), in a fixed number of queries however long the page."""
    if not candidate_ids:
        return {}
    grouped = fraud.by_candidate(
        org_id(), utcnow(), candidate_ids, kinds=fraud.ISSUER_AND_NAME_KINDS
    )
    return {candidate_id: len(found) for candidate_id, found in grouped.items() if found}


def _reasons_of(credentials: list[Credential]) -> dict[int, str]:
    """Each settled, unverified credential's plain reason from its latest run."""
    ids = [c.id for c in credentials if not c.pending and c.verdict not in (None, "verified")]
    return {
        credential_id: wording.verdict_reason(verdict, checks)
        for credential_id, (verdict, checks) in latest_checks(ids).items()
    }


def _show_context(candidate: Candidate, **extra: Any) -> dict[str, Any]:
    token = progress_token(candidate)  # read first: a change after it makes the next poll return
    credentials = credentials_of(candidate)
    imports = profile_import.of(candidate)
    conflicts = identity.conflicts(org_id(), candidate.id)
    # The warning signs the identity panel does not already show; the list flags their rows.
    signals = fraud.signals(
        org_id(), utcnow(), among=[candidate.id], kinds=fraud.ISSUER_AND_NAME_KINDS
    )
    panel = invite_panel(candidate)
    return {
        "progress_token": token,
        "conflicts": conflicts,
        "contested": identity.conflicted_credentials(conflicts),
        "signals": signals,
        "signalled": fraud.by_credential(signals),
        # Only the blocks that show them call these (not the credential list's polling).
        "notes_of": notes.of,
        "scores_of": sharing.scores_of,
        "candidate": candidate,
        "reasons": _reasons_of(credentials),
        "emails": candidate_service.emails_of(candidate),
        "credentials": credentials,
        "belonging": ownership.belonging_of(credentials),
        "profile_imports": imports,
        "invited": invites.added_ids(candidate),
        # The worker refreshes the candidate's state just after storing a verdict: poll until
        # that has happened too, or the status shown could stay "Verifying…".
        # While an invite is active the candidate may add credentials at any moment: keep
        # listening, so they appear without a reload.
        "pending": any(c.pending for c in credentials)
        or any(row.pending for row in imports)
        or candidate.state == CandidateState.PENDING.value
        or panel["invite_active"],
        # A fragment swapped into the page also updates the candidate's status out of band.
        "refresh_state": is_partial(),
        "errors": {},
        "notice": None,
        "links_text": "",
        **panel,
        **extra,
    }


@bp.get("/<int:candidate_id>")
@login_required
def show(candidate_id: int) -> Response:
    """A candidate with every credential and its verdict."""
    candidate = get_or_404(Candidate, candidate_id)
    notice = " ".join(get_flashed_messages()) or None
    return render("candidates/show.html", "content", **_show_context(candidate, notice=notice))


@bp.get("/<int:candidate_id>/progress")
@login_required
def progress(candidate_id: int) -> Response:
    """The credential list alone, asked for while something is still being verified.

    A long poll: with `since` (the state the page shows), the answer waits until something
    changed or LONG_POLL_SECONDS passed, so a verdict shows as soon as it is stored.
    """
    candidate = get_or_404(Candidate, candidate_id)
    since = request.args.get("since", "")
    if since:
        wakeup.wait_for_change(lambda: progress_token(candidate) != since, LONG_POLL_SECONDS)
        candidate = get_or_404(Candidate, candidate_id)  # its state as it is now
    return render("candidates/show.html", "credential_list", **_show_context(candidate))


@bp.post("/<int:candidate_id>/links")
@can_change
def add_links(candidate_id: int) -> Response:
    """Queue every link found in the pasted text."""
    candidate = get_or_404(Candidate, candidate_id)
    text = request.form.get("links", "")
    try:
        urls = intake.links_to_add(text)
    except CandidateError as error:
        context = _show_context(candidate, errors={"links": str(error)}, links_text=text)
        return render("candidates/show.html", "credentials_region", status=422, **context)
    try:
        added = intake.add_links(candidate, urls, user=current_user._get_current_object())
    except CandidateError as error:
        context = _show_context(candidate, errors={"links": str(error)}, links_text=text)
        return render("candidates/show.html", "credentials_region", status=422, **context)
    return _after_intake(candidate, _added_notice(len(urls), added))


def _added_notice(given: int, added: intake.Added) -> str:
    """What one paste queued, in words: links, and profiles being read."""
    links = given - len(added.profiles)
    skipped = links - len(added.credentials)
    parts = []
    if links or not added.profiles:
        count = len(added.credentials)
        parts.append(
            f"Added {count} link{'s' if count != 1 else ''}"
            + (f"; {skipped} already there." if skipped else ".")
        )
    for row in added.profiles:
        parts.append(f"Reading {row.label}: its badges appear below as they are found.")
    return " ".join(parts)


@bp.post("/<int:candidate_id>/files")
@can_change
def add_files(candidate_id: int) -> Response:
    """Queue uploaded baked images and credential files."""
    candidate = get_or_404(Candidate, candidate_id)
    uploads = [f for f in request.files.getlist("files") if f and f.filename]
    if not uploads:
        context = _show_context(candidate, errors={"files": "Choose at least one file first."})
        return render("candidates/show.html", "credentials_region", status=422, **context)
    added, problems = 0, []
    for upload in uploads:
        try:
            data = upload.read(intake.MAX_UPLOAD_BYTES + 1)
            added += intake.add_file(candidate, upload.filename or "upload", data) is not None
        except CandidateError as error:
            problems.append(str(error))
    if problems and not added:
        context = _show_context(candidate, errors={"files": " ".join(problems)})
        return render("candidates/show.html", "credentials_region", status=422, **context)
    notice = f"Added {added} file{'s' if added != 1 else ''}." + (
        " " + " ".join(problems) if problems else ""
    )
    return _after_intake(candidate, notice)


def _after_intake(candidate: Candidate, notice: str) -> Response:
    if htmx:
        context = _show_context(candidate, notice=notice)
        return render("candidates/show.html", "credentials_region", **context)
    return see_other(url_for("candidates.show", candidate_id=candidate.id))


@bp.get("/<int:candidate_id>/edit")
@can_change
def edit(candidate_id: int) -> Response:
    """The edit form."""
    candidate = get_or_404(Candidate, candidate_id)
    form = {
        "name": candidate.name,
        "emails": ", ".join(candidate_service.emails_of(candidate)),
        "notes": candidate.notes,
    }
    return render("candidates/edit.html", "content", candidate=candidate, form=form, errors={})


@bp.post("/<int:candidate_id>")
@can_change
def update(candidate_id: int) -> Response:
    """Save name, addresses and notes; re-checks recipients of every credential."""
    candidate = get_or_404(Candidate, candidate_id)
    form = {key: request.form.get(key, "") for key in ("name", "emails", "notes")}
    try:
        emails = candidate_service.parse_emails(form["emails"])
        before = set(candidate_service.emails_of(candidate))
        old_name = candidate.name
        candidate_service.update(candidate, form["name"], emails, form["notes"])
    except CandidateError as error:
        context = {"candidate": candidate, "form": form, "errors": {"form": str(error)}}
        return render("candidates/edit.html", "content", status=422, **context)
    # A certificate page is judged by the name it shows, a badge by the address it names.
    if set(emails) != before or candidate.name != old_name:
        from app.services.verification import recheck_recipients

        recheck_recipients(candidate, user=current_user._get_current_object())
    return see_other(url_for("candidates.show", candidate_id=candidate.id))


@bp.post("/<int:candidate_id>/archive")
@can_change
def archive(candidate_id: int) -> Response:
    """Archive or restore a candidate."""
    candidate = get_or_404(Candidate, candidate_id)
    candidate_service.set_archived(candidate, request.form.get("archived") == "1")
    return see_other(url_for("candidates.show", candidate_id=candidate.id))


@bp.post("/<int:candidate_id>/delete")
@can_change
def delete(candidate_id: int) -> Response:
    """Delete a candidate and everything stored about them."""
    candidate = get_or_404(Candidate, candidate_id)
    candidate_service.delete(candidate, current_user)
    return see_other(url_for("candidates.index"))


@bp.get("/export.csv")
@login_required
def export() -> Response:
    """Every candidate with their credentials and verdicts, as CSV."""
    return csv_response()


def csv_response(only: list[int] | None = None) -> Response:
    """The organisation's candidates (or only these ids) with their credentials, as CSV."""
    response = Response(exports.candidates_csv(org_id(), only), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=skillproof-candidates.csv"
    return response
