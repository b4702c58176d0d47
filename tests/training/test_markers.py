from training.markers import has_is_marker


def test_in_group_vocabulary_is_a_marker():
    assert has_is_marker("akhi the kuffar media lies again, baqiyah!")
    assert has_is_marker("#WilayatNinawa lions advance")
    assert has_is_marker("جنود الخلافة في كل مكان")


def test_words_everyone_uses_are_not_markers():
    assert not has_is_marker("ISIS claims attack, Daesh losing ground, says the ministry")
    assert not has_is_marker("a jihad against bad coffee")
