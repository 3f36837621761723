"""A build replaces the site only when everything succeeded; nothing else is ever destroyed.

Builds are failed halfway (an exception, Ctrl-C, `kill`, a failed swap, a build
killed between its two renames) and the previous site must be complete, byte for
byte, with no temporary folder left beside it.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from handbook import cli
from handbook.errors import HandbookError
from handbook import site
from handbook.pipeline import build_site

ROOT = Path(__file__).resolve().parent.parent


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.fixture
def built(mini_project):
    """The mini project with a complete site, and that site's content."""
    out = mini_project / "site"
    build_site(mini_project, out)
    before = tree(out)
    assert "alpha.html" in before and "search/core.js" in before
    return mini_project, out, before


def change_a_page(project: Path) -> None:
    """An edit, so a build that went through would change alpha.html."""
    path = project / "regulations" / "alpha.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("本规则适用于测试会议。", "本规则适用于所有测试会议。"),
                    encoding="utf-8")


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.parametrize("error", [RuntimeError("下载步骤失败"), KeyboardInterrupt()])
def test_a_step_failing_halfway_leaves_the_previous_site(built, error, monkeypatch):
    """MkDocs has written the new site into the staging folder when something fails."""
    project, out, before = built
    change_a_page(project)
    real = site.run_mkdocs

    def half_then_fail(config, site_dir, epoch):
        real(config, site_dir, epoch)
        (site_dir / "downloads").mkdir(exist_ok=True)
        (site_dir / "downloads" / "half.docx").write_bytes(b"PK")
        raise error

    monkeypatch.setattr(site, "run_mkdocs", half_then_fail)
    with pytest.raises(type(error)):
        build_site(project, out)
    assert tree(out) == before
    assert leftovers(out) == []


def test_a_failed_swap_puts_the_previous_site_back(built, monkeypatch):
    project, out, before = built
    change_a_page(project)
    rename = Path.rename

    def failing_rename(self, target):
        if self.name.startswith(".site.tmp-"):
            raise OSError("磁盘已满")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", failing_rename)
    with pytest.raises(OSError):
        build_site(project, out)
    monkeypatch.undo()
    assert tree(out) == before
    assert leftovers(out) == []


def test_a_build_killed_between_its_renames_is_undone_by_the_next_one(built):
    project, out, before = built
    out.rename(out.parent / f".site.old-{dead_pid()}")  # killed after moving the old site away
    stale = out.parent / f".site.tmp-{dead_pid()}"
    (stale / "assets").mkdir(parents=True)
    (project / "regulations" / "alpha.yaml").write_text("id: [broken", encoding="utf-8")
    with pytest.raises(HandbookError):
        build_site(project, out)
    assert tree(out) == before
    assert leftovers(out) == []


def test_a_running_build_beside_is_left_alone(built):
    project, out, before = built
    other = out.parent / f".site.tmp-{os.getppid()}"  # a live process: maybe another build at work
    other.mkdir()
    build_site(project, out)
    assert other.is_dir()
    assert leftovers(out) == [other.name]


SLOW_BUILD = textwrap.dedent("""\
    import sys, time
    from pathlib import Path
    import handbook.site as site
    from handbook import cli

    real = site.run_mkdocs

    def slow(*args):
        real(*args)
        print("HALFWAY", flush=True)
        time.sleep(120)

    site.run_mkdocs = slow
    cli.ROOT = Path(sys.argv[1])
    sys.exit(cli.main(["build", "--out", sys.argv[2]]))
""")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_interrupting_the_build_command_leaves_the_previous_site(built, signum):
    project, out, before = built
    change_a_page(project)
    process = subprocess.Popen([sys.executable, "-c", SLOW_BUILD, str(project), str(out)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, PYTHONPATH=str(ROOT)))
    watchdog = threading.Timer(300, process.kill)  # a build that never gets halfway must not hang the tests
    watchdog.start()
    try:
        assert process.stdout.readline().strip() == "HALFWAY", process.stderr.read()
        assert any(name.startswith(".site.tmp-") for name in leftovers(out))  # really halfway
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        watchdog.cancel()
        process.kill()
    assert process.returncode == 130, stderr
    assert "构建已中断" in stderr and "Traceback" not in stderr
    assert tree(out) == before
    assert leftovers(out) == []


def run_build(project: Path, out: Path, capsys) -> tuple[int, str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "ROOT", project)
        code = cli.main(["build", "--out", str(out)])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("where", ["project", "parent", "regulations", "file"])
def test_the_build_never_replaces_what_is_not_a_site(mini_project, capsys, where):
    target = {"project": mini_project, "parent": mini_project.parent,
              "regulations": mini_project / "regulations", "file": mini_project / "mkdocs.yml"}[where]
    before = tree(mini_project)
    code, err = run_build(mini_project, target, capsys)
    assert code == 1
    assert "构建失败" in err and "Traceback" not in err
    assert tree(mini_project) == before


def test_the_build_fills_an_empty_folder_and_replaces_an_earlier_site(mini_project, capsys):
    out = mini_project.parent / "empty"
    out.mkdir()
    assert run_build(mini_project, out, capsys)[0] == 0
    assert (out / "alpha.html").is_file() and (out / ".handbook-edition").read_text() == "internal\n"
    change_a_page(mini_project)
    assert run_build(mini_project, out, capsys)[0] == 0
    assert "所有测试会议" in (out / "alpha.html").read_text(encoding="utf-8")
    assert leftovers(out) == []


MINI_FLOW = """\
id: mini-flow
kind: flow
title: 测试流程图
issuer: 机关
category: 其他
nodes:
  - {id: start, label: 签收, kind: start}
  - {id: finish, label: 存档, kind: end}
edges:
  - {from: start, to: finish}
"""


def test_a_drawing_d2_refuses_stops_the_build_with_the_flow_file_named(built, monkeypatch):
    from handbook.render import flowcharts

    project, out, before = built
    (project / "regulations" / "mini-flow.yaml").write_text(MINI_FLOW, encoding="utf-8")
    monkeypatch.setattr(flowcharts, "d2_source", lambda doc, index=None: "a -> {")
    with pytest.raises(HandbookError) as caught:
        build_site(project, out)
    [problem] = caught.value.problems
    assert problem.path == "regulations/mini-flow.yaml"
    assert problem.message.startswith("流程图生成失败：D2 无法渲染流程图「测试流程图」：D2 报告错误："), problem.message
    assert tree(out) == before
    assert leftovers(out) == []
