"""The outbox relay's drill hook (SPORTELLO_DRILL_KILL_AFTER_CONFIRM, used by the cluster fault suite's
scenario 9): off unless set; once set, the first pass with confirmed rows records their ids and
SIGKILLs its process before they are marked sent, and never again while the file is there."""
import signal

from services.chassis import outbox


def test_the_drill_hook_kills_once_after_a_confirm_and_is_off_unless_set(tmp_path, monkeypatch):
    kills = []
    monkeypatch.setattr(outbox.os, "kill", lambda pid, sig: kills.append((pid, sig)))
    monkeypatch.delenv(outbox.DRILL_KILL_AFTER_CONFIRM, raising=False)
    outbox._drill_kill_after_confirm(["e1"])
    assert kills == []  # not set: nothing

    flag = tmp_path / "ids"
    monkeypatch.setenv(outbox.DRILL_KILL_AFTER_CONFIRM, str(flag))
    outbox._drill_kill_after_confirm([])  # nothing confirmed in this pass: not yet
    assert kills == [] and not flag.exists()
    outbox._drill_kill_after_confirm(["e1", "e2"])
    assert [sig for _, sig in kills] == [signal.SIGKILL] and flag.read_text().split() == ["e1", "e2"]
    outbox._drill_kill_after_confirm(["e3"])  # after the restart: done once already
    assert len(kills) == 1
