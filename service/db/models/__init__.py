"""All tables, imported together so Alembic and the mappers see the whole schema."""

from service.db.models.account import AdminSession, ApiKey, UserAccount
from service.db.models.action import RetexAction
from service.db.models.audit_event import AuditEvent
from service.db.models.chronogram import Chronogram, ChronogramEntry
from service.db.models.contact import Contact
from service.db.models.evaluation import (
    CompetencyEvaluation,
    CompetencyRating,
    CompetencyRatingEntry,
    ExerciseObservation,
)
from service.db.models.exercise import Exercise, ExerciseInformationSystem, ExerciseQuestionnaire
from service.db.models.idempotency_record import IdempotencyRecord
from service.db.models.organisation import Organisation

__all__ = [
    "AdminSession",
    "ApiKey",
    "AuditEvent",
    "Chronogram",
    "ChronogramEntry",
    "CompetencyEvaluation",
    "CompetencyRating",
    "CompetencyRatingEntry",
    "Contact",
    "Exercise",
    "ExerciseInformationSystem",
    "ExerciseObservation",
    "ExerciseQuestionnaire",
    "IdempotencyRecord",
    "Organisation",
    "RetexAction",
    "UserAccount",
]
