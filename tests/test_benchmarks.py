"""The benchmarks' shared parts: sections of benchmarks/RESULTS.md, synthetic regulations, stage timing."""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from build_worker import Stopwatch  # noqa: E402
from project import add_synthetic_documents, project_copy, regulation_files  # noqa: E402
from report import write_section  # noqa: E402

from handbook.sources import load_handbook  # noqa: E402


def test_a_section_replaces_only_itself(tmp_path):
    report = tmp_path / "benchmarks.md"
    write_section("构建", "旧数字 1", report)
    report.write_text(report.read_text(encoding="utf-8") + "\n## 表单批量填写\n\n别人的数字 7\n", encoding="utf-8")
    write_section("构建", "新数字 2", report)
    write_section("测试机器", "两核", report, first=True)
    text = report.read_text(encoding="utf-8")
    assert "旧数字" not in text and "新数字 2" in text and "别人的数字 7" in text
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == ["# 性能测试记录", "## 测试机器", "## 构建", "## 表单批量填写"]


def test_synthetic_documents_load_without_problems(tmp_path):
    project = project_copy(tmp_path / "project")
    real = len(regulation_files(project))
    added = add_synthetic_documents(project, real + 12)
    handbook, problems = load_handbook(project)
    assert added == 12
    assert handbook is not None, problems[:5]
    assert not [p for p in problems if p.severity == "error"]
    synthetic = [s.doc for s in handbook.structures if s.doc.id.startswith("synthetic-")]
    assert len(synthetic) == 12 and sorted(d.seq for d in synthetic) == list(range(1001, 1013))  # after the real contents
    assert len({d.title for d in handbook.documents}) == real + 12


def test_stopwatch_charges_nested_time_to_the_inner_stage():
    watch = Stopwatch()
    inner = watch.wrap("inner", lambda: time.sleep(0.05))

    def outer_body():
        time.sleep(0.02)
        inner()

    watch.wrap("outer", outer_body)()
    assert 0.045 <= watch.spent["inner"] < 0.2
    assert 0.015 <= watch.spent["outer"] < 0.045  # its own 0.02 s, not the inner 0.05 s
