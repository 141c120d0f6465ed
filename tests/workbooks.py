"""Small real workbooks for tests, written with openpyxl (a different writer from the demo's xlsxwriter)."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook

D = dt.date


def xlsx(sheets: dict[str, list[list]], path: Path | None = None) -> bytes:
    """A workbook with one sheet per entry, rows as given (None = empty cell)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if path is not None:
        path.write_bytes(data)
    return data


def info(kind: str, **fields) -> list[list]:
    """A 填报信息 sheet: 报表类型 first, then the given fields in order."""
    return [["项目", "填写内容"], ["报表类型", kind], *([k, v] for k, v in fields.items())]


PLAN_SHEETS = {
    "填报信息": info("工作计划", 填报单位="镇科协", 填报日期=D(2021, 1, 5)),
    "阶段": [["阶段", "开始日期", "结束日期"], ["启动实施阶段", D(2021, 1, 1), D(2021, 12, 31)],
           ["全面推进阶段", D(2022, 1, 1), D(2024, 12, 31)], ["评估总结阶段", D(2025, 1, 1), D(2025, 12, 31)]],
    "任务": [["任务编号", "任务名称", "牵头部门", "责任单位"], [1, "未成年人科学素质行动", "中小学", None],
           [2, "农民科学素质行动", "农业站,科协", None], [7, "经费投入", "财政所", None]],
    "部门": [["部门名称", "联络员", "联系电话", "应报调查", "应报活动", "报送期限(天)"],
           ["中小学", "王老师", "13800000001", "是", "是", 15], ["农业站", "李站长", "13800000002", "是", "是", 15],
           ["科协", "张主任", "13800000003", "否", "是", 15], ["财政所", "赵会计", "13800000004", "否", "是", 20]],
    "村社区": [["村(社区)", "城乡"], ["柳堡社区", "城镇"], ["新河村", "农村"], ["东庄村", "农村"]],
    "人群": [["重点人群", "说明"], ["未成年人", "18岁以下"], ["农民", ""], ["城镇劳动人口", ""],
           ["领导干部和公务员", ""], ["其他", ""]],
    "里程碑": [["编号", "阶段", "任务编号", "内容", "责任部门", "计划完成日期", "状态", "完成日期", "佐证"],
            ["M1", "启动实施阶段", 1, "制定实施方案", "中小学", D(2021, 6, 30), "已完成", D(2021, 6, 1), "文件"],
            ["M2", "全面推进阶段", 2, "开展中期评估", "科协", D(2023, 12, 31), "已完成", D(2024, 1, 20), None],
            ["M3", "全面推进阶段", 7, "经费到位", "财政所", D(2024, 6, 30), "进行中", None, None],
            ["M4", "评估总结阶段", 2, "终期评估", "科协", D(2025, 12, 31), "未开始", None, None]],
    "指标目标": [["指标代码", "人群", "基线年度", "基线值", "目标年度", "目标值", "方向"],
              ["literacy_rate", "全体", 2021, 10, 2025, 15, "提高"],
              ["urban_rural_gap", "全体", 2021, 8, 2025, 5, "降低"]],
    "年度主题": [["年度", "主题"], [2021, "节约资源"], [2022, "健康生活"]],
    "人口": [["村(社区)", "城乡", "性别", "年龄段", "重点人群", "人口数"],
           *[[v, r, s, b, g, n] for v, r in (("柳堡社区", "城镇"), ("新河村", "农村"))
             for s in ("男", "女") for b, g, n in (("0–17", "未成年人", 100), ("18–29", "其他", 200),
                                                 ("30–39", "其他", 150), ("60–69", "其他", 50))]],
    "预算": [["年度", "任务编号", "部门", "预算金额(元)"], [2021, 1, "中小学", 20000], [2021, 7, "财政所", 50000]],
    "评分标准": [["等级", "最低总分"], ["高阶", 85], ["具备", 70], ["基本具备", 55]],
}

SURVEY_HEADER = ["问卷编号", "调查日期", "村(社区)", "城乡", "性别", "年龄", "文化程度", "重点人群",
                 "科学知识", "科学方法", "科学精神与思想", "应用科学能力", "总分", "科学兴趣"]
ACTIVITY_HEADER = ["活动编号", "活动名称", "活动类型", "对应任务", "开始日期", "结束日期", "村(社区)", "目标人群",
                   "参与人次", "培训学时", "经费(元)", "志愿者人数", "媒体报道(篇)", "年度主题", "佐证材料"]


def plan_book(**replace_sheets) -> bytes:
    """The small test plan, with any sheet replaced."""
    return xlsx({**PLAN_SHEETS, **replace_sheets})


def survey_book(rows: list[list], department="中小学", year=2021, header=None, extra_info=None, **sheets) -> bytes:
    """A survey return with the given respondent rows."""
    fields = {"填报单位": department, "调查年度": year, "填报人": "王老师", "联系电话": "13800000001",
              "填报日期": D(year + 1, 1, 10), **(extra_info or {})}
    return xlsx({"填报信息": info("科学素质调查", **fields), "调查数据": [header or SURVEY_HEADER, *rows], **sheets})


def activity_book(rows: list[list], department="科协", year=2021, quarter=1, header=None, extra_info=None) -> bytes:
    """An activity return with the given activity rows."""
    fields = {"填报单位": department, "年度": year, "季度": quarter, "填报人": "张主任", "联系电话": "13800000003",
              "填报日期": D(year, 3 * quarter, 28), **(extra_info or {})}
    return xlsx({"填报信息": info("科普活动", **fields), "活动明细": [header or ACTIVITY_HEADER, *rows]})


def respondent(i: int, village="柳堡社区", residence="城镇", sex="男", age=25, education="大专", group="其他",
               dims=(30, 15, 15, 15), score=None, interest=None, surveyed_on=D(2021, 10, 1)) -> list:
    """One survey row; 总分 defaults to the sum of the dimensions."""
    total = sum(dims) if score is None else score
    return [f"Q{i:04d}", surveyed_on, village, residence, sex, age, education, group, *dims, total, interest]


def activity(i: int, start=D(2021, 2, 1), kind="科普讲座", task=2, village="新河村", audience="农民",
             participants=40, hours=2, cost=500, theme="是") -> list:
    """One activity row."""
    return [f"A{i:03d}", f"科普活动{i}", kind, task, start, start, village, audience, participants, hours, cost,
            2, 0, theme, "签到表"]
