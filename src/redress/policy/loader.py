"""Load a policy pack from YAML and check it against the schema.

A pack is named either by a shipped code (``cn-securities``, ``cn-futures``,
``general``, ``us-broker``: the files in ``packs/`` next to this module) or by a file
path (anything containing a ``/`` or ending in ``.yaml``/``.yml``; relative paths are
taken from the working directory).

Extending a pack
----------------
A file may start with ``extends: <pack code or path>`` (a relative path is taken from
the directory of the file that says it). The parent is loaded first — it may itself
extend another — and the child's mapping is deep-merged onto it:

* mappings merge key by key, recursively (``calendar: {extra_closures: [...]}`` keeps
  the parent's country, time zone and hours);
* lists and scalars **replace** the parent's value whole: to add one channel, repeat
  the full ``channels`` list; to change one clock, repeat all ``clocks``;
* ``key: null`` replaces too, which switches an optional rule off
  (``deemed_closure: null``).

Only the merged result is validated, so an institution file is a few lines::

    extends: cn-securities
    code: example-securities
    retention_years: 5
    calendar:
      extra_closures: [2026-02-13]

Errors
------
Every failure raises :class:`PolicyError`, whose message names the file and, one line
per problem, where the offending value is written (``file:line``), its dotted path in
the pack (``clocks[1].limit.unit``) and the rule it breaks. YAML syntax errors give
line and column; unknown pack names list the shipped ones; ``extends`` cycles show the
chain.

The YAML dialect is YAML 1.2-like on purpose: only ``true``/``false`` are booleans
(so the country ``NO`` stays a string) and ``17:00`` is not the sexagesimal integer
1020, so working hours can be written unquoted. A key repeated in one mapping is an
error rather than a silent override.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import types
import typing
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from redress.policy.schema import Pack

__all__ = [
    "PACKS_DIR",
    "PolicyError",
    "Problem",
    "active_pack",
    "load_pack",
    "reset_active_pack",
    "shipped_packs",
]

PACKS_DIR = Path(__file__).resolve().parent / "packs"
DEFAULT_PACK = "cn-securities"
_SUFFIXES = (".yaml", ".yml")


# ---- errors ---------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack."""

    message: str  # the rule broken
    path: str | None = None  # dotted path inside the pack, e.g. "clocks[1].limit.unit"
    file: Path | None = None  # the file the offending value is written in, when known
    line: int | None = None  # 1-based
    column: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        path = f"{self.path}: " if self.path is not None else ""
        return f"{where}{path}{self.message}"


class PolicyError(Exception):
    """A policy pack could not be loaded. ``str(err)`` is a header naming the file,
    then one indented line per problem; ``err.file`` and ``err.problems`` carry the
    same for programs."""

    def __init__(
        self, file: Path | str | None, summary: str, problems: list[Problem] | None = None
    ):
        self.file = Path(file) if file is not None else None
        self.summary = summary
        self.problems = list(problems or [])
        header = f"{self.file}: {summary}" if self.file is not None else summary
        super().__init__("\n".join([header, *(f"  {p}" for p in self.problems)]))


# ---- YAML -----------------------------------------------------------------------

_BOOL, _INT, _FLOAT = (f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "float"))
_MERGE = "tag:yaml.org,2002:merge"


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core scalars and duplicate-key detection."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE:
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:  # unhashable key: let SafeLoader report it
                    continue
                if first is not None:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key!r} (first given on line {first + 1})",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node):
        text = self.construct_scalar(node).replace("_", "")
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        if digits[:2].lower() == "0x":
            return sign * int(digits[2:], 16)
        if digits[:2].lower() == "0o":
            return sign * int(digits[2:], 8)
        return sign * int(digits, 10)  # no YAML 1.1 octal: 010 is ten


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    _INT,
    re.compile(r"^[-+]?(?:[0-9][0-9_]*|0[xX][0-9a-fA-F_]+|0[oO][0-7_]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Loader.add_constructor(_INT, _Loader.construct_yaml_int)


@dataclass
class _Source:
    """One file of an extends chain: where it is, what it says, and its node tree (for
    line numbers)."""

    path: Path
    data: dict
    node: yaml.Node


def _read(path: Path) -> _Source:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        hint = ""
        if path.suffix in _SUFFIXES and path.stem in shipped_packs() and not path.is_absolute():
            hint = f" (to use the shipped pack, write {path.stem!r} without the suffix)"
        raise PolicyError(path, f"no such policy file{hint}") from None
    except IsADirectoryError:
        raise PolicyError(path, "is a directory, not a policy file") from None
    except UnicodeDecodeError as exc:
        raise PolicyError(path, f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise PolicyError(path, f"cannot be read: {exc.strerror}") from None

    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            context_line = f", line {exc.context_mark.line + 1}" if exc.context_mark else ""
            message += f" ({exc.context}{context_line})"
        problem = Problem(
            message,
            file=path,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        )
        where = f" at line {problem.line}, column {problem.column}" if mark else ""
        raise PolicyError(path, f"YAML syntax error{where}", [problem]) from None
    except yaml.YAMLError as exc:
        raise PolicyError(path, f"YAML error: {exc}") from None
    finally:
        loader.dispose()

    if not isinstance(data, dict):
        found = "nothing" if data is None else f"a {type(data).__name__}"
        raise PolicyError(
            path, f"a policy file must be a mapping of keys (code:, name:, …); found {found}"
        )
    return _Source(path, data, node)


# ---- resolving names ---------------------------------------------------------------


def shipped_packs() -> list[str]:
    """Codes of the packs shipped with Redress, sorted."""
    return sorted(p.stem for p in PACKS_DIR.glob("*.yaml"))


def _is_path(ref: str) -> bool:
    return "/" in ref or os.sep in ref or ref.endswith(_SUFFIXES)


def _resolve(ref: str, *, base: Path | None) -> Path:
    """A pack code or file path → the file. Raises ValueError (with the reason) for an
    unknown code; the caller wraps it into a PolicyError naming the right file."""
    if _is_path(ref):
        path = Path(ref).expanduser()
        if not path.is_absolute() and base is not None:
            path = base / path
        return path
    shipped = shipped_packs()
    if ref in shipped:
        return PACKS_DIR / f"{ref}.yaml"
    close = difflib.get_close_matches(ref, shipped, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ValueError(
        f"unknown policy pack {ref!r}{hint} Shipped packs: {', '.join(shipped)}; "
        "or give the path of a .yaml file"
    )


def _chain(path: Path, stack: tuple[Path, ...] = ()) -> list[_Source]:
    """The file and its ancestors, child first."""
    source = _read(path)
    parent_ref = source.data.get("extends")
    if parent_ref is None:
        return [source]
    if not isinstance(parent_ref, str) or not parent_ref.strip():
        raise _at(source, ("extends",), f"must be a pack code or a file path, not {parent_ref!r}")
    try:
        parent = _resolve(parent_ref.strip(), base=path.parent)
    except ValueError as exc:
        raise _at(source, ("extends",), str(exc)) from None
    seen = (*stack, path.resolve())
    if parent.resolve() in seen:
        cycle = " → ".join(str(p) for p in (*seen, parent.resolve()))
        raise _at(source, ("extends",), f"extends cycle: {cycle}")
    return [source, *_chain(parent, seen)]


def _at(source: _Source, loc: tuple, message: str) -> PolicyError:
    _, line = _locate(source.node, loc)
    problem = Problem(message, path=_dotted(loc), file=source.path, line=line)
    return PolicyError(source.path, "cannot load the policy pack", [problem])


def _deep_merge(base: dict, override: dict) -> dict:
    """Mappings merge recursively; everything else (lists, scalars, null) replaces."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# ---- validation and error reporting --------------------------------------------------


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _locate(node: yaml.Node | None, loc: tuple) -> tuple[int, int | None]:
    """How much of `loc` exists in the node tree, and the line of the deepest part found."""
    if node is None:
        return 0, None
    line = None
    matched = 0
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            hit = next(
                (
                    (k, v)
                    for k, v in node.value
                    if isinstance(k, yaml.ScalarNode) and k.value == part
                ),
                None,
            )
            if hit is None:
                break
            line, node = hit[0].start_mark.line + 1, hit[1]
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
        matched += 1
    return matched, line


def _where(chain: list[_Source], loc: tuple) -> tuple[Path, int | None]:
    """The file (child first) that holds the longest part of `loc`, and the line."""
    best = (0, chain[0].path, None)
    for source in chain:
        matched, line = _locate(source.node, loc)
        if matched > best[0]:
            best = (matched, source.path, line)
        if matched == len(loc):
            break
    return best[1], best[2]


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _keys_at(loc: tuple) -> list[str]:
    """The keys the schema allows in the mapping at `loc` (for "did you mean")."""
    tp: Any = Pack
    for part in loc:
        tp = _unwrap(tp)
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if isinstance(part, int) and origin is list and args:
            tp = args[0]
        elif isinstance(part, str) and isinstance(tp, type) and issubclass(tp, BaseModel):
            field = next(
                (f for name, f in tp.model_fields.items() if part in (name, f.alias)),
                None,
            )
            if field is None:
                return []
            tp = field.annotation
        elif isinstance(part, str) and origin is dict and len(args) == 2:
            tp = args[1]
        else:
            return []
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [f.alias or name for name, f in tp.model_fields.items()]
    return []


_SCALARS = (str, int, float, bool, Decimal, date, time, type(None))


def _problem_from(error: dict, chain: list[_Source]) -> Problem:
    loc = tuple(error.get("loc") or ())
    message = error.get("msg", "invalid")
    kind = error.get("type", "")
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if not loc:
        loc = _guess_loc(message)
    if kind == "extra_forbidden":
        allowed = _keys_at(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1) if loc else []
        message = f"unknown key {loc[-1]!r} (extra keys are not permitted)" if loc else message
        if close:
            message += f"; did you mean {close[0]!r}?"
        elif allowed:
            message += f"; allowed here: {', '.join(allowed)}"
    elif kind != "missing" and isinstance(error.get("input"), _SCALARS):
        shown = repr(error["input"])
        if shown not in message:
            message += f" (got {shown if len(shown) <= 60 else shown[:57] + '...'})"
    file, line = _where(chain, loc)
    return Problem(message, path=_dotted(loc) or "(pack)", file=file, line=line)


def _guess_loc(message: str) -> tuple:
    """A pack-wide rule (model validator) has no location; most of its messages name
    the part of the pack they are about, so point there."""
    fields = set(Pack.model_fields)
    for token in re.findall(r"[a-z_]+(?:\.[a-z_]+)*", message):
        head, *rest = token.split(".")
        for candidate in (head, head + "s", head[:-1] + "ies" if head.endswith("y") else None):
            if candidate in fields:
                return (candidate, *rest)
    return ()


def _validate(chain: list[_Source]) -> Pack:
    data: dict = {}
    for source in reversed(chain):
        data = _deep_merge(data, source.data)
    try:
        return Pack.model_validate(data)
    except ValidationError as exc:
        problems = [_problem_from(e, chain) for e in exc.errors(include_url=False)]
        order = {source.path: i for i, source in enumerate(chain)}  # child first, then by line
        problems.sort(key=lambda p: (order.get(p.file, len(chain)), p.line or 0))
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        raise PolicyError(chain[0].path, f"invalid policy pack ({count})", problems) from None
    except (TypeError, ValueError, ArithmeticError) as exc:  # a validator tripped over odd input
        raise PolicyError(chain[0].path, f"invalid policy pack: {exc}") from None


# ---- public API -------------------------------------------------------------------


def load_pack(name_or_path: str | os.PathLike[str]) -> Pack:
    """Load, merge (``extends``) and validate a pack by shipped code or file path.
    Raises :class:`PolicyError` naming the file, the path and the rule broken."""
    ref = os.fspath(name_or_path)
    try:
        path = (
            Path(ref) if isinstance(name_or_path, os.PathLike) else _resolve(ref.strip(), base=None)
        )
    except ValueError as exc:
        raise PolicyError(None, str(exc)) from None
    return _validate(_chain(path))


@functools.cache
def active_pack() -> Pack:
    """The institution's pack: ``settings.REDRESS_POLICY``, loaded once and cached.
    Changing the setting in a test (pytest-django ``settings`` fixture,
    ``override_settings``) clears the cache; otherwise call :func:`reset_active_pack`."""
    from django.conf import settings

    _listen_for_setting_changes()
    return load_pack(getattr(settings, "REDRESS_POLICY", DEFAULT_PACK) or DEFAULT_PACK)


def reset_active_pack() -> None:
    """Forget the cached pack; the next :func:`active_pack` loads it again."""
    active_pack.cache_clear()


def _on_setting_changed(sender=None, setting=None, **kwargs) -> None:
    if setting == "REDRESS_POLICY":
        reset_active_pack()


def _listen_for_setting_changes() -> None:
    try:
        from django.core.signals import setting_changed
    except ImportError:  # pragma: no cover - Django is a dependency
        return
    setting_changed.connect(_on_setting_changed, dispatch_uid="redress.policy.loader.active_pack")
