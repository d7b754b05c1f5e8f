# Read only when engine.py is compiled (setup.py, tinygrad_nn/_compiled.py): ``Node`` becomes
# an extension type whose ``seq`` is a C field, so the walk reads it without a dict or
# type lookup. As Python, engine.py runs unchanged and this file is not read.

cdef class Node:
    cdef public object seq


cdef object _seq(Node node)  # (C, not Python, where compiled)
