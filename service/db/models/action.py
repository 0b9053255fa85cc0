"""An action of an exercise's RETEX action plan.

The status history is a JSON list on the row rather than a table of its own: it is only ever
read and appended with its action (a handful of changes over the months of follow-up), never
queried across actions, and it then shares the action's revision and ETag.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base


class RetexAction(Base):
    __tablename__ = "retex_action"
    # The organisation's view lists open actions by due date, exercise by exercise.
    __table_args__ = (Index("ix_retex_action_exercise_status_due", "exercise_id", "status", "due_date"),)

    exercise_id: Mapped[UUID] = mapped_column(ForeignKey("exercise.id", ondelete="CASCADE"))
    # The typical action of the library it was created from (None for an action written by hand).
    library_code: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    horizon: Mapped[str] = mapped_column(String(16))
    due_date: Mapped[date | None] = mapped_column(Date)
    # False while the due date follows the exercise's date and the horizon.
    due_date_overridden: Mapped[bool] = mapped_column(Boolean)
    owner_role: Mapped[str] = mapped_column(String(40))
    # SET NULL: a person leaving the crisis directory leaves the action to its owner role.
    contact_id: Mapped[UUID | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    status_changed_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    # [{"from_status", "to_status", "changed_at" (RFC 3339), "changed_by", "reason"}], oldest first.
    status_history: Mapped[list[dict[str, Any]]] = mapped_column(JsonB, default=list)
    competency_items: Mapped[list[str]] = mapped_column(JsonB, default=list)
    # {item code: rating}: every weak rating of the evaluation read by the application of the
    # suggestions that created it (None for an action written by hand). What makes applying
    # idempotent: a rating read once is never proposed for again (see engine.propose).
    suggested_from: Mapped[dict[str, str] | None] = mapped_column(JsonB)
