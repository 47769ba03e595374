"""Settings from the environment (onezone.envconfig): loud failures on bad values."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from onezone.envconfig import database_config, env_bool, env_int, env_list

SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "on"])
def test_it_reads_true_words(monkeypatch, raw):
    monkeypatch.setenv("ONEZONE_FLAG", raw)

    assert env_bool("ONEZONE_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_it_reads_false_words(monkeypatch, raw):
    monkeypatch.setenv("ONEZONE_FLAG", raw)

    assert env_bool("ONEZONE_FLAG", True) is False


def test_it_uses_the_default_boolean_when_unset(monkeypatch):
    monkeypatch.delenv("ONEZONE_FLAG", raising=False)

    assert env_bool("ONEZONE_FLAG", True) is True
    assert env_bool("ONEZONE_FLAG", False) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "y", "enabled"])
def test_it_refuses_a_bad_boolean(monkeypatch, raw):
    monkeypatch.setenv("ONEZONE_FLAG", raw)

    with pytest.raises(ImproperlyConfigured) as error:
        env_bool("ONEZONE_FLAG", False)

    assert str(error.value) == (
        f"ONEZONE_FLAG={raw!r} is not a boolean; use 1/0, true/false, yes/no."
    )


def test_it_reads_whole_numbers(monkeypatch):
    monkeypatch.setenv("ONEZONE_COUNT", " 42 ")

    assert env_int("ONEZONE_COUNT", 5) == 42


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_it_uses_the_default_number_when_unset_or_blank(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv("ONEZONE_COUNT", raising=False)
    else:
        monkeypatch.setenv("ONEZONE_COUNT", raw)

    assert env_int("ONEZONE_COUNT", 5) == 5


@pytest.mark.parametrize("raw", ["abc", "1.5", "10k"])
def test_it_refuses_a_number_that_is_not_whole(monkeypatch, raw):
    monkeypatch.setenv("ONEZONE_COUNT", raw)

    with pytest.raises(ImproperlyConfigured) as error:
        env_int("ONEZONE_COUNT", 5)

    assert str(error.value) == f"ONEZONE_COUNT={raw!r} is not a whole number."


def test_it_refuses_a_number_below_the_minimum(monkeypatch):
    monkeypatch.setenv("ONEZONE_COUNT", "0")

    with pytest.raises(ImproperlyConfigured) as error:
        env_int("ONEZONE_COUNT", 5, minimum=1)

    assert str(error.value) == "ONEZONE_COUNT=0 must be at least 1."


def test_it_refuses_a_negative_number_by_default(monkeypatch):
    monkeypatch.setenv("ONEZONE_COUNT", "-3")

    with pytest.raises(ImproperlyConfigured):
        env_int("ONEZONE_COUNT", 5)


def test_it_reads_comma_separated_lists(monkeypatch):
    monkeypatch.setenv("ONEZONE_HOSTS", " a.example , b.example,,c.example ")

    assert env_list("ONEZONE_HOSTS", ["x"]) == ["a.example", "b.example", "c.example"]


def test_it_uses_the_default_list_when_unset(monkeypatch):
    monkeypatch.delenv("ONEZONE_HOSTS", raising=False)

    assert env_list("ONEZONE_HOSTS", ["localhost"]) == ["localhost"]


@pytest.mark.parametrize("raw", ["", " , ,"])
def test_it_refuses_a_list_that_names_nothing(monkeypatch, raw):
    monkeypatch.setenv("ONEZONE_HOSTS", raw)

    with pytest.raises(ImproperlyConfigured) as error:
        env_list("ONEZONE_HOSTS", ["localhost"])

    assert str(error.value) == "ONEZONE_HOSTS is set but lists no value."


def test_it_defaults_to_a_sqlite_file_in_wal_mode(tmp_path):
    path = tmp_path / "var" / "onezone.sqlite3"

    config = database_config(None, path)

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(path)
    assert config["OPTIONS"] == SQLITE_OPTIONS
    assert config["CONN_MAX_AGE"] == 0


def test_it_tunes_an_explicit_sqlite_url_the_same_way():
    config = database_config("sqlite:////srv/onezone/db.sqlite3", "/unused")

    assert (config["NAME"], config["OPTIONS"]) == ("/srv/onezone/db.sqlite3", SQLITE_OPTIONS)


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql"])
def test_it_parses_a_postgres_url(scheme):
    config = database_config(f"{scheme}://oz:p%40ss@db.example:5433/onezone", "/unused")

    assert {key: config[key] for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT")} == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "onezone",
        "USER": "oz",
        "PASSWORD": "p@ss",
        "HOST": "db.example",
        "PORT": 5433,
    }
    assert config["CONN_MAX_AGE"] == 60
    assert "OPTIONS" not in config or "init_command" not in config["OPTIONS"]


@pytest.mark.parametrize("url", ["mysql://oz@db.example/onezone", "oracle://x@y/z", "onezone"])
def test_it_refuses_an_unsupported_database(url):
    with pytest.raises(ImproperlyConfigured, match="is not supported"):
        database_config(url, "/unused")


def test_it_refuses_a_malformed_database_url():
    with pytest.raises(ImproperlyConfigured, match="is not a valid URL"):
        database_config("postgres://oz@db.example:notaport/onezone", "/unused")


def _import_settings(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("ONEZONE_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.update(ONEZONE_HOME=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", "import onezone.settings"],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_requires_a_secret_key_when_debug_is_off(tmp_path):
    result = _import_settings(tmp_path, ONEZONE_DEBUG="0")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ONEZONE_SECRET_KEY is required when ONEZONE_DEBUG is off" in result.stderr


def test_it_starts_with_a_secret_key_and_debug_off(tmp_path):
    result = _import_settings(tmp_path, ONEZONE_DEBUG="0", ONEZONE_SECRET_KEY="s" * 50)

    assert (result.returncode, result.stderr) == (0, "")


def test_it_refuses_to_start_with_a_bad_debug_value(tmp_path):
    result = _import_settings(tmp_path, ONEZONE_DEBUG="maybe")

    assert result.returncode != 0
    assert "ONEZONE_DEBUG='maybe' is not a boolean" in result.stderr


def test_it_refuses_to_start_with_an_unsupported_database(tmp_path):
    result = _import_settings(
        tmp_path, ONEZONE_DEBUG="1", ONEZONE_DATABASE_URL="mysql://oz@db.example/onezone"
    )

    assert result.returncode != 0
    assert "ONEZONE_DATABASE_URL scheme 'mysql' is not supported" in result.stderr


def test_it_reads_a_checkouts_dotenv_but_lets_the_environment_win(tmp_path):
    (tmp_path / ".env").write_text("ONEZONE_DEBUG=1\n")
    assert _import_settings(tmp_path).returncode == 0
    result = _import_settings(tmp_path, ONEZONE_DEBUG="0")
    assert result.returncode != 0
    assert "ONEZONE_SECRET_KEY is required" in result.stderr
