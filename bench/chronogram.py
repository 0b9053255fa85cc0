"""How long the chronogram engine takes, side by side with merely decoding its inputs.

The largest case the kit allows in practice: a 3-hour CONFIRME SIMULATION with every SI
category described, every role playing, perturbations on, the whole questionnaire answered and
a full crisis directory. Both timings are taken in the same run, so the ratio says how much the
generation costs compared with reading the request (the issue's target: a 3-hour « confirmé »
chronogram in well under 10 ms). No time is asserted anywhere: machines differ.

    make bench        (every benchmark; or .venv/bin/python -m bench.chronogram for this one)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from datetime import time as clock

import msgspec

from bench.report import Figure
from service.domain.chronogram.engine import (
    ContactFacts,
    ExerciseParameters,
    GenerationInputs,
    OrganisationProfile,
    generate,
)
from service.kit.codes import (
    AnswerType,
    ContactRole,
    EssmsCategory,
    ExerciseFormat,
    ExerciseLevel,
    HostingMode,
    ParticipantRole,
    ScenarioType,
    ServiceMode,
    SiCategory,
)
from service.kit.content import Kit
from service.kit.context import load_kit_context
from service.kit.rules import ComponentFacts

ROUNDS = 7
# Calls per round: enough for each round to last a good fraction of a second.
CALLS = 300


def every_answer(kit: Kit) -> dict[str, bool | int | str | list[str]]:
    answers: dict[str, bool | int | str | list[str]] = {}
    for question in kit.questions.values():
        options = [option.code for option in kit.options(question)]
        answers[question.code] = {
            AnswerType.BOOL: True,
            AnswerType.INTEGER: question.maximum or 1,
            AnswerType.SINGLE_CHOICE: options[-1] if options else "",
            AnswerType.MULTIPLE_CHOICE: options,
            AnswerType.TEXT: "Tester toute la chaîne d'alerte et la reprise.",
        }[question.answer_type]
    return answers


def largest_case(kit: Kit) -> GenerationInputs:
    return GenerationInputs(
        organisation=OrganisationProfile(
            name="Établissement public médico-social du Grand Littoral",
            short_name="EPMS du Grand Littoral",
            category=EssmsCategory.EHPAD,
            service_mode=ServiceMode.HEBERGEMENT,
            capacity_places=320,
            sites_count=4,
        ),
        parameters=ExerciseParameters(
            exercise_date=date(2026, 11, 24),
            start_time=clock(9, 0),
            duration_minutes=180,
            briefing_minutes=15,
            level=ExerciseLevel.CONFIRME,
            format=ExerciseFormat.SIMULATION,
            scenario_type=ScenarioType.RANSOMWARE,
            participant_roles=tuple(ParticipantRole),
            include_perturbations=True,
        ),
        answers=every_answer(kit),
        components=tuple(
            ComponentFacts(
                code=category.value,
                category=category,
                name=f"Logiciel {category.value.lower()}",
                editor=f"Éditeur {index}",
                hosting=list(HostingMode)[index % len(HostingMode)],
                criticality=1 + index % 4,
                users_count=10 * index,
                personal_data=True,
                health_data=index % 2 == 0,
                degraded_procedure=index % 3 == 0,
                rto_hours=index,
            )
            for index, category in enumerate(SiCategory)
        ),
        contacts=tuple(ContactFacts(role=role, name=f"Contact {role.value.lower()}") for role in ContactRole),
    )


def best_per_call(action: Callable[[], object]) -> float:
    """Seconds per call: the median of ROUNDS rounds of CALLS calls (the median resists the
    other processes of a shared machine)."""
    rounds = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(CALLS):
            action()
        rounds.append((time.perf_counter() - start) / CALLS)
    return statistics.median(rounds)


def measure() -> list[Figure]:
    kit = load_kit_context()
    inputs = largest_case(kit.content)
    encoded = msgspec.json.encode(inputs)
    decoder = msgspec.json.Decoder(GenerationInputs)
    chronogram = generate(inputs, kit)

    decoding = best_per_call(lambda: decoder.decode(encoded))
    generating = best_per_call(lambda: generate(decoder.decode(encoded), kit))

    print(
        f"Cas le plus grand : {len(chronogram.entries)} lignes, {len(inputs.components)} composants, "
        f"{len(encoded)} octets d'entrée"
    )
    print(f"Décodage seul des entrées   : {decoding * 1e6:9.1f} µs")
    print(f"Décodage + génération       : {generating * 1e6:9.1f} µs ({generating * 1e3:.2f} ms)")
    print(f"Rapport génération / décodage : {generating / decoding:.1f}")
    return [
        Figure(
            group="Chronogram engine (no HTTP, no database)",
            name=(
                f"largest case: {len(chronogram.entries)} lines from {len(inputs.components)} SI "
                "components (3 h CONFIRMÉ simulation); target: well under 10 ms"
            ),
            measured=f"decode + generate {generating * 1e3:.2f} ms",
            limit=f"decode only {decoding * 1e6:.0f} µs",
            ratio=decoding / generating,
            target=None,
        )
    ]


def main() -> None:
    measure()


if __name__ == "__main__":
    main()
