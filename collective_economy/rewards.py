"""The reward arithmetic of performance-linked rewards: pure functions on Decimals, so a worked example can be
checked by hand. Amounts are yuan, quantized to 0.01 with ROUND_HALF_UP; no float anywhere."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .models import CENT, IncomeBasis, RewardRuleKind

ZERO = Decimal("0.00")


def yuan(value) -> Decimal:
    """A Decimal quantized to the cent. Refuses floats, which cannot hold yuan exactly."""
    if isinstance(value, float):
        raise TypeError("amounts must be Decimal, not float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal) -> str:
    return f"{yuan(value):,}"


@dataclass
class RewardResult:
    amount: Decimal = ZERO
    lines: list[str] = field(default_factory=list)


def _income(report, basis: str) -> Decimal:
    return report.operating_income if basis == IncomeBasis.OPERATING else report.total_income


def village_reward(*, rules, village_cap, current, previous) -> RewardResult:
    """The reward a village earns under `rules` given its approved report for the year (`current`) and the year
    before (`previous`, or None), with one explanation line per step."""
    result = RewardResult()
    if current is None:
        result.lines.append(_("No approved income report for the year: no reward."))
        return result
    for rule in rules:
        basis_label = IncomeBasis(rule.basis).label
        now = _income(current, rule.basis)
        before = _income(previous, rule.basis) if previous is not None else None
        if rule.kind == RewardRuleKind.THRESHOLD_CROSSING:
            label = _("Threshold %(threshold)s yuan") % {"threshold": fmt(rule.threshold)}
            if now < rule.threshold:
                result.lines.append(
                    _("%(rule)s: %(basis)s %(now)s is below it, no reward.")
                    % {"rule": label, "basis": basis_label, "now": fmt(now)}
                )
                continue
            if before is None:
                result.lines.append(
                    _("%(rule)s: no approved report for the previous year, so the crossing cannot be confirmed.")
                    % {"rule": label}
                )
                continue
            if before >= rule.threshold:
                result.lines.append(
                    _("%(rule)s: already reached the year before (%(before)s), no reward.")
                    % {"rule": label, "before": fmt(before)}
                )
                continue
            earned = yuan(rule.amount)
            if rule.cap is not None and earned > rule.cap:
                earned = yuan(rule.cap)
            result.lines.append(
                _("%(rule)s: %(basis)s rose from %(before)s to %(now)s and crossed it: %(earned)s yuan.")
                % {"rule": label, "basis": basis_label, "before": fmt(before), "now": fmt(now), "earned": fmt(earned)}
            )
            result.amount += earned
        elif rule.kind == RewardRuleKind.GROWTH:
            label = _("Growth reward (%(rate)s%% of growth)") % {"rate": (rule.rate * 100).normalize()}
            if before is None:
                result.lines.append(
                    _("%(rule)s: no approved report for the previous year, no reward.") % {"rule": label}
                )
                continue
            growth = yuan(now - before)
            if growth <= 0 or growth < rule.min_growth:
                result.lines.append(
                    _("%(rule)s: growth %(growth)s yuan is below the minimum %(min)s yuan, no reward.")
                    % {"rule": label, "growth": fmt(growth), "min": fmt(rule.min_growth)}
                )
                continue
            earned = yuan(growth * rule.rate)
            line = _("%(rule)s: %(basis)s grew %(growth)s yuan × %(rate)s = %(earned)s yuan") % {
                "rule": label,
                "basis": basis_label,
                "growth": fmt(growth),
                "rate": rule.rate.normalize(),
                "earned": fmt(earned),
            }
            if rule.cap is not None and earned > rule.cap:
                earned = yuan(rule.cap)
                line += _(", capped at %(cap)s yuan") % {"cap": fmt(rule.cap)}
            result.lines.append(line + _("."))
            result.amount += earned
    if village_cap is not None and result.amount > village_cap:
        result.lines.append(
            _("Total %(total)s yuan exceeds the cap per village, paid %(cap)s yuan.")
            % {"total": fmt(result.amount), "cap": fmt(village_cap)}
        )
        result.amount = yuan(village_cap)
    result.amount = yuan(result.amount)
    result.lines.append(_("Reward: %(amount)s yuan.") % {"amount": fmt(result.amount)})
    return result
