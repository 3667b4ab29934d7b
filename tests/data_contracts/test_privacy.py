"""Pseudonyms are keyed and stable, masks show only what DESIGN §7 allows, the key file is private."""

import stat

from data_contracts import privacy


def test_pseudonyms_are_keyed_stable_and_domain_separated():
    key, other_key = b"k1", b"k2"
    phone = "13812341234"
    assert privacy.pseudonym(key, "phone", phone) == privacy.pseudonym(key, "phone", phone)
    assert privacy.pseudonym(key, "phone", phone) != privacy.pseudonym(other_key, "phone", phone)
    assert privacy.pseudonym(key, "phone", phone) != privacy.pseudonym(key, "id_number", phone)
    assert phone not in privacy.pseudonym(key, "phone", phone)
    assert privacy.pseudonym(key, "phone", "") is None


def test_masks():
    assert privacy.mask_name("段小明") == "段**"
    assert privacy.mask_name("王伟") == "王*"
    assert privacy.mask_phone("13812341234") == "138****1234"
    assert privacy.mask_plate("苏D4A2B0") == "苏D4***0"
    assert privacy.id_parts("34080319850317122X") == ("340803", 1985, "F")
    assert privacy.id_parts("340803198503171211") == ("340803", 1985, "M")
    assert privacy.id_parts("bad") == (None, None, None)


def test_key_file_created_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    key_file = tmp_path / "secrets" / "pseudonym.key"
    first = privacy.load_key(key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert privacy.load_key(key_file) == first
    monkeypatch.setenv(privacy.KEY_ENV, "from-env")
    assert privacy.load_key(key_file) == b"from-env"
