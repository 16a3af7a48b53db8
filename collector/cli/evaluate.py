"""`owabi eval`: the parser scored against a directory of gold labels.

Each `NAME.json` gold label is paired with `NAME.txt`, `NAME.html` or `NAME.pdf` beside
it; the document goes through `parse_document` exactly as a fetched one would (media type
from the extension, no hints), so the figure measures what users get.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

import collector
from collector.cli.context import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, err, escape, fail, out
from collector.cli.parse import MEDIA_BY_SUFFIX
from parsers.document import parse_document
from parsers.evaluation import Evaluation, Labelled, evaluate

DEFAULT_DIR = Path("../shared/corpus/notices")
DOCUMENT_SUFFIXES = (".txt", ".html", ".pdf")
WORST = 5


class EvalFormat(StrEnum):
    table = "table"
    json = "json"


def default_dir() -> Path:
    """The shared corpus beside the working directory, else beside the repository."""
    here = DEFAULT_DIR.resolve()
    if here.is_dir():
        return here
    return (Path(collector.__file__).resolve().parents[1] / DEFAULT_DIR).resolve()


def _document(gold_path: Path) -> Path | None:
    for suffix in DOCUMENT_SUFFIXES:
        candidate = gold_path.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


def _gold(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(escape(f"cannot read gold label {path}: {exc}"), EXIT_CONFIG)
    if not isinstance(data, dict):
        fail(escape(f"gold label {path} is not a JSON object"), EXIT_CONFIG)
    return data


def _labelled(gold_path: Path) -> Labelled:
    name = gold_path.stem
    gold = _gold(gold_path)
    doc = _document(gold_path)
    if doc is None:
        return Labelled(name, gold, None, "no .txt, .html or .pdf beside the gold label")
    try:
        incident = parse_document(
            doc.read_bytes(), media_type=MEDIA_BY_SUFFIX[doc.suffix], name=doc.name
        )
    # A crash on one notice is a zero for that notice, listed, not an aborted evaluation.
    except Exception as exc:
        return Labelled(name, gold, None, f"{type(exc).__name__}: {exc}")
    return Labelled(name, gold, incident.to_json_dict())


def load_and_score(directory: Path) -> Evaluation:
    """Parse and score every gold-labelled notice in `directory` (exit 2 when there is none)."""
    if not directory.is_dir():
        fail(escape(f"no such corpus directory: {directory}"), EXIT_CONFIG)
    golds = sorted(directory.glob("*.json"))
    if not golds:
        fail(escape(f"no gold labels (*.json) in {directory}"), EXIT_CONFIG)
    return evaluate(_labelled(path) for path in golds)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def field_table(result: Evaluation) -> Table:
    table = Table(title="Per-field scores (informative: where gold or parse has a value)")
    table.add_column("field")
    for col in ("mean", "scored", "misses", "informative", "of"):
        table.add_column(col, justify="right")
    for f in result.fields:
        informative = "–" if f.informative is None else f"{f.informative:.3f}"
        table.add_row(
            f.field,
            f"{f.mean:.3f}",
            str(f.scored),
            str(f.misses),
            informative,
            str(f.informative_scored),
        )
    return table


def worst_table(result: Evaluation) -> Table:
    table = Table(title=f"Worst {WORST} notices")
    table.add_column("notice")
    table.add_column("score", justify="right")
    table.add_column("missed fields")
    for n in result.worst(WORST):
        missed = ", ".join(k for k, v in n.fields.items() if v < 1.0)
        table.add_row(escape(n.name), f"{n.score:.3f}", escape(n.error or missed))
    return table


def misses_table(result: Evaluation) -> Table:
    table = Table(title="Misses")
    for col in ("notice", "field", "gold", "parsed"):
        table.add_column(col)
    for m in result.misses:
        table.add_row(escape(m.notice), m.field, escape(_show(m.gold)), escape(_show(m.parsed)))
    return table


def as_json(result: Evaluation) -> dict[str, Any]:
    return {
        "score": round(result.score, 6),
        "informative": round(result.informative, 6),
        "notices": len(result.notices),
        "fields": {
            f.field: {"mean": f.mean, "scored": f.scored, "misses": f.misses} for f in result.fields
        },
        "informative_fields": {
            f.field: {"mean": f.informative, "scored": f.informative_scored} for f in result.fields
        },
        "worst": [{"notice": n.name, "score": n.score} for n in result.worst(WORST)],
        "failed": [{"notice": n.name, "error": n.error} for n in result.failed],
        "misses": [
            {"notice": m.notice, "field": m.field, "gold": m.gold, "parsed": m.parsed}
            for m in result.misses
        ],
    }


def eval_command(
    directory: Annotated[
        Path | None,
        typer.Argument(
            help="Gold labels (NAME.json) beside NAME.txt/.html/.pdf;"
            " default ../shared/corpus/notices.",
            show_default=False,
        ),
    ] = None,
    minimum: Annotated[
        float | None, typer.Option("--min", help="Exit 1 when the score is under this.")
    ] = None,
    field_min: Annotated[
        float | None,
        typer.Option("--field-min", help="Exit 1 when any field's mean is under this."),
    ] = None,
    show_misses: Annotated[
        bool, typer.Option("--show-misses", help="List every miss, gold and parsed side by side.")
    ] = False,
    format: Annotated[EvalFormat, typer.Option("--format", "-f")] = EvalFormat.table,
) -> None:
    """Score the parser against gold-labelled notices, field by field (the spec's Scoring).

    Prints per-field means, the worst notices and a final `score=` line. Exit code 1 when
    the score is under --min or a field under --field-min, 2 when DIR is missing or empty.
    """
    result = load_and_score(directory or default_dir())
    if format is EvalFormat.json:
        print(json.dumps(as_json(result), ensure_ascii=False, indent=2))
    else:
        out.print(field_table(result))
        if result.worst(WORST):
            out.print(worst_table(result))
        if show_misses and result.misses:
            out.print(misses_table(result))
    for n in result.failed:
        err.print(f"[red]✗[/] {escape(n.name)}: {escape(n.error or '')}")
    if format is EvalFormat.table:
        out.print(f"informative={result.informative:.3f}")
        out.print(f"score={result.score:.3f}")
    raise typer.Exit(_exit_code(result, minimum, field_min))


def _exit_code(result: Evaluation, minimum: float | None, field_min: float | None) -> int:
    code = EXIT_OK
    if minimum is not None and result.score < minimum:
        under = _fields_under(result, minimum) or "none"
        err.print(f"score {result.score:.3f} is under --min {minimum}; fields under it: {under}")
        code = EXIT_FAILED
    if field_min is not None and result.fields_under(field_min):
        err.print(f"fields under --field-min {field_min}: {_fields_under(result, field_min)}")
        code = EXIT_FAILED
    return code


def _fields_under(result: Evaluation, minimum: float) -> str:
    return ", ".join(f"{f.field}={f.mean:.3f}" for f in result.fields_under(minimum))
