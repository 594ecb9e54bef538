//! The Poseidon permutation with the partial rounds made cheap, derived here from the plain constants (the idea of
//! neptune's optimized constants; identical output, checked against the plain form for every arity).
//!
//! Column convention: a round is s ← N·sbox(s + c). Partial rounds touch only s[0] non-linearly, so:
//! 1. *Constants*: the part of a partial round's constant off element 0 passes linearly through the S-box; it is
//!    pushed through M into the next round's constant, and after the last partial round into the first constant
//!    of the second full half. A partial round then adds one scalar to s[0].
//! 2. *Sparse matrices*: any N with an invertible lower-right block N̂ factors as N = S·D with D = diag(1, N̂) and
//!    S = [[n00, vᵀN̂⁻¹], [w, I]] (first row full, first column full, identity elsewhere). D fixes s[0], so it
//!    commutes with the partial S-box and moves into the previous round's matrix (N_{k−1} = D_k·M). Going from the
//!    last partial round back, every partial round keeps only its sparse S_k (≈ 2t multiplications instead of
//!    t²) and the last D lands in the last full round of the first half (D_0·M).

use crate::field::Fr;

type Mat = Vec<Vec<Fr>>;

pub struct Optimized {
    width: usize,
    half_full: usize,
    partial: usize,
    /// Full-round constants, first half then second half (width each), the second half's first one adjusted.
    full_constants: Vec<Fr>,
    /// One scalar per partial round.
    partial_constants: Vec<Fr>,
    mds: Mat,
    /// D_0·M, used by the last full round of the first half.
    pre_sparse: Mat,
    /// Per partial round: (S[0][0..t], S[1..t][0]).
    sparse: Vec<(Vec<Fr>, Vec<Fr>)>,
    /// The same matrices flattened for the width-specialized permutation: mds and pre_sparse row-major, then per
    /// partial round S[0][0..t] ‖ S[1..t][0] (2t − 1 values).
    mds_flat: Vec<Fr>,
    pre_flat: Vec<Fr>,
    sparse_flat: Vec<Fr>,
}

fn mat_mul(a: &Mat, b: &Mat) -> Mat {
    let n = a.len();
    (0..n)
        .map(|i| (0..n).map(|j| (0..n).fold(Fr::ZERO, |acc, k| acc.add(&a[i][k].mul(&b[k][j])))).collect())
        .collect()
}

fn mat_vec(a: &Mat, v: &[Fr]) -> Vec<Fr> {
    a.iter().map(|row| row.iter().zip(v).fold(Fr::ZERO, |acc, (x, y)| acc.add(&x.mul(y)))).collect()
}

/// Gauss-Jordan inverse over Fr.
fn invert(m: &Mat) -> Mat {
    let n = m.len();
    let mut a: Mat = m.clone();
    let mut inv: Mat = (0..n).map(|i| (0..n).map(|j| if i == j { Fr::ONE } else { Fr::ZERO }).collect()).collect();
    for col in 0..n {
        let piv = (col..n).find(|&r| !a[r][col].is_zero()).expect("singular matrix in poseidon precompute");
        a.swap(col, piv);
        inv.swap(col, piv);
        let f = a[col][col].invert().unwrap();
        for j in 0..n {
            a[col][j] = a[col][j].mul(&f);
            inv[col][j] = inv[col][j].mul(&f);
        }
        for r in 0..n {
            if r != col && !a[r][col].is_zero() {
                let g = a[r][col];
                for j in 0..n {
                    let (x, y) = (a[col][j].mul(&g), inv[col][j].mul(&g));
                    a[r][j] = a[r][j].sub(&x);
                    inv[r][j] = inv[r][j].sub(&y);
                }
            }
        }
    }
    inv
}

/// N = S·D: returns (first row of S, first column of S below row 0, D).
fn factor(n: &Mat) -> (Vec<Fr>, Vec<Fr>, Mat) {
    let t = n.len();
    let hat: Mat = (1..t).map(|i| n[i][1..].to_vec()).collect();
    let hat_inv = invert(&hat);
    let v = &n[0][1..];
    // row0 of S = [n00, vᵀ·N̂⁻¹]
    let mut row0 = vec![n[0][0]];
    for j in 0..t - 1 {
        row0.push((0..t - 1).fold(Fr::ZERO, |acc, k| acc.add(&v[k].mul(&hat_inv[k][j]))));
    }
    let col0: Vec<Fr> = (1..t).map(|i| n[i][0]).collect();
    let mut d: Mat = vec![vec![Fr::ZERO; t]; t];
    d[0][0] = Fr::ONE;
    for i in 1..t {
        for j in 1..t {
            d[i][j] = hat[i - 1][j - 1];
        }
    }
    (row0, col0, d)
}

impl Optimized {
    /// `mds` row-major t×t (symmetric), `rc` (rf + rp)·t plain round constants.
    pub fn new(t: usize, rf: usize, rp: usize, rc: &[Fr], mds: &[Fr]) -> Optimized {
        let m: Mat = (0..t).map(|i| mds[i * t..(i + 1) * t].to_vec()).collect();
        let half = rf / 2;
        let round = |r: usize| rc[r * t..(r + 1) * t].to_vec();
        // 1. constants
        let mut partial_constants = Vec::with_capacity(rp);
        let mut carry = round(half);
        for k in 0..rp {
            partial_constants.push(carry[0]);
            let mut rest = carry.clone();
            rest[0] = Fr::ZERO;
            let pushed = mat_vec(&m, &rest);
            let next = round(half + k + 1);
            carry = next.iter().zip(&pushed).map(|(a, b)| a.add(b)).collect();
        }
        let mut full_constants = Vec::with_capacity(rf * t);
        for r in 0..half {
            full_constants.extend(round(r));
        }
        full_constants.extend(carry); // round half + rp, adjusted
        for r in half + rp + 1..rf + rp {
            full_constants.extend(round(r));
        }
        // 2. sparse matrices, from the last partial round back
        let mut sparse = vec![(Vec::new(), Vec::new()); rp];
        let mut n = m.clone();
        let mut d_last = Mat::new();
        for k in (0..rp).rev() {
            let (row0, col0, d) = factor(&n);
            sparse[k] = (row0, col0);
            n = mat_mul(&d, &m);
            d_last = d;
        }
        let pre_sparse = mat_mul(&d_last, &m);
        let mds_flat = m.iter().flatten().copied().collect();
        let pre_flat = pre_sparse.iter().flatten().copied().collect();
        let sparse_flat = sparse.iter().flat_map(|(r, c)| r.iter().chain(c.iter()).copied()).collect();
        Optimized {
            width: t,
            half_full: half,
            partial: rp,
            full_constants,
            partial_constants,
            mds: m,
            pre_sparse,
            sparse,
            mds_flat,
            pre_flat,
            sparse_flat,
        }
    }

    #[inline(always)]
    fn dense(&self, a: &Mat, s: &mut [Fr]) {
        let mut out = [Fr::ZERO; 40];
        for (i, row) in a.iter().enumerate() {
            let mut acc = row[0].mul(&s[0]);
            for j in 1..self.width {
                acc = acc.add(&row[j].mul(&s[j]));
            }
            out[i] = acc;
        }
        s.copy_from_slice(&out[..self.width]);
    }

    #[inline(always)]
    fn full_round(&self, s: &mut [Fr], r: usize, matrix: &Mat) {
        let c = &self.full_constants[r * self.width..(r + 1) * self.width];
        for i in 0..self.width {
            s[i] = s[i].add(&c[i]).pow5();
        }
        self.dense(matrix, s);
    }

    /// The permutation, specialized by width for the widths Filecoin uses (same arithmetic as `permute_any`).
    pub fn permute(&self, s: &mut [Fr]) {
        match self.width {
            3 => self.permute_t::<3>(s),
            5 => self.permute_t::<5>(s),
            9 => self.permute_t::<9>(s),
            12 => self.permute_t::<12>(s),
            _ => self.permute_any(s),
        }
    }

    #[inline(always)]
    fn dense_t<const T: usize>(m: &[Fr], s: &mut [Fr; T]) {
        let mut out = [Fr::ZERO; T];
        for (i, o) in out.iter_mut().enumerate() {
            let row = &m[i * T..i * T + T];
            let mut acc = row[0].mul(&s[0]);
            for j in 1..T {
                acc = acc.add(&row[j].mul(&s[j]));
            }
            *o = acc;
        }
        *s = out;
    }

    fn permute_t<const T: usize>(&self, state: &mut [Fr]) {
        let mut s: [Fr; T] = state.try_into().expect("state width");
        let full = |s: &mut [Fr; T], r: usize, m: &[Fr]| {
            let c = &self.full_constants[r * T..r * T + T];
            for i in 0..T {
                s[i] = s[i].add(&c[i]).pow5();
            }
            Self::dense_t::<T>(m, s);
        };
        for r in 0..self.half_full {
            full(&mut s, r, if r + 1 == self.half_full { &self.pre_flat } else { &self.mds_flat });
        }
        let w = 2 * T - 1;
        for (k, sp) in self.sparse_flat.chunks_exact(w).enumerate() {
            let x0 = s[0].add(&self.partial_constants[k]).pow5();
            let mut acc = sp[0].mul(&x0);
            for j in 1..T {
                acc = acc.add(&sp[j].mul(&s[j]));
            }
            for i in 1..T {
                s[i] = s[i].add(&sp[T + i - 1].mul(&x0));
            }
            s[0] = acc;
        }
        for r in self.half_full..2 * self.half_full {
            full(&mut s, r, &self.mds_flat);
        }
        state.copy_from_slice(&s);
    }

    /// Any width (arity 16 and others).
    pub fn permute_any(&self, s: &mut [Fr]) {
        let t = self.width;
        for r in 0..self.half_full {
            let m = if r + 1 == self.half_full { &self.pre_sparse } else { &self.mds };
            self.full_round(s, r, m);
        }
        for k in 0..self.partial {
            let x0 = s[0].add(&self.partial_constants[k]).pow5();
            let (row0, col0) = &self.sparse[k];
            let mut acc = row0[0].mul(&x0);
            for j in 1..t {
                acc = acc.add(&row0[j].mul(&s[j]));
            }
            for i in 1..t {
                s[i] = s[i].add(&col0[i - 1].mul(&x0));
            }
            s[0] = acc;
        }
        for r in self.half_full..2 * self.half_full {
            self.full_round(s, r, &self.mds);
        }
    }
}
