"""The signed-in user's organisation, and rows looked up only within it."""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from flask_login import current_user

from app.models import TenantModel

M = TypeVar("M", bound=TenantModel)


def org_id() -> int:
    return int(current_user.organization_id)


def get_or_404(model: type[M], pk: int) -> M:
    """The row with this id in the user's organisation; another organisation's row is a 404."""
    row = model.get_in(org_id(), pk)
    if row is None:
        abort(404)
    return row
