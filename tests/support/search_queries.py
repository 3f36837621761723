"""The staff search query list: what a query must find, shared by the Node and the Chromium tests.

Targets are page#anchor of the entry a result opens (the page alone for a page's
title and opening text). EXACT: phrases of the text, expected among the first 3
results; RECALL: expected among the first 10; INSIDE_COMPOUNDS: words the text
only has inside longer words (邓小平 in 邓小平理论), expected among the first 10;
ABSENT: words the handbook lacks, with the message the panel must show;
SYNONYMS: a word staff type, the word of synonyms.yaml it stands for, and a target.
"""

EXACT = [
    ("三分之二", "shiwuhui-rules.html#quorum"),
    ("半数以上", "shiwuhui-rules.html#quorum"),
    ("干部任免", "shiwuhui-rules.html#cadre-appointment"),
    ("末位表态", "shiwuhui-rules.html#art-24"),
    ("少数服从多数", "shiwuhui-rules.html#voting"),
    ("无记名投票", "shiwuhui-rules.html#voting"),
    ("纪律处分", "shiwuhui-rules.html#art-27"),
    ("民主集中制", "shiwuhui-rules.html#art-6"),
    ("大额资金", "shiwuhui-rules.html#large-funds"),
    ("风险评估", "shiwuhui-rules.html#art-20"),
    ("存档备查", "shiwuhui-rules.html#art-28"),
    ("讲真话", "shiwuhui-rules.html#art-30"),
    ("负责解释", "shiwuhui-rules.html#art-38"),
    ("临时性议题", "zhuren-meeting-rules.html#art-16"),
    ("督查专报", "supervision-rules.html#duties"),
    ("请假手续", "shiwuhui-rules.html#art-17"),
    ("集体领导", "shiwuhui-rules.html#art-6"),
    ("第十六条", "shiwuhui-rules.html#quorum"),
    ("公文借阅", "document-management.html#lending"),
    ("收文办理主要程序", "document-management.html#incoming-procedure"),
    ("发文办理主要程序", "document-management.html#outgoing-procedure"),
    ("借阅单位", "document-management.html#lending"),
    ("会议纪要一般要求在会后一周内整理完成", "standing-committee-meeting-flow.html#step-minutes-deadline"),
    ("经分管领导先行审核", "shiwuhui-rules.html#art-22"),
]

RECALL = [
    ("列席", "shiwuhui-rules.html#art-15"),
    ("列席", "zhuren-meeting-rules.html#art-13"),
    ("借阅", "document-management.html#lending"),
    ("回避", "shiwuhui-rules.html#art-27"),
    ("请假", "shiwuhui-rules.html#art-17"),
    ("固定资产", "shiwuhui-rules.html#major-projects"),
    ("召集人", "zhuren-meeting-rules.html#art-13"),
    ("签收", "document-management.html#s-1-1-1"),
    ("三重一大", "sanzhong-yida-rules.html"),
    ("保密", "shiwuhui-rules.html#art-31"),
    ("保密", "secretariat-two-rules.html#s-5"),
    ("会议纪要", "standing-committee-meeting-flow.html#step-minutes"),
    ("公章", "supervision-rules.html#supervision-procedure"),
    ("秘书一室", "document-management.html#management"),
    ("分管领导", "shiwuhui-rules.html#art-22"),
    ("审签", "outgoing-document-flow.html#step-deputy-approve"),
    ("初审", "document-management.html#s-1-1-3"),
    ("催办", "document-management.html#s-1-1-6"),
    ("机要", "document-management.html#s-1-2-4"),
    ("公务用车", "secretariat-two-rules.html#s-12"),
    ("请销假", "general-office-rules.html#s-4"),
]

INSIDE_COMPOUNDS = [
    ("邓小平", "shiwuhui-rules.html#art-2"),  # 邓小平理论
    ("官僚", "shiwuhui-rules.html#art-3"),  # 官僚主义
    ("廉政", "shiwuhui-rules.html#art-4"),  # 党风廉政
    ("党风", "shiwuhui-rules.html#art-4"),
    ("规章", "shiwuhui-rules.html#major-decisions"),  # 规章制度
    ("后备", "shiwuhui-rules.html#cadre-appointment"),  # 后备干部
    ("技术", "shiwuhui-rules.html#major-projects"),  # 技术改造
    ("改造", "shiwuhui-rules.html#major-projects"),
    ("固定", "shiwuhui-rules.html#major-projects"),  # 固定资产
    ("用品", "secretariat-two-rules.html#s-12"),  # 办公用品
    ("预算", "sanzhong-yida-rules.html#s-2-3-4"),  # 财政预算
    ("征求", "shiwuhui-rules.html#art-17"),  # 征求意见
    ("记名", "shiwuhui-rules.html#voting"),  # 无记名, 记名投票
    ("三个", "shiwuhui-rules.html#art-2"),  # 三个代表
    ("共产", "sanzhong-yida-rules.html#s-4-5"),  # 中国共产党
    ("突发", "shiwuhui-rules.html#major-decisions"),  # 突发性
    ("代表", "shiwuhui-rules.html#art-2"),  # 三个代表
]

NO_RESULT = "手册中没有找到“{}”"
ABSENT = [
    ("报销", NO_RESULT.format("报销")),
    ("出差", NO_RESULT.format("出差")),
    ("值班", NO_RESULT.format("值班")),
    ("加班", NO_RESULT.format("加班")),
    ("考勤", NO_RESULT.format("考勤")),
    ("车辆", NO_RESULT.format("车辆")),
    ("经费", NO_RESULT.format("经费")),
    ("互联网", NO_RESULT.format("互联网")),
    ("保密柜", NO_RESULT.format("保密柜")),
    ("差旅", NO_RESULT.format("差旅")),
    ("年假", NO_RESULT.format("年假")),
    ("财务管理", "《X区委办公室财务管理制度》正文待录入，原汇编第 94 页"),
    ("档案局", "《X区档案局工作制度》正文待录入，原汇编第 66 页"),
    ("定密", "《X区委办公室定密和密级调整制度》正文待录入，原汇编第 81 页"),
]

SYNONYMS = [
    ("公车", "公务用车", "secretariat-two-rules.html#s-12"),
    ("用车", "公务用车", "secretariat-two-rules.html#s-12"),
    ("请假", "请销假", "general-office-rules.html#s-4"),
    ("休假", "请销假", "general-office-rules.html#s-4"),
    ("外出", "请销假", "general-office-rules.html#s-4"),
    ("印章", "公章", "supervision-rules.html#supervision-procedure"),
    ("开会", "会议", "zhuren-meeting-rules.html#ch-4"),
    ("纪要", "会议纪要", "standing-committee-meeting-flow.html#step-minutes"),
    ("发文件", "发文", "document-management.html#outgoing-procedure"),
    ("收文件", "收文", "document-management.html#incoming-procedure"),
    ("密件", "涉密文件", "form-lending-slip.html"),
    ("借文件", "借阅", "document-management.html#lending"),
    ("督办", "督查", "supervision-special-flow.html#step-supervise"),
    ("电脑", "计算机", "document-management.html#s-1-2-4"),
]


def expectations() -> list[tuple[str, str, int]]:
    """(query, target, within the first n results) for every finding query of the list."""
    return ([(q, t, 3) for q, t in EXACT] + [(q, t, 10) for q, t in RECALL + INSIDE_COMPOUNDS]
            + [(q, t, 10) for q, _, t in SYNONYMS])


def queries() -> list[str]:
    return sorted({q for q, _, _ in expectations()} | {q for q, _ in ABSENT})


def canonical(site, target: str) -> str:
    """The target as the index names it: an anchor that rides inside an element with a key (第十五条's art-15
    inside #observers) becomes that element's id, so the list stays right when editors give articles keys."""
    import re
    from pathlib import Path

    page, _, anchor = target.partition("#")
    if not anchor:
        return target
    html = (Path(site) / page).read_text(encoding="utf-8")
    if anchor == "fields":  # a form's field table sits under 栏目说明, whose id MkDocs numbers (_4, _5 …)
        return f"{page}#" + re.search(r'<h2 id="([^"]+)">栏目说明', html).group(1)
    for match in re.finditer(r'id="([^"]+)"[^>]*>((?:<span class="anchor" id="[^"]+"></span>)+)', html):
        if f'id="{anchor}"' in match.group(2):
            return f"{page}#{match.group(1)}"
    return target
