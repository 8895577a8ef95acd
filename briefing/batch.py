"""Building many packs at once: a task per pack on local processes or a Dask cluster, files written here."""

from __future__ import annotations

import concurrent.futures as cf
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import accessibility, cluster, registry
from .build import Pack, publish
from .errors import BuildError, OutputError, Problem, SpecError
from .layout import LaidDocument, lay_out
from .manifest import MANIFEST_SUFFIX, current_outputs, file_facts
from .model import Briefing, tables


@dataclass(frozen=True)
class Job:
    """One pack to build: the spec it comes from and the name its files get."""

    spec: str
    """Path of the spec, as the user gave it; failures are reported under it."""
    stem: str
    """File name of the pack, without extension."""
    number: int = 0
    """Its place in the batch: results come back from other processes as copies."""


@dataclass(frozen=True)
class Rendered:
    """What a task sends back: one format of one pack, or why it could not be made."""

    job: Job
    format: str
    data: bytes | None = None
    """The file's bytes; None when it failed."""
    warnings: tuple[Problem, ...] = ()
    problems: tuple[Problem, ...] = ()
    """Positioned problems of a bad spec."""
    error: str | None = None
    """One line for any other failure."""
    of_file: bool = False
    """The error is the writer's: told at the file it was writing, as a build here tells it."""
    facts: dict[str, Any] = field(default_factory=dict)
    """What the manifest counts in the file (pages, sheets), counted by the worker."""
    built_with: dict[str, str | None] | None = None
    """The versions of a worker allowed to differ from the client's; None when they are the same."""


def render(job: Job, formats: Sequence[str], doc: Briefing) -> list[Rendered]:
    """Write every format of one pack into bytes. Runs on a worker, from the model loaded by the client
    (the worker needs only the pictures and fonts it names, not the spec), laid out once for all formats."""
    try:
        laid = lay_out(doc)
    except Exception as exc:  # one failing pack must not stop the others
        reason = f"the layout failed: {type(exc).__name__}: {exc}".splitlines()[0]
        return [Rendered(job, fmt, error=reason) for fmt in formats]
    rendered = [_render_one(job, fmt, laid) for fmt in formats]
    if rendered:  # the accessibility check's findings, reported once, with the first format's warnings
        first = rendered[0]
        rendered[0] = replace(first, warnings=(*accessibility.warnings(laid), *first.warnings))
    return rendered


def _render_one(job: Job, fmt: str, laid: LaidDocument) -> Rendered:
    try:
        writer = registry.get(fmt)
        with tempfile.TemporaryDirectory(prefix="briefing-") as folder:
            path = Path(folder) / f"{job.stem}{writer.extension}"
            warnings = registry.write(writer, laid, path)
            facts = registry.facts(writer, path) or file_facts(fmt, path)
            return Rendered(job, fmt, path.read_bytes(), tuple(warnings), facts=facts)
    except SpecError as exc:
        return Rendered(job, fmt, problems=exc.problems)
    except Exception as exc:  # one failing pack must not stop the others
        reason = f"the {fmt} writer failed: {type(exc).__name__}: {exc}".splitlines()[0]
        return Rendered(job, fmt, error=reason, of_file=True)


@dataclass
class Outcome:
    """What a batch produced: packs written, and the failures to list at the end."""

    packs: list[Pack] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    """Specs of packs whose tasks never came back (the cluster was lost): none of their files was written."""
    notices: list[str] = field(default_factory=list)
    """Warnings about the batch itself (a worker that declined its tasks), one line each."""

    @property
    def status(self) -> int:
        """0 when all went well, 2 when only specs were bad, 1 otherwise."""
        if self.errors or self.lost:
            return 1
        return 2 if self.problems else 0


def run(
    jobs: Iterable[tuple[Job, Briefing]],
    formats: Sequence[str],
    out: Path,
    executor: cf.Executor,
    progress: Callable[[Rendered], None] = lambda r: None,
    settings: cluster.Settings | None = None,
    workers: int = 1,
) -> Outcome:
    """Build every (job, format) on ``executor``; each pack is written as soon as all its formats are in.

    Each job comes with its model, loaded here, from which its manifest is made. The first tasks
    (one for each of the ``workers``) are sent as their jobs come, the others once all are read,
    largest first; nothing is written until all are sent: an error while reading them writes nothing.
    With a cluster's executor, each task carries the files its writers open (see cluster.py).
    """
    settings = settings or cluster.Settings()
    ship = getattr(executor, "ships_files", False)
    outcome = Outcome()
    models: list[tuple[Briefing, cluster.Parcel]] = []
    futures: dict[cf.Future[list[Rendered] | cluster.Refused], Job] = {}
    tasks: dict[int, tuple[Any, ...]] = {}
    waiting: list[Job] = []

    def send(job: Job) -> None:
        futures[executor.submit(cluster.task, *tasks[job.number])] = job

    try:
        for job, doc in jobs:
            try:
                parcel = cluster.parcel(doc, settings, ship)  # within the budget, before anything is sent
            except SpecError as exc:
                outcome.problems.extend(exc.problems)
                continue
            models.append((doc, parcel))
            # A pack is one task: laid out once on its worker, for every format.
            numbered = replace(job, number=len(models) - 1)
            tasks[numbered.number] = (render, numbered, list(formats), doc, parcel.sent, settings)
            if len(tasks) <= workers:  # every worker busy at once, while the other specs are read
                send(numbered)
            else:
                waiting.append(numbered)
        # The largest packs first, so that the batch does not end with one worker building a big one alone.
        for numbered in sorted(waiting, key=lambda j: -size(models[j.number][0])):
            send(numbered)
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    while futures:
        done, _ = cf.wait(futures, timeout=1.0, return_when=cf.FIRST_COMPLETED)
        for future in done:
            job = futures.pop(future)
            try:
                results = future.result()
            except Exception:  # the task never came back: the cluster or its connection was lost
                outcome.lost.append(job.spec)
                continue
            if isinstance(results, cluster.Refused):  # a worker of other versions: the pack goes to the others
                again = _elsewhere(executor, results, tasks[job.number], outcome)
                if again is None:
                    outcome.errors.append(f"{job.spec}: {results.line}")
                else:
                    futures[again] = job
                continue
            for result in results:
                progress(result)
            _finish(job, *models[job.number], results, out, outcome)
        if futures and not done and getattr(executor, "gone", lambda: False)():
            # the client gave up on its scheduler: what the scheduler held will never come back
            outcome.lost.extend(job.spec for job in sorted(futures.values(), key=lambda j: j.number))
            break
    return outcome


def size(doc: Briefing) -> int:
    """How much building a pack costs, roughly: its tables' cells, which a long annex makes most of its time."""
    return sum(len(table.rows) * max(len(table.columns), 1) for table in tables(doc))


def _elsewhere(
    executor: cf.Executor, refused: cluster.Refused, task: tuple[Any, ...], outcome: Outcome
) -> cf.Future[list[Rendered] | cluster.Refused] | None:
    """Send a declined task to the workers that have not declined one, telling the first refusal of each worker once."""
    if not isinstance(executor, cluster.Remote):
        return None
    if refused.worker not in executor.refused:
        executor.refused.add(refused.worker)
        outcome.notices.append(f"{refused.line.split(': its files')[0]}: its packs are built by the other workers")
    return executor.elsewhere(cluster.task, *task)


def _finish(
    job: Job, doc: Briefing, parcel: cluster.Parcel, results: list[Rendered], out: Path, outcome: Outcome
) -> None:
    problems = next((r.problems for r in results if r.problems), ())
    errors = [f"{_file(out, job, r) if r.of_file else job.spec}: {r.error}" for r in results if r.error]
    if problems or errors:
        outcome.problems.extend(problems)
        outcome.errors.extend(dict.fromkeys(errors))  # a refusal of the whole pack, said once
        return
    try:
        files = [(registry.get(r.format), r.data or b"") for r in results]
        warnings = [w for r in results for w in r.warnings]
        facts = {r.format: r.facts for r in results}
        built_with = next((r.built_with for r in results if r.built_with), None)
        outcome.packs.append(
            publish(doc, job.stem, files, out, warnings, facts, sent=parcel.digests, built_with=built_with)
        )
    except OutputError:
        raise  # no pack can be written there
    except (SpecError, BuildError) as exc:
        outcome.errors.append(f"{job.spec}: {exc}".splitlines()[0])


def _file(out: Path, job: Job, result: Rendered) -> Path:
    return out / f"{job.stem}{registry.get(result.format).extension}"


def up_to_date(doc: Briefing, stem: str, out: Path, formats: Sequence[str]) -> Pack | None:
    """The pack already in ``out`` built from this very content (``--resume``); None when it must be built."""
    manifest = out / f"{stem}{MANIFEST_SUFFIX}"
    paths = current_outputs(doc, manifest, formats)
    return Pack(tuple(paths), (), manifest) if paths is not None else None


class InProcess(cf.Executor):
    """Runs each task at once, in this process: one job needs no pool."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        future: cf.Future[Any] = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed back through the future, as a pool would
            future.set_exception(exc)
        return future


@contextmanager
def executor(jobs: int, scheduler: str | None, settings: cluster.Settings | None = None) -> Iterator[cf.Executor]:
    """Local processes (``jobs`` of them), this process alone, or a Dask cluster's executor."""
    if scheduler:
        with cluster.connected(scheduler, settings or cluster.Settings()) as remote:
            yield remote
    elif jobs <= 1:
        yield InProcess()
    else:
        # On Linux, workers are forked from this process, which has imported the writers already,
        # so they start at once; elsewhere they start fresh interpreters.
        import multiprocessing  # only a pool of processes needs it

        method = "fork" if sys.platform.startswith("linux") else "spawn"
        with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method)) as pool:
            # Start them now, before the progress bar's thread exists: forking copies no running threads.
            cf.wait([pool.submit(_ready) for _ in range(jobs)])
            yield pool


def _ready() -> bool:
    return True


@contextmanager
def progress(total: int) -> Iterator[Callable[[Rendered], None]]:
    """A progress bar on the terminal (rich) that a finished task advances; silent when output is not a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, disable=not console.is_terminal, transient=True) as bar:
        task = bar.add_task("building", total=total)

        def tick(result: Rendered) -> None:
            mark = "failed" if result.problems or result.error else "done"
            bar.update(task, advance=1, description=f"{Path(result.job.spec).name} {result.format} {mark}")

        yield tick
