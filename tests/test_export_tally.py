"""The tally's bounds count what they say: distinct renewal months per CSM, whoever the AE."""

from __future__ import annotations

import pytest

from podcheck.accounts import tally

# account, ARR, segment, pod, CSM, AE, renewal
COLUMNS = tally.Columns(account=0, arr=1, segment=2, pod=3, csm=4, ae=5, renewal=6)


def rows(csms: int, months: int, aes: int) -> list[list[str]]:
    """Each CSM with one account per AE due in each month: csms * months distinct
    (segment, pod, CSM, month) renewal counters, whatever the number of AEs."""
    found = []
    for csm in range(csms):
        for month in range(1, months + 1):
            for ae in range(aes):
                name = f"Customer {csm}-{month}-{ae}"
                found.append(
                    [
                        name,
                        "45000",
                        "mid-market",
                        "p1",
                        f"CSM {csm}",
                        f"AE {ae}",
                        f"2027-{month:02d}-15",
                    ]
                )
    return found


def test_renewal_counters_are_counted_per_csm_and_month_not_per_ae(monkeypatch):
    monkeypatch.setattr(tally, "MAX_RENEWAL_KEYS", 24)
    counted = tally.tally("books.csv", rows(csms=2, months=12, aes=3), COLUMNS, floor=30_000)
    assert len(counted.renewals) == 24
    assert set(counted.renewals.values()) == {3}
    assert len(counted.groups) == 6
    assert all(len(group) == 5 for group in counted.groups.values())


def test_one_renewal_counter_past_the_bound_is_refused(monkeypatch):
    monkeypatch.setattr(tally, "MAX_RENEWAL_KEYS", 23)
    with pytest.raises(tally.TooMuch, match="more than 23 distinct renewal months per CSM"):
        tally.tally("books.csv", rows(csms=2, months=12, aes=3), COLUMNS, floor=30_000)


def test_the_first_examples_of_a_group_are_its_first_three_rows():
    counted = tally.tally("books.csv", rows(csms=1, months=5, aes=1), COLUMNS, floor=30_000)
    (group,) = counted.groups.values()
    assert group[:4] == [5, 5 * 4_500_000, 0, 2]
    assert group[4] == [(2, "Customer 0-1-0"), (3, "Customer 0-2-0"), (4, "Customer 0-3-0")]


def test_amounts_are_read_row_by_row_and_a_bad_one_is_refused_each_time():
    cells = ["48,250.00", "12.5K", "$999.99", "48250.00", "12.5K", "lots", "999.99", "lots", "07"]
    found = [
        [f"Customer {n}", arr, "mid-market", "p1", "CSM 1", "AE 1", ""]
        for n, arr in enumerate(cells)
    ]
    counted = tally.tally("books.csv", found, COLUMNS, floor=30_000)
    (group,) = counted.groups.values()
    assert group[:3] == [6, 2 * (4_825_000 + 1_250_000 + 99_999), 4]
    assert [(error.line, error.column) for error in counted.errors] == [(7, 2), (9, 2), (10, 2)]
    assert counted.refused == (("ARR not an amount", 3),)
