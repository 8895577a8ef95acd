"""What travels with a pack's task to another process or machine, and what a worker checks before it builds.

A pack's bytes are decided by its model (read here, from the spec, its bases, includes and data,
within ``--limits``), the files its writers open (pictures, the logo, fonts, a Word template), the
build time (SOURCE_DATE_EPOCH) and the libraries' versions. All of them go with the task: a worker
needs nothing of this machine's but the same installed package.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import files
from .errors import BuildError, Pos, Problem, SpecError
from .limits import Limits, using
from .manifest import inputs, versions
from .model import Briefing
from .reproducible import source_date_epoch

if TYPE_CHECKING:
    from .batch import Job, Rendered

ALLOW_FLAG = "--allow-version-mismatch"


@dataclass(frozen=True)
class Settings:
    """What decides a batch's bytes beside each pack's model and files: the same for every task."""

    epoch: int | None = field(default_factory=source_date_epoch)
    """SOURCE_DATE_EPOCH as the client has it: the time every file records, wherever it is built."""
    limits: Limits = field(default_factory=Limits)
    """What reading may cost (``--limits``)."""
    versions: Mapping[str, str | None] = field(default_factory=versions)
    """The client's Python and libraries, as the manifest records them."""
    allow_mismatch: bool = False
    """Build on a worker whose versions differ (its versions are then the manifest's)."""
    package: str = str(files.PACKAGE)
    """Where the client's package is installed: files under it are the worker's own package's."""


@dataclass(frozen=True)
class Parcel:
    """The files of one pack as read here, sent with its task."""

    sent: files.Sent | None
    """The bytes of every file the writers open, by path; None when the task runs on this machine."""
    digests: dict[Path, str]
    """Every input's digest, of the bytes read here: the manifest's."""


def parcel(doc: Briefing, settings: Settings, ship: bool) -> Parcel:
    """Read what the pack's writers will open, within the budget, before anything is sent.

    The spec, its bases, includes and data are in the model already (read within ``--limits``) and
    only their digests go; files of the installed package go by name, as the worker has its own.
    """
    budget, spent = settings.limits.data_bytes, 0
    shipped: dict[str, bytes] = {}
    digests: dict[Path, str] = {}
    read_into_model = set(doc.sources)
    for path in inputs(doc):
        data = _bounded(path, budget)
        digests[path] = hashlib.sha256(data).hexdigest()
        if not ship or path in read_into_model or path.is_relative_to(files.PACKAGE):
            continue
        spent += len(data)
        if spent > budget:
            raise SpecError([Problem(Pos(str(path), 1, 1), _over(budget, "the files a pack sends together"))])
        shipped[str(path)] = data
    sent = files.Sent(shipped, settings.package, {name: digests[Path(name)] for name in shipped})
    return Parcel(sent if ship else None, digests)


def _bounded(path: Path, budget: int) -> bytes:
    """A file's bytes, refused (as a spec's problem at that file) above the per-file budget."""
    try:
        with path.open("rb") as stream:
            data = stream.read(budget + 1)
    except OSError as exc:
        raise SpecError([Problem(Pos(str(path), 1, 1), f"cannot be read: {exc.strerror}")]) from exc
    if len(data) > budget:
        raise SpecError([Problem(Pos(str(path), 1, 1), _over(budget, "a file"))])
    return data


def _over(budget: int, what: str) -> str:
    return f"larger than the {budget:,} bytes {what} may hold (raise data_bytes with --limits)"


def mismatch(theirs: Mapping[str, str | None], ours: Mapping[str, str | None], where: str) -> str | None:
    """One line naming each library whose version differs between a worker and the client; None if none does."""
    differ = [name for name in ours if theirs.get(name) != ours.get(name)]
    if not differ:
        return None
    pairs = ", ".join(f"{name} {theirs.get(name) or 'none'} there, {ours.get(name) or 'none'} here" for name in differ)
    return f"the worker {where} has other versions ({pairs}): its files would differ; {ALLOW_FLAG} builds anyway"


def task(
    render: Callable[[Job, list[str], Briefing], list[Rendered]],
    job: Job,
    formats: list[str],
    doc: Briefing,
    sent: files.Sent | None,
    settings: Settings,
) -> list[Rendered] | Refused:
    """Build one pack on a worker as the client would build it here: its epoch, limits, files and versions.

    A worker of other versions declines it: the refusal is returned, not raised, so that Dask does not
    try the task again (maybe on this same worker) before the client hears of it and sends it elsewhere.
    """
    own = versions()
    differ = mismatch(own, settings.versions, _worker_name())
    damaged = sent.damaged() if sent else None
    refusal = f"{damaged} arrived other than it was read (its SHA-256 differs)" if damaged else None
    if differ and not settings.allow_mismatch:
        return Refused(_worker_name(), differ)
    if refusal:
        from .batch import Rendered

        return [Rendered(job, fmt, error=refusal) for fmt in formats]
    with fixed_epoch(settings.epoch), using(settings.limits), files.sent(sent) if sent else nullcontext():
        rendered = render(job, formats, doc)
    if differ:  # allowed: the manifest says what the files were built with
        rendered = [replace(r, built_with=own) for r in rendered]
    return rendered


class Refused(Exception):
    """A worker whose versions differ declined a task: the client sends it to the other workers."""

    def __init__(self, worker: str, line: str) -> None:
        super().__init__(worker, line)
        self.worker, self.line = worker, line

    def __str__(self) -> str:
        return self.line


def _worker_name() -> str:
    """The Dask worker's address, or this process's id in a local pool.

    A Dask worker has imported Dask already; a local worker never imports it (a third of a
    second of each worker's start, for a name it needs only when refusing).
    """
    dask = sys.modules.get("distributed")
    if dask is not None:
        with suppress(ValueError):  # not in a Dask worker's task
            return str(dask.get_worker().address)
    return f"process {os.getpid()}"


_epoch_lock = threading.Condition()
_epoch_users: list[int | None] = []
_before: list[str | None] = []


@contextmanager
def fixed_epoch(epoch: int | None) -> Iterator[None]:
    """SOURCE_DATE_EPOCH in this process's environment as the client has it, while a task builds.

    The libraries that stamp files (reportlab, fontTools) read it there themselves. Tasks of
    one batch share it; a task with another value waits until the others are done.
    """
    with _epoch_lock:
        _epoch_lock.wait_for(lambda: not _epoch_users or _epoch_users[0] == epoch)
        if not _epoch_users:
            _before.append(os.environ.get("SOURCE_DATE_EPOCH"))
            _set_epoch(None if epoch is None else str(epoch))
        _epoch_users.append(epoch)
    try:
        yield
    finally:
        with _epoch_lock:
            _epoch_users.pop()
            if not _epoch_users:
                _set_epoch(_before.pop())
            _epoch_lock.notify_all()


def _set_epoch(value: str | None) -> None:
    if value is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = value


RETRIES = 2
"""Times a task that failed on a worker is tried again elsewhere (one whose worker died is moved by Dask itself)."""


class Remote(cf.Executor):
    """A Dask cluster's executor, whose tasks carry their files (``ships_files``)."""

    ships_files = True

    def __init__(self, client: Any) -> None:
        self.client = client
        self.inner = client.get_executor(retries=RETRIES, pure=False)
        self.refused: set[str] = set()
        """Workers that declined a task for their versions: none of this batch's tasks goes to them again."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        if self.refused:
            return self.elsewhere(fn, *args)  # type: ignore[return-value]
        return self.inner.submit(fn, *args, **kwargs)  # type: ignore[no-any-return]

    def elsewhere(self, fn: Callable[..., Any], /, *args: Any) -> cf.Future[Any] | None:
        """The task sent again, to the workers that have not declined one; None when there are none."""
        good = sorted(set(self.client.scheduler_info()["workers"]) - self.refused)
        if not good:
            return None
        only = self.client.get_executor(retries=RETRIES, pure=False, workers=good, allow_other_workers=False)
        return only.submit(fn, *args)  # type: ignore[no-any-return]

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait)

    @property
    def width(self) -> int:
        """How many workers the cluster has now."""
        return len(self.client.scheduler_info()["workers"])

    def gone(self) -> bool:
        """The client has given up on its scheduler: it closes once reconnecting has failed."""
        return self.client.status in ("closing", "closed")


@contextmanager
def connected(scheduler: str, settings: Settings) -> Iterator[Remote]:
    """An executor on the cluster at ``scheduler``, once its workers are known to build as this machine would."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise BuildError("--scheduler needs Dask: pip install 'briefing[dask]'") from exc
    try:
        client = Client(scheduler)  # waits distributed.comm.timeouts.connect (30 s) for it, and to reconnect
    except OSError as exc:
        raise BuildError(f"cannot reach the scheduler at {scheduler}: {exc}".splitlines()[0]) from exc
    # A lost scheduler is told in one line, naming the packs not built; Dask's own tracebacks are not.
    names = ["distributed", *(n for n in logging.root.manager.loggerDict if n.startswith("distributed."))]
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    try:
        check_workers(client, settings)
        yield Remote(client)
    finally:
        with suppress(Exception):  # a scheduler that is gone cannot be told goodbye
            client.close(timeout=5)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def _not_imported(answer: object) -> str | None:
    """What a worker's answer says it could not import, if that is its error: Dask hands the error back,
    or, when the worker could not even read the function it was sent, an Exception holding its text."""
    if isinstance(answer, ImportError):
        return str(answer)
    if not isinstance(answer, Exception):
        return None
    told = re.fullmatch(r"(?:ModuleNotFound|Import)Error\((['\"])(.*)\1\)", str(answer), re.DOTALL)
    return told.group(2) if told else None


def check_workers(client: Any, settings: Settings) -> None:
    """Refuse, before anything is sent, a cluster whose workers have other versions than this machine."""
    if settings.allow_mismatch:
        return
    answers = client.run(versions, on_error="return")
    for address, theirs in sorted(answers.items(), key=lambda answer: answer[0]):
        missing = _not_imported(theirs)
        if missing is not None:  # briefing, or a library it needs, is not installed there
            raise BuildError(f"the worker {address} cannot load briefing ({missing}): install it there, as here")
        if isinstance(theirs, BaseException):  # a worker lost meanwhile answers with its error
            continue
        refused = mismatch(theirs, settings.versions, address)
        if refused:
            raise BuildError(refused)
