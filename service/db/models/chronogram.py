"""An exercise's chronogram: one header per exercise and its ordered entries (stimuli).

The entries are rows rather than one JSON document, unlike the questionnaire and the SI
description: each is addressed, edited, shifted and deleted on its own (with its own ETag),
and other areas point at one of them (the evaluation grid rates the reactions to an entry by
``(exercise_id, id)``). ``exercise_id`` is repeated on the entry for that reason and so that
an entry is found in one indexed lookup without joining its chronogram.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from uuid import UUID

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base


class Chronogram(Base):
    """The generation's provenance: which library and engine produced it, from which inputs."""

    __tablename__ = "chronogram"

    exercise_id: Mapped[UUID] = mapped_column(ForeignKey("exercise.id", ondelete="CASCADE"), unique=True)
    library_version: Mapped[str] = mapped_column(String(32))
    generator_version: Mapped[str] = mapped_column(String(32))
    # SHA-256 (hex) of the canonical JSON of the engine's inputs: two chronograms with the same
    # hash and versions were generated from the same establishment, parameters, answers and SI.
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    # The last generation (``updated_at`` also moves with every manual edit of an entry).
    generated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    # [{"inject_code": str, "reason": str}]: what fitted the exercise but was not kept, and why.
    left_out: Mapped[list[dict[str, Any]]] = mapped_column(JsonB, default=list)


class ChronogramEntry(Base):
    """One stimulus (or the briefing, FINEX, RETEX…) of the chronogram."""

    __tablename__ = "chronogram_entry"
    # Entries are always read in play order, within one chronogram.
    __table_args__ = (Index("ix_chronogram_entry_order", "chronogram_id", "offset_minutes", "seq"),)

    exercise_id: Mapped[UUID] = mapped_column(ForeignKey("exercise.id", ondelete="CASCADE"), index=True)
    chronogram_id: Mapped[UUID] = mapped_column(ForeignKey("chronogram.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    # Minutes from T0 (negative during the DEBEX) and the Europe/Paris wall-clock time they give
    # from the exercise's date and start time (None while those are not fixed).
    offset_minutes: Mapped[int] = mapped_column(Integer)
    clock_time: Mapped[time | None] = mapped_column(Time)
    phase: Mapped[str] = mapped_column(String(24))
    sender: Mapped[str] = mapped_column(String(40))
    # FacilitatorRole: who of the facilitators plays the sender (column « Animateur »).
    facilitator: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(200))
    stimulus: Mapped[str] = mapped_column(Text)
    expected_reactions: Mapped[list[str]] = mapped_column(JsonB, default=list)
    competency_items: Mapped[list[str]] = mapped_column(JsonB, default=list)
    # The library inject it comes from; None for a stimulus added by hand.
    inject_code: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    routing_note: Mapped[str | None] = mapped_column(Text)
    # When the facilitators play it (« Seulement si personne n'a encore signalé… »).
    play_if: Mapped[str | None] = mapped_column(Text)
    # What the facilitators noted about this line while playing it.
    observation: Mapped[str | None] = mapped_column(Text)
    unresolved_placeholders: Mapped[list[str]] = mapped_column(JsonB, default=list)
    # EntryOrigin: GENERATED, EDITED (generated then changed by hand) or CUSTOM (added by hand);
    # regeneration replaces only the GENERATED ones unless told to discard the others too.
    origin: Mapped[str] = mapped_column(String(16))
    # EntryStatus: PLANNED, SENT (played), SHIFTED (played at another minute) or SKIPPED (kept
    # in the chronogram, not played).
    status: Mapped[str] = mapped_column(String(16))
