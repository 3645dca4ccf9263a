import pytest

from kiosk.config import OPTIONS, load_config
from kiosk.errors import ConfigError


def test_defaults_apply_when_no_file_exists(tmp_path):
    config = load_config(tmp_path / "missing.toml", {})
    assert config.zone_name == "政务公开专区"
    assert config.sources["zone_name"] == "default"


def test_file_then_environment_override(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('zone_name = "海城市政务公开专区"\nprint_quota_pages = 20\n', encoding="utf-8")
    config = load_config(path, {"KIOSK_PRINT_QUOTA_PAGES": "30", "KIOSK_TRUSTED_KEYS": "a.pub, b.pub"})
    assert config.zone_name == "海城市政务公开专区"
    assert config.sources["zone_name"] == f"file:{path}"
    assert config.print_quota_pages == 30
    assert config.sources["print_quota_pages"] == "env:KIOSK_PRINT_QUOTA_PAGES"
    assert config.trusted_keys == ["a.pub", "b.pub"]


def test_unknown_key_is_named(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text("zone_nmae = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, {})
    assert info.value.field == "zone_nmae"
    assert "zone_nmae" in info.value.message_zh and "zone_nmae" in info.value.message_en


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("print_quota_pages = 'many'\n", "print_quota_pages"),
        ("fullscreen = 1\n", "fullscreen"),
        ("print_quota_pages = 0\n", "print_quota_pages"),
        ("log_level = 'LOUD'\n", "log_level"),
        ("trusted_keys = [1, 2]\n", "trusted_keys"),
    ],
)
def test_wrong_type_or_value_is_named(tmp_path, text, key):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, {})
    assert info.value.field == key


def test_bad_environment_value_is_named(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(None, {"KIOSK_SYNC_INTERVAL_MINUTES": "soon"})
    assert "KIOSK_SYNC_INTERVAL_MINUTES" in info.value.message_en


def test_broken_toml_gives_a_clear_message(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text("zone_name = \n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, {})
    assert "TOML" in info.value.message_en


def test_unreadable_file_gives_a_clear_message(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.mkdir()
    with pytest.raises(ConfigError):
        load_config(path, {})


def test_every_option_has_help_and_an_env_name():
    names = [o.name for o in OPTIONS]
    assert len(names) == len(set(names))
    for option in OPTIONS:
        assert option.help and option.env_var == "KIOSK_" + option.name.upper()


def test_config_show_reports_sources_and_hides_secrets(cli, home):
    (home / "kiosk.toml").write_text('terminal_token = "s3cret"\nzone_name = "测试专区"\n', encoding="utf-8")
    data = cli.json("config", "show")
    options = {row["name"]: row for row in data["options"]}
    assert options["zone_name"]["value"] == "测试专区"
    assert options["zone_name"]["source"].startswith("file:")
    assert options["terminal_token"]["value"] == "***"
    assert "s3cret" not in cli("config", "show").stdout


def test_cli_stops_on_bad_config_naming_the_key(cli, home):
    (home / "kiosk.toml").write_text("bogus = 1\n", encoding="utf-8")
    result = cli("docs", "list", expect=2)
    assert "bogus" in result.stderr
    assert "Traceback" not in result.output + result.stderr
