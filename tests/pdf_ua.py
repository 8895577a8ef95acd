"""A checker of PDF/UA-1's machine-checkable rules (ISO 14289-1, as the Matterhorn Protocol lists them),
read with pypdf: what a tagged PDF of a briefing must hold for a screen reader.

``check(path)`` returns the failures, each ``"rule: what"``; an empty list is a pass. The rules:

- ``marked``: the catalog's MarkInfo says Marked true, and it has a structure tree.
- ``lang``: the catalog names the document's language.
- ``title``: the XMP metadata holds a dc:title.
- ``display-doc-title``: the viewer shows that title (ViewerPreferences DisplayDocTitle true).
- ``identification``: the XMP metadata says pdfuaid:part 1.
- ``tabs``: every page's tab order is its structure's (Tabs /S).
- ``untagged-content``: everything painted on a page is in an element's marked content or an artifact.
- ``outside-tree``: each marked-content sequence with an MCID is found in the tree, by the parent tree too.
- ``figure-alt``: every Figure has Alt (or ActualText).
- ``table-cells``: a TH or TD is in a TR, a TR in a Table, THead, TBody or TFoot.
- ``note-id``: every Note has an ID.
- ``headings``: numbered headings (H1-H6) skip no level on the way down, and the first is an H1.
- ``fonts``: every font is embedded and has a ToUnicode map.
- ``annotations``: every annotation is in the tree (a StructParent whose element holds it as an OBJR),
  and a link has a Contents.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject, NameObject

_PAINTS = {b"Tj", b"TJ", b"'", b'"', b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"sh", b"Do", b"EI"}
"""Operators that put something on the page."""


def check(path: Path) -> list[str]:
    reader = PdfReader(str(path))
    return list(_Check(reader).run())


def _true(obj: Any) -> bool:
    """Whether a PDF boolean is true (pypdf's false is truthy as an object)."""
    return bool(_get(obj) == True)  # noqa: E712 (a BooleanObject compares with a bool)


def _get(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


class _Check:
    def __init__(self, reader: PdfReader) -> None:
        self.reader = reader
        self.root = reader.trailer["/Root"].get_object()
        self.pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
        self.mcrs: set[tuple[int, int]] = set()
        """(page object number, MCID) of every marked-content reference in the tree."""
        self.owner: dict[tuple[int, int], int] = {}
        """The element (object number) that holds each."""
        self.objrs: dict[int, int] = {}
        """Annotation object number -> the element holding it."""
        self.level = 0
        """The level of the last numbered heading met, in reading order."""

    def run(self) -> Iterator[str]:
        yield from self.catalog()
        tree = _get(self.root.get("/StructTreeRoot"))
        if tree is not None:
            yield from self.walk(tree, "StructTreeRoot", None)
        yield from self.page_content(tree)
        yield from self.fonts()

    # -- the catalog and metadata

    def catalog(self) -> Iterator[str]:
        root = self.root
        mark = _get(root.get("/MarkInfo")) or {}
        if not _true(mark.get("/Marked")) or "/StructTreeRoot" not in root:
            yield "marked: the catalog has no MarkInfo Marked true and structure tree"
        if not str(root.get("/Lang", "")).strip():
            yield "lang: the catalog names no language"
        prefs = _get(root.get("/ViewerPreferences")) or {}
        if not _true(prefs.get("/DisplayDocTitle")):
            yield "display-doc-title: ViewerPreferences DisplayDocTitle is not true"
        metadata = _get(root.get("/Metadata"))
        xmp = metadata.get_data().decode("utf-8", "replace") if metadata is not None else ""
        title = re.search(r"<dc:title>.*?<rdf:li[^>]*>([^<]+)</rdf:li>", xmp, re.S)
        if title is None or not title[1].strip():
            yield "title: the XMP metadata holds no dc:title"
        if not re.search(r"pdfuaid:part(>|=\")\s*1", xmp):
            yield "identification: the XMP metadata does not say pdfuaid:part 1"

    # -- the structure tree

    def walk(self, node: Any, parent_kind: str, page: int | None, ref: int | None = None) -> Iterator[str]:
        kind = str(node.get("/S", "StructTreeRoot"))[1:] if "/S" in node else "StructTreeRoot"
        if "/Pg" in node:
            page = node.raw_get("/Pg").idnum
        if kind == "Figure" and "/Alt" not in node and "/ActualText" not in node:
            yield "figure-alt: a Figure has no Alt"
        if kind in ("TH", "TD") and parent_kind != "TR":
            yield f"table-cells: a {kind} is in a {parent_kind}, not a TR"
        if kind == "TR" and parent_kind not in ("Table", "THead", "TBody", "TFoot"):
            yield f"table-cells: a TR is in a {parent_kind}"
        if kind == "Note" and "/ID" not in node:
            yield "note-id: a Note has no ID"
        if re.fullmatch(r"H[1-6]", kind):
            level = int(kind[1])
            if level > self.level + 1:
                yield (
                    f"headings: an {kind} follows an H{self.level}" if self.level else f"headings: the first is {kind}"
                )
            self.level = level
        for kid in _kids(node):
            target = _get(kid)
            if isinstance(target, int):
                if page is not None and ref is not None:
                    self.mcrs.add((page, int(target)))
                    self.owner[page, int(target)] = ref
            elif isinstance(target, DictionaryObject):
                kind_of = target.get("/Type")
                if kind_of == "/MCR":
                    mcr_page = target.raw_get("/Pg").idnum if "/Pg" in target else page
                    if mcr_page is not None and ref is not None:
                        self.mcrs.add((mcr_page, int(target["/MCID"])))
                        self.owner[mcr_page, int(target["/MCID"])] = ref
                elif kind_of == "/OBJR":
                    if ref is not None:
                        self.objrs[target.raw_get("/Obj").idnum] = ref
                elif isinstance(kid, IndirectObject):
                    yield from self.walk(target, kind, page, kid.idnum)

    # -- the pages

    def parent_tree(self, tree: Any) -> dict[int, Any]:
        found: dict[int, Any] = {}
        stack = [_get(tree.get("/ParentTree"))] if tree is not None and "/ParentTree" in tree else []
        while stack:
            node = stack.pop()
            nums = node.get("/Nums", [])
            for n in range(0, len(nums), 2):
                found[int(nums[n])] = nums[n + 1]
            stack.extend(_get(kid) for kid in node.get("/Kids", []))
        return found

    def page_content(self, tree: Any) -> Iterator[str]:
        parents = self.parent_tree(tree)
        for page in self.reader.pages:
            number = page.indirect_reference.idnum
            where = f"page {self.pages[number] + 1}"
            annotations = [_get(a) for a in page.get("/Annots", [])]
            if page.get("/Tabs") != "/S":
                yield f"tabs: {where} has no Tabs /S"
            found = set(self.marked_content(page, where))
            for item in found:
                if isinstance(item, str):
                    yield item
            mcids = {item for item in found if isinstance(item, int)}
            array = parents.get(int(page["/StructParents"])) if "/StructParents" in page else None
            array = _get(array) if array is not None else None
            for mcid in sorted(mcids):
                if (number, mcid) not in self.mcrs:
                    yield f"outside-tree: MCID {mcid} on {where} is in no element of the tree"
                elif array is None or mcid >= len(array) or array[mcid].idnum != self.owner[number, mcid]:
                    yield f"outside-tree: the parent tree does not give MCID {mcid} on {where} its element"
            for ref, annotation in zip(page.get("/Annots", []), annotations, strict=True):
                yield from self.annotation(ref, annotation, parents, where)

    def annotation(self, ref: Any, annotation: Any, parents: dict[int, Any], where: str) -> Iterator[str]:
        if annotation.get("/Subtype") == "/Popup":
            return
        if annotation.get("/Subtype") == "/Link" and not str(annotation.get("/Contents", "")).strip():
            yield f"annotations: a link on {where} has no Contents"
        key = annotation.get("/StructParent")
        element = parents.get(int(key)) if key is not None else None
        held = self.objrs.get(ref.idnum) if isinstance(ref, IndirectObject) else None
        if element is None or held is None or element.idnum != held:
            yield f"annotations: an annotation on {where} is not in the structure tree"

    def marked_content(self, page: Any, where: str) -> Iterator[str | int]:
        """The MCIDs of a page's content, and a failure for anything painted outside them and artifacts."""
        content = page.get_contents()
        if content is None:
            return
        stack: list[str] = []
        told = False
        for operands, operator in ContentStream(content, self.reader).operations:
            if operator in (b"BMC", b"BDC"):
                tag = str(operands[0])
                props = _get(operands[1]) if operator == b"BDC" and len(operands) > 1 else None
                if isinstance(props, DictionaryObject) and "/MCID" in props:
                    if any(s.startswith("mcid") for s in stack):
                        yield f"untagged-content: an MCID inside another on {where}"
                    stack.append("mcid")
                    yield int(props["/MCID"])
                else:
                    stack.append("artifact" if tag == "/Artifact" else "other")
            elif operator == b"EMC":
                if stack:
                    stack.pop()
            elif operator in _PAINTS and not told and not ({"mcid", "artifact"} & set(stack)):
                told = True
                yield f"untagged-content: something is painted on {where} outside tagged content and artifacts"

    # -- fonts

    def fonts(self) -> Iterator[str]:
        seen: set[int] = set()
        for page in self.reader.pages:
            for name, font in _fonts(_get(page.get("/Resources")), seen):
                if font.get("/Subtype") == "/Type3":
                    continue
                described = _get(font["/DescendantFonts"][0]) if "/DescendantFonts" in font else font
                descriptor = _get(described.get("/FontDescriptor")) or {}
                if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    yield f"fonts: {font.get('/BaseFont', name)} is not embedded"
                if "/ToUnicode" not in font:
                    yield f"fonts: {font.get('/BaseFont', name)} has no ToUnicode map"


def _fonts(resources: Any, seen: set[int]) -> Iterator[tuple[str, Any]]:
    """The fonts of a resource dictionary and of the forms it uses, each once."""
    if resources is None:
        return
    for name, ref in (_get(resources.get("/Font")) or {}).items():
        if isinstance(ref, IndirectObject):
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
        yield str(name), _get(ref)
    for ref in (_get(resources.get("/XObject")) or {}).values():
        xobject = _get(ref)
        if xobject.get("/Subtype") == "/Form" and (not isinstance(ref, IndirectObject) or ref.idnum not in seen):
            if isinstance(ref, IndirectObject):
                seen.add(ref.idnum)
            yield from _fonts(_get(xobject.get("/Resources")), seen)


def _kids(node: Any) -> list[Any]:
    """An element's kids as written: one, or an array of them (itself perhaps an indirect object)."""
    if "/K" not in node:
        return []
    raw = node.raw_get("/K")
    kids = _get(raw)
    return list(kids) if isinstance(kids, ArrayObject) else [raw]


def first(reader_root: Any, kind: str) -> Any:
    """The first structure element of ``kind`` in a tree (for tests that break one)."""
    stack = [_get(reader_root["/StructTreeRoot"])]
    while stack:
        node = stack.pop(0)
        if node.get("/S") == NameObject("/" + kind):
            return node
        for kid in _kids(node):
            if isinstance(kid, IndirectObject) and isinstance(_get(kid), DictionaryObject) and "/S" in _get(kid):
                stack.append(_get(kid))
    raise LookupError(kind)


# -- reading the tree and the untagged content back, as poppler shows them


@dataclass
class Node:
    """An element as ``pdfinfo -struct-text`` prints it: its type, its text, its attributes, its kids."""

    kind: str
    text: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)
    kids: list[Node] = field(default_factory=list)

    def all(self, *kinds: str) -> list[Node]:
        """Every element below of one of ``kinds``, in reading order."""
        found = []
        for kid in self.kids:
            if kid.kind in kinds:
                found.append(kid)
            found.extend(kid.all(*kinds))
        return found

    def words(self) -> str:
        """All the text in it and below, in order."""
        return " ".join([*self.text, *(kid.words() for kid in self.kids)])


def struct_tree(path: Path) -> Node:
    """The structure tree as poppler's ``pdfinfo -struct-text`` prints it."""
    out = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True).stdout
    root = Node("")
    stack: list[tuple[int, Node]] = [(-1, root)]
    for line in out.splitlines():
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip(" "))
        body = line.strip()
        while stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1]
        if body.startswith('"'):
            parent.text.append(body[1:-1] if body.endswith('"') else body[1:])
        elif body.startswith("/"):
            parent.attributes.append(body)
        else:
            node = Node(body.split()[0].rstrip(":"))
            parent.kids.append(node)
            stack.append((depth, node))
    return root


def untagged_text(path: Path, out: Path) -> str:
    """What ``pdftotext`` reads of a PDF's content outside its elements' marked content: artifacts and
    anything untagged."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(path))
    for page in writer.pages:
        content = page.get_contents()
        if content is None:
            continue
        stream = ContentStream(content, writer)
        kept, depth = [], 0
        for operands, operator in stream.operations:
            props = _get(operands[1]) if operator == b"BDC" and len(operands) > 1 else None
            if depth:
                depth += operator in (b"BMC", b"BDC")
                depth -= operator == b"EMC"
                continue
            if isinstance(props, DictionaryObject) and "/MCID" in props:
                depth = 1
                continue
            kept.append((operands, operator))
        stream.operations = kept
        page.replace_contents(stream)
    writer.write(out)
    return subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
