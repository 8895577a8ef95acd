"""Charts drawn with reportlab: vector graphics in the PDF, and the same drawing as a PNG for Word."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import assert_never

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from ..layout import colours
from ..layout.charts import ChartScale, ValueScale, chart_scale, spread
from ..model import Chart
from ..style import Style
from . import markup
from .pdf import bidi, fonts

PNG_DPI = 200
"""Resolution of chart pictures in Word: sharp on screen and in print."""

_GRID = colors.HexColor("#D9D9D9")
_INK = colors.HexColor("#333333")
_LABEL_PT = 8
_SWATCH = 7
_LABEL_REACH = 1.15
"""A slice label's distance from the pie's centre, in radii."""


def drawing(
    chart: Chart, style: Style, width_pt: float, shaped: bool = True, scale: ChartScale | None = None
) -> Drawing:
    """The chart as a reportlab drawing ``width_pt`` wide, on the layout's ``scale`` (its place's ``chart``).

    Its title is not drawn: it reads in the figure's caption, the same in every format. A label
    in a script with a font of its own is drawn in that font, in visual order and shaped, where
    ``shaped``: the PDF and Word's picture. A page's SVG leaves its labels as written, for the
    browser to lay out as it does the page's text.
    """
    scale = scale or chart_scale(chart)  # the layout's rule, for a caller that has no laid-out place
    font = Ink(fonts.register(style.body_font), shaped)
    height = width_pt * (0.46 if chart.kind == "pie" else 0.54)
    canvas = Drawing(width_pt, height)
    # The drawing's starting font; reportlab's default would add an unembedded Helvetica to the PDF.
    canvas.initialFontName, canvas.initialFontSize = font.name, _LABEL_PT
    names = list(scale.categories) if chart.kind == "pie" else [s.name for s in chart.series]
    palette = colours.series_colours(style, len(names))
    bottom = 6.0
    if len(names) > 1:
        legend, room = _legend(names, palette, font, width_pt)
        canvas.add(legend)
        bottom += room
    top = height - 8
    if chart.kind == "pie":
        _pie(canvas, chart, scale.slices, palette, font, (width_pt, bottom, top))
    else:
        assert scale.values is not None
        _axes_chart(canvas, chart, (scale.categories, scale.values), palette, font, (width_pt, bottom, top))
    return canvas


def png(chart: Chart, style: Style, width_cm: float, scale: ChartScale | None = None) -> bytes:
    """The chart as a PNG picture ``width_cm`` wide at ``PNG_DPI``: the PDF drawing, rasterised by PDFium."""
    import pypdfium2  # only Word pictures need it
    from reportlab.graphics import renderPDF

    vector = renderPDF.drawToString(drawing(chart, style, width_cm / 2.54 * 72, scale=scale))
    page = pypdfium2.PdfDocument(vector)[0]
    picture = page.render(scale=PNG_DPI / 72).to_pil()
    out = io.BytesIO()
    picture.save(out, format="PNG", dpi=(PNG_DPI, PNG_DPI), optimize=True)
    return out.getvalue()


@dataclass(frozen=True)
class Ink:
    """How a drawing's labels are set: in the body font, or, shaped, in the fonts of their scripts."""

    name: str
    """The registered body family."""
    shaped: bool
    """Labels in other scripts are laid out and shaped here, not left to the reader of the drawing."""

    def text(self, text: str, x: float, y: float, size: float, anchor: str = "start") -> String | Group:
        text = markup.xml_safe(text)
        if self.plain(text):
            return String(x, y, text, fontName=self.name, fontSize=size, fillColor=_INK, textAnchor=anchor)
        if self.shaped:
            return Group(*bidi.strings(self._pieces(text), size, (x, y), anchor, _INK))
        # As written, from where its shaped width puts its start: an SVG's text is placed by its
        # start, and the browser sets it in the same fonts, shaped the same way.
        start = x - {"start": 0.0, "middle": 0.5, "end": 1.0}[anchor] * self.width(text, size)
        return String(start, y, text, fontName=self.name, fontSize=size, fillColor=_INK)

    def width(self, text: str, size: float) -> float:
        if self.plain(text):
            return float(stringWidth(text, self.name, size))
        return bidi.line_width(self._pieces(text), size)

    def plain(self, text: str) -> bool:
        """Whether ``text`` is set in the body font alone, as reportlab's charts set their labels."""
        return text.isascii() or fonts.covers(text, self.name)

    def _pieces(self, text: str) -> list[bidi.Piece]:
        return [bidi.Piece(part, face) for part, face in fonts.pieces(text, self.name)]


def _legend(names: list[str], palette: list[str], font: Ink, width: float) -> tuple[Group, float]:
    """Swatches and names in centred rows along the bottom; returns the group and its height."""
    entries = [(n, c, font.width(n, _LABEL_PT) + _SWATCH + 18) for n, c in zip(names, palette, strict=True)]
    rows: list[list[tuple[str, str, float]]] = [[]]
    for entry in entries:
        if rows[-1] and sum(e[2] for e in rows[-1]) + entry[2] > width - 20:
            rows.append([])
        rows[-1].append(entry)
    group = Group()
    for line, row in enumerate(reversed(rows)):
        x = (width - sum(e[2] for e in row)) / 2
        y = 4 + line * 13
        for name, colour, room in row:
            group.add(_swatch(x, y, colour))
            group.add(font.text(name, x + _SWATCH + 4, y, _LABEL_PT))
            x += room
    return group, 4 + 13 * len(rows)


def _swatch(x: float, y: float, colour: str) -> Rect:
    return Rect(x, y - 0.5, _SWATCH, _SWATCH, fillColor=colors.HexColor("#" + colour), strokeColor=None)


def _pie(
    canvas: Drawing,
    chart: Chart,
    labels: tuple[str, ...],
    palette: list[str],
    font: Ink,
    box: tuple[float, float, float],
) -> None:
    width, bottom, top = box
    size = top - bottom - 36
    pie = Pie()
    pie.x, pie.y = (width - size) / 2, bottom + 16
    pie.width = pie.height = size
    values = [max(v or 0.0, 0.0) for v in chart.series[0].values]
    pie.data = values
    pie.labels = None  # set beside the pie, where none overlaps another (see _slice_labels)
    pie.startAngle, pie.direction = 90, "clockwise"  # as Excel draws pies
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 1
    for i, colour in enumerate(palette):
        pie.slices[i].fillColor = colors.HexColor("#" + colour)
    canvas.add(pie)
    centre = (pie.x + size / 2, pie.y + size / 2, size / 2)
    canvas.add(_slice_labels(values, labels, font, centre, (bottom + 2, top - _LABEL_PT)))


def _slice_labels(
    values: list[float],
    labels: tuple[str, ...],
    font: Ink,
    centre: tuple[float, float, float],
    room: tuple[float, float],
) -> Group:
    """The layout's slice labels, each beside the pie at the height of its slice, on the slice's side: those
    that would touch are spread apart (the layout's ``spread``), and one moved off its slice is joined to it
    by a leader line. Labels on the right start right of the centre and those on the left end left of it,
    and on each side none is closer than a line to the next, so no two overlap."""
    cx, cy, radius = centre
    reach = radius * _LABEL_REACH
    total = sum(values) or 1.0
    sides: dict[bool, list[tuple[float, str]]] = {True: [], False: []}
    angle = 90.0
    for value, text in zip(values, labels, strict=True):
        sweep = 360 * value / total
        middle = math.radians(angle - sweep / 2)  # clockwise, from the top
        angle -= sweep
        if text:
            sides[math.cos(middle) >= 0].append((middle, text))
    group = Group()
    for right, entries in sides.items():
        wanted = [cy + reach * math.sin(middle) for middle, _ in entries]
        placed = spread(wanted, _LABEL_PT + 2, room[0] + _LABEL_PT / 2, room[1])
        for (middle, text), want, y in zip(entries, wanted, placed, strict=True):
            across = max(math.sqrt(max(reach**2 - (y - cy) ** 2, 0.0)), 2.0)
            x = cx + across if right else cx - across
            group.add(font.text(text, x, y - _LABEL_PT * 0.35, _LABEL_PT, "start" if right else "end"))
            if abs(y - want) > 1:
                edge = (cx + radius * math.cos(middle), cy + radius * math.sin(middle))
                group.add(Line(*edge, x, y, strokeColor=_INK, strokeWidth=0.5))
    return group


def _axes_chart(
    canvas: Drawing,
    chart: Chart,
    scale: tuple[tuple[str, ...], ValueScale],
    palette: list[str],
    font: Ink,
    box: tuple[float, float, float],
) -> None:
    width, bottom, top = box
    names, values = scale
    labels = list(names)
    data = [[v for v in s.values] for s in chart.series]
    horizontal = chart.kind == "horizontal_bar"
    if horizontal:  # the first category at the top, as in a ranked list
        labels, data = labels[::-1], [d[::-1] for d in data]
    value_room = max(font.width(t, _LABEL_PT) for t in values.ticks) + 8
    category_room = max(font.width(t, _LABEL_PT) for t in labels) + 8
    # Axis titles: the category axis is the vertical one in a horizontal bar chart.
    below_title, side_title = (chart.y_title, chart.x_title) if horizontal else (chart.x_title, chart.y_title)
    left = 8 + (14 if side_title else 0) + (category_room if horizontal else value_room)
    plot: VerticalBarChart | HorizontalBarChart | HorizontalLineChart
    match chart.kind:
        case "bar" | "stacked_bar":
            plot = VerticalBarChart()
        case "horizontal_bar":
            plot = HorizontalBarChart()
        case "line":
            plot = HorizontalLineChart()
        case "pie":
            raise AssertionError("pies have no axes")
        case _:
            assert_never(chart.kind)
    plot.data = data
    plot.categoryAxis.categoryNames = labels
    # A horizontal value axis ends in a label centred on its end: room for half of it on the right.
    right = max(12.0, value_room / 2 + 2) if horizontal else 12.0
    per_category = (width - left - right) / max(len(labels), 1)
    turned = not horizontal and category_room - 8 > per_category
    below = 6 + (14 if below_title else 0) + (min(category_room, 90) * 0.6 if turned else 14)
    plot.x, plot.y = left, bottom + below
    plot.width, plot.height = width - left - right, top - bottom - below
    _style_axes(plot, font.name, values, turned)
    # Labels in other fonts are set here, at the places the axis would put them: shaped, or in the
    # SVG anchored for the browser, which measures them in the fonts it sets them in.
    drawn_apart = not all(font.plain(label) for label in labels)
    if drawn_apart:
        plot.categoryAxis.visibleLabels = 0
    for i, colour in enumerate(palette):
        fill = colors.HexColor("#" + colour)
        if isinstance(plot, HorizontalLineChart):
            plot.lines[i].strokeColor = fill
            plot.lines[i].strokeWidth = 2
            plot.lines[i].symbol = makeMarker("FilledCircle", size=4, fillColor=fill)
        else:
            plot.bars[i].fillColor = fill
            plot.bars[i].strokeColor = None
    if chart.kind == "stacked_bar":
        plot.categoryAxis.style = "stacked"
    canvas.add(plot)
    if drawn_apart:
        canvas.add(_category_labels(plot, labels, font, horizontal, turned))
    if below_title:
        canvas.add(font.text(below_title, plot.x + plot.width / 2, bottom + 2, _LABEL_PT + 1, "middle"))
    if side_title:
        turned_title = Group(font.text(side_title, 0, 0, _LABEL_PT + 1, "middle"))
        turned_title.translate(12, plot.y + plot.height / 2)
        turned_title.rotate(90)
        canvas.add(turned_title)


def _category_labels(
    plot: VerticalBarChart | HorizontalBarChart | HorizontalLineChart,
    labels: list[str],
    font: Ink,
    horizontal: bool,
    turned: bool,
) -> Group:
    """The category labels, each at the middle of its band and as far from the axis as the axis sets its own."""
    group = Group()
    band = (plot.height if horizontal else plot.width) / max(len(labels), 1)
    for i, label in enumerate(labels):
        middle = band * (i + 0.5)
        if horizontal:  # at the left of the axis, ending 5 points from it
            group.add(font.text(label, plot.x - 5, plot.y + middle - _LABEL_PT * 0.35, _LABEL_PT, "end"))
            continue
        if not turned:  # under the axis, centred
            group.add(font.text(label, plot.x + middle, plot.y - 5 - _LABEL_PT * 0.8, _LABEL_PT, "middle"))
            continue
        slanted = Group(font.text(label, 0, -_LABEL_PT * 0.8, _LABEL_PT, "end"))  # its top right at the band
        slanted.translate(plot.x + middle, plot.y - 5)
        slanted.rotate(35)
        group.add(slanted)
    return group


def _style_axes(
    plot: VerticalBarChart | HorizontalBarChart | HorizontalLineChart,
    font: str,
    values: ValueScale,
    turned: bool,
) -> None:
    for axis in (plot.categoryAxis, plot.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = font, _LABEL_PT
        axis.labels.fillColor = _INK
        axis.strokeColor = _GRID
    # The layout's axis: its range, its ticks and their texts, as Excel's chart has them.
    plot.valueAxis.valueMin, plot.valueAxis.valueMax = values.low, values.high
    plot.valueAxis.valueSteps = list(values.values)
    plot.valueAxis.labelTextFormat = list(values.ticks)
    plot.valueAxis.visibleGrid = True
    plot.valueAxis.gridStrokeColor = _GRID
    plot.valueAxis.visibleTicks = False
    plot.categoryAxis.visibleTicks = False
    # Category names at the low end of the value axis, not on its zero line, where bars below zero would hide them.
    plot.categoryAxis.labelAxisMode = "low"
    if turned:
        plot.categoryAxis.labels.angle = 35
        plot.categoryAxis.labels.boxAnchor = "ne"
