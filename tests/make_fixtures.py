"""The golden workbooks of the etl tests: `python tests/make_fixtures.py` writes them into tests/fixtures/.

Each fixture is a small workbook as a department (or the office) really sends it: one per workbook kind in
clean form, and one per messy form the reader must tolerate (title rows, 合计/spacer/填表人 footers, header
variants, English headers, numbers as text, every date form, 男性/城市 spellings, trailing spaces).

The rows each fixture must produce are written out by hand beside it in `<name>.expected.json`; this script
never writes those. The bytes are deterministic (fixed document times, fixed zip entry times), so a test can
check that the committed .xlsx files are exactly what this script writes.

The tests also import from here the few helpers they share: the fixture bytes, the test day, and a snapshot
of every table of a database.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import os
import sys
import zipfile
from pathlib import Path

os.environ.setdefault("OPENPYXL_LXML", "False")  # openpyxl's own XML writer, with or without lxml installed
from openpyxl import Workbook  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The day the tests pretend it is: every fixture's period (2025) is over, none is in the future.
TODAY = dt.date(2026, 1, 1)
_FIXED_TIME = dt.datetime(2025, 1, 1)
D = dt.date

ACTIVITY_HEADER = ["活动编号", "活动名称", "活动类型", "对应任务", "开始日期", "结束日期", "村(社区)", "目标人群",
                   "参与人次", "培训学时", "经费(元)", "志愿者人数", "媒体报道(篇)", "年度主题", "佐证材料"]
SURVEY_HEADER = ["问卷编号", "调查日期", "村(社区)", "城乡", "性别", "年龄", "文化程度", "重点人群",
                 "科学知识", "科学方法", "科学精神与思想", "应用科学能力", "总分", "科学兴趣", "权重"]


def _info(kind: str, *fields: tuple[str, object]) -> list[list]:
    return [["项目", "填写内容"], ["报表类型", kind], *([k, v] for k, v in fields)]


def _activity_info(department: str, year: int, quarter: int, reporter: str, phone: str, submitted) -> list[list]:
    return _info("科普活动", ("填报单位", department), ("年度", year), ("季度", quarter), ("填报人", reporter),
                 ("联系电话", phone), ("填报日期", submitted))


def _survey_info(department: str, year: int, reporter: str, phone: str, submitted) -> list[list]:
    return _info("科学素质调查", ("填报单位", department), ("调查年度", year), ("填报人", reporter),
                 ("联系电话", phone), ("填报日期", submitted))


PLAN = {
    "填报信息": _info("工作计划", ("填报单位", "镇科协"), ("填报日期", D(2021, 1, 5))),
    "阶段": [["阶段", "开始日期", "结束日期"],
           ["启动实施阶段", D(2021, 1, 1), D(2021, 12, 31)],
           ["全面推进阶段", D(2022, 1, 1), D(2024, 12, 31)],
           ["评估总结阶段", D(2025, 1, 1), D(2025, 12, 31)]],
    "任务": [["任务编号", "任务名称", "牵头部门", "责任单位"],
           [1, "未成年人科学素质行动", "中小学", "各村(社区)"],
           [2, "农民科学素质行动", "农业站,科协", None],
           [3, "劳动人口科学素质行动", "劳动保障所", None],
           [4, "领导干部和公务员科学素质行动", "党政办", None],
           [5, "科学教育与培训基础工程", "中小学,劳动保障所", None],
           [6, "科普资源开发与共享工程", "科协", None],
           [7, "经费投入", "财政所", None]],
    "部门": [["部门名称", "联络员", "联系电话", "应报调查", "应报活动", "报送期限(天)"],
           ["中小学", "王老师", "13800000001", "是", "是", 15],
           ["农业站", "李站长", "13800000002", "是", "是", 15],
           ["科协", "张主任", "13800000003", "否", "是", None],
           ["财政所", "赵会计", "13800000004", "否", "是", 20],
           ["劳动保障所", "刘所长", "13800000005", "是", None, 15],
           ["党政办", "陈主任", "13800000006", None, "否", 15]],
    "村社区": [["村(社区)", "城乡"], ["柳堡社区", "城镇"], ["新河村", "农村"], ["东庄村", "农村"]],
    "人群": [["重点人群", "说明"], ["未成年人", "18岁以下"], ["农民", None], ["城镇劳动人口", None],
           ["领导干部和公务员", None], ["其他", None]],
    "里程碑": [["编号", "阶段", "任务编号", "内容", "责任部门", "计划完成日期", "状态", "完成日期", "佐证"],
            ["M1", "启动实施阶段", 1, "制定实施方案", "中小学", D(2021, 6, 30), "已完成", D(2021, 6, 1), "文件"],
            ["M2", "全面推进阶段", 2, "开展中期评估", "科协", D(2023, 12, 31), "进行中", None, None],
            ["M3", "评估总结阶段", None, "终期评估", None, D(2025, 12, 31), "未开始", None, None]],
    "指标目标": [["指标代码", "人群", "基线年度", "基线值", "目标年度", "目标值", "方向"],
              ["literacy_rate", "全体", 2021, 10.5, 2025, 15, "提高"],
              ["literacy_rate", "农民", 2021, 6, 2023, 8, "提高"],
              ["urban_rural_gap", "全体", 2021, 8, 2025, 5, "降低"],
              ["spend_yuan", "全体", 2021, 100000, 2025, 150000, "提高"]],
    "年度主题": [["年度", "主题"], [2024, "健康生活"], [2025, "科学普及"]],
    "人口": [["村(社区)", "城乡", "性别", "年龄段", "重点人群", "人口数"],
           ["新河村", "农村", "男", "30–39", "农民", 1300],
           ["新河村", "农村", "女", "30–39", "农民", 1250],
           ["柳堡社区", "城镇", "男", "0–17", "未成年人", 450],
           ["柳堡社区", "城镇", "女", "0–17", "未成年人", 420],
           ["东庄村", "农村", "女", "60–69", "其他", 600]],
    "预算": [["年度", "任务编号", "部门", "预算金额(元)"],
           [2025, 1, "中小学", 20000], [2025, 7, "财政所", 50000], [2025, 2, None, 12000]],
    "评分标准": [["等级", "最低总分"], ["高阶", 85], ["具备", 70], ["基本具备", 55]],
}

SURVEY = {
    "填报信息": _survey_info("中小学", 2025, "王老师", "13800000001", D(2025, 11, 28)),
    "调查数据": [SURVEY_HEADER,
             ["Q0001", D(2025, 10, 8), "柳堡社区", "城镇", "男", 35, "大专", "城镇劳动人口", 30, 15, 15, 15, 75, 4, None],
             ["Q0002", D(2025, 10, 8), "柳堡社区", "城镇", "女", 14, None, "未成年人", 20, 10, 12, 8, 50, 5, None],
             ["Q0003", D(2025, 10, 9), "新河村", "农村", "男", 52, "初中", "农民", None, None, None, None, 48.5, 3,
              None],
             ["Q0004", D(2025, 10, 9), "新河村", "农村", "女", 47, "高中(含中专)", "农民", 32.5, 16, 17, 14.5, None,
              None, None],
             ["Q0005", None, "东庄村", "农村", "女", 68, "小学及以下", "其他", 18, 9, 10, 7, 44, 2, 1.5],
             ["Q0006", D(2025, 10, 10), "柳堡社区", "城镇", "男", 41, "本科及以上", "领导干部和公务员", 38, 18, 19, 18,
              93, 5, None]],
}

ACTIVITY = {
    "填报信息": _activity_info("科协", 2025, 1, "张主任", "13800000003", D(2025, 4, 8)),
    "活动明细": [ACTIVITY_HEADER,
             ["A001", "科普讲座进村", "科普讲座", 2, D(2025, 1, 15), D(2025, 1, 15), "新河村", "农民", 45, 2, 800, 3, 1,
              "是", "签到表"],
             ["A002", "寒假青少年科技营", "青少年科技活动", 1, D(2025, 2, 5), D(2025, 2, 7), "柳堡社区", "未成年人", 60,
              12, 2500, 5, 2, "否", "照片"],
             ["A003", "科普宣传周", "科普宣传", 6, D(2025, 3, 20), None, "全镇", "社会公众", 300, None, None, None,
              None, None, None]],
}

# Two title rows above the header: the table's title (merged across) and a 填报单位 line.
ACTIVITY_TITLE_ROWS = {
    "填报信息": _activity_info("农业站", 2025, 1, "李站长", "13800000002", D(2025, 4, 3)),
    "活动明细": [["柳堡镇2025年第一季度科普活动统计表"],
             ["填报单位：农业站（盖章）"],
             ACTIVITY_HEADER,
             ["B001", "水稻病虫害防治培训", "实用技术培训", 2, D(2025, 3, 10), D(2025, 3, 11), "新河村", "农民", 85, 6,
              1200, 2, 0, "是", "签到表、照片"],
             ["B002", "农技专家进村", "科普讲座", 2, D(2025, 3, 25), D(2025, 3, 25), "东庄村", "农民", 40, 2, 300, 1,
              1, "否", "签到表"]],
}

# A blank spacer row between the activities, then 合计, a blank row, 填表人/审核人 and 单位盖章 lines.
ACTIVITY_FOOTER = {
    "填报信息": _activity_info("财政所", 2025, 1, "赵会计", "13800000004", D(2025, 4, 2)),
    "活动明细": [ACTIVITY_HEADER,
             ["F001", "科普经费拨付（第一批）", "经费拨付", 7, D(2025, 1, 10), None, "全镇", "社会公众", 0, None, 30000,
              None, None, "否", "拨款凭证"],
             [],
             ["F002", "科普经费拨付（第二批）", "经费拨付", 7, D(2025, 3, 5), None, "全镇", "社会公众", 0, None, 20000,
              None, None, "否", "拨款凭证"],
             ["合计", None, None, None, None, None, None, None, 0, None, 50000],
             [],
             ["填表人：赵会计", None, None, "审核人：钱所长", None, None, "填表日期：2025年4月2日"],
             ["单位盖章："]],
}

# Headers with spaces, full-width brackets, a unit (人)/(小时)/（元）, and one English alias.
ACTIVITY_HEADER_VARIANTS = {
    "填报信息": _activity_info("科协", 2025, 2, "张主任", "13800000003", D(2025, 7, 6)),
    "活动明细": [["活动 编号", " 活动名称 ", "活动类型", "task", "开始日期", "结束日期", "村（社区）", "目标人群",
              "参与人次(人)", "培训学时（小时）", "经费（元）", "志愿者人数 (人)", "媒体报道（篇）", "年度主题", "佐证 材料"],
             ["K201", "“科技之春”科普讲座", "科普讲座", 2, D(2025, 4, 18), D(2025, 4, 18), "柳堡社区", "城镇劳动人口", 120,
              2, 600, 4, 1, "是", "签到表"],
             ["K202", "防范电信诈骗宣传", "科普宣传", 6, D(2025, 5, 20), D(2025, 5, 21), "东庄村", "社会公众", 100, None,
              150, 6, 2, "否", "照片"]],
}

# Every sheet name, 填报信息 field and header in English (the aliases DATA.md gives in brackets).
SURVEY_ENGLISH_HEADERS = {
    "info": [["field", "value"], ["report_type", "科学素质调查"], ["department", "农业站"], ["year", 2025],
             ["reporter", "李站长"], ["phone", "13800000002"], ["submitted_on", D(2025, 11, 20)]],
    "responses": [["respondent_id", "surveyed_on", "village", "residence", "sex", "age", "education", "group",
                   "knowledge", "method", "spirit", "application", "score", "interest", "weight"],
                  ["E001", D(2025, 9, 1), "新河村", "农村", "男", 45, "初中", "农民", 25, 12, 14, 10, 61, 3, None],
                  ["E002", D(2025, 9, 1), "新河村", "农村", "女", 38, "高中(含中专)", "农民", None, None, None, None, 72,
                   4, None]],
}

# Numbers typed as text: thousands separators, full-width digits and commas, surrounding spaces.
ACTIVITY_NUMBERS_AS_TEXT = {
    "填报信息": _activity_info("中小学", 2025, 1, "王老师", "13800000001", D(2025, 4, 1)),
    "活动明细": [ACTIVITY_HEADER,
             ["N001", "校园科技节", "青少年科技活动", "１", D(2025, 3, 12), D(2025, 3, 14), "全镇", "社会公众", "1,200",
              "１２", "３，５００", "１５", "2", "是", "照片"],
             ["N002", "科学实验课", "青少年科技活动", 1, D(2025, 3, 20), D(2025, 3, 20), "柳堡社区", "未成年人", " 35 ",
              "1.5", "1,250.50", 3, 0, "否", "签到表"]],
}

# One row per date form: a real date cell, an Excel serial number, 2025.2.3, 2025/2/17, 2025-03-03, 2025年3月15日.
ACTIVITY_DATE_FORMS = {
    "填报信息": _activity_info("科协", 2025, 1, "张主任", "13800000003", D(2025, 4, 8)),
    "活动明细": [ACTIVITY_HEADER,
             ["D001", "日期单元格", "科普讲座", 2, D(2025, 1, 6), D(2025, 1, 6), "新河村", "农民", 30, 2, None, None,
              None, None, None],
             ["D002", "Excel序号", "科普讲座", 2, 45677, 45678, "新河村", "农民", 31, 2, None, None, None, None, None],
             ["D003", "点分隔", "科普讲座", 2, "2025.2.3", "2025.2.3", "新河村", "农民", 32, 2, None, None, None,
              None, None],
             ["D004", "斜杠", "科普讲座", 2, "2025/2/17", "2025/2/18", "新河村", "农民", 33, 2, None, None, None,
              None, None],
             ["D005", "横杠", "科普讲座", 2, "2025-03-03", "2025-03-03", "新河村", "农民", 34, 2, None, None, None,
              None, None],
             ["D006", "年月日", "科普讲座", 2, "2025年3月15日", "2025年3月16日", "新河村", "农民", 35, 2, None, None,
              None, None, None]],
}

# 男性/女性 for 男/女, 城市/乡村 for 城镇/农村, beside rows written properly.
SURVEY_SEX_RESIDENCE_ALIASES = {
    "填报信息": _survey_info("中小学", 2025, "王老师", "13800000001", D(2025, 11, 28)),
    "调查数据": [SURVEY_HEADER,
             ["S001", D(2025, 10, 15), "柳堡社区", "城市", "男性", 16, None, "未成年人", 20, 10, 10, 10, 50, None, None],
             ["S002", D(2025, 10, 15), "新河村", "乡村", "女性", 15, None, "未成年人", 18, 9, 9, 9, 45, None, None],
             ["S003", D(2025, 10, 16), "柳堡社区", "城镇", "女", 42, "大专", "城镇劳动人口", 30, 15, 15, 15, 75, None,
              None],
             ["S004", D(2025, 10, 16), "东庄村", "农村", "男性", 70, "小学及以下", "其他", None, None, None, None, 40,
              None, None]],
}

# A trailing space after every 填报信息 field and value, every header and every text cell.
SURVEY_TRAILING_SPACES = {
    "填报信息": [["项目 ", "填写内容 "], ["报表类型 ", "科学素质调查 "], ["填报单位 ", "劳动保障所 "], ["调查年度 ", "2025 "],
             ["填报人 ", "刘所长 "], ["联系电话 ", "13800000005 "], ["填报日期 ", "2025-11-30 "]],
    "调查数据": [[h + " " for h in SURVEY_HEADER],
             ["T001 ", "2025-11-02 ", "柳堡社区 ", "城镇 ", "男 ", 33, "大专 ", "城镇劳动人口 ", 30, 14, 15, 16, 75, 4,
              None],
             ["T002 ", "2025-11-02 ", "东庄村 ", "农村 ", "女 ", 29, "本科及以上 ", "城镇劳动人口 ", None, None, None,
              None, 68, None, None]],
}

# name → (sheets, merged ranges per sheet)
FIXTURE_BOOKS: dict[str, tuple[dict[str, list[list]], dict[str, list[str]]]] = {
    "plan": (PLAN, {}),
    "survey": (SURVEY, {}),
    "activity": (ACTIVITY, {}),
    "activity_title_rows": (ACTIVITY_TITLE_ROWS, {"活动明细": ["A1:O1", "A2:O2"]}),
    "activity_footer": (ACTIVITY_FOOTER, {}),
    "activity_header_variants": (ACTIVITY_HEADER_VARIANTS, {}),
    "survey_english_headers": (SURVEY_ENGLISH_HEADERS, {}),
    "activity_numbers_as_text": (ACTIVITY_NUMBERS_AS_TEXT, {}),
    "activity_date_forms": (ACTIVITY_DATE_FORMS, {}),
    "survey_sex_residence_aliases": (SURVEY_SEX_RESIDENCE_ALIASES, {}),
    "survey_trailing_spaces": (SURVEY_TRAILING_SPACES, {}),
}
RETURN_FIXTURES = [name for name in FIXTURE_BOOKS if name != "plan"]


def workbook_bytes(sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    """An .xlsx with one sheet per entry, rows as given (None = empty cell), the same bytes on every run."""
    book = Workbook()
    book.remove(book.active)
    book.properties.created = book.properties.modified = _FIXED_TIME
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cell_range in (merges or {}).get(name, []):
            ws.merge_cells(cell_range)
    buffer = io.BytesIO()
    book.save(buffer)
    return _with_fixed_zip_times(buffer.getvalue())


def _with_fixed_zip_times(data: bytes) -> bytes:
    """The same zip with every entry, and the document's modified time, at 2025-01-01 (openpyxl stamps the
    time of saving in both)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for entry in src.infolist():
            content = src.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", content)
            dst.writestr(zipfile.ZipInfo(entry.filename, date_time=(2025, 1, 1, 0, 0, 0)), content,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write_fixtures(folder: Path = FIXTURES) -> list[Path]:
    """Write every fixture workbook as <folder>/<name>.xlsx; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (sheets, merges) in FIXTURE_BOOKS.items():
        path = folder / f"{name}.xlsx"
        path.write_bytes(workbook_bytes(sheets, merges))
        paths.append(path)
    return paths


def fixture_bytes(name: str) -> bytes:
    """The committed bytes of tests/fixtures/<name>.xlsx."""
    return (FIXTURES / f"{name}.xlsx").read_bytes()


def database_with_plan(folder: Path) -> Path:
    """A database in `folder` holding the plan fixture (load it once, copy it per test: loading takes time)."""
    from etl.store import load_return

    db_file = folder / "w.duckdb"
    receipt = load_return(fixture_bytes("plan"), "plan.xlsx", db_file, today=TODAY)
    assert receipt.status == "stored", receipt.to_text()
    return db_file


def copy_database(db_file: Path, folder: Path) -> Path:
    """A copy of the database with its archive and version file, in `folder`; returns the new database file."""
    shutil.copytree(db_file.parent, folder, ignore=shutil.ignore_patterns("*.lock"), dirs_exist_ok=True)
    return folder / db_file.name


def table_snapshot(con) -> dict[str, list[tuple]]:
    """Every base table of a DuckDB database with its full contents, in a stable order."""
    tables = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                        "where table_type = 'BASE TABLE' order by table_name").fetchall()]
    return {t: con.execute(f'select * from "{t}" order by all').fetchall() for t in tables}


if __name__ == "__main__":
    for written in write_fixtures(Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURES):
        print(written)
