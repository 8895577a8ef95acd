"""A Word template read as a zip of parts, within bounds, without loading what is not asked for.

python-docx reads every part of a package into memory when it opens one, macros and
a 2 GB "image" included. A template is a stranger's file, so it is read here part by
part: only the parts a pack takes from it are unpacked, each after its declared size
is checked (zipfile never returns more than the size it declares), and XML with a
document type declaration, where entity bombs live, is refused.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from docx.oxml.parser import parse_xml
from lxml import etree

MAX_FILE_BYTES = 100_000_000
"""A template file larger than this is refused before it is opened."""
MAX_ENTRIES = 5_000
"""Files a template's zip may list; a real one holds a few dozen."""
MAX_XML_BYTES = 10_000_000
"""What one XML part may unpack to; a house style's styles.xml is well under a megabyte."""
MAX_BLOB_BYTES = 20_000_000
"""What one picture or embedded font may unpack to."""
MAX_TAKEN_BYTES = 100_000_000
"""What all the parts taken from one template may unpack to together."""

_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_MAIN_TYPES = {
    f"application/vnd.{kind}.main+xml"
    for kind in (
        "openxmlformats-officedocument.wordprocessingml.document",
        "openxmlformats-officedocument.wordprocessingml.template",
        "ms-word.document.macroEnabled",
        "ms-word.template.macroEnabledTemplate",
    )
}


_DOCTYPES = tuple("<!DOCTYPE".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
"""A document type declaration, where entity bombs live, as it is written in the encodings XML allows."""


class TemplateError(Exception):
    """The template cannot be taken; the message says why, in the user's words."""


@dataclass(frozen=True)
class Rel:
    """One relationship of a part: its id, type, and the part name or address it points at."""

    id: str
    type: str
    target: str
    """A part name such as ``/word/media/image1.png`` or, when ``external``, the address as written."""
    external: bool

    @property
    def kind(self) -> str:
        return self.type.rsplit("/", 1)[-1]


class TemplatePackage:
    """The parts of one template, read on demand and within the bounds above."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise TemplateError(f"'{self.name}' is larger than {MAX_FILE_BYTES:,} bytes")
            self._zip = zipfile.ZipFile(path)
        except FileNotFoundError as exc:
            raise TemplateError(f"cannot open '{self.name}' as a Word document (no such file)") from exc
        except OSError as exc:
            raise TemplateError(f"cannot open '{self.name}' as a Word document ({exc.strerror or exc})") from exc
        except (zipfile.BadZipFile, ValueError) as exc:
            raise TemplateError(f"cannot open '{self.name}' as a Word document (it is not a zip package)") from exc
        infos = self._zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise TemplateError(f"'{self.name}' holds more than {MAX_ENTRIES:,} files")
        # Part names are case-insensitive in a package (ECMA-376 part 2, 9.1.1).
        self._members = {"/" + info.filename.lower(): info for info in infos}
        self._taken = 0
        self._types = self._content_types()
        self.main = self._main_part()

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> TemplatePackage:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def has(self, partname: str) -> bool:
        return partname.lower() in self._members

    def content_type(self, partname: str) -> str:
        overrides, defaults = self._types
        extension = posixpath.splitext(partname)[1].lstrip(".").lower()
        return overrides.get(partname.lower()) or defaults.get(extension, "")

    def blob(self, partname: str, limit: int = MAX_BLOB_BYTES) -> bytes:
        """The bytes of a part, refused when it would unpack to more than ``limit``."""
        info = self._members.get(partname.lower())
        if info is None:
            raise TemplateError(f"'{self.name}' has no part {partname[1:]}")
        if info.file_size > limit:
            raise TemplateError(f"{partname[1:]} in '{self.name}' unpacks to more than {limit:,} bytes")
        self._taken += info.file_size
        if self._taken > MAX_TAKEN_BYTES:
            raise TemplateError(f"the parts taken from '{self.name}' unpack to more than {MAX_TAKEN_BYTES:,} bytes")
        try:
            return self._zip.read(info)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
            raise TemplateError(f"{partname[1:]} in '{self.name}' is damaged") from exc

    def xml(self, partname: str) -> etree._Element:
        """A part parsed as python-docx parses XML (its element classes, no entities resolved)."""
        data = self.blob(partname, MAX_XML_BYTES)
        if any(declaration in data for declaration in _DOCTYPES):
            raise TemplateError(f"{partname[1:]} in '{self.name}' declares a document type, which no Word part has")
        try:
            root = parse_xml(data)
        except (etree.XMLSyntaxError, ValueError) as exc:
            raise TemplateError(f"{partname[1:]} in '{self.name}' is not well-formed XML") from exc
        if root.getroottree().docinfo.doctype:  # written in an encoding not looked for above
            raise TemplateError(f"{partname[1:]} in '{self.name}' declares a document type, which no Word part has")
        return root

    def rels(self, partname: str) -> dict[str, Rel]:
        """The relationships of a part ("" for the package's own), by id."""
        folder, base = posixpath.split(partname)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels_name):
            return {}
        found: dict[str, Rel] = {}
        for rel in self.xml(rels_name).iter(f"{{{_PACKAGE_RELS}}}Relationship"):
            rel_id, target = rel.get("Id", ""), rel.get("Target", "")
            external = rel.get("TargetMode") == "External"
            if not external:
                path = target if target.startswith("/") else posixpath.join(folder, target)
                target = posixpath.normpath(unquote(path))
            found.setdefault(rel_id, Rel(rel_id, rel.get("Type", ""), target, external))
        return found

    def _content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        if not self.has("/[Content_Types].xml"):
            raise TemplateError(f"cannot open '{self.name}' as a Word document (it has no [Content_Types].xml)")
        root = self.xml("/[Content_Types].xml")
        overrides, defaults = {}, {}
        for element in root:
            name = etree.QName(element).localname
            if name == "Override":
                overrides[element.get("PartName", "").lower()] = element.get("ContentType", "")
            elif name == "Default":
                defaults[element.get("Extension", "").lower()] = element.get("ContentType", "")
        return overrides, defaults

    def _main_part(self) -> str:
        for rel in self.rels("/").values():
            if rel.type == _OFFICE_DOCUMENT and not rel.external and self.has(rel.target):
                if self.content_type(rel.target) in _MAIN_TYPES:
                    return rel.target
        raise TemplateError(f"cannot open '{self.name}' as a Word document (it holds no Word document part)")
