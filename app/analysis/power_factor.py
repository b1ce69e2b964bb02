"""The power-factor adjustment of the monthly bill (力调电费), by the national adjustment tables.

A customer whose monthly average power factor is below its standard (0.90 for high-voltage
industry above 160 kVA, 0.85 for other users from 100 kVA, 0.80 for agriculture) pays a
surcharge on the month's basic and energy charges; one above it gets a rebate.  The power
factor is computed from the month's active and reactive energy and rounded to two decimals
half up (四舍五入 — not Python's round, which rounds half to even).  The percentages follow
the tables of the 1983 adjustment rules, reproduced here as their steps:

========  ==========================================  ==============================================
standard  rebate above the standard                     surcharge below the standard
========  ==========================================  ==============================================
0.90      0.15 % per 0.01, at most 0.75 % (0.95-1.00)   0.5 % per 0.01 to 0.70, then 1 % per 0.01 to
                                                        0.65, then 2 % per 0.01
0.85      0.1 % per 0.01 to 0.90, then 0.15 % per       0.5 % per 0.01 to 0.65, then 1 % per 0.01 to
          0.01, at most 1.1 % (0.94-1.00)               0.60, then 2 % per 0.01
0.80      0.1 % per 0.01 to 0.90, then 0.15 % per       0.5 % per 0.01 to 0.60, then 1 % per 0.01 to
          0.01, at most 1.3 % (0.92-1.00)               0.55, then 2 % per 0.01
========  ==========================================  ==============================================
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

#: standard -> (rebate steps as (up to PF, % per 0.01), surcharge steps as (down to PF, % per 0.01))
_TABLES: dict[int, tuple[tuple[tuple[int, Decimal], ...], tuple[tuple[int, Decimal], ...]]] = {
    90: (((95, Decimal("0.15")),),
         ((70, Decimal("0.5")), (65, Decimal("1")), (0, Decimal("2")))),
    85: (((90, Decimal("0.1")), (94, Decimal("0.15"))),
         ((65, Decimal("0.5")), (60, Decimal("1")), (0, Decimal("2")))),
    80: (((90, Decimal("0.1")), (92, Decimal("0.15"))),
         ((60, Decimal("0.5")), (55, Decimal("1")), (0, Decimal("2")))),
}


def monthly_power_factor(active_kwh: float, reactive_kvarh: float) -> float | None:
    """cos φ = P / √(P² + Q²) of the month's energies, rounded to 0.01 half up; None without active energy."""
    if not (math.isfinite(active_kwh) and math.isfinite(reactive_kvarh)) or active_kwh <= 0:
        return None
    pf = Decimal(active_kwh) / Decimal(math.hypot(active_kwh, reactive_kvarh))
    return float(pf.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def adjustment_percent(pf: float, standard: float) -> float:
    """The bill's adjustment in percent for a (rounded) power factor: positive a surcharge, negative a rebate."""
    key = round(standard * 100)  # 0.90 -> 90
    if key not in _TABLES:
        raise ValueError(f"no adjustment table for a power-factor standard of {standard} (0.90, 0.85, 0.80)")
    hundredths = int((Decimal(str(pf)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    rebates, surcharges = _TABLES[key]
    total = Decimal(0)
    if hundredths > key:
        at = key
        for upto, rate in rebates:
            steps = max(0, min(hundredths, upto) - at)
            total -= rate * steps
            at = max(at, upto)
    elif hundredths < key:
        at = key
        for downto, rate in surcharges:
            steps = max(0, at - max(hundredths, downto))
            total += rate * steps
            at = min(at, downto)
            if at <= hundredths:
                break
    return float(total)


def adjustment(basic_and_energy_yuan: float, pf: float | None, standard: float | None) -> float:
    """The adjustment in yuan: (basic + energy charges) × the table's percentage; 0 without a standard or PF."""
    if standard is None or pf is None:
        return 0.0
    return basic_and_energy_yuan * adjustment_percent(pf, standard) / 100.0
