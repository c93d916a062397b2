"""CSV import of many candidates: upload, preview with per-row errors, import, live progress."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for
from flask_login import current_user, login_required

from app.models import ImportBatch
from app.services import intake
from app.services.candidates import CandidateError
from app.web.auth import can_change
from app.web.htmx import render, see_other
from app.web.tenancy import get_or_404

bp = Blueprint("imports", __name__, url_prefix="/imports")


@bp.get("/new")
@can_change
def new() -> Response:
    """The upload form."""
    return render("imports/new.html", "import_form", preview=None, error=None, csv_text="")


@bp.post("/preview")
@can_change
def preview() -> Response:
    """Parse the file and show every row with its errors; nothing is written yet."""
    upload = request.files.get("file")
    data = upload.read(intake.MAX_CSV_BYTES + 1) if upload and upload.filename else b""
    data = data or request.form.get("csv_text", "").encode()
    filename = upload.filename if upload and upload.filename else request.form.get("filename", "")
    try:
        parsed = intake.read_csv(current_user.organization_id, data)
    except CandidateError as error:
        return render(
            "imports/new.html",
            "import_form",
            status=422,
            preview=None,
            error=str(error),
            csv_text="",
        )
    context: dict[str, Any] = {
        "preview": parsed,
        "error": None,
        "filename": filename,
        "csv_text": data.decode("utf-8-sig"),
    }
    return render("imports/new.html", "import_form", **context)


@bp.post("/")
@can_change
def create() -> Response:
    """Import the valid rows of the previewed file and start verifying their links."""
    text = request.form.get("csv_text", "")
    filename = request.form.get("filename", "")
    try:
        parsed = intake.read_csv(current_user.organization_id, text.encode())
    except CandidateError as error:
        return render(
            "imports/new.html",
            "import_form",
            status=422,
            preview=None,
            error=str(error),
            csv_text="",
        )
    batch = intake.import_csv(current_user.organization, parsed, filename, current_user)
    location = url_for("imports.show", batch_id=batch.id)
    return see_other(location)


@bp.get("/<int:batch_id>")
@login_required
def show(batch_id: int) -> Response:
    """The import's progress: a bar and counts by verdict, updating until every link is done."""
    batch = get_or_404(ImportBatch, batch_id)
    counts = intake.batch_progress(batch)
    percent = 100 if not counts["total"] else round(100 * counts["done"] / counts["total"])
    return render("imports/show.html", "progress", batch=batch, counts=counts, percent=percent)
