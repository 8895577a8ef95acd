"""Chart scales and labels, decided once from a chart's numbers for every format.

The PDF, Word's picture and the HTML's SVG draw a chart with reportlab; Excel draws its own,
natively. Left to themselves they disagree: Excel ran an axis to 140 where reportlab ran it to
150, and labelled two small pie slices "0%" on top of each other. Here the value axis (its
range, its step and the text of each tick) and the text of every pie slice's label are
decided once; each drawing only sets them.

Pie labels follow one rule: a slice of 10% or more reads as a whole percentage ("46%"), a
smaller one with one decimal ("4.2%", "0.4%"), one too small to show at one decimal as "<0.1%",
and an empty slice has no label. Labels stand beside the pie, each at the height of its
slice, and ``spread`` moves those that would touch apart, so that no two ever overlap.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ..model import Chart, ChartKind, NumberFormat
from ..number_formats import LOCALE, excel_format
from .text import column_text, formatted

MOST_STEPS = 6
"""A value axis has at most this many steps between its first and last tick."""
NICE_STEPS = (1.0, 2.0, 2.5, 5.0)
"""Steps are one of these times a power of ten."""
WHOLE_SHARE = 0.0995
"""From this share of the pie (10.0% once rounded to one decimal), a slice's label is a whole percentage."""
LEAST_SHARE = 0.0005
"""Below this share (0.1% once rounded to one decimal), a slice's label reads "<0.1%"."""
PIE_EXCEL_FORMAT = '[<0.0005]"<0.1%";[<0.0995]0.0%;0%'
"""The pie label rule as an Excel number format for percentages, so that Excel's labels read the same."""


@dataclass(frozen=True)
class ValueScale:
    """A value axis: where it starts and ends, its step, and how its ticks read."""

    low: float
    """The axis's first value: 0, or a whole step below the smallest value when that is negative."""
    high: float
    """The axis's last value: the first whole step at or above the largest value (stacks summed)."""
    step: float
    """The distance between two ticks (Excel's major unit)."""
    format: NumberFormat
    """How tick labels read: the chart's kind of number, with as many decimals as the step needs.
    Excel's axis takes it as its number format."""
    ticks: tuple[str, ...]
    """The tick labels' texts, from ``low`` to ``high``."""

    @property
    def values(self) -> tuple[float, ...]:
        """The tick values, from ``low`` to ``high``."""
        count = round((self.high - self.low) / self.step)
        return tuple(_clean(self.low + i * self.step) for i in range(count + 1))


@dataclass(frozen=True)
class ChartScale:
    """What every drawing of a chart shows the same: category names, the value axis, slice labels."""

    categories: tuple[str, ...]
    """The category labels' texts, as the chart's table shows them (years without separators)."""
    values: ValueScale | None
    """The value axis; None for a pie."""
    slices: tuple[str, ...] = ()
    """A pie's slice labels, one per category, "" for an empty slice, which has no label."""
    slice_format: str = PIE_EXCEL_FORMAT
    """The slice label rule as an Excel number format for the percentages Excel works out itself."""


def chart_scale(chart: Chart, locale: str = LOCALE) -> ChartScale:
    """The scale and labels of ``chart``, for every format, numbers and dates as ``locale`` writes them."""
    show = column_text(chart.categories, None, locale)
    names = tuple(show(v) for v in chart.categories)
    if chart.kind == "pie":
        slices = slice_labels([v or 0.0 for v in chart.series[0].values], locale)
        return ChartScale(names, None, slices, pie_format(locale))
    data = [[v for v in s.values if v is not None] for s in chart.series]
    if chart.kind == "stacked_bar":
        columns = [
            [v for v in column if v is not None] for column in zip(*(s.values for s in chart.series), strict=True)
        ]
        data = [[sum(v for v in c if v > 0) for c in columns], [sum(v for v in c if v < 0) for c in columns]]
    values = [v for series in data for v in series]
    scale = value_scale(min(values, default=0.0), max(values, default=0.0), chart.value_format, locale)
    return ChartScale(names, scale)


CHART_WORDS: dict[ChartKind, str] = {
    "bar": "Bar chart",
    "horizontal_bar": "Horizontal bar chart",
    "stacked_bar": "Stacked bar chart",
    "line": "Line chart",
    "pie": "Pie chart",
}
"""What a chart of each kind is called at the start of the alternative text the layout writes for it."""
ALT_LENGTH = 400
"""The most characters of alternative text the layout writes for a chart: past it the numbers stop at a
whole value with "…"; a screen reader reads the rest in the chart's table (its sheet in Excel)."""


def alt_text(
    chart: Chart, header: Sequence[str], rows: Iterable[Sequence[str]], scale: ChartScale, language: str
) -> str:
    """A chart's alternative text: its ``alt:``, else its kind, title and numbers as its table shows them
    (``header``: the category column's name, then each series'; ``rows``: a category, then its values),
    "Bar chart: Incidents by quarter. Q1 12, Q2 15, Q3 9.", each series in turn when there are several,
    a pie's slices with their shares, and at most ``ALT_LENGTH`` characters long. The kind is named in an
    English briefing only; in another language the text starts with the title, in the briefing's words."""
    if chart.alt:
        return chart.alt
    rows = list(rows)
    shares = [f" ({share})" if share else "" for share in scale.slices] or [""] * len(rows)
    named = len(header) > 2  # several series: each named before its values
    series = [
        (f"{name}: " if named else "", [f"{row[0]} {row[i]}{shares[n]}" for n, row in enumerate(rows) if row[i]])
        for i, name in enumerate(header[1:], 1)
    ]
    kind = f"{CHART_WORDS[chart.kind]}: " if language.lower().split("-")[0] == "en" else ""
    text = f"{kind}{chart.title.strip().rstrip('.')}."
    for lead, values in series:
        part = " " + lead
        for n, value in enumerate(values):
            piece = value + (", " if n < len(values) - 1 else ".")
            if len(text) + len(part) + len(piece) > ALT_LENGTH - 2:
                return (text + part).rstrip(", ") + " …"
            part += piece
        text += part
    return text


def value_scale(smallest: float, largest: float, fmt: NumberFormat | None, locale: str = LOCALE) -> ValueScale:
    """An axis from 0 (or below, for negative values) to the first whole step at or above ``largest``,
    in at most ``MOST_STEPS`` steps of 1, 2, 2.5 or 5 times a power of ten."""
    low, high = min(smallest, 0.0), max(largest, 0.0)
    if high == low:
        high = low + 1.0
    step = _step(low, high)
    low = _clean(math.floor(low / step + 1e-9) * step)
    high = _clean(math.ceil(high / step - 1e-9) * step)
    tick_format = replace(_tick_format(step, fmt), locale=(fmt.locale if fmt else None) or locale)
    scale = ValueScale(low, high, step, tick_format, ())
    return ValueScale(low, high, step, tick_format, tuple(formatted(v, tick_format) for v in scale.values))


def slice_labels(values: Sequence[float], locale: str = LOCALE) -> tuple[str, ...]:
    """Each slice's label, its share of the whole by the pie rule (see the module); "" for an empty slice."""
    total = sum(v for v in values if v > 0)
    return tuple(_share_text(v / total, locale) if v > 0 and total > 0 else "" for v in values)


def pie_format(locale: str = LOCALE) -> str:
    """The pie label rule as an Excel number format, its percent sign where ``locale`` puts it."""
    if locale == LOCALE:
        return PIE_EXCEL_FORMAT
    tenth, whole = (excel_format(NumberFormat("percent", d, locale=locale)).replace("#,##", "") for d in (1, 0))
    return f'[<{LEAST_SHARE}]"{_share_text(0.0, locale)}";[<{WHOLE_SHARE}]{tenth};{whole}'


def spread(wanted: Sequence[float], gap: float, low: float, high: float) -> list[float]:
    """Positions along a line for labels that want to stand at ``wanted``, none closer than ``gap`` to the
    next, in the same order, kept between ``low`` and ``high`` where they fit: labels of small slices
    side by side move apart rather than overlap."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [max(wanted[i], low) for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    if placed and placed[-1] > high:  # pushed past the end: move back, keeping the gaps
        placed[-1] = max(high, low + gap * (len(placed) - 1))
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - gap)
    result = [0.0] * len(wanted)
    for k, i in enumerate(order):
        result[i] = placed[k]
    return result


def _share_text(share: float, locale: str = LOCALE) -> str:
    if share >= WHOLE_SHARE:
        return _percent(share, 0, locale)
    if share >= LEAST_SHARE:
        return _percent(share, 1, locale)
    return "<" + _percent(0.001, 1, locale)


def _percent(share: float, decimals: int, locale: str) -> str:
    return formatted(share, NumberFormat("percent", decimals), locale)


def _step(low: float, high: float) -> float:
    """The smallest nice step that spans ``low`` to ``high`` in at most ``MOST_STEPS`` steps."""
    power = 10.0 ** math.floor(math.log10((high - low) / MOST_STEPS))
    for scale in (1.0, 10.0):
        for nice in NICE_STEPS:
            step = _clean(nice * power * scale)
            if math.ceil(high / step - 1e-9) - math.floor(low / step + 1e-9) <= MOST_STEPS:
                return step
    return _clean(100 * power)  # not reached: ten times the first power always spans


def _tick_format(step: float, fmt: NumberFormat | None) -> NumberFormat:
    """The chart's format with the decimals a tick of ``step`` needs (a step of 2.5 needs one, 25% none)."""
    kind = fmt.kind if fmt is not None and fmt.kind != "date" else "decimal"
    shown = step * 100 if kind == "percent" else step
    decimals = max(0, -decimal.Decimal(repr(_clean(shown))).normalize().as_tuple().exponent)  # type: ignore[operator]
    return NumberFormat(kind, int(decimals), fmt.currency if fmt is not None else "USD")


def _clean(value: float) -> float:
    """``value`` without the binary noise of arithmetic on steps (0.30000000000000004 is 0.3)."""
    return float(f"{value:.12g}")
