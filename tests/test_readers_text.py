from pathlib import Path

import pytest

from kg.readers.text import normalise, read_source, source_from_bytes
from kg.reading import InputError

from conftest import SEEDS, seed


def test_utf8_seed_reads_with_line_numbers():
    source = read_source(seed("001"))
    assert source.encoding == "utf-8"
    assert source.line(9) == "单位预算收支总表"
    assert len(source.sha256) == 64


def test_gb18030_is_detected_not_assumed():
    text = "单位预算收支总表\n预算年度：2024\n"
    source = source_from_bytes(text.encode("gb18030"), "doc.txt")
    assert source.encoding == "gb18030"
    assert source.line(1) == "单位预算收支总表"


def test_full_width_forms_fold_to_half_width():
    assert normalise("预算年度：２０２４（万元）") == "预算年度:2024(万元)"
    assert normalise("１２３．４５") == "123.45"


def test_binary_input_is_refused_with_the_file_named():
    with pytest.raises(InputError) as error:
        source_from_bytes(b"\x00\x01\x02PK\x03\x04", "report.pdf")
    assert str(error.value).startswith("report.pdf: expected a text document")


def test_empty_file_is_refused(tmp_path: Path):
    path = tmp_path / "empty.txt"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        read_source(path)


def test_undecodable_bytes_name_the_line():
    data = "第一行\n第二行\n".encode("utf-8") + b"\xff\xfe\xfa\x80\x81\xff\n"
    with pytest.raises(InputError) as error:
        source_from_bytes(data, "broken.txt")
    assert error.value.line == 3


LINES = ("单位预算收支总表", "预算年度:2024", "项目\t预算数", "一、一般公共预算拨款收入\t1,203.40", "")


@pytest.mark.parametrize("encoding, bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_utf16_with_a_byte_order_mark_reads_like_utf8(encoding: str, bom: bytes):
    source = source_from_bytes(bom + "\n".join(LINES).encode(encoding), "exported.txt")
    assert source.encoding == encoding
    assert source.lines == LINES


@pytest.mark.parametrize("ending", ["\r", "\r\n", "mixed"])
def test_every_line_ending_gives_the_lines_lf_gives(ending: str):
    if ending == "mixed":  # documents pasted together from several tools
        text = LINES[0] + "\r\n" + LINES[1] + "\r" + LINES[2] + "\n" + LINES[3] + "\r\n"
    else:
        text = ending.join(LINES)
    lf = source_from_bytes("\n".join(LINES).encode("utf-8"), "lf.txt")
    assert source_from_bytes(text.encode("utf-8"), "other.txt").lines == lf.lines == LINES


def test_read_document_reads_text_files_by_their_content(tmp_path: Path):
    from kg.readers import read_document

    path = tmp_path / "notes.md"
    path.write_bytes("\r".join(LINES).encode("gb18030"))
    source = read_document(path)
    assert source.encoding == "gb18030" and source.lines == LINES and source.pages is None


def _graph_without_digests(path: Path) -> dict[str, set[str]]:
    """A document's prepared graphs, minus the triples that name its bytes' digest."""
    from kg.ingest import prepare_document
    from kg.settings import Settings
    from kg.vocabulary import BKG

    prepared = prepare_document(path, Settings())
    digests = {BKG.sha256, BKG.ingestFingerprint}
    return {graph: {str(q) for q in quads if q.predicate not in digests} for graph, quads in prepared.graphs.items()}


@pytest.mark.parametrize("variant", ["cr-only", "utf-16-le"])
def test_a_seed_saved_another_way_gives_the_same_triples(tmp_path: Path, variant: str):
    # Issue 14: a copy saved by a Windows tool (UTF-16 with BOM) or an old Mac one (CR
    # only) must give the graph the original gives, not lose lines silently.
    seed = sorted(SEEDS.glob("*.txt"))[1]
    text = seed.read_text(encoding="utf-8")
    copy = tmp_path / seed.name
    if variant == "cr-only":
        copy.write_bytes(text.replace("\r\n", "\n").replace("\n", "\r").encode("utf-8"))
    else:
        copy.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    original, other = _graph_without_digests(seed), _graph_without_digests(copy)
    assert original.keys() == other.keys()
    for graph in original:
        assert original[graph] == other[graph], graph
    assert sum(len(quads) for quads in original.values()) > 1000
