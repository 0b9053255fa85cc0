"""The official geography file and the checks its loader runs."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.lib.geography import (
    Departement,
    Geography,
    GeographyError,
    GeographyFile,
    Region,
    check_geography,
    decode_geography,
    load_geography,
)

GEOGRAPHY = load_geography()

OVERSEAS_FINESS_PREFIXES = {
    "971": "9701",
    "972": "9702",
    "973": "9703",
    "974": "9704",
    "976": "9805",
}


def test_counts_match_the_official_lists() -> None:
    assert len(GEOGRAPHY.regions) == 18
    assert len(GEOGRAPHY.departements) == 101


def test_codes_are_the_insee_ones() -> None:
    metropolitan = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
    expected = set(metropolitan) | set(OVERSEAS_FINESS_PREFIXES)
    assert {dep.code for dep in GEOGRAPHY.departements} == expected
    assert {region.code for region in GEOGRAPHY.regions} == {
        "01", "02", "03", "04", "06", "11", "24", "27", "28",
        "32", "44", "52", "53", "75", "76", "84", "93", "94",
    }  # fmt: skip


def test_lists_are_sorted_by_code() -> None:
    assert [r.code for r in GEOGRAPHY.regions] == sorted(r.code for r in GEOGRAPHY.regions)
    codes = [dep.code for dep in GEOGRAPHY.departements]
    assert codes == sorted(codes)


def test_every_departement_belongs_to_a_known_region() -> None:
    for dep in GEOGRAPHY.departements:
        assert GEOGRAPHY.region(dep.region_code) is not None, dep


def test_every_region_has_a_departement() -> None:
    for region in GEOGRAPHY.regions:
        assert GEOGRAPHY.departements_of(region.code), region


@pytest.mark.parametrize(
    ("code", "name", "region_code", "region_name"),
    [
        ("13", "Bouches-du-Rhône", "93", "Provence-Alpes-Côte d'Azur"),
        ("2A", "Corse-du-Sud", "94", "Corse"),
        ("2B", "Haute-Corse", "94", "Corse"),
        ("976", "Mayotte", "06", "Mayotte"),
        ("974", "La Réunion", "04", "La Réunion"),
        ("75", "Paris", "11", "Île-de-France"),
        ("22", "Côtes-d'Armor", "53", "Bretagne"),
        ("90", "Territoire de Belfort", "27", "Bourgogne-Franche-Comté"),
        ("95", "Val-d'Oise", "11", "Île-de-France"),
        ("69", "Rhône", "84", "Auvergne-Rhône-Alpes"),
    ],
)
def test_known_facts(code: str, name: str, region_code: str, region_name: str) -> None:
    dep = GEOGRAPHY.departement(code)
    assert dep is not None
    assert (dep.name, dep.region_code) == (name, region_code)
    assert GEOGRAPHY.region(region_code) == Region(code=region_code, name=region_name)


def test_names_are_clean() -> None:
    names = [r.name for r in GEOGRAPHY.regions] + [d.name for d in GEOGRAPHY.departements]
    for name in names:
        assert name
        assert name == name.strip()
        assert "  " not in name
        assert "’" not in name  # the file uses the plain apostrophe


def test_finess_prefixes() -> None:
    for dep in GEOGRAPHY.departements:
        assert dep.finess_prefix == OVERSEAS_FINESS_PREFIXES.get(dep.code, dep.code)


def test_unknown_codes() -> None:
    assert GEOGRAPHY.region("99") is None
    assert GEOGRAPHY.departement("20") is None
    assert GEOGRAPHY.departement("975") is None
    assert GEOGRAPHY.departements_of("99") == ()


def test_loader_is_cached() -> None:
    assert load_geography() is GEOGRAPHY


@given(st.sampled_from(GEOGRAPHY.departements))
def test_departement_is_listed_under_its_region_only(dep: Departement) -> None:
    assert dep in GEOGRAPHY.departements_of(dep.region_code)
    for region in GEOGRAPHY.regions:
        if region.code != dep.region_code:
            assert dep not in GEOGRAPHY.departements_of(region.code)


# --- Validation of a broken file ----------------------------------------------------------

ARA = Region(code="84", name="Auvergne-Rhône-Alpes")
CORSE = Region(code="94", name="Corse")
AIN = Departement(code="01", name="Ain", region_code="84", finess_prefix="01")
CORSE_DU_SUD = Departement(code="2A", name="Corse-du-Sud", region_code="94", finess_prefix="2A")


def geography_file(
    regions: tuple[Region, ...] = (ARA, CORSE),
    departements: tuple[Departement, ...] = (AIN, CORSE_DU_SUD),
) -> GeographyFile:
    return GeographyFile(regions=regions, departements=departements)


def test_a_consistent_file_passes() -> None:
    check_geography(geography_file())
    geography = Geography(geography_file())
    assert geography.departements_of("94") == (CORSE_DU_SUD,)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (geography_file(regions=(ARA, CORSE, ARA)), "region code '84' is duplicated"),
        (
            geography_file(departements=(AIN, CORSE_DU_SUD, AIN)),
            "département code '01' is duplicated",
        ),
        (
            geography_file(
                departements=(
                    AIN,
                    CORSE_DU_SUD,
                    Departement(code="02", name="Aisne", region_code="32", finess_prefix="02"),
                )
            ),
            "département '02' references unknown region '32'",
        ),
        (geography_file(departements=(AIN,)), "region '94' has no département"),
        (
            geography_file(regions=(ARA, Region(code="94", name=""))),
            "region '94': name is empty",
        ),
        (
            geography_file(
                departements=(
                    AIN,
                    Departement(code="2A", name=" Corse-du-Sud", region_code="94", finess_prefix="2A"),
                )
            ),
            "département '2A': name is empty or has surrounding spaces",
        ),
        (
            geography_file(
                departements=(
                    AIN,
                    Departement(code="2A", name="Corse-du-Sud", region_code="94", finess_prefix=""),
                )
            ),
            "département '2A': finess_prefix is empty",
        ),
    ],
)
def test_a_broken_file_is_rejected(data: GeographyFile, message: str) -> None:
    with pytest.raises(GeographyError, match=message):
        check_geography(data)
    with pytest.raises(ValueError, match=message):
        Geography(data)


def test_every_problem_is_reported_at_once() -> None:
    data = geography_file(regions=(ARA, CORSE, Region(code="11", name="")))
    with pytest.raises(GeographyError) as caught:
        check_geography(data)
    assert "region '11': name is empty" in str(caught.value)
    assert "region '11' has no département" in str(caught.value)


@pytest.mark.parametrize(
    "raw",
    [
        b"not toml at all [",
        b'[[regions]]\ncode = "84"\n',
        b'[[regions]]\ncode = "84"\nname = "ARA"\ncapital = "Lyon"\n',
        b'regions = []\n[[departements]]\ncode = 1\nname = "Ain"\nregion_code = "84"\nfiness_prefix = "01"\n',
    ],
)
def test_an_undecodable_file_is_rejected(raw: bytes) -> None:
    with pytest.raises(GeographyError, match=r"geography\.toml is invalid"):
        decode_geography(raw)


def test_an_inconsistent_file_is_rejected_by_the_decoder() -> None:
    raw = b'regions = []\n[[departements]]\ncode = "01"\nname = "Ain"\n'
    raw += b'region_code = "84"\nfiness_prefix = "01"\n'
    with pytest.raises(GeographyError, match="unknown region '84'"):
        decode_geography(raw)
