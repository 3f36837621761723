"""Live preview, seen over HTTP as the browser sees it: edits appear, errors show on the page, the last good text stays."""

from __future__ import annotations

import re
import socket

import pytest

from support.preview_probe import Preview, fetch, wait_for

STARTUP = 120  # first full MkDocs build on a busy machine
UPDATE = 15  # generous for a loaded CI box; the measured figure (about 1 s) is in benchmarks/RESULTS.md


@pytest.fixture
def preview(mini_project):
    with Preview(mini_project) as running:
        wait_for(running.url("alpha.html"), lambda page: "本规则适用于测试会议" in page, STARTUP)
        yield running


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_saved_edit_appears_on_the_page(preview):
    alpha = preview.root / "regulations" / "alpha.yaml"
    edit(alpha, "本规则适用于测试会议。", "本规则适用于全部测试会议。")
    seconds = wait_for(preview.url("alpha.html"), lambda page: "本规则适用于全部测试会议。" in page, UPDATE)
    assert seconds < UPDATE
    assert "已更新" in preview.output()


def test_the_preview_searches_the_saved_text(preview):
    alpha = preview.root / "regulations" / "alpha.yaml"
    edit(alpha, "本规则适用于测试会议。", "本规则适用于测试会议和暗号会商。")
    wait_for(preview.url("search/core.js"), lambda script: "暗号" in script, UPDATE)


def test_yaml_error_shows_on_page_and_terminal_and_last_good_text_stays(preview):
    alpha = preview.root / "regulations" / "alpha.yaml"
    good = alpha.read_text(encoding="utf-8")
    edit(alpha, "  - title: 总则\n", "  - title: 总则: 错\n")
    page_url = preview.url("alpha.html")
    wait_for(page_url, lambda page: "源文件有错误" in page, UPDATE)
    page = fetch(page_url)
    assert "regulations/alpha.yaml:13:14: 错误：YAML 语法错误" in page
    assert "本规则适用于测试会议。" in page and "会议应当有半数以上成员到会方能召开" in page
    assert "regulations/alpha.yaml:13:14: 错误：YAML 语法错误" in preview.output()
    assert "坚持集体领导。" in fetch(preview.url("beta.html"))  # other pages keep being served
    alpha.write_text(good.replace("本规则适用于测试会议。", "本规则适用于修正后的测试会议。"), encoding="utf-8")
    wait_for(page_url, lambda page: "修正后的测试会议" in page and "源文件有错误" not in page, UPDATE)


def test_error_in_an_unseen_file_marks_the_home_page(preview):
    (preview.root / "regulations" / "gamma.yaml").write_text("id: gamma\n", encoding="utf-8")
    wait_for(preview.url("index.html"), lambda page: "源文件有错误" in page and "缺少必填字段" in page, UPDATE)


def test_new_title_reaches_the_menu_of_other_pages(preview):
    edit(preview.root / "regulations" / "alpha.yaml", "short_title: 测试会议规则", "short_title: 改名后的会议规则")
    wait_for(preview.url("beta.html"), lambda page: "改名后的会议规则" in page, UPDATE)


def test_stopping_the_preview_stops_its_server(preview):
    assert preview.stop() == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", preview.port), timeout=2).close()


def test_a_full_build_meanwhile_leaves_the_preview_alone(preview, mini_project):
    """The preview has a folder of its own: a build during it neither waits for it nor rewrites what it serves."""
    from handbook.pipeline import build_site

    served = mini_project / "build" / "serve" / "docs" / "alpha.md"
    before = served.read_bytes()
    build_site(mini_project, mini_project / "site")
    assert (mini_project / "site" / "alpha.html").is_file()
    assert served.read_bytes() == before
    assert "本规则适用于测试会议" in fetch(preview.url("alpha.html"))


def download(url: str) -> tuple[int, bytes]:
    import urllib.error
    import urllib.parse
    import urllib.request

    try:  # as a browser sends it: the path percent-encoded
        with urllib.request.urlopen(urllib.parse.quote(url, safe=":/"), timeout=STARTUP) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_downloads_are_made_when_asked_for_from_the_saved_text(preview):
    import io
    import urllib.parse
    import zipfile

    page = fetch(preview.url("index.html"))
    link = next(href for href in re.findall(r'href="([^"]*\.docx)"', page) if href.startswith("downloads/"))
    status, data = download(preview.url(link))
    assert status == 200
    text = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "本规则适用于测试会议。" in text
    edit(preview.root / "regulations" / "alpha.yaml", "本规则适用于测试会议。", "本规则适用于下载测试会议。")
    wait_for(preview.url("alpha.html"), lambda page: "下载测试会议" in page, UPDATE)
    status, data = download(preview.url(link))
    assert status == 200 and "下载测试会议" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert urllib.parse.unquote(link).endswith("测试汇编-2024.docx")


def test_a_download_of_broken_sources_says_why_in_chinese(preview):
    page = fetch(preview.url("index.html"))
    link = next(href for href in re.findall(r'href="([^"]*\.docx)"', page) if href.startswith("downloads/"))
    (preview.root / "regulations" / "gamma.yaml").write_text("id: gamma\n", encoding="utf-8")
    status, data = download(preview.url(link))
    assert status == 503
    assert data.decode("utf-8").startswith("源文件有错误，无法生成下载文件：") and "缺少必填字段" in data.decode("utf-8")
