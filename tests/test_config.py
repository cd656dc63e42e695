"""app.yaml loading and validation (chatops.config)."""

from __future__ import annotations

import copy
import textwrap
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatops.config import (
    AppConfig,
    ConfigError,
    default_config_path,
    load_config,
    validate_config_data,
)
from chatops.sla.calendars import BusinessCalendar
from domain.durations import parse_duration
from domain.hours import parse_hours

REPO = Path(__file__).resolve().parents[1]
MINIMAL: dict[str, Any] = {"teams": [{"name": "support", "channel": "C0SUPPORT"}]}


def errors_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as info:
        validate_config_data(data)
    assert str(info.value) == "\n".join(info.value.errors)
    return info.value.errors


def yaml_errors(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "app.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value.errors


def with_(path: str, value: Any) -> dict[str, Any]:
    """MINIMAL with one value set at a dotted path (ints index lists)."""
    data = copy.deepcopy(MINIMAL)
    keys: list[Any] = [int(k) if k.isdigit() else k for k in path.split(".")]
    node: Any = data
    for key in keys[:-1]:
        node = node[key] if isinstance(key, int) else node.setdefault(key, {})
    node[keys[-1]] = value
    return data


# --- the shipped file and defaults ---------------------------------------------------


def test_shipped_app_yaml_loads() -> None:
    config = load_config(REPO / "app.yaml")
    assert config.timezone == "Europe/Moscow"
    assert set(config.calendars) == {"office"}
    assert config.calendars["office"].holidays == [date(2026, 12, 31), date(2027, 1, 1)]
    assert config.calendars["office"].country == "RU"
    assert config.sla.policies["high"].calendar == "office"
    assert config.sla.policies["normal"].resolution == timedelta(days=3)
    assert [n.remaining for n in config.sla.nudges] == [0.5, 0.25, 0.1, 0.0]
    team = config.teams[0]
    assert team.agents == {"bob@example.com": "U0AGENT1", "carol@example.com": "U0AGENT2"}
    assert team.teams_webhook_env == "TEAMS_WEBHOOK_SUPPORT"
    assert [t.name for t in config.teams] == ["support", "billing"]
    assert config.qa.checklist[-1].critical is True
    assert config.qa.appeal_window == timedelta(days=14)


def test_minimal_config_gets_the_defaults() -> None:
    config = validate_config_data(copy.deepcopy(MINIMAL))
    assert config.timezone == "UTC" and config.slash_command == "/chatops" and config.admins == []
    assert config.calendars == {}
    policies = config.sla.policies
    assert set(policies) == {"urgent", "high", "normal", "low"}
    assert policies["urgent"].first_response == timedelta(minutes=30)
    assert policies["urgent"].resolution == timedelta(hours=4)
    assert policies["high"].first_response == timedelta(hours=1)
    assert policies["high"].resolution == timedelta(hours=8)
    assert policies["normal"].resolution == timedelta(days=3)
    assert policies["low"].first_response == timedelta(days=1)
    assert policies["low"].resolution == timedelta(days=5)
    assert all(p.calendar == "24x7" for p in policies.values())
    assert config.sla.pause_on == ["pending", "on_hold"]
    assert [(n.remaining, n.colour) for n in config.sla.nudges] == [
        (0.5, "#2EB67D"), (0.25, "#ECB22E"), (0.1, "#E01E5A"), (0.0, "#8B0000")]
    assert config.sla.notify == ["thread", "assignee_dm"]
    assert config.sla.scan_every == timedelta(seconds=60)
    team = config.teams[0]
    assert team.leads == [] and team.agents == {} and team.rating_visibility == "leads_only"
    assert team.teams_webhook_env is None and team.timezone is None
    assert team.weekly_review.cron == "0 10 * * mon" and team.weekly_review.per_agent is False
    assert config.qa.reviewers == [] and config.qa.pass_mark == 80
    assert config.qa.appeal_window == timedelta(days=14)
    assert [i.id for i in config.qa.checklist] == ["knowledge", "attentive", "efficient", "composure", "closure"]
    assert [i.weight for i in config.qa.checklist] == [2, 2, 1, 1, 2]
    assert config.ratings.negative == ["bad", 1, 2]


def test_helpers() -> None:
    data = copy.deepcopy(MINIMAL)
    data["teams"].append({"name": "billing", "channel": "G0BILLING", "timezone": "Asia/Tokyo"})
    data["calendars"] = {"office": {"timezone": "Europe/Berlin"}}
    config = validate_config_data(data)
    assert config.team("billing") is config.teams[1]
    assert config.team("nope") is None and config.team(None) is None
    assert config.team_for("billing") is config.teams[1]
    assert config.team_for("nope") is config.teams[0] and config.team_for(None) is config.teams[0]
    assert config.team_timezone(config.teams[0]) == "UTC"
    assert config.team_timezone(config.teams[1]) == "Asia/Tokyo"
    assert config.calendars["office"].timezone == "Europe/Berlin"


def test_partial_policies_merge_over_defaults() -> None:
    config = validate_config_data(with_("sla.policies", {"urgent": {"first_response": "15m"}}))
    assert config.sla.policies["urgent"].first_response == timedelta(minutes=15)
    assert config.sla.policies["urgent"].resolution == timedelta(hours=4)
    assert config.sla.policies["low"].resolution == timedelta(days=5)


def test_normalisation() -> None:
    data = with_("teams.0.agents", {"Bob@Example.COM": "U0AGENT1"})
    data["sla"] = {"nudges": [{"remaining": "75%", "colour": "#abcdef"}, {"remaining": 0.2, "color": "123456"}]}
    data["ratings"] = {"negative": ["bad", "2"]}
    config = validate_config_data(data)
    assert config.teams[0].agents == {"bob@example.com": "U0AGENT1"}
    assert [(n.remaining, n.colour) for n in config.sla.nudges] == [(0.75, "#ABCDEF"), (0.2, "#123456")]
    assert config.ratings.negative == ["bad", 2]


def test_null_sections_mean_defaults() -> None:
    config = validate_config_data({**MINIMAL, "calendars": None, "sla": None, "admins": None})
    assert config.calendars == {} and len(config.sla.nudges) == 4


# --- errors name their place ----------------------------------------------------------

BAD_VALUES = [
    ("teams.0.leads", ["U0LEAD1", "bob"], 'teams[0].leads[1]: "bob" is not a Slack user ID'),
    ("teams.0.channel", "#support", 'teams[0].channel: "#support" is not a Slack channel ID'),
    ("teams.0.agents", {"bob@example.com": "bob"}, 'teams[0].agents["bob@example.com"]: "bob" is not a Slack user ID'),
    ("teams.0.rating_visibility", "everyone", "teams[0].rating_visibility: "),
    ("teams.0.teams_webhook_env", "https://x.example/hook", "teams[0].teams_webhook_env: "),
    ("teams.0.weekly_review", {"cron": "0 10 * mon"}, "teams[0].weekly_review.cron: "),
    ("teams.0.weekly_review", {"cron": "0 25 * * mon"}, "teams[0].weekly_review.cron: "),
    ("teams.0.timezone", "Mars/Base", 'teams[0].timezone: "Mars/Base" is not a known time zone'),
    ("timezone", "Europe/Mosco", "timezone: "),
    ("slash_command", "chatops", "slash_command: "),
    ("admins", ["U0ADMIN1", "admin"], "admins[1]: "),
    ("sla.policies", {"critical": {"first_response": "1h", "resolution": "2h"}}, 'sla.policies.critical: "critical"'),
    ("sla.policies", {"high": {"calendar": "office"}}, 'sla.policies.high.calendar: unknown calendar "office"'),
    ("sla.policies", {"urgent": {"first_response": "30 minutes"}}, "sla.policies.urgent.first_response: "),
    ("sla.policies", {"urgent": {"resolution": "0s"}}, "sla.policies.urgent.resolution: must be longer than zero"),
    ("sla.scan_every", "soon", 'sla.scan_every: "soon" is not a duration'),
    ("sla.pause_on", ["waiting"], "sla.pause_on[0]: "),
    ("sla.notify", ["email"], "sla.notify[0]: "),
    ("sla.nudges", [{"remaining": "10%", "colour": "#000000"}, {"remaining": "50%", "colour": "#FFFFFF"}],
     "sla.nudges: marks must be strictly decreasing"),
    ("sla.nudges", [{"remaining": 50, "colour": "#000000"}], "sla.nudges[0].remaining: "),
    ("sla.nudges", [{"remaining": "1%", "colour": "red"}], "sla.nudges[0].colour: "),
    ("calendars", {"24x7": {}}, 'calendars.24x7: the calendar "24x7" is built in'),
    ("calendars", {"office": {"hours": {"monday": "09:00-18:00"}}},
     'calendars.office.hours.monday: "monday" is not a day'),
    ("calendars", {"office": {"hours": {"mon": "9-18"}}}, "calendars.office.hours.mon: "),
    ("calendars", {"office": {"hours": {"mon": "18:00-09:00"}}}, "calendars.office.hours.mon: "),
    ("calendars", {"office": {"hours": {"mon": "09:00-24:30"}}}, "calendars.office.hours.mon: "),
    ("calendars", {"office": {"hours": {"mon": "09:00-13:00,12:00-18:00"}}}, "calendars.office.hours.mon: "),
    ("calendars", {"office": {"hours": {"mon": 540}}},
     "calendars.office.hours.mon: 540 is not opening hours: quote it"),
    ("calendars", {"office": {"country": "XX"}}, 'calendars.office.country: "XX" is not a country'),
    ("calendars", {"office": {"holidays": ["someday"]}}, "calendars.office.holidays[0]: expected a date YYYY-MM-DD"),
    ("calendars", {"office": {"timezone": "Nowhere"}}, "calendars.office.timezone: "),
    ("qa.pass_mark", 120, "qa.pass_mark: "),
    ("qa.appeal_window", "two weeks", "qa.appeal_window: "),
    ("qa.checklist", [{"id": "a", "text": "A"}, {"id": "a", "text": "B"}],
     'qa.checklist: the id "a" is used twice (items [0] and [1])'),
    ("qa.checklist", [{"id": "a", "text": "A", "weight": 0}], "qa.checklist[0].weight: "),
    ("qa.checklist", [], "qa.checklist: must not be empty"),
    ("ratings.negative", ["terrible"], "ratings.negative[0]: "),
    ("ratings.negative", [6], "ratings.negative[0]: "),
    ("teams.0.chanel", "C0SUPPORT", 'teams[0].chanel: unknown key (did you mean "channel"?)'),
    ("sla.scan_evry", "60s", 'sla.scan_evry: unknown key (did you mean "scan_every"?)'),
    ("colour_scheme", "dark", "colour_scheme: unknown key"),
    ("teams.0.leads", "U0LEAD1", 'teams[0].leads: expected a list, got "U0LEAD1"'),
]


@pytest.mark.parametrize(("path", "value", "expected"), BAD_VALUES,
                         ids=[b[0] + ":" + str(b[1])[:20] for b in BAD_VALUES])
def test_error_names_its_place(path: str, value: Any, expected: str) -> None:
    errors = errors_of(with_(path, value))
    assert any(e.startswith(expected) for e in errors), errors


def test_missing_teams() -> None:
    assert errors_of({"timezone": "UTC"}) == ["teams: is required (at least one team with a name and a channel)"]
    assert errors_of({"teams": []}) == ["teams: must not be empty"]
    assert errors_of({"teams": [{"name": "support"}]}) == ["teams[0].channel: is required"]


def test_duplicate_team_name() -> None:
    data = {"teams": [{"name": "a", "channel": "C0A"}, {"name": "a", "channel": "C0B"}]}
    assert errors_of(data) == ['teams[1].name: the team name "a" is already used by teams[0]']


def test_all_errors_are_reported_together() -> None:
    data = with_("teams.0.leads", ["U0LEAD1", "bob"])
    data["timezone"] = "Mars/Base"
    data["sla"] = {"policies": {"high": {"calendar": "office"}}, "scan_every": "later"}
    data["qa"] = {"pass_mark": -1}
    errors = errors_of(data)
    assert len(errors) == 5, errors
    for place in ("timezone:", "teams[0].leads[1]:", "sla.policies.high.calendar:", "sla.scan_every:", "qa.pass_mark:"):
        assert any(e.startswith(place) for e in errors), (place, errors)


def test_direct_construction_checks_calendars_too() -> None:
    with pytest.raises(ConfigError, match=r"sla\.policies\.high\.calendar: unknown calendar"):
        AppConfig.model_validate(with_("sla.policies", {"high": {"calendar": "office"}}))


# --- from a file: lines and YAML problems ------------------------------------------------


def test_errors_carry_yaml_lines(tmp_path: Path) -> None:
    errors = yaml_errors(tmp_path, """\
        timezone: UTC
        sla:
          policies:
            high: {first_response: 1h, resolution: 8h, calendar: office}
        teams:
          - name: support
            channel: C0SUPPORT
            leads: [U0LEAD1,
                    bob]
            weekly_review: {cron: "0 10 * mon"}
        """)
    assert errors[0] == 'sla.policies.high.calendar: unknown calendar "office" (known: 24x7) (line 4)'
    assert errors[1] == 'teams[0].leads[1]: "bob" is not a Slack user ID (expected U… or W…) (line 9)'
    assert errors[2].startswith("teams[0].weekly_review.cron: ") and errors[2].endswith("(line 10)")


def test_unquoted_colour_hint(tmp_path: Path) -> None:
    errors = yaml_errors(tmp_path, """\
        sla:
          nudges:
            - remaining: 50%
              colour: #2EB67D
        teams: [{name: support, channel: C0SUPPORT}]
        """)
    assert errors == [
        'sla.nudges[0].colour: colour is empty: quote it, "#RRGGBB" (an unquoted # starts a YAML comment) (line 4)'
    ]


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    errors = yaml_errors(tmp_path, """\
        teams:
          - name: support
            channel: C0SUPPORT
            channel: C0OTHER
        """)
    assert errors == ["teams[0].channel: the key appears twice (first at line 3) (line 3)"]


def test_yaml_syntax_error(tmp_path: Path) -> None:
    errors = yaml_errors(tmp_path, """\
        teams:
          - name: support
            channel: [C0SUPPORT
        qa: {}
        """)
    assert len(errors) == 1
    assert "YAML syntax error at line 4, column " in errors[0] and errors[0].startswith(str(tmp_path))


@pytest.mark.parametrize(("text", "expected"), [
    ("", "the file is empty"),
    ("# only a comment\n", "the file is empty"),
    ("- a\n- b\n", "(top level): expected a mapping"),
])
def test_empty_or_not_a_mapping(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in yaml_errors(tmp_path, text)[0]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.yaml")


def test_norway_survives_yaml(tmp_path: Path) -> None:
    path = tmp_path / "app.yaml"
    path.write_text("calendars: {oslo: {country: NO}}\nteams: [{name: s, channel: C0S}]\n")
    assert load_config(path).calendars["oslo"].country == "NO"


def test_default_config_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHATOPS_CONFIG", raising=False)
    assert default_config_path(None) == "./app.yaml"
    monkeypatch.setenv("CHATOPS_CONFIG", "/etc/chatops.yaml")
    assert default_config_path(None) == "/etc/chatops.yaml"
    assert default_config_path("x.yaml") == "x.yaml"


# --- parsers ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("30s", timedelta(seconds=30)), ("15m", timedelta(minutes=15)), ("4h", timedelta(hours=4)),
    ("3d", timedelta(days=3)), ("1w", timedelta(weeks=1)), ("1h30m", timedelta(minutes=90)),
    ("1h 30m", timedelta(minutes=90)), (" 2D ", timedelta(days=2)), ("90", timedelta(seconds=90)),
    (45, timedelta(seconds=45)), (0, timedelta(0)),
])
def test_parse_duration(text: str | int, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("bad", ["", "h", "1.5h", "-3m", "3 days", "1y", -5, True, None, [1]])
def test_parse_duration_rejects(bad: Any) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(bad)


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["s", "m", "h", "d"]))
def test_parse_duration_property(n: int, unit: str) -> None:
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    assert parse_duration(f"{n}{unit}") == timedelta(seconds=n * seconds)


def test_parse_hours() -> None:
    assert parse_hours("09:00-13:00,14:00-18:00") == ((9 * 60, 13 * 60), (14 * 60, 18 * 60))
    assert parse_hours("14:00-24:00, 00:00-08:00") == ((0, 8 * 60), (14 * 60, 24 * 60))
    assert parse_hours("09:00-12:00,12:00-18:00") == ((9 * 60, 12 * 60), (12 * 60, 18 * 60))  # touching


@pytest.mark.parametrize("text", ["09:00-13:00,12:00-18:00", "closed", "", "09:00 - 18:00"])
def test_calendars_refuse_exactly_what_config_refuses(text: str) -> None:
    """One rule for opening hours: an overlap is refused (not merged), by app.yaml's
    validation and by the calendar alike."""
    with pytest.raises(ValueError):
        parse_hours(text)
    with pytest.raises(ConfigError):
        validate_config_data(with_("calendars", {"office": {"hours": {"mon": text}}}))
    with pytest.raises(ValueError):
        BusinessCalendar("UTC", {"mon": text})


def test_a_syntax_error_points_where_the_construct_started_too(tmp_path: Path) -> None:
    errors = yaml_errors(tmp_path, """\
        timezone: UTC
        admins: [U0ADMIN1,
          U0ADMIN2
        teams:
          - {name: support, channel: C0SUPPORT}
        """)
    assert len(errors) == 1
    assert "YAML syntax error at line 4, column " in errors[0]
    assert "flow sequence that started at line 2, column 9" in errors[0]


def test_an_unquoted_colour_in_a_flow_mapping_says_to_quote_it(tmp_path: Path) -> None:
    errors = yaml_errors(tmp_path, """\
        sla:
          nudges:
            - {remaining: 50%, colour: #2EB67D}
            - {remaining: 0, colour: "#8B0000"}
        teams: [{name: support, channel: C0SUPPORT}]
        """)
    assert "YAML syntax error at line 4" in errors[0]
    assert errors[1].endswith('line 3: an unquoted #2EB67D starts a YAML comment, and the rest of '
                              'the line with it: quote it, "#2EB67D"')
