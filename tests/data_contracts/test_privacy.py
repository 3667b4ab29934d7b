"""Pseudonyms are keyed and stable, masks show only what DESIGN §7 allows, the key file is private."""

import stat

import pytest

from data_contracts import privacy
from gridsight import keys

LONG_KEY = "a-long-test-key-that-is-not-secret-0123456789"


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
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert len(first) >= keys.MIN_KEY_CHARS
    monkeypatch.setenv(privacy.KEY_ENV, LONG_KEY)
    assert privacy.load_key(key_file) == LONG_KEY.encode()


@pytest.mark.parametrize("content", ["", "\n", "x", "short-key-of-31-characters-0000"])
def test_an_empty_or_short_key_file_is_refused(tmp_path, monkeypatch, content):
    """An empty key makes the pseudonyms an unkeyed hash anyone can recompute; a short one can be guessed."""
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    key_file = tmp_path / "pseudonym.key"
    key_file.write_text(content)
    key_file.chmod(0o600)
    with pytest.raises(privacy.PseudonymKeyError, match=r"at least 32 characters.*delete it") as refused:
        privacy.load_key(key_file)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_key_file_others_can_read_is_refused(tmp_path, monkeypatch, mode):
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    key_file = tmp_path / "pseudonym.key"
    key_file.write_text(LONG_KEY)
    key_file.chmod(mode)
    with pytest.raises(privacy.PseudonymKeyError, match=f"chmod 600 {key_file}"):
        privacy.load_key(key_file)


@pytest.mark.parametrize("value", ["", "x", "test-key-not-secret"])
def test_an_empty_or_short_key_in_the_environment_is_refused(tmp_path, monkeypatch, value):
    monkeypatch.setenv(privacy.KEY_ENV, value)
    with pytest.raises(privacy.PseudonymKeyError, match=f"{privacy.KEY_ENV} .*at least 32 characters"):
        privacy.load_key(tmp_path / "pseudonym.key")
    assert not (tmp_path / "pseudonym.key").exists()


def test_the_test_suites_key_is_long_enough():
    from tests.conftest import PSEUDONYM_KEY

    assert len(PSEUDONYM_KEY) >= keys.MIN_KEY_CHARS
