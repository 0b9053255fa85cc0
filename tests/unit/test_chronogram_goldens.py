"""Golden chronograms: seven contrasting establishments, compared byte for byte.

A difference means the library or the engine changed what an establishment gets. If the change
is deliberate, regenerate the files (``.venv/bin/python -m tests.golden.establishments``), read
the Markdown diff as a crisis manager would, and commit both with the change.
"""

from __future__ import annotations

import msgspec
import pytest

from service.domain.chronogram.engine import GenerationInputs
from service.domain.exercises.rules import answer_errors, component_errors, normalise_components
from service.kit.catalogue import get_catalogue
from service.kit.codes import Phase
from service.kit.content import Establishment, get_kit
from tests.golden.establishments import ESTABLISHMENTS, chronogram_of, golden_json, golden_markdown, paths

REGENERATE = "run `.venv/bin/python -m tests.golden.establishments` and review the diff"


@pytest.mark.parametrize("name", list(ESTABLISHMENTS))
def test_the_golden_chronogram_is_unchanged(name: str) -> None:
    json_path, markdown_path = paths(name)
    chronogram = chronogram_of(ESTABLISHMENTS[name])
    assert golden_json(chronogram) == json_path.read_bytes(), REGENERATE
    assert golden_markdown(name, ESTABLISHMENTS[name], chronogram) == markdown_path.read_text("utf-8"), (
        REGENERATE
    )


@pytest.mark.parametrize("name", list(ESTABLISHMENTS))
def test_the_golden_inputs_are_what_the_api_would_accept(name: str) -> None:
    """The goldens describe establishments the service could hold: valid answers and SI."""
    inputs: GenerationInputs = ESTABLISHMENTS[name]
    kit = get_kit()
    establishment = Establishment(
        category=inputs.organisation.category, service_mode=inputs.organisation.service_mode
    )
    assert answer_errors(inputs.answers, kit, establishment, get_catalogue()) == []
    stored = normalise_components(msgspec.json.decode(msgspec.json.encode(inputs.components)), kit)
    assert component_errors(stored, kit) == []


def test_the_establishments_get_contrasting_chronograms() -> None:
    codes = {
        name: frozenset(entry.inject_code for entry in chronogram_of(inputs).entries)
        for name, inputs in ESTABLISHMENTS.items()
    }
    assert len(set(codes.values())) == len(codes)
    ssiad = chronogram_of(ESTABLISHMENTS["ssiad"])
    # The 45-minute format: 25 minutes of play, the first hour's chain still in it, then the RETEX.
    assert (ssiad.timing.briefing_minutes, ssiad.timing.play_minutes) == (5, 25)
    retex = next(entry for entry in ssiad.entries if entry.phase is Phase.RETEX_CHAUD)
    assert ssiad.timing.last_offset - retex.offset_minutes >= 10
    chain = [Phase.SIGNAL_FAIBLE, Phase.QUALIFICATION, Phase.ARBITRAGE, Phase.ESCALADE]
    first_of = {phase: next(e.offset_minutes for e in ssiad.entries if e.phase is phase) for phase in chain}
    assert [first_of[phase] for phase in chain] == sorted(first_of.values())
    assert len(set(first_of.values())) == len(chain)
