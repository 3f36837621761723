"""The document model: the one schema every regulation file follows.

Validation, the JSON Schema for editors and the field reference are all derived
from these classes; descriptions are written for editors, in Chinese.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

from .files import WINDOWS_DEVICE_NAMES
from .numbering import STYLES
from .ref_syntax import REF

KEY_PATTERN = r"^[a-z][a-z0-9-]{0,63}$"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
# Ids become directory names in the site; these are taken by the site itself.
RESERVED_IDS = frozenset(
    {"index", "assets", "search", "downloads", "forms", "flows", "changelog", "decide", "sitemap", "404",
     "stylesheets", "javascripts"}
    | WINDOWS_DEVICE_NAMES  # even with .html
)
Style = Literal[STYLES]  # type: ignore[valid-type]
Status = Literal["现行", "试行", "废止", "待录入"]

Key = Annotated[str, Field(pattern=KEY_PATTERN, description="锚点键：小写字母开头，只含小写字母、数字和连字符，供引用和稳定链接使用，例如 quorum")]
Text = Annotated[str, Field(min_length=1, description="正文文字。可用 [[键]]、[[文件id#键]] 或 [[目标|显示文字]] 引用其他条款")]


def not_reserved(value: str, what: str) -> str:
    """An id that becomes a file or folder name of the site must not be one the site or the system uses."""
    if value in RESERVED_IDS:
        raise ValueError(f"「{value}」是网站保留名称，不能用作{what}")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False)


def _text_shortcut(data: Any) -> Any:
    """A plain YAML string stands for an element that only has text."""
    if isinstance(data, str):
        return {"text": data}
    return data


class Node(Strict):
    """项、目，或提纲、职责清单中的一项；也可以是不编号的段落（p）或小标题（h）。"""

    key: Key | None = None
    title: str | None = Field(None, description="编号后紧跟的小标题，如「签收。」「基本原则」")
    text: Text | None = None
    items: list[Node] = Field(default_factory=list, description="下一级编号项")
    style: Style | None = Field(None, description="下一级编号样式（默认按层级推定），在 h 上则指其后列表的样式")
    p: Text | None = Field(None, description="不编号的自由段落")
    h: str | None = Field(None, description="不编号的小标题，其后的编号重新从一开始")

    _shortcut = model_validator(mode="before")(_text_shortcut)

    @model_validator(mode="after")
    def _one_shape(self) -> Node:
        numbered = self.title is not None or self.text is not None or bool(self.items)
        shapes = [numbered, self.p is not None, self.h is not None]
        if sum(shapes) != 1:
            raise ValueError("每项只能是编号项（title/text/items）、段落（p）或小标题（h）之一，且不能为空")
        if self.p is not None and (self.key or self.style):
            raise ValueError("段落（p）不能带 key 或 style")
        return self

    @property
    def kind(self) -> str:
        if self.p is not None:
            return "paragraph"
        if self.h is not None:
            return "heading"
        return "item"


class Clause(Strict):
    """条中的一款：一个自然段，可带若干项。"""

    text: Text
    items: list[Node] = Field(default_factory=list, description="本款所列的项（（一）（二）…）")

    _shortcut = model_validator(mode="before")(_text_shortcut)


class Article(Strict):
    """一条。只有一段文字时直接写成字符串即可。"""

    key: Key | None = None
    text: Text | None = Field(None, description="本条文字（只有一款时）")
    items: list[Node] = Field(default_factory=list, description="本条所列的项")
    clauses: list[Clause] = Field(default_factory=list, description="本条有多款时逐款列出")

    _shortcut = model_validator(mode="before")(_text_shortcut)

    @model_validator(mode="after")
    def _text_or_clauses(self) -> Article:
        if self.clauses and (self.text is not None or self.items):
            raise ValueError("条的 text/items 与 clauses 只能二选一")
        if not self.clauses and self.text is None:
            raise ValueError("条不能为空：请填写 text 或 clauses")
        return self

    def all_clauses(self) -> list[Clause]:
        if self.clauses:
            return self.clauses
        return [Clause(text=self.text or "", items=self.items)]


class Section(Strict):
    """节。"""

    key: Key | None = None
    title: str = Field(min_length=1, description="节名，如「一般规定」")
    articles: list[Article] = Field(min_length=1, description="本节的条，按顺序列出")


class Chapter(Strict):
    """章。"""

    key: Key | None = None
    title: str = Field(min_length=1, description="章名，如「总则」")
    sections: list[Section] = Field(default_factory=list, description="本章分节时逐节列出")
    articles: list[Article] = Field(default_factory=list, description="本章不分节时直接列出条")

    @model_validator(mode="after")
    def _sections_or_articles(self) -> Chapter:
        if bool(self.sections) == bool(self.articles):
            raise ValueError("章必须有 articles（条）或 sections（节）之一")
        return self


class Correction(Strict):
    """勘误：原件提取文字中的错误及其更正。"""

    original: str = Field(min_length=1, description="原文（种子文本中的样子）")
    corrected: str = Field(description="更正后的文字")
    reason: str = Field(min_length=1, description="更正理由")


class HistoryEntry(Strict):
    """修订记录一条。"""

    date: dt.date = Field(description="修订日期，如 2024-03-01")
    number: str | None = Field(None, description="文号")
    change: str = Field(min_length=1, description="修订内容")


SHARES = {"1/2": "半数", "2/3": "三分之二"}
Share = Literal[tuple(SHARES)]  # type: ignore[valid-type]
Bound = Literal["以上", "超过"]


class Cited(Strict):
    """议事决策规则的出处：所依据的条（或项）及条文原话。"""

    article: Key = Field(description="所依据的条（或项）的键，须在本文件中用 key: 定义，如 quorum")
    quote: str = Field(min_length=1, description="条文原话，一字不差（引用写作显示的文字）；check 核对该条仍含这句话，条文改了而规则没改会报错")


class Quorum(Cited):
    """到会人数要求：应到会成员中有多少到会方能召开。"""

    id: Key = Field(description="本要求的标识，如 general、cadre")
    matters: list[Key] = Field(default_factory=list, description="只适用于这些事项（事项的 id）；不填则适用于每次会议")
    share: Share = Field(description="比例：1/2 或 2/3；所引原话中须写有相应的中文，如 1/2 写作“半数”")
    bound: Bound = Field(description="以上（含本数）或 超过（不含本数）；原话中须有这两个字")


class Passing(Cited):
    """表决通过的条件：赞成票占应到会成员的比例。"""

    share: Share = Field(description="比例：1/2 或 2/3；所引原话中须写有相应的中文，如 1/2 写作“半数”")
    bound: Bound = Field(description="以上（含本数）或 超过（不含本数）；原话中须有这两个字")


class DecisionNote(Cited):
    """随答案列出的相关规定，如回避的规定。"""

    topic: str = Field(min_length=1, description="简短标题，如 回避")
    matters: list[Key] = Field(default_factory=list, description="只在这些事项下列出（事项的 id）；不填则总是列出")


class Matter(Cited):
    """一类议事事项：是否须提交室务会、适用的到会要求、金额标准。同一事项可在几个文件中各自引用条文。"""

    id: Key = Field(description="事项标识，如 cadre；几个文件写同一 id 即同一事项")
    name: str | None = Field(None, description="事项名称，如 干部任免（同一事项只需在一处写）")
    group: str | None = Field(None, description="所属大类，如 重要项目安排")
    reserved: bool | None = Field(None, description="true：须提交室务会决定；false：不须提交室务会")
    unsure_quorum: list[Key] = Field(default_factory=list, description="条文不能确定是否适用于本事项的到会要求（Quorum 的 id）；结论因此不同时，答案说明规则未明确")
    threshold: int | None = Field(None, ge=1, description="金额标准（万元，达到即须提交）；原话中须有「N万元及以上」")
    amount_undefined: bool = Field(False, description="true：条文未规定本类事项的金额标准")


class Decisions(Strict):
    """议事决策规则：由条文得出、可以计算的规定，「议事决策自查」页和 decide 命令按它作答。"""

    meeting: str | None = Field(None, description="本文件规定的会议的名称，如 室务会会议")
    quorum: list[Quorum] = Field(default_factory=list, description="到会人数要求")
    passing: Passing | None = Field(None, description="表决通过的条件")
    no_decisions: Cited | None = Field(None, description="本会议不作决策的规定")
    reserved_by: Cited | None = Field(None, description="规定所列事项须经室务会决策的条文（随「是否须提交室务会」引用）")
    attendance: Cited | None = Field(None, description="参会人员的规定（未规定到会人数时作答引用）")
    notes: list[DecisionNote] = Field(default_factory=list, description="随答案列出的相关规定")
    matters: list[Matter] = Field(default_factory=list, description="议事事项")


class DocumentBase(Strict):
    id: str = Field(pattern=ID_PATTERN, description="文件标识：小写字母、数字、连字符，用于网址，如 shiwuhui-rules")
    title: str = Field(min_length=1, description="文件全称")
    short_title: str | None = Field(None, description="简称，用于导航和引用")
    issuer: str = Field(min_length=1, description="制发机关，如 中共X区委员会办公室")
    category: str = Field(min_length=1, description="所属类别（须在 regulations/compendium.yaml 中列出）")
    seq: int | None = Field(None, ge=1, le=9999, description="在汇编目录中的序号；不在目录中的附图等留空")
    source_page: int | None = Field(None, ge=1, description="2019 年版汇编中的页码")
    status: Status = Field("现行", description="效力状态：现行 / 试行 / 废止 / 待录入")
    imprint: str | None = Field(None, description="印发行，如「（X年X月X日印）」")
    issued: dt.date | None = Field(None, description="印发日期")
    effective: dt.date | None = Field(None, description="施行日期")
    reviewed: dt.date | None = Field(None, description="最后审核日期")
    incomplete: bool = Field(False, description="正文不完整（原件缺损）")
    note: str | None = Field(None, description="编者注，显示在页首")
    visibility: Literal["internal", "public"] = Field("internal", description="internal：内部资料；public：可公开")
    corrections: list[Correction] = Field(default_factory=list, description="勘误说明")
    history: list[HistoryEntry] = Field(default_factory=list, description="修订记录")
    preamble: list[Text] = Field(default_factory=list, description="正文前的段落（如制定目的）")
    closing: list[Text] = Field(default_factory=list, description="正文后的段落")
    decisions: Decisions | None = Field(None, description="议事决策规则（可计算的到会、表决、事项范围规定，每条注明出处）")

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        return not_reserved(value, "文件标识")

    @property
    def display_title(self) -> str:
        return self.short_title or self.title

    @property
    def flattened_text(self) -> str | None:
        """Text preserved as the extraction left it (a flowchart's or a form's), printed after the body."""
        return getattr(self, "source_text", None)


class RulesDocument(DocumentBase):
    """章—节—条—款—项—目结构的规则。"""

    kind: Literal["rules"]
    article_style: Literal["第一条", "一、"] = Field("第一条", description="条的编号样式")
    chapters: list[Chapter] = Field(default_factory=list, description="各章，按顺序列出；章、条的编号自动生成")
    articles: list[Article] = Field(default_factory=list, description="不分章时直接列出条")

    @model_validator(mode="after")
    def _chapters_or_articles(self) -> RulesDocument:
        if bool(self.chapters) == bool(self.articles):
            raise ValueError("规则必须有 chapters（章）或 articles（条）之一")
        return self


class OutlineDocument(DocumentBase):
    """一、（一）1.（1）层次的提纲式文件或职责清单。"""

    kind: Literal["outline", "duties"]
    styles: list[Style] | None = Field(None, description="各层默认编号样式，自上而下；默认 提纲：一、（一）1.（1），职责：1.（1）①")
    body: list[Node] = Field(min_length=1, description="正文各项")

    def level_styles(self) -> list[str]:
        if self.styles:
            return list(self.styles)
        if self.kind == "outline":
            return ["一、", "（一）", "1.", "（1）", "①"]
        return ["1.", "（1）", "①"]


class PendingDocument(DocumentBase):
    """正文尚未录入（或尚未建模）的文件。"""

    kind: Literal["pending"]
    status: Status = Field("待录入", description="效力状态")
    source_text: str | None = Field(None, description="原件中残存的文字（流程图、表格被压平后的文本），原样保留供后续建模")




class Category(Strict):
    """汇编中的一个类别（手册导航中的一组）。"""

    name: str = Field(min_length=1, description="类别名称，如 议事决策")
    description: str | None = Field(None, description="类别说明")


class Compendium(Strict):
    """汇编本身：标题、版本、制发机关与类别顺序（regulations/compendium.yaml）。"""

    title: str = Field(min_length=1, description="汇编标题，如 区委办公室工作制度汇编")
    edition: str = Field(min_length=1, description="版本，如 2019")
    edition_date: str | None = Field(None, description="封面日期，如 二〇一九年X月")
    issuer: str = Field(min_length=1, description="编印机关，如 中共X区委员会办公室")
    note: str | None = Field(None, description="首页显示的说明")
    categories: list[Category] = Field(min_length=1, description="类别，按手册和汇编中的顺序列出")
    corrections: list[Correction] = Field(default_factory=list, description="封面及适用于全部文件的勘误（如提取时全角标点变为半角）")


COMPENDIUM = TypeAdapter(Compendium)



def root_class(data: Any) -> type[BaseModel] | None:
    """The model class a top-level YAML mapping is validated against."""
    if not isinstance(data, dict):
        return None
    if "categories" in data:
        return Compendium
    for cls in get_args(get_args(Document)[0]):
        if data.get("kind") in get_args(cls.model_fields["kind"].annotation):
            return cls
    return None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found:
            return found
    return None


def fields_at(data: Any, loc: tuple) -> list[str]:
    """Field names allowed at a location in a document's data (for 'did you mean' hints)."""
    cls = root_class(data)
    for part in loc:
        if cls is None:
            return []
        if isinstance(part, int):
            continue
        field = cls.model_fields.get(part)
        cls = _model_in(field.annotation) if field else None
    return list(cls.model_fields) if cls else []


class FormEntryDocument(DocumentBase):
    """汇编中的表格：栏目由 forms/ 下的表格定义给出，手册中有可下载、可填写的表格。"""

    kind: Literal["form"]
    form: str = Field(pattern=ID_PATTERN, description="表格标识，即 forms/<表格>.yaml 中的 id，如 lending-slip")
    source_text: str | None = Field(None, description="原件中被压平的表格文字，原样保留以便核对")


# The flow kind: a flowchart as data (nodes, edges, optional lanes); its checks and steps are in flow.py.
NodeKind = Literal["start", "end", "step", "decision", "document", "subprocess"]


class FlowNode(Strict):
    """流程图中的一个框。"""

    id: str = Field(pattern=KEY_PATTERN, description="框的标识：小写字母开头，只含小写字母、数字和连字符，如 sign-in")
    label: str = Field(min_length=1, description="框中文字（照原件录入，不必手工换行）")
    kind: NodeKind = Field("step", description="框的类型：start 开始 / end 结束 / step 步骤 / decision 判断 / document 文件 / subprocess 子流程")
    lane: str | None = Field(None, description="负责的科室或领导（泳道），如 秘书一室；须在 lanes 中列出")
    link: str | None = Field(None, description="点击框时跳转的目标，用引用写法：[[文件id#键]]、[[文件id]]（另一流程图或表格所在文件）")

    @field_validator("label")
    @classmethod
    def _no_reference_in_label(cls, value: str) -> str:
        if "[[" in value:
            raise ValueError("框中文字不能写引用「[[…]]」，跳转目标请写在 link 中")
        return value

    @field_validator("link")
    @classmethod
    def _link_is_reference(cls, value: str | None) -> str | None:
        return None if value is None else one_reference(value)


class FlowEdge(Strict):
    """一条箭头：从一个框指向另一个框。"""

    from_: str = Field(alias="from", description="起点框的 id")
    to: str = Field(description="终点框的 id")
    label: str | None = Field(None, min_length=1, description="箭头上的文字，如 以区委名义行文、是、否")


class FlowDocument(DocumentBase):
    """流程图：由框（nodes）和箭头（edges）组成，自上而下绘制。"""

    kind: Literal["flow"]
    parent: str | None = Field(None, pattern=ID_PATTERN, description="本图所属文件的 id（不在汇编目录中、示意某文件所规定程序的图填写）")
    describes: list[str] = Field(default_factory=list, description="本图所画程序的出处，用引用写法，如 [[supervision-rules#supervision-procedure]]；这些条款旁会显示指向本图的链接")
    direction: Literal["down", "right"] = Field("down", description="绘制方向：down 自上而下（默认），right 从左到右")
    lanes: list[str] = Field(default_factory=list, description="泳道（负责的科室或领导）及其先后顺序")
    nodes: list[FlowNode] = Field(min_length=1, description="流程图中的框，按办理顺序列出")
    edges: list[FlowEdge] = Field(default_factory=list, description="箭头")
    source_text: str | None = Field(None, description="原件中被压平的流程图文字，原样保留以便核对")

    @field_validator("describes")
    @classmethod
    def _describes_are_references(cls, value: list[str]) -> list[str]:
        return [one_reference(item) for item in value]


def one_reference(value: str) -> str:
    if not REF.fullmatch(value.strip()):
        raise ValueError(f"「{value}」应写成一个引用，如 [[supervision-rules#supervision-procedure]]")
    return value


Document = Annotated[Union[RulesDocument, OutlineDocument, PendingDocument, FlowDocument, FormEntryDocument],
                     Field(discriminator="kind")]
DOCUMENT = TypeAdapter(Document)
# Every kind, from the union: a new kind is a class above and one name in the union
KINDS = tuple(kind for cls in get_args(get_args(Document)[0]) for kind in get_args(cls.model_fields["kind"].annotation))
