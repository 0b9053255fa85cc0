"""Official regions and départements (INSEE COG), read from ``kit/data/geography.toml``."""

from __future__ import annotations

import functools
from importlib import resources

import msgspec

from service.lib.duplicates import duplicates


class Region(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: str
    name: str


class Departement(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: str
    name: str
    region_code: str
    # What every FINESS ET number of the département starts with: "9701" for code "971".
    finess_prefix: str


class GeographyFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The file as decoded, before any check."""

    regions: tuple[Region, ...]
    departements: tuple[Departement, ...]


class GeographyError(ValueError):
    """The geography file is inconsistent; the service must not start."""


def _blank_fields(kind: str, item: Region | Departement) -> list[str]:
    fields = {"code": item.code, "name": item.name}
    if isinstance(item, Departement):
        fields |= {"region_code": item.region_code, "finess_prefix": item.finess_prefix}
    return [
        f"{kind} {item.code!r}: {field} is empty or has surrounding spaces"
        for field, value in fields.items()
        if not value or value != value.strip()
    ]


def check_geography(data: GeographyFile) -> None:
    """Raise GeographyError listing every inconsistency of a decoded file."""
    problems: list[str] = []
    for region in data.regions:
        problems += _blank_fields("region", region)
    for departement in data.departements:
        problems += _blank_fields("département", departement)
    problems += [
        f"region code {code!r} is duplicated"
        for code in sorted(duplicates([region.code for region in data.regions]))
    ]
    problems += [
        f"département code {code!r} is duplicated"
        for code in sorted(duplicates([departement.code for departement in data.departements]))
    ]
    region_codes = {region.code for region in data.regions}
    problems += [
        f"département {departement.code!r} references unknown region {departement.region_code!r}"
        for departement in data.departements
        if departement.region_code not in region_codes
    ]
    used_regions = {departement.region_code for departement in data.departements}
    problems += [
        f"region {region.code!r} has no département"
        for region in data.regions
        if region.code not in used_regions
    ]
    if problems:
        raise GeographyError("geography.toml is inconsistent: " + "; ".join(problems))


class Geography:
    """Checked, read-only view of the regions and départements, sorted by code."""

    __slots__ = (
        "_by_region",
        "_departement_by_code",
        "_departements",
        "_region_by_code",
        "_regions",
    )

    def __init__(self, data: GeographyFile) -> None:
        check_geography(data)
        self._regions = tuple(sorted(data.regions, key=lambda region: region.code))
        self._departements = tuple(sorted(data.departements, key=lambda dep: dep.code))
        self._region_by_code = {region.code: region for region in self._regions}
        self._departement_by_code = {dep.code: dep for dep in self._departements}
        self._by_region = {
            region.code: tuple(dep for dep in self._departements if dep.region_code == region.code)
            for region in self._regions
        }

    @property
    def regions(self) -> tuple[Region, ...]:
        return self._regions

    @property
    def departements(self) -> tuple[Departement, ...]:
        return self._departements

    def region(self, code: str) -> Region | None:
        return self._region_by_code.get(code)

    def departement(self, code: str) -> Departement | None:
        return self._departement_by_code.get(code)

    def departements_of(self, region_code: str) -> tuple[Departement, ...]:
        """Départements of a region; empty for an unknown region code."""
        return self._by_region.get(region_code, ())


def decode_geography(raw: bytes) -> Geography:
    """Decode and check a geography file; unknown or missing fields fail in the decoder."""
    try:
        data = msgspec.toml.decode(raw, type=GeographyFile)
    except msgspec.DecodeError as exc:
        raise GeographyError(f"geography.toml is invalid: {exc}") from exc
    return Geography(data)


@functools.cache
def load_geography() -> Geography:
    raw = (resources.files("service.kit") / "data" / "geography.toml").read_bytes()
    return decode_geography(raw)
