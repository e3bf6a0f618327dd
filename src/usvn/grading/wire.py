"""The grader's side of the kernel boundary: stand-ins for the student's names while a test runs.

A test cell runs in the grader's process as ordinary Python. Each name it reads from the student's
notebook is bound to a stand-in:

- a value that crossed the boundary is itself (decoded type-strictly: :func:`decode`);
- a function is a :class:`StudentFunction`: calling it encodes the grader's arguments, calls the student's
  function in the still-running sandboxed kernel, and decodes the result;
- a value that cannot cross (a student's own class, a generator, a value too large to send) is an
  :class:`Unsupported`. Using it in any way raises :class:`NeedsHand`, and so does reaching into a
  student's function (its attributes, its source): that item is then graded by hand, never the whole run.
"""

from __future__ import annotations

from dataclasses import dataclass

from usvn.grading.extract import call_key, encode, rebuild
from usvn.grading.records import RecordFacts, rebuild_record

__all__ = [
    "FigureFacts",
    "KernelLost",
    "Missing",
    "NeedsHand",
    "RecordFacts",
    "StudentCodeError",
    "StudentFunction",
    "Unsupported",
    "call_key",
    "decode",
]


class StudentCodeError(Exception):
    """A student's function raised (or hung, or crashed the kernel) when the grader called it."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail  # the student's own exception text: shown only for public tests


class NeedsHand(BaseException):
    """This item cannot be graded automatically; the message says why (it goes to the manual sheet)."""


class KernelLost(BaseException):
    """The kernel stopped or hung during a call; the attempt ends and the call is skipped next time."""

    def __init__(self, why: str, call: tuple[str, str] | None = None) -> None:
        super().__init__(why)
        self.why, self.call = why, call


class Unsupported:
    """A value of a kind that does not leave the kernel (or was too large to): any use needs a hand grade."""

    __slots__ = ("_type_name", "_reason")

    def __init__(self, type_name: str, reason: str = "unsupported") -> None:
        object.__setattr__(self, "_type_name", type_name)
        object.__setattr__(self, "_reason", reason)

    def _why(self) -> str:
        if self._reason == "too-large":
            return f"the answer is a {self._type_name} too large to take out of the kernel"
        return f"the answer is a {self._type_name} object, which the grader does not take out of the kernel"

    def _refuse(self, *args, **kwargs):
        raise NeedsHand(self._why())

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = __bool__ = __len__ = __iter__ = _refuse
    __contains__ = __getitem__ = __call__ = __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __rtruediv__ = __float__ = __int__ = __index__ = __str__ = __format__ = _refuse

    def __getattr__(self, name):
        raise NeedsHand(self._why())

    def __repr__(self) -> str:
        if self._reason == "too-large":
            return f"<a {self._type_name} too large to grade>"
        return f"<a {self._type_name} object>"


class Missing:
    """The name was not defined in the student's kernel: a test that uses it fails, as a NameError would."""

    def __init__(self, name: str = "") -> None:
        self.name = name

    def __eq__(self, other):
        return False

    __hash__ = object.__hash__

    def _fail(self, *args, **kwargs):
        raise NameError(f"name '{self.name}' is not defined")

    __len__ = __iter__ = __getitem__ = __call__ = __add__ = __float__ = __int__ = __lt__ = __gt__ = _fail

    def __repr__(self) -> str:
        return "<not defined>"


@dataclass(frozen=True)
class FigureFacts:
    """What the grader knows about a student's matplotlib figure."""

    axes: tuple = ()
    suptitle: str = ""

    @property
    def points(self) -> int:
        return sum(axes["points"] for axes in self.axes)

    @property
    def titles(self) -> list[str]:
        return [axes["title"] for axes in self.axes]


_OWN = frozenset(
    {
        "_usvn_name",
        "_usvn_bridge",
        "_usvn_failed",
        "__class__",
        "__call__",
        "__repr__",
        "__eq__",
        "__hash__",
        "__ne__",
        "__reduce_ex__",
        "__dict__",
        "__init__",
    }
)


class StudentFunction:
    """Stands for a student's function while a test runs: each call runs the real function in the kernel."""

    def __init__(self, name: str, bridge=None, failed: dict | None = None) -> None:
        object.__setattr__(self, "_usvn_name", name)
        object.__setattr__(self, "_usvn_bridge", bridge)
        object.__setattr__(self, "_usvn_failed", failed if failed is not None else {})

    def __getattribute__(self, attribute):
        if attribute in _OWN:
            return object.__getattribute__(self, attribute)
        name = object.__getattribute__(self, "_usvn_name")
        raise NeedsHand(f"the test reads `{name}.{attribute}`, which stays in the student's kernel")

    def __setattr__(self, attribute, value):
        raise NeedsHand(f"the test sets an attribute on the student's function `{self._usvn_name}`")

    def __call__(self, *args, **kwargs):
        name = self._usvn_name
        try:
            args_data, kwargs_data = encode(list(args)), encode(dict(kwargs))
        except Exception:  # noqa: BLE001 - encode raises only for sizes: too much to send
            raise NeedsHand(f"the test passes {name}() arguments too large to send to the kernel") from None
        for data in (args_data, kwargs_data):
            kind = _first_unsupported(data)
            if kind:
                raise NeedsHand(f"the test passes {name}() a {kind}, which cannot be sent to the kernel")
        key = call_key(args) + (call_key([kwargs]) if kwargs else "")
        if (name, key) in self._usvn_failed:
            raise StudentCodeError(f"your function {name}() {self._usvn_failed[(name, key)]}")
        if self._usvn_bridge is None:
            raise StudentCodeError(f"{name}() could not be called: the kernel had stopped.")
        kind, value = self._usvn_bridge.call(name, key, args_data, kwargs_data)
        if kind == "raised":
            summary, detail = value
            raise StudentCodeError(f"your function {name}() {summary}", detail=detail)
        result, after = value
        if isinstance(after, list) and len(after) == 2:
            # The function changed its arguments in the kernel: change the grader's objects the same way,
            # as a test run in the student's kernel would see them.
            for original, changed in zip([*args, *kwargs.values()], [*after[0], *after[1].values()]):
                _sync(original, changed)
        return result

    def __repr__(self) -> str:
        return f"<function {self._usvn_name}>"

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)


def _sync(original, changed, depth: int = 0) -> None:
    """Make a mutable ``original`` (list, dict, set, array) equal to ``changed`` in place, recursively."""
    if depth > 50 or type(original) is not type(changed) or isinstance(changed, Unsupported):
        return
    if isinstance(original, list):
        if len(original) == len(changed):
            for index, (old, new) in enumerate(zip(original, changed)):
                if type(old) is type(new) and isinstance(old, (list, dict, set)) or _sync_array(old, new):
                    _sync(old, new, depth + 1)
                elif not (type(old) is type(new) and old == new):
                    original[index] = new
        else:
            original[:] = changed
    elif isinstance(original, dict):
        for key in [key for key in original if key not in changed]:
            del original[key]
        for key, new in changed.items():
            old = original.get(key)
            if key in original and type(old) is type(new) and isinstance(old, (list, dict, set)):
                _sync(old, new, depth + 1)
            elif key not in original or not (type(old) is type(new) and old == new):
                original[key] = new
    elif isinstance(original, set):
        if original != changed:
            original.clear()
            original.update(changed)
    else:
        _sync_array(original, changed)


def _sync_array(original, changed) -> bool:
    if (
        type(original).__name__ == "ndarray"
        and type(changed) is type(original)
        and original.shape == changed.shape
        and original.dtype == changed.dtype
    ):
        if original.flags.writeable:
            original[...] = changed
        return True
    return False


def _first_unsupported(data) -> str:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if item.get("__t") in ("unsupported", "too-large"):
                return str(item.get("type", "value"))
            stack.extend(item.values())
    return ""


def decode(data):
    """Rebuild a value from its tagged JSON; what cannot be rebuilt is an :class:`Unsupported` stand-in.

    >>> decode({"__t": "tuple", "v": [1, {"__t": "set", "v": ["a"]}]})
    (1, {'a'})
    >>> decode({"__t": "unsupported", "type": "Cheater"})
    <a Cheater object>
    """
    try:
        return rebuild(data, _other)
    except (
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        ImportError,
        OverflowError,
        RecursionError,
        MemoryError,
    ) as error:
        kind = data.get("__t", "value") if isinstance(data, dict) else type(data).__name__
        return Unsupported(f"{kind} that could not be read back ({type(error).__name__})")


def _other(data):
    tag, value = data.get("__t"), data.get("v")
    if tag == "record":
        return _record(str(data.get("class", "")), {key: decode(element) for key, element in value.items()})
    if tag == "figure":
        facts = rebuild(value)
        return FigureFacts(tuple(facts.get("axes", ())), str(facts.get("suptitle", "")))
    if tag == "missing":
        return Missing()
    if tag == "too-large":
        return Unsupported(str(data.get("type", "value"))[:80], "too-large")
    return Unsupported(str(data.get("type", "value"))[:80])


def _record(class_name: str, fields: dict):
    """A record type the course declared in this process (:mod:`usvn.grading.records`), rebuilt in the grader."""
    record = rebuild_record(class_name, fields)
    return Unsupported(class_name[:80] or "record") if record is None else record
