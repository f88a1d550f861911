/*
 * diplomatic_visits._speedups: an optional compiled engine that accepts good records fast.
 *
 * It answers one question: "is this JSON Lines line certainly a good record?" It never reports.
 * Whenever it answers no (or is unsure), the reference engine in Python (checks.py) runs and
 * says what is wrong. It holds no rule and names no field: the rules are a plan that
 * rules.py compiles from the schema's x-dv annotations, and this file interprets any such plan,
 * as jsonschema-rs interprets any schema. A plan it does not know (another PLAN_API) is refused
 * at compile(), and Python does the work. It implements every kind of PLAN_API 2: the 1.x slots,
 * and the rules.Check kinds of schema 2.0.0 (edtf, with relative dates against the anchors
 * date-anchor sets; within; last; distinct; the widened duration), each a port of its
 * checks._Walk method, down to the EDTF parser (checks.parse_edtf) that order, sequence and
 * within read every date through.
 *
 *   compile(rules) -> plan
 *       a rules.Rules named tuple, turned into C structures once (strong references to the key
 *       strings; nothing is borrowed from the caller afterwards).
 *       A rules.Check of a kind this engine does not implement (one added after it was built)
 *       does not refuse the plan: the node holding it is marked defer, and a record holding a
 *       present object of that node is never accepted (semantic_ok is unsure: the reference
 *       engine checks it). Every other record of the version keeps the fast path.
 *   scan(raw, offset_keys=()) -> (exact, offsets)
 *       for a JSON text orjson parsed. exact: True only if orjson's value is the one a strict
 *       parser gives: no object repeats a key (orjson keeps the last silently), no key is
 *       written with escapes (equal keys could be spelled apart), no integer has more than 18
 *       digits (orjson makes wider ones floats), nesting stays under 200. False means "unsure"
 *       (and is all it says of bytes that are not JSON: mismatched brackets, an unended string).
 *       offsets: some key in offset_keys (bytes) holds a number.
 *   deferred(plan) -> int
 *       how many nodes of a compiled plan are marked defer (0 for every shipped version).
 *   semantic_ok(record, plan, text=None, sha256=None) -> bool
 *       True only if checks.check(record, rules, text) finds nothing (sha256: the hex digest of
 *       the text's bytes). False (unsure) for a value not made of plain JSON types.
 *   accept_chunk(context, blob, first, keep) -> (lines, valid, rejected, kept)
 *       accept on every line of a chunk of whole lines at once (no bytes object per line: each
 *       is parsed through a memoryview): the numbers of lines and of accepted ones, the
 *       rejected lines as (line number, bytes) for the reference path, and with keep the
 *       accepted records as (line number, record). Blank lines are counted and skipped; with first, a byte-order mark
 *       on the first line is skipped, as jsonl.Lines does.
 *   accept(context, raw) -> record or None
 *       context = (loads, version_key, offset_keys, plans, choose, resolve): the record
 *       loads(raw) when it is an object whose version_key names a version in plans (a dict;
 *       one not yet in it is asked of resolve(version) and kept), the scan finds it exact and
 *       no number written with a fraction or an exponent (the schemas' integers take 1.0;
 *       validate refuses it where they say integer, so the reference path must say so),
 *       plans[version][0] (jsonschema-rs is_valid) holds and semantic_ok holds with the plan
 *       for its case: plans[version][1] with a text, [2] with offsets, [3] without either.
 *       choose is None or choose(record) -> (text, sha256) or None: the source text.
 *
 * Built with the limited API (one abi3 module for every CPython 3.10+) unless the build says
 * otherwise; on a free-threaded CPython it is built with the full API and declares that it
 * needs no GIL: a plan never changes once compiled, and a record is only read.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#ifndef PyBUF_READ /* in the limited API's headers only from 3.11; the value is part of the ABI */
#define PyBUF_READ 0x100
#endif

#define API_VERSION 5 /* raise when a function's arguments or meaning change */
#define PLAN_API 2    /* rules.PLAN_API: the shape of the plan's named tuples */
#define MAX_KINDS 30
#define MAX_NESTING 200
#define MAX_KEYS_PER_OBJECT 64
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

#ifdef Py_LIMITED_API
#define LIST_SIZE(l) PyList_Size(l)
#define LIST_ITEM(l, i) PyList_GetItem((l), (i))
#define TUPLE_SIZE(t) PyTuple_Size(t)
#define TUPLE_ITEM(t, i) PyTuple_GetItem((t), (i))
#define CALL1(f, a) PyObject_CallFunctionObjArgs((f), (a), NULL)
#else
#define LIST_SIZE(l) PyList_GET_SIZE(l)
#define LIST_ITEM(l, i) PyList_GET_ITEM((l), (i))
#define TUPLE_SIZE(t) PyTuple_GET_SIZE(t)
#define TUPLE_ITEM(t, i) PyTuple_GET_ITEM((t), (i))
#define CALL1(f, a) PyObject_CallOneArg((f), (a))
#endif

/* d[key] as a new (strong) reference; NULL, with no exception, when absent */
static PyObject *get(PyObject *d, PyObject *key) {
#if !defined(Py_LIMITED_API) && PY_VERSION_HEX >= 0x030D0000
    PyObject *out = NULL;
    return PyDict_GetItemRef(d, key, &out) < 0 ? NULL : out;
#else
    PyObject *out = PyDict_GetItemWithError(d, key);
    Py_XINCREF(out);
    return out;
#endif
}

/* ---------------------------------------------------------------------------------------- */
/* the compiled plan                                                                         */

typedef struct Node Node;

typedef struct {
    unsigned kinds; /* bit k: kind k allowed; 0: any */
    int scope;      /* a kind, or 0 */
} RefRule;

typedef struct {
    PyObject *key;
    int many, verbatim;
    RefRule *ref;
    PyObject *seq_by, *seq_value; /* NULL: no sequence rule */
    Node *obj;
} Field;

typedef struct {
    PyObject *rule, *key, *values, *then; /* values: tuple of str */
    int test;                             /* 0 in, 1 not_in, 2 nonempty */
    int must;                             /* 0 present, 1 absent */
} When;

/* a rules.Check: one declaration of a kind added with PLAN_API 2 (the kinds this engine
 * implements; any other marks its node defer) */
enum { CK_EDTF, CK_ANCHOR, CK_WITHIN, CK_LAST, CK_DISTINCT };
#define MAX_CHECK_ARGS 9
/* rules.RELATIVE_KEYS: the keys of the object an edtf check's relative input names (part of
 * the kind, as a span's three inputs are of span) */
static const char *RELATIVE_KEYS[3] = {"offset", "unit", "anchor"};

typedef struct {
    int kind;
    PyObject *args[MAX_CHECK_ARGS]; /* property names, NULL where the plan says None */
    PyObject *sub_value;            /* an anchor's date's value key (strong), or NULL */
} Check;

struct Node {
    int kind;
    int defer; /* a check of a kind this engine does not implement: unsure on any such object */
    PyObject *id_key;
    PyObject *span[3];  /* start, end, quote; span[0] NULL: no span rule */
    PyObject *date[7];  /* value, precision, basis, weekday, written, earliest, latest */
    PyObject *basis[2]; /* key, reason */
    PyObject *explain;  /* tuple of str */
    Py_ssize_t norders;
    PyObject **orders;    /* 3 per order: start, end, value */
    PyObject *duration[5]; /* days, start, end, value, weekday (NULL: the 1.x date kind) */
    Py_ssize_t nwhens;
    When *whens;
    PyObject *text_file[2]; /* length, sha256 */
    Py_ssize_t nfields;
    Field *fields;
    Py_ssize_t nchecks;
    Check *checks;
};

typedef struct {
    Node *root;
    int nkinds;
} Plan;

#define PLAN_CAPSULE "diplomatic_visits._speedups.plan"

static void free_node(Node *n) {
    if (n == NULL) return;
    Py_XDECREF(n->id_key);
    for (int i = 0; i < 3; i++) Py_XDECREF(n->span[i]);
    for (int i = 0; i < 7; i++) Py_XDECREF(n->date[i]);
    for (int i = 0; i < 2; i++) Py_XDECREF(n->basis[i]);
    Py_XDECREF(n->explain);
    for (Py_ssize_t i = 0; i < 3 * n->norders; i++) Py_XDECREF(n->orders[i]);
    PyMem_Free(n->orders);
    for (int i = 0; i < 5; i++) Py_XDECREF(n->duration[i]);
    for (Py_ssize_t i = 0; i < n->nwhens; i++) {
        Py_XDECREF(n->whens[i].rule);
        Py_XDECREF(n->whens[i].key);
        Py_XDECREF(n->whens[i].values);
        Py_XDECREF(n->whens[i].then);
    }
    PyMem_Free(n->whens);
    for (int i = 0; i < 2; i++) Py_XDECREF(n->text_file[i]);
    for (Py_ssize_t i = 0; i < n->nfields; i++) {
        Field *f = &n->fields[i];
        Py_XDECREF(f->key);
        PyMem_Free(f->ref);
        Py_XDECREF(f->seq_by);
        Py_XDECREF(f->seq_value);
        free_node(f->obj);
    }
    PyMem_Free(n->fields);
    for (Py_ssize_t i = 0; i < n->nchecks; i++) {
        for (int k = 0; k < MAX_CHECK_ARGS; k++) Py_XDECREF(n->checks[i].args[k]);
        Py_XDECREF(n->checks[i].sub_value);
    }
    PyMem_Free(n->checks);
    PyMem_Free(n);
}

static void plan_destructor(PyObject *capsule) {
    Plan *p = PyCapsule_GetPointer(capsule, PLAN_CAPSULE);
    if (p == NULL) {
        PyErr_Clear();
        return;
    }
    free_node(p->root);
    PyMem_Free(p);
}

static int bad_plan(const char *what) {
    if (!PyErr_Occurred()) PyErr_Format(PyExc_ValueError, "not a plan this engine knows: %s", what);
    return -1;
}

/* item i of a tuple, a new reference; it must be a tuple of `size` items when size >= 0 */
static PyObject *part(PyObject *t, Py_ssize_t i, Py_ssize_t size) {
    if (!PyTuple_Check(t) || i >= TUPLE_SIZE(t)) {
        bad_plan("a tuple too short");
        return NULL;
    }
    PyObject *v = TUPLE_ITEM(t, i);
    if (v == NULL) return NULL;
    if (size >= 0 && v != Py_None && (!PyTuple_Check(v) || TUPLE_SIZE(v) != size)) {
        bad_plan("a part of the wrong size");
        return NULL;
    }
    Py_INCREF(v);
    return v;
}

/* a str (or None when may_be_none) from t[i] into *out, a strong reference (NULL for None) */
static int take_str(PyObject *t, Py_ssize_t i, PyObject **out, int may_be_none) {
    PyObject *v = part(t, i, -1);
    if (v == NULL) return -1;
    if (v == Py_None && may_be_none) {
        Py_DECREF(v);
        *out = NULL;
        return 0;
    }
    if (!PyUnicode_Check(v)) {
        Py_DECREF(v);
        return bad_plan("a key that is not a str");
    }
    *out = v;
    return 0;
}

static int take_strs(PyObject *t, Py_ssize_t i, PyObject **out) {
    PyObject *v = part(t, i, -1);
    if (v == NULL) return -1;
    if (!PyTuple_Check(v)) {
        Py_DECREF(v);
        return bad_plan("values that are not a tuple");
    }
    for (Py_ssize_t k = 0; k < TUPLE_SIZE(v); k++)
        if (!PyUnicode_Check(TUPLE_ITEM(v, k))) {
            Py_DECREF(v);
            return bad_plan("a value that is not a str");
        }
    *out = v;
    return 0;
}

static int kind_index(PyObject *kinds, PyObject *name) {
    for (Py_ssize_t k = 0; k < TUPLE_SIZE(kinds); k++) {
        int eq = PyObject_RichCompareBool(TUPLE_ITEM(kinds, k), name, Py_EQ);
        if (eq < 0) return -1;
        if (eq) return (int)k + 1;
    }
    bad_plan("an unknown kind");
    return -1;
}

static Node *compile_node(PyObject *t, PyObject *kinds);

static int compile_field(Field *f, PyObject *t, PyObject *kinds) {
    /* rules.Field: key, many, ref, verbatim, sequence, obj */
    if (!PyTuple_Check(t) || TUPLE_SIZE(t) != 6) return bad_plan("a Field");
    if (take_str(t, 0, &f->key, 0) < 0) return -1;
    f->many = PyObject_IsTrue(TUPLE_ITEM(t, 1));
    f->verbatim = PyObject_IsTrue(TUPLE_ITEM(t, 3));
    if (f->many < 0 || f->verbatim < 0) return -1;
    PyObject *ref = part(t, 2, 2);
    if (ref == NULL) return -1;
    if (ref != Py_None) {
        f->ref = PyMem_Calloc(1, sizeof(RefRule));
        PyObject *ks = part(ref, 0, -1), *scope = part(ref, 1, -1);
        int ok = f->ref != NULL && ks != NULL && scope != NULL && PyTuple_Check(ks);
        for (Py_ssize_t k = 0; ok && k < TUPLE_SIZE(ks); k++) {
            int idx = kind_index(kinds, TUPLE_ITEM(ks, k));
            if (idx < 0) ok = 0;
            else f->ref->kinds |= 1u << idx;
        }
        if (ok && scope != Py_None) {
            f->ref->scope = kind_index(kinds, scope);
            ok = f->ref->scope > 0;
        }
        Py_XDECREF(ks);
        Py_XDECREF(scope);
        if (!ok) {
            Py_DECREF(ref);
            return f->ref == NULL ? (PyErr_NoMemory(), -1) : bad_plan("a Ref");
        }
    }
    Py_DECREF(ref);
    PyObject *seq = part(t, 4, 2);
    if (seq == NULL) return -1;
    if (seq != Py_None && (take_str(seq, 0, &f->seq_by, 0) < 0 || take_str(seq, 1, &f->seq_value, 0) < 0)) {
        Py_DECREF(seq);
        return -1;
    }
    Py_DECREF(seq);
    PyObject *obj = part(t, 5, 11);
    if (obj == NULL) return -1;
    if (obj != Py_None) {
        f->obj = compile_node(obj, kinds);
        if (f->obj == NULL) {
            Py_DECREF(obj);
            return -1;
        }
    }
    Py_DECREF(obj);
    return 0;
}

static int take_strs_of(PyObject *t, Py_ssize_t i, Py_ssize_t size, PyObject **out, int optional_from) {
    /* t[i] is None or a tuple of `size` str (those at optional_from and after may be None) */
    PyObject *v = part(t, i, size);
    if (v == NULL) return -1;
    int rc = 0;
    if (v != Py_None)
        for (Py_ssize_t k = 0; k < size && rc == 0; k++)
            rc = take_str(v, k, &out[k], k >= optional_from);
    Py_DECREF(v);
    return rc;
}

/* the kinds of rules.Check this engine implements, with their number of arguments */
static const struct {
    const char *name;
    int kind, nargs;
} CHECK_KINDS[] = {
    {"edtf", CK_EDTF, 9},     {"date-anchor", CK_ANCHOR, 2}, {"within", CK_WITHIN, 6},
    {"last", CK_LAST, 4},     {"distinct", CK_DISTINCT, 2},
};

/* rules.Check: kind, rule, args. A kind this engine does not implement marks the node defer
 * (its objects are left to the reference engine); a known kind of another shape is no plan
 * this engine knows */
static int compile_check(Node *n, Check *c, PyObject *t) {
    PyObject *kind = NULL, *rule = NULL, *args = NULL;
    if (!PyTuple_Check(t) || TUPLE_SIZE(t) != 3) return bad_plan("a Check");
    if (take_str(t, 0, &kind, 0) < 0 || take_str(t, 1, &rule, 0) < 0) {
        Py_XDECREF(kind);
        return -1;
    }
    Py_DECREF(rule); /* the rule a check reports: the reference engine's business */
    c->kind = -1;
    int nargs = 0;
    for (size_t k = 0; k < sizeof(CHECK_KINDS) / sizeof(CHECK_KINDS[0]); k++)
        if (PyUnicode_CompareWithASCIIString(kind, CHECK_KINDS[k].name) == 0) {
            c->kind = CHECK_KINDS[k].kind;
            nargs = CHECK_KINDS[k].nargs;
        }
    Py_DECREF(kind);
    if (c->kind < 0) {
        n->defer = 1;
        return 0;
    }
    if ((args = part(t, 2, nargs)) == NULL) return -1;
    if (args == Py_None) {
        Py_DECREF(args);
        return bad_plan("a Check without arguments");
    }
    for (int k = 0; k < nargs; k++)
        if (take_str(args, k, &c->args[k], 1) < 0) {
            Py_DECREF(args);
            return -1;
        }
    Py_DECREF(args);
    /* the arguments every declaration of the kind gives */
    static const int required[][MAX_CHECK_ARGS] = {
        [CK_EDTF] = {1, 1, 1}, [CK_ANCHOR] = {1, 1}, [CK_WITHIN] = {1, 1, 1, 1, 1, 1},
        [CK_LAST] = {1, 1, 1, 1}, [CK_DISTINCT] = {1, 1},
    };
    for (int k = 0; k < nargs; k++)
        if (required[c->kind][k] && c->args[k] == NULL) return bad_plan("a Check argument");
    if (c->kind == CK_ANCHOR) { /* the value key of the anchored date, from its edtf check */
        for (Py_ssize_t i = 0; i < n->nfields && c->sub_value == NULL; i++) {
            const Field *f = &n->fields[i];
            int eq = PyObject_RichCompareBool(f->key, c->args[1], Py_EQ);
            if (eq < 0) return -1;
            if (!eq || f->many || f->obj == NULL) continue;
            for (Py_ssize_t j = 0; j < f->obj->nchecks; j++)
                if (f->obj->checks[j].kind == CK_EDTF) {
                    c->sub_value = f->obj->checks[j].args[0];
                    Py_INCREF(c->sub_value);
                    break;
                }
        }
        if (c->sub_value == NULL) return bad_plan("a date-anchor on no edtf date");
    }
    return 0;
}

static Node *compile_node(PyObject *t, PyObject *kinds) {
    /* rules.Node: kind, id_key, span, date, basis, orders, duration, whens, text_file, fields,
     * checks */
    if (!PyTuple_Check(t) || TUPLE_SIZE(t) != 11) {
        bad_plan("a Node");
        return NULL;
    }
    Node *n = PyMem_Calloc(1, sizeof(Node));
    if (n == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    PyObject *kind = NULL, *orders = NULL, *whens = NULL, *fields = NULL, *basis = NULL,
             *checks = NULL;
    if (take_str(t, 0, &kind, 1) < 0) goto fail;
    if (kind != NULL) {
        n->kind = kind_index(kinds, kind);
        Py_CLEAR(kind);
        if (n->kind < 0) goto fail;
    }
    if (take_str(t, 1, &n->id_key, 1) < 0) goto fail;
    if (take_strs_of(t, 2, 3, n->span, 3) < 0) goto fail;
    if (take_strs_of(t, 3, 7, n->date, 3) < 0) goto fail;
    if ((basis = part(t, 4, 3)) == NULL) goto fail;
    if (basis != Py_None &&
        (take_str(basis, 0, &n->basis[0], 0) < 0 || take_str(basis, 1, &n->basis[1], 0) < 0 ||
         take_strs(basis, 2, &n->explain) < 0))
        goto fail;
    if ((orders = part(t, 5, -1)) == NULL || !PyTuple_Check(orders)) goto fail;
    n->norders = TUPLE_SIZE(orders);
    n->orders = PyMem_Calloc((size_t)(3 * n->norders + 1), sizeof(PyObject *));
    if (n->orders == NULL) goto fail;
    for (Py_ssize_t i = 0; i < n->norders; i++)
        if (take_strs_of(orders, i, 3, &n->orders[3 * i], 3) < 0) goto fail;
    if (take_strs_of(t, 6, 5, n->duration, 4) < 0) goto fail;
    if ((whens = part(t, 7, -1)) == NULL || !PyTuple_Check(whens)) goto fail;
    n->nwhens = TUPLE_SIZE(whens);
    n->whens = PyMem_Calloc((size_t)n->nwhens + 1, sizeof(When));
    if (n->whens == NULL) goto fail;
    for (Py_ssize_t i = 0; i < n->nwhens; i++) {
        /* rules.When: rule, key, test, values, then, must */
        PyObject *w = part(whens, i, 6), *test = NULL, *must = NULL;
        When *x = &n->whens[i];
        int rc = w == NULL || take_str(w, 0, &x->rule, 0) < 0 || take_str(w, 1, &x->key, 0) < 0 ||
                 take_str(w, 2, &test, 0) < 0 || take_strs(w, 3, &x->values) < 0 ||
                 take_str(w, 4, &x->then, 0) < 0 || take_str(w, 5, &must, 0) < 0;
        if (!rc) {
            x->test = PyUnicode_CompareWithASCIIString(test, "in") == 0       ? 0
                      : PyUnicode_CompareWithASCIIString(test, "not_in") == 0 ? 1
                      : PyUnicode_CompareWithASCIIString(test, "nonempty") == 0 ? 2
                                                                                 : -1;
            x->must = PyUnicode_CompareWithASCIIString(must, "present") == 0  ? 0
                      : PyUnicode_CompareWithASCIIString(must, "absent") == 0 ? 1
                                                                               : -1;
            rc = x->test < 0 || x->must < 0;
            if (rc) bad_plan("a When test or must");
        }
        Py_XDECREF(w);
        Py_XDECREF(test);
        Py_XDECREF(must);
        if (rc) goto fail;
    }
    if (take_strs_of(t, 8, 2, n->text_file, 2) < 0) goto fail;
    if ((fields = part(t, 9, -1)) == NULL || !PyTuple_Check(fields)) goto fail;
    n->nfields = TUPLE_SIZE(fields);
    n->fields = PyMem_Calloc((size_t)n->nfields + 1, sizeof(Field));
    if (n->fields == NULL) goto fail;
    for (Py_ssize_t i = 0; i < n->nfields; i++)
        if (compile_field(&n->fields[i], TUPLE_ITEM(fields, i), kinds) < 0) goto fail;
    if ((checks = part(t, 10, -1)) == NULL || !PyTuple_Check(checks)) goto fail;
    n->nchecks = TUPLE_SIZE(checks);
    n->checks = PyMem_Calloc((size_t)n->nchecks + 1, sizeof(Check));
    if (n->checks == NULL) goto fail;
    for (Py_ssize_t i = 0; i < n->nchecks; i++)
        if (compile_check(n, &n->checks[i], TUPLE_ITEM(checks, i)) < 0) goto fail;
    Py_DECREF(checks);
    Py_DECREF(basis);
    Py_DECREF(orders);
    Py_DECREF(whens);
    Py_DECREF(fields);
    return n;
fail:
    if (!PyErr_Occurred()) bad_plan("a Node part");
    Py_XDECREF(kind);
    Py_XDECREF(basis);
    Py_XDECREF(orders);
    Py_XDECREF(whens);
    Py_XDECREF(fields);
    Py_XDECREF(checks);
    free_node(n);
    return NULL;
}

static PyObject *compile_plan(PyObject *self, PyObject *rules) {
    /* rules.Rules: api, version, root, kinds */
    if (!PyTuple_Check(rules) || TUPLE_SIZE(rules) != 4) {
        bad_plan("a Rules tuple of 4");
        return NULL;
    }
    long api = PyLong_AsLong(TUPLE_ITEM(rules, 0));
    if (api != PLAN_API) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_ValueError, "plan API %ld; this engine knows %d", api, PLAN_API);
        return NULL;
    }
    PyObject *kinds = TUPLE_ITEM(rules, 3);
    if (!PyTuple_Check(kinds) || TUPLE_SIZE(kinds) > MAX_KINDS) {
        bad_plan("kinds");
        return NULL;
    }
    Plan *p = PyMem_Calloc(1, sizeof(Plan));
    if (p == NULL) return PyErr_NoMemory();
    p->nkinds = (int)TUPLE_SIZE(kinds);
    p->root = compile_node(TUPLE_ITEM(rules, 2), kinds);
    if (p->root == NULL) {
        PyMem_Free(p);
        return NULL;
    }
    PyObject *capsule = PyCapsule_New(p, PLAN_CAPSULE, plan_destructor);
    if (capsule == NULL) {
        free_node(p->root);
        PyMem_Free(p);
    }
    return capsule;
}

/* ---------------------------------------------------------------------------------------- */
/* scan                                                                                      */

static inline Py_ssize_t skip_ws(const char *s, Py_ssize_t i, Py_ssize_t n) {
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) i++;
    return i;
}

typedef struct {
    const char *at;
    Py_ssize_t len;
    unsigned long long sig; /* length and first and last bytes: a cheap first comparison */
} Key;

typedef struct {
    const char *at;
    Py_ssize_t len;
} Watch;

/* SWAR, eight bytes at a time (little-endian): the high bit of each byte equal to '"' or '\\'
 * (bits above the lowest may be wrong; the lowest is exact) */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
static inline unsigned long long quote_or_backslash(unsigned long long v) {
    unsigned long long q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');
    return (((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGHS;
}

/* the index of the quote that closes the string opened at s[open]; n if none. *escaped is set
 * when the string holds a backslash */
static inline Py_ssize_t string_end(const char *s, Py_ssize_t open, Py_ssize_t n, int *escaped) {
    Py_ssize_t j = open + 1;
    for (;;) {
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        while (j + 8 <= n) {
            unsigned long long v;
            memcpy(&v, s + j, 8);
            unsigned long long hit = quote_or_backslash(v);
            if (hit) {
                j += __builtin_ctzll(hit) >> 3;
                break;
            }
            j += 8;
        }
#endif
        while (j < n && s[j] != '"' && s[j] != '\\') j++;
        if (j >= n) return n;
        if (s[j] == '"') return j;
        *escaped = 1;
        j += 2; /* a backslash and the character it escapes */
        if (j >= n) return n;
    }
}

/* the bytes the scan stops at: quotes, brackets and braces, digits */
static const unsigned char INTERESTING[256] = {
    ['"'] = 1, ['{'] = 1, ['}'] = 1, ['['] = 1, [']'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1,
    ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
};

/* 0 on success, -1 (MemoryError set) on failure; see scan(). *fractions: some number is
 * written with a fraction or an exponent (1.0, 9e7): orjson makes it a float, which a schema's
 * `integer` takes for an integer (1.0 is one in JSON Schema) and the record would be changed
 * by an export; such a line is never accepted, and the reference path reports it.
 *
 * Brackets are kept on one stack (kind[]: '{' or '['; frame[]: where an object's keys start
 * in all[]), so that any input, however mismatched ({], ]]]], a key in an array), leaves
 * every index in bounds: a bracket that does not close the innermost one ends the scan as
 * unsure (the text is not JSON; orjson refuses it anyway). */
static int scan_bytes(const char *s, Py_ssize_t n, const Watch *watch, int nwatch, int *exact,
                      int *has_offsets, int *fractions) {
    Py_ssize_t i = 0;
    int offsets = 0, sure = 1, fraction = 0, nesting = 0;
    Key keys[MAX_KEYS_PER_OBJECT * 4];
    Key *heap = NULL, *all = keys;
    Py_ssize_t top = 0, cap = MAX_KEYS_PER_OBJECT * 4;
    Py_ssize_t frame[MAX_NESTING];
    char kind[MAX_NESTING];
    while (i < n && sure) {
        while (i < n && !INTERESTING[(unsigned char)s[i]]) i++; /* , : spaces true false null */
        if (i >= n) break;
        char c = s[i];
        if (c == '"') {
            int escaped = 0;
            Py_ssize_t close = string_end(s, i, n, &escaped);
            if (close >= n) {
                sure = 0; /* a string that does not end: not JSON */
                break;
            }
            Py_ssize_t j = close + 1;
            if (j < n && s[j] != ':' && s[j] <= ' ') j = skip_ws(s, j, n);
            if (j < n && s[j] == ':') { /* a key */
                const char *key = s + i + 1;
                Py_ssize_t len = close - i - 1;
                if (nesting == 0 || kind[nesting - 1] != '{' || escaped) {
                    sure = 0; /* an escaped key: equal keys may be spelled apart */
                    break;
                }
                Py_ssize_t first = frame[nesting - 1];
                if (top - first >= MAX_KEYS_PER_OBJECT) {
                    sure = 0;
                    break;
                }
                unsigned long long sig = (unsigned long long)len << 16;
                if (len) sig |= ((unsigned long long)(unsigned char)key[0] << 8) | (unsigned char)key[len - 1];
                for (Py_ssize_t k = first; k < top; k++)
                    if (all[k].sig == sig && memcmp(all[k].at, key, (size_t)len) == 0) sure = 0;
                if (top == cap) {
                    Key *grown = PyMem_Malloc(sizeof(Key) * (size_t)cap * 2);
                    if (grown == NULL) {
                        PyMem_Free(heap);
                        PyErr_NoMemory();
                        return -1;
                    }
                    memcpy(grown, all, sizeof(Key) * (size_t)cap);
                    PyMem_Free(heap);
                    all = heap = grown;
                    cap *= 2;
                }
                all[top].at = key;
                all[top].len = len;
                all[top].sig = sig;
                top++;
                if (!offsets) {
                    Py_ssize_t v = j + 1;
                    if (v < n && s[v] <= ' ') v = skip_ws(s, v, n);
                    if (v < n && (s[v] == '-' || (s[v] >= '0' && s[v] <= '9')))
                        for (int w = 0; w < nwatch; w++)
                            if (watch[w].len == len && memcmp(watch[w].at, key, (size_t)len) == 0)
                                offsets = 1;
                }
                i = j + 1;
            } else {
                i = close + 1;
            }
        } else if (c == '{' || c == '[') {
            if (nesting >= MAX_NESTING) {
                sure = 0; /* the strict parser may run out of stack first */
                break;
            }
            kind[nesting] = c;
            frame[nesting++] = top;
            i++;
        } else if (c == '}' || c == ']') {
            if (nesting == 0 || kind[nesting - 1] != (c == '}' ? '{' : '[')) {
                sure = 0; /* closes what is not open: not JSON */
                break;
            }
            top = frame[--nesting]; /* an object's keys are forgotten with it */
            i++;
        } else if (c >= '0' && c <= '9') {
            Py_ssize_t run = i;
            while (i < n && s[i] >= '0' && s[i] <= '9') i++;
            if (i - run > 18) sure = 0; /* maybe beyond 64 bits: orjson would make it a float */
            if (i < n && (s[i] == '.' || s[i] == 'e' || s[i] == 'E')) fraction = 1;
        } else {
            i++;
        }
    }
    if (nesting != 0) sure = 0; /* brackets left open: not JSON */
    PyMem_Free(heap);
    *exact = sure;
    *has_offsets = offsets;
    *fractions = fraction;
    return 0;
}

#define MAX_WATCH 8

static int watch_list(PyObject *keys, Watch *watch, int *nwatch) {
    *nwatch = 0;
    if (keys == NULL || keys == Py_None) return 0;
    if (!PyTuple_Check(keys) || TUPLE_SIZE(keys) > MAX_WATCH) {
        PyErr_SetString(PyExc_TypeError, "offset keys: a tuple of at most 8 bytes");
        return -1;
    }
    for (Py_ssize_t k = 0; k < TUPLE_SIZE(keys); k++) {
        PyObject *b = TUPLE_ITEM(keys, k);
        char *at;
        Py_ssize_t len;
        if (!PyBytes_Check(b) || PyBytes_AsStringAndSize(b, &at, &len) < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "offset keys must be bytes");
            return -1;
        }
        watch[k].at = at;
        watch[k].len = len;
        (*nwatch)++;
    }
    return 0;
}

static PyObject *scan(PyObject *self, PyObject *args) {
    PyObject *raw, *keys = NULL;
    if (!PyArg_ParseTuple(args, "O|O:scan", &raw, &keys)) return NULL;
    char *at;
    Py_ssize_t len;
    if (!PyBytes_Check(raw) || PyBytes_AsStringAndSize(raw, &at, &len) < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "scan() takes bytes");
        return NULL;
    }
    Watch watch[MAX_WATCH];
    int nwatch, exact, offsets, fractions;
    if (watch_list(keys, watch, &nwatch) < 0) return NULL;
    if (scan_bytes(at, len, watch, nwatch, &exact, &offsets, &fractions) < 0) return NULL;
    return Py_BuildValue("(OO)", exact ? Py_True : Py_False, offsets ? Py_True : Py_False);
}

/* ---------------------------------------------------------------------------------------- */
/* the walk: every helper returns 1 (nothing found), 0 (something found, or unsure) or -1     */

#define TRY(x)                  \
    do {                        \
        int r_ = (x);           \
        if (r_ != 1) return r_; \
    } while (0)

typedef struct {
    PyObject *id; /* strong */
    Py_hash_t hash;
    int kind;
    int inside[MAX_KINDS + 1];
} IdEntry;

typedef struct {
    PyObject *value; /* strong */
    const RefRule *rule;
    int scope_serial;
} RefEntry;

#define STACK_IDS 64
#define STACK_SLOTS 128 /* a power of two, at least twice STACK_IDS */
#define STACK_REFS 128
#define MAX_ANCHORS 8

/* the ids met so far, in an open-addressing table of indexes into entries (-1: empty), and the
 * references, checked once the whole record is walked; small records stay on the stack */
typedef struct {
    PyObject *text; /* or NULL */
    IdEntry *entries;
    Py_ssize_t nentries, ecap;
    int *slots;
    Py_ssize_t nslots;
    RefEntry *refs;
    Py_ssize_t nrefs, rcap;
    int inside[MAX_KINDS + 1];
    int serial;
    int nanchors;
    struct {
        PyObject *name;  /* borrowed from the plan */
        PyObject *value; /* the anchor date's value (strong), or NULL */
    } anchors[MAX_ANCHORS];
    IdEntry stack_entries[STACK_IDS];
    int stack_slots[STACK_SLOTS];
    RefEntry stack_refs[STACK_REFS];
} Walk;

/* the index in entries of the id equal to `id`, or -1; *slot: where it is or would go */
static Py_ssize_t find_id(const Walk *w, PyObject *id, Py_hash_t hash, Py_ssize_t *slot, int *err) {
    Py_ssize_t mask = w->nslots - 1, i = (Py_ssize_t)((size_t)hash & (size_t)mask);
    *err = 0;
    for (;;) {
        int k = w->slots[i];
        if (k < 0) {
            *slot = i;
            return -1;
        }
        const IdEntry *e = &w->entries[k];
        if (e->id == id) return k;
        if (e->hash == hash) {
            int eq = PyObject_RichCompareBool(e->id, id, Py_EQ);
            if (eq < 0) {
                *err = 1;
                return -1;
            }
            if (eq) return k;
        }
        i = (i + 1) & mask;
    }
}

static int grow_slots(Walk *w) {
    Py_ssize_t n = w->nslots * 2;
    int *slots = PyMem_Malloc(sizeof(int) * (size_t)n);
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) slots[i] = -1;
    for (Py_ssize_t k = 0; k < w->nentries; k++) {
        Py_ssize_t i = (Py_ssize_t)((size_t)w->entries[k].hash & (size_t)(n - 1));
        while (slots[i] >= 0) i = (i + 1) & (n - 1);
        slots[i] = (int)k;
    }
    if (w->slots != w->stack_slots) PyMem_Free(w->slots);
    w->slots = slots;
    w->nslots = n;
    return 0;
}

/* grow a buffer that may still be the walk's stack buffer */
static void *grow(void *buf, const void *stack, Py_ssize_t count, Py_ssize_t *cap, size_t size) {
    Py_ssize_t n = *cap * 2;
    void *out = PyMem_Malloc(size * (size_t)n);
    if (out == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(out, buf, size * (size_t)count);
    if (buf != stack) PyMem_Free(buf);
    *cap = n;
    return out;
}

static int is_ascii(PyObject *s, const char *lit) {
    return PyUnicode_Check(s) && PyUnicode_CompareWithASCIIString(s, lit) == 0;
}

static int is_int(PyObject *v) { return v != NULL && PyLong_Check(v) && !PyBool_Check(v); }

/* --- dates --- */

static int is_leap(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(long y, long m) {
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* days since 0001-01-01, a Monday (checks._ordinal) */
static long ordinal(long y, long m, long d) {
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    long yy = y - 1;
    long days = yy * 365 + yy / 4 - yy / 100 + yy / 400 + before[m - 1] + d - 1;
    if (m > 2 && is_leap(y)) days++;
    return days;
}

static int digits(const char *s, int n, long *out) {
    long v = 0;
    for (int k = 0; k < n; k++) {
        if (s[k] < '0' || s[k] > '9') return 0;
        v = v * 10 + (s[k] - '0');
    }
    *out = v;
    return 1;
}

/* the chars of an ASCII str (checks.parse_partial_date accepts ASCII digits only) */
static const char *ascii_of(PyObject *value, Py_ssize_t *n) {
    if (!PyUnicode_Check(value)) return NULL;
    const char *s = PyUnicode_AsUTF8AndSize(value, n);
    if (s == NULL) {
        PyErr_Clear(); /* a lone surrogate: not a date */
        return NULL;
    }
    if (*n != PyUnicode_GetLength(value)) return NULL; /* not ASCII */
    return s;
}

/* checks.parse_partial_date: 1 and the parts (month, day 0 when absent), or 0 */
static int parse_date(PyObject *value, long *y, long *m, long *d) {
    Py_ssize_t n;
    const char *s = ascii_of(value, &n);
    *m = *d = 0;
    if (s == NULL || (n != 4 && n != 7 && n != 10)) return 0;
    if (!digits(s, 4, y) || *y < 1) return 0;
    if (n >= 7 && (s[4] != '-' || !digits(s + 5, 2, m) || *m < 1 || *m > 12)) return 0;
    if (n == 10 && (s[7] != '-' || !digits(s + 8, 2, d) || *d < 1 || *d > days_in_month(*y, *m)))
        return 0;
    return 1;
}

/* --- EDTF: the partial dates of schema 2.0.0 (checks.parse_edtf and its helpers) --- */

/* one date of the profile (checks._Point): year -1 for XXXX; month 1-12, a season 21-24, 0 for
 * XX, -1 not given; day 1-31, 0 for XX, -1 not given; the qualifier 0, '?', '~' or '%' */
typedef struct {
    long y, m, d;
    char q;
} Point;

/* checks.parse_edtf's result: a single date (start, the same as end) or an interval, whose
 * missing side (has_start or has_end 0) is open (mark '.') or not given (mark 0) */
typedef struct {
    Point start, end;
    int has_start, has_end, interval;
    char start_mark, end_mark;
} Edtf;

static int is_season(long m) { return m >= 21 && m <= 24; }
static const int SEASON_FROM[4] = {3, 6, 9, 12}, SEASON_TO[4] = {5, 8, 11, 2};

/* checks._month_days: a year-less February (year -1) has 29 days */
static int month_days(long y, long m) { return m == 2 && y < 0 ? 29 : days_in_month(y, m); }

/* checks._parse_point on s[0:n]: 1 and the point, or 0 */
static int parse_point(const char *s, Py_ssize_t n, Point *p) {
    p->q = 0;
    if (n > 0 && (s[n - 1] == '?' || s[n - 1] == '~' || s[n - 1] == '%')) p->q = s[--n];
    if ((n != 4 && n != 7 && n != 10) || (n > 4 && s[4] != '-') || (n == 10 && s[7] != '-'))
        return 0;
    if (memcmp(s, "XXXX", 4) == 0) p->y = -1;
    else if (!digits(s, 4, &p->y) || p->y == 0) return 0;
    p->m = p->d = -1;
    if (n == 4) return p->y > 0;
    if (s[5] == 'X' && s[6] == 'X') {
        if (n == 10 && p->y < 0 && s[8] == 'X' && s[9] == 'X') return p->m = p->d = 0, 1;
        return 0;
    }
    if (!digits(s + 5, 2, &p->m)) return 0;
    if (n == 7 && is_season(p->m)) return p->y > 0 && !p->q;
    if (p->m < 1 || p->m > 12) return 0;
    if (n == 7) return 1;
    if (!digits(s + 8, 2, &p->d)) return 0;
    return p->d >= 1 && p->d <= month_days(p->y, p->m);
}

/* checks.parse_edtf: 1 and the parts of a date of the profile, or 0 */
static int parse_edtf(PyObject *value, Edtf *e) {
    Py_ssize_t n;
    const char *s = ascii_of(value, &n);
    if (s == NULL) return 0;
    memset(e, 0, sizeof(*e));
    const char *slash = memchr(s, '/', (size_t)n);
    if (slash == NULL) {
        if (!parse_point(s, n, &e->start)) return 0;
        e->end = e->start;
        e->has_start = e->has_end = 1;
        return 1;
    }
    e->interval = 1;
    Py_ssize_t i = slash - s, rn = n - i - 1;
    const char *r = slash + 1;
    if (i == 2 && s[0] == '.' && s[1] == '.') e->start_mark = '.';
    else if (i > 0) {
        if (!parse_point(s, i, &e->start)) return 0;
        e->has_start = 1;
    }
    if (rn == 2 && r[0] == '.' && r[1] == '.') e->end_mark = '.';
    else if (rn > 0) {
        if (!parse_point(r, rn, &e->end)) return 0; /* a second '/' is no point either */
        e->has_end = 1;
    }
    return e->has_start || e->has_end;
}

/* checks._point_bounds: 1 and the first and last day of a date with a year, or 0 */
static int point_bounds(const Point *p, long *lo, long *hi) {
    long y = p->y, m = p->m;
    if (y < 0) return 0;
    if (m < 0) {
        *lo = ordinal(y, 1, 1);
        *hi = ordinal(y, 12, 31);
    } else if (is_season(m)) {
        long a = SEASON_FROM[m - 21], b = SEASON_TO[m - 21], yb = b < a ? y + 1 : y;
        *lo = ordinal(y, a, 1);
        *hi = ordinal(yb, b, month_days(yb, b));
    } else if (p->d < 0) {
        *lo = ordinal(y, m, 1);
        *hi = ordinal(y, m, month_days(y, m));
    } else {
        *lo = *hi = ordinal(y, m, p->d);
    }
    return 1;
}

#define HAS_FIRST 1
#define HAS_LAST 2

/* checks._edtf_first_last: HAS_FIRST | HAS_LAST as each is known */
static int first_last(const Edtf *e, long *first, long *last) {
    long x;
    int out = 0;
    if (e->has_start && point_bounds(&e->start, first, &x)) out |= HAS_FIRST;
    if (e->has_end && point_bounds(&e->end, &x, last)) out |= HAS_LAST;
    return out;
}

/* checks.date_bounds: the first and last day a value can denote, each where it is knowable
 * (HAS_FIRST, HAS_LAST); 0 for a null or invalid value */
static int date_bounds(PyObject *value, long *first, long *last) {
    Edtf e;
    if (value == NULL || !PyUnicode_Check(value) || !parse_edtf(value, &e)) return 0;
    return first_last(&e, first, last);
}

/* checks.bounds_of: 1 and both bounds, or 0 */
static int bounds_of(PyObject *value, long *lo, long *hi) {
    return date_bounds(value, lo, hi) == (HAS_FIRST | HAS_LAST);
}

/* checks._single_point: 1 and the date of a value that is one date (no interval) */
static int single_point(PyObject *value, Point *p) {
    Edtf e;
    if (value == NULL || !PyUnicode_Check(value) || !parse_edtf(value, &e) || e.interval) return 0;
    *p = e.start;
    return 1;
}

/* checks._exact_day: the ordinal of one unqualified day with a year; -1 for any other value */
static long exact_day(PyObject *value) {
    Point p;
    if (!single_point(value, &p) || p.y < 0 || p.d < 1 || p.q) return -1;
    return ordinal(p.y, p.m, p.d);
}

/* checks._point_rank: 0 day, 1 month, 2 season, 3 year */
static int point_rank(const Point *p) {
    return p->d >= 0 ? 0 : (p->m >= 1 && p->m <= 12) ? 1 : is_season(p->m) ? 2 : 3;
}

/* checks._edtf_unit, as a rank: of an interval, the coarser of its dates */
static int edtf_rank(const Edtf *e) {
    int r = -1;
    if (e->has_start) r = point_rank(&e->start);
    if (e->has_end && point_rank(&e->end) > r) r = point_rank(&e->end);
    return r;
}

/* checks._doy: the day of a leap year */
static long doy(long m, long d) { return ordinal(2000, m, d) - ordinal(2000, 1, 1); }

/* checks._point_days: 1 and the first and last day of the year a date can fall on, by month
 * and day alone (a winter wraps: first > last); 0 without a month (XX) */
static int point_days(const Point *p, long *lo, long *hi) {
    long m = p->m;
    if (m < 0) {
        *lo = 0;
        *hi = 365;
    } else if (m == 0) {
        return 0;
    } else if (is_season(m)) {
        long b = SEASON_TO[m - 21];
        *lo = doy(SEASON_FROM[m - 21], 1);
        *hi = doy(b, month_days(-1, b));
    } else if (p->d > 0) {
        *lo = *hi = doy(m, p->d);
    } else {
        *lo = doy(m, 1);
        *hi = doy(m, month_days(-1, m));
    }
    return 1;
}

/* checks._edtf_days */
static int edtf_days(const Edtf *e, long *lo, long *hi) {
    long x;
    if (!e->has_start || !e->has_end) return 0;
    return point_days(&e->start, lo, &x) && point_days(&e->end, &x, hi);
}

/* checks._outside: 1 when a bound lies outside the value (as far as can be told) */
static int outside(const Point *p, const Edtf *v) {
    int years = (!v->has_start || v->start.y > 0) && (!v->has_end || v->end.y > 0);
    long plo, phi, first, last, vlo, vhi;
    if (p->y > 0 && years) {
        int known = first_last(v, &first, &last);
        point_bounds(p, &plo, &phi);
        return ((known & HAS_FIRST) && plo < first) || ((known & HAS_LAST) && phi > last);
    }
    if (!point_days(p, &plo, &phi) || !edtf_days(v, &vlo, &vhi) || vlo > vhi || plo > phi) return 0;
    return plo < vlo || phi > vhi;
}

static int in_season(long month, long season) {
    long a = SEASON_FROM[season - 21], b = SEASON_TO[season - 21];
    return a <= b ? (a <= month && month <= b) : (month >= a || month <= b);
}

/* checks._point_disagrees: 1 when the written date w disagrees with the value's date v */
static int point_disagrees(const Point *w, const Point *v, int strict) {
    long wy = w->y, wm = w->m, wd = w->d, vy = v->y, vm = v->m, vd = v->d;
    if (wy > 0 && vy > 0) {
        long wlo, whi, vlo, vhi;
        if (point_bounds(w, &wlo, &whi) && point_bounds(v, &vlo, &vhi)) {
            if (strict && wlo <= vlo && vhi <= whi) return 0;
            if (!strict && vlo <= whi && wlo <= vhi) return 0;
        }
        if (wy != vy) return 1;
    } else if (wy > 0 && strict) {
        return 1;
    }
    if (wm > 0) {
        if (vm <= 0) {
            if (strict) return 1;
        } else if (vm != wm) {
            if (!(is_season(wm) && vm <= 12 && in_season(vm, wm))) return 1;
        }
    }
    if (wd >= 0) {
        if (vd < 0) {
            if (strict) return 1;
        } else if (wd > 0 && vd > 0 && wd != vd) {
            return 1;
        } else if (wd > 0 && vd == 0 && strict) {
            return 1;
        }
    }
    return wy > 0 && vy > 0; /* "it lies outside the written date" */
}

/* checks._written_disagrees: 1 when written (w) disagrees with value (v) */
static int written_disagrees(const Edtf *w, const Edtf *v) {
    if (w->interval && v->interval) {
        for (int side = 0; side < 2; side++) {
            int wh = side ? w->has_end : w->has_start, vh = side ? v->has_end : v->has_start;
            char wmark = side ? w->end_mark : w->start_mark, vmark = side ? v->end_mark : v->start_mark;
            const Point *wp = side ? &w->end : &w->start, *vp = side ? &v->end : &v->start;
            if (!wh) {
                if (wmark == '.' && vmark != '.') return 1;
                continue;
            }
            if (!vh || point_disagrees(wp, vp, 1)) return 1;
        }
        return 0;
    }
    if (w->interval) {
        if ((w->has_start && v->has_start && point_disagrees(&w->start, &v->start, 0)) ||
            (w->has_end && v->has_start && point_disagrees(&w->end, &v->start, 0)))
            return 1;
        return 0;
    }
    if (v->interval) { /* a single written date agrees with one end */
        int any = 0, agrees = 0;
        if (v->has_start) any = 1, agrees |= !point_disagrees(&w->start, &v->start, 1);
        if (v->has_end) any = 1, agrees |= !point_disagrees(&w->start, &v->end, 1);
        return any && !agrees;
    }
    return point_disagrees(&w->start, &v->start, 1);
}

/* checks._year_less_counts: whether `days` is one of the inclusive day counts from one day
 * to another when a year is missing; -1 when there are no counts at all */
static int year_less_count_ok(const Point *sp, const Point *ep, long long days) {
    long sy = sp->y, sm = sp->m, sd = sp->d, ey = ep->y, em = ep->m, ed = ep->d;
    int before = sm < em || (sm == em && sd <= ed); /* (sm, sd) <= (em, ed) */
    long years[3];
    int ny;
    if (sy > 0) years[0] = sy, ny = 1;
    else if (ey > 0) years[0] = before ? ey : ey - 1, ny = 1;
    else years[0] = 2001, years[1] = 2003, years[2] = 2000, ny = 3;
    int any = 0;
    for (int k = 0; k < ny; k++) {
        long y = years[k], ye = ey > 0 ? ey : before ? y : y + 1;
        if (y < 1 || sd > month_days(y, sm) || ed > month_days(ye, em)) continue;
        long count = ordinal(ye, em, ed) - ordinal(y, sm, sd) + 1;
        if (count < 1) continue;
        any = 1;
        if (days == count) return 1;
    }
    return any ? 0 : -1;
}

/* checks._written_agrees: YYYY, --MM, --MM-DD, YYYY-MM or YYYY-MM-DD, each part the value's */
static int written_agrees(PyObject *written, long y, long m, long d) {
    Py_ssize_t n;
    const char *s = ascii_of(written, &n);
    long a, b, c;
    if (s == NULL) return 0;
    int no_year = n >= 2 && s[0] == '-' && s[1] == '-';
    if (n == 4 && !no_year) return digits(s, 4, &a) && a == y;
    /* a written month (or day) agrees only with a value that has one: m (d) is 0 when the
     * value has none, and a written 00 must not pass for it */
    if (no_year) {
        if (n != 4 && n != 7) return 0;
        if (!digits(s + 2, 2, &b) || m == 0 || b != m) return 0;
        return n == 4 || (s[4] == '-' && digits(s + 5, 2, &c) && d != 0 && c == d);
    }
    if (n != 7 && n != 10) return 0;
    if (!digits(s, 4, &a) || a != y || s[4] != '-' || !digits(s + 5, 2, &b) || m == 0 || b != m)
        return 0;
    return n == 7 || (s[7] == '-' && digits(s + 8, 2, &c) && d != 0 && c == d);
}

static const char *WEEKDAYS[7] = {"monday", "tuesday", "wednesday", "thursday",
                                  "friday", "saturday", "sunday"};

/* d[key] for a key that may be NULL (not in the rule): a new reference, or NULL */
static PyObject *get_opt(PyObject *d, PyObject *key) { return key == NULL ? NULL : get(d, key); }

static int forms_len(PyObject *precision) {
    if (is_ascii(precision, "day")) return 10;
    if (is_ascii(precision, "month")) return 7;
    if (is_ascii(precision, "year")) return 4;
    return -1;
}

static int date_ok_inner(PyObject *value, PyObject *precision, PyObject *basis, PyObject *weekday,
                         PyObject *written, PyObject *earliest, PyObject *latest) {
    if (precision == NULL || !PyUnicode_Check(precision)) return 1;
    int has_bounds = (earliest != NULL && earliest != Py_None) || (latest != NULL && latest != Py_None);
    if (is_ascii(precision, "unknown"))
        return (value == NULL || value == Py_None) && basis != NULL && is_ascii(basis, "unknown") && !has_bounds;
    if (basis != NULL && is_ascii(basis, "unknown")) return 0;
    if (value == NULL || !PyUnicode_Check(value)) return value == NULL || value == Py_None ? 0 : 1;
    int form = forms_len(precision);
    if (form < 0) return 1;
    if (PyUnicode_GetLength(value) != form) return 0;
    long y, m, d;
    if (!parse_date(value, &y, &m, &d)) return 0;
    if (weekday != NULL && PyUnicode_Check(weekday) && m && d &&
        !is_ascii(weekday, WEEKDAYS[ordinal(y, m, d) % 7]))
        return 0;
    if (written != NULL && PyUnicode_Check(written) && !written_agrees(written, y, m, d)) return 0;
    if (has_bounds) {
        long olo, ohi, elo = 0, ehi = 0, llo = 0, lhi = 0;
        int have_outer = bounds_of(value, &olo, &ohi), he = 0, hl = 0;
        if (earliest != NULL && PyUnicode_Check(earliest)) {
            if (!(he = bounds_of(earliest, &elo, &ehi))) return 0;
            if (have_outer && (elo < olo || ehi > ohi)) return 0;
        }
        if (latest != NULL && PyUnicode_Check(latest)) {
            if (!(hl = bounds_of(latest, &llo, &lhi))) return 0;
            if (have_outer && (llo < olo || lhi > ohi)) return 0;
        }
        if (he && hl && lhi < elo) return 0;
    }
    return 1;
}

/* checks._Walk.date */
static int date_ok(PyObject *d, const Node *n) {
    PyObject *p[7];
    for (int i = 0; i < 7; i++) p[i] = get_opt(d, n->date[i]);
    int r = PyErr_Occurred() ? -1 : date_ok_inner(p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
    for (int i = 0; i < 7; i++) Py_XDECREF(p[i]);
    return r;
}

/* checks._Walk.node's basis rule */
static int basis_ok(PyObject *d, const Node *n) {
    PyObject *basis = get(d, n->basis[0]);
    if (basis == NULL) return PyErr_Occurred() ? -1 : 1;
    int needs = PySequence_Contains(n->explain, basis);
    Py_DECREF(basis);
    if (needs <= 0) return needs < 0 ? -1 : 1;
    PyObject *reason = get(d, n->basis[1]);
    if (reason == NULL) return PyErr_Occurred() ? -1 : 1; /* absent: value.get(reason, 1) */
    int truth = PyObject_IsTrue(reason);
    Py_DECREF(reason);
    return truth;
}

/* the value at `value_key` of the partial date d[key] (a new reference), or NULL */
static PyObject *date_value(PyObject *d, PyObject *key, PyObject *value_key) {
    PyObject *date = get(d, key);
    if (date == NULL) return NULL;
    PyObject *v = PyDict_Check(date) ? get(date, value_key) : NULL;
    Py_DECREF(date);
    return v;
}

static int weekday_index(PyObject *name) {
    if (name == NULL || !PyUnicode_Check(name)) return -1;
    for (int k = 0; k < 7; k++)
        if (is_ascii(name, WEEKDAYS[k])) return k;
    return -1;
}

/* checks._weekday_of: the weekday (0 Monday) a date d names, or that its day with a year
 * falls on (p, when has_p); -1 if none */
static int weekday_of(PyObject *d, PyObject *key, const Point *p, int has_p) {
    PyObject *stated = PyDict_Check(d) ? get(d, key) : NULL;
    int k = weekday_index(stated);
    Py_XDECREF(stated);
    if (k >= 0) return k;
    if (has_p && p->y > 0 && p->d > 0) return (int)(ordinal(p->y, p->m, p->d) % 7);
    return -1;
}

/* checks._Walk.duration: a stated length against dates that are not both days with a year
 * (2.0.0): two year-less days, or two weekdays */
static int duration_widened(PyObject *d, const Node *n, PyObject *sv, PyObject *ev, long long days) {
    Point sp, ep;
    int hs = single_point(sv, &sp), he = single_point(ev, &ep);
    if (hs && he && sp.d > 0 && ep.d > 0) return year_less_count_ok(&sp, &ep, days) != 0;
    PyObject *ds = get(d, n->duration[1]), *de = get(d, n->duration[2]);
    int ws = ds == NULL ? -1 : weekday_of(ds, n->duration[4], &sp, hs);
    int we = de == NULL ? -1 : weekday_of(de, n->duration[4], &ep, he);
    Py_XDECREF(ds);
    Py_XDECREF(de);
    if (PyErr_Occurred()) return -1;
    if (ws < 0 || we < 0) return 1;
    long long count = (we - ws + 7) % 7 + 1;
    return (days % 7 + 7) % 7 == count % 7;
}

/* checks._Walk.order (with the duration over the same pair): the dates compared by their
 * bounds (checks.date_bounds; for the 1.x forms the same days as 1.x's) */
static int order_ok(PyObject *d, const Node *n, Py_ssize_t k) {
    PyObject *start_key = n->orders[3 * k], *end_key = n->orders[3 * k + 1], *vk = n->orders[3 * k + 2];
    PyObject *s = date_value(d, start_key, vk), *e = date_value(d, end_key, vk);
    long sf = 0, sl = 0, ef = 0, el = 0;
    int hs = date_bounds(s, &sf, &sl), he = date_bounds(e, &ef, &el), r = 1;
    if (PyErr_Occurred()) r = -1;
    else if ((hs & HAS_FIRST) && (he & HAS_LAST) && el < sf) r = 0;
    else if (n->duration[0] != NULL &&
             PyObject_RichCompareBool(n->duration[1], start_key, Py_EQ) == 1 &&
             PyObject_RichCompareBool(n->duration[2], end_key, Py_EQ) == 1) {
        PyObject *days = get(d, n->duration[0]);
        if (days != NULL && is_int(days)) {
            int overflow = 0;
            long long v = PyLong_AsLongLongAndOverflow(days, &overflow);
            if (hs == (HAS_FIRST | HAS_LAST) && sf == sl && he == (HAS_FIRST | HAS_LAST) && ef == el)
                r = !overflow && v == (long long)(ef - sf) + 1;
            else if (n->duration[4] != NULL)
                r = overflow ? 0 : duration_widened(d, n, s, e, v); /* unsure of a huge count */
        }
        Py_XDECREF(days);
    }
    Py_XDECREF(s);
    Py_XDECREF(e);
    return PyErr_Occurred() ? -1 : r;
}

/* checks._Walk.when */
static int when_ok(PyObject *d, const When *w) {
    PyObject *got = get(d, w->key);
    int hit;
    if (got == NULL) return PyErr_Occurred() ? -1 : 1;
    if (w->test == 2) {
        hit = PyList_Check(got) && LIST_SIZE(got) > 0;
    } else if (!PyUnicode_Check(got)) {
        Py_DECREF(got);
        return 1;
    } else {
        int in = PySequence_Contains(w->values, got);
        if (in < 0) {
            Py_DECREF(got);
            return -1;
        }
        hit = in == (w->test == 0);
    }
    Py_DECREF(got);
    if (!hit) return 1;
    PyObject *then = get(d, w->then);
    if (then == NULL && PyErr_Occurred()) return -1;
    int given = then != NULL && then != Py_None && !(PyList_Check(then) && LIST_SIZE(then) == 0);
    Py_XDECREF(then);
    return w->must == 0 ? given : !given;
}

/* checks._Walk.span */
static int span_ok(PyObject *span, const Node *n, PyObject *text) {
    PyObject *start = get(span, n->span[0]), *end = get(span, n->span[1]), *quote = get(span, n->span[2]);
    int r = 1;
    if (PyErr_Occurred()) r = -1;
    else if (quote == NULL || !PyUnicode_Check(quote)) r = 1;
    else if ((start == NULL || start == Py_None) && (end == NULL || end == Py_None)) {
        if (text != NULL) {
            Py_ssize_t at = PyUnicode_Find(text, quote, 0, PY_SSIZE_T_MAX, 1);
            r = at == -2 ? -1 : at >= 0;
        }
    } else if (start == NULL || start == Py_None || end == NULL || end == Py_None) {
        r = 0;
    } else if (!is_int(start) || !is_int(end)) {
        r = 1;
    } else {
        int o1 = 0, o2 = 0;
        long long a = PyLong_AsLongLongAndOverflow(start, &o1), b = PyLong_AsLongLongAndOverflow(end, &o2);
        /* b - a in unsigned arithmetic: exact once b >= a, where the signed one overflows
         * for offsets far apart (-2**63 and 2**63-1) */
        if (o1 || o2 || b < a ||
            (unsigned long long)b - (unsigned long long)a != (unsigned long long)PyUnicode_GetLength(quote))
            r = 0;
        else if (text != NULL) {
            if (a < 0 || b > (long long)PyUnicode_GetLength(text)) r = 0;
            else {
                Py_ssize_t match = PyUnicode_Tailmatch(text, quote, (Py_ssize_t)a, (Py_ssize_t)b, -1);
                r = match < 0 ? -1 : match == 1;
            }
        }
    }
    Py_XDECREF(start);
    Py_XDECREF(end);
    Py_XDECREF(quote);
    return r;
}

/* checks._Walk._text_file, for the text's length and (when known) sha256 */
static int text_file_ok(PyObject *tf, const Node *n, PyObject *text, PyObject *sha) {
    if (sha != NULL && sha != Py_None) {
        PyObject *declared = get(tf, n->text_file[1]);
        int same = 1;
        if (declared != NULL && PyUnicode_Check(declared))
            same = PyObject_RichCompareBool(declared, sha, Py_EQ);
        Py_XDECREF(declared);
        if (same != 1) return same;
    }
    PyObject *length = get(tf, n->text_file[0]);
    int r = 1;
    if (length != NULL && is_int(length)) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(length, &overflow);
        if (overflow || v != (long long)PyUnicode_GetLength(text)) r = 0;
    }
    Py_XDECREF(length);
    return PyErr_Occurred() ? -1 : r;
}

static int pre_text_files(PyObject *value, const Node *n, PyObject *text, PyObject *sha) {
    /* checks._Walk.text_file_ok: every text-file object along single (not list) fields */
    if (!PyDict_Check(value)) return 1;
    if (n->text_file[0] != NULL) TRY(text_file_ok(value, n, text, sha));
    for (Py_ssize_t i = 0; i < n->nfields; i++) {
        const Field *f = &n->fields[i];
        if (f->obj == NULL || f->many) continue;
        PyObject *sub = get(value, f->key);
        if (sub == NULL) {
            if (PyErr_Occurred()) return -1;
            continue;
        }
        int r = pre_text_files(sub, f->obj, text, sha);
        Py_DECREF(sub);
        if (r != 1) return r;
    }
    return 1;
}

/* --- the checks of PLAN_API 2 (checks._Walk.check) --- */

static int given(PyObject *v) { return v != NULL && v != Py_None; }

/* the rank (checks._UNIT_RANK) of a precision name, or -1 */
static int precision_rank(PyObject *name) {
    if (is_ascii(name, "day")) return 0;
    if (is_ascii(name, "month")) return 1;
    if (is_ascii(name, "season")) return 2;
    if (is_ascii(name, "year")) return 3;
    return -1;
}

/* the anchor named `name` met so far in the walk: 1 and its value (borrowed, maybe NULL) */
static int anchor_of(const Walk *w, PyObject *name, PyObject **value) {
    for (int i = 0; i < w->nanchors; i++) {
        int eq = PyObject_RichCompareBool(w->anchors[i].name, name, Py_EQ);
        if (eq < 0) return -1;
        if (eq) {
            *value = w->anchors[i].value;
            return 1;
        }
    }
    return 0;
}

#define MAX_OFFSET 1000000000LL /* beyond it, unsure (the schema allows 1000) */

/* checks._Walk.relative: the value (v) is the anchor moved by offset units, compared at the
 * coarser of the value's precision and the unit; skipped when the anchor is unknown or too
 * coarse */
static int relative_ok(const Walk *w, PyObject *rel, const Edtf *v, PyObject *weekday) {
    PyObject *keys[3] = {NULL, NULL, NULL}, *got[3] = {NULL, NULL, NULL};
    int r = 1;
    for (int k = 0; k < 3; k++) {
        keys[k] = PyUnicode_FromString(RELATIVE_KEYS[k]);
        if (keys[k] == NULL || ((got[k] = get(rel, keys[k])) == NULL && PyErr_Occurred())) {
            r = -1;
            goto done;
        }
    }
    PyObject *raw = got[0], *unit = got[1], *name = got[2], *at = NULL;
    if (name == NULL || !PyUnicode_Check(name)) goto done;
    int found = anchor_of(w, name, &at);
    if (found <= 0) {
        r = found < 0 ? -1 : 1;
        goto done;
    }
    if (!is_int(raw) || unit == NULL || !PyUnicode_Check(unit)) goto done;
    int need = is_ascii(unit, "day") || is_ascii(unit, "week") || is_ascii(unit, "weekday") ? 0
               : is_ascii(unit, "month")                                                   ? 1
               : is_ascii(unit, "year")                                                    ? 3
                                                                                           : -1;
    if (need < 0) goto done;
    int overflow = 0;
    long long offset = PyLong_AsLongLongAndOverflow(raw, &overflow);
    if (overflow || offset > MAX_OFFSET || offset < -MAX_OFFSET) {
        r = PyErr_Occurred() ? -1 : 0; /* unsure */
        goto done;
    }
    Point a, p;
    if (!single_point(at, &a) || v->interval || a.y < 0 || v->start.y < 0 || v->start.m > 12) goto done;
    p = v->start;
    if ((need == 0 && a.d < 0) || (need == 1 && !(a.m >= 1 && a.m <= 12))) goto done;
    long long ey, em = -1, ed = -1;
    if (need == 0) {
        long long day = ordinal(a.y, a.m, a.d);
        if (is_ascii(unit, "weekday")) {
            int k = weekday_index(weekday);
            if (k < 0) goto done;
            if (offset > 0) {
                long long step = ((k - day) % 7 + 7) % 7;
                day += (step ? step : 7) + 7 * (offset - 1);
            } else if (offset < 0) {
                long long step = ((day - k) % 7 + 7) % 7;
                day -= (step ? step : 7) + 7 * (-offset - 1);
            }
        } else {
            day += offset * (is_ascii(unit, "week") ? 7 : 1);
        }
        if (day < 0 || day >= ordinal(9999, 12, 31)) goto done;
        /* the date of the ordinal: the year first, then the month */
        long long y = day / 366 + 1;
        while (ordinal((long)y + 1, 1, 1) <= day) y++;
        long long m = 1;
        while (m < 12 && ordinal((long)y, (long)m + 1, 1) <= day) m++;
        ey = y;
        em = m;
        ed = day - ordinal((long)y, (long)m, 1) + 1;
    } else if (need == 1) {
        long long months = (long long)a.y * 12 + a.m - 1 + offset;
        ey = months >= 0 ? months / 12 : -((-months + 11) / 12); /* Python's floor division */
        em = months - ey * 12 + 1;
    } else {
        ey = a.y + offset;
    }
    int rank = point_rank(&p) > need ? point_rank(&p) : need;
    r = ey == p.y && (rank >= 3 || em == p.m) && (rank != 0 || ed == p.d);
done:
    for (int k = 0; k < 3; k++) {
        Py_XDECREF(keys[k]);
        Py_XDECREF(got[k]);
    }
    return r;
}

/* checks._Walk.edtf_range: earliest and latest are single unqualified dates, in order, inside
 * the value's bounds (by month and day when a year is missing) */
static int edtf_range_ok(PyObject *earliest, PyObject *latest, const Edtf *v) {
    Point pts[2];
    int have[2] = {0, 0};
    PyObject *bounds[2] = {earliest, latest};
    for (int k = 0; k < 2; k++) {
        if (bounds[k] == NULL || !PyUnicode_Check(bounds[k])) continue;
        Edtf got;
        if (!parse_edtf(bounds[k], &got) || got.interval || got.start.q) return 0;
        if (outside(&got.start, v)) return 0;
        pts[k] = got.start;
        have[k] = 1;
    }
    if (!have[0] || !have[1]) return 1;
    long llo, lhi, hlo, hhi, vlo, vhi;
    if (pts[0].y > 0 && pts[1].y > 0) {
        point_bounds(&pts[0], &llo, &lhi);
        point_bounds(&pts[1], &hlo, &hhi);
        return !(hhi < llo);
    }
    if (point_days(&pts[0], &llo, &lhi) && point_days(&pts[1], &hlo, &hhi) &&
        edtf_days(v, &vlo, &vhi) && vlo <= vhi && hhi < llo)
        return 0;
    return 1;
}

/* checks._Walk.edtf: a partial date of the EDTF profile */
static int edtf_ok(const Walk *w, PyObject *d, const Check *c) {
    PyObject *p[MAX_CHECK_ARGS];
    for (int i = 0; i < MAX_CHECK_ARGS; i++) p[i] = get_opt(d, c->args[i]);
    PyObject *value = p[0], *precision = p[1], *basis = p[2], *weekday = p[3], *written = p[4],
             *earliest = p[5], *latest = p[6], *relative = p[7], *absence = p[8];
    int r = 0;
    Edtf v, wr;
    int has_written = 0;
    if (PyErr_Occurred()) {
        r = -1;
        goto done;
    }
    if (written != NULL && PyUnicode_Check(written)) { /* possible even when value is null */
        if (!parse_edtf(written, &wr)) goto done;
        has_written = 1;
    }
    if (given(value) && basis != NULL && is_ascii(basis, "unknown")) goto done;
    if (absence != NULL && PyUnicode_Check(absence)) {
        if (given(value)) goto done;
        if ((is_ascii(absence, "not_announced") || is_ascii(absence, "not_known")) &&
            !(basis != NULL && is_ascii(basis, "stated")))
            goto done;
    }
    if (c->args[5] != NULL && c->args[6] != NULL && given(earliest) != given(latest)) goto done;
    r = 1;
    if (precision == NULL || !PyUnicode_Check(precision)) goto done;
    r = 0;
    if (is_ascii(precision, "unknown")) {
        r = !given(value) && !(c->args[5] != NULL && c->args[6] != NULL && (given(earliest) || given(latest)));
        goto done;
    }
    if (!given(value)) goto done;          /* precision given, value null */
    if (!PyUnicode_Check(value)) {         /* the schema says what is wrong */
        r = 1;
        goto done;
    }
    if (!parse_edtf(value, &v)) goto done;
    int rank = precision_rank(precision);
    if (rank >= 0 && rank != edtf_rank(&v)) goto done;
    long sl, sh, el, eh;
    if (v.interval && v.has_start && v.has_end && point_bounds(&v.start, &sl, &sh) &&
        point_bounds(&v.end, &el, &eh) && sl > eh)
        goto done;
    int k = weekday_index(weekday);
    if (k >= 0 && !v.interval && v.start.y > 0 && v.start.d > 0 && v.start.q != '~' &&
        v.start.q != '%' && ordinal(v.start.y, v.start.m, v.start.d) % 7 != k)
        goto done;
    if (has_written && written_disagrees(&wr, &v)) goto done;
    if (c->args[5] != NULL && c->args[6] != NULL && !edtf_range_ok(earliest, latest, &v)) goto done;
    if (relative != NULL && PyDict_Check(relative)) {
        if (!(basis != NULL && is_ascii(basis, "inferred"))) goto done;
        r = relative_ok(w, relative, &v, weekday);
        goto done;
    }
    r = 1;
done:
    for (int i = 0; i < MAX_CHECK_ARGS; i++) Py_XDECREF(p[i]);
    return r;
}

/* checks._Walk.check for date-anchor: the value of the date it names is the anchor from now on
 * in the walk */
static int set_anchor(Walk *w, PyObject *d, const Check *c) {
    PyObject *v = date_value(d, c->args[1], c->sub_value);
    if (PyErr_Occurred()) return -1;
    for (int i = 0; i < w->nanchors; i++) {
        int eq = PyObject_RichCompareBool(w->anchors[i].name, c->args[0], Py_EQ);
        if (eq < 0) {
            Py_XDECREF(v);
            return -1;
        }
        if (eq) {
            Py_XDECREF(w->anchors[i].value);
            w->anchors[i].value = v;
            return 1;
        }
    }
    if (w->nanchors == MAX_ANCHORS) {
        Py_XDECREF(v);
        return 0; /* unsure */
    }
    w->anchors[w->nanchors].name = c->args[0];
    w->anchors[w->nanchors].value = v;
    w->nanchors++;
    return 1;
}

/* checks._Walk.within: the items of a list do not end before the object's from day nor begin
 * after its to day; applied when both are single unqualified days with a year */
static int within_ok(PyObject *d, const Check *c) {
    PyObject *items = get(d, c->args[2]);
    int r = 1;
    if (items == NULL || !PyList_Check(items)) goto done;
    PyObject *from = date_value(d, c->args[0], c->args[5]), *to = date_value(d, c->args[1], c->args[5]);
    long first = exact_day(from), last = exact_day(to);
    Py_XDECREF(from);
    Py_XDECREF(to);
    if (PyErr_Occurred() || first < 0 || last < 0) goto done;
    int same = PyObject_RichCompareBool(c->args[3], c->args[4], Py_EQ);
    if (same < 0) goto done;
    for (Py_ssize_t i = 0; r == 1 && i < LIST_SIZE(items); i++) {
        PyObject *item = LIST_ITEM(items, i);
        if (!PyDict_Check(item)) continue;
        PyObject *a = date_value(item, c->args[3], c->args[5]), *b = NULL;
        if (same) {
            Py_XINCREF(a);
            b = a;
        } else {
            b = date_value(item, c->args[4], c->args[5]);
        }
        long af = 0, al, bf, bl = 0;
        int ha = date_bounds(a, &af, &al), hb = date_bounds(b, &bf, &bl);
        if ((hb & HAS_LAST) && bl < first) r = 0;
        else if ((ha & HAS_FIRST) && af > last) r = 0;
        Py_XDECREF(a);
        Py_XDECREF(b);
        if (PyErr_Occurred()) r = -1;
    }
done:
    Py_XDECREF(items);
    return PyErr_Occurred() ? -1 : r;
}

/* checks._Walk.last: the last item of a non-empty list agrees with a field (both strings) */
static int last_ok(PyObject *d, const Check *c) {
    PyObject *list = get(d, c->args[0]), *equals = get(d, c->args[2]);
    int r = 1;
    if (list != NULL && PyList_Check(list) && LIST_SIZE(list) > 0 && equals != NULL &&
        PyDict_Check(equals)) {
        PyObject *item = LIST_ITEM(list, LIST_SIZE(list) - 1);
        PyObject *got = PyDict_Check(item) ? get(item, c->args[1]) : NULL, *want = get(equals, c->args[3]);
        if (got != NULL && want != NULL && PyUnicode_Check(got) && PyUnicode_Check(want)) {
            int eq = PyObject_RichCompareBool(got, want, Py_EQ);
            r = eq < 0 ? -1 : eq;
        }
        Py_XDECREF(got);
        Py_XDECREF(want);
    }
    Py_XDECREF(list);
    Py_XDECREF(equals);
    return PyErr_Occurred() ? -1 : r;
}

/* checks._Walk.check for distinct: the string at one is no item of the list at many */
static int distinct_ok(PyObject *d, const Check *c) {
    PyObject *one = get(d, c->args[0]);
    int r = 1;
    if (one != NULL && PyUnicode_Check(one)) {
        PyObject *many = get(d, c->args[1]);
        if (many != NULL && PyList_Check(many)) {
            int in = PySequence_Contains(many, one);
            r = in < 0 ? -1 : !in;
        }
        Py_XDECREF(many);
    }
    Py_XDECREF(one);
    return PyErr_Occurred() ? -1 : r;
}

static int checks_ok(Walk *w, PyObject *d, const Node *n) {
    for (Py_ssize_t k = 0; k < n->nchecks; k++) {
        const Check *c = &n->checks[k];
        switch (c->kind) {
        case CK_EDTF: TRY(edtf_ok(w, d, c)); break;
        case CK_ANCHOR: TRY(set_anchor(w, d, c)); break;
        case CK_WITHIN: TRY(within_ok(d, c)); break;
        case CK_LAST: TRY(last_ok(d, c)); break;
        case CK_DISTINCT: TRY(distinct_ok(d, c)); break;
        default: return 0;
        }
    }
    return 1;
}

static int add_ref(Walk *w, PyObject *value, const RefRule *rule) {
    if (w->nrefs == w->rcap) {
        RefEntry *grown = grow(w->refs, w->stack_refs, w->nrefs, &w->rcap, sizeof(RefEntry));
        if (grown == NULL) return -1;
        w->refs = grown;
    }
    Py_INCREF(value);
    w->refs[w->nrefs].value = value;
    w->refs[w->nrefs].rule = rule;
    w->refs[w->nrefs].scope_serial = rule->scope ? w->inside[rule->scope] : 0;
    w->nrefs++;
    return 1;
}

static int add_id(Walk *w, PyObject *id, int kind) {
    Py_hash_t hash = PyObject_Hash(id);
    if (hash == -1) return -1;
    Py_ssize_t slot;
    int err;
    if (find_id(w, id, hash, &slot, &err) >= 0) return 0; /* unique-id */
    if (err) return -1;
    if (w->nentries == w->ecap) {
        IdEntry *grown = grow(w->entries, w->stack_entries, w->nentries, &w->ecap, sizeof(IdEntry));
        if (grown == NULL) return -1;
        w->entries = grown;
    }
    IdEntry *e = &w->entries[w->nentries];
    Py_INCREF(id);
    e->id = id;
    e->hash = hash;
    e->kind = kind;
    memcpy(e->inside, w->inside, sizeof(w->inside));
    w->slots[slot] = (int)w->nentries++;
    if (2 * w->nentries > w->nslots && grow_slots(w) < 0) return -1;
    return 1;
}

static int walk_node(Walk *w, PyObject *value, const Node *n);

static int seq_ok(PyObject *list, const Field *f) {
    /* checks._Walk.sequence: no item ends before the one above it begins (by date_bounds) */
    long prev = 0, first = 0, last = 0;
    int have = 0;
    for (Py_ssize_t i = 0; i < LIST_SIZE(list); i++) {
        PyObject *item = LIST_ITEM(list, i);
        if (!PyDict_Check(item)) continue;
        PyObject *v = date_value(item, f->seq_by, f->seq_value);
        int b = date_bounds(v, &first, &last);
        Py_XDECREF(v);
        if (PyErr_Occurred()) return -1;
        if ((b & HAS_LAST) && have && last < prev) return 0;
        if (b & HAS_FIRST) {
            prev = first;
            have = 1;
        }
    }
    return 1;
}

static int walk_item(Walk *w, PyObject *item, const Field *f) {
    if (f->ref != NULL && PyUnicode_Check(item)) TRY(add_ref(w, item, f->ref));
    if (f->verbatim && w->text != NULL && PyUnicode_Check(item)) {
        Py_ssize_t at = PyUnicode_Find(w->text, item, 0, PY_SSIZE_T_MAX, 1);
        if (at == -2) return -1;
        if (at < 0) return 0;
    }
    if (f->obj != NULL) TRY(walk_node(w, item, f->obj));
    return 1;
}

static int walk_node(Walk *w, PyObject *value, const Node *n) {
    if (!PyDict_Check(value)) return 1; /* the schema says what is wrong with it */
    int saved = 0;
    if (n->kind) {
        PyObject *id = get(value, n->id_key);
        if (id == NULL && PyErr_Occurred()) return -1;
        if (id != NULL && PyUnicode_Check(id)) {
            int r = add_id(w, id, n->kind);
            Py_DECREF(id);
            if (r != 1) return r;
        } else {
            Py_XDECREF(id);
        }
        saved = w->inside[n->kind];
        w->inside[n->kind] = ++w->serial;
    }
    int r = 1;
    if (n->defer) r = 0; /* a check this engine does not implement: the reference engine's */
    if (r == 1 && n->span[0] != NULL) r = span_ok(value, n, w->text);
    if (r == 1 && n->basis[0] != NULL) r = basis_ok(value, n);
    if (r == 1 && n->date[0] != NULL) r = date_ok(value, n);
    for (Py_ssize_t k = 0; r == 1 && k < n->norders; k++) r = order_ok(value, n, k);
    for (Py_ssize_t k = 0; r == 1 && k < n->nwhens; k++) r = when_ok(value, &n->whens[k]);
    if (r == 1 && n->nchecks) r = checks_ok(w, value, n);
    for (Py_ssize_t k = 0; r == 1 && k < n->nfields; k++) {
        const Field *f = &n->fields[k];
        PyObject *sub = get(value, f->key);
        if (sub == NULL) {
            if (PyErr_Occurred()) r = -1;
            continue;
        }
        if (sub == Py_None) {
        } else if (!f->many) {
            r = walk_item(w, sub, f);
        } else if (PyList_Check(sub)) {
            for (Py_ssize_t i = 0; r == 1 && i < LIST_SIZE(sub); i++) {
                PyObject *item = LIST_ITEM(sub, i);
                Py_INCREF(item);
                r = walk_item(w, item, f);
                Py_DECREF(item);
            }
            if (r == 1 && f->seq_by != NULL) r = seq_ok(sub, f);
        }
        Py_DECREF(sub);
    }
    if (n->kind) w->inside[n->kind] = saved;
    return r;
}

static int resolve_refs(Walk *w) {
    for (Py_ssize_t i = 0; i < w->nrefs; i++) {
        const RefEntry *ref = &w->refs[i];
        Py_hash_t hash = PyObject_Hash(ref->value);
        if (hash == -1) return -1;
        Py_ssize_t slot;
        int err;
        Py_ssize_t k = find_id(w, ref->value, hash, &slot, &err);
        if (err) return -1;
        if (k < 0) return 0; /* ref-exists */
        const IdEntry *e = &w->entries[k];
        if (ref->rule->kinds && !(ref->rule->kinds & (1u << e->kind))) return 0;
        if (ref->rule->scope) {
            int mine = ref->scope_serial;
            if (mine == 0 || e->inside[ref->rule->scope] != mine) return 0;
        }
    }
    return 1;
}

/* checks.check finds nothing: 1; something (or unsure): 0; an exception: -1 */
static int record_ok(PyObject *record, const Plan *plan, PyObject *text, PyObject *sha) {
    if (text != NULL && !PyUnicode_Check(text)) return 0;
    if (plan->nkinds > MAX_KINDS) return 0;
    if (text != NULL) TRY(pre_text_files(record, plan->root, text, sha));
    Walk w; /* (large: its buffers live here, not on the heap) */
    w.text = text;
    w.entries = w.stack_entries;
    w.nentries = 0;
    w.ecap = STACK_IDS;
    w.slots = w.stack_slots;
    w.nslots = STACK_SLOTS;
    for (Py_ssize_t i = 0; i < STACK_SLOTS; i++) w.slots[i] = -1;
    w.refs = w.stack_refs;
    w.nrefs = 0;
    w.rcap = STACK_REFS;
    memset(w.inside, 0, sizeof(w.inside));
    w.serial = 0;
    w.nanchors = 0;
    int r = walk_node(&w, record, plan->root);
    if (r == 1) r = resolve_refs(&w);
    for (Py_ssize_t i = 0; i < w.nrefs; i++) Py_DECREF(w.refs[i].value);
    for (Py_ssize_t i = 0; i < w.nentries; i++) Py_DECREF(w.entries[i].id);
    for (int i = 0; i < w.nanchors; i++) Py_XDECREF(w.anchors[i].value);
    if (w.refs != w.stack_refs) PyMem_Free(w.refs);
    if (w.entries != w.stack_entries) PyMem_Free(w.entries);
    if (w.slots != w.stack_slots) PyMem_Free(w.slots);
    return r;
}

/* the value is made of exact dict (with str keys), list, str, int, float, bool and None, as a
 * JSON parser makes it: then no Python code runs while the record is walked */
static int plain_json(PyObject *v, int depth) {
    if (depth > MAX_NESTING) return 0;
    if (PyDict_CheckExact(v)) {
        Py_ssize_t pos = 0;
        PyObject *key, *item;
        while (PyDict_Next(v, &pos, &key, &item))
            if (!PyUnicode_CheckExact(key) || !plain_json(item, depth + 1)) return 0;
        return 1;
    }
    if (PyList_CheckExact(v)) {
        for (Py_ssize_t k = 0; k < LIST_SIZE(v); k++)
            if (!plain_json(LIST_ITEM(v, k), depth + 1)) return 0;
        return 1;
    }
    return v == Py_None || PyBool_Check(v) || PyUnicode_CheckExact(v) || PyLong_CheckExact(v) ||
           PyFloat_CheckExact(v);
}

static const Plan *plan_of(PyObject *capsule) {
    return PyCapsule_GetPointer(capsule, PLAN_CAPSULE);
}

static PyObject *semantic_ok(PyObject *self, PyObject *args) {
    PyObject *record, *capsule, *text = Py_None, *sha = Py_None;
    if (!PyArg_ParseTuple(args, "OO|OO:semantic_ok", &record, &capsule, &text, &sha)) return NULL;
    const Plan *plan = plan_of(capsule);
    if (plan == NULL) return NULL;
    if (!plain_json(record, 0)) Py_RETURN_FALSE; /* unsure: not a parsed JSON value */
    int r = record_ok(record, plan, text == Py_None ? NULL : text, sha);
    return r < 0 ? NULL : PyBool_FromLong(r);
}

static Py_ssize_t count_deferred(const Node *n) {
    Py_ssize_t count = n->defer;
    for (Py_ssize_t i = 0; i < n->nfields; i++)
        if (n->fields[i].obj != NULL) count += count_deferred(n->fields[i].obj);
    return count;
}

/* deferred(plan) -> the number of nodes whose objects this engine leaves to the reference */
static PyObject *deferred(PyObject *self, PyObject *capsule) {
    const Plan *plan = plan_of(capsule);
    return plan == NULL ? NULL : PyLong_FromSsize_t(count_deferred(plan->root));
}

/* the parts of an acceptor's context, read once per call */
typedef struct {
    PyObject *loads, *version_key, *plans, *choose, *resolve; /* borrowed from the context */
    Watch watch[MAX_WATCH];
    int nwatch;
} Ctx;

static int ctx_from(PyObject *ctx, Ctx *c) {
    if (!PyTuple_Check(ctx) || TUPLE_SIZE(ctx) != 6 || !PyDict_Check(TUPLE_ITEM(ctx, 3))) {
        PyErr_SetString(PyExc_TypeError,
                        "context: (loads, version_key, offset_keys, plans: dict, choose, resolve)");
        return -1;
    }
    c->resolve = TUPLE_ITEM(ctx, 5);
    c->loads = TUPLE_ITEM(ctx, 0);
    c->version_key = TUPLE_ITEM(ctx, 1);
    c->plans = TUPLE_ITEM(ctx, 3);
    c->choose = TUPLE_ITEM(ctx, 4);
    return watch_list(TUPLE_ITEM(ctx, 2), c->watch, &c->nwatch);
}

/* the record loads(arg) when the JSON text s[0:n] (which arg holds) is certainly a good one (a
 * new reference); Py_None (a new reference) when not; NULL on an exception */
static PyObject *accept_text(const Ctx *c, PyObject *arg, const char *s, Py_ssize_t n) {
    PyObject *value = CALL1(c->loads, arg);
    if (value == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_ValueError)) return NULL; /* e.g. MemoryError */
        PyErr_Clear();                                            /* not JSON: not ours to say */
        Py_RETURN_NONE;
    }
    int r = 0;
    PyObject *found = NULL, *chosen = NULL;
    if (PyDict_CheckExact(value)) {
        PyObject *version = get(value, c->version_key);
        if (version != NULL && PyUnicode_CheckExact(version)) {
            found = get(c->plans, version);
            if (found == NULL && !PyErr_Occurred() && c->resolve != Py_None) {
                /* a version met for the first time: its plans are made now, and kept */
                found = CALL1(c->resolve, version);
                if (found != NULL && PyDict_SetItem(c->plans, version, found) < 0) Py_CLEAR(found);
            }
        }
        Py_XDECREF(version);
        if (PyErr_Occurred()) goto error;
    }
    if (found != NULL && PyTuple_Check(found) && TUPLE_SIZE(found) == 4) {
        int exact, offsets, fractions;
        if (scan_bytes(s, n, c->watch, c->nwatch, &exact, &offsets, &fractions) < 0) goto error;
        if (exact && !fractions) { /* a fraction: the reference path says where and why */
            PyObject *valid = CALL1(TUPLE_ITEM(found, 0), value);
            r = valid == NULL ? -1 : PyObject_IsTrue(valid);
            Py_XDECREF(valid);
            PyObject *text = NULL, *sha = NULL;
            if (r == 1 && c->choose != Py_None) {
                chosen = CALL1(c->choose, value);
                if (chosen == NULL) {
                    r = -1;
                } else if (PyTuple_Check(chosen) && TUPLE_SIZE(chosen) == 2 &&
                           PyUnicode_Check(TUPLE_ITEM(chosen, 0))) {
                    text = TUPLE_ITEM(chosen, 0);
                    sha = TUPLE_ITEM(chosen, 1);
                } else {
                    r = 0; /* no text matched the record: the reference path says so */
                }
            }
            if (r == 1) {
                const Plan *plan = plan_of(TUPLE_ITEM(found, text != NULL ? 1 : offsets ? 2 : 3));
                r = plan == NULL ? -1 : record_ok(value, plan, text, sha);
            }
            if (r < 0) goto error;
        }
    }
    Py_XDECREF(found);
    Py_XDECREF(chosen);
    if (r == 1) return value;
    Py_DECREF(value);
    Py_RETURN_NONE;
error:
    Py_XDECREF(found);
    Py_XDECREF(chosen);
    Py_DECREF(value);
    return NULL;
}

/* accept(context, raw); see the comment at the top */
static PyObject *accept(PyObject *self, PyObject *args) {
    PyObject *ctx, *raw;
    if (!PyArg_ParseTuple(args, "OO:accept", &ctx, &raw)) return NULL;
    Ctx c;
    if (ctx_from(ctx, &c) < 0) return NULL;
    char *at;
    Py_ssize_t len;
    if (!PyBytes_Check(raw) || PyBytes_AsStringAndSize(raw, &at, &len) < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "accept() takes bytes");
        return NULL;
    }
    return accept_text(&c, raw, at, len);
}

static int is_blank(const char *s, Py_ssize_t n) { /* bytes.isspace(), or empty */
    for (Py_ssize_t i = 0; i < n; i++)
        if (!(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\x0b' ||
              s[i] == '\x0c'))
            return 0;
    return 1;
}

/* accept_chunk(context, blob, first, keep) -> (lines, valid, rejected, kept); see the top */
static PyObject *accept_chunk(PyObject *self, PyObject *args) {
    PyObject *ctx, *blob;
    int first, keep;
    if (!PyArg_ParseTuple(args, "OOpp:accept_chunk", &ctx, &blob, &first, &keep)) return NULL;
    Ctx c;
    if (ctx_from(ctx, &c) < 0) return NULL;
    char *s;
    Py_ssize_t n;
    if (!PyBytes_Check(blob) || PyBytes_AsStringAndSize(blob, &s, &n) < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "accept_chunk() takes bytes");
        return NULL;
    }
    PyObject *rejected = PyList_New(0), *kept = keep ? PyList_New(0) : NULL;
    if (rejected == NULL || (keep && kept == NULL)) goto error;
    Py_ssize_t lines = 0, valid = 0, i = 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', (size_t)(n - i));
        Py_ssize_t end = nl ? (nl - s) + 1 : n;
        char *line = s + i;
        Py_ssize_t len = end - i;
        i = end;
        lines++;
        if (lines == 1 && first && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
            line += 3; /* a UTF-8 byte-order mark: tolerated, as RFC 8259 allows */
            len -= 3;
        }
        if (is_blank(line, len)) continue;
        PyObject *view = PyMemoryView_FromMemory(line, len, PyBUF_READ);
        if (view == NULL) goto error;
        PyObject *record = accept_text(&c, view, line, len);
        Py_DECREF(view);
        if (record == NULL) goto error;
        if (record != Py_None) {
            valid++;
            int rc = 0;
            if (keep) {
                PyObject *pair = Py_BuildValue("(nN)", lines, record); /* steals record */
                rc = pair == NULL ? -1 : PyList_Append(kept, pair);
                Py_XDECREF(pair);
            } else {
                Py_DECREF(record);
            }
            if (rc < 0) goto error;
            continue;
        }
        Py_DECREF(record);
        PyObject *item = Py_BuildValue("(ny#)", lines, line, len);
        if (item == NULL) goto error;
        int rc = PyList_Append(rejected, item);
        Py_DECREF(item);
        if (rc < 0) goto error;
    }
    PyObject *out = Py_BuildValue("(nnOO)", lines, valid, rejected, keep ? kept : Py_None);
    Py_DECREF(rejected);
    Py_XDECREF(kept);
    return out;
error:
    Py_XDECREF(rejected);
    Py_XDECREF(kept);
    return NULL;
}

/* ---------------------------------------------------------------------------------------- */

static PyMethodDef methods[] = {
    {"compile", compile_plan, METH_O,
     "compile(rules: diplomatic_visits.rules.Rules) -> plan: the plan in C structures; raises "
     "ValueError for a plan this engine does not know."},
    {"scan", scan, METH_VARARGS,
     "scan(raw: bytes, offset_keys: tuple[bytes, ...] = ()) -> (exact, offsets) for a JSON text "
     "orjson parsed: exact is True only if orjson's value is the one a strict parser gives (no "
     "object repeats a key, no escaped key, no integer of over 18 digits); offsets: whether a "
     "key in offset_keys holds a number."},
    {"deferred", deferred, METH_O,
     "deferred(plan) -> int: how many kinds of object of a compiled plan hold a check of a kind "
     "this engine does not implement (a record holding one is never accepted here: the "
     "reference engine checks it)."},
    {"semantic_ok", semantic_ok, METH_VARARGS,
     "semantic_ok(record, plan, text=None, sha256=None) -> bool: True only if the semantic "
     "checks find nothing in a record that passed its schema."},
    {"accept_chunk", accept_chunk, METH_VARARGS,
     "accept_chunk(context, blob: bytes, first: bool, keep: bool) -> (lines, valid, rejected, "
     "kept): accept every line of a chunk of whole JSON Lines lines at once (first: the chunk "
     "starts the input, so its first line may carry a byte-order mark). lines counts every "
     "line, blank ones too; valid, the accepted ones; rejected lists (line number, line bytes) "
     "of the others, for the reference path; kept, with keep, the accepted records."},
    {"accept", accept, METH_VARARGS,
     "accept(context, raw: bytes) -> record or None: the record when it is certainly a good one, "
     "else None. context: (loads, version_key, offset_keys, plans, choose, resolve); plans "
     "maps each schema version to (is_valid, plan with text, plan with offsets, plan without "
     "either), and resolve(version) gives that for a version not in it yet (or None); "
     "choose: None, or a function record -> (text, sha256) or None."},
    {NULL, NULL, 0, NULL},
};

static int exec_module(PyObject *m) {
    /* what accel.py checks before it uses this module: the calling convention, and (set by
     * the build hook) the sha256 of this file, so that a module left from an older source is
     * not used with newer Python code */
    if (PyModule_AddIntConstant(m, "API_VERSION", API_VERSION) < 0) return -1;
    if (PyModule_AddIntConstant(m, "PLAN_API", PLAN_API) < 0) return -1;
#ifdef Py_LIMITED_API
    if (PyModule_AddIntConstant(m, "LIMITED_API", 1) < 0) return -1;
#else
    if (PyModule_AddIntConstant(m, "LIMITED_API", 0) < 0) return -1;
#endif
#ifdef SOURCE_SHA256
    if (PyModule_AddStringConstant(m, "SOURCE_SHA256", STRINGIFY(SOURCE_SHA256)) < 0) return -1;
#endif
    return 0;
}

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, exec_module},
#if !defined(Py_LIMITED_API) && defined(Py_mod_gil)
    /* nothing here is shared between threads but compiled plans, which never change */
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "diplomatic_visits._speedups",
    "Optional compiled engine that accepts good records; see accel.py.", 0, methods, slots, NULL,
    NULL, NULL,
};

PyMODINIT_FUNC PyInit__speedups(void) { return PyModuleDef_Init(&module); }
