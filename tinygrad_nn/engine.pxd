# Read only when engine.py is compiled (setup.py, tinygrad_nn/_compiled.py): ``Node`` becomes
# an extension type whose ``seq``, ``hooks`` and ``retained`` are C fields, so the walk reads
# them without a dict or type lookup. ``seq`` is a C integer: a Python int above 256 would be
# one more object per node to allocate and for the cyclic GC to visit. As Python, engine.py
# runs unchanged and this file is not read.

cdef class Node:
    cdef public long long seq
    cdef public object hooks, retained


cdef object _seq(Node node)  # (C, not Python, where compiled)
