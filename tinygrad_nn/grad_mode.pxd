# Read only when grad_mode.py is compiled (setup.py, tinygrad_nn/_compiled.py): the switches
# become C fields of an extension type, which ``Function.apply`` (compiled: function.pxd)
# reads directly at every op. As Python, grad_mode.py runs unchanged and this file is not read.

cdef class _Mode:
    cdef public object enabled, scope, anomaly, check_nan, check_forward, saved_hooks, inference
    cdef public object tracking
