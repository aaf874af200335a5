"""The control method table (methods.json beside this file) for Python: loading, shape checks,
and request validation with the same error messages as weft-dataplane's dispatcher (ctl.c,
methods.c). Used by gen_methods.py (which emits the C table), the fakes in tests/ and
bench/lib/wfrpc.py. Import it with sys.path pointing at this folder:

    sys.path.insert(0, os.path.join(TOP, "dataplane/ctl"))
    import ctl_methods
    TABLE = ctl_methods.load()
    err = TABLE.check_request(method, params)  # None, or the error message (errno EINVAL)
"""
import json
import os

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "methods.json")
TYPES = ("string", "string-or-null", "integer", "integer-or-null", "object-of-strings",
         "object-of-strings-or-nulls", "array-of-integers", "boolean", "array-of-strings")
RANGED = ("integer", "integer-or-null", "array-of-integers")
PARAM_FIELDS = {"key", "type", "required", "min", "max", "max_items", "item"}


class TableError(Exception):
    """methods.json is malformed."""


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check_param(p, v):
    """The error message for value 'v' (not None: present) of param 'p', or None."""
    key, t = p["key"], p["type"]
    if t in ("string", "string-or-null"):
        if not isinstance(v, str) and not (v is None and t == "string-or-null"):
            return "parameter '%s' must be a string" % key
    elif t in ("integer", "integer-or-null"):
        if t == "integer-or-null" and v is None:
            return None
        if not _is_int(v) or not p["min"] <= v <= p["max"]:
            return "parameter '%s' must be an integer in %d..%d" % (key, p["min"], p["max"])
    elif t in ("object-of-strings", "object-of-strings-or-nulls"):
        if not isinstance(v, dict):
            return "%s must be an object of strings" % key
        for k, x in v.items():
            if not (isinstance(x, str) or (x is None and t == "object-of-strings-or-nulls")):
                return "%s:%s must be a string" % (key, k)
    elif t == "array-of-integers":
        item = p.get("item", "element")
        if not isinstance(v, list) or len(v) > p["max_items"]:
            return "parameter '%s' must be an array of %ss" % (key, item)
        for x in v:
            if not _is_int(x) or not p["min"] <= x <= p["max"]:
                return "%s: each %s must be an integer in %d..%d" % (key, item, p["min"],
                                                                     p["max"])
    elif t == "boolean":
        if not isinstance(v, bool):
            return "parameter '%s' must be true or false" % key
    elif t == "array-of-strings":
        item = p.get("item", "element")
        if not isinstance(v, list) or len(v) > p["max_items"]:
            return "parameter '%s' must be an array of %ss" % (key, item)
        for x in v:
            if not isinstance(x, str):
                return "%s: each %s must be a string" % (key, item)
    return None


class Table:
    def __init__(self, doc):
        self.doc = doc
        self.methods = {}
        for m in doc.get("methods", []):
            self._check_method(m)
            self.methods[m["name"]] = m

    @staticmethod
    def _check_method(m):
        if not isinstance(m.get("name"), str) or not isinstance(m.get("doc"), str):
            raise TableError("a method needs a string name and doc: %r" % m)
        keys = set()
        for p in m.get("params", []):
            where = "%s.%s" % (m["name"], p.get("key"))
            if not isinstance(p.get("key"), str) or p["key"] in keys:
                raise TableError("%s: missing or duplicate key" % where)
            keys.add(p["key"])
            if set(p) - PARAM_FIELDS:
                raise TableError("%s: unknown fields %s" % (where, sorted(set(p) - PARAM_FIELDS)))
            if p.get("type") not in TYPES:
                raise TableError("%s: type must be one of %s" % (where, ", ".join(TYPES)))
            if p["type"] in RANGED and not (_is_int(p.get("min")) and _is_int(p.get("max"))):
                raise TableError("%s: %s needs integer min and max" % (where, p["type"]))
            if p["type"].startswith("array-") and not _is_int(p.get("max_items")):
                raise TableError("%s: %s needs max_items" % (where, p["type"]))
            if not isinstance(p.get("required", False), bool):
                raise TableError("%s: required must be true or false" % where)

    def names(self):
        """Method names in table order."""
        return list(self.methods)

    def keys(self, method):
        return [p["key"] for p in self.methods[method]["params"]]

    def check(self, method, params):
        """Validates 'params' (a dict, or None for none) of a known 'method': the error message,
        or None. Same rules and order as wf_rpc_check() in methods.c."""
        params = params or {}
        spec = self.methods[method]["params"]
        known = {p["key"] for p in spec}
        for k in params:
            if k not in known:
                return "unknown parameter '%s'" % k
        for p in spec:
            v = params.get(p["key"])
            absent = p["key"] not in params or (
                v is None and p["type"] in ("string", "object-of-strings", "boolean"))
            if absent:
                if p.get("required"):
                    return "missing parameter '%s'" % p["key"]
                continue
            err = check_param(p, v)
            if err:
                return err
        return None

    def check_request(self, method, params):
        """Validates a whole request as the dispatcher does: the error message, or None."""
        if not isinstance(method, str):
            return "request has no string 'method'"
        if params is not None and not isinstance(params, dict):
            return "params must be an object"
        if method not in self.methods:
            return "unknown method '%s'" % method
        return self.check(method, params)


def load(path=PATH):
    """The table in 'path' (default: methods.json beside this file)."""
    with open(path) as f:
        return Table(json.load(f))
