"""The spool keeps observations until the graph has them, and replays them in order."""

from __future__ import annotations

import threading

from crawler.spool import Spool, SpoolWriter

from helpers import observation


def test_batches_are_written_in_order_and_removed_only_after_success(tmp_path):
    spool = Spool(tmp_path)
    written: list[list[str]] = []
    failing = threading.Event()
    failing.set()
    errors: list[str] = []

    def write(batch):
        if failing.is_set():
            raise ConnectionError("database down")
        written.append([o["site_ad_id"] for o in batch])

    for n in range(3):
        spool.append([observation(site_ad_id=f"{n}-a"), observation(site_ad_id=f"{n}-b")])
    writer = SpoolWriter(spool, write, errors.append)
    writer.start()
    writer.notify()
    assert _wait(lambda: errors)  # it tried, failed, and kept everything
    assert written == [] and len(spool.files()) == 3 and spool.pending() == 6
    failing.clear()
    spool.append([observation(site_ad_id="3-a")])
    assert writer.finish(timeout=20)
    assert written == [["0-a", "0-b"], ["1-a", "1-b"], ["2-a", "2-b"], ["3-a"]]
    assert spool.files() == [] and writer.written == 7
    assert "database down" in errors[0] and str(tmp_path) in errors[0]


def test_finish_gives_up_after_timeout_and_keeps_files_for_the_next_run(tmp_path):
    spool = Spool(tmp_path)
    spool.append([observation(site_ad_id="kept")])
    writer = SpoolWriter(spool, lambda batch: (_ for _ in ()).throw(ConnectionError("down")), lambda m: None)
    writer.start()
    assert writer.finish(timeout=1.5) is False
    assert not writer.is_alive()
    again = Spool(tmp_path)  # the next cycle continues the numbering after what is left
    assert again.append([observation(site_ad_id="next")]).name > spool.files()[0].name
    assert [p.name for p in again.files()] == ["000000000001.jsonl", "000000000002.jsonl"]


def _wait(condition, timeout: float = 10) -> bool:
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False
