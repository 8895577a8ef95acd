"""Excel charts: native charts over the chart's numbers written to its own sheet, so they stay live."""

from __future__ import annotations

from typing import assert_never

from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.chart.data_source import NumFmt
from openpyxl.chart.label import DataLabel, DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.worksheet.worksheet import Worksheet

from ...adapters.openpyxl import untitled_chart
from ...layout import colours
from ...layout.charts import ChartScale, ValueScale
from ...model import Chart
from ...number_formats import excel_format
from ...style import Style

WIDTH_CM, HEIGHT_CM = 16.0, 9.3
"""Size of the chart on its sheet, close to its size in the documents."""
DATA_ROW = 22
"""Row of the header of the chart's numbers, under the chart and its caption."""


def native_chart(chart: Chart, scale: ChartScale, sheet: Worksheet, style: Style) -> BarChart | LineChart | PieChart:
    """An Excel chart of the numbers from ``DATA_ROW`` of ``sheet`` (categories in A, series from B), on
    the layout's ``scale``: its value axis and its slice labels read as in the other formats.

    It has no title of its own: the chart's title reads in its caption, as in the other formats.
    """
    rows = len(chart.categories)
    made = _kind(chart)
    last = DATA_ROW + rows
    values = Reference(sheet, min_col=2, max_col=1 + len(chart.series), min_row=DATA_ROW, max_row=last)
    made.add_data(values, titles_from_data=True)
    made.set_categories(Reference(sheet, min_col=1, min_row=DATA_ROW + 1, max_row=last))
    made.width, made.height = WIDTH_CM, HEIGHT_CM
    palette = colours.series_colours(style, rows if chart.kind == "pie" else len(chart.series))
    if isinstance(made, PieChart):
        _pie(made, scale, palette)
    else:
        assert scale.values is not None
        _axes(made, chart, scale.values, palette)
    made.legend.position = "b"
    if chart.kind != "pie" and len(chart.series) == 1:
        made.legend = None  # as in the documents: one series needs no legend
    return made


_Bars, _Lines, _Pie = untitled_chart(BarChart), untitled_chart(LineChart), untitled_chart(PieChart)
"""Excel's kinds of chart, with no title of their own."""


def _kind(chart: Chart) -> BarChart | LineChart | PieChart:
    match chart.kind:
        case "bar" | "horizontal_bar" | "stacked_bar":
            bars = _Bars()
            bars.type = "bar" if chart.kind == "horizontal_bar" else "col"
            if chart.kind == "stacked_bar":
                bars.grouping, bars.overlap = "stacked", 100
            bars.gapWidth = 60
            return bars
        case "line":
            return _Lines()
        case "pie":
            return _Pie()
        case _:
            assert_never(chart.kind)


def _pie(made: PieChart, scale: ChartScale, palette: list[str]) -> None:
    series = made.series[0]
    for i, colour in enumerate(palette):
        point = DataPoint(idx=i)
        point.graphicalProperties = GraphicalProperties(solidFill=colour)
        point.graphicalProperties.line.solidFill = "FFFFFF"
        series.dPt.append(point)
    # Excel works out the percentages; the layout's rule, as a number format, makes them read the same.
    series.dLbls = DataLabelList(showPercent=True, showVal=False, showCatName=False, showSerName=False)
    series.dLbls.numFmt = scale.slice_format
    series.dLbls.showLegendKey = False
    # Beside the pie, moved apart with leader lines where they would touch, as in the other formats.
    series.dLbls.dLblPos = "bestFit"
    series.dLbls.showLeaderLines = True
    # An empty slice has no label, as in the other formats.
    series.dLbls.dLbl = [DataLabel(idx=i, delete=True) for i, text in enumerate(scale.slices) if not text]
    made.firstSliceAng = 0


def _axes(made: BarChart | LineChart, chart: Chart, values: ValueScale, palette: list[str]) -> None:
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
    made.x_axis.tickLblPos = "low"  # category names clear of bars below zero, as in the other formats
    if chart.x_title:
        made.x_axis.title = chart.x_title
    if chart.y_title:
        made.y_axis.title = chart.y_title
    # The layout's axis: its range, its step, and its ticks in the format that reads as in the other formats.
    made.y_axis.scaling.min, made.y_axis.scaling.max = values.low, values.high
    made.y_axis.majorUnit = values.step
    made.y_axis.numFmt = NumFmt(formatCode=excel_format(values.format), sourceLinked=False)
    if chart.kind == "horizontal_bar":
        # The first category at the top, as in the documents; the value axis stays at the bottom.
        made.x_axis.scaling.orientation = "maxMin"
        made.y_axis.crosses = "max"
