# Read only when engine.py is compiled (setup.py, tinygrad_nn/_compiled.py): ``Node`` becomes
# an extension type whose ``seq``, ``hooks`` and ``retained`` are C fields, so the walk reads
# them without a dict or type lookup. As Python, engine.py runs unchanged and this file is
# not read.

cdef class Node:
    cdef public object seq, hooks, retained


cdef object _seq(Node node)  # (C, not Python, where compiled)
