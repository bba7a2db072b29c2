"""A server-side bar chart of a village's income over the years, drawn as inline SVG (no JavaScript, no CDN)."""

from decimal import Decimal

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 640, 260, 20, 40, 10


def income_bars(reports, thresholds=(Decimal("100000"), Decimal("200000"))) -> dict:
    """Bars (x, y, width, height, year, label) and threshold lines for the template's <svg>."""
    if not reports:
        return {"bars": [], "lines": [], "width": WIDTH, "height": HEIGHT}
    top_value = max([r.total_income for r in reports] + list(thresholds)) * Decimal("1.1")
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - 2 * LEFT) / len(reports)
    bar_w = min(80, slot * 0.6)

    def y_of(value: Decimal) -> float:
        return round(TOP + plot_h - float(value / top_value) * plot_h, 1)

    bars = []
    for i, report in enumerate(reports):
        y = y_of(report.total_income)
        x = LEFT + slot * i + (slot - bar_w) / 2
        bars.append(
            {
                "x": round(x, 1),
                "y": y,
                "width": round(bar_w, 1),
                "height": round(TOP + plot_h - y, 1),
                "cx": round(x + bar_w / 2, 1),
                "label_y": max(y - 6, 12),
                "year": report.year,
                "label": f"{(report.total_income / 10000).quantize(Decimal('0.1'))}",
            }
        )
    lines = [{"y": y_of(t), "label": f"{(t / 10000).quantize(Decimal('1'))}"} for t in thresholds]
    return {
        "bars": bars,
        "lines": lines,
        "width": WIDTH,
        "height": HEIGHT,
        "axis_y": TOP + plot_h,
        "year_y": HEIGHT - 15,
    }
