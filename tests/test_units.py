"""A unit's IRI key: spacing, brackets and a trailing (本级) only (kg.units)."""

from kg.units import unit_key


def test_variants_of_one_name_meet() -> None:
    assert unit_key("中共上海市普陀区委社会工作部 ") == unit_key("中共上海市普陀区委 社会工作部")
    assert unit_key("上海市普陀区财政局（本级）") == "上海市普陀区财政局"


def test_different_units_stay_apart() -> None:
    assert unit_key("石家庄市鹿泉区上庄镇人民政府本级") != unit_key("石家庄市鹿泉区上庄镇人民政府")
    assert unit_key("上海市规划和自然资源局") != unit_key("上海市普陀区规划和自然资源局")
