"""Rendering a reclassification impact as plain text (terminal) or Markdown (ready to paste into a staff report)."""

from __future__ import annotations

import re
import textwrap

from eligibility.reclass.impact import ActionImpact, Impact, PersonImpact, Vacancy
from eligibility.reclass.salary import Fiscal
from eligibility.rules.schema import Citation


def cite(c: Citation | None) -> str:
    return f'{c.document}, {c.section}: "{c.quote}"' if c else "(no citation)"


def _minimums(p: PersonImpact) -> str:
    if p.minimums is None:
        return "-"
    return {True: "meets", False: "does not meet", None: "cannot confirm"}[p.minimums.meets]


def _decision(side) -> str:
    if side.status == "not_applicable":
        return "no next level"
    if side.status == "error":
        return "not decidable"
    return side.status + (f" {side.eligible_on}" if side.eligible_on else "")


def _after(p: PersonImpact) -> str:
    return f"eligible from {p.eligible_from}" if p.eligible_from else _decision(p.after)


def _change(p: PersonImpact) -> str:
    return p.change.replace("_", " ") + (f" ({p.days:+d} days)" if p.days else "")


def _vacancy(v: Vacancy) -> str:
    who = f" ({', '.join(v.candidates)})" if v.candidates else ""
    return f"{v.title} ({v.level}): {v.statement}{who}"


def _fiscal_line(f: Fiscal) -> str:
    return f.statement + (f" [source: {'; '.join(cite(c) for c in f.sources)}]" if f.sources else "")


def _action_lines(a: ActionImpact) -> list[str]:
    lines = [a.summary]
    if a.titles:
        lines.append("Titles: " + "; ".join(f"{t.before} -> {t.after}" for t in a.titles))
    if a.direction:
        lines.append(f"Direction: {a.direction} ({a.pay.before} -> {a.pay.after})")
    lines.append(f"Fiscal impact: {_fiscal_line(a.fiscal)}")
    if a.incumbents:
        lines.append(f"Incumbents: {', '.join(a.incumbents)}")
    lines.append(f"Proposed in: {cite(a.source)}")
    return lines


# -- text ---------------------------------------------------------------------------------------------------
WIDTH = 100
_MUNGE = textwrap.TextWrapper()
_WORD = re.compile(r"[^ ]")
_VISIBLE = re.compile(r"\S")


def _wrap(text: str, indent: str) -> list[str]:
    """``textwrap.wrap(text, 100, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False)``,
    line for line (tests/reclass/test_reclass_report.py compares them on random texts), in time linear in the text:
    textwrap handles each word in Python and copies the rest of a long word at every line it breaks (a 4 MB title
    took 24 s); here each line's end is found by searches bounded by the line's width, or remembered.

    As in textwrap, a "run" is a word (split at ASCII spaces only) or the spaces between two words, and a run that
    ``str.strip`` empties (spaces, or a word of no-break spaces) is dropped at the start of a line but the first and
    at the end of every line."""
    text = _MUNGE._munge_whitespace(text)  # tabs expanded, each ASCII whitespace character a space
    lines: list[str] = []
    at, size = 0, len(text)
    known = {"space": -1, "visible": -1}  # the next space and the next visible character last found

    def next_of(kind: str) -> int:
        if known[kind] < at:
            found = text.find(" ", at) if kind == "space" else (_VISIBLE.search(text, at) or None)
            found = found if kind == "space" else found.start() if found else -1
            known[kind] = size if found == -1 else found
        return known[kind]

    while at < size:
        prefix = indent + "  " if lines else indent
        width = WIDTH - len(prefix)
        if lines:  # one blank run at the start of a line is dropped
            if text[at] == " ":
                found = _WORD.search(text, at)
                at = found.start() if found else size
            elif next_of("visible") >= next_of("space"):
                at = next_of("space")
            if at >= size:
                break
        limit = at + width
        if limit >= size:
            end = size
        elif text[limit] == " ":  # the runs that fit: up to the start of the run holding the limit
            end = at + len(text[at:limit].rstrip(" "))
        else:
            end = max(text.rfind(" ", at, limit) + 1, at)
        taken, at = text[at:end], end
        ahead = text[at:at + width + 1]
        if len(ahead) == width + 1 and (ahead.strip(" ") == "" if ahead[0] == " " else " " not in ahead):
            piece = text[at:at + width - len(taken)]  # a run longer than a line fills the rest of this one
            at += len(piece)
            taken = taken if piece.strip() == "" else taken + piece  # a blank last piece is dropped
        elif taken.endswith(" "):
            taken = taken.rstrip(" ")  # the spaces at the end of a line are dropped
        else:
            last = taken.rfind(" ") + 1
            taken = taken[:last] if taken[last:].strip() == "" else taken  # so is a blank last word
        if taken:
            lines.append(prefix + taken)
    return lines or [indent]


def impact_text(impact: Impact) -> str:
    p, s = impact.proposal, impact.summary
    out = [f"Reclassification impact: {p.title}",
           f"  Proposal:  {p.id} ({p.file}), agency {p.agency}, effective {p.effective}",
           f"  As of:     {impact.as_of}; roster {impact.roster}",
           f"  Rules:     before {impact.rules_before}; after {impact.rules_after}; engine {impact.engine}"]
    if impact.salary_schedule:
        sched = impact.salary_schedule
        out.append(f"  Schedule:  {sched.id} ({sched.file})" + ("  ** ILLUSTRATIVE, not real pay **"
                                                                  if sched.illustrative else ""))
    out += ["", "Summary:",
            *_wrap(f"Fiscal impact: {_fiscal_line(s.fiscal)}", "  "),
            f"  Positions affected: {s.positions_affected}" + (f" ({', '.join(s.positions)})" if s.positions else ""),
            f"  People affected: {s.people_affected} ({s.people_directly_affected} directly; "
            f"{s.decisions_changed} advancement decisions change)",
            *[line for v in impact.vacancies for line in _wrap(f"Vacancies: {_vacancy(v)}", "  ")],
            f"  Flags needing a decision: {len(s.flags)}", ""]
    for i, a in enumerate(impact.actions, 1):
        out.append(f"Action {i}: {a.id} ({a.kind})")
        for line in _action_lines(a):
            out += _wrap(line, "  ")
        out.append("")
    if impact.structural:
        out.append("Changes to the class specifications:")
        for n in impact.structural:
            out += _wrap(f"- [{n.kind}] {n.text}", "  ")
            out += _wrap(f"before (version {n.before_version}): {cite(n.before)}", "      ")
            out += _wrap(f"after (version {n.after_version}): {cite(n.after)}", "      ")
        out.append("")
    if impact.people:
        out.append("People:")
        for person in impact.people:
            out.append(f"  {person.employee_id}" + (f" {person.name}" if person.name else "")
                       + (f" [{', '.join(person.actions)}]" if person.actions else " [decision changes only]"))
            if person.old_title != person.new_title:
                out += _wrap(f"title: {person.old_title} -> {person.new_title}", "    ")
            elif person.old_title:
                out += _wrap(f"title: {person.old_title}", "    ")
            if person.minimums:
                out += _wrap(f"minimum qualifications: {person.minimums.note}", "    ")
            out += _wrap(person.note, "    ")
            for c in person.criteria:
                out += _wrap(f"because: {c}", "    ")
        out.append("")
    if s.flags:
        out.append("Flags needing a human decision:")
        for i, f in enumerate(s.flags, 1):
            out += _wrap(f"{i}. [{f.kind}] {f.message}", "  ")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# -- Markdown -----------------------------------------------------------------------------------------------
def _cell(text: str | None) -> str:
    return (text or "-").replace("|", "\\|").replace("\n", " ")


def _md_cite(c: Citation | None) -> str:
    return f'*{c.document}*, {c.section}: "{c.quote}"' if c else "(no citation)"


def _md_sources(citations: list[Citation]) -> str:
    return f" Source: {'; '.join(_md_cite(c) for c in citations)}" if citations else ""


def impact_markdown(impact: Impact) -> str:
    p, s = impact.proposal, impact.summary
    out = [f"## Reclassification impact: {p.title}", "",
           "| | |", "|---|---|",
           f"| Proposal | `{p.id}` ({_cell(p.file)}) |",
           f"| Agency | {p.agency} |",
           f"| Effective | {p.effective} |",
           f"| Evaluated as of | {impact.as_of} |",
           f"| Roster | {_cell(impact.roster)} |",
           f"| Rules | before: {_cell(impact.rules_before)}; after: {_cell(impact.rules_after)} |"]
    if impact.salary_schedule:
        sched = impact.salary_schedule
        out.append(f"| Salary schedule | `{sched.id}` ({_cell(sched.file)})"
                   + (" **ILLUSTRATIVE: not any agency's real pay**" if sched.illustrative else "") + " |")
    if p.source:
        out.append(f"| Source | {_cell(_md_cite(p.source))} |")
    out += ["", "### Summary", "",
            f"- **Fiscal impact:** {s.fiscal.statement}.{_md_sources(s.fiscal.sources)}",
            f"- **Positions affected:** {s.positions_affected}" + (f" ({', '.join(s.positions)})" if s.positions
                                                                    else "") + ".",
            f"- **People affected:** {s.people_affected} ({s.people_directly_affected} hold an affected class or "
            f"position; {s.decisions_changed} advancement decisions change).",
            *[f"- **Vacancies:** {_vacancy(v)}." for v in impact.vacancies],
            f"- **Items needing a decision:** {len(s.flags)}" + (" (listed at the end)." if s.flags else "."), "",
            "### Actions", ""]
    for i, a in enumerate(impact.actions, 1):
        out += [f"{i}. **{a.id}** ({a.kind.replace('_', ' ')}): {a.summary}"]
        if a.titles:
            out.append("   - Titles: " + "; ".join(f"{t.before} → {t.after}" for t in a.titles) + ".")
        if a.direction:
            out.append(f"   - Direction: **{a.direction}** ({a.pay.before} → {a.pay.after}).")
        out.append(f"   - Fiscal impact: {a.fiscal.statement}.{_md_sources(a.fiscal.sources)}")
        out.append(f"   - Proposed in: {_md_cite(a.source)}")
    if not impact.actions:
        out.append("The proposal has no actions.")
    out.append("")
    if impact.structural:
        out += ["### Changes to the class specifications", ""]
        for n in impact.structural:
            out += [f"- **{n.kind.replace('_', ' ')}**: {n.text}",
                    f"  - Before (version {n.before_version}): {_md_cite(n.before)}",
                    f"  - After (version {n.after_version}): {_md_cite(n.after)}"]
        out.append("")
    if impact.people:
        out += ["### People", "",
                "| Employee | Title before | Title after | Minimum qualifications | Decision before | "
                "Decision after | Change |", "|---|---|---|---|---|---|---|"]
        for person in impact.people:
            out.append(f"| {_cell(person.employee_id)}{' ' + _cell(person.name) if person.name else ''} | "
                       f"{_cell(person.old_title)} | {_cell(person.new_title)} | {_minimums(person)} | "
                       f"{_decision(person.before)} | {_after(person)} | {_change(person)} |")
        changed = [x for x in impact.people if x.change != "unchanged" or (x.minimums and x.minimums.meets is not True)]
        if changed:
            out.append("")
            for person in changed:
                text = person.note
                if person.minimums and person.minimums.meets is not True:
                    text += f" Minimum qualifications: {person.minimums.note}."
                if person.criteria:
                    text += " Because: " + "; ".join(person.criteria) + "."
                out.append(f"- **{person.employee_id}**: {text}")
        out.append("")
    if s.flags:
        out += ["### Items needing a decision", ""]
        out += [f"{i}. *{f.kind.replace('_', ' ')}*: {f.message}" for i, f in enumerate(s.flags, 1)]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


__all__ = ["impact_markdown", "impact_text"]
