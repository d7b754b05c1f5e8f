# Read only when function.py is compiled (setup.py, tinygrad_nn/_compiled.py): ``Function``
# becomes an extension type whose per-node fields (its ``__slots__`` in function.py) are C
# fields, read and written by ``apply`` and ``run_backward`` without a dict or type lookup.
# An op's own options (``ctx.axis``) go to an instance ``__dict__`` that each op's Python
# class gets from CPython, made only when one is first set: a ``cdef dict __dict__`` here
# would make an empty dict for every node (64 bytes, and one more object for the cyclic GC
# to visit: docs/performance.md, session 13). As Python, function.py runs unchanged and
# this file is not read.

from tinygrad_nn.engine cimport Node
from tinygrad_nn.grad_mode cimport _Mode


cdef class Function(Node):
    cdef public object _p0, _p1, in_shapes, needs_input_grad, out_shape, out_dtype
    cdef public object _saved, _saved_src, _vcs, _out_vc, _post_hooks, _packed, _tensor
    cdef public object _scope
    cdef object __weakref__


cdef dict _SHAPES, _BUILTIN, _SLICES  # (module globals: ``get`` is a C dict lookup)
cdef object _untrack(object node)  # (C functions, not Python, where compiled)
cdef object _track(object node)
cdef object _track_one(object obj)
cdef object _shared_slice(object s)

cdef extern from "Python.h":  # (the cyclic GC's lists: ``_untrack`` in function.py)
    void _gc_untrack "PyObject_GC_UnTrack" (object)
    void _gc_track "PyObject_GC_Track" (object)
