from pathlib import Path

import pytest

from kg.readers.text import normalise, read_source, source_from_bytes
from kg.reading import InputError

from conftest import seed


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
