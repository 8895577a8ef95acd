"""Excel charts: native charts over the chart's numbers written to its own sheet, so they stay live."""

from __future__ import annotations

from typing import assert_never

from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.chart.data_source import NumFmt
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.worksheet.worksheet import Worksheet

from ...layout import colours
from ...model import Chart
from ...number_formats import excel_format
from ...style import Style

WIDTH_CM, HEIGHT_CM = 16.0, 9.3
"""Size of the chart on its sheet, close to its size in the documents."""
DATA_ROW = 22
"""Row of the header of the chart's numbers, under the chart and its caption."""


def native_chart(chart: Chart, sheet: Worksheet, style: Style) -> BarChart | LineChart | PieChart:
    """An Excel chart of the numbers from ``DATA_ROW`` of ``sheet`` (categories in A, series from B)."""
    rows = len(chart.categories)
    made = _kind(chart)
    last = DATA_ROW + rows
    values = Reference(sheet, min_col=2, max_col=1 + len(chart.series), min_row=DATA_ROW, max_row=last)
    made.add_data(values, titles_from_data=True)
    made.set_categories(Reference(sheet, min_col=1, min_row=DATA_ROW + 1, max_row=last))
    made.title = chart.title
    made.width, made.height = WIDTH_CM, HEIGHT_CM
    palette = colours.series_colours(style, rows if chart.kind == "pie" else len(chart.series))
    if isinstance(made, PieChart):
        _pie(made, palette)
    else:
        _axes(made, chart, palette)
    made.legend.position = "b"
    if chart.kind != "pie" and len(chart.series) == 1:
        made.legend = None  # as in the documents: one series needs no legend
    return made


def _kind(chart: Chart) -> BarChart | LineChart | PieChart:
    match chart.kind:
        case "bar" | "horizontal_bar" | "stacked_bar":
            bars = BarChart()
            bars.type = "bar" if chart.kind == "horizontal_bar" else "col"
            if chart.kind == "stacked_bar":
                bars.grouping, bars.overlap = "stacked", 100
            bars.gapWidth = 60
            return bars
        case "line":
            return LineChart()
        case "pie":
            return PieChart()
        case _:
            assert_never(chart.kind)


def _pie(made: PieChart, palette: list[str]) -> None:
    series = made.series[0]
    for i, colour in enumerate(palette):
        point = DataPoint(idx=i)
        point.graphicalProperties = GraphicalProperties(solidFill=colour)
        point.graphicalProperties.line.solidFill = "FFFFFF"
        series.dPt.append(point)
    series.dLbls = DataLabelList(showPercent=True, showVal=False, showCatName=False, showSerName=False)
    series.dLbls.showLegendKey = False
    made.firstSliceAng = 0


def _axes(made: BarChart | LineChart, chart: Chart, palette: list[str]) -> None:
    for series, colour in zip(made.series, palette, strict=True):
        if isinstance(made, LineChart):
            series.graphicalProperties.line.solidFill = colour
            series.graphicalProperties.line.width = 25400  # 2 points, in EMU
            series.marker.symbol = "circle"
            series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
            series.marker.graphicalProperties.line.solidFill = colour
            series.smooth = False
        else:
            series.graphicalProperties = GraphicalProperties(solidFill=colour)
            series.graphicalProperties.line.noFill = True
    # openpyxl marks axes as deleted unless told otherwise; Excel would then hide them.
    made.x_axis.delete = made.y_axis.delete = False
    if chart.x_title:
        made.x_axis.title = chart.x_title
    if chart.y_title:
        made.y_axis.title = chart.y_title
    if chart.value_format and chart.value_format.kind != "date":
        made.y_axis.numFmt = NumFmt(formatCode=excel_format(chart.value_format), sourceLinked=False)
    if chart.kind == "horizontal_bar":
        # The first category at the top, as in the documents; the value axis stays at the bottom.
        made.x_axis.scaling.orientation = "maxMin"
        made.y_axis.crosses = "max"
