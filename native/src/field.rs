//! BLS12-381 scalar field Fr (the field Poseidon works in), std only.
//!
//! p = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001 (255 bits).
//! Elements are kept in Montgomery form a·R mod p with R = 2^256, as four little-endian u64 limbs, so that a
//! multiplication is one CIOS Montgomery product with u128 intermediates and no division.
//! The wire form is `to_bytes`/`from_bytes`: 32 bytes, little-endian, canonical (blstrs' `to_repr`), never the
//! Montgomery form — this is what every Filecoin commitment (comm_c, comm_r_last, comm_r) is.

/// p as little-endian limbs.
pub const MODULUS: [u64; 4] =
    [0xffff_ffff_0000_0001, 0x53bd_a402_fffe_5bfe, 0x3339_d808_09a1_d805, 0x73ed_a753_299d_7d48];
/// -p^-1 mod 2^64.
const INV: u64 = 0xffff_fffe_ffff_ffff;
/// R = 2^256 mod p (the Montgomery form of 1).
pub const R: [u64; 4] =
    [0x0000_0001_ffff_fffe, 0x5884_b7fa_0003_4802, 0x998c_4fef_ecbc_4ff5, 0x1824_b159_acc5_056f];
/// R^2 mod p, used to enter Montgomery form.
pub const R2: [u64; 4] =
    [0xc999_e990_f3f2_9c6d, 0x2b6c_edcb_8792_5c23, 0x05d3_1496_7254_398f, 0x0748_d9d9_9f59_ff11];

/// An element of Fr in Montgomery form.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Fr(pub [u64; 4]);

#[inline(always)]
fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = a as u128 + b as u128 + carry as u128;
    (t as u64, (t >> 64) as u64)
}

#[inline(always)]
fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let t = (a as u128).wrapping_sub(b as u128 + (borrow >> 63) as u128);
    (t as u64, (t >> 64) as u64)
}

#[inline(always)]
fn mac(acc: u64, a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = acc as u128 + (a as u128) * (b as u128) + carry as u128;
    (t as u64, (t >> 64) as u64)
}

/// a - p if a >= p (a < 2p).
#[inline(always)]
fn reduce_once(a: [u64; 4]) -> [u64; 4] {
    let (r0, b) = sbb(a[0], MODULUS[0], 0);
    let (r1, b) = sbb(a[1], MODULUS[1], b);
    let (r2, b) = sbb(a[2], MODULUS[2], b);
    let (r3, b) = sbb(a[3], MODULUS[3], b);
    if b >> 63 == 1 {
        a
    } else {
        [r0, r1, r2, r3]
    }
}

/// Is the little-endian integer a < p?
fn lt_modulus(a: &[u64; 4]) -> bool {
    for i in (0..4).rev() {
        if a[i] != MODULUS[i] {
            return a[i] < MODULUS[i];
        }
    }
    false
}

impl Fr {
    pub const ZERO: Fr = Fr([0; 4]);
    pub const ONE: Fr = Fr(R);

    /// Montgomery product a·b·R^-1 mod p (CIOS; p's top limb < 2^63 so no extra carry word is needed).
    #[inline(always)]
    pub fn mul(&self, rhs: &Fr) -> Fr {
        let a = &self.0;
        let b = &rhs.0;
        let mut t = [0u64; 4];
        for &ai in a.iter() {
            let (t0, c) = mac(t[0], ai, b[0], 0);
            let (t1, c) = mac(t[1], ai, b[1], c);
            let (t2, c) = mac(t[2], ai, b[2], c);
            let (t3, c) = mac(t[3], ai, b[3], c);
            let t4 = c;
            let m = t0.wrapping_mul(INV);
            let (_, c) = mac(t0, m, MODULUS[0], 0);
            let (n0, c) = mac(t1, m, MODULUS[1], c);
            let (n1, c) = mac(t2, m, MODULUS[2], c);
            let (n2, c) = mac(t3, m, MODULUS[3], c);
            let (n3, _) = adc(t4, c, 0);
            t = [n0, n1, n2, n3];
        }
        Fr(reduce_once(t))
    }

    #[inline(always)]
    pub fn square(&self) -> Fr {
        self.mul(self)
    }

    #[inline(always)]
    pub fn add(&self, rhs: &Fr) -> Fr {
        let (r0, c) = adc(self.0[0], rhs.0[0], 0);
        let (r1, c) = adc(self.0[1], rhs.0[1], c);
        let (r2, c) = adc(self.0[2], rhs.0[2], c);
        let (r3, _) = adc(self.0[3], rhs.0[3], c);
        Fr(reduce_once([r0, r1, r2, r3]))
    }

    #[inline(always)]
    pub fn sub(&self, rhs: &Fr) -> Fr {
        let (r0, b) = sbb(self.0[0], rhs.0[0], 0);
        let (r1, b) = sbb(self.0[1], rhs.0[1], b);
        let (r2, b) = sbb(self.0[2], rhs.0[2], b);
        let (r3, b) = sbb(self.0[3], rhs.0[3], b);
        if b >> 63 == 1 {
            let (r0, c) = adc(r0, MODULUS[0], 0);
            let (r1, c) = adc(r1, MODULUS[1], c);
            let (r2, c) = adc(r2, MODULUS[2], c);
            let (r3, _) = adc(r3, MODULUS[3], c);
            Fr([r0, r1, r2, r3])
        } else {
            Fr([r0, r1, r2, r3])
        }
    }

    pub fn neg(&self) -> Fr {
        Fr::ZERO.sub(self)
    }

    pub fn is_zero(&self) -> bool {
        self.0 == [0; 4]
    }

    /// x^5, the Poseidon S-box.
    #[inline(always)]
    pub fn pow5(&self) -> Fr {
        let x2 = self.square();
        let x4 = x2.square();
        x4.mul(self)
    }

    /// self^e for a little-endian exponent.
    pub fn pow(&self, e: &[u64; 4]) -> Fr {
        let mut acc = Fr::ONE;
        for i in (0..4).rev() {
            for bit in (0..64).rev() {
                acc = acc.square();
                if (e[i] >> bit) & 1 == 1 {
                    acc = acc.mul(self);
                }
            }
        }
        acc
    }

    /// Multiplicative inverse (Fermat: a^(p-2)); None for zero.
    pub fn invert(&self) -> Option<Fr> {
        if self.is_zero() {
            return None;
        }
        let mut e = MODULUS;
        e[0] -= 2;
        Some(self.pow(&e))
    }

    pub fn from_u64(v: u64) -> Fr {
        Fr::from_canonical_limbs([v, 0, 0, 0]).expect("u64 < p")
    }

    /// Canonical integer limbs (little-endian) -> Fr, None if >= p.
    pub fn from_canonical_limbs(l: [u64; 4]) -> Option<Fr> {
        if !lt_modulus(&l) {
            return None;
        }
        Some(Fr(l).mul(&Fr(R2)))
    }

    /// Canonical integer limbs of this element.
    pub fn to_canonical_limbs(&self) -> [u64; 4] {
        self.mul(&Fr([1, 0, 0, 0])).0
    }

    /// 32 little-endian canonical bytes -> Fr; None if the integer is >= p (what `from_repr` rejects).
    pub fn from_bytes(b: &[u8; 32]) -> Option<Fr> {
        let mut l = [0u64; 4];
        for (i, limb) in l.iter_mut().enumerate() {
            *limb = u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap());
        }
        Fr::from_canonical_limbs(l)
    }

    /// Fr from a slice that must be 32 bytes long and canonical.
    pub fn from_slice(b: &[u8]) -> Option<Fr> {
        let arr: [u8; 32] = b.try_into().ok()?;
        Fr::from_bytes(&arr)
    }

    /// 32 little-endian canonical bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        let l = self.to_canonical_limbs();
        let mut out = [0u8; 32];
        for i in 0..4 {
            out[i * 8..i * 8 + 8].copy_from_slice(&l[i].to_le_bytes());
        }
        out
    }

    /// Fr from a big-endian byte string of 32 bytes, None if >= p (Grain candidates).
    pub fn from_be_bytes(b: &[u8; 32]) -> Option<Fr> {
        let mut le = *b;
        le.reverse();
        Fr::from_bytes(&le)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2^k mod p by repeated doubling of canonical integers (independent of Montgomery code).
    fn pow2_mod_p(k: u32) -> [u64; 4] {
        let mut x = [1u64, 0, 0, 0];
        for _ in 0..k {
            let mut c = 0u64;
            for limb in x.iter_mut() {
                let n = (*limb << 1) | c;
                c = *limb >> 63;
                *limb = n;
            }
            assert_eq!(c, 0);
            x = reduce_once(x);
        }
        x
    }

    #[test]
    fn constants_are_consistent() {
        assert_eq!(hex::encode(&Fr(MODULUS).0.iter().rev().flat_map(|l| l.to_be_bytes()).collect::<Vec<_>>()),
            "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001");
        assert_eq!(pow2_mod_p(256), R);
        assert_eq!(pow2_mod_p(512), R2);
        // INV * p[0] == -1 mod 2^64
        assert_eq!(MODULUS[0].wrapping_mul(INV), u64::MAX);
    }

    #[test]
    fn arithmetic_known_values() {
        let two = Fr::from_u64(2);
        let three = Fr::from_u64(3);
        assert_eq!(two.mul(&three), Fr::from_u64(6));
        assert_eq!(two.add(&three), Fr::from_u64(5));
        assert_eq!(two.sub(&three).add(&Fr::ONE), Fr::ZERO);
        // p - 1 is -1
        let pm1 = Fr::from_canonical_limbs([MODULUS[0] - 1, MODULUS[1], MODULUS[2], MODULUS[3]]).unwrap();
        assert_eq!(pm1, Fr::ONE.neg());
        assert_eq!(pm1.mul(&pm1), Fr::ONE);
        assert!(Fr::from_canonical_limbs(MODULUS).is_none());
        // 2^-1 = (p+1)/2
        let half = two.invert().unwrap();
        assert_eq!(half.mul(&two), Fr::ONE);
        assert_eq!(
            half.to_canonical_limbs(),
            [0x7fff_ffff_8000_0001, 0xa9de_d201_7fff_2dff, 0x199c_ec04_04d0_ec02, 0x39f6_d3a9_94ce_bea4]
        );
        // Fermat: a^(p-1) = 1
        let a = Fr::from_u64(0x1234_5678_9abc_def0).mul(&Fr::from_u64(0xfedc_ba98_7654_3210));
        let mut e = MODULUS;
        e[0] -= 1;
        assert_eq!(a.pow(&e), Fr::ONE);
        assert!(Fr::ZERO.invert().is_none());
        // bytes round trip and canonical check
        let b = a.to_bytes();
        assert_eq!(Fr::from_bytes(&b).unwrap(), a);
        let mut over = [0xffu8; 32];
        over[31] = 0x74;
        assert!(Fr::from_bytes(&over).is_none());
        // 2^255 mod p via multiplication matches doubling
        let mut x = Fr::ONE;
        for _ in 0..255 {
            x = x.add(&x);
        }
        assert_eq!(x.to_canonical_limbs(), pow2_mod_p(255));
    }
}
