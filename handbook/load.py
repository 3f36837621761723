"""Read YAML sources safely, remembering where every value came from.

Only plain YAML data is accepted (no language-specific tags); files, nesting and
alias expansion are bounded so a hostile file fails fast with a clear message.
Validation errors are translated to Chinese and pointed at file:line:column.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from .errors import Problem, display_path
from .text import shorten

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 200_000

Path_ = tuple  # a path into the data: ("chapters", 0, "articles", 3)


@dataclass
class Source:
    """One YAML file's data plus the position of every value and key in it."""

    path: Path
    shown: str  # path as printed in messages
    data: Any = None
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    # plain scalars YAML 1.1 reads as something other than text (0017, yes, 2019-10, 1:20): their typed text
    raw: dict[Path_, str] = field(default_factory=dict)

    def where(self, loc: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at loc, or of its nearest known parent."""
        loc = tuple(loc)
        table = self.keys if key else self.values
        while loc:
            if loc in table:
                return table[loc]
            if key and loc in self.values:
                return self.values[loc]
            loc = loc[:-1]
        return self.values.get((), (1, 1))

    def problem(self, loc: Path_, message: str, *, key: bool = False, severity: str = "error",
                hint: str | None = None) -> Problem:
        line, column = self.where(loc, key=key)
        return Problem(self.shown, line, column, message, severity, hint)


class _Limits(Exception):
    def __init__(self, message: str, mark: yaml.Mark | None):
        super().__init__(message)
        self.message = message
        self.mark = mark


def _pos(mark: yaml.Mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader, stopping at the first value nested too deep (not after recursing a thousand levels)."""

    depth = 0

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH + 1:
                raise _Limits(f"嵌套层次过深（超过 {MAX_DEPTH} 层）", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def compose_scalar_node(self, anchor):
        event = self.peek_event()
        if event.tag not in (None, "!"):  # an explicit tag such as !!binary, !!int, !!python/…
            raise _Limits(f"不支持 YAML 标签「{event.tag}」", event.start_mark)
        return super().compose_scalar_node(anchor)


_TEXT_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"


class _Builder:
    """Turns a composed YAML node tree into plain Python data with positions."""

    def __init__(self, source: Source):
        self.source = source
        self.constructor = yaml.constructor.SafeConstructor()
        self.count = 0

    def build(self, node: yaml.Node, loc: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _Limits(f"文件内容过多（超过 {MAX_NODES} 个值），可能是别名（&/*）被反复展开", node.start_mark)
        if depth > MAX_DEPTH:
            raise _Limits(f"嵌套层次过深（超过 {MAX_DEPTH} 层）", node.start_mark)
        self.source.values[loc] = _pos(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise _Limits(f"不支持的 YAML 标签：{node.tag}", node.start_mark)
            return [self.build(child, loc + (i,), depth + 1) for i, child in enumerate(node.value)]
        if node.style is None and node.tag not in (_TEXT_TAG, _NULL_TAG):
            self.source.raw[loc] = node.value
        try:
            return self.constructor.construct_object(node)
        except yaml.constructor.ConstructorError as error:
            if node.style is None and node.tag == "tag:yaml.org,2002:value":  # a plain 「=」 is text
                return node.value
            raise _Limits(f"不支持的 YAML 值或标签：{node.tag}", node.start_mark) from error
        except (ValueError, OverflowError):  # e.g. an impossible date such as 2019-02-30: kept as typed
            return node.value

    def _mapping(self, node: yaml.MappingNode, loc: Path_, depth: int) -> dict:
        if node.tag != "tag:yaml.org,2002:map":
            raise _Limits(f"不支持的 YAML 标签：{node.tag}", node.start_mark)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Limits("不支持 YAML 合并键（<<）", key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Limits("字段名必须是简单文字", key_node.start_mark)
            name = str(key_node.value)
            if name in result:
                line, _ = self.source.keys[loc + (name,)]
                raise _Limits(f"字段「{name}」重复出现（第 {line} 行已有）", key_node.start_mark)
            self.source.keys[loc + (name,)] = _pos(key_node.start_mark)
            result[name] = self.build(value_node, loc + (name,), depth + 1)
        return result


class UnreadableFile(Exception):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


def read_text_file(path: Path, root: Path | None = None, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most limit bytes; raises UnreadableFile with a Chinese message.

    A device, FIFO or socket is refused before it is read (opening a FIFO does not wait for a
    writer), a symlink must stay inside root, and the limit counts the bytes actually read, since
    st_size of /dev/zero or of a growing file says nothing.
    """
    if root is not None and path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except FileNotFoundError:
            raise UnreadableFile("这是指向不存在文件的符号链接") from None
        except (OSError, RuntimeError):
            raise UnreadableFile("这是循环的符号链接（指向自己）") from None
        if not target.is_relative_to(root.resolve()):
            raise UnreadableFile("这是指向项目之外的符号链接，不予读取", "把文件本身复制到项目中")
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        _refuse_special(os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UnreadableFile("文件不存在（或是指向不存在文件的符号链接）") from None
    except IsADirectoryError:
        raise UnreadableFile("这是一个文件夹，不是文件") from None
    except PermissionError:
        raise UnreadableFile("没有读取这个文件的权限") from None
    except OSError as error:
        raise UnreadableFile(f"无法读取文件（{os_reason(error)}）") from None
    try:
        _refuse_special(os.fstat(fd).st_mode)  # it may have been swapped since
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnreadableFile(f"文件过大（超过 {limit // 1024} KB）")
        return b"".join(chunks)
    except OSError as error:
        raise UnreadableFile(f"无法读取文件（{os_reason(error)}）") from None
    finally:
        os.close(fd)


def ignored_yaml_files(folder: Path, root: Path | None = None) -> list[Problem]:
    """A warning for each file in folder that looks like YAML but is not read (only *.yaml is)."""
    looks_like = re.compile(r"\.ya?ml(\W|$)", re.IGNORECASE)
    found = []
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        if path.name.startswith((".", "_")) or path.name.endswith(".yaml") or not looks_like.search(path.name):
            continue
        found.append(Problem(display_path(path, root), 1, 1, f"文件「{path.name}」不会被读取：只读取以 .yaml 结尾的文件",
                             "warning", "若是要用的文件，请改名为 小写字母.yaml；若是备份，请移出这个文件夹"))
    return found


def _refuse_special(mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise UnreadableFile("这是一个文件夹，不是文件")
    if not stat.S_ISREG(mode):
        raise UnreadableFile("这不是普通文件（是设备、管道或套接字），不予读取", "删除它，或换成普通的 YAML 文件")


_OS_REASONS = {
    "ENOENT": "文件或文件夹不存在", "EACCES": "没有权限", "EPERM": "没有权限", "EISDIR": "这是一个文件夹",
    "ENOTDIR": "路径中的某一段不是文件夹", "ENOSPC": "磁盘空间已满", "EDQUOT": "磁盘配额已满",
    "EROFS": "磁盘是只读的", "EEXIST": "已存在同名文件", "ENAMETOOLONG": "文件名过长", "EIO": "读写设备出错",
    "ELOOP": "符号链接循环", "EMFILE": "打开的文件过多", "ENFILE": "打开的文件过多", "EBUSY": "文件正被占用",
    "ENOTEMPTY": "文件夹不是空的", "EXDEV": "不能跨磁盘移动", "EADDRINUSE": "端口已被占用",
    "EADDRNOTAVAIL": "本机没有这个地址", "EFBIG": "文件过大",
}


def os_reason(error: OSError) -> str:
    """The Chinese reason for an operating-system error (never the English strerror)."""
    import errno

    name = errno.errorcode.get(error.errno or 0, "")
    return _OS_REASONS.get(name, f"系统错误 {name or error.errno}")


def parse_yaml(path: Path, root: Path | None = None, text: str | None = None,
               keep_text: bool = False) -> tuple[Source, list[Problem]]:
    """Parse one YAML file. Returns the source and any problems (data is None on failure).

    keep_text: every plain scalar stays the text typed (for data whose types the reader decides,
    such as fill records); otherwise source.raw remembers that text for validate().
    """
    source = Source(path=path, shown=display_path(path, root))
    try:
        if text is None:
            text = read_text_file(path, root).decode("utf-8")
    except UnicodeDecodeError as error:
        return source, [Problem(source.shown, 1, 1, f"文件不是 UTF-8 编码（第 {error.start} 字节）", hint="请用 UTF-8 保存")]
    except UnreadableFile as error:
        return source, [Problem(source.shown, 1, 1, error.message, hint=error.hint)]
    try:
        node = yaml.compose(text, Loader=_BoundedLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = _pos(mark) if mark else (1, 1)
        reason = _yaml_reason(error)
        hint = "检查缩进（用空格，不用 Tab）、冒号后的空格和引号是否成对"
        if reason is None:  # keep the parser's own words for whoever has to dig deeper
            reason, hint = "这里的写法无法识别", f"{hint}（解析器原文：{error.problem or error}）"
        return source, [Problem(source.shown, line, column, f"YAML 语法错误：{reason}", hint=hint)]
    except yaml.reader.ReaderError as error:  # a control character: no mark, only a position in the text
        line = text.count("\n", 0, error.position) + 1
        column = error.position - text.rfind("\n", 0, error.position)
        return source, [Problem(source.shown, line, column, f"文件中有不允许出现的控制字符（U+{error.character:04X}）",
                                hint="删除这个看不见的字符；它常随从其他软件复制的文字一起粘贴进来")]
    except yaml.YAMLError as error:
        return source, [Problem(source.shown, 1, 1, f"YAML 语法错误：{error}")]
    except _Limits as error:
        return source, [Problem(source.shown, *(_pos(error.mark) if error.mark else (1, 1)), error.message)]
    except RecursionError:
        return source, [Problem(source.shown, 1, 1, f"嵌套层次过深（超过 {MAX_DEPTH} 层）")]
    if node is None:
        return source, [Problem(source.shown, 1, 1, "文件是空的")]
    try:
        source.data = _Builder(source).build(node, (), 0)
    except _Limits as error:
        line, column = _pos(error.mark) if error.mark else (1, 1)
        return source, [Problem(source.shown, line, column, error.message)]
    if keep_text:
        source.data = as_typed(source)
    return source, []


def as_typed(source: Source) -> Any:
    """The data with every plain scalar as the text typed, so the model (not YAML 1.1) decides its type:
    0017 stays 「0017」 in a text field and is 17 in a number field; yes is 「yes」 unless a yes/no is wanted."""
    if not source.raw:
        return source.data

    def walk(value: Any, loc: Path_) -> Any:
        if loc in source.raw:
            return source.raw[loc]
        if isinstance(value, dict):
            return {k: walk(v, loc + (k,)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, loc + (i,)) for i, v in enumerate(value)]
        return value

    return walk(source.data, ())


_YAML_REASONS = {
    "found character '\\t' that cannot start any token": "出现了 Tab 字符，YAML 缩进只能用空格",
    "mapping values are not allowed here": "这里不能出现「: 」（若文字中有冒号加空格，请给整段文字加引号）",
    "could not find expected ':'": "缺少「: 」",
    "found undefined alias": "引用了未定义的别名",
    "expected <block end>, but found '-'": "列表项「-」的缩进与上文不一致",
    "found unexpected end of stream": "文件意外结束（引号或括号没有闭合？）",
    "found unknown escape character": "双引号内有无法识别的转义字符（\\）",
    "expected escape sequence of": "双引号内的 \\x、\\u 转义后应为十六进制数字",
    "expected '<document start>'": "文件在这里之后还有内容，但缩进或结构与上文接不上",
    "but found another document": "一个文件只能有一个文档（删去多余的「---」）",
    "expected ',' or ']'": "方括号列表「[ ]」中缺少逗号或右括号",
    "expected ',' or '}'": "花括号「{ }」中缺少逗号或右括号",
    "expected the node content": "这里缺少内容",
    "expected alphabetic or numeric character": "别名、锚点（* 或 &）或指令的名称只能由字母和数字组成",
    "expected a comment or a line break": "这一行在此处之后有多余的字符",
    "expected chomping or indentation indicators": "「|」或「>」之后的写法不对",
    "expected indentation indicator in the range 1-9": "「|」或「>」之后的缩进数字应为 1—9",
    "sequence entries are not allowed here": "这里不能出现列表项「- 」（若是文字，请给整段文字加引号）",
    "mapping keys are not allowed here": "这里不能出现「? 」（若是文字，请给整段文字加引号）",
    "second occurrence": "锚点（&）重复定义",
    "found unexpected document separator": "引号中的文字里出现了「---」或「...」行",
    "found undefined tag handle": "不支持的 YAML 标签",
    "expected URI": "不支持的 YAML 标签",
    "expected '!'": "不支持的 YAML 标签",
    "expected '>'": "不支持的 YAML 标签",
    "found incompatible YAML document": "不支持的 YAML 版本",
    "found duplicate YAML directive": "「%YAML」指令重复",
    "duplicate tag handle": "「%TAG」指令重复",
    "expected a digit": "「%YAML」指令的版本号写法不对",
    "expected ' '": "「%」开头的指令写法不对",
}


def _yaml_reason(error: yaml.MarkedYAMLError) -> str | None:
    problem = error.problem or ""
    for english, chinese in _YAML_REASONS.items():
        if problem.startswith(english):
            return chinese
    if problem.startswith("expected <block end>"):
        return "缩进不一致"
    if problem.startswith("found character"):
        return "出现了不能作为开头的字符（请给这段文字加引号）"
    return None


def validate(source: Source, adapter: TypeAdapter) -> tuple[Any, list[Problem]]:
    """Validate parsed data against a model; errors become Chinese problems at their position."""
    try:
        return adapter.validate_python(as_typed(source)), []
    except ValidationError as error:
        tag = _union_tag(adapter, source.data)
        return None, [_problem_from(source, item, tag) for item in error.errors(include_url=False)]


def _union_tag(adapter: TypeAdapter, data: Any) -> Any:
    """The tag a discriminated union (the document kinds) puts first in every error location, if any.

    Only that first place is the tag: a field may share a kind's name (a form document's `form`).
    """
    schema = adapter.core_schema
    if schema["type"] == "definitions":
        schema = schema["schema"]
    return data.get("kind") if schema["type"] == "tagged-union" and isinstance(data, dict) else None


def _problem_from(source: Source, error: dict, tag: Any = None) -> Problem:
    loc = tuple(error["loc"])
    if tag is not None and loc[:1] == (tag,):
        loc = loc[1:]
    kind = error["type"]
    ctx = error.get("ctx") or {}
    where = "/".join(str(p) for p in loc) or "（文件顶层）"
    if kind == "extra_forbidden":
        name = str(loc[-1])
        known = _known_fields(source, loc[:-1])
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"是否应为「{close[0]}」？" if close else (f"可用字段：{'、'.join(known)}" if known else None)
        return source.problem(loc, f"未知字段「{name}」", key=True, hint=hint)
    if kind == "missing":
        return source.problem(loc[:-1], f"缺少必填字段「{loc[-1]}」（位置：{where}）")
    message = _message(kind, ctx, error)
    return source.problem(loc, f"{where}：{message}")


def _message(kind: str, ctx: dict, error: dict) -> str:
    value = error.get("input")
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in ("string_type",):
        return f"应为文字，实际是「{_show(value)}」"
    if kind == "finite_number":
        return f"应为有限的数值，实际是「{_show(value)}」"
    if kind in ("float_type", "float_parsing"):
        return f"应为数值，实际是「{_show(value)}」"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"应为整数，实际是「{_show(value)}」"
    if kind in ("bool_type", "bool_parsing"):
        return f"应为 true 或 false，实际是「{_show(value)}」"
    if kind in ("list_type",):
        return "应为列表（每项以「- 」开头）"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "应为字段映射（「字段: 值」的形式）"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"「{_show(value)}」不是有效日期，应写成 2019-10-23"
    if kind == "literal_error":
        return f"「{_show(value)}」不是允许的值，应为：{ctx.get('expected', '')}"
    if kind == "union_tag_invalid":
        return f"kind「{_show(ctx.get('tag'))}」不是允许的文件类型，应为：{ctx.get('expected_tags', '')}"
    if kind == "union_tag_not_found":
        from .model import KINDS

        return f"缺少必填字段「kind」（文件类型：{' / '.join(KINDS)}）"
    if kind == "string_pattern_mismatch":
        return f"「{_show(value)}」格式不对：只能用小写字母、数字和连字符，且以字母或数字开头"
    if kind == "string_too_short":
        return "不能为空"
    if kind == "too_short":
        return f"至少需要 {ctx.get('min_length', 1)} 项"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        limit = ctx.get("ge", ctx.get("le", ctx.get("gt", ctx.get("lt"))))
        return f"数值「{_show(value)}」超出范围（界限 {limit}）"
    return error["msg"]


def _show(value: Any) -> str:
    return shorten(value)


def _known_fields(source: Source, parent: Path_) -> list[str]:
    from .model import fields_at

    return fields_at(source.data, parent)
