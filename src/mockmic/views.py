"""The library's views and the listings: the takes (history, one stored take, compare, progress, what
reanalysing changed, what `library check`, `adopt` and `repair` found), the models, the microphones and
the question bank. Nothing here prints; a stored take's report is the one-answer report (`mockmic.report`)
under a line saying which take it is. Lists of takes are in Spanish when every take is."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .compare import Comparison, Progress, sparkline
from .library import DB_NAME, Check, LooseAudio, StoredTake, shared_language
from .models import ModelInfo
from .questions import DIMENSIONS, Question
from .recorder import InputDevice
from .repair import Repair
from .report import analysis_renderable
from .text import has, number, say


def reanalysed_line(before: StoredTake, after: StoredTake) -> str:
    """What reanalysing a take changed: each score and measure that moved, old -> new, or that nothing did."""
    changes = [
        f"{say(f'score.{name}', 'en')} {number(old, 'd')} → {number(new, 'd')}"
        for name in DIMENSIONS
        if (old := before.feedback.scores.get(name)) != (new := after.feedback.scores.get(name))
    ]
    for key, spec, values in (
        ("words_per_minute", ".0f", [take.metrics.words_per_minute for take in (before, after)]),
        ("fillers_per_100_words", ".1f", [take.metrics.fillers.per_100_words for take in (before, after)]),
    ):
        old, new = (number(value, spec) for value in values)
        if old != new:
            changes.append(f"{say(f'reanalysed.{key}', 'en')} {old} → {new}")
    if (before.engine, before.model) != (after.engine, after.model):
        changes.append(
            say(
                "reanalysed.engine",
                "en",
                engine=after.engine,
                model=after.model,
                old_engine=before.engine or say("reanalysed.unknown_engine", "en"),
                old_model=before.model,
            )
        )
    return say("reanalysed.line", "en", take=after.id, changes="; ".join(changes) or say("reanalysed.nothing", "en"))


def history_renderable(takes: list[StoredTake]) -> RenderableType:
    if not takes:
        return Text(say("history.empty", "en"))
    lang = shared_language(takes)
    # no rules between columns: eleven fit in 66 characters
    table = Table(
        title=say("history.title", lang),
        title_justify="left",
        caption_justify="left",
        caption=say("history.caption", lang),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for key in ("id", "when", "question", "language", "length", *DIMENSIONS, "wpm", "fillers"):
        text = key in ("when", "question")  # these wrap in a narrow terminal; ids and numbers stay whole
        table.add_column(
            say(f"history.{key}", lang),
            justify="left" if text else "right",
            no_wrap=not text,
            min_width=5 if text else 2,
        )
    for take in takes:
        table.add_row(
            str(take.id),
            take.created_at[5:16].replace("T", " "),
            take.question_id,
            take.language or "—",
            f"{take.duration_s:.0f} s",
            *(number(take.feedback.scores.get(name), "d") for name in DIMENSIONS),
            number(take.metrics.words_per_minute, ".0f"),
            number(take.metrics.fillers.per_100_words, ".1f", lang),
        )
    return table


def stored_take_renderable(take: StoredTake) -> RenderableType:
    """`show`: which take it is, then the one-answer report as `analyze` gave it, headed by the stored audio."""
    lang = shared_language([take])
    details = say(
        "show.details",
        lang,
        when=take.created_at[:19].replace("T", " "),
        question=take.question_id,
        duration=number(take.duration_s, ".1f", lang),
        version=take.app_version,
    )
    header = Text.assemble((say("show.take", lang, take=take.id), "bold"), f"  {details}")
    return Group(header, analysis_renderable(str(take.audio_path), take.transcript, take.metrics, take.feedback))


def comparison_renderable(comparison: Comparison) -> RenderableType:
    lang = comparison.language
    table = Table(title=say("compare.title", lang), title_justify="left")
    table.add_column(say("report.measure", lang))
    for take_id in comparison.take_ids:
        table.add_column(say("compare.take", lang, take=take_id), justify="right")
    for row in comparison.rows:
        cells = [Text(number(row.values[0], "g", lang))]
        for value, delta, verdict in zip(row.values[1:], row.deltas[1:], row.verdicts[1:]):
            cell = Text(number(value, "g", lang))
            if delta is not None and verdict:
                style = {"better": "green", "worse": "red"}.get(verdict, "dim")
                cell.append(f" ({number(delta, '+g', lang)}, {say(f'compare.{verdict}', lang)})", style=style)
            cells.append(cell)
        table.add_row(say(row.label, lang), *cells)
    lines: list[RenderableType] = [table]
    if comparison.tips_resolved:
        tips = tip_names(comparison.tips_resolved, lang)
        lines.append(Text(say("compare.tips_resolved", lang, tips=tips), style="green"))
    if comparison.tips_new:
        lines.append(Text(say("compare.tips_new", lang, tips=tip_names(comparison.tips_new, lang)), style="yellow"))
    return Group(*lines)


def tip_names(ids: tuple[str, ...], lang: str) -> str:
    """Each tip in a word or two; a tip id this version no longer gives (in an older take) as it is."""
    return ", ".join(say(f"tip_name.{tip_id}", lang) if has(f"tip_name.{tip_id}") else tip_id for tip_id in ids)


def progress_renderable(takes_oldest_first: list[StoredTake]) -> RenderableType:
    if not takes_oldest_first:
        return Text(say("progress.empty", "en"))
    lang = shared_language(takes_oldest_first)
    count = len(takes_oldest_first)
    title = say("progress.title" if count > 1 else "progress.title.one", lang, count=count)
    table = Table(title=title, title_justify="left")
    for key in ("score", "trend", "first", "last", "best"):
        table.add_column(say(f"progress.{key}", lang))
    for name in DIMENSIONS:
        values = [take.feedback.scores.get(name) for take in takes_oldest_first]
        known = [v for v in values if v is not None]
        first, last, best = (known[0], known[-1], max(known)) if known else (None, None, None)
        table.add_row(say(f"score.{name}", lang), sparkline(values), *(number(v, "d") for v in (first, last, best)))
    return table


def models_renderable(rows: list[ModelInfo], models_dir: str) -> RenderableType:
    table = Table(title=say("models.title", "en", directory=models_dir), title_justify="left")
    table.add_column(say("models.model", "en"))
    table.add_column(say("models.state", "en"))
    table.add_column(say("models.languages", "en"))
    table.add_column(say("models.size", "en"), justify="right")
    for row in rows:
        table.add_row(
            row.name,
            row.state,
            "99" if row.multilingual else say("models.english", "en"),
            f"{row.size_mb:,.0f} MB" if row.size_mb else "?",
        )
    return table


def questions_renderable(questions: list[Question]) -> RenderableType:
    table = Table(title=say("questions.title", "en"), title_justify="left")
    for column in ("id", "question", "target", "assesses"):
        table.add_column(say(f"questions.{column}", "en"))
    for q in questions:
        low, high = q.target_s
        target = (
            say("questions.target_capped", "en", low=low, high=high, cap=q.hard_cap_s)
            if q.hard_cap_s
            else say("questions.target_value", "en", low=low, high=high)
        )
        table.add_row(q.id, Text(q.text), target, ", ".join(q.assesses))  # the user's text, never read as markup
    return table


def devices_renderable(devices: list[InputDevice]) -> RenderableType:
    if not devices:
        return Text(say("devices.none", "en"), style="yellow")
    table = Table(title=say("devices.title", "en"), title_justify="left")
    table.add_column("")
    for column in ("index", "name", "channels", "rate"):
        table.add_column(say(f"devices.{column}", "en"))
    for d in devices:
        rate = f"{d.default_samplerate:.0f} Hz"
        table.add_row("*" if d.is_default else "", str(d.index), d.name, str(d.channels), rate)
    return table


def progress_renderables(
    series: list[Progress], takes: list[StoredTake], bank: dict[str, Question]
) -> list[RenderableType]:
    """`progress`: each series (one per question, or one over all) under its question, from `takes`
    oldest first; the empty view when there is none."""
    if not series:
        return [progress_renderable([])]
    parts: list[RenderableType] = []
    for s in series:
        if s.question_id is not None:
            asked = bank.get(s.question_id)
            heading = f"{s.question_id}: {asked.text_in(s.language)}" if asked else s.question_id
            parts.append(Text(heading, style="bold"))
        ids = set(s.take_ids)
        parts.append(progress_renderable([t for t in takes if t.id in ids]))
    return parts


def loose_notice(count: int) -> str:
    """What `history` adds on stderr when the library holds audio without a take."""
    return (
        f"{count} audio file(s) in the library have no take; `mockmic library check` lists them "
        f"and `mockmic library adopt` makes them takes again."
    )


# The library's maintenance commands say what they found in lines: (line, soft_wrap). A soft-wrapped line
# runs past the terminal's width rather than break inside a path.


def check_lines(check: Check) -> list[tuple[str, bool]]:
    """`library check`: the counts, each audio file without a take, each take without audio."""
    counts = (
        f"{check.takes} take(s); {len(check.loose)} audio file(s) without a take; "
        f"{len(check.missing_audio)} take(s) without audio."
    )
    lines = [(counts, False)]
    for audio in check.loose:
        size = f"{audio.size / 1e6:.1f} MB" if audio.size >= 100_000 else f"{audio.size / 1e3:.0f} kB"
        line = f"  {audio.path}  {size}, copied in {audio.copied_at[:16].replace('T', ' ')} UTC"
        if audio.recording:
            line += f"; the practice recording {audio.recording.name} ({audio.question_id})"
        if not audio.whole:
            line += "; not a whole copy (its content does not match its name), so it cannot be adopted"
        lines.append((line, True))
    if any(a.whole for a in check.loose):
        hint = (
            "`mockmic library adopt` analyses them and stores them as takes again; nothing is removed unless "
            "you remove it."
        )
        lines.append((hint, True))
    lines += [
        (f"  take {take_id}: its audio file is gone; `mockmic delete {take_id}` removes the take.", False)
        for take_id in check.missing_audio
    ]
    return lines


def adopted_line(audio: LooseAudio, take_id: int | None, question_id: str) -> str:
    """`library adopt`, for one audio file: the take it became, or that it held no speech (None)."""
    if take_id is None:
        return f"{audio.path.name}: no speech was recognised, so it stays as it is (not a take)."
    created_at = audio.recorded_at or audio.copied_at
    return f"Adopted {audio.path.name} as take {take_id} ({question_id}, {created_at[:16].replace('T', ' ')} UTC)."


def repair_lines(result: Repair) -> list[tuple[str, bool]]:
    """`library repair`: what was rescued, or that nothing was damaged; audio left for `library adopt`."""
    if result.damaged:
        rescued = (
            f"Rescued {result.salvaged} take(s) into a new {DB_NAME}; {result.unreadable} could not be read. "
            f"The damaged database is kept as {result.backup}."
        )
        lines = [(rescued, True)]
    else:
        lines = [(f"The library database is not damaged ({result.salvaged} take(s)): nothing to repair.", False)]
    if result.loose:
        loose = (
            f"{result.loose} audio file(s) have no take: `mockmic library adopt` analyses them and stores them "
            f"as takes again (`mockmic library check` lists them)."
        )
        lines.append((loose, True))
    return lines
