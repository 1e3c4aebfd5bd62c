"""Cost figures a proposal states (``annual_cost``): the fiscal effect they give, checked against the computed one."""

from __future__ import annotations

from decimal import Decimal

from eligibility.reclass.salary import Fiscal, money

STATED = "as the proposal states (annual_cost)"


def _amount(low: Decimal, high: Decimal) -> str:
    return money(low) if low == high else f"{money(low)} to {money(high)}"


def stated_fiscal(stated: Decimal, computed: Fiscal) -> tuple[Fiscal, str | None]:
    """The proposal's figure as the action's fiscal effect; a problem when the rules or schedule give another.

    The stated figure wins: it is what the Board is asked to approve. The computed effect (from the rules' pay
    and, when given, the salary schedule) is kept in the statement as a check; when it is an amount (a schedule
    priced the move, or the move is lateral: $0) and the figure falls outside it, the disagreement is returned.
    """
    impact = "none" if stated == 0 else "cost" if stated > 0 else "saving"
    head = {"none": "no fiscal impact", "cost": f"annual cost increase {money(stated)}",
            "saving": f"annual saving {money(-stated)}"}[impact]
    low, high = computed.annual_change_low, computed.annual_change_high
    problem = None
    if low is None:
        check = f"not checked: {computed.statement}"
    elif low <= stated <= high:
        check = f"agrees with the computed {_amount(low, high)}: {computed.statement}"
    else:
        check = f"the computed figure is {_amount(low, high)}: {computed.statement}"
        problem = (f"the proposal states an annual cost of {money(stated)}, but the computed figure is "
                   f"{_amount(low, high)} ({computed.statement}); confirm which the Board is asked to approve")
    fiscal = computed.model_copy(update={"impact": impact, "annual_change_low": stated, "annual_change_high": stated,
                                         "statement": f"{head}, {STATED}; {check}"})
    return fiscal, problem


__all__ = ["stated_fiscal"]
