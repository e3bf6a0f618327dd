"""Values across the kernel boundary as plain data (standard library only; numpy and pandas when loaded).

This file's text runs in two places:

- in the student's kernel, inside a private namespace, in the small cells the grader sends while the
  notebook runs: :func:`_usvn_emit` publishes the values of the names a test reads, and :func:`_usvn_call`
  calls a student's function on arguments the grader sent (under a timer) and publishes its result. Each
  result is a ``display_data`` output of type :data:`MIME` holding tagged JSON (:func:`encode`);
- in the grader, where :func:`encode` turns a test's arguments into data and :func:`rebuild` turns data back
  into values, type-strictly (a tuple stays a tuple, ``1`` is not ``1.0`` nor ``True``, NaN stays NaN).

Nothing of the answer key is ever sent to the kernel: only names, and the arguments a test passes to a
student's function. Objects of a course's own classes travel as records when the course declared them
(:mod:`usvn.grading.records`): in the kernel, this code finds those declarations in the already imported
records module, by name, and imports nothing.
"""

import json as _json
import math as _math
import sys as _sys

MIME = "application/vnd.usvn.answer+json"
MAX_DEPTH = 60
#: Where a course's record declarations live; this text runs in the kernel under another module name.
RECORDS_MODULE = "usvn.grading.records"
_NUMERIC_KINDS = "biuf"


class _TooLargeError(Exception):
    pass


def figure_facts(figure):
    """What a grader can check about a matplotlib figure without its pixels."""
    axes_facts = []
    for axes in figure.get_axes():
        points = sum(len(line.get_xdata()) for line in axes.get_lines())
        points += sum(len(collection.get_offsets()) for collection in axes.collections)
        labels = [text.get_text() for text in axes.get_legend().get_texts()] if axes.get_legend() else []
        axes_facts.append(
            {
                "title": " ".join(
                    part for part in (axes.get_title("left"), axes.get_title(), axes.get_title("right")) if part
                ),
                "xlabel": axes.get_xlabel(),
                "ylabel": axes.get_ylabel(),
                "points": int(points),
                "bars": len(axes.patches),
                "legend": labels,
            }
        )
    suptitle = getattr(figure, "_suptitle", None)
    return {"axes": axes_facts, "suptitle": suptitle.get_text() if suptitle is not None else ""}


def _loaded_class(module, name):
    """The class ``module.name`` if that module is already imported (never imports anything)."""
    loaded = _sys.modules.get(module)
    return getattr(loaded, name, None) if loaded is not None else None


def _record_fields(kind):
    """``(name, attribute names)`` if the course declared ``kind`` a record type, else None."""
    records = _sys.modules.get(RECORDS_MODULE)
    return records.record_fields(kind) if records is not None else None


def encode(value, budget=1_000_000):
    """Tagged JSON for a value; anything that cannot travel becomes an ``unsupported`` tag naming its type.

    >>> encode((1, 2.5, "a", [True, None]))
    {'__t': 'tuple', 'v': [1, 2.5, 'a', [True, None]]}
    >>> encode({"b": 1, "a": {2, 1}})
    {'__t': 'dict', 'v': [['b', 1], ['a', {'__t': 'set', 'v': [1, 2]}]]}
    >>> encode(float("nan"))
    {'__t': 'float', 'v': 'nan'}
    """
    state = {"left": budget}

    def spend(amount):
        state["left"] -= amount
        if state["left"] < 0:
            raise _TooLargeError()

    def walk(item, depth):
        if depth > MAX_DEPTH:
            raise _TooLargeError()
        kind = type(item)
        if kind is str:
            spend(len(item) + 2)
            return item
        if kind is bool or item is None:
            spend(5)
            return item
        if kind is int:
            spend(len(str(item)) if abs(item) < 10**300 else 400)
            return item if abs(item) < 2**53 else {"__t": "bigint", "v": str(item)}
        if kind is float:
            spend(24)
            return item if _math.isfinite(item) else {"__t": "float", "v": repr(item)}
        if kind is list:
            spend(2)
            return [walk(element, depth + 1) for element in item]
        if kind is tuple:
            spend(2)
            return {"__t": "tuple", "v": [walk(element, depth + 1) for element in item]}
        if kind in (set, frozenset):
            spend(2)
            elements = [walk(element, depth + 1) for element in item]
            elements.sort(key=lambda element: _json.dumps(element, sort_keys=True))
            return {"__t": kind.__name__, "v": elements}
        if kind is dict:
            spend(2)
            return {
                "__t": "dict",
                "v": [[walk(key, depth + 1), walk(element, depth + 1)] for key, element in item.items()],
            }
        numpy = _sys.modules.get("numpy")
        if numpy is not None:
            if kind is numpy.ndarray:
                if item.dtype.kind not in _NUMERIC_KINDS + "U" or item.ndim > 8:
                    return _unsupported(kind, spend)
                spend(int(item.size) * 8 + 20)
                return {
                    "__t": "ndarray",
                    "dtype": item.dtype.str,
                    "shape": list(item.shape),
                    "v": walk(item.ravel().tolist(), depth + 1),
                }
            if isinstance(item, numpy.generic) and kind.__module__ == "numpy":
                if item.dtype.kind not in _NUMERIC_KINDS + "U":
                    return _unsupported(kind, spend)
                spend(30)
                return {"__t": "npscalar", "dtype": item.dtype.str, "v": walk(item.item(), depth + 1)}
        pandas = _sys.modules.get("pandas")
        if pandas is not None and kind in (pandas.Series, pandas.DataFrame):
            spend(40)
            return _encode_pandas(item, pandas, walk, depth)
        if (
            kind.__module__ == "datetime"
            and kind.__name__ in ("date", "datetime")
            and kind is _loaded_class("datetime", kind.__name__)
        ):
            spend(30)
            return {"__t": kind.__name__, "v": item.isoformat()}
        if kind is _loaded_class("matplotlib.figure", "Figure"):
            return {"__t": "figure", "v": walk(figure_facts(item), depth + 1)}
        record = _record_fields(kind)
        if record is not None:
            name, names = record
            fields = {key: walk(getattr(item, key), depth + 1) for key in names}
            return {"__t": "record", "class": name, "v": fields}
        return _unsupported(kind, spend)

    return walk(value, 0)


def _unsupported(kind, spend):
    spend(100)
    return {"__t": "unsupported", "type": str(getattr(kind, "__qualname__", "object"))[:80]}


def _encode_pandas(item, pandas, walk, depth):
    def index(values):
        if type(values) is pandas.RangeIndex:
            return {"range": [values.start, values.stop, values.step], "name": walk(values.name, depth + 1)}
        if values.nlevels > 1:
            raise _TooLargeError()
        return {
            "values": walk(values.tolist(), depth + 1),
            "dtype": str(values.dtype),
            "name": walk(values.name, depth + 1),
        }

    def column(series):
        if (
            series.dtype.kind not in _NUMERIC_KINDS + "O"
            or series.dtype.kind == "O"
            and not all(type(value) is str or value is None for value in series.tolist())
        ):
            raise TypeError("column")
        return {"dtype": str(series.dtype), "v": walk(series.tolist(), depth + 1)}

    try:
        if type(item) is pandas.Series:
            return {"__t": "series", "index": index(item.index), "name": walk(item.name, depth + 1), **column(item)}
        return {
            "__t": "dataframe",
            "index": index(item.index),
            "columns": index(item.columns),
            "data": [column(item.iloc[:, position]) for position in range(item.shape[1])],
        }
    except TypeError:
        return {"__t": "unsupported", "type": type(item).__qualname__}


def call_key(args):
    """The lookup key for a call's arguments: canonical JSON of their encoding."""
    return _json.dumps(encode(list(args)), sort_keys=True, separators=(",", ":"))


def rebuild(data, other=None, _depth=0):
    """Inverse of :func:`encode`. ``other(data)`` rebuilds the tags this function does not know (or raises).

    >>> rebuild({"__t": "tuple", "v": [1, {"__t": "set", "v": ["a"]}]})
    (1, {'a'})
    """
    if _depth > MAX_DEPTH + 5:
        raise ValueError("nested too deeply")

    def again(element):
        return rebuild(element, other, _depth + 1)

    if isinstance(data, list):
        return [again(element) for element in data]
    if not isinstance(data, dict):
        if data is None or type(data) in (str, int, float, bool):
            return data
        raise ValueError(f"unexpected {type(data).__name__} in the data")
    tag, value = data.get("__t"), data.get("v")
    if tag == "tuple":
        return tuple(again(element) for element in value)
    if tag in ("set", "frozenset"):
        return (set if tag == "set" else frozenset)(again(element) for element in value)
    if tag == "dict":
        return {again(key): again(element) for key, element in value}
    if tag == "float":
        if value not in ("nan", "inf", "-inf"):
            raise ValueError("not a float")
        return float(value)
    if tag == "bigint":
        if not isinstance(value, str) or len(value) > 4000:
            raise ValueError("integer too long")
        return int(value)
    if tag in ("ndarray", "npscalar"):
        import numpy

        dtype = numpy.dtype(str(data.get("dtype")))
        if dtype.kind not in _NUMERIC_KINDS + "U":
            raise ValueError("unexpected array type")
        if tag == "npscalar":
            return dtype.type(again(value))
        shape = [int(size) for size in data.get("shape", [])]
        return numpy.array(again(value), dtype=dtype).reshape(shape)
    if tag in ("series", "dataframe"):
        import pandas

        def index(spec):
            if "range" in spec:
                return pandas.RangeIndex(*[int(part) for part in spec["range"]], name=again(spec.get("name")))
            return pandas.Index(again(spec["values"]), dtype=str(spec["dtype"]), name=again(spec.get("name")))

        if tag == "series":
            return pandas.Series(
                again(value), index=index(data["index"]), dtype=str(data["dtype"]), name=again(data.get("name"))
            )
        columns = index(data["columns"])
        frame = pandas.DataFrame(
            {
                position: pandas.Series(again(part["v"]), dtype=str(part["dtype"]))
                for position, part in enumerate(data["data"])
            }
        )
        frame.index = index(data["index"]) if len(frame.columns) else frame.index
        frame.columns = columns
        return frame
    if tag in ("date", "datetime"):
        import datetime

        return getattr(datetime, tag).fromisoformat(str(value))
    if other is not None:
        return other(data)
    raise ValueError(f"cannot rebuild a {tag!r} value")


def _usvn_publish(nonce, payload):
    from IPython.core.interactiveshell import InteractiveShell

    payload["nonce"] = nonce
    InteractiveShell.instance().display_pub.publish(data={MIME: payload, "text/plain": "(answer)"}, metadata={})


def _safe_encode(value, budget):
    try:
        return encode(value, budget)
    except _TooLargeError:
        return {"__t": "too-large", "type": type(value).__qualname__}
    except Exception as error:  # noqa: BLE001 - a hostile object whose attributes raise
        return {"__t": "unsupported", "type": type(value).__qualname__, "error": type(error).__name__}


class _CallTimeout(BaseException):
    pass


def _timed(seconds, action):
    """Run ``action()`` with a wall-clock alarm; the student's code cannot catch the alarm as an Exception."""
    import signal

    def on_alarm(signum, frame):
        raise _CallTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        return action()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _usvn_emit(nonce, names, namespace, budget=1_000_000, seconds=5.0):
    """Publish the value of each name (a function is announced, not sent)."""

    def run():
        for name in names:
            if name not in namespace:
                _usvn_publish(nonce, {"name": name, "value": {"__t": "missing"}})
                continue
            value = namespace[name]
            if type(value).__name__ in ("function", "builtin_function_or_method", "method") and callable(value):
                _usvn_publish(nonce, {"name": name, "value": {"__t": "function"}})
            else:
                _usvn_publish(nonce, {"name": name, "value": _safe_encode(value, budget)})

    try:
        _timed(seconds, run)
    except _CallTimeout:
        _usvn_publish(nonce, {"name": "", "failed": "reading the answers did not finish in time"})


def _usvn_call(nonce, name, args_data, kwargs_data, namespace, budget=1_000_000, seconds=5.0):
    """Call the student's function ``name`` on the grader's arguments and publish the result or the error."""
    import copy

    _usvn_publish(nonce, {"name": name, "calling": True})
    _sys.stdout.flush()  # ipykernel sends IOPub from its own thread: the marker leaves before the call runs
    try:
        function = namespace[name]
        args = copy.deepcopy(rebuild(args_data))
        kwargs = copy.deepcopy(rebuild(kwargs_data))
        result = _timed(seconds, lambda: function(*args, **kwargs))
        outcome = {"value": _safe_encode(result, budget), "after": _safe_encode([args, kwargs], budget)}
    except _CallTimeout:
        outcome = {"raised": "TimeoutError", "message": "did not return in time"}
    except BaseException as error:  # noqa: BLE001 - the student's function may raise anything, even SystemExit
        try:
            message = str(error)[:300]
        except BaseException:  # noqa: BLE001 - even its str() may raise
            message = ""
        outcome = {"raised": type(error).__name__[:80], "message": message}
    _usvn_publish(nonce, {"name": name, "result": True, **outcome})
