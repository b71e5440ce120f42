"""`python -m wto_ecommerce_deck facts`: the table of every fact the decks show (date, fact, WTO
symbol, status, source), the counts by status, and a non-zero exit when the data or a slide has a
problem; `--out` also writes the sources page there. The audit itself is `audit.py`.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from ..errors import DeckError, say
from ..figures import style
from ..messages import t
from .audit import Audit, Fact, build_audit
from .audit_text import NBSP, TO_CONFIRM
from .sources import write_sources_page


def _row_text(fact: Fact, audit: Audit) -> tuple[str, ...]:
    urls = [audit.sources[k].url or t("cli.facts.no_link", source=k) for k in fact.sources if k in audit.sources]
    symbol = (fact.symbol or "—") + (f" ({TO_CONFIRM})" if fact.symbol and fact.symbol_status == style.UNVERIFIED else "")
    return (fact.date_text().replace(NBSP, " ") or "—", fact.label.text().replace(NBSP, " "), symbol, fact.status, " ".join(urls))


def report(audit: Audit, fmt: str = "text") -> str:
    facts = audit.facts_of()
    counts = audit.counts()
    header = (t("cli.facts.date"), t("cli.facts.fact"), t("cli.facts.symbol"), t("cli.facts.status"), t("cli.facts.source"))
    rows = [_row_text(f, audit) for f in facts]
    lines = []
    if fmt == "markdown":
        lines.append(t("cli.facts.markdown_title", count=len(facts)) + "\n")
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for row in rows:
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
        lines.append("")
    else:
        widths = [18, 48, 30, 10]
        def clip(text: str, width: int) -> str:
            return text if len(text) <= width else text[: width - 1] + "…"
        lines.append("  ".join(h.upper().ljust(w) for h, w in zip(header, widths)) + "  " + header[-1].upper())
        for row in rows:
            lines.append("  ".join(clip(c, w).ljust(w) for c, w in zip(row, widths)) + "  " + row[-1])
        lines.append("")
    by_kind = Counter(f.kind for f in facts)
    lines.append(t(
        "cli.facts.summary", count=len(facts), events=by_kind.get("event", 0), bodies=by_kind.get("body", 0),
        signatories=by_kind.get("signatory", 0), statuses=", ".join(f"{status} {n}" for status, n in counts.items()),
    ))
    unsure = [f for f in facts if any(f.needs_flag(s.how) for s in audit.shown if s.fact == f.key)]
    flagged = sum(1 for f in unsure if all(s.flagged for s in audit.shown if s.fact == f.key and f.needs_flag(s.how)))
    lines.append(t(
        "cli.facts.unsure", unsure=len(unsure), flag=TO_CONFIRM, flagged=flagged, symbols=len(audit.unsure_symbols()),
        mentions=len(audit.mentions), missing=sum(1 for m in audit.mentions if not m.facts),
    ))
    return "\n".join(lines) + "\n"


def main(fmt: str = "text", out: Path | None = None) -> int:
    """`python -m wto_ecommerce_deck facts`: print the audit; exit 1 on invalid data or a problem."""
    audit = build_audit()
    sys.stdout.write(report(audit, fmt))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        path = write_sources_page(out, audit)
        say(t("cli.facts.wrote", path=path))
    if audit.problems:
        raise DeckError(audit.problems)
    return 0
