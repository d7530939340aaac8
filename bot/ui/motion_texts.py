"""Words of motions: rules, choices, thresholds and turnout, in the reader's language."""

from __future__ import annotations

from typing import Any

from aiogram.utils.i18n import gettext as _

from bot.ui import fmt


def rule_name(rule: str) -> str:
    return {
        "simple": _("Simple majority of votes cast"),
        "two_thirds": _("Two thirds of votes cast"),
        "art278": _("Owners' double majority (Civil Code Art. 278)"),
        "art278_special": _("Owners' double majority, special matters (Art. 278 items 6–8)"),
    }.get(rule, rule)


def rule_explained(rule: str) -> str:
    return {
        "simple": _("Passes when more than half of the votes cast are For. One vote per "
                    "household; abstentions count as votes cast."),
        "two_thirds": _("Passes when at least two thirds of the votes cast are For. One vote "
                        "per household; abstentions count as votes cast."),
        "art278": _("Owners holding at least ⅔ of the floor area and at least ⅔ of all owners "
                    "must take part; passes with more than half of the participating area "
                    "and more than half of the participating owners. An owner of several "
                    "homes counts once, with all their area."),
        "art278_special": _("For raising the maintenance fund, renovating or rebuilding, or "
                            "changing the use of common parts: owners with at least ⅔ of the "
                            "area and ⅔ of all owners take part, and at least ¾ of the "
                            "participating area and owners vote For."),
    }.get(rule, "")


def choice_name(choice: str) -> str:
    return {"for": _("👍 For"), "against": _("👎 Against"),
            "abstain": _("✋ Abstain")}.get(choice, choice)


def area(hundredths: int, locale: str) -> str:
    return fmt.number(hundredths / 100, locale) + " m²"


def share(value: int, base: int, locale: str) -> str:
    return fmt.percent(value / base if base else 0.0, locale)


def turnout_lines(params: dict[str, Any], locale: str) -> list[str]:
    """Participation against the thresholds, and the counts when the ballot is open."""
    tally = params["tally"]
    voters, areas = tally["voters"], tally["areas"]
    cast = sum(voters.values())
    eligible = tally["eligible_voters"]
    owners = params["rule"] in ("art278", "art278_special")
    lines = []
    if owners:
        cast_area = sum(areas.values())
        lines.append(_("Owners taking part: {cast} of {eligible} ({share}) — ⅔ needed").format(
            cast=fmt.number(cast, locale), eligible=fmt.number(eligible, locale),
            share=share(cast, eligible, locale)))
        lines.append(_("Area taking part: {cast} of {eligible} ({share}) — ⅔ needed").format(
            cast=area(cast_area, locale), eligible=area(tally["eligible_area"], locale),
            share=share(cast_area, tally["eligible_area"], locale)))
    else:
        lines.append(_("Households voted: {cast} of {eligible} ({share})").format(
            cast=fmt.number(cast, locale), eligible=fmt.number(eligible, locale),
            share=share(cast, eligible, locale)))
    if "cast" not in voters:
        for choice in ("for", "against", "abstain"):
            line = f"{choice_name(choice)}: {fmt.number(voters.get(choice, 0), locale)}"
            if owners:
                line += f" · {area(areas.get(choice, 0), locale)}"
            lines.append(line)
    return lines


def check_line(check: dict[str, Any], locale: str) -> str:
    mark = "✅" if check["met"] else "❌"
    needed = {(1, 2, True): _("more than half"), (2, 3, False): _("at least two thirds"),
              (3, 4, False): _("at least three quarters")}.get(
        (check["num"], check["den"], check["strict"]), f"{check['num']}/{check['den']}")
    value, base = check["value"], check["base"]
    if check["name"].endswith("area"):
        value_text, base_text = area(value, locale), area(base, locale)
    else:
        value_text, base_text = fmt.number(value, locale), fmt.number(base, locale)
    label = {
        "participation_area": _("Area taking part"),
        "participation_owners": _("Owners taking part"),
        "support_area": _("Area voting For, of the area taking part"),
        "support_owners": _("Owners voting For, of the owners taking part"),
        "support_votes": _("Votes For, of the votes cast"),
    }.get(check["name"], check["name"])
    return _("{mark} {label}: {value} of {base} ({share}); needed: {needed}").format(
        mark=mark, label=label, value=value_text, base=base_text,
        share=share(value, base, locale), needed=needed)
