"""The library of typical RETEX actions (``data/actions.toml``), loaded and checked at start-up.

Suggestions of the action plan come from it: each typical action answers competency items of
the framework (``competencies.toml``). A problem raises :class:`KitContentError` naming the
file, the action's code and the field, and the service does not start.
"""

from __future__ import annotations

import functools
from collections import Counter

import msgspec

from service.kit.codes import ActionHorizon, ParticipantRole
from service.kit.content import CODE_PATTERN, Kit, KitContentError, decode_error, get_kit, read_data_file

ACTIONS_FILE = "actions.toml"
TITLE_MAX_LENGTH = 200


class ActionTemplate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A typical action; the actions created from it keep its ``code``."""

    code: str
    title: str
    description: str
    horizon: ActionHorizon
    owner_role: ParticipantRole
    # 1 comes first when suggestions are capped.
    priority: int
    competency_items: tuple[str, ...]


class ActionsFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    actions: tuple[ActionTemplate, ...]


class ActionLibrary(msgspec.Struct, frozen=True):
    """The typical actions by code, in priority order."""

    actions: dict[str, ActionTemplate]


def _template_problems(template: ActionTemplate, kit: Kit) -> list[str]:
    where = f"{ACTIONS_FILE}: {template.code}"
    problems: list[str] = []
    if not CODE_PATTERN.fullmatch(template.code):
        problems.append(f"{where}: code must match {CODE_PATTERN.pattern}")
    for name in ("title", "description"):
        text: str = getattr(template, name)
        if not text.strip() or text != text.strip():
            problems.append(f"{where}: {name} is empty or has surrounding spaces")
    if len(template.title) > TITLE_MAX_LENGTH:
        problems.append(f"{where}: title is longer than {TITLE_MAX_LENGTH} characters")
    if template.priority < 1:
        problems.append(f"{where}: priority must be 1 or more")
    if not template.competency_items:
        problems.append(f"{where}: competency_items is empty")
    for index, item in enumerate(template.competency_items):
        if item not in kit.item_families:
            problems.append(f"{where}: competency_items[{index}]: unknown competency item {item}")
    problems += [
        f"{where}: competency_items: {item} is listed twice"
        for item, count in Counter(template.competency_items).items()
        if count > 1
    ]
    return problems


def build_action_library(document: object, kit: Kit | None = None) -> ActionLibrary:
    """Convert and check the decoded file; raise KitContentError listing every problem."""
    kit = kit or get_kit()
    try:
        data = msgspec.convert(document, type=ActionsFile)
    except msgspec.ValidationError as exc:
        # The message names the enclosing action's code and the path of the field.
        raise KitContentError(decode_error(ACTIONS_FILE, document, exc)) from exc
    problems: list[str] = []
    for name, attribute in (("code", "code"), ("priority", "priority")):
        counts = Counter(getattr(template, attribute) for template in data.actions)
        problems += [f"{ACTIONS_FILE}: {name} {value} is used twice" for value, n in counts.items() if n > 1]
    for template in data.actions:
        problems += _template_problems(template, kit)
    answered = {item for template in data.actions for item in template.competency_items}
    # Every weak item must have something to suggest.
    problems += [
        f"{ACTIONS_FILE}: competency item {item} is answered by no action"
        for item in kit.item_families
        if item not in answered
    ]
    if problems:
        raise KitContentError("The library of typical actions is invalid: " + "; ".join(problems))
    ordered = sorted(data.actions, key=lambda template: template.priority)
    return ActionLibrary(actions={template.code: template for template in ordered})


@functools.cache
def get_action_library() -> ActionLibrary:
    return build_action_library(read_data_file(ACTIONS_FILE))
