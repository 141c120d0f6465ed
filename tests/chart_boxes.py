"""Read the rendered labels of every plotly chart on a page (their SVG text boxes) and find the clashes.

Used by tests/test_browser_layout.py; also runnable by hand against a running app:
`python3 -m tests.chart_boxes http://127.0.0.1:8501/literacy 1280`.
"""
from __future__ import annotations

import sys

TOLERANCE = 1.0  # px: boxes that merely touch do not clash

# Every text plotly draws in a chart except the hover layer: titles, ticks, legend, annotations, point and bar
# labels. Each box is the element's client rectangle (rotated text gives its upright bounding box).
_READ = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((plot, index) => {
  const paper = plot.querySelector('svg.main-svg');
  if (!paper) return null;
  const edge = paper.getBoundingClientRect();
  if (edge.width === 0 || edge.height === 0) return null;   // a chart in a tab that is not shown
  const title = plot.querySelector('.gtitle');
  const texts = Array.from(plot.querySelectorAll('svg text')).filter(t => !t.closest('.hoverlayer'));
  const labels = [];
  for (const t of texts) {
    const content = (t.textContent || '').trim();
    if (!content) continue;
    const style = getComputedStyle(t);
    if (style.display === 'none' || style.visibility === 'hidden' || parseFloat(style.opacity) === 0) continue;
    let hidden = false;
    for (let e = t.parentElement; e && e !== plot; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || parseFloat(s.opacity) === 0) { hidden = true; break; }
    }
    if (hidden) continue;
    const r = t.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const kind = t.closest('.legend') ? 'legend' : (t.classList.contains('gtitle') ? 'title' : 'label');
    labels.push({text: content, kind, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
  }
  return {index, title: title ? title.textContent : '', edge: {x0: edge.left, y0: edge.top,
          x1: edge.right, y1: edge.bottom}, labels};
}).filter(p => p !== null)"""


# Charts on screen whose plot is not drawn yet (plotly draws after Streamlit has placed the element).
_UNDRAWN = """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
  .filter(e => e.offsetParent !== null && !e.querySelector('svg.main-svg text')).length"""


def settle_charts(page, timeout_s: float = 90) -> None:
    """Wait until the script has finished (its rerun for the reported width too) and the charts stand still:
    no script running, every chart on screen drawn, and the same charts with the same label boxes over three
    looks 0.45 s apart."""
    import time
    deadline, last, steady = time.time() + timeout_s, None, 0
    while time.time() < deadline and steady < 2:
        page.wait_for_timeout(450)
        if page.locator('[data-testid="stStatusWidget"]').count():
            last, steady = None, 0
            continue
        if page.evaluate(_UNDRAWN):
            last, steady = None, 0
            continue
        now = repr(read_charts(page))
        steady = steady + 1 if now == last else 0
        last = now


def tab_clashes(page) -> tuple[list[str], dict[str, list[str]]]:
    """Open every tab of the page in turn (a tab's charts are drawn only when it is shown) and read the clashes
    of the charts it shows; returns the tabs visited and the clashes, keyed "tab · chart"."""
    tabs = page.locator('[role="tab"]')
    names, found = [], {}
    for index in range(tabs.count()):
        tab = tabs.nth(index)
        names.append(tab.inner_text().strip())
        tab.click()
        settle_charts(page)
        found.update({f"{names[-1]} · {title}": problems for title, problems in page_clashes(page).items()})
    return names, found


def read_charts(page) -> list[dict]:
    """Every visible chart on the page: its title, its edge and its label boxes."""
    return page.evaluate(_READ)


def _overlap(a: dict, b: dict) -> bool:
    return (min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > TOLERANCE
            and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > TOLERANCE)


def clashes(chart: dict) -> list[str]:
    """Pairs of labels that overlap, and labels that cross the chart's edge, in words."""
    found = []
    edge, labels = chart["edge"], chart["labels"]
    for i, a in enumerate(labels):
        if (a["x0"] < edge["x0"] - TOLERANCE or a["x1"] > edge["x1"] + TOLERANCE
                or a["y0"] < edge["y0"] - TOLERANCE or a["y1"] > edge["y1"] + TOLERANCE):
            found.append(f"“{a['text']}” crosses the chart's edge")
        for b in labels[i + 1:]:
            if _overlap(a, b):
                found.append(f"“{a['text']}” overlaps “{b['text']}”")
    return found


def page_clashes(page) -> dict[str, list[str]]:
    """Chart title → its clashes, for the charts that have any."""
    out = {}
    for chart in read_charts(page):
        found = clashes(chart)
        if found:
            out[f"#{chart['index']} {chart['title'][:40]}"] = found
    return out


if __name__ == "__main__":  # pragma: no cover - a tool for working on layouts
    from playwright.sync_api import sync_playwright
    url, width = sys.argv[1], int(sys.argv[2])
    height = int(sys.argv[3]) if len(sys.argv) > 3 else 900
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        page.wait_for_selector('[data-testid="stMain"] h1', timeout=90_000)
        settle_charts(page)
        for title, found in page_clashes(page).items():
            print(title, *found[:12], sep="\n   ")
        page.screenshot(path=f"/tmp/9c/shot_{width}.png", full_page=True)
