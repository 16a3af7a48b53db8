"""Alert rules: which incidents go to which channels.

Rules are DATA (a TOML/JSON table validated by the models below), never code: a
condition names an `Incident` field, an operator and a value, and `matches` evaluates
it with plain comparisons. Everything that can be wrong in a rule (an unknown field, an
operator that does not fit the field's type, a value outside an enum, a bad regex, a
duplicate rule name, a channel nobody defined, a watchlist file that cannot be read)
fails when the rules are loaded, so a typo is a start-up error instead of an alert that
silently never fires.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import types
import typing
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

import re2
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from alerts.channels import CHANNEL_KINDS
from alerts.channels.base import ChannelSpec
from alerts.channels.console import ConsoleSpec
from alerts.durations import parse_duration
from alerts.errors import RuleError
from parsers.orgname import folded_text, name_key, names_match, names_parent
from parsers.schema import Incident
from parsers.textnorm import nfkc

Op = Literal[
    "==", "!=", ">=", "<=", ">", "<", "in", "not_in", "contains", "any", "all", "regex",
    "is_null", "not_null",
]  # fmt: skip
Event = Literal["new", "update"]

_ORDERING = frozenset({">=", "<=", ">", "<"})
_TEXT_OPS = frozenset({"contains", "regex"})
_NULL_OPS = frozenset({"is_null", "not_null"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- Incident field shapes --------------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    """What a condition may do with one Incident field: its container and element type."""

    container: Literal["scalar", "list", "mapping"]
    item: Any


def _shape_of(annotation: Any) -> _Shape:
    origin = typing.get_origin(annotation)
    if origin is list:
        return _Shape("list", typing.get_args(annotation)[0])
    if origin is dict:
        return _Shape("mapping", typing.get_args(annotation)[1])
    if origin in (types.UnionType, typing.Union):
        non_null = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _shape_of(non_null[0])
    return _Shape("scalar", annotation)


_FIELDS: dict[str, _Shape] = {
    name: _shape_of(info.annotation) for name, info in Incident.model_fields.items()
}


def _check_op(field: str, shape: _Shape, op: str) -> None:
    """Reject operators that cannot mean anything for the field's type."""
    if op in _NULL_OPS:
        return
    if shape.container == "mapping":
        raise ValueError(f"field {field!r} only supports is_null/not_null")
    if op in ("any", "all"):
        if shape.container != "list":
            raise ValueError(f"operator {op!r} needs a list field; {field!r} is not one")
        return
    if op in _TEXT_OPS:
        if shape.item is not str:
            raise ValueError(f"operator {op!r} needs a text field; {field!r} is not one")
        return
    if shape.container == "list":
        raise ValueError(f"operator {op!r} does not apply to list field {field!r}; use any/all")
    orderable = shape.item in (int, dt.date)
    if op in _ORDERING and not orderable:
        raise ValueError(f"operator {op!r} needs a number or date field; {field!r} is not one")


def _coerce_value(field: str, shape: _Shape, op: str, value: Any) -> Any:
    """Validate the condition's value against the field's type (enum values included)."""
    if op in _NULL_OPS:
        if value is not None:
            raise ValueError(f"operator {op!r} takes no value")
        return None
    if value is None:
        raise ValueError(f"operator {op!r} on {field!r} needs a value (use is_null for null)")
    if op in _TEXT_OPS:
        if not isinstance(value, str) or not value:
            raise ValueError(f"operator {op!r} needs a non-empty string value")
        return value
    if op in ("in", "not_in", "any", "all"):
        if not isinstance(value, list | tuple) or not value:
            raise ValueError(f"operator {op!r} needs a non-empty list value")
        return tuple(_typed_item(field, shape, v) for v in value)
    return _typed_item(field, shape, value)


def _typed_item(field: str, shape: _Shape, value: Any) -> Any:
    try:
        return TypeAdapter(shape.item).validate_python(value)
    except ValidationError:
        raise ValueError(f"{value!r} is not a valid value for {field!r}") from None


class Condition(_Strict):
    """`field op value`, e.g. `cards_affected >= 1000` or `categories any [ransomware]`.

    `contains` and `regex` see the NFKC form of the text (so full-width letters match
    their ASCII spelling); `contains` also ignores case. On a list-of-text field they hold
    when any element does. `is_null` also holds for an empty list.
    """

    field: str
    op: Op
    value: Any = None

    _typed: Any = PrivateAttr(default=None)
    _pattern: Any = PrivateAttr(default=None)  # an RE2 pattern

    @field_validator("field")
    @classmethod
    def _known_field(cls, field: str) -> str:
        if field not in _FIELDS:
            raise ValueError(f"unknown incident field {field!r}")
        return field

    @model_validator(mode="after")
    def _typed_value(self) -> Condition:
        shape = _FIELDS[self.field]
        _check_op(self.field, shape, self.op)
        self._typed = _coerce_value(self.field, shape, self.op, self.value)
        if self.op == "regex":
            self._pattern = rule_regex(self.value)
        elif self.op == "contains":
            self._typed = nfkc(self.value).casefold()
        return self

    def describe(self) -> str:
        return f"{self.field} {self.op}" + ("" if self.value is None else f" {self.value!r}")


def _re2_options() -> Any:
    options = re2.Options()
    options.log_errors = False  # the error is raised to the caller, not printed to stderr
    return options


_RE2_OPTIONS = _re2_options()


def rule_regex(pattern: str) -> Any:
    """An operator's `regex`, compiled by RE2: matching takes time linear in the scraped
    text whatever the pattern (`(a+)+$` cannot backtrack), so a rule cannot stall the
    service. What RE2 cannot promise that for (backreferences, lookaround) is refused here,
    at load, with the reason."""
    try:
        return re2.compile(pattern, _RE2_OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(
            f"invalid regex {pattern!r}: {reason} (RE2 syntax: no backreferences or lookaround)"
        ) from None


def _is_empty(actual: Any) -> bool:
    return actual is None or (isinstance(actual, list | dict) and not actual)


def _text_holds(cond: Condition, actual: Any) -> bool:
    texts = actual if isinstance(actual, list) else [actual]
    for text in texts:
        if text is None:
            continue
        norm = nfkc(text)
        if cond.op == "contains" and cond._typed in norm.casefold():
            return True
        if cond.op == "regex" and cond._pattern is not None and cond._pattern.search(norm):
            return True
    return False


def condition_holds(cond: Condition, incident: Incident) -> bool:
    """Evaluate one condition; a null field satisfies only is_null, != and not_in."""
    actual = getattr(incident, cond.field)
    op, want = cond.op, cond._typed
    if op in _NULL_OPS:
        return _is_empty(actual) == (op == "is_null")
    if op in _TEXT_OPS:
        return _text_holds(cond, actual)
    if op == "any":
        return any(v in actual for v in want)
    if op == "all":
        return all(v in actual for v in want)
    if op == "==":
        return bool(actual == want)
    if op == "!=":
        return bool(actual != want)
    if op == "in":
        return actual in want
    if op == "not_in":
        return actual not in want
    if actual is None:
        return False
    return bool(
        {
            ">=": actual >= want,
            "<=": actual <= want,
            ">": actual > want,
            "<": actual < want,
        }[op]
    )


# --- Channel specs ---

if TYPE_CHECKING:
    AnyChannelSpec = ChannelSpec
else:
    # One model per registered channel kind, chosen by the table's `kind`.
    AnyChannelSpec = Annotated[
        Union[tuple(kind.spec for kind in CHANNEL_KINDS.values())],  # noqa: UP007
        Field(discriminator="kind"),
    ]


# --- Rules ------------------------------------------------------------------------------


# A comment starts at a `#` at the start of a line or after whitespace, so an operator's
# `株式会社A  # 主要取引先` still watches 株式会社A.
_COMMENT = re.compile(r"(?:^|\s)#.*$")


class Throttle(_Strict):
    """At most `max` alerts of a rule per channel within any `per` seconds.

    Alerts over the limit are delayed until the window has room, never dropped: a burst
    of notices becomes a slower stream, and nothing committed is lost.
    """

    max: int = Field(ge=1)
    per: float

    @field_validator("per", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> float:
        return parse_duration(value)


def throttle_delay(
    throttle: Throttle, sent_times: Sequence[dt.datetime], now: dt.datetime
) -> float:
    """Seconds to wait before one more alert may go out under `throttle` (0 if it may now).

    `sent_times` are when earlier alerts of the same rule and channel were sent (any order,
    older ones are ignored). A send at `t` occupies the window until `t + per`; when the
    window is full, the wait ends as the oldest send that must leave it does. All
    datetimes must be aware (or all naive in the same zone), as Python requires.
    """
    window = dt.timedelta(seconds=throttle.per)
    recent = sorted(t for t in sent_times if t > now - window)
    excess = len(recent) - throttle.max
    if excess < 0:
        return 0.0
    return max(0.0, (recent[excess] + window - now).total_seconds())


@dataclass(frozen=True)
class Watched:
    """One organization of a watchlist: the names it goes by (as written), its
    securities codes (matching TDnet notices of it), and whether notices of its
    subsidiaries count (a notice that names it as parent or group)."""

    names: tuple[str, ...]
    codes: tuple[str, ...] = ()
    subsidiaries: bool = False
    # The names as `name_key` gives them, worked out once: an entry is compared with
    # every incident an alert rule sees.
    keys: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", tuple(name_key(n) for n in self.names))

    def matches(self, organization: str | None, *, code: str | None, text: str | None) -> bool:
        folded = folded_text(text) if self.subsidiaries and text else None
        return self.matches_keyed(name_key(organization or ""), code=code, folded=folded)

    def matches_keyed(self, org: str, *, code: str | None, folded: str | None) -> bool:
        """`matches`, for an organization already `name_key`ed and a text already
        `folded_text`ed (once for a whole watchlist)."""
        if any(names_match(key, org) for key in self.keys):
            return True
        if code is not None and code in self.codes:
            return True
        if self.subsidiaries and folded:
            return any(names_parent(key, folded) for key in self.keys)
        return False


class Rule(_Strict):
    """Send incidents that pass every condition (and the watchlist and source tags, if
    any) to channels, at most `throttle.max` per `throttle.per` per channel."""

    name: str = Field(min_length=1)
    conditions: list[Condition] = Field(default_factory=list)
    organizations: list[str] = Field(default_factory=list)
    organizations_file: str | None = Field(default=None, min_length=1)
    tags: list[str] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=lambda: list[Event](["new"]), min_length=1)
    channels: list[str] = Field(min_length=1)
    throttle: Throttle | None = None
    only_incidents: bool = True
    enabled: bool = True

    _inline_watch: tuple[Watched, ...] = PrivateAttr(default=())
    _file_watch: tuple[Watched, ...] | None = PrivateAttr(default=None)

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: list[str]) -> list[str]:
        for tag in tags:
            if not tag.strip() or tag != tag.strip():
                raise ValueError(f"tag {tag!r} is empty or has surrounding spaces")
        return tags

    @model_validator(mode="after")
    def _normalize_watchlist(self) -> Rule:
        for name in self.organizations:
            if not name_key(name):
                raise ValueError(f"watchlist name {name!r} is empty once normalized")
        self._inline_watch = tuple(Watched((name,)) for name in self.organizations)
        return self

    @property
    def _watch(self) -> tuple[Watched, ...]:
        return (*self._inline_watch, *(self._file_watch or ()))

    @property
    def has_watchlist(self) -> bool:
        return bool(self.organizations) or self.organizations_file is not None

    def watches(
        self, organization: str | None, *, code: str | None = None, text: str | None = None
    ) -> bool:
        """Whether `organization` is on this rule's watchlist: a listed name is the
        organization's once legal forms (in any position or form), width, spaces and
        variant kanji are set aside, or is followed only by the kind of business or body
        (日本生命 watches 日本生命保険相互会社, not 日本生命科学; parsers.orgname.names_match);
        or the incident's securities `code` is an entry's; or an entry with
        `subsidiaries` is named in the notices' `text` as parent or group.
        A watchlist file that was not read watches nothing (fail closed)."""
        if self.organizations_file is not None and self._file_watch is None:
            return False
        org = name_key(organization or "")
        folded = folded_text(text) if text and self.reads_text else None
        return any(w.matches_keyed(org, code=code, folded=folded) for w in self._watch)

    @property
    def reads_text(self) -> bool:
        """Whether matching reads the notices' text (a watchlist entry with
        `subsidiaries`): callers gather that text only then."""
        return any(w.subsidiaries for w in self._watch)

    def load_watchlist(self, base_dir: Path) -> None:
        """Read `organizations_file` (relative to `base_dir`) into the watchlist."""
        if self.organizations_file is None:
            return
        path = Path(self.organizations_file).expanduser()
        if not path.is_absolute():
            path = base_dir / path
        where = f"rule {self.name!r} key 'organizations_file': {path}"
        self._file_watch = tuple(read_watchlist(path, where))


def read_watchlist(path: Path, where: str) -> list[Watched]:
    """The organizations of a watchlist file.

    A text file lists one name a line (`#` starts a comment). A `.toml` file lists
    `[[organization]]` tables whose `name` is a string or a list of aliases
    (`name = ["ヤマダ電機", "YAMADA"]`), with an optional securities `code` (string or
    list) and `subsidiaries = true`. RuleError names `where` and the line or entry when
    the file cannot be read or a name is empty once normalized."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise RuleError(f"{where}: file not found") from None
    except OSError as exc:
        raise RuleError(f"{where}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise RuleError(f"{where}: not UTF-8 (byte {exc.start})") from None
    entries = _toml_watchlist(text, where) if path.suffix == ".toml" else _text_watchlist(text)
    for place, entry in entries:
        for name in entry.names:
            if not name_key(name):
                raise RuleError(f"{where}: {place}: {name!r} is empty once normalized")
    if not entries:
        raise RuleError(f"{where}: no organization names in the file")
    return [entry for _, entry in entries]


def _text_watchlist(text: str) -> list[tuple[str, Watched]]:
    entries: list[tuple[str, Watched]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        name = _COMMENT.sub("", line).strip()
        if name:
            entries.append((f"line {number}", Watched((name,))))
    return entries


def _strings(value: object) -> tuple[str, ...] | None:
    """A string or a list of strings as a tuple; None for anything else."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


_CODE = re.compile(r"^[0-9][0-9A-Z]{3}$")


def _toml_watchlist(text: str, where: str) -> list[tuple[str, Watched]]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{where}: not valid TOML: {exc}") from None
    extra = set(doc) - {"organization"}
    if extra:
        raise RuleError(f"{where}: unknown key {sorted(extra)[0]!r} (expected [[organization]])")
    entries: list[tuple[str, Watched]] = []
    for number, table in enumerate(doc.get("organization", []), start=1):
        place = f"{where}: organization {number}"
        unknown = (
            set(table) - {"name", "code", "subsidiaries"} if isinstance(table, dict) else {"?"}
        )
        if unknown:
            raise RuleError(f"{place}: unknown key {sorted(unknown)[0]!r}")
        names = _strings(table.get("name"))
        if names is None:
            raise RuleError(f"{place}: name must be a string or a list of strings")
        codes = _strings(table.get("code", [])) if "code" in table else ()
        if codes is None or not all(_CODE.match(c) for c in codes):
            raise RuleError(f'{place}: code must be securities codes like "7203" or "130A"')
        subsidiaries = table.get("subsidiaries", False)
        if not isinstance(subsidiaries, bool):
            raise RuleError(f"{place}: subsidiaries must be true or false")
        entries.append((f"organization {number}", Watched(names, codes, subsidiaries)))
    return entries


class RulesConfig(_Strict):
    """The whole rules file. A rule may name `console` without defining it."""

    rules: list[Rule]
    channels: dict[str, AnyChannelSpec] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> RulesConfig:
        names = [rule.name for rule in self.rules]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate rule name(s): {', '.join(map(repr, duplicates))}")
        for rule in self.rules:
            for channel in rule.channels:
                if channel == "console" and channel not in self.channels:
                    self.channels[channel] = ConsoleSpec()
                elif channel not in self.channels:
                    raise ValueError(f"rule {rule.name!r} names undefined channel {channel!r}")
        return self

    def load_watchlists(self, base_dir: Path) -> None:
        """Read every rule's `organizations_file`; relative paths are relative to
        `base_dir` (the rules file's folder). The one place alerts/ reads a file: the
        watchlist is operator data too big for the rules file. Raises RuleError naming
        the rule and the file when one is missing, unreadable, not UTF-8 or empty."""
        for rule in self.rules:
            rule.load_watchlist(base_dir)


def parse_rules(data: Mapping[str, Any], *, base_dir: Path | None = None) -> RulesConfig:
    """Validate a rules table (from TOML/JSON); every problem named in one RuleError.

    With `base_dir`, watchlist files are read too (see `RulesConfig.load_watchlists`).
    """
    try:
        config = RulesConfig.model_validate(data)
    except ValidationError as exc:
        problems = [_describe_error(err, data) for err in exc.errors()]
        raise RuleError("invalid alert rules: " + "; ".join(problems)) from None
    if base_dir is not None:
        config.load_watchlists(base_dir)
    return config


def _describe_error(err: Any, data: Mapping[str, Any]) -> str:
    loc = list(err["loc"])
    parts: list[str] = []
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rule = _item(data.get("rules"), loc[1])
        name = rule.get("name") if isinstance(rule, Mapping) else None
        parts.append(f"rule {name!r}" if name else f"rules[{loc[1]}]")
        loc = loc[2:]
    elif len(loc) >= 3 and loc[0] == "channels" and loc[2] in CHANNEL_KINDS:
        loc = [*loc[:2], *loc[3:]]  # pydantic's union tag (`slack`) is noise to an operator
    if loc:
        parts.append(".".join(str(p) for p in loc))
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{' '.join(parts)}: {msg}" if parts else msg


def _item(seq: Any, index: int) -> Any:
    return seq[index] if isinstance(seq, list) and 0 <= index < len(seq) else None


# --- Matching ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What is known of an incident beyond its facts: the tags of the sources that
    carried it (None: unknown), its securities code, and its notices' text."""

    tags: Collection[str] | None = None
    code: str | None = None
    text: str | None = None


def _failures(rule: Rule, incident: Incident, event: str | None, context: Context) -> Iterator[str]:
    tags = context.tags
    if not rule.enabled:
        yield "rule is disabled"
    if event is not None and event not in rule.events:
        yield f"event {event!r} not in {rule.events}"
    if rule.only_incidents and not incident.is_incident:
        yield "not an incident (only_incidents is set)"
    if isinstance(tags, str):  # a lone tag would be read as a set of characters
        raise TypeError("tags must be a collection of tag names, not a string")
    if rule.tags:
        if tags is None:
            yield f"source tags unknown; the rule needs one of {rule.tags}"
        elif not set(tags) & set(rule.tags):
            yield f"source tags {sorted(tags)} include none of {rule.tags}"
    if rule.organizations_file is not None and rule._file_watch is None:
        # Fail closed: an unread vendor list must not turn into "every organization".
        yield f"organizations_file {rule.organizations_file!r} was not loaded"
    elif rule._watch and not rule.watches(
        incident.organization, code=context.code, text=context.text
    ):
        yield f"organization {incident.organization!r} is not on the watchlist"
    for index, cond in enumerate(rule.conditions, start=1):
        if not condition_holds(cond, incident):
            actual = repr(getattr(incident, cond.field))
            if len(actual) > 80:
                actual = actual[:79] + "…"
            yield f"condition {index} ({cond.describe()}) failed: actual {actual}"


def matches(
    rule: Rule,
    incident: Incident,
    *,
    event: str | None = None,
    tags: Collection[str] | None = None,
    code: str | None = None,
    text: str | None = None,
) -> bool:
    """Whether the rule fires for the incident (and for `event`, when given).

    `tags` are the tags of the sources that carried the incident's notices; a rule with
    `tags` fires only when they share one, and never when they are unknown (None).
    `code` (the securities code) and `text` (its notices' text) serve the watchlist.
    """
    context = Context(tags, code, text)
    return next(_failures(rule, incident, event, context), None) is None


def rule_matches_explained(
    rule: Rule,
    incident: Incident,
    *,
    event: str | None = None,
    tags: Collection[str] | None = None,
    code: str | None = None,
    text: str | None = None,
) -> list[str]:
    """Every reason the rule does not fire; an empty list means it matches."""
    return list(_failures(rule, incident, event, Context(tags, code, text)))
