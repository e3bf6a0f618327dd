"""Answers out of a student's kernel as plain data (standard library only).

The grader appends one cell to the student's notebook: this file's text followed by a call to
:func:`_usvn_emit`. It runs in the student's kernel, after the student's code, and publishes each answer as
a ``display_data`` output of type :data:`MIME`, tagged JSON (:func:`encode`) that the grader decodes in
its own process. For an answer that is a function it first announces each call, then calls the function on
the grader's inputs under a timer and publishes the result, so a call that hangs or kills the kernel is
known and skipped on the next attempt. Nothing of the answer key is in this cell: only names and inputs.

The same :func:`encode` turns call arguments into lookup keys on the grader's side, so both sides agree.
"""

import json as _json
import math as _math
import sys as _sys

MIME = "application/vnd.usvn.answer+json"
_PLAIN = (str, int, float, bool, type(None))


class _TooLarge(Exception):
    pass


def _figure_facts(figure):
    """What a grader can check about a matplotlib figure without its pixels."""
    axes_facts = []
    for axes in figure.get_axes():
        points = sum(len(line.get_xdata()) for line in axes.get_lines())
        points += sum(len(collection.get_offsets()) for collection in axes.collections)
        labels = [text.get_text() for text in axes.get_legend().get_texts()] if axes.get_legend() else []
        axes_facts.append({
            "title": " ".join(part for part in (axes.get_title("left"), axes.get_title(), axes.get_title("right"))
                              if part),
            "xlabel": axes.get_xlabel(), "ylabel": axes.get_ylabel(),
            "points": int(points), "bars": len(axes.patches), "legend": labels,
        })
    suptitle = getattr(figure, "_suptitle", None)
    return {"axes": axes_facts, "suptitle": suptitle.get_text() if suptitle is not None else ""}


def encode(value, budget=1_000_000, _depth=0):
    """Tagged JSON for plain Python data; anything else becomes an ``unsupported`` tag naming its type.

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
            raise _TooLarge()

    def walk(item, depth):
        if depth > 50:
            raise _TooLarge()
        kind = type(item)
        if kind is str:
            spend(len(item) + 2)
            return item
        if kind in (bool, type(None)):
            spend(5)
            return item
        if kind is int:
            spend(len(str(item)) if abs(item) < 10 ** 300 else 400)
            return item if abs(item) < 2 ** 63 else {"__t": "bigint", "v": str(item)}
        if kind is float:
            spend(24)
            return item if _math.isfinite(item) else {"__t": "float", "v": repr(item)}
        if kind.__module__ == "numpy" and hasattr(item, "item") and getattr(item, "ndim", 1) == 0:
            return walk(item.item(), depth)
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
            return {"__t": "dict", "v": [[walk(key, depth + 1), walk(element, depth + 1)]
                                         for key, element in item.items()]}
        name = f"{kind.__module__}.{kind.__qualname__}"
        if name in ("usvn.data.Event", "usvn.data.Source"):
            fields = {key: walk(getattr(item, key), depth + 1) for key in item.__dataclass_fields__}
            return {"__t": "record", "class": name, "v": fields}
        if name == "matplotlib.figure.Figure":
            return {"__t": "figure", "v": walk(_figure_facts(item), depth + 1)}
        if name == "usvn.display.FigureOutput":
            return {"__t": "figure-output", "alt": walk(item.alt, depth + 1)}
        spend(100)
        return {"__t": "unsupported", "type": kind.__qualname__,
                "base": next((base.__name__ for base in kind.__mro__[1:] if base in (str, int, float, list, dict,
                                                                                        tuple, set)), "")}

    return walk(value, _depth)


def call_key(args):
    """The lookup key for a call's arguments: canonical JSON of their encoding."""
    return _json.dumps(encode(list(args)), sort_keys=True, separators=(",", ":"))


def decode_plain(data):
    """Inverse of :func:`encode` for the plain kinds (used for call arguments inside the kernel)."""
    if isinstance(data, list):
        return [decode_plain(element) for element in data]
    if isinstance(data, dict):
        tag, value = data.get("__t"), data.get("v")
        if tag == "tuple":
            return tuple(decode_plain(element) for element in value)
        if tag in ("set", "frozenset"):
            return (set if tag == "set" else frozenset)(decode_plain(element) for element in value)
        if tag == "dict":
            return {decode_plain(key): decode_plain(element) for key, element in value}
        if tag == "float":
            return float(value)
        if tag == "bigint":
            return int(value)
        raise ValueError(f"cannot rebuild a {tag!r} value")
    return data


def _usvn_emit(nonce, spec, namespace):
    """Publish each requested answer, then each probe's result, one output per message."""
    import copy
    import signal

    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    budget = int(spec.get("answer_bytes", 1_000_000))

    def publish(payload):
        payload["nonce"] = nonce
        shell.display_pub.publish(data={MIME: payload, "text/plain": "(answer)"}, metadata={})

    def safe_encode(value):
        try:
            return encode(value, budget)
        except _TooLarge:
            return {"__t": "too-large", "type": type(value).__qualname__}
        except Exception as error:  # a hostile object whose attributes raise
            return {"__t": "unsupported", "type": type(value).__qualname__, "error": type(error).__name__}

    callables = {}
    for name in spec["names"]:
        if name not in namespace:
            publish({"name": name, "value": {"__t": "missing"}})
            continue
        value = namespace[name]
        if callable(value) and type(value).__name__ in ("function", "builtin_function_or_method", "method"):
            callables[name] = value
            publish({"name": name, "value": {"__t": "function", "name": getattr(value, "__name__", name)}})
        else:
            publish({"name": name, "value": safe_encode(value)})

    class _CallTimeout(BaseException):
        pass

    def on_alarm(signum, frame):
        raise _CallTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        for name, key, args_data in spec["probes"]:
            if name not in callables or key in spec.get("skip", []):
                continue
            publish({"name": name, "key": key, "calling": True})
            _sys.stdout.flush()  # ipykernel waits for its IOPub thread: the marker leaves before the call runs
            try:
                args = copy.deepcopy(decode_plain(args_data))
                signal.setitimer(signal.ITIMER_REAL, float(spec.get("call_timeout", 5)))
                try:
                    result = callables[name](*args)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                outcome = {"value": safe_encode(result)}
            except _CallTimeout:
                outcome = {"raised": "TimeoutError", "message": "did not return in time"}
            except BaseException as error:  # the student's function may raise anything, even SystemExit
                outcome = {"raised": type(error).__name__, "message": str(error)[:300]}
            publish({"name": name, "key": key, **outcome})
    finally:
        signal.signal(signal.SIGALRM, previous)
