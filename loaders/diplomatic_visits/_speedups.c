/*
 * diplomatic_visits._speedups: an optional compiled accelerator for `validate`.
 *
 * It answers one question quickly: "is this parsed line certainly a good record?" It never
 * reports anything. Whenever it answers no (or is unsure), the pure-Python code runs and says
 * what is wrong, so the Python rules in checks.py and validate.py stay the reference; tests hold
 * the two to the same answers on generated and mutated records. Without a compiler the package
 * works the same, only slower (validate.py falls back when this module does not import).
 *
 *   scan(raw: bytes) -> (exact, offsets)
 *       for a JSON text that orjson parsed. exact: True only if orjson's value is the one the
 *       strict parser gives: no object repeats a key (orjson keeps the last silently), no key is
 *       written with escapes (equal keys could then be spelled apart), no integer has over 18
 *       digits (orjson turns integers beyond 64 bits into floats). False means "unsure", never
 *       "wrong". offsets: whether some key named "start" or "end" holds a number.
 *   accept(loads, checks, texts, raw) -> record or None
 *       all of the above in one call: loads(raw) is returned when it is an object declaring a
 *       schema version in `checks`, the scan finds it exact, checks[version][0] (jsonschema-rs
 *       is_valid) holds, and semantic_ok holds with the plan for spans with or without offsets
 *       and, when `texts` gives one for the record (as Sources.for_record chooses), the text.
 *   semantic_ok(record, plan, text=None, sha256=None) -> bool
 *       True only if checks.iter_semantic_issues(record, text, text_bytes) finds nothing, for a
 *       record that passed schema 1.0.0 (sha256: the hex digest of text_bytes); `plan` is
 *       checks._plan(version, spans). False (unsure) for a value not made of plain JSON types
 *       (exact dict, list, str, int, ...).
 *
 * accept's `loads` must make plain JSON types, as orjson.loads does: the walk borrows
 * references, which is safe only while no Python code can run (no str subclass's __eq__).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>


/* interned keys and values, made once */
static PyObject *k_actors, *k_places, *k_visits, *k_statements, *k_sub_events, *k_outcomes,
    *k_id, *k_within, *k_visitors, *k_hosts, *k_origin, *k_destination, *k_place,
    *k_participants, *k_sub_event, *k_asserted_by, *k_speaker, *k_reported_via, *k_about,
    *k_annotation, *k_sentences, *k_contributes, *k_basis, *k_inferred_from, *k_precision,
    *k_weekday, *k_value, *k_start, *k_end, *k_quote, *k_duration_days, *k_mode, *k_article,
    *k_text_file, *k_length, *k_sha256;

enum kind { ACTOR = 1, PLACE, VISIT, SUB_EVENT, OUTCOME, STATEMENT };
static PyObject *kind_obj[STATEMENT + 1];

static const char *WEEKDAYS[7] = {"monday", "tuesday", "wednesday", "thursday",
                                  "friday", "saturday", "sunday"};

/* ---------------------------------------------------------------------------------------- */
/* scan                                                                                     */

static inline Py_ssize_t skip_ws(const char *s, Py_ssize_t i, Py_ssize_t n) {
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) i++;
    return i;
}

#define MAX_KEYS_PER_OBJECT 64
#define API_VERSION 2 /* raise when a function's arguments or meaning change */
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define MAX_OBJECT_DEPTH 1024
#define MAX_NESTING 200 /* arrays and objects; no record comes near */

/* A key as written: no escapes, so equal bytes mean equal keys. */
typedef struct {
    const char *at;
    Py_ssize_t len;
} key_t_;

/* 0 on success, -1 (MemoryError set) on failure */
static int scan_bytes(const char *s, Py_ssize_t n, int *exact, int *has_offsets) {
    Py_ssize_t i = 0;
    int offsets = 0, sure = 1, depth = 0, nesting = 0;
    /* the keys of the open objects, innermost last; frame[d]: where object d's keys start */
    key_t_ keys[MAX_KEYS_PER_OBJECT * 4];
    key_t_ *heap = NULL, *all = keys;
    Py_ssize_t top = 0, cap = MAX_KEYS_PER_OBJECT * 4;
    Py_ssize_t frame[MAX_OBJECT_DEPTH];
    while (i < n && sure) {
        char c = s[i];
        if (c == '"') {
            Py_ssize_t open = i, close = i + 1;
            for (;;) { /* the closing quote: one not preceded by an odd run of backslashes */
                const char *q = memchr(s + close, '"', (size_t)(n - close));
                if (q == NULL) {
                    close = n;
                    break;
                }
                close = q - s;
                Py_ssize_t b = close;
                while (b > open + 1 && s[b - 1] == '\\') b--;
                if (((close - b) & 1) == 0) break;
                close++;
            }
            if (close >= n) break;
            Py_ssize_t j = skip_ws(s, close + 1, n);
            if (j < n && s[j] == ':') { /* a key */
                const char *key = s + open + 1;
                Py_ssize_t len = close - open - 1;
                if (depth == 0 || memchr(key, '\\', (size_t)len) != NULL) {
                    sure = 0; /* an escaped key: equal keys may be spelled apart */
                    break;
                }
                Py_ssize_t first = frame[depth - 1];
                if (top - first >= MAX_KEYS_PER_OBJECT) {
                    sure = 0;
                    break;
                }
                for (Py_ssize_t k = first; k < top; k++)
                    if (all[k].len == len && memcmp(all[k].at, key, (size_t)len) == 0) sure = 0;
                if (top == cap) {
                    key_t_ *grown = PyMem_Malloc(sizeof(key_t_) * (size_t)cap * 2);
                    if (grown == NULL) {
                        PyMem_Free(heap);
                        PyErr_NoMemory();
                        return -1;
                    }
                    memcpy(grown, all, sizeof(key_t_) * (size_t)cap);
                    PyMem_Free(heap);
                    all = heap = grown;
                    cap *= 2;
                }
                all[top].at = key;
                all[top].len = len;
                top++;
                if (!offsets && ((len == 5 && memcmp(key, "start", 5) == 0) ||
                                 (len == 3 && memcmp(key, "end", 3) == 0))) {
                    Py_ssize_t v = skip_ws(s, j + 1, n);
                    if (v < n && (s[v] == '-' || (s[v] >= '0' && s[v] <= '9'))) offsets = 1;
                }
                i = j + 1;
            } else {
                i = close + 1;
            }
        } else if (c == '{') {
            if (depth == MAX_OBJECT_DEPTH || ++nesting > MAX_NESTING) {
                sure = 0; /* the strict parser may run out of stack first */
                break;
            }
            frame[depth++] = top;
            i++;
        } else if (c == '}') {
            if (depth > 0) top = frame[--depth];
            nesting--;
            i++;
        } else if (c == '[') {
            if (++nesting > MAX_NESTING) {
                sure = 0;
                break;
            }
            i++;
        } else if (c == ']') {
            nesting--;
            i++;
        } else if (c >= '0' && c <= '9') {
            Py_ssize_t run = i;
            while (i < n && s[i] >= '0' && s[i] <= '9') i++;
            if (i - run > 18) sure = 0; /* maybe beyond 64 bits: orjson would make it a float */
        } else {
            i++;
        }
    }
    PyMem_Free(heap);
    *exact = sure;
    *has_offsets = offsets;
    return 0;
}

static PyObject *scan(PyObject *self, PyObject *arg) {
    if (!PyBytes_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "scan() takes bytes");
        return NULL;
    }
    int exact, offsets;
    if (scan_bytes(PyBytes_AS_STRING(arg), PyBytes_GET_SIZE(arg), &exact, &offsets) < 0)
        return NULL;
    return Py_BuildValue("(OO)", exact ? Py_True : Py_False, offsets ? Py_True : Py_False);
}

/* ---------------------------------------------------------------------------------------- */
/* semantic_ok: every helper returns 1 (fine), 0 (a problem, or unsure) or -1 (an exception)   */

#define TRY(x)                 \
    do {                       \
        int r_ = (x);          \
        if (r_ != 1) return r_; \
    } while (0)

/* d[key]: borrowed; NULL with no exception when absent */
static inline PyObject *get(PyObject *d, PyObject *key) {
    return PyDict_GetItemWithError(d, key);
}

/* str == the ASCII literal `lit` */
#define is(str, lit) is_ascii((str), (lit), sizeof(lit) - 1)

static inline int is_ascii(PyObject *str, const char *lit, Py_ssize_t len) {
    if (!PyUnicode_Check(str)) return 0;
    if (PyUnicode_IS_COMPACT_ASCII(str))
        return PyUnicode_GET_LENGTH(str) == len &&
               memcmp(PyUnicode_DATA(str), lit, (size_t)len) == 0;
    return PyUnicode_CompareWithASCIIString(str, lit) == 0;
}

/* the list d[key]; NULL (no exception) if it is missing or not a list */
static inline PyObject *list_at(PyObject *d, PyObject *key) {
    PyObject *v = get(d, key);
    return (v != NULL && PyList_Check(v)) ? v : NULL;
}

static int is_leap(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(long y, long m) {
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* days since 0001-01-01 (proleptic Gregorian, 0001-01-01 is day 0, a Monday) */
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

/* Parse YYYY, YYYY-MM or YYYY-MM-DD into a real calendar date (month, day 0 when absent).
 * Returns 1 on success, 0 when the value is not such a date. */
static int parse_date(PyObject *value, long *y, long *m, long *d) {
    if (!PyUnicode_Check(value) || !PyUnicode_IS_ASCII(value)) return 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(value);
    const char *s = (const char *)PyUnicode_DATA(value);
    *m = 0;
    *d = 0;
    if (n != 4 && n != 7 && n != 10) return 0;
    if (!digits(s, 4, y) || *y < 1) return 0;
    if (n >= 7 && (s[4] != '-' || !digits(s + 5, 2, m) || *m < 1 || *m > 12)) return 0;
    if (n == 10 && (s[7] != '-' || !digits(s + 8, 2, d) || *d < 1 || *d > days_in_month(*y, *m)))
        return 0;
    return 1;
}

/* checks._check_partial_date finds nothing */
static int partial_date_ok(PyObject *d) {
    PyObject *value = get(d, k_value), *precision = get(d, k_precision), *basis = get(d, k_basis),
             *weekday = get(d, k_weekday);
    if (value == NULL || precision == NULL || basis == NULL || weekday == NULL)
        return PyErr_Occurred() ? -1 : 0;
    if (is(precision, "unknown")) return value == Py_None && is(basis, "unknown");
    if (is(basis, "unknown") || value == Py_None || !PyUnicode_Check(value)) return 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(value);
    int day = is(precision, "day");
    if (!((day && n == 10) || (is(precision, "month") && n == 7) || (is(precision, "year") && n == 4)))
        return 0;
    long y, m, dd;
    if (!parse_date(value, &y, &m, &dd)) return 0;
    if (day && weekday != Py_None) {
        long wd = ordinal(y, m, dd) % 7; /* 0001-01-01 was a Monday */
        if (!is_ascii(weekday, WEEKDAYS[wd], (Py_ssize_t)strlen(WEEKDAYS[wd]))) return 0;
    }
    return 1;
}

/* checks._check_dates_and_bases, for one object that has a `basis` */
static int basis_ok(PyObject *node) {
    PyObject *basis = get(node, k_basis);
    if (basis == NULL) return PyErr_Occurred() ? -1 : 0;
    if (is(basis, "inferred") || is(basis, "knowledge")) {
        PyObject *from = get(node, k_inferred_from);
        if (from == NULL && PyErr_Occurred()) return -1;
        if (from != NULL) {
            int truth = PyObject_IsTrue(from);
            if (truth != 1) return truth;
        }
    }
    int has_precision = PyDict_Contains(node, k_precision), has_weekday;
    if (has_precision < 0) return -1;
    if (has_precision) {
        has_weekday = PyDict_Contains(node, k_weekday);
        if (has_weekday < 0) return -1;
        if (has_weekday) return partial_date_ok(node);
    }
    return 1;
}

/* checks._check_spans; `text` is the article the spans index, or NULL */
static int span_ok(PyObject *span, PyObject *text) {
    if (!PyDict_Check(span)) return 0;
    if (text == NULL && PyDict_GET_SIZE(span) == 1) return 1; /* a bare quote */
    PyObject *start = get(span, k_start), *end = get(span, k_end), *quote = get(span, k_quote);
    if (PyErr_Occurred()) return -1;
    if (start == Py_None) start = NULL;
    if (end == Py_None) end = NULL;
    if ((start == NULL) != (end == NULL) || quote == NULL || !PyUnicode_Check(quote)) return 0;
    if (start == NULL) {
        if (text == NULL) return 1;
        Py_ssize_t at = PyUnicode_Find(text, quote, 0, PY_SSIZE_T_MAX, 1); /* quote in text */
        return at == -2 ? -1 : at >= 0;
    }
    if (!PyLong_CheckExact(start) || !PyLong_CheckExact(end)) return 0;
    int overflow = 0;
    long long a = PyLong_AsLongLongAndOverflow(start, &overflow);
    if (overflow) return 0;
    long long b = PyLong_AsLongLongAndOverflow(end, &overflow);
    if (overflow) return 0;
    if (PyErr_Occurred()) return -1;
    if (a < 0 || b < a) return 0; /* (the schema allows 0 to 1e8: no overflow below) */
    if (b - a != (long long)PyUnicode_GET_LENGTH(quote)) return 0;
    if (text == NULL) return 1;
    /* text[a:b] == quote: the lengths agree, so a prefix match of text[a:b] is equality */
    Py_ssize_t match = PyUnicode_Tailmatch(text, quote, (Py_ssize_t)a, (Py_ssize_t)b, -1);
    return match < 0 ? -1 : match == 1;
}

enum how { SPAN, SPANS, OBJECT, OBJECTS };

/* checks._follow: the plan is (holds a basis, ((key, how, sub-plan), ...)) */
static int follow(PyObject *node, PyObject *plan, int depth, PyObject *text) {
    if (!PyDict_Check(node) || !PyTuple_Check(plan) || PyTuple_GET_SIZE(plan) != 2 ||
        depth > 1000)
        return 0;
    int has_basis = PyObject_IsTrue(PyTuple_GET_ITEM(plan, 0));
    if (has_basis < 0) return -1;
    if (has_basis) TRY(basis_ok(node));
    PyObject *children = PyTuple_GET_ITEM(plan, 1);
    if (!PyTuple_Check(children)) return 0;
    for (Py_ssize_t c = 0; c < PyTuple_GET_SIZE(children); c++) {
        PyObject *step = PyTuple_GET_ITEM(children, c);
        if (!PyTuple_Check(step) || PyTuple_GET_SIZE(step) != 3) return 0;
        PyObject *value = get(node, PyTuple_GET_ITEM(step, 0));
        if (value == NULL) {
            if (PyErr_Occurred()) return -1;
            continue;
        }
        if (value == Py_None) continue;
        long how = PyLong_AsLong(PyTuple_GET_ITEM(step, 1));
        PyObject *sub = PyTuple_GET_ITEM(step, 2);
        if (how == SPAN) {
            TRY(span_ok(value, text));
        } else if (how == OBJECT) {
            TRY(follow(value, sub, depth + 1, text));
        } else if (how == SPANS || how == OBJECTS) {
            if (!PyList_Check(value)) return 0;
            for (Py_ssize_t k = 0; k < PyList_GET_SIZE(value); k++) {
                PyObject *item = PyList_GET_ITEM(value, k);
                TRY(how == SPANS ? span_ok(item, text) : follow(item, sub, depth + 1, text));
            }
        } else {
            return PyErr_Occurred() ? -1 : 0;
        }
    }
    return 1;
}

/* ids: register an object's id with its kind; 0 on a duplicate */
static int add_id(PyObject *kinds, PyObject *obj, enum kind kind) {
    if (!PyDict_Check(obj)) return 0;
    PyObject *id = get(obj, k_id);
    if (id == NULL || !PyUnicode_Check(id)) return PyErr_Occurred() ? -1 : 0;
    int seen = PyDict_Contains(kinds, id);
    if (seen != 0) return seen < 0 ? -1 : 0;
    return PyDict_SetItem(kinds, id, kind_obj[kind]) < 0 ? -1 : 1;
}

static int add_ids(PyObject *kinds, PyObject *list, enum kind kind) {
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(list); k++)
        TRY(add_id(kinds, PyList_GET_ITEM(list, k), kind));
    return 1;
}

/* a reference: null, or the id of an object of one of the `allowed` kinds (a bit set; 0: any) */
static int ref_ok(PyObject *kinds, PyObject *value, unsigned allowed) {
    if (value == NULL) return PyErr_Occurred() ? -1 : 0;
    if (value == Py_None) return 1;
    if (!PyUnicode_Check(value)) return 0;
    PyObject *found = PyDict_GetItemWithError(kinds, value);
    if (found == NULL) return PyErr_Occurred() ? -1 : 0;
    return allowed == 0 || (allowed & (1u << PyLong_AsLong(found))) != 0;
}

static int refs_ok(PyObject *kinds, PyObject *list, unsigned allowed) {
    if (list == NULL || !PyList_Check(list)) return PyErr_Occurred() ? -1 : 0;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(list); k++)
        TRY(ref_ok(kinds, PyList_GET_ITEM(list, k), allowed));
    return 1;
}

/* a place_ref or null: its `place` names a place */
static int place_ref_ok(PyObject *kinds, PyObject *ref) {
    if (ref == NULL) return PyErr_Occurred() ? -1 : 0;
    if (ref == Py_None) return 1;
    if (!PyDict_Check(ref)) return 0;
    return ref_ok(kinds, get(ref, k_place), 1u << PLACE);
}

#define BIT(k) (1u << (k))

/* checks._check_ids */
static int ids_ok(PyObject *record, PyObject *kinds) {
    PyObject *actors = list_at(record, k_actors), *places = list_at(record, k_places),
             *visits = list_at(record, k_visits), *statements = list_at(record, k_statements);
    if (!actors || !places || !visits || !statements) return PyErr_Occurred() ? -1 : 0;
    TRY(add_ids(kinds, actors, ACTOR));
    TRY(add_ids(kinds, places, PLACE));
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(visits); i++) {
        PyObject *v = PyList_GET_ITEM(visits, i), *events, *outcomes;
        if (!PyDict_Check(v)) return 0;
        TRY(add_id(kinds, v, VISIT));
        if (!(events = list_at(v, k_sub_events)) || !(outcomes = list_at(v, k_outcomes)))
            return PyErr_Occurred() ? -1 : 0;
        TRY(add_ids(kinds, events, SUB_EVENT));
        TRY(add_ids(kinds, outcomes, OUTCOME));
    }
    TRY(add_ids(kinds, statements, STATEMENT));

    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(places); i++)
        TRY(ref_ok(kinds, get(PyList_GET_ITEM(places, i), k_within), BIT(PLACE)));
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(visits); i++) {
        PyObject *v = PyList_GET_ITEM(visits, i);
        PyObject *events = list_at(v, k_sub_events), *outcomes = list_at(v, k_outcomes);
        TRY(refs_ok(kinds, get(v, k_visitors), BIT(ACTOR)));
        TRY(refs_ok(kinds, get(v, k_hosts), BIT(ACTOR)));
        TRY(place_ref_ok(kinds, get(v, k_origin)));
        TRY(place_ref_ok(kinds, get(v, k_destination)));
        for (Py_ssize_t j = 0; j < PyList_GET_SIZE(events); j++) {
            PyObject *e = PyList_GET_ITEM(events, j);
            TRY(refs_ok(kinds, get(e, k_participants), BIT(ACTOR)));
            TRY(place_ref_ok(kinds, get(e, k_place)));
        }
        for (Py_ssize_t j = 0; j < PyList_GET_SIZE(outcomes); j++) {
            PyObject *o = PyList_GET_ITEM(outcomes, j);
            if (!PyDict_Check(o)) return 0;
            PyObject *sub = get(o, k_sub_event);
            if (sub == NULL) return PyErr_Occurred() ? -1 : 0;
            if (sub != Py_None) { /* one of this visit's own sub-events */
                int own = 0;
                for (Py_ssize_t k = 0; k < PyList_GET_SIZE(events) && !own; k++) {
                    PyObject *id = get(PyList_GET_ITEM(events, k), k_id);
                    if (id == NULL) return PyErr_Occurred() ? -1 : 0;
                    own = PyObject_RichCompareBool(id, sub, Py_EQ);
                    if (own < 0) return -1;
                }
                if (!own) return 0;
            }
            TRY(refs_ok(kinds, get(o, k_asserted_by), BIT(STATEMENT)));
        }
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(statements); i++) {
        PyObject *s = PyList_GET_ITEM(statements, i);
        if (!PyDict_Check(s)) return 0;
        TRY(ref_ok(kinds, get(s, k_speaker), BIT(ACTOR)));
        TRY(ref_ok(kinds, get(s, k_reported_via), BIT(ACTOR)));
        TRY(refs_ok(kinds, get(s, k_about), BIT(VISIT) | BIT(SUB_EVENT)));
    }
    PyObject *annotation = get(record, k_annotation);
    if (annotation == NULL && PyErr_Occurred()) return -1;
    if (annotation != NULL) {
        int truth = PyObject_IsTrue(annotation);
        if (truth < 0) return -1;
        if (truth) {
            PyObject *sentences;
            if (!PyDict_Check(annotation) || !(sentences = list_at(annotation, k_sentences)))
                return PyErr_Occurred() ? -1 : 0;
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(sentences); i++) {
                PyObject *x = PyList_GET_ITEM(sentences, i);
                if (!PyDict_Check(x)) return 0;
                TRY(refs_ok(kinds, get(x, k_contributes), 0));
            }
        }
    }
    return 1;
}

/* the first and last day (ordinals) a partial date can denote; 0 if it denotes none */
static int bounds(PyObject *d, long *lo, long *hi) {
    if (d == NULL || !PyDict_Check(d)) return 0;
    PyObject *value = get(d, k_value);
    if (value == NULL || value == Py_None) return 0;
    long y, m, dd;
    if (!parse_date(value, &y, &m, &dd)) return 0;
    if (dd) {
        *lo = *hi = ordinal(y, m, dd);
    } else if (m) {
        *lo = ordinal(y, m, 1);
        *hi = ordinal(y, m, days_in_month(y, m));
    } else {
        *lo = ordinal(y, 1, 1);
        *hi = ordinal(y, 12, 31);
    }
    return 1;
}

/* checks._check_visits */
static int visits_ok(PyObject *record) {
    PyObject *visits = list_at(record, k_visits);
    if (visits == NULL) return PyErr_Occurred() ? -1 : 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(visits); i++) {
        PyObject *v = PyList_GET_ITEM(visits, i);
        if (!PyDict_Check(v)) return 0;
        PyObject *start = get(v, k_start), *end = get(v, k_end);
        long s_lo, s_hi, e_lo, e_hi;
        int has_start = bounds(start, &s_lo, &s_hi), has_end = bounds(end, &e_lo, &e_hi);
        if (PyErr_Occurred()) return -1;
        if (has_start && has_end && e_hi < s_lo) return 0;
        PyObject *days = get(v, k_duration_days);
        if (days == NULL) return PyErr_Occurred() ? -1 : 0;
        if (days != Py_None && has_start && has_end && s_lo == s_hi && e_lo == e_hi) {
            if (!PyLong_CheckExact(days)) return 0;
            int overflow = 0;
            long long n = PyLong_AsLongLongAndOverflow(days, &overflow);
            if (overflow) return 0;
            if (n != (long long)(e_lo - s_lo) + 1) return 0;
        }
    }
    return 1;
}

/* checks._check_statements */
static int statements_ok(PyObject *record) {
    PyObject *statements = list_at(record, k_statements);
    if (statements == NULL) return PyErr_Occurred() ? -1 : 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(statements); i++) {
        PyObject *s = PyList_GET_ITEM(statements, i);
        if (!PyDict_Check(s)) return 0;
        PyObject *mode = get(s, k_mode), *quote = get(s, k_quote);
        if (mode == NULL || quote == NULL) return PyErr_Occurred() ? -1 : 0;
        if ((is(mode, "direct_quote") || is(mode, "partial_quote")) && quote == Py_None) return 0;
        if (is(mode, "paraphrase") && quote != Py_None) return 0;
    }
    return 1;
}

/* record["article"]["text_file"], or NULL (no exception) if any step is missing */
static PyObject *text_file(PyObject *record) {
    PyObject *article = get(record, k_article);
    return article != NULL && PyDict_Check(article) ? get(article, k_text_file) : NULL;
}

/* checks._check_text_file: the record's text_file agrees with the text (and its sha256) */
static int text_file_ok(PyObject *record, PyObject *text, PyObject *sha) {
    PyObject *tf = text_file(record);
    if (tf == NULL) return PyErr_Occurred() ? -1 : 1;
    int truth = PyObject_IsTrue(tf);
    if (truth <= 0) return truth < 0 ? -1 : 1; /* null or {}: nothing to compare */
    if (!PyDict_Check(tf)) return 0;
    PyObject *length = get(tf, k_length), *declared = get(tf, k_sha256);
    if (length == NULL || !PyLong_CheckExact(length)) return PyErr_Occurred() ? -1 : 0;
    int overflow = 0;
    long long n = PyLong_AsLongLongAndOverflow(length, &overflow);
    if (overflow || n != (long long)PyUnicode_GET_LENGTH(text)) return PyErr_Occurred() ? -1 : 0;
    if (sha == NULL || sha == Py_None) return 1;
    if (declared == NULL || !PyUnicode_Check(declared)) return PyErr_Occurred() ? -1 : 0;
    return PyUnicode_Compare(declared, sha) == 0 ? 1 : (PyErr_Occurred() ? -1 : 0);
}

/* iter_semantic_issues(record, text, text_bytes): `text` NULL when there is none; `sha` the
 * hex sha256 of the text's bytes (NULL or None: not known) */
static int record_ok(PyObject *record, PyObject *plan, PyObject *text, PyObject *sha) {
    if (!PyDict_Check(record)) return 0;
    if (text != NULL && !PyUnicode_Check(text)) return 0;
    PyObject *kinds = PyDict_New();
    if (kinds == NULL) return -1;
    int r = ids_ok(record, kinds);
    Py_DECREF(kinds);
    if (r == 1) r = follow(record, plan, 0, text);
    if (r == 1) r = visits_ok(record);
    if (r == 1) r = statements_ok(record);
    if (r == 1 && text != NULL) r = text_file_ok(record, text, sha);
    return r;
}

/* Sources.for_record: the text a record's spans index, from texts = (by sha256: dict of str,
 * the sha256 of the only text or None); *text NULL when none */
static int choose_text(PyObject *record, PyObject *texts, PyObject **text, PyObject **sha) {
    *text = *sha = NULL;
    if (texts == Py_None) return 0;
    if (!PyTuple_Check(texts) || PyTuple_GET_SIZE(texts) != 2 ||
        !PyDict_Check(PyTuple_GET_ITEM(texts, 0))) {
        PyErr_SetString(PyExc_TypeError, "texts: (dict of texts by sha256, sha256 or None)");
        return -1;
    }
    PyObject *by_sha = PyTuple_GET_ITEM(texts, 0), *only = PyTuple_GET_ITEM(texts, 1);
    PyObject *tf = text_file(record), *declared = NULL;
    if (tf != NULL && PyDict_Check(tf)) declared = get(tf, k_sha256);
    if (PyErr_Occurred()) return -1;
    if (declared != NULL && PyUnicode_CheckExact(declared)) {
        *text = PyDict_GetItemWithError(by_sha, declared);
        if (*text != NULL) *sha = declared;
    }
    if (*text == NULL && only != Py_None) {
        *text = PyDict_GetItemWithError(by_sha, only);
        *sha = only;
    }
    if (*text == NULL) *sha = NULL;
    return PyErr_Occurred() ? -1 : 0;
}

/* the value is made of exact dict (with str keys), list, str, int, float, bool and None, as a
 * JSON parser makes it: then no Python code can run while the record is walked */
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
        for (Py_ssize_t k = 0; k < PyList_GET_SIZE(v); k++)
            if (!plain_json(PyList_GET_ITEM(v, k), depth + 1)) return 0;
        return 1;
    }
    return v == Py_None || PyBool_Check(v) || PyUnicode_CheckExact(v) || PyLong_CheckExact(v) ||
           PyFloat_CheckExact(v);
}

static PyObject *semantic_ok(PyObject *self, PyObject *args) {
    PyObject *record, *plan, *text = Py_None, *sha = Py_None;
    if (!PyArg_ParseTuple(args, "OO|OO:semantic_ok", &record, &plan, &text, &sha)) return NULL;
    if (!plain_json(record, 0)) Py_RETURN_FALSE; /* unsure: not a parsed JSON value */
    int r = record_ok(record, plan, text == Py_None ? NULL : text, sha);
    return r < 0 ? NULL : PyBool_FromLong(r);
}

static PyObject *k_schema_version;

/* accept(loads, checks, texts, raw) -> record or None; see the comment at the top */
static PyObject *accept(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 4 || !PyDict_Check(args[1]) || !PyBytes_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "accept(loads, checks: dict, texts, raw: bytes)");
        return NULL;
    }
    PyObject *checks = args[1], *texts = args[2], *raw = args[3];
    PyObject *value = PyObject_CallOneArg(args[0], raw);
    if (value == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_ValueError)) return NULL; /* e.g. MemoryError */
        PyErr_Clear();                                            /* not JSON: not ours to say */
        Py_RETURN_NONE;
    }
    int r = 0;
    if (PyDict_CheckExact(value)) {
        PyObject *version = get(value, k_schema_version), *found = NULL;
        if (version != NULL && PyUnicode_CheckExact(version))
            found = PyDict_GetItemWithError(checks, version);
        if (PyErr_Occurred()) goto error;
        if (found != NULL && PyTuple_Check(found) && PyTuple_GET_SIZE(found) == 3) {
            int exact, offsets;
            if (scan_bytes(PyBytes_AS_STRING(raw), PyBytes_GET_SIZE(raw), &exact, &offsets) < 0)
                goto error;
            if (exact) {
                Py_INCREF(found); /* held across the call into is_valid */
                PyObject *valid = PyObject_CallOneArg(PyTuple_GET_ITEM(found, 0), value);
                r = valid == NULL ? -1 : PyObject_IsTrue(valid);
                Py_XDECREF(valid);
                PyObject *text = NULL, *sha = NULL;
                if (r == 1 && choose_text(value, texts, &text, &sha) < 0) r = -1;
                /* with a text every span is checked; without, only those with offsets */
                PyObject *plan = PyTuple_GET_ITEM(found, offsets || text != NULL ? 1 : 2);
                if (r == 1) r = record_ok(value, plan, text, sha);
                Py_DECREF(found);
                if (r < 0) goto error;
            }
        }
    }
    if (r == 1) return value;
    Py_DECREF(value);
    Py_RETURN_NONE;
error:
    Py_DECREF(value);
    return NULL;
}

/* ---------------------------------------------------------------------------------------- */

static PyMethodDef methods[] = {
    {"scan", scan, METH_O,
     "scan(raw: bytes) -> (exact, offsets) for a JSON text orjson parsed: exact is True only if "
     "orjson's value is the one a strict parser gives (no object repeats a key, no escaped key, "
     "no integer of over 18 digits); offsets: whether a key named start or end holds a number."},
    {"semantic_ok", semantic_ok, METH_VARARGS,
     "semantic_ok(record, plan, text=None, sha256=None) -> bool: True only if the semantic "
     "checks find nothing in a record that passed its schema."},
    {"accept", (PyCFunction)(void (*)(void))accept, METH_FASTCALL,
     "accept(loads, checks: dict, texts, raw: bytes) -> record or None: loads(raw) when that "
     "is certainly a good record, else None. checks maps each schema version to (is_valid, "
     "plan with spans, plan without spans); a record declaring another version is not "
     "accepted. texts: None, or (dict of article texts by sha256, the sha256 of the only text "
     "or None) to check spans and text_file against, as Sources.for_record chooses."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "diplomatic_visits._speedups",
    "Optional compiled accelerator for validate; see validate.py.", -1, methods, NULL, NULL, NULL, NULL,
};

#define INTERN(var, name)                                 \
    do {                                                  \
        if ((var = PyUnicode_InternFromString(name)) == NULL) return NULL; \
    } while (0)

PyMODINIT_FUNC PyInit__speedups(void) {
    INTERN(k_actors, "actors");
    INTERN(k_places, "places");
    INTERN(k_visits, "visits");
    INTERN(k_statements, "statements");
    INTERN(k_sub_events, "sub_events");
    INTERN(k_outcomes, "outcomes");
    INTERN(k_id, "id");
    INTERN(k_within, "within");
    INTERN(k_visitors, "visitors");
    INTERN(k_hosts, "hosts");
    INTERN(k_origin, "origin");
    INTERN(k_destination, "destination");
    INTERN(k_place, "place");
    INTERN(k_participants, "participants");
    INTERN(k_sub_event, "sub_event");
    INTERN(k_asserted_by, "asserted_by");
    INTERN(k_speaker, "speaker");
    INTERN(k_reported_via, "reported_via");
    INTERN(k_about, "about");
    INTERN(k_annotation, "annotation");
    INTERN(k_sentences, "sentences");
    INTERN(k_contributes, "contributes");
    INTERN(k_basis, "basis");
    INTERN(k_inferred_from, "inferred_from");
    INTERN(k_precision, "precision");
    INTERN(k_weekday, "weekday");
    INTERN(k_value, "value");
    INTERN(k_start, "start");
    INTERN(k_end, "end");
    INTERN(k_quote, "quote");
    INTERN(k_duration_days, "duration_days");
    INTERN(k_mode, "mode");
    INTERN(k_schema_version, "schema_version");
    INTERN(k_article, "article");
    INTERN(k_text_file, "text_file");
    INTERN(k_length, "length");
    INTERN(k_sha256, "sha256");
    for (int k = ACTOR; k <= STATEMENT; k++)
        if ((kind_obj[k] = PyLong_FromLong(k)) == NULL) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    /* what validate.py checks before it uses this module: the calling convention, and (set by
     * the build hook) the sha256 of this file, so that a module left from an older source is
     * not used with newer Python code */
    if (PyModule_AddIntConstant(m, "API_VERSION", API_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
#ifdef SOURCE_SHA256
    if (PyModule_AddStringConstant(m, "SOURCE_SHA256", STRINGIFY(SOURCE_SHA256)) < 0) {
        Py_DECREF(m);
        return NULL;
    }
#endif
    PyObject *versions = Py_BuildValue("(s)", "1.0.0");
    int failed = versions == NULL || PyModule_AddObjectRef(m, "SCHEMA_VERSIONS", versions) < 0;
    Py_XDECREF(versions);
    if (failed) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
