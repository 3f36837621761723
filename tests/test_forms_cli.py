"""python3 build.py fill: example data, one form, a batch with a bad row, blank forms for the site."""

from __future__ import annotations

import csv
import io

import docx
import pytest
import yaml
from forms_helpers import FORM_IDS, ROOT, form, texts_by_tag

from handbook.forms.cli import main
from handbook.forms.example import example_csv
from handbook.forms.output import file_name, write_blank_forms


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_example_is_a_complete_record_that_fills_the_form(form_id, capsys, tmp_path):
    code, out, _ = run(capsys, form_id, "--example")
    assert code == 0
    record = yaml.safe_load(out)
    required = {f.id for f in form(form_id).fields if f.required}
    assert required <= set(record)
    assert f"# {form(form_id).fields[0].label}" in out  # every field is explained in a comment
    data = tmp_path / "record.yaml"
    data.write_text(out, encoding="utf-8")
    target = tmp_path / "out" / "filled.docx"
    code, out, err = run(capsys, form_id, "--data", str(data), "-o", str(target))
    assert (code, err) == (0, "")
    assert "已生成" in out
    docx.Document(str(target))


def notice_rows(count: int) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(example_csv(form("meeting-notice")))))
    out = []
    for n in range(1, count + 1):
        row = dict(rows[0])
        row["meeting_name"] = f"第{n}次保密工作会议"
        out.append(row)
    return out


def write_csv(path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_batch_with_one_bad_row_writes_the_others_and_names_the_row(capsys, tmp_path):
    rows = notice_rows(4)
    rows[2]["meeting_date"] = "2019-02-30"  # spreadsheet row 4; the agenda's line breaks put it on line 8 of the file
    data = tmp_path / "通知.csv"
    write_csv(data, rows)
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "meeting-notice", "--data", str(data), "--out-dir", str(out_dir))
    assert code == 1
    assert "第 4 行（文件第 8 行） 字段 meeting_date（会议日期）：「2019-02-30」不是有效日期" in err
    assert "通知.csv:8:3:" in err  # line 8, the meeting_date column
    assert "共 4 条记录：生成 3 份，1 条有误未生成" in out
    written = sorted(p.name for p in out_dir.iterdir())
    assert written == ["0001-第1次保密工作会议.docx", "0002-第2次保密工作会议.docx", "0004-第4次保密工作会议.docx"]
    filled = (out_dir / written[1]).read_bytes()
    assert texts_by_tag(filled)["meeting_name"] == ["第2次保密工作会议"]


def test_yaml_batch_reports_the_record_and_its_line(capsys, tmp_path):
    records = [{"unit": "秘书一室", "documents": [{"title": "甲", "classification": "秘密", "copies": 1}],
                "period": {"start": "2019-10-21", "end": "2019-10-25"}, "borrower": "张明", "purpose": "参阅"}] * 2
    records = [dict(records[0]), dict(records[1], period={"start": "2019-10-25", "end": "2019-10-21"})]
    data = tmp_path / "slips.yaml"
    data.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    code, out, err = run(capsys, "lending-slip", "--data", str(data), "--out-dir", str(tmp_path / "out"),
                         "--name", "借阅单-{n}")
    assert code == 1
    line = next(i for i, text in enumerate(data.read_text(encoding="utf-8").splitlines(), start=1)
                if "end: '2019-10-21'" in text or "end: 2019-10-21" in text)
    assert f"slips.yaml:{line}:" in err and "第 2 条记录" in err and "period.end" in err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["借阅单-1.docx"]


def test_a_bad_single_record_writes_nothing(capsys, tmp_path):
    data = tmp_path / "leave.yaml"
    data.write_text("name: 李华\nleave_type: 旅游假\n", encoding="utf-8")
    target = tmp_path / "leave.docx"
    code, _, err = run(capsys, "leave-approval", "--data", str(data), "-o", str(target))
    assert code == 1 and not target.exists()
    assert "leave.yaml:2:13: 错误：字段 leave_type（请假类别）：「旅游假」不在可选项中" in err
    assert "字段 department（科室）：必填，不能为空" in err


def test_csv_with_unknown_column_is_refused_before_any_row(capsys, tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("meeting_name,colour\n会议,red\n", encoding="utf-8")
    code, out, err = run(capsys, "meeting-notice", "--data", str(data), "--out-dir", str(tmp_path / "out"))
    assert code == 1 and "未知的列「colour」" in err and "生成 0 份" in out


def test_gbk_csv_from_excel_is_read(capsys, tmp_path):
    data = tmp_path / "excel.csv"
    data.write_bytes(example_csv(form("meeting-notice")).encode("gb18030"))
    code, _, err = run(capsys, "meeting-notice", "--data", str(data), "--out-dir", str(tmp_path / "out"))
    assert (code, err.strip().splitlines()[-1] if err.strip() else "") in ((0, ""), (0, "填写进度 1/1（100%）"))


def test_unknown_form_and_bad_arguments_speak_chinese(capsys):
    code, _, err = run(capsys, "no-such-form", "--example")
    assert code == 1 and "没有表格「no-such-form」" in err
    assert main(["meeting-notice"]) == 1
    assert "错误：" in capsys.readouterr().err
    assert main(["meeting-notice", "--help"]) == 0
    assert "--example" in capsys.readouterr().out


def test_file_names_stay_inside_the_output_directory():
    values = {"meeting_name": "../../etc/passwd: <会议>|\\*?"}
    name = file_name("{n:04d}-{meeting_name}", 7, values)
    assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert name == "0007-.._.._etc_passwd_ _会议_.docx"
    assert file_name("{meeting_name}", 1, {"meeting_name": "../x"}) == "_x.docx"
    assert file_name("{meeting_name}", 3, {"meeting_name": "CON"}) == "_CON.docx"
    assert file_name("{meeting_name}", 3, {}) == "3.docx"


def test_duplicate_names_get_a_suffix(capsys, tmp_path):
    data = tmp_path / "same.csv"
    write_csv(data, notice_rows(2))
    code, _, _ = run(capsys, "meeting-notice", "--data", str(data), "--out-dir", str(tmp_path / "out"),
                     "--name", "通知")
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["通知-2.docx", "通知.docx"]


def test_bad_name_pattern_is_refused(capsys, tmp_path):
    data = tmp_path / "one.csv"
    write_csv(data, notice_rows(1))
    assert main(["meeting-notice", "--data", str(data), "--out-dir", str(tmp_path), "--name", "{attendees}"]) == 1
    assert "不是本表的单值字段" in capsys.readouterr().err


def test_blank_forms_for_the_site(tmp_path):
    written = write_blank_forms(tmp_path / "downloads")
    assert sorted(p.name for p in written) == sorted(f"{f}{kind}.docx" for f in FORM_IDS for kind in ("", "-print"))
    for path in written:
        document = docx.Document(str(path))
        assert document.tables
    again = write_blank_forms(tmp_path / "again")
    assert [p.read_bytes() for p in written] == [p.read_bytes() for p in again]


def project_with_template(tmp_path, form_id: str, template: bytes):
    import shutil

    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    target = tmp_path / "templates" / "forms" / f"{form_id}.docx"
    target.parent.mkdir(parents=True)
    target.write_bytes(template)
    return tmp_path


def test_a_broken_or_edited_template_fails_with_a_chinese_message(tmp_path):
    from handbook.errors import HandbookError
    from handbook.forms.output import fill_one

    notice = form("meeting-notice")
    root = project_with_template(tmp_path / "a", "meeting-notice", b"not a zip")
    with pytest.raises(HandbookError, match="不是有效的 Word 文档"):
        fill_one(root, notice, None, tmp_path / "x.docx")
    original = (ROOT / "templates" / "forms" / "meeting-notice.docx").read_bytes()
    edited = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(edited, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":  # a member of staff typed a variable the form lacks
                data = data.replace("{{ place }}".encode(), "{{ venue }}".encode())
            target.writestr(info, data)
    root = project_with_template(tmp_path / "b", "meeting-notice", edited.getvalue())
    with pytest.raises(HandbookError, match="模板标记有误：'venue' is undefined"):
        fill_one(root, notice, None, tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()


def test_an_output_directory_that_is_a_file_is_reported(capsys, tmp_path):
    data = tmp_path / "one.csv"
    write_csv(data, notice_rows(1))
    blocker = tmp_path / "occupied"
    blocker.write_text("")
    code, _, err = run(capsys, "meeting-notice", "--data", str(data), "--out-dir", str(blocker))
    assert code == 1 and "错误：无法写入" in err


def test_a_yaml_list_of_non_records_is_reported_not_raised(capsys, tmp_path):
    data = tmp_path / "odd.yaml"
    data.write_text("- 就一句话\n- [1, 2]\n", encoding="utf-8")
    code, out, err = run(capsys, "meeting-notice", "--data", str(data), "--out-dir", str(tmp_path / "out"))
    assert code == 1
    assert "odd.yaml:1:3: 错误：第 1 条记录（第 1 行） 每条记录应为「字段: 值」的映射" in err
    assert "生成 0 份，2 条有误未生成" in out



def test_filled_forms_are_readable_by_everyone(tmp_path):
    from handbook.forms.cli import main

    data = tmp_path / "rec.yaml"
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()) as printed:
        assert main(["meeting-notice", "--example"]) == 0
    data.write_text(printed.getvalue(), encoding="utf-8")
    out = tmp_path / "out.docx"
    assert main(["meeting-notice", "--data", str(data), "-o", str(out)]) == 0
    assert out.stat().st_mode & 0o777 == 0o644
