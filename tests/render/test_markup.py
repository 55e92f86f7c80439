"""Writing a deck fills strings the template reading prepared (render._markup): the result
must be what editing the template's XML tree would give, byte for byte."""

from __future__ import annotations

import copy
import itertools
import pickle

import pytest
from lxml import etree

from deckgen.render import _markup as M
from deckgen.render import _xml as X

A = M.NS["a"]
R = M.NS["r"]
MARKUP = M.Markup({"a": A, "r": R, "p": M.NS["p"]})

BASES = [
    None,
    f'<a:rPr xmlns:a="{A}" lang="en-US" sz="2400" b="0" dirty="0"/>',
    f'<a:rPr xmlns:a="{A}" i="1" err="1"><a:solidFill><a:srgbClr val="FF0000"/></a:solidFill>'
    '<a:latin typeface="Georgia"/></a:rPr>',
    f'<a:rPr xmlns:a="{A}" xmlns:r="{R}" b="1" kern="1200"><a:hlinkClick r:id="rId9"/></a:rPr>',
    f'<a:endParaRPr xmlns:a="{A}" sz="1800" lang="fr-FR"/>',
]


def _tree_edit(base, *, end, lang, size, bold, italic, mono, link):
    """What deckgen did before (and python-pptx would do): edit a copy of the tree."""
    tag = M.A_END if end else M.A_RPR
    if base is not None:
        rpr = copy.deepcopy(base)
        rpr.tag = tag
    else:
        rpr = etree.Element(tag, nsmap={"a": A})
    for a in ("err", "dirty", "smtClean", "smtId"):
        rpr.attrib.pop(a, None)
    if lang:
        rpr.set("lang", lang)
    if size is not None:
        rpr.set("sz", str(round(size * 100)))
    if bold:
        rpr.set("b", "1")
    if italic:
        rpr.set("i", "1")
    if end:
        for el in rpr.findall(M.qn("a:hlinkClick")):
            rpr.remove(el)
        return MARKUP.fragment(rpr)
    if mono:
        X.set_child(rpr, X.make("a:latin", {"typeface": mono}), X.RPR_ORDER)
        X.set_child(rpr, X.make("a:cs", {"typeface": mono}), X.RPR_ORDER)
    if link:
        X.set_child(rpr, X.make("a:hlinkClick", {f"{{{R}}}id": link}), X.RPR_ORDER)
    return MARKUP.fragment(rpr)


@pytest.mark.parametrize("base_xml", BASES)
@pytest.mark.parametrize("end", [False, True])
@pytest.mark.parametrize("code,link", [(False, False), (True, False), (False, True), (True, True)])
def test_run_properties_equal_editing_the_tree(base_xml, end, code, link):
    base = etree.fromstring(base_xml) if base_xml else None
    skeleton = pickle.loads(  # as a later build loads it from the cache
        pickle.dumps(
            X.rpr_skeleton(
                MARKUP,
                base,
                end=end,
                mono="Courier New" if code else None,
                link_rid="rIdL" if link else None,
            )
        )
    )
    for lang, size, bold, italic in itertools.product(
        [None, "de-DE", 'x"&<y'], [None, 20, 13.5], [False, True], [False, True]
    ):
        want = _tree_edit(
            base,
            end=end,
            lang=lang,
            size=size,
            bold=bold,
            italic=italic,
            mono="Courier New" if code else None,
            link="rIdL" if link else None,
        )
        got = skeleton.fill(
            lang=lang,
            sz=None if size is None else str(round(size * 100)),
            b="1" if bold else None,
            i="1" if italic else None,
        )
        assert got == want, (lang, size, bold, italic)


@pytest.mark.parametrize(
    "base_xml",
    [None, f'<a:pPr xmlns:a="{A}" algn="ctr"/>', f'<a:pPr xmlns:a="{A}" lvl="2" marL="0"/>'],
)
@pytest.mark.parametrize("level", [0, 1, 3])
def test_paragraph_properties_equal_editing_the_tree(base_xml, level):
    base = etree.fromstring(base_xml) if base_xml else None
    ppr = copy.deepcopy(base) if base is not None else etree.Element(M.A_PPR)
    if level:
        ppr.set("lvl", str(level))
    ppr.set("hangingPunct", "0")
    got = X.ppr_skeleton(MARKUP, base).fill(lvl=str(level) if level else None)
    assert got == MARKUP.fragment(ppr)


EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
APP = (
    f'<Properties xmlns="{EP}" xmlns:vt="{VT}"><Words>12</Words><Slides>3</Slides>'
    '<Notes>1</Notes><HiddenSlides>1</HiddenSlides><HeadingPairs><vt:vector size="4" '
    'baseType="variant"><vt:variant><vt:lpstr>Theme</vt:lpstr></vt:variant><vt:variant>'
    "<vt:i4>1</vt:i4></vt:variant><vt:variant><vt:lpstr>Slide Titles</vt:lpstr></vt:variant>"
    "<vt:variant><vt:i4>3</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts>"
    '<vt:vector size="4" baseType="lpstr"><vt:lpstr>Office</vt:lpstr><vt:lpstr>a</vt:lpstr>'
    "<vt:lpstr>b</vt:lpstr><vt:lpstr>c</vt:lpstr></vt:vector></TitlesOfParts></Properties>"
).encode()


def test_app_xml_lists_the_decks_slides_instead_of_the_templates():
    blob = X.app_xml(APP, old_slides=3).fill(["One & two", "<Three>"], notes=2)
    root = etree.fromstring(blob)
    ns = {"ep": EP, "vt": VT}
    assert root.findtext("ep:Slides", namespaces=ns) == "2"
    assert root.findtext("ep:Notes", namespaces=ns) == "2"
    assert root.findtext("ep:HiddenSlides", namespaces=ns) == "0"
    assert root.find("ep:Words", ns) is None
    titles = root.find("ep:TitlesOfParts/vt:vector", ns)
    assert [t.text for t in titles] == ["Office", "One & two", "<Three>"]
    assert titles.get("size") == "3"
    assert root.findall("ep:HeadingPairs/vt:vector/vt:variant/vt:i4", ns)[-1].text == "2"


def test_app_xml_that_is_not_xml_is_written_unchanged():
    assert X.app_xml(b"<Properties", 3).fill(["x"], 0) == b"<Properties"


CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
CORE = (
    f'<cp:coreProperties xmlns:cp="{CP}" xmlns:dc="{DC}"><dc:title>Old</dc:title>'
    "<cp:revision>4</cp:revision></cp:coreProperties>"
).encode()


def test_core_xml_changes_elements_in_place_and_adds_the_others():
    core = X.core_xml(CORE)
    blob = core.fill({"title": "New & <better>", "author": "Ada"}, timed=[])
    root = etree.fromstring(blob)
    assert [(el.tag.split("}")[1], el.text) for el in root] == [
        ("title", "New & <better>"),
        ("revision", "4"),
        ("creator", "Ada"),
    ]
    assert b"xmlns:xsi" not in blob


def test_core_xml_dates_are_typed_with_xsi_declared_on_the_root():
    blob = X.core_xml(CORE).fill({"created": "2024-05-01T00:00:00Z"}, timed=["created"])
    root = etree.fromstring(blob)
    assert root.nsmap.get("xsi") == "http://www.w3.org/2001/XMLSchema-instance"
    created = root.find("{http://purl.org/dc/terms/}created")
    assert created is not None and created.text == "2024-05-01T00:00:00Z"
    assert created.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "dcterms:W3CDTF"
