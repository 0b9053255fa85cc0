"""The kit as one frozen value: everything the engines read of the kit, built once and passed in.

:func:`load_kit_context` is the one way to build it, used by ``create_app``, the benchmarks and
the tests alike; the engines take the :class:`KitContext` as a parameter and
never reach for a loader, so an engine given another context speaks with that context's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import SkipValidation

from service.kit.actions import ActionLibrary, get_action_library
from service.kit.catalogue import Catalogue, get_catalogue
from service.kit.content import Kit, get_kit
from service.kit.injects import InjectLibrary, get_inject_library
from service.kit.rules.wording import Wording, get_wording
from service.kit.vocabulary import Vocabulary, get_vocabulary

KIT_CONTEXT_STATE_KEY = "kit_context"


# Compared and hashed by identity: caches of what is derived from a context key on the context.
@dataclass(frozen=True, slots=True, eq=False)
class KitContext:
    """The checked kit: its content (questionnaire, SI attributes, competencies, scenarios), the
    catalogue of French labels, the vocabulary of the stimuli, the rule wording, the inject
    library and the library of typical actions."""

    content: Kit
    catalogue: Catalogue
    vocabulary: Vocabulary
    wording: Wording
    injects: InjectLibrary
    actions: ActionLibrary


# How a handler asks for it: by name, and not validated per request (it was checked at start-up).
KitDependency: TypeAlias = NamedDependency[SkipValidation[KitContext]]


def load_kit_context() -> KitContext:
    """The shipped kit, loaded and checked (each loader reads its files once per process);
    broken kit data raises KitContentError here."""
    return KitContext(
        content=get_kit(),
        catalogue=get_catalogue(),
        vocabulary=get_vocabulary(),
        wording=get_wording(),
        injects=get_inject_library(),
        actions=get_action_library(),
    )


def provide_kit_context(state: State) -> KitContext:
    """The application's kit context, for handlers and services (Litestar DI)."""
    context: KitContext = state[KIT_CONTEXT_STATE_KEY]
    return context
