# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled fast path of :mod:`terminal.adapters.quotes.vendor`: cuts a whole Sina or QQ answer
and converts its numbers in one pass over the text, with no Python step per field.

Each cutter returns the answer's columns in the layout the pure-Python path produces, or None
as soon as any record is not exactly as expected; the tick builder raises at a row that is no
quote (vendor.traded_last's rule). Either way the pure-Python path then finds and names what
is wrong. Every read of the text is preceded by an explicit ``i < end`` check (Cython's own
bounds checks are off). Numbers are plain decimals; with at most 15 digits and 22 decimals,
digits / 10**decimals is two exact doubles divided, rounded once, so it equals float(text)
(Clinger's fast path); other numbers go through CPython's own float parser.
"""

cimport cpython.array as carray
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from cpython.unicode cimport PyUnicode_Substring

import array

cdef extern from "Python.h":
    ctypedef unsigned char Py_UCS1
    ctypedef unsigned short Py_UCS2
    int PyUnicode_READY(object) except -1
    int PyUnicode_KIND(object)
    void *PyUnicode_DATA(object)
    void PyObject_GC_UnTrack(object)
    double PyOS_string_to_double(const char *s, char **endptr, object exc) except? -1.0

ctypedef fused char_t:
    Py_UCS1
    Py_UCS2
    Py_UCS4

cdef double[23] POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                         1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]
cdef enum:
    MAX_NUMBER = 40  # characters; a longer field is not a quote number
    NEWLINE = 10
    QUOTE = 34  # '"'
    COMMA = 44
    SLASH = 47
    TILDE = 126
cdef double LOT = 100.0  # QQ gives volume and sizes in lots of 100 shares


cdef Py_ssize_t number(const char_t *d, Py_ssize_t i, Py_ssize_t end, unsigned int stop,
                       double *out) except -2:
    """Parse the decimal at ``i`` up to the first ``stop``; the index of that ``stop``, or -1
    if the field is not a plain decimal."""
    cdef unsigned long long digits = 0
    cdef int count = 0, decimals = 0, dot = 0
    cdef Py_ssize_t start = i, k
    cdef unsigned int c
    cdef char buffer[MAX_NUMBER + 1]
    while i < end:
        c = d[i]
        if 48 <= c <= 57:  # '0'..'9'
            if count < 19:
                digits = digits * 10 + (c - 48)
            count += 1
            decimals += dot
        elif c == 46 and not dot:  # '.'
            dot = 1
        elif c == stop:
            break
        else:
            return -1
        i += 1
    if i >= end or count == 0:
        return -1
    if count <= 15 and decimals <= 22:
        out[0] = <double>digits / POW10[decimals]
        return i
    if i - start > MAX_NUMBER:
        return -1
    for k in range(i - start):
        buffer[k] = <char>d[start + k]
    buffer[i - start] = 0
    out[0] = PyOS_string_to_double(buffer, NULL, ValueError)
    return i


cdef Py_ssize_t numbers_at(const char_t *d, Py_ssize_t i, Py_ssize_t end, unsigned int stop,
                           double *out, Py_ssize_t count) except -2:
    """Parse ``count`` decimals each ended by ``stop``; the index after the last ``stop``,
    or -1 if one is not a plain decimal."""
    cdef Py_ssize_t k
    for k in range(count):
        i = number(d, i, end, stop, &out[k])
        if i < 0:
            return -1
        i += 1
    return i


cdef Py_ssize_t expect(const char_t *d, Py_ssize_t i, Py_ssize_t end,
                       const char *literal) noexcept:
    """Index after ``literal`` if the text has it at ``i``, else -1."""
    cdef Py_ssize_t k = 0
    while literal[k]:
        if i + k >= end or d[i + k] != <unsigned char>literal[k]:
            return -1
        k += 1
    return i + k


cdef bint has_shape(const char_t *d, Py_ssize_t i, Py_ssize_t end,
                    const char *shape) noexcept:
    """Whether the text at ``i`` has ``shape``, where 'D' stands for any ASCII digit."""
    cdef Py_ssize_t k = 0
    cdef unsigned int c
    while shape[k]:
        if i + k >= end:
            return False
        c = d[i + k]
        if shape[k] == b"D"[0]:
            if not 48 <= c <= 57:
                return False
        elif c != <unsigned char>shape[k]:
            return False
        k += 1
    return True


cdef Py_ssize_t code_end(const char_t *d, Py_ssize_t i, Py_ssize_t end) noexcept:
    """Index of the '=' after an ASCII word at ``i``, if '"' follows it; else -1."""
    cdef Py_ssize_t start = i
    cdef unsigned int c
    while i < end:
        c = d[i]
        if c == 61:  # '='
            return i if i > start and i + 1 < end and d[i + 1] == QUOTE else -1
        if not (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c == 95):
            return -1
        i += 1
    return -1


cdef Py_ssize_t find(const char_t *d, Py_ssize_t i, Py_ssize_t end,
                     unsigned int wanted) noexcept:
    """Index of ``wanted`` at or after ``i`` in this payload (before any '"' or newline
    unless ``wanted`` is '"'), or -1."""
    cdef unsigned int c
    while i < end:
        c = d[i]
        if c == wanted:
            return i
        if c == QUOTE or c == NEWLINE:
            return -1
        i += 1
    return -1


cdef Py_ssize_t find_quote(const char_t *d, Py_ssize_t i, Py_ssize_t end) noexcept:
    """Index of the first '"' at or after ``i`` across line breaks (QQ's field 60), or -1."""
    while i < end and d[i] != QUOTE:
        i += 1
    return i if i < end else -1


cdef Py_ssize_t next_record(const char_t *d, Py_ssize_t i, Py_ssize_t end) noexcept:
    """After the closing '";' at ``i`` and any white space (line breaks, or "; " between QQ's
    records on one line): the next record's start; -1 if the record does not end there."""
    if i + 1 >= end or d[i] != QUOTE or d[i + 1] != 59:  # '";'
        return -1
    i += 2
    while i < end and (d[i] == 32 or d[i] == 9 or d[i] == 13 or d[i] == NEWLINE):
        i += 1
    return i


cdef carray.array DOUBLES = array.array("d")


cdef tuple floats(double *values, Py_ssize_t n, Py_ssize_t stride):
    """``values[0], values[stride], …`` (n of them) as a tuple the collector need not track."""
    cdef tuple row = PyTuple_New(n)
    cdef object value
    cdef Py_ssize_t k
    for k in range(n):
        value = values[k * stride]
        Py_INCREF(value)  # PyTuple_SET_ITEM steals a reference
        PyTuple_SET_ITEM(row, k, value)
    PyObject_GC_UnTrack(row)
    return row


cdef tuple present(double *values, Py_ssize_t price, Py_ssize_t size, bint sizes):
    """The prices (or sizes) of the depth levels whose price is above zero."""
    cdef double kept[5]
    cdef Py_ssize_t k, n = 0
    for k in range(5):
        if values[price + 2 * k] > 0.0:
            kept[n] = values[(size if sizes else price) + 2 * k]
            n += 1
    return floats(kept, n, 1)


def ticks(tick, carray.array numbers, Py_ssize_t width, tuple layout, indexes, list symbols,
          list times, tuple statuses):
    """One ``tick(...)`` per row index in ``indexes`` (with its symbol and time), exactly as
    the parsers' ``_ticks`` build them, by vendor.traded_last's rule: ValueError at a row that
    is no quote (the Python path names it). ``numbers`` holds ``width`` numbers per row;
    ``layout`` says where in a row the tick's fields are: last, volume, turnover, open, high,
    low, previous close, the first bid price, bid size, ask price and ask size (each next
    level two numbers further), and the status code (an index into ``statuses``)."""
    cdef Py_ssize_t f[12]
    cdef Py_ssize_t k, n = len(symbols), row, code
    cdef double *v
    cdef double last
    cdef double *all_numbers = numbers.data.as_doubles
    cdef Py_ssize_t rows = len(numbers) // width
    if len(layout) != 12:
        raise ValueError(f"layout {layout} does not have 12 places")
    for k in range(12):  # the depth's first levels must have four more after them
        f[k] = layout[k]
        if not 0 <= f[k] < width or (7 <= k < 11 and f[k] + 8 >= width):
            raise ValueError(f"layout {layout} does not fit rows of {width} numbers")
    if len(times) != n:
        raise ValueError("one time per symbol")
    built = []
    k = 0
    for row in indexes:
        if k >= n:
            raise ValueError("more row indexes than symbols")
        if not 0 <= row < rows:
            raise IndexError(f"row {row} of {rows}")
        v = all_numbers + row * width
        last = v[f[0]]
        if last > 0.0 and v[f[1]] > 0.0:
            if last > v[f[4]] or last < v[f[5]]:
                raise ValueError(f"row {row}: last outside the day's low and high")
        else:
            last = 0.0
        if v[f[9]] > 0.0 and v[f[7]] > v[f[9]]:
            raise ValueError(f"row {row}: crossed book")
        code = <Py_ssize_t>v[f[11]]
        if not 0 <= code < len(statuses):
            raise ValueError(f"row {row}: status code {code}")
        if v[f[7] + 8] > 0.0 and v[f[9] + 8] > 0.0:  # levels fill best first: all five
            built.append(tick(symbols[k], times[k], last, v[f[1]], v[f[2]], 0.0,
                              floats(v + f[7], 5, 2), floats(v + f[8], 5, 2),
                              floats(v + f[9], 5, 2), floats(v + f[10], 5, 2),
                              v[f[3]], v[f[4]], v[f[5]], v[f[6]], statuses[code]))
        else:
            built.append(tick(symbols[k], times[k], last, v[f[1]], v[f[2]], 0.0,
                              present(v, f[7], f[8], False), present(v, f[7], f[8], True),
                              present(v, f[9], f[10], False), present(v, f[9], f[10], True),
                              v[f[3]], v[f[4]], v[f[5]], v[f[6]], statuses[code]))
        k += 1
    if k != n:
        raise ValueError("fewer row indexes than symbols")
    return built


cdef double sina_status(const char_t *d, Py_ssize_t i, Py_ssize_t end) noexcept:
    """Sina's field 32 after the ',' at ``i`` (two characters, then ',' or '"'): 1 suspended
    or halted (01-05, 07), 2 delisted (-3), else 0."""
    cdef unsigned int first, second
    if i + 3 >= end or d[i] != COMMA or (d[i + 3] != COMMA and d[i + 3] != QUOTE):
        return 0.0
    first, second = d[i + 1], d[i + 2]
    if first == 48 and (49 <= second <= 53 or second == 55):  # '0', then '1'..'5' or '7'
        return 1.0
    return 2.0 if first == 45 and second == 51 else 0.0  # "-3"


cdef double qq_status(const char_t *d, Py_ssize_t i, Py_ssize_t stop) noexcept:
    """QQ's field 40, counted from the '~' at ``i`` that ends field 35: 1 for "S"
    (suspended), 2 for "D" (delisted), else 0 (also for a shorter record)."""
    cdef int skipped
    if i >= stop or d[i] != TILDE:
        return 0.0
    for skipped in range(4):  # fields 36..39
        i += 1
        while i < stop and d[i] != TILDE:
            i += 1
        if i >= stop:
            return 0.0
    if i + 1 >= stop or (i + 2 < stop and d[i + 2] != TILDE):  # field 40 is one character
        return 0.0
    if d[i + 1] == 83:  # 'S'
        return 1.0
    return 2.0 if d[i + 1] == 68 else 0.0  # 'D'


cdef void no_such_code(list payloads, str payload, list names, list stamps,
                       carray.array numbers, Py_ssize_t width) except *:
    """A line of the vendor's "no such code": its payload, no name, no stamp, zeros."""
    cdef double zero = 0.0
    cdef Py_ssize_t k
    payloads.append(payload)
    names.append("")
    stamps.append("")
    for k in range(width):
        carray.extend_buffer(numbers, <char *>&zero, 1)


cdef object sina(str text, const char_t *d, Py_ssize_t end):
    cdef Py_ssize_t i = 0, eq, start, comma, j, stop
    cdef double values[30]
    cdef carray.array numbers = carray.clone(DOUBLES, 0, False)
    codes, payloads, names, stamps = [], [], [], []
    while i < end:
        i = expect(d, i, end, b"var hq_str_")
        if i < 0:
            return None
        eq = code_end(d, i, end)
        if eq < 0:
            return None
        codes.append(PyUnicode_Substring(text, i, eq))
        start = eq + 2
        if start < end and d[start] == QUOTE:  # an empty payload: no such code
            i = next_record(d, start, end)
            if i < 0:
                return None
            no_such_code(payloads, "", names, stamps, numbers, 30)
            continue
        comma = find(d, start, end, COMMA)  # after the name
        if comma < 0:
            return None
        j = numbers_at(d, comma + 1, end, COMMA, values, 29)
        if j < 0:
            return None
        if not has_shape(d, j, end, b"DDDD-DD-DD,DD:DD:DD"):
            return None
        stop = find(d, j + 19, end, QUOTE)
        if stop < 0:
            return None
        i = next_record(d, stop, end)
        if i < 0:
            return None
        values[29] = sina_status(d, j + 19, stop + 1)
        payloads.append(PyUnicode_Substring(text, start, stop))
        names.append(PyUnicode_Substring(text, start, comma))
        stamps.append(PyUnicode_Substring(text, j, j + 19))
        carray.extend_buffer(numbers, <char *>values, 30)
    return codes, payloads, names, stamps, numbers


cdef Py_ssize_t skip_field(const char_t *d, Py_ssize_t i, Py_ssize_t end) noexcept:
    """Index after the '~' that ends the field at ``i``, or -1."""
    i = find(d, i, end, TILDE)
    return -1 if i < 0 else i + 1


cdef object qq(str text, const char_t *d, Py_ssize_t end):
    cdef Py_ssize_t i = 0, eq, start, name_start, name_end, j, k, stop, stamp
    cdef double values[33]
    cdef carray.array numbers = carray.clone(DOUBLES, 0, False)
    codes, payloads, names, stamps = [], [], [], []
    while i < end:
        i = expect(d, i, end, b"v_")
        if i < 0:
            return None
        eq = code_end(d, i, end)
        if eq < 0:
            return None
        code = PyUnicode_Substring(text, i, eq)
        codes.append(code)
        start = eq + 2
        if code == "pv_none_match" or (start < end and d[start] == QUOTE):  # no such code
            stop = find(d, start, end, QUOTE)
            if stop < 0:
                return None
            i = next_record(d, stop, end)
            if i < 0:
                return None
            no_such_code(payloads, PyUnicode_Substring(text, start, stop), names, stamps,
                         numbers, 33)
            continue
        name_start = skip_field(d, start, end)  # after field 0, the market
        if name_start < 0:
            return None
        name_end = find(d, name_start, end, TILDE)
        if name_end < 0:
            return None
        j = skip_field(d, name_end + 1, end)  # after field 2, the code
        if j < 0:
            return None
        j = numbers_at(d, j, end, TILDE, values, 26)  # fields 3..28
        if j < 0:
            return None
        # Field 29 (latest trades) empty, field 30 the time stamp.
        if not has_shape(d, j, end, b"~DDDDDDDDDDDDDD~"):
            return None
        stamp = j + 1
        number(d, stamp, end, TILDE, &values[26])
        j = skip_field(d, j + 16, end)  # fields 31 and 32, change and change %: unused
        j = skip_field(d, j, end) if j >= 0 else -1
        if j < 0:
            return None
        j = numbers_at(d, j, end, TILDE, &values[27], 2)  # fields 33, 34
        if j < 0:
            return None
        j = numbers_at(d, j, end, SLASH, &values[29], 2)  # field 35: last/volume/turnover
        if j < 0:
            return None
        stop = find_quote(d, j, end)  # the record may go on past a line break (field 60)
        if stop < 0:
            return None
        # The turnover ends at '~' or, if field 35 is the last, at the closing '"'.
        j = number(d, j, end, TILDE if find(d, j, end, TILDE) >= 0 else QUOTE, &values[31])
        if j < 0:
            return None
        i = next_record(d, stop, end)
        if i < 0:
            return None
        values[32] = qq_status(d, j, stop)
        values[3] *= LOT
        for k in range(7, 26, 2):
            values[k] *= LOT
        payloads.append(PyUnicode_Substring(text, start, stop))
        names.append(PyUnicode_Substring(text, name_start, name_end))
        stamps.append(PyUnicode_Substring(text, stamp, stamp + 14))
        carray.extend_buffer(numbers, <char *>values, 33)
    return codes, payloads, names, stamps, numbers


def cut_sina(str text):
    """(codes, payloads, names, stamps, numbers) of a Sina answer, or None if any line is
    not as expected. ``numbers`` (doubles) holds 30 a line: the 29 after the name and the
    status code (sina_status); a stamp is "YYYY-MM-DD,HH:MM:SS"; no such code: "" and zeros."""
    PyUnicode_READY(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    if kind == 1:
        return sina(text, <const Py_UCS1 *>data, len(text))
    if kind == 2:
        return sina(text, <const Py_UCS2 *>data, len(text))
    return sina(text, <const Py_UCS4 *>data, len(text))


def cut_qq(str text):
    """(codes, payloads, names, stamps, numbers) of a QQ answer, or None if any record is
    not as expected. ``numbers`` (doubles) holds 33 a record, as QQParser reads them: fields
    3..28, 30 (the stamp, "YYYYMMDDHHMMSS"), 33, 34, the three of 35 (volume and sizes in
    shares) and the status code (qq_status). Field 29 must be empty. No such code: "" and
    zeros. Records may go on past a line break after field 35, or share a line."""
    PyUnicode_READY(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    if kind == 1:
        return qq(text, <const Py_UCS1 *>data, len(text))
    if kind == 2:
        return qq(text, <const Py_UCS2 *>data, len(text))
    return qq(text, <const Py_UCS4 *>data, len(text))
