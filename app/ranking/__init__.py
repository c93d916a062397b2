"""Role profiles x verified evidence -> scores from 0 to 100, each point explained. Pure."""

from __future__ import annotations

from app.ranking.model import (
    Evidence,
    Importance,
    Ownership,
    Profile,
    Requirement,
    SkillClaim,
    StackRule,
    Tier,
)
from app.ranking.policy import POLICY_VERSION, Policy
from app.ranking.score import CandidateScore, SkillRow, rank, score_candidate
from app.ranking.suggest import Suggestion

__all__ = [
    "POLICY_VERSION",
    "CandidateScore",
    "Evidence",
    "Importance",
    "Ownership",
    "Policy",
    "Profile",
    "Requirement",
    "SkillClaim",
    "SkillRow",
    "StackRule",
    "Suggestion",
    "Tier",
    "rank",
    "score_candidate",
]
