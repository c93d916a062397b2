"""The one exception the OB 3.0 verifier raises internally: a failed check with its verdict."""

from __future__ import annotations

from app.verification.result import Check, Outcome, Verdict


class Failure(Exception):
    """A check that failed; `verdict` is what it leads to and `detail` is plain words."""

    def __init__(self, check_id: str, verdict: Verdict, detail: str) -> None:
        super().__init__(detail)
        self.check_id = check_id
        self.verdict = verdict
        self.detail = detail

    def __reduce__(self) -> tuple[type[Failure], tuple[str, Verdict, str]]:
        # the heavy lane (app.verification.ob3.lane) sends failures back from its process
        return (Failure, (self.check_id, self.verdict, self.detail))

    def to_check(self) -> Check:
        return Check(self.check_id, Outcome.FAIL, self.detail, self.verdict)


def invalid(check_id: str, detail: str) -> Failure:
    return Failure(check_id, Verdict.INVALID, detail)


def unreachable(check_id: str, detail: str) -> Failure:
    return Failure(check_id, Verdict.UNREACHABLE, detail)


def unsupported(check_id: str, detail: str) -> Failure:
    return Failure(check_id, Verdict.UNSUPPORTED, detail)
