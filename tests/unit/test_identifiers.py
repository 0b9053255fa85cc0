"""FINESS, SIREN and SIRET checks, on real numbers and on generated ones."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from service.lib.geography import Departement, load_geography
from service.lib.identifiers import (
    FRENCH_MESSAGES,
    IdentifierError,
    check_finess,
    check_siren,
    check_siret,
    luhn_check_digit,
    luhn_is_valid,
)

LA_POSTE_SIREN = "356000000"


def digits(length: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=length, max_size=length)


def with_key(body: str) -> str:
    return body + luhn_check_digit(body)


def departement(code: str) -> Departement:
    found = load_geography().departement(code)
    assert found is not None
    return found


# --- Luhn ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "12a4", "١٢٣", "²", "0 0", "-0"])
def test_luhn_rejects_anything_but_ascii_digits(text: str) -> None:
    assert not luhn_is_valid(text)


@pytest.mark.parametrize("partial", ["", "12 3", "12a", "٣"])
def test_luhn_check_digit_refuses_non_digits(partial: str) -> None:
    with pytest.raises(ValueError, match="ASCII digits"):
        luhn_check_digit(partial)


@given(digits(8))
def test_any_body_with_its_check_digit_is_valid(body: str) -> None:
    number = with_key(body)
    assert luhn_is_valid(number)
    assert check_finess(number) is None
    assert check_siren(number) is None


@given(digits(13))
def test_any_siret_body_with_its_check_digit_is_valid(body: str) -> None:
    assume(not body.startswith(LA_POSTE_SIREN))
    assert check_siret(with_key(body)) is None


@given(digits(8), st.integers(0, 8), st.integers(1, 9))
def test_changing_one_digit_breaks_the_key(body: str, index: int, shift: int) -> None:
    number = with_key(body)
    changed = number[:index] + str((int(number[index]) + shift) % 10) + number[index + 1 :]
    assert check_finess(changed) is IdentifierError.CHECKSUM
    assert check_siren(changed) is IdentifierError.CHECKSUM


@given(digits(8), st.integers(0, 7))
def test_swapping_two_adjacent_digits_breaks_the_key(body: str, index: int) -> None:
    number = with_key(body)
    pair = number[index : index + 2]
    # Luhn's one known blind spot: it cannot tell 09 from 90.
    assume(pair[0] != pair[1] and set(pair) != {"0", "9"})
    swapped = number[:index] + pair[::-1] + number[index + 2 :]
    assert check_finess(swapped) is IdentifierError.CHECKSUM
    assert check_siren(swapped) is IdentifierError.CHECKSUM


@given(digits(13), st.integers(0, 13), st.integers(1, 9))
def test_changing_one_digit_of_a_siret_breaks_the_key(body: str, index: int, shift: int) -> None:
    number = with_key(body)
    changed = number[:index] + str((int(number[index]) + shift) % 10) + number[index + 1 :]
    assume(not number.startswith(LA_POSTE_SIREN) and not changed.startswith(LA_POSTE_SIREN))
    assert check_siret(changed) is IdentifierError.CHECKSUM


# --- FINESS -------------------------------------------------------------------------------

# AP-HP and AP-HM (legal entities), and establishments of the FINESS open data extract.
REAL_FINESS = ["750712184", "130786049", "010780054", "010000024"]


@pytest.mark.parametrize("number", REAL_FINESS)
def test_real_finess_numbers_are_valid(number: str) -> None:
    assert check_finess(number) is None


@pytest.mark.parametrize(
    ("number", "code"),
    [("750712184", "75"), ("130786049", "13"), ("010780054", "01")],
)
def test_finess_matches_its_departement(number: str, code: str) -> None:
    assert check_finess(number, departement=departement(code)) is None


@pytest.mark.parametrize(("number", "code"), [("750712184", "13"), ("130786049", "75")])
def test_finess_of_another_departement_is_a_mismatch(number: str, code: str) -> None:
    assert check_finess(number, departement=departement(code)) is (IdentifierError.DEPARTEMENT_MISMATCH)


def test_a_wrong_key_is_reported_before_the_departement() -> None:
    assert check_finess("750712185", departement=departement("13")) is IdentifierError.CHECKSUM


@pytest.mark.parametrize(
    "number",
    [
        "",
        "75071218",
        "7507121840",
        "75071218A",
        "A50712184",
        "750 712 184",
        " 750712184",
        "750712184\n",
        "75071218٤",
        "2a0000014",
        "2C0000014",
        "2AB000014",
        "02A000014",
        "0" * 100_000,
        "7" * 100_000,
    ],
)
def test_malformed_finess_is_a_format_error(number: str) -> None:
    assert check_finess(number) is IdentifierError.FORMAT


# Real Corsican numbers published by the ARS Corse in the préfectures' recueils des actes.
REAL_CORSICAN = [
    ("2A0000014", "2A"),  # CH d'Ajaccio
    ("2A0000170", "2A"),  # CH de Bonifacio
    ("2A0002606", "2A"),  # Hôpital local de Sartène
    ("2B0000020", "2B"),  # CH de Bastia
    ("2B0003628", "2B"),  # EHPAD du CH de Bastia
    ("2B0005342", "2B"),  # CH de Calvi
]


@pytest.mark.parametrize(("number", "code"), REAL_CORSICAN)
def test_real_corsican_finess_are_valid(number: str, code: str) -> None:
    assert check_finess(number, departement=departement(code)) is None


@given(st.sampled_from(["2A", "2B"]), digits(7))
def test_corsican_finess_skip_the_key_check(prefix: str, rest: str) -> None:
    assert check_finess(prefix + rest) is None


def test_corsican_finess_still_checks_the_departement() -> None:
    assert check_finess("2A0000014", departement=departement("2B")) is (IdentifierError.DEPARTEMENT_MISMATCH)
    # Before 1976 Corsica was département 20: such a number is not one of 2A's.
    assert check_finess(with_key("20000001"), departement=departement("2A")) is (
        IdentifierError.DEPARTEMENT_MISMATCH
    )


# Overseas establishments of the FINESS open data extract: FINESS numbers of 971..974 start
# with 9701..9704, and Mayotte's (976) with 9805.
REAL_OVERSEAS = [
    ("970100186", "971"),  # CH Louis Constant Fleming, Saint-Martin
    ("970113015", "971"),  # PMI Saint-Barthélemy
    ("970211207", "972"),  # CHU de Martinique
    ("970210126", "972"),  # CMPP intersectoriel, Ducos
    ("970302022", "973"),  # CH de Cayenne
    ("970302287", "973"),  # EHPAD Edmar Lama, Cayenne
    ("970408589", "974"),  # CHU site Félix Guyon, Saint-Denis
    ("970405767", "974"),  # Centre éducatif fermé, Saint-Benoît
    ("980501506", "976"),  # Lieu de vie, Chirongui
    ("980502199", "976"),  # Ubipharm, Koungou
]


@pytest.mark.parametrize(("number", "code"), REAL_OVERSEAS)
def test_real_overseas_finess_match_their_departement(number: str, code: str) -> None:
    assert check_finess(number, departement=departement(code)) is None


@pytest.mark.parametrize(("number", "code"), REAL_OVERSEAS)
def test_overseas_finess_do_not_match_another_overseas_departement(number: str, code: str) -> None:
    for other in ("971", "972", "973", "974", "976"):
        if other != code:
            assert check_finess(number, departement=departement(other)) is (
                IdentifierError.DEPARTEMENT_MISMATCH
            )


@pytest.mark.parametrize("code", ["971", "972", "973", "974", "976"])
def test_a_finess_starting_with_the_insee_code_is_not_overseas(code: str) -> None:
    # "9710xxxxx" looks like Guadeloupe to a human but FINESS numbers it "9701xxxxx".
    number = with_key(code + "99999")
    assert check_finess(number) is None
    assert check_finess(number, departement=departement(code)) is (IdentifierError.DEPARTEMENT_MISMATCH)


# --- SIREN / SIRET ------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["552100554", "732829320", LA_POSTE_SIREN])
def test_real_sirens_are_valid(number: str) -> None:
    assert check_siren(number) is None


@pytest.mark.parametrize(
    "number", ["", "55210055", "5521005540", "55210055A", "552 100 554", "55210055٤", "5" * 100_000]
)
def test_malformed_siren_is_a_format_error(number: str) -> None:
    assert check_siren(number) is IdentifierError.FORMAT


def test_siren_with_a_wrong_key_is_a_checksum_error() -> None:
    assert check_siren("552100555") is IdentifierError.CHECKSUM


@pytest.mark.parametrize(
    ("siret", "siren"), [("73282932000074", "732829320"), ("55210055400013", "552100554")]
)
def test_siret_extending_its_siren_is_valid(siret: str, siren: str) -> None:
    assert check_siret(siret) is None
    assert check_siret(siret, siren=siren) is None


@pytest.mark.parametrize("siren", ["552100554", "73282932", "7328293200", "", "732829321"])
def test_siret_not_extending_the_siren_is_a_mismatch(siren: str) -> None:
    assert check_siret("73282932000074", siren=siren) is IdentifierError.SIREN_MISMATCH


@pytest.mark.parametrize(
    "number",
    ["", "7328293200007", "732829320000740", "7328293200007A", "732 829 320 00074", "1" * 100_000],
)
def test_malformed_siret_is_a_format_error(number: str) -> None:
    assert check_siret(number) is IdentifierError.FORMAT
    assert check_siret(number, siren="732829320") is IdentifierError.FORMAT


def test_siret_with_a_wrong_key_is_a_checksum_error() -> None:
    assert check_siret("73282932000075") is IdentifierError.CHECKSUM


def test_la_poste_head_office_keeps_its_luhn_key() -> None:
    assert check_siret("35600000000048", siren=LA_POSTE_SIREN) is None


@given(digits(5))
def test_la_poste_sirets_use_the_sum_of_digits(nic: str) -> None:
    number = LA_POSTE_SIREN + nic
    assume(number != "35600000000048")
    expected = None if sum(map(int, number)) % 5 == 0 else IdentifierError.CHECKSUM
    assert check_siret(number) is expected


def test_la_poste_examples() -> None:
    assert check_siret("35600000000001") is None  # digit sum 15, but not Luhn-valid
    assert check_siret("35600000000014") is IdentifierError.CHECKSUM  # digit sum 19


# --- Messages -----------------------------------------------------------------------------


def test_every_error_has_a_french_sentence() -> None:
    assert set(FRENCH_MESSAGES) == set(IdentifierError)
    for message in FRENCH_MESSAGES.values():
        assert message[0].isupper()
        assert message.endswith(".")
        assert message == message.strip()


def test_error_values_are_stable() -> None:
    assert [error.value for error in IdentifierError] == [
        "format",
        "checksum",
        "departement_mismatch",
        "siren_mismatch",
    ]
