"""Forked workers, written once: whether this process may fork, how a worker starts, tasks shared over a counter,
values computed in a child (spooled through a file), and an error carried back to the process that forked.

Used by `check` (parsing the files the record cache does not hold), by the build (the whole check in a child from
30,000 files on, so the build's heap is not the loader's) and by the render batch (the page plan's tasks).
Workers are forked (Linux), so they inherit what the parent prepared (the job, compiled templates, the records)
and receive only task numbers.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any


def cores() -> int:
    """How many processes to work with: every core this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def may_fork() -> bool:
    """Whether this process may fork workers: it runs no other thread (ask before starting any).

    Forking a process that runs other threads (`serve`: its web server, its file watcher) can copy a held lock
    into the child and hang it; such a process does the work itself.
    """
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1 and cores() > 1


def _start_worker() -> None:
    """A worker dies on SIGTERM: it must not inherit a handler of the parent's (`serve` sets one to stop cleanly)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _send_error(send, error: BaseException) -> None:
    """Tell the parent what went wrong, for it to raise: the exception itself, or when it cannot be pickled, its
    text with the traceback."""
    try:
        send.send(("error", error))
    except Exception:
        send.send(("error", RuntimeError(traceback.format_exc())))


_SHARED: list = []
"""The tasks and the work function of the batch being run, as forked workers inherit them."""


def each(tasks: list, work: Callable[[Any], Any], processes: int) -> list:
    """work(task) for every task, results in task order: done by this process and by processes - 1 forked workers,
    each taking the next task from a shared counter (with fewer than two processes or tasks, all here).

    This process works too, so one core needs no worker and two cores need one. The collector is frozen before
    the fork, so a worker's collections do not walk (and so copy) every inherited object. A worker writes each
    result to a spool file as it is made (at 100,000 records they are hundreds of megabytes) and at the end says
    how many; an error in any process stops the others and is raised here.
    """
    if processes < 2 or len(tasks) < 2:
        return [work(task) for task in tasks]
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    children = []
    _SHARED[:] = [tasks, work]
    gc.freeze()
    try:
        for _ in range(processes - 1):
            receive, send = context.Pipe(duplex=False)
            spool = tempfile.TemporaryFile(prefix="registry-results-")  # noqa: SIM115 (closed below)
            child = context.Process(target=_worker, args=(send, counter, spool), daemon=True)
            child.start()
            send.close()
            children.append((child, receive, spool))
        done: dict[int, Any] = {}
        while (number := _next(counter)) < len(tasks):
            done[number] = work(tasks[number])
        for child, receive, spool in children:
            try:
                status, value = receive.recv()
            except EOFError:
                raise RuntimeError(f"a worker stopped unexpectedly (exit code {child.exitcode})") from None
            if status == "error":
                raise value
            spool.seek(0)
            for _ in range(value):
                number, result = pickle.load(spool)
                done[number] = result
        return [done.pop(number) for number in range(len(tasks))]
    except BaseException:
        for child, _receive, _spool in children:
            if child.is_alive():
                child.terminate()
        raise
    finally:
        _SHARED.clear()
        for child, receive, spool in children:
            child.join()
            receive.close()
            spool.close()
        gc.unfreeze()


def _next(counter) -> int:
    with counter.get_lock():
        number = counter.value
        counter.value = number + 1
    return number


def _worker(send, counter, spool) -> None:
    """A forked worker: take tasks from the shared counter until none is left, spooling each result, then say how
    many it did."""
    _start_worker()
    tasks, work = _SHARED
    count = 0
    try:
        while (number := _next(counter)) < len(tasks):
            pickle.dump((number, work(tasks[number])), spool, protocol=pickle.HIGHEST_PROTOCOL)
            count += 1
        spool.flush()
        send.send(("ok", count))
    except BaseException as error:  # raised again by the parent (a BuildError names the file)
        _send_error(send, error)
    finally:
        send.close()


def in_child(work: Callable[[], Iterable[Any]]) -> Iterator[Any]:
    """The values work() yields, made in a forked process, or its exception raised here.

    The child pickles each value to a spool file as soon as it is made (`pickle.dump` writes in frames), so it never
    holds a value's pickle whole, only one value at a time; this process reads them back one by one once the child
    has exited, so the two never hold their memory at the same time (at 100,000 records the child that checks holds
    about 2 GB, and the public records it hands back are half of the build process's memory).
    """
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    with tempfile.TemporaryFile(prefix="registry-child-") as spool:
        child = context.Process(target=_child, args=(work, send, spool))  # not a daemon: it may fork workers itself
        child.start()
        send.close()
        try:
            status, value = receive.recv()
        except EOFError:
            status, value = "stopped", None
        finally:
            child.join()
            receive.close()
        if status == "stopped":
            raise RuntimeError(f"a forked process stopped unexpectedly (exit code {child.exitcode})")
        if status == "error":
            raise value
        spool.seek(0)
        for _ in range(value):
            yield pickle.load(spool)


def _child(work: Callable[[], Iterable[Any]], send, spool) -> None:
    _start_worker()
    try:
        count = 0
        for value in work():
            pickle.dump(value, spool, protocol=pickle.HIGHEST_PROTOCOL)
            count += 1
            del value
        spool.flush()
        send.send(("ok", count))
    except BaseException as error:
        _send_error(send, error)
    finally:
        send.close()
