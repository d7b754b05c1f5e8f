"""Registry rows for products and matrix functions (tensor_linalg.py, linalg.py,
linalg_functions.py). Matrices are small (sides <= 4; up to 8 rows where a batch is stacked)
and well conditioned: built as Q1 diag(s) Q2^T with s in [0.5, 2], at least 0.75 / len(s)
apart (distinct where the decomposition's gradient divides by their differences); symmetric
inputs are symmetrised inside the function, as the decompositions read only one triangle."""

from __future__ import annotations

import warnings

import tinygrad_nn.linalg as LA
from tests.ops.registry_helpers import *  # noqa: F403 - the row helpers, numpy and strategies


def _orth(draw: Draw, n: int) -> np.ndarray:
    q, r = np.linalg.qr(arr(draw, (n, n), -0.4, 0.4) + 2 * np.eye(n))  # diagonally dominant
    return q * np.sign(np.diag(r))


def _spread(draw: Draw, k: int) -> np.ndarray:
    """k values in [0.5, 2], at least 1.5 / (2k) apart (distinct eigen / singular values)."""
    perm = np.array(draw(st.permutations(range(k))), dtype=np.float64)
    return 0.5 + (perm + draw(tst.arrays(shape=(k,), elements=(0.0, 0.5)))) * 1.5 / max(k, 1)


def _matrix(draw: Draw, batch: tuple[int, ...], m: int, n: int | None = None,
            symmetric: bool = False, signs: bool = True) -> np.ndarray:
    """Q1 diag(s) Q2^T per batch entry (Q2 = Q1 when symmetric); with ``signs`` the values
    s may be negative (symmetric: indefinite; else any sign of det)."""
    n = m if n is None else n
    out = np.empty(batch + (m, n))
    for idx in np.ndindex(*batch):
        k = min(m, n)
        s = _spread(draw, k)
        if signs:
            s = s * np.where(draw(tst.arrays(shape=(k,), dtype=np.bool_)), -1, 1)
        q1 = _orth(draw, m)[:, :k]
        q2 = q1 if symmetric else _orth(draw, n)[:, :k]
        out[idx] = (q1 * s) @ q2.T
    return out


def _batch(draw: Draw) -> tuple[int, ...]:
    return draw(st.sampled_from([(), (), (2,), (1, 2)]))


def _sym(x: Any) -> Any:
    return (x + x.mT) * 0.5


# -- products ------------------------------------------------------------------------------


@case({"Tensor.dot": lambda x, y: x.dot(y), "Tensor.vdot": lambda x, y: x.vdot(y),
       "Tensor.inner[1-D]": lambda x, y: x.inner(y)})
def _dot(draw: Draw, form: Any) -> Any:
    n = draw(st.integers(1, 4))
    return form, [arr(draw, (n,)), arr(draw, (n,))]


@case({"Tensor.mv": lambda m, v: m.mv(v)})
def _mv(draw: Draw, form: Any) -> Any:
    n, k = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return form, [arr(draw, (n, k)), arr(draw, (k,))]


@case({"Tensor.inner": lambda x, y: x.inner(y)})
def _inner(draw: Draw, form: Any) -> Any:
    k = draw(st.integers(1, 3))
    sx, sy = shape_of(draw, max_dims=2, max_side=2), shape_of(draw, max_dims=2, max_side=2)
    zero_d = draw(st.sampled_from([None, None, "x", "y"]))
    return form, [arr(draw, () if zero_d == "x" else sx + (k,)),
                  arr(draw, () if zero_d == "y" else sy + (k,))]


@case({"tinygrad_nn.tensordot": tg.tensordot})
def _tensordot(draw: Draw, form: Any) -> Any:
    sa = shape_of(draw, max_dims=3, max_side=2)
    if draw(st.booleans()):
        n = draw(st.integers(0, len(sa)))
        sb = sa[len(sa) - n:] + shape_of(draw, max_dims=1, max_side=2)
        dims: Any = n
    else:
        k = draw(st.integers(0, len(sa)))
        da = list(draw(st.permutations(range(len(sa)))))[:k]
        sb = tuple(sa[d] for d in da) + shape_of(draw, max_dims=1, max_side=2)
        db = list(range(k))
        dims = ([d - len(sa) if draw(st.booleans()) else d for d in da], db)
    return (lambda a, b: form(a, b, dims)), [arr(draw, sa), arr(draw, sb)]


@case({"Tensor.cross": lambda x, y, d: x.cross(y, dim=d), "linalg.cross":
       lambda x, y, d: LA.cross(x, y, dim=d)})
def _cross(draw: Draw, form: Any) -> Any:
    shape = list(shape_of(draw, max_dims=2, max_side=2))
    d = draw(st.integers(0, len(shape)))
    shape.insert(d, 3)
    other = [s if draw(st.booleans()) else 1 for s in shape]
    other[d] = 3
    d -= draw(st.sampled_from([0, len(shape)]))
    return (lambda x, y: form(x, y, d)), [arr(draw, tuple(shape)), arr(draw, tuple(other))]


@case({"Tensor.kron": lambda x, y: x.kron(y)})
def _kron(draw: Draw, form: Any) -> Any:
    return form, [arr(draw, shape_of(draw, max_dims=2, max_side=2)),
                  arr(draw, shape_of(draw, max_dims=3, max_side=2))]


_SCALES = st.sampled_from([1, 0.5, -2.0, 0])


@case({"Tensor.baddbmm": lambda c, a, b, be, al: c.baddbmm(a, b, beta=be, alpha=al)})
def _baddbmm(draw: Draw, form: Any) -> Any:
    bs, n, k, m = (draw(st.integers(1, 3)) for _ in range(4))
    c_shape = draw(st.sampled_from([(bs, n, m), (n, m), (m,), (1, 1, m), ()]))
    be, al = draw(_SCALES), draw(_SCALES)
    return (lambda c, a, b: form(c, a, b, be, al)), [arr(draw, c_shape), arr(draw, (bs, n, k)),
                                                     arr(draw, (bs, k, m))]


@case({"Tensor.addbmm": lambda c, a, b, be, al: c.addbmm(a, b, beta=be, alpha=al)})
def _addbmm(draw: Draw, form: Any) -> Any:
    bs, n, k, m = (draw(st.integers(1, 3)) for _ in range(4))
    c_shape = draw(st.sampled_from([(n, m), (m,), (n, 1), ()]))
    be, al = draw(_SCALES), draw(_SCALES)
    return (lambda c, a, b: form(c, a, b, be, al)), [arr(draw, c_shape), arr(draw, (bs, n, k)),
                                                     arr(draw, (bs, k, m))]


@case({"Tensor.addmv": lambda c, a, b, be, al: c.addmv(a, b, beta=be, alpha=al)})
def _addmv(draw: Draw, form: Any) -> Any:
    n, k = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    be, al = draw(_SCALES), draw(_SCALES)
    c_shape = draw(st.sampled_from([(n,), (1,), ()]))
    return (lambda c, a, b: form(c, a, b, be, al)), [arr(draw, c_shape), arr(draw, (n, k)),
                                                     arr(draw, (k,))]


@case({"Tensor.addr": lambda c, a, b, be, al: c.addr(a, b, beta=be, alpha=al)})
def _addr(draw: Draw, form: Any) -> Any:
    n, m = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    be, al = draw(_SCALES), draw(_SCALES)
    c_shape = draw(st.sampled_from([(n, m), (m,), (n, 1), ()]))
    return (lambda c, a, b: form(c, a, b, be, al)), [arr(draw, c_shape), arr(draw, (n,)),
                                                     arr(draw, (m,))]


# in-place forms: x keeps the product's full shape (an in-place result cannot broadcast x up)
_INPLACE_PRODUCTS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    "Tensor.addmm_": (lambda c, a, b, be, al: (c * 1.0).addmm_(a, b, beta=be, alpha=al),
                      lambda bs, n, k, m: [(n, m), (n, k), (k, m)]),
    "Tensor.addmv_": (lambda c, a, b, be, al: (c * 1.0).addmv_(a, b, beta=be, alpha=al),
                      lambda bs, n, k, m: [(n,), (n, k), (k,)]),
    "Tensor.addr_": (lambda c, a, b, be, al: (c * 1.0).addr_(a, b, beta=be, alpha=al),
                     lambda bs, n, k, m: [(n, m), (n,), (m,)]),
    "Tensor.baddbmm_": (lambda c, a, b, be, al: (c * 1.0).baddbmm_(a, b, beta=be, alpha=al),
                        lambda bs, n, k, m: [(bs, n, m), (bs, n, k), (bs, k, m)]),
    "Tensor.addbmm_": (lambda c, a, b, be, al: (c * 1.0).addbmm_(a, b, beta=be, alpha=al),
                       lambda bs, n, k, m: [(n, m), (bs, n, k), (bs, k, m)]),
}


@case({name: form for name, (form, _) in _INPLACE_PRODUCTS.items()})
def _products_inplace(draw: Draw, form: Any) -> Any:
    shapes = next(make for f, make in _INPLACE_PRODUCTS.values() if f is form)
    be, al = draw(_SCALES), draw(_SCALES)
    return (lambda c, a, b: form(c, a, b, be, al)), [
        arr(draw, s) for s in shapes(*(draw(st.integers(1, 3)) for _ in range(4)))]


@case({"linalg.multi_dot": lambda *xs: LA.multi_dot(list(xs)),
       "tinygrad_nn.chain_matmul": tg.chain_matmul})
def _multi_dot(draw: Draw, form: Any) -> Any:
    dims = [draw(st.integers(1, 3)) for _ in range(draw(st.integers(3, 5)))]
    shapes = [(dims[i], dims[i + 1]) for i in range(len(dims) - 1)]
    if form is not tg.chain_matmul:  # the ends may be vectors
        if draw(st.booleans()):
            shapes[0] = shapes[0][1:]
        if draw(st.booleans()):
            shapes[-1] = shapes[-1][:1]
    return form, [arr(draw, s, -1.5, 1.5) for s in shapes]


@case({"Tensor.matrix_power": lambda x, n: x.matrix_power(n),
       "linalg.matrix_power": LA.matrix_power})
def _matrix_power(draw: Draw, form: Any) -> Any:
    n = draw(st.sampled_from([1, 2, 3, 5, -1, -2]))
    k = draw(st.integers(1, 3))
    return (lambda x: form(x, n)), [_matrix(draw, _batch(draw), k)]


@case({"tinygrad_nn.cdist": tg.cdist})
def _cdist(draw: Draw, form: Any) -> Any:
    p = draw(st.sampled_from([2.0, 1.0, 3.0, 1.5, float("inf")]))
    batch = draw(st.sampled_from([(), (2,)]))
    np_, nr, m = (draw(st.integers(1, 3)) for _ in range(3))
    if p == float("inf"):
        m = 1  # (distinct coordinates can still have equal differences: ties of the max)
    # distinct coordinates: no zero differences (kinks of |d|)
    both = distinct(draw, batch + (np_ + nr, m))
    return (lambda a, b: form(a, b, p)), [both[..., :np_, :], both[..., np_:, :]]


@case({"tinygrad_nn.trapezoid": lambda y, x, d, dx: tg.trapezoid(y, x, dim=d),
       "tinygrad_nn.trapz": lambda y, x, d, dx: tg.trapz(y, x, dim=d),
       "tinygrad_nn.cumulative_trapezoid":
           lambda y, x, d, dx: tg.cumulative_trapezoid(y, x, dim=d),
       "tinygrad_nn.trapezoid[dx]": lambda y, x, d, dx: tg.trapezoid(y * x.sum(), dx=dx, dim=d),
       "tinygrad_nn.cumulative_trapezoid[dx]":
           lambda y, x, d, dx: tg.cumulative_trapezoid(y * x.sum(), dx=dx, dim=d)})
def _trapezoid(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1, max_side=4)
    d = one_axis(draw, len(shape))
    dx = draw(st.sampled_from([1, 0.5, 2.0]))
    x_shape = draw(st.sampled_from([(shape[d],), shape]))
    return (lambda y, x: form(y, x, d, dx)), [arr(draw, shape), arr(draw, x_shape)]


# -- matrix functions ----------------------------------------------------------------------


@case({"Tensor.det": lambda x: x.det(), "linalg.det": LA.det})
def _det(draw: Draw, form: Any) -> Any:
    return form, [_matrix(draw, _batch(draw), draw(st.integers(1, 4)))]


@case({"Tensor.inverse": lambda x: x.inverse(), "linalg.inv": LA.inv,
       "linalg.inv_ex": lambda x: LA.inv_ex(x).inverse})
def _inv(draw: Draw, form: Any) -> Any:
    return form, [_matrix(draw, _batch(draw), draw(st.integers(1, 4)))]


@case({"Tensor.slogdet": lambda x: x.slogdet().logabsdet,
       "linalg.slogdet": lambda x: LA.slogdet(x)[1],
       "Tensor.logdet": lambda x: x.logdet()})
def _slogdet(draw: Draw, form: Any) -> Any:
    signs = draw(st.booleans()) and form.__name__ != "<lambda>"  # logdet needs det > 0
    return form, [_matrix(draw, _batch(draw), draw(st.integers(1, 4)), signs=signs,
                          symmetric=not signs)]


@case({"linalg.solve": lambda a, b, left: LA.solve(a, b, left=left),
       "linalg.solve_ex": lambda a, b, left: LA.solve_ex(a, b, left=left).result})
def _solve(draw: Draw, form: Any) -> Any:
    batch, n = _batch(draw), draw(st.integers(1, 3))
    left = draw(st.booleans())
    kind = draw(st.sampled_from(["matrix", "vector", "batched vector", "broadcast"]))
    left = left or "vector" in kind  # a vector b is a column: left=False refuses it, as torch
    k = draw(st.integers(1, 2))
    if kind == "broadcast" and not left and batch == (k,):
        k = 3 - k  # ((k, n) would be A's batch of vectors: torch's rule reads it so)
    b_shape = {"matrix": batch + ((n, k) if left else (k, n)), "vector": (n,),
               "batched vector": batch + (n,), "broadcast": (n, k) if left else (k, n)}[kind]
    return (lambda a, b: form(a, b, left)), [_matrix(draw, batch, n), arr(draw, b_shape)]


@case({"Tensor.cholesky": lambda x, u: x.cholesky(u) if u else x.cholesky(),
       "linalg.cholesky": lambda x, u: LA.cholesky(x, upper=u),
       "linalg.cholesky_ex": lambda x, u: LA.cholesky_ex(x, upper=u).L})
def _cholesky(draw: Draw, form: Any) -> Any:
    upper = draw(st.booleans())
    a = _matrix(draw, _batch(draw), draw(st.integers(1, 4)), symmetric=True, signs=False)
    return (lambda x: form(_sym(x), upper)), [a]


@case({"linalg.eigh": lambda x, up: (lambda r: r.eigenvectors ** 2 * r.eigenvalues[..., None, :]
                                     )(LA.eigh(x, UPLO=up)),
       "linalg.eigh[values]": lambda x, up: LA.eigh(x, up)[0],
       "linalg.eigvalsh": lambda x, up: LA.eigvalsh(x, up)})
def _eigh(draw: Draw, form: Any) -> Any:
    up = draw(st.sampled_from(["L", "U"]))
    a = _matrix(draw, _batch(draw), draw(st.integers(1, 4)), symmetric=True)
    return (lambda x: form(_sym(x), up)), [a]


def _gauge_free(u: Any, s: Any, vh: Any) -> Any:
    """U diag(S^2) Vh + (U * U) @ (Vh * Vh) over the first k = len(S) singular vectors. LAPACK
    picks the sign of each pair (u_i, v_i) (a full U / Vh's extra columns are any basis),
    so only functions unchanged by flipping a pair together have a derivative; this one
    still reads every entry of U and Vh (PyTorch's own svd gradcheck uses |U|, |Vh|, U Vh)."""
    k = s.shape[-1]
    u, vh = u[..., :k], vh[..., :k, :]
    return (u * (s * s)[..., None, :]) @ vh + u ** 2 @ vh ** 2


def _stacked_nuc(x: Any) -> Any:
    return tg.norm(x.flatten(0, -2), p="nuc")  # (torch.norm's 'nuc' with dim=None: 2-D only)


@case({"linalg.svd": lambda x: _gauge_free(*LA.svd(x, full_matrices=False)),
       "Tensor.svd": lambda x: (lambda r: _gauge_free(r.U, r.S, r.V.mT))(x.svd(some=True)),
       "Tensor.svd[some=False]":
           lambda x: (lambda r: _gauge_free(r.U, r.S, r.V.mT))(x.svd(some=False)),
       "Tensor.svd[compute_uv=False]": lambda x: x.svd(compute_uv=False).S,
       "linalg.cond": lambda x: LA.cond(x), "linalg.cond[-2]": lambda x: LA.cond(x, -2),
       "linalg.svd[full_matrices]": lambda x: _gauge_free(*LA.svd(x, full_matrices=True)),
       "linalg.svdvals": lambda x: LA.svdvals(x),
       "linalg.pinv": lambda x: LA.pinv(x), "Tensor.pinverse": lambda x: x.pinverse(),
       "linalg.matrix_norm[nuc]": lambda x: LA.matrix_norm(x, "nuc"),
       "linalg.matrix_norm[2]": lambda x: LA.matrix_norm(x, 2, keepdim=True),
       "linalg.norm[-2]": lambda x: LA.norm(x, -2, (-1, -2)),
       "Tensor.norm[nuc]": lambda x: x.norm(p="nuc", dim=(-1, -2), keepdim=True),
       "tinygrad_nn.norm[nuc]": _stacked_nuc})
def _svd(draw: Draw, form: Any) -> Any:
    batch, m, n = _batch(draw), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    if form is _stacked_nuc:
        # it decomposes the batch's matrices stacked into one (rows prod(batch) * m): that is
        # the matrix drawn well conditioned (stacked independent matrices can be rank
        # deficient, e.g. two parallel 1 x 2 rows, where the nuclear norm has a kink)
        rows = math.prod(batch) * m
        return form, [_matrix(draw, (), rows, n, signs=False).reshape(batch + (m, n))]
    return form, [_matrix(draw, batch, m, n, signs=False)]


@case({"linalg.qr": lambda x, mode: LA.qr(x, mode)[0],
       "Tensor.qr": lambda x, mode: x.qr(mode == "reduced").Q,
       "linalg.qr[R]": lambda x, mode: LA.qr(x, mode).R})
def _qr(draw: Draw, form: Any) -> Any:
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    mode = "complete" if m <= n and draw(st.booleans()) else "reduced"
    # a dense reflection on the left: an exactly-zero column below the diagonal is where
    # LAPACK's Householder sign (and so Q and R) jumps
    v = np.arange(1.0, m + 1)
    g = np.eye(m) - 2 * np.outer(v, v) / (v @ v)
    return (lambda x: form(x, mode)), [g @ _matrix(draw, _batch(draw), m, n)]


@case({"linalg.cond[p]": lambda x, p: LA.cond(x, p)})
def _cond(draw: Draw, form: Any) -> Any:
    p = draw(st.sampled_from(["fro", "nuc"]))  # (1 and inf have kinks: max of |sums|)
    return (lambda x: form(x, p)), [_matrix(draw, _batch(draw), draw(st.integers(1, 3)))]


@case({"linalg.vecdot": lambda x, y, d: LA.vecdot(x, y, dim=d)})
def _vecdot(draw: Draw, form: Any) -> Any:
    sx, sy = two_shapes(draw)
    nd = max(len(sx), len(sy), 1)
    d = draw(st.integers(-nd, nd - 1))
    return (lambda x, y: form(x, y, d)), [arr(draw, sx or (1,)), arr(draw, sy)]


@case({"linalg.matmul": LA.matmul})
def _linalg_matmul(draw: Draw, form: Any) -> Any:
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    return form, [arr(draw, _batch(draw) + (n, k)), arr(draw, (k, m))]


@case({"linalg.solve_triangular": lambda a, b, up, left, unit: LA.solve_triangular(
    a, b, upper=up, left=left, unitriangular=unit)})
def _solve_triangular(draw: Draw, form: Any) -> Any:
    batch, n, k = _batch(draw), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    up, left, unit = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
    # a triangle with |diagonal| in [0.5, 2] and small off-diagonal entries
    a = arr(draw, batch + (n, n), -0.4, 0.4) + np.eye(n) * nonzero(draw, (n,), 0.5, 2.0)
    return (lambda a, b: form(a, b, up, left, unit)), [
        a, arr(draw, batch + ((n, k) if left else (k, n)))]


@case({"Tensor.matrix_exp": lambda x: x.matrix_exp(), "linalg.matrix_exp": LA.matrix_exp})
def _matrix_exp(draw: Draw, form: Any) -> Any:
    n = draw(st.integers(1, 3))
    return form, [arr(draw, _batch(draw) + (n, n), -1.5, 1.5)]


# -- LU (square, well-conditioned: the pivot order is locally constant) and least squares ----
@case({"linalg.lu_factor": lambda a, b, left, adj: LA.lu_factor(a).LU,
       "linalg.lu_factor_ex": lambda a, b, left, adj: LA.lu_factor_ex(a).LU,
       "linalg.lu": lambda a, b, left, adj: (lambda r: r.L * 2.0 + r.U)(LA.lu(a)),
       "linalg.lu_solve": lambda a, b, left, adj: LA.lu_solve(*LA.lu_factor(a), b, left=left,
                                                              adjoint=adj)})
def _lu(draw: Draw, form: Any) -> Any:
    batch, n, k = _batch(draw), draw(st.integers(1, 4)), draw(st.integers(1, 2))
    left, adj = draw(st.booleans()), draw(st.booleans())
    return (lambda a, b: form(a, b, left, adj)), [
        _matrix(draw, batch, n), arr(draw, batch + ((n, k) if left else (k, n)))]


@case({"linalg.lstsq": lambda a, b, d: LA.lstsq(a, b, driver=d).solution,
       "linalg.lstsq[residuals]": lambda a, b, d: LA.lstsq(a, b, driver="gelsd").residuals})
def _lstsq(draw: Draw, form: Any) -> Any:
    batch, n = _batch(draw), draw(st.integers(1, 3))
    m = n + draw(st.integers(1, 2))  # full column rank, m > n (the residuals are defined)
    driver = draw(st.sampled_from([None, "gelsy", "gelsd", "gelss", "gels"]))
    return (lambda a, b: form(a, b, driver)), [
        _matrix(draw, batch, m, n), arr(draw, batch + (m, draw(st.integers(1, 2))))]


# -- the factor-based solves and the rest of torch.linalg ------------------------------------
def _triangular(draw: Draw, batch: tuple[int, ...], n: int) -> np.ndarray:
    """A triangle's worth of entries: |diagonal| in [0.5, 2], small off-diagonal entries."""
    return arr(draw, batch + (n, n), -0.4, 0.4) + np.eye(n) * nonzero(draw, (n,), 0.5, 2.0)


# (the factor's triangle is taken inside: the solves read only it, so the other entries of a
# full input have no derivative that finite differences would see)
@case({"Tensor.cholesky_solve": lambda b, f, up: b.cholesky_solve(
           f.triu() if up else f.tril(), up),
       "Tensor.cholesky_inverse": lambda b, f, up: (f.triu() if up else f.tril()
                                                    ).cholesky_inverse(up),
       "Tensor.triangular_solve": lambda b, f, up: b.triangular_solve(f, up).solution})
def _factor_solves(draw: Draw, form: Any) -> Any:
    batch, n, k = _batch(draw), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    up = draw(st.booleans())
    return (lambda b, f: form(b, f, up)), [arr(draw, batch + (n, k)),
                                            _triangular(draw, batch, n)]


@case({"linalg.householder_product": LA.householder_product})
def _householder_product(draw: Draw, form: Any) -> Any:
    batch, n = _batch(draw), draw(st.integers(1, 3))
    m, k = n + draw(st.integers(0, 2)), draw(st.integers(1, n))
    return form, [arr(draw, batch + (m, n), -1.0, 1.0), arr(draw, batch + (k,), -1.5, 1.5)]


@case({"linalg.tensorinv": lambda a: LA.tensorinv(a.reshape(2, 3, 6), ind=2),
       "linalg.tensorsolve": lambda a: LA.tensorsolve(a.reshape(2, 3, 6), a[:2, :3] + 1.0)})
def _tensorinv(draw: Draw, form: Any) -> Any:
    return form, [_matrix(draw, (), 6)]


@case({"linalg.vander": lambda x, n: LA.vander(x, N=n),
       "linalg.diagonal": lambda x, n: LA.diagonal(x.reshape(2, -1), offset=n - 3)})
def _vander(draw: Draw, form: Any) -> Any:
    n = draw(st.integers(2, 4))
    return (lambda x: form(x, n)), [arr(draw, _batch(draw) + (4,), -1.5, 1.5)]


# -- PyTorch's pre-torch.linalg factorisations (_linalg_legacy) ------------------------------
def _quiet_lu(a: Any, *args: Any) -> Any:
    with warnings.catch_warnings():  # (torch.lu's deprecation UserWarning)
        warnings.simplefilter("ignore")
        return tg.lu(a, *args)


def _quiet(f: Any, *args: Any) -> Any:
    with warnings.catch_warnings():  # (the methods' deprecation UserWarnings, as torch's)
        warnings.simplefilter("ignore")
        return f(*args)


@case({"tinygrad_nn.lu_unpack": lambda a: sum(tg.lu_unpack(*LA.lu_factor(a))[1:]),
       "tinygrad_nn.lu": lambda a: _quiet_lu(a)[0], "Tensor.lu": lambda a: _quiet(a.lu)[0]})
def _lu_legacy(draw: Draw, form: Any) -> Any:
    return form, [_matrix(draw, _batch(draw), draw(st.integers(1, 3)))]


@case({"tinygrad_nn.lu_solve": lambda b, a: _quiet_lu_solve(b, a),
       "Tensor.lu_solve": lambda b, a: _quiet(b.lu_solve, *LA.lu_factor(a))})
def _lu_solve_legacy(draw: Draw, form: Any) -> Any:
    batch, n = _batch(draw), draw(st.integers(1, 3))
    return form, [arr(draw, batch + (n, draw(st.integers(1, 2)))), _matrix(draw, batch, n)]


def _quiet_lu_solve(b: Any, a: Any) -> Any:
    with warnings.catch_warnings():  # (torch.lu_solve's deprecation UserWarning)
        warnings.simplefilter("ignore")
        return tg.lu_solve(b, *LA.lu_factor(a))


@case({"tinygrad_nn.ormqr": lambda a, t, c, left, tr: tg.ormqr(a, t, c, left, tr),
       "tinygrad_nn.orgqr": lambda a, t, c, left, tr: tg.orgqr(a, t) + c.sum(),
       "Tensor.ormqr": lambda a, t, c, left, tr: a.ormqr(t, c, left, tr),
       "Tensor.orgqr": lambda a, t, c, left, tr: a.orgqr(t) + c.sum()})
def _ormqr(draw: Draw, form: Any) -> Any:
    batch, n = _batch(draw), draw(st.integers(1, 3))
    m = n + draw(st.integers(0, 2))
    left, tr = draw(st.booleans()), draw(st.booleans())
    c = arr(draw, batch + ((m, 2) if left else (2, m)))
    return (lambda a, t, c: form(a, t, c, left, tr)), [
        arr(draw, batch + (m, n), -1.0, 1.0), arr(draw, batch + (n,), -1.5, 1.5), c]
