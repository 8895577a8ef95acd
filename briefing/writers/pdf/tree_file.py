"""The structure tree written into the PDF after reportlab has written the pages: an incremental update.

reportlab holds every object of a file until it writes it, each with its bookkeeping; a table of
100,000 rows has some 900,000 structure elements. They are written here instead, after the file,
straight from ``marked_content.Marks``' arrays, a few hundred to a compressed object stream, with a
cross-reference stream; the tree's root, which the catalog already points to, is written again
with its children. Readers take the file's last update as its state (ISO 32000-1, 7.5.6).
"""

from __future__ import annotations

import heapq
import re
import zlib
from array import array
from collections.abc import Iterator
from itertools import accumulate, islice
from pathlib import Path
from typing import Any, BinaryIO

from .marked_content import LanguageSpan, Link, Marks, Rows
from .tagging import Element, Structure, pdf_text

_PER_STREAM = 400
"""Objects in one object stream."""
_LEVEL = 1
"""zlib's fastest compression: the tree's objects are alike, and compress well even so."""

_TRAILER = re.compile(rb"trailer\s*<<(?P<dict>.*?)>>\s*startxref\s+(?P<xref>\d+)\s*%%EOF\s*$", re.S)


def write(path: Path, structure: Structure) -> None:
    """Append ``structure``'s tree, as the last drawing marked it, to the PDF at ``path``."""
    marks = structure.marks
    assert marks is not None and marks.numbers, "the document is drawn and written first"
    with open(path, "r+b") as file:
        file.seek(0, 2)
        end = file.tell()
        file.seek(max(0, end - 4096))
        trailer = _trailer(file.read())
        file.seek(end)
        _Update(file, structure, marks, trailer).write()


def _trailer(tail: bytes) -> dict[str, Any]:
    found = list(_TRAILER.finditer(tail))
    if not found:
        raise ValueError("the PDF has no trailer where reportlab writes one")
    entries, prev = found[-1]["dict"], int(found[-1]["xref"])

    def ref(key: bytes) -> int:
        match = re.search(rb"/" + key + rb"\s+(\d+)\s+0\s+R", entries)
        assert match is not None, key
        return int(match[1])

    size = re.search(rb"/Size\s+(\d+)", entries)
    ids = re.search(rb"/ID\s*\[\s*(<[0-9A-Fa-f]*>)\s*(<[0-9A-Fa-f]*>)\s*\]", entries)
    assert size is not None
    return {
        "Root": ref(b"Root"),
        "Info": ref(b"Info"),
        "Size": int(size[1]),
        "ID": b"[" + ids[1] + b" " + ids[2] + b"]" if ids else None,
        "Prev": prev,
    }


class _Update:
    def __init__(self, file: BinaryIO, structure: Structure, marks: Marks, trailer: dict[str, Any]) -> None:
        self.file, self.structure, self.marks, self.trailer = file, structure, marks, trailer
        self.base = trailer["Size"]
        self.elements = marks.next_id
        self.pages = marks.numbers["pages"]
        self.annotations = dict(zip((link.id for link in marks.links), marks.numbers["annotations"], strict=True))
        self.page_arrays = self.base + self.elements
        self.parent_tree = self.page_arrays + len(self.pages)
        self.id_tree = self.parent_tree + 1
        self.objects = self.elements + len(self.pages) + 2
        """Objects numbered from ``base``; then the object streams, then the cross-reference stream."""
        self.stream_offsets = array("Q")
        self.ids: list[tuple[str, int]] = []
        """Elements' IDs (a callout's), for the IDTree."""

    def ref(self, element_id: int) -> str:
        return f"{self.base + element_id} 0 R"

    # -- the objects, in number order

    def payload(self) -> Iterator[tuple[int, bytes]]:
        """Every object of the update but the streams: (number, text), the tree's root first."""
        marks = self.marks
        yield marks.numbers["root"], self.root()
        story = self.structure.elements
        for element in story:
            yield self.base + element.id, self.story_element(element)
        # Links and language spans are made as the pages are drawn, between a long table's rows.
        rows = marks.rows
        drawn: Iterator[Link | LanguageSpan] = heapq.merge(marks.links, marks.spans, key=lambda item: item.id)
        link = next(drawn, None)
        for r in range(len(rows.first)):
            while link is not None and link.id < rows.first[r]:
                yield self.base + link.id, self.drawn(link)
                link = next(drawn, None)
            yield from self.row(rows, r)
        while link is not None:
            yield self.base + link.id, self.drawn(link)
            link = next(drawn, None)
        for n, owners in enumerate(marks.owners):
            refs = " ".join(f"{self.base + owner} 0 R" for owner in owners)
            yield self.page_arrays + n, f"[{refs}]".encode()
        nums = [f"{key} {self.page_arrays + n} 0 R" for n, key in enumerate(marks.page_keys)]
        nums += [f"{link.key} {self.ref(link.id)}" for link in marks.links]
        nums.sort(key=lambda entry: int(entry.split(" ", 1)[0]))
        yield self.parent_tree, f"<</Nums [{' '.join(nums)}]>>".encode()
        names = " ".join(f"<{name.encode().hex()}> {self.ref(id_)}" for name, id_ in sorted(self.ids))
        yield self.id_tree, f"<</Names [{names}]>>".encode()

    def root(self) -> bytes:
        return (
            f"<</Type /StructTreeRoot /K {self.ref(self.structure.root.id)} /ParentTree {self.parent_tree} 0 R"
            f" /ParentTreeNextKey {self.marks.next_key} /IDTree {self.id_tree} 0 R>>"
        ).encode()

    def story_element(self, element: Element) -> bytes:
        kids = [self.ref(kid.id) for kid in element.kids]
        drawn = self.marks.content.get(element.id, [])
        for item in drawn:
            if isinstance(item, (Link, LanguageSpan)):
                kids.append(self.ref(item.id))
            else:
                page, mcid = item
                kids.append(f"<</Type /MCR /Pg {self.pages[page]} 0 R /MCID {mcid}>>")
        if element.kind in ("THead", "TBody"):
            kids = [*kids, *self.row_refs(element)]
        parent = self.ref(element.parent.id) if element.parent is not None else f"{self.marks.numbers['root']} 0 R"
        entries = [f"/Type /StructElem /S /{element.kind} /P {parent}", f"/K [{' '.join(kids)}]"]
        for key, value in element.attrs.items():
            if key == "A":
                entries.append(f"/A {value}")
            elif key == "ID":  # a byte string, not text
                entries.append(f"/ID <{value.encode().hex()}>")
            else:
                entries.append(f"/{key} {pdf_text(value)}")
            if key == "ID":
                self.ids.append((value, element.id))
        return f"<<{' '.join(entries)}>>".encode()

    def row_refs(self, element: Element) -> list[str]:
        """The rows drawn in a THead or TBody (a table's rows are few next to the document's elements
        only in a short table: a long one's are found by their parent, once each)."""
        if self._row_index is None:
            index: dict[int, array] = {}
            for first, parent in zip(self.marks.rows.first, self.marks.rows.parent, strict=True):
                index.setdefault(parent, array("q")).append(first)
            self._row_index = index
        return [self.ref(first) for first in self._row_index.get(element.id, ())]

    _row_index: dict[int, array] | None = None

    def row(self, rows: Rows, r: int) -> list[tuple[int, bytes]]:
        """A row's TR, then its cells: a long table's many objects, made as plainly as may be."""
        number, cells, flags = self.base + rows.first[r], rows.cells[r], rows.flags[r]
        page, mcid = self.pages[rows.page[r]], rows.mcid[r]
        numbers = range(number + 1, number + 1 + cells)
        kids = " ".join([f"{n} 0 R" for n in numbers])
        made = [(number, f"<</S /TR /P {self.base + rows.parent[r]} 0 R /K [{kids}]>>".encode())]
        tag = "/TH" if flags & Rows.HEADER else "/TD"
        cell = f"<</S {tag} /P {number} 0 R /Pg {page} 0 R /K "
        end = " /A <</O /Table /Scope /Column>>" if flags & Rows.HEADER else ""
        drawn = range(mcid + cells - 1, mcid - 1, -1) if flags & Rows.REVERSED else range(mcid, mcid + cells)
        texts = self.marks.cell_texts
        if not texts:  # no cell read otherwise than drawn (a long table's, in a briefing left to right)
            made += [(n, f"{cell}{d}{end}>>".encode()) for n, d in zip(numbers, drawn, strict=True)]
            return made
        for n, d in zip(numbers, drawn, strict=True):
            written = texts.get(n - self.base)
            said = "" if written is None else f" /ActualText {pdf_text(written)}"
            made.append((n, f"{cell}{d}{end}{said}>>".encode()))
        return made

    def drawn(self, item: Link | LanguageSpan) -> bytes:
        if isinstance(item, Link):
            return self.link(item)
        said = "" if item.written is None else f" /ActualText {pdf_text(item.written)}"
        return (
            f"<</Type /StructElem /S /Span /P {self.ref(item.parent)} /Pg {self.pages[item.page]} 0 R"
            f" /K {item.mcid} /Lang {pdf_text(item.lang)}{said}>>"
        ).encode()

    def link(self, link: Link) -> bytes:
        annotation, page = self.annotations[link.id], self.pages[link.page]
        words = "" if link.mcid is None else f"{link.mcid} "
        return (
            f"<</Type /StructElem /S /Link /P {self.ref(link.parent)} /Pg {page} 0 R"
            f" /K [{words}<</Type /OBJR /Obj {annotation} 0 R /Pg {page} 0 R>>]>>"
        ).encode()

    # -- the file

    def write(self) -> None:
        """Object streams of the payload, then the cross-reference stream, then the trailer's pointer."""
        file, where = self.file, self.file.tell()
        placed = _Entries(self.base)
        stream_number = self.base + self.objects
        payload = self.payload()
        while batch := list(islice(payload, _PER_STREAM)):
            where = self._stream(batch, stream_number, where, placed)
            stream_number += 1
        xref_number = stream_number
        for offset in self.stream_offsets:  # numbered after every object they hold
            placed.offset(offset)
        placed.offset(where)
        root = self.marks.numbers["root"]
        numbers = range(self.base, xref_number + 1)
        data = placed.stream()
        trailer = self.trailer
        head = (
            f"{xref_number} 0 obj\n<</Type /XRef /Size {xref_number + 1} /W [1 4 2]"
            f" /Index [{root} 1 {self.base} {len(numbers)}] /Root {trailer['Root']} 0 R /Info {trailer['Info']} 0 R"
            f" /Prev {trailer['Prev']} /Filter /FlateDecode /Length {len(data)}"
        ).encode()
        if trailer["ID"]:
            head += b" /ID " + trailer["ID"]
        file.write(head + b">>\nstream\n" + data + b"\nendstream\nendobj\n")
        file.write(f"startxref\n{where}\n%%EOF\n".encode())

    def _stream(self, batch: list[tuple[int, bytes]], number: int, where: int, placed: _Entries) -> int:
        numbers = [n for n, _ in batch]
        bodies = [text for _, text in batch]
        # Where each body starts, a newline after each (and where the last one ends, which zip leaves).
        starts = accumulate([len(text) + 1 for text in bodies], initial=0)
        placed.packed(numbers, number)
        header = (" ".join([f"{n} {at}" for n, at in zip(numbers, starts, strict=False)]) + "\n").encode()
        data = zlib.compress(header + b"\n".join(bodies) + b"\n", _LEVEL)
        obj = (
            f"{number} 0 obj\n<</Type /ObjStm /N {len(batch)} /First {len(header)} /Filter /FlateDecode"
            f" /Length {len(data)}>>\nstream\n"
        ).encode()
        self.file.write(obj + data + b"\nendstream\nendobj\n")
        self.stream_offsets.append(where)
        return where + len(obj) + len(data) + len(b"\nendstream\nendobj\n")


class _Entries:
    """The cross-reference stream's entries of the update's objects, numbered on from ``base`` (and the
    tree's root, written again), as they will be written: seven bytes each."""

    def __init__(self, base: int) -> None:
        self.base = base
        self.data = bytearray()
        self.root = b""

    def packed(self, numbers: list[int], stream: int) -> None:
        """Objects ``numbers``, in order, held in object stream ``stream``."""
        prefix = b"\x02" + stream.to_bytes(4, "big")
        if numbers[0] < self.base:  # the tree's root, first of all
            self.root, numbers = prefix + _INDEXES[0], numbers[1:]
            start = 1
        else:
            start = 0
        assert not numbers or numbers[0] == self.base + len(self.data) // 7, "objects come in number order"
        if numbers:
            self.data += prefix + prefix.join(_INDEXES[start : start + len(numbers)])

    def offset(self, where: int) -> None:
        """The next object, a stream, at ``where`` in the file."""
        self.data += b"\x01" + where.to_bytes(4, "big") + b"\x00\x00"

    def stream(self) -> bytes:
        """The entries compressed: the root's, then every other's."""
        packer = zlib.compressobj(_LEVEL)  # entries so alike take zlib's default level ten times as long
        return packer.compress(self.root) + packer.compress(self.data) + packer.flush()


_INDEXES = [n.to_bytes(2, "big") for n in range(_PER_STREAM)]
"""An object's place in its object stream, as its entry gives it."""
