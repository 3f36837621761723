"""python3 build.py import: Word and text files become regulations that pass check, nothing lost (issue 15).

The regulation-like sentences below are test text invented for these tests (never in regulations/).
"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from docx import Document

from support import seed
from handbook.errors import HandbookError
from handbook.importer import grammar, run, writer
from handbook.refs import Ref
from handbook.render.plain import document_lines
from handbook.sources import load_handbook
from import_helpers import add_numbering, cut_into_paragraphs, docx_file, numbered, with_header_and_footer

TITLE = "X区委办公室测试用车管理办法"
TYPED = [
    TITLE,
    "第一章　总　则",
    "第一条　为规范测试用车管理，制定本办法。",
    "第二条 本办法适用于测试车辆。",
    "第二章 管理",
    "第三条　测试车辆实行以下管理：",
    "（一）统一登记；",
    "（二）统一调度：",
    "1.工作日由值班员调度；",
    "2.节假日由带班领导调度。",
    "车辆出车前应当检查。",
    "第四条 违反本办法第二条的，予以通报。",
]
TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def project(tmp_path, project_copy):
    return project_copy(tmp_path / "project")


def auto_numbered_docx(path):
    """The same document as TYPED, numbered by Word: 第%1条 (chineseCounting) and （%1）, 1. (decimal)."""
    document = Document()
    add_numbering(document, 10, 21, [("chineseCounting", "第%1条", "space"),
                                     ("chineseCounting", "（%2）", "nothing"),
                                     ("decimal", "%3.", "nothing")])
    add_numbering(document, 11, 22, [("chineseCounting", "第%1章", "space")])
    document.add_paragraph(TITLE)
    numbered(document, "总　则", 22)
    numbered(document, "为规范测试用车管理，制定本办法。", 21)
    numbered(document, "本办法适用于测试车辆。", 21)
    numbered(document, "管理", 22)
    numbered(document, "测试车辆实行以下管理：", 21)
    numbered(document, "统一登记；", 21, 1)
    numbered(document, "统一调度：", 21, 1)
    numbered(document, "工作日由值班员调度；", 21, 2)
    numbered(document, "节假日由带班领导调度。", 21, 2)
    document.add_paragraph("车辆出车前应当检查。")
    numbered(document, "违反本办法第二条的，予以通报。", 21)
    document.save(str(path))
    return path


def imported(project, path, **options):
    options.setdefault("today", TODAY)
    return run.import_file(project, path, **options)


def test_typed_numbering_imports_into_chapters_articles_clauses_items(project, tmp_path):
    outcome = imported(project, docx_file(tmp_path / "typed.docx", TYPED), doc_id="test-vehicle")
    assert outcome.lossless and outcome.written, run.format_report(outcome)
    data = yaml.safe_load(outcome.path.read_text(encoding="utf-8"))
    assert data["kind"] == "rules" and data["title"] == TITLE
    assert [c["title"] for c in data["chapters"]] == ["总则", "管理"]
    first, second = data["chapters"][0]["articles"]
    assert first == "为规范测试用车管理，制定本办法。"
    assert second["key"] == "tiao-2" and second["text"] == "本办法适用于测试车辆。"
    third = data["chapters"][1]["articles"][0]
    assert third["clauses"][0]["text"] == "测试车辆实行以下管理："
    assert third["clauses"][0]["items"] == ["统一登记；", {"title": "统一调度：", "items": ["工作日由值班员调度；", "节假日由带班领导调度。"]}]
    assert third["clauses"][1] == "车辆出车前应当检查。"
    assert "原文" in run.format_report(outcome) and "一致" in run.format_report(outcome)
    handbook, problems = load_handbook(project)
    assert handbook is not None, [str(p) for p in problems if p.severity == "error"]


def test_word_auto_numbering_imports_exactly_like_typed_numbers(project, tmp_path):
    typed = imported(project, docx_file(tmp_path / "typed.docx", TYPED), doc_id="typed", write=False)
    auto = imported(project, auto_numbered_docx(tmp_path / "auto.docx"), doc_id="typed", write=False)
    assert auto.lossless, run.format_report(auto)
    assert "Word 自动编号 10 处" in auto.source_format
    assert auto.data == typed.data
    assert auto.source_chars == typed.source_chars


def test_references_become_links_and_ambiguous_ones_are_reported(project, tmp_path):
    lines = [TITLE, "第一条 总的要求。", "第二条 车辆管理。", "第三条 依照本办法第二条办理；第九十九条另行规定。",
             "第四条 参照《X区委办公室公文管理制度》办理，依照前款执行。"]
    outcome = imported(project, docx_file(tmp_path / "refs.docx", lines), doc_id="refs-test")
    assert outcome.written, run.format_report(outcome)
    data = yaml.safe_load(outcome.path.read_text(encoding="utf-8"))
    assert data["articles"][1] == {"key": "tiao-2", "text": "车辆管理。"}
    assert data["articles"][2] == "依照本办法[[tiao-2]]办理；第九十九条另行规定。"
    assert data["articles"][3].startswith("参照[[document-management|《X区委办公室公文管理制度》]]")
    handbook, _ = load_handbook(project)
    target = handbook.index.resolve(Ref("tiao-2", None), "refs-test")
    built = next(s for s in handbook.structures if s.doc.id == "refs-test")
    article = next(e for e in built.walk() if e.id == target.anchor)
    assert article.label == "第二条" and article.children[0].text == "车辆管理。"
    assert target.label == "第二条"
    report = run.format_report(outcome)
    assert "「第九十九条」保留为文字：本文件只有 4 条" in report
    assert "「前款」保留为文字" in report


def test_reference_link_is_a_working_link_on_the_built_page(project, tmp_path):
    from handbook.pipeline import build_site

    lines = [TITLE, "第一条 总的要求。", "第二条 车辆管理。", "第三条 依照本办法第二条办理。"]
    imported(project, docx_file(tmp_path / "refs.docx", lines), doc_id="refs-test")
    out = tmp_path / "site"
    build_site(project, out, build_dir=tmp_path / "build")
    html = next(p for p in out.rglob("*.html") if "refs-test" in str(p)).read_text(encoding="utf-8")
    assert 'id="tiao-2"' in html and 'href="#tiao-2"' in html


def test_table_becomes_paragraphs_in_place(project, tmp_path):
    document = Document()
    for text in (TITLE, "一、车辆", "登记表如下："):
        document.add_paragraph(text)
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([("车号", "型号", "驾驶员"), ("001", "轿车", "张三")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph("二、调度")
    document.save(str(tmp_path / "table.docx"))
    outcome = imported(project, tmp_path / "table.docx", doc_id="table-test", write=False)
    assert outcome.lossless, run.format_report(outcome)
    body = outcome.data["body"]
    assert body[0]["title"] == "车辆" and body[0]["text"] == "登记表如下："
    assert body[1:3] == [{"p": "车号\u3000型号\u3000驾驶员"}, {"p": "001\u3000轿车\u3000张三"}]
    assert "表格（2 行 3 列）已逐行录为段落" in run.format_report(outcome)
    assert '"001' in outcome.yaml_text or "001\u3000" in outcome.yaml_text


def test_header_footer_and_page_numbers_are_left_out(project, tmp_path):
    document = Document()
    with_header_and_footer(document, "内部资料 注意保密")
    for text in (TITLE, "第一条 总的要求。"):
        document.add_paragraph(text)
    document.save(str(tmp_path / "hf.docx"))
    outcome = imported(project, tmp_path / "hf.docx", doc_id="hf-test", write=False)
    assert outcome.lossless
    assert "内部资料" not in outcome.yaml_text and "—" not in outcome.yaml_text
    assert outcome.source_chars == len(seed.normalise(TITLE + "第一条总的要求。"))


def test_number_issuer_and_date_lines_are_kept(project, tmp_path):
    lines = [TITLE, "X区委办发〔2019〕12号", "中共X区委员会办公室", "2019年10月23日", "第一条 总的要求。"]
    outcome = imported(project, docx_file(tmp_path / "head.docx", lines), doc_id="head-test", write=False)
    assert outcome.lossless, run.format_report(outcome)
    assert outcome.data["imprint"] == "X区委办发〔2019〕12号 中共X区委员会办公室 2019年10月23日"
    assert outcome.data["issuer"] == "中共X区委员会办公室"
    assert outcome.data["issued"] == dt.date(2019, 10, 23)
    assert outcome.data["history"] == [{"date": dt.date(2019, 10, 23), "number": "X区委办发〔2019〕12号", "change": "印发"}]


def test_gbk_text_file_with_page_number_lines(project, tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("\r\n".join(TYPED[:4] + ["- 2 -"] + TYPED[4:]).encode("gbk"))
    typed = imported(project, docx_file(tmp_path / "typed.docx", TYPED), doc_id="typed", write=False)
    outcome = imported(project, path, doc_id="typed", write=False)
    assert outcome.source_format == "GBK 文本"
    assert outcome.lossless and outcome.data == typed.data
    assert "第 5 行：已略去页码行「- 2 -」" in run.format_report(outcome)


def test_the_round_trip_check_catches_a_dropped_paragraph(project, tmp_path, monkeypatch):
    original = grammar._Rules.paragraph

    def dropping(self, token):
        if token.rest == "车辆出车前应当检查。":
            return  # a defect that loses a paragraph
        original(self, token)

    monkeypatch.setattr(grammar._Rules, "paragraph", dropping)
    path = docx_file(tmp_path / "typed.docx", TYPED)
    outcome = imported(project, path, doc_id="dropped")
    assert not outcome.lossless and not outcome.written
    assert not (project / "regulations" / "dropped.yaml").exists()
    report = run.format_report(outcome)
    assert "第 11 行：原文「车辆出车前应当检查。」，导入「（无）」" in report and "未写入" in report
    with pytest.raises(HandbookError):
        run.write_outcome(project, outcome)


def test_into_fills_a_pending_entry_keeping_id_category_page_and_history(project, tmp_path):
    target = project / "regulations" / "official-vehicle-rules.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "history:\n  - date: 2020-01-02\n    change: 列入目录\n",
                      encoding="utf-8")
    lines = ["X区委办公室公务用车管理制度", "第一条 总的要求。", "第二条 车辆管理。"]
    outcome = imported(project, docx_file(tmp_path / "vehicle.docx", lines), into="official-vehicle-rules")
    assert outcome.written, run.format_report(outcome)
    handbook, problems = load_handbook(project)
    assert handbook is not None, [str(p) for p in problems]
    doc = next(s.doc for s in handbook.structures if s.doc.id == "official-vehicle-rules")
    assert (doc.kind, doc.category, doc.seq, doc.source_page, doc.status) == ("rules", "财务与后勤", 45, 100, "现行")
    assert doc.title == "X区委办公室公务用车管理制度" and doc.short_title == "公务用车管理制度"
    assert [(h.date, h.change) for h in doc.history] == [(dt.date(2020, 1, 2), "列入目录"), (TODAY, "据原件录入")]
    assert doc.note is None


def test_into_refuses_to_overwrite_a_document_with_text(project, tmp_path):
    path = docx_file(tmp_path / "x.docx", ["X区委办公室公文管理制度", "一、总则"])
    with pytest.raises(HandbookError, match="已有正文"):
        imported(project, path, into="document-management")
    assert "document-management" in (project / "regulations" / "document-management.yaml").read_text(encoding="utf-8")


def test_title_of_a_pending_entry_finds_it_without_into(project, tmp_path):
    lines = ["中共X区委办公室公务用车管理制度", "第一条 总的要求。"]
    outcome = imported(project, docx_file(tmp_path / "v.docx", lines))
    assert outcome.doc_id == "official-vehicle-rules" and outcome.written


def test_split_cuts_three_seed_documents_at_their_titles(project, tmp_path, handbook):
    slices = seed.document_slices(seed.read_body())
    paragraphs = []
    for seq in (2, 4, 14):
        hand = next(s for s in handbook.structures if s.doc.seq == seq)
        paragraphs += cut_into_paragraphs(slices[seq], document_lines(hand, handbook.index), hand.doc.corrections)
    path = tmp_path / "three.txt"
    path.write_text("\n".join(paragraphs), encoding="utf-8")
    result = run.import_split(project, path, force=True, today=TODAY)
    assert [o.doc_id for o in result.outcomes] == ["zhuren-meeting-rules", "document-management", "general-office-rules"]
    assert all(o.lossless and o.written for o in result.outcomes)
    assert [no for no, _ in result.unmatched] == [], result.unmatched
    assert load_handbook(project)[0] is not None


def test_split_lists_titles_that_match_no_entry(project, tmp_path):
    lines = ["X区委办公室公务用车管理制度", "第一条 总的要求。", "X区委办公室食堂管理制度", "第一条 用餐要求。"]
    path = tmp_path / "two.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = run.import_split(project, path, write=False)
    assert [o.doc_id for o in result.outcomes] == ["official-vehicle-rules"]
    assert result.unmatched == [(3, "X区委办公室食堂管理制度")]
    assert "不在汇编目录中" in run.format_split(result)


@pytest.mark.parametrize("text", ["0017", "yes", "2019-10", "2019-10-23", "~", "null", "1e3", "on", "3.0", "- 列表", "a: b"])
def test_yaml_writer_keeps_strings_as_strings(text):
    data = {"id": "x", "kind": "outline", "body": [text, {"p": text}]}
    assert yaml.safe_load(writer.document_yaml(data, "t"))["body"] == [text, {"p": text}]


def test_cli_import_dry_run_prints_the_report(tmp_path, capsys):
    from handbook.cli import main

    path = docx_file(tmp_path / "typed.docx", TYPED)
    assert main(["import", str(path), "--id", "cli-test", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"导入《{TITLE}》" in out and "一致" in out and "未写入" in out


def test_cli_import_unknown_title_asks_for_an_id(tmp_path, capsys):
    from handbook.cli import main

    path = docx_file(tmp_path / "typed.docx", TYPED)
    assert main(["import", str(path), "--dry-run"]) == 1
    assert "请用 --id 指定" in capsys.readouterr().err


def test_flowchart_and_form_entries_are_never_overwritten(project, tmp_path):
    path = docx_file(tmp_path / "flow.docx", ["中共X区委办公室发文流程图", "拟稿", "审核"])
    with pytest.raises(HandbookError, match="流程图"):
        imported(project, path, into="outgoing-document-flow", force=True)


def test_a_file_with_only_a_title_is_not_written(project, tmp_path):
    path = docx_file(tmp_path / "title.docx", ["X区委办公室公务用车管理制度"])
    with pytest.raises(HandbookError, match="只有标题"):
        imported(project, path)
    assert "kind: pending" in (project / "regulations" / "official-vehicle-rules.yaml").read_text(encoding="utf-8")


def test_word_numbering_from_a_paragraph_style_and_restarted_instances(project, tmp_path):
    """Articles numbered by a paragraph style; the items of each article are a new list instance
    (w:num with a start override) of one definition, so they restart at （一）."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = Document()
    add_numbering(document, 40, 51, [("chineseCounting", "第%1条", "nothing")])
    add_numbering(document, 41, 61, [("chineseCounting", "（%1）", "nothing")])
    root = document.part.numbering_part.element
    root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="62"><w:abstractNumId w:val="41"/>'
                          '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))
    style = document.styles.add_style("TiaoStyle", WD_STYLE_TYPE.PARAGRAPH)
    style.element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="51"/></w:numPr>'))
    document.add_paragraph(TITLE)
    document.add_paragraph("车辆分为：", style="TiaoStyle")
    numbered(document, "轿车；", 61)
    numbered(document, "客车。", 61)
    document.add_paragraph("驾驶员应当：", style="TiaoStyle")
    numbered(document, "持证上岗；", 62)
    numbered(document, "安全驾驶。", 62)
    document.save(str(tmp_path / "styled.docx"))
    outcome = imported(project, tmp_path / "styled.docx", doc_id="styled", write=False)
    assert outcome.lossless, run.format_report(outcome)
    assert outcome.data["articles"] == [{"text": "车辆分为：", "items": ["轿车；", "客车。"]},
                                        {"text": "驾驶员应当：", "items": ["持证上岗；", "安全驾驶。"]}]
    assert not [note for _, note in outcome.notes if "编号" in note]


def test_numbering_gaps_and_repeats_are_reported_with_their_line(project, tmp_path):
    lines = [TITLE, "第一条 总的要求。", "第二条 车辆管理：", "（一）登记；", "（三）调度。", "第五条 附则。", "第五条 施行。"]
    outcome = imported(project, docx_file(tmp_path / "gaps.docx", lines), doc_id="gaps", write=False)
    assert outcome.notes == [(5, "编号不连续：（一）之后是（三）（已按顺序重新编号）"),
                             (6, "编号不连续：第二条之后是第五条（已按顺序重新编号）"),
                             (7, "编号重复：第五条之后又是第五条（已按顺序重新编号）")]
    assert outcome.lossless, "编号按生成的算，文字仍应一致"
    assert "注意：第 6 行：编号不连续：第二条之后是第五条" in run.format_report(outcome)
    chapters = [TITLE, "第一章 总则", "第一条 甲。", "第三章 附则", "第二条 乙。"]
    outcome = imported(project, docx_file(tmp_path / "ch.docx", chapters), doc_id="gaps", write=False)
    assert outcome.notes == [(4, "编号不连续：第一章之后是第三章（已按顺序重新编号）")]


def test_run_together_text_is_cut_only_at_the_expected_next_number(project, tmp_path):
    """One line, as text copied out of a PDF: cut before 第二条 … but not inside 违反本办法第三条的."""
    text = (TITLE + "第一章 总则第一条 为规范测试用车管理，结合工作实际，制定本办法，请各科室认真遵照执行。"
            "第二条 违反本办法第三条的，依照第三条处理；用车提前1天申请，单次费用在10万元以内。"
            "第三条 测试车辆实行以下管理：（一）统一登记；（二）统一调度。第二章 附则第四条 本办法自印发之日起施行。")
    path = tmp_path / "flat.txt"
    path.write_text(text, encoding="utf-8")
    outcome = imported(project, path, doc_id="flat", write=False)
    assert outcome.lossless and not outcome.notes, run.format_report(outcome)
    chapters = outcome.data["chapters"]
    assert [c["title"] for c in chapters] == ["总则", "附则"]
    articles = chapters[0]["articles"]
    assert len(articles) == 3 and chapters[1]["articles"] == ["本办法自印发之日起施行。"]
    assert articles[1] == "违反本办法[[tiao-3]]的，依照[[tiao-3]]处理；用车提前1天申请，单次费用在10万元以内。"
    assert articles[2]["items"] == ["统一登记；", "统一调度。"]


def test_a_paragraph_citing_the_next_article_stays_one_paragraph(project, tmp_path):
    lines = [TITLE, "第一条 依照第二条办理。", "第二条 车辆管理。"]
    outcome = imported(project, docx_file(tmp_path / "cite.docx", lines), doc_id="cite", write=False)
    assert outcome.data["articles"][0] == "依照[[tiao-2]]办理。" and not outcome.notes


def test_citations_of_other_handbook_documents_link_to_their_articles(project, tmp_path):
    lines = [TITLE,
             "第一条 到会人数依照《X区委办公室室务会会议议事决策规则》第十六条执行。",
             "第二条 参照《X区委办公室公文管理制度》第三条办理。",
             "第三条 按《中华人民共和国测试法》和第二条的规定办理。"]
    outcome = imported(project, docx_file(tmp_path / "other.docx", lines), doc_id="other-refs")
    assert outcome.written, run.format_report(outcome)
    data = yaml.safe_load(outcome.path.read_text(encoding="utf-8"))
    assert data["articles"][0] == ("到会人数依照[[shiwuhui-rules#quorum|《X区委办公室室务会会议议事决策规则》第十六条]]执行。")
    assert data["articles"][1] == "参照[[document-management|《X区委办公室公文管理制度》]]第三条办理。"
    assert data["articles"][2] == "按《中华人民共和国测试法》和第二条的规定办理。"
    report = run.format_report(outcome)
    assert "「《X区委办公室公文管理制度》第三条」保留为文字：已链接到文件；该文件中这一条没有键" in report
    assert "「第二条」保留为文字：同一句中提到了其他文件" in report
    handbook, _ = load_handbook(project)
    target = handbook.index.resolve(Ref("shiwuhui-rules#quorum", None), "other-refs")
    assert target.anchor == "quorum" and target.page.startswith("shiwuhui-rules")


def test_a_number_that_would_change_its_style_is_a_difference(project, tmp_path):
    """一、 items, a free paragraph, then 1. items at the top: the model cannot number that list 1., so
    the import must not pass as faithful (the text alone would match)."""
    lines = [TITLE, "一、车辆登记。", "二、车辆调度。", "以下为补充规定。", "1.补充甲。", "2.补充乙。"]
    outcome = imported(project, docx_file(tmp_path / "styles.docx", lines), doc_id="styles", write=False)
    assert not outcome.lossless
    assert any(d.source == "编号 1." for d in outcome.differences), run.format_report(outcome)
