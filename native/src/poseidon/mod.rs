//! Poseidon exactly as Filecoin uses it: neptune at `Strength::Standard`, BLS12-381 Fr, S-box x^5, width
//! t = arity + 1, R_F = 8 full rounds (4 before, 4 after the partial rounds), R_P partial rounds per arity
//! (`round_numbers`), round constants from the Grain LFSR (`grain`), the Cauchy MDS matrix
//! M[i][j] = 1/(x_i + y_j) with x = 0..t-1, y = t..2t-1, and the MerkleTree domain tag 2^arity - 1 in state[0].
//! The hash output is state[1] after the last round, as neptune's.
//!
//! `Constants::hash` runs the plain ("correct") round structure of neptune's `hash_correct`.

pub mod grain;
pub mod optimized;
pub mod round_numbers;

use crate::field::Fr;
use std::sync::OnceLock;

pub const FULL_ROUNDS: usize = 8;

/// Everything one width needs.
pub struct Constants {
    pub arity: usize,
    pub width: usize,
    pub partial_rounds: usize,
    /// (R_F + R_P) · t constants, round-major.
    pub round_constants: Vec<Fr>,
    /// t × t, row-major.
    pub mds: Vec<Fr>,
    /// Domain tag for Merkle tree hashing (2^arity - 1).
    pub merkle_tag: Fr,
    /// The same permutation with compressed constants and sparse partial-round matrices.
    pub fast: optimized::Optimized,
}

impl Constants {
    pub fn new(arity: usize) -> Constants {
        let width = arity + 1;
        let partial_rounds = round_numbers::partial_rounds(width);
        let round_constants = grain::round_constants(width, FULL_ROUNDS, partial_rounds);
        let mut mds = Vec::with_capacity(width * width);
        for i in 0..width {
            for j in 0..width {
                mds.push(Fr::from_u64((i + width + j) as u64).invert().expect("nonzero"));
            }
        }
        let merkle_tag = Fr::from_u64((1u64 << arity) - 1);
        let fast = optimized::Optimized::new(width, FULL_ROUNDS, partial_rounds, &round_constants, &mds);
        Constants { arity, width, partial_rounds, round_constants, mds, merkle_tag, fast }
    }

    /// state := state × MDS (row vector times matrix; M is symmetric).
    #[inline(always)]
    fn mds_mul(&self, state: &mut [Fr]) {
        let t = self.width;
        let mut out = [Fr::ZERO; 40];
        for (j, o) in out.iter_mut().enumerate().take(t) {
            let mut acc = Fr::ZERO;
            for k in 0..t {
                acc = acc.add(&state[k].mul(&self.mds[k * t + j]));
            }
            *o = acc;
        }
        state.copy_from_slice(&out[..t]);
    }

    /// The permutation on a full state (length t), plain form.
    pub fn permute(&self, state: &mut [Fr]) {
        let t = self.width;
        let half = FULL_ROUNDS / 2;
        let total = FULL_ROUNDS + self.partial_rounds;
        for r in 0..total {
            let rc = &self.round_constants[r * t..(r + 1) * t];
            for i in 0..t {
                state[i] = state[i].add(&rc[i]);
            }
            if r < half || r >= half + self.partial_rounds {
                for s in state.iter_mut() {
                    *s = s.pow5();
                }
            } else {
                state[0] = state[0].pow5();
            }
            self.mds_mul(state);
        }
    }

    /// Merkle-tree hash of exactly `arity` elements (optimized permutation).
    pub fn hash(&self, inputs: &[Fr]) -> Fr {
        assert_eq!(inputs.len(), self.arity, "poseidon arity {} got {} inputs", self.arity, inputs.len());
        let mut state = [Fr::ZERO; 40];
        state[0] = self.merkle_tag;
        state[1..=self.arity].copy_from_slice(inputs);
        self.fast.permute(&mut state[..self.width]);
        state[1]
    }

    /// The hash of exactly `arity` elements with another domain tag in state[0] (neptune's `HashType::Custom`,
    /// e.g. the empty-sector-update "gen randomness" tag); the round constants do not depend on the tag.
    pub fn hash_with_tag(&self, tag: Fr, inputs: &[Fr]) -> Fr {
        assert_eq!(inputs.len(), self.arity, "poseidon arity {} got {} inputs", self.arity, inputs.len());
        let mut state = [Fr::ZERO; 40];
        state[0] = tag;
        state[1..=self.arity].copy_from_slice(inputs);
        self.fast.permute(&mut state[..self.width]);
        state[1]
    }

    /// The same hash through the plain round structure (reference for the optimized one).
    pub fn hash_plain(&self, inputs: &[Fr]) -> Fr {
        assert_eq!(inputs.len(), self.arity);
        let mut state = [Fr::ZERO; 40];
        state[0] = self.merkle_tag;
        state[1..=self.arity].copy_from_slice(inputs);
        self.permute(&mut state[..self.width]);
        state[1]
    }
}

/// The constants for an arity, built once per process.
pub fn constants(arity: usize) -> &'static Constants {
    static C2: OnceLock<Constants> = OnceLock::new();
    static C4: OnceLock<Constants> = OnceLock::new();
    static C8: OnceLock<Constants> = OnceLock::new();
    static C11: OnceLock<Constants> = OnceLock::new();
    static C16: OnceLock<Constants> = OnceLock::new();
    let cell = match arity {
        2 => &C2,
        4 => &C4,
        8 => &C8,
        11 => &C11,
        16 => &C16,
        _ => panic!("unsupported poseidon arity {arity}"),
    };
    cell.get_or_init(|| Constants::new(arity))
}

/// Poseidon Merkle hash of `inputs` (its length selects the arity).
pub fn hash(inputs: &[Fr]) -> Fr {
    constants(inputs.len()).hash(inputs)
}

/// Poseidon_2 over two 32-byte LE values (comm_r = hash2(comm_c, comm_r_last)); None if either is not canonical.
pub fn hash2_bytes(a: &[u8; 32], b: &[u8; 32]) -> Option<[u8; 32]> {
    Some(hash(&[Fr::from_bytes(a)?, Fr::from_bytes(b)?]).to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limbs(l: [u64; 4]) -> Fr {
        Fr::from_canonical_limbs(l).unwrap()
    }

    fn seq(n: usize) -> Vec<Fr> {
        (0..n as u64).map(Fr::from_u64).collect()
    }

    #[test]
    fn neptune_hash_values_standard_merkle() {
        assert_eq!(
            hash(&seq(2)),
            limbs([0x2e203c369a02e7ff, 0xa6fba9339d05a69d, 0x739e0fd902efe161, 0x396508d75e76a56b])
        );
        assert_eq!(
            hash(&seq(4)),
            limbs([0x019814ff6662075d, 0xfb6b4605bf1327ec, 0x00db3c6579229399, 0x58a54b10a9e5848a])
        );
        assert_eq!(
            hash(&seq(8)),
            limbs([0x2a9934f56d38a5e6, 0x4b682e9d9cc4aed9, 0x1201004211677077, 0x2394611da3a5de55])
        );
        assert_eq!(
            hash(&seq(11)),
            limbs([0xcee3bbc32b693163, 0x09f3dcd8ccb08fc1, 0x6ca537e232ebe87a, 0x0c0fc1b2e5227f28])
        );
    }

    #[test]
    fn filecoin_hashers_poseidon_vectors() {
        let one = Fr::ONE;
        let zero = Fr::ZERO;
        assert_eq!(
            hex::encode(hash(&[one, zero]).to_bytes()),
            "5e0b807960ff39b3af9430dcb30759ec264fa274cc03c093c36b78beff942f04"
        );
        // binary tree over [1,0,0,1]
        let root = hash(&[hash(&[one, zero]), hash(&[zero, one])]);
        assert_eq!(hex::encode(root.to_bytes()), "71e691e2e38bbbefd25a2bcbb872cc77ae746bae8563eb30ebd96ab2b7ebff1e");
        let a: [u8; 32] = hex::decode("5e0b807960ff39b3af9430dcb30759ec264fa274cc03c093c36b78beff942f04")
            .unwrap()
            .try_into()
            .unwrap();
        assert!(hash2_bytes(&a, &[0u8; 32]).is_some());
        assert!(hash2_bytes(&[0xff; 32], &a).is_none());
    }

    #[test]
    fn optimized_equals_plain() {
        for arity in [2usize, 4, 8, 11, 16] {
            let c = constants(arity);
            let mut x = Fr::from_u64(0x1234_5678 + arity as u64);
            for _ in 0..5 {
                let inputs: Vec<Fr> = (0..arity)
                    .map(|_| {
                        x = x.mul(&x).add(&Fr::from_u64(7));
                        x
                    })
                    .collect();
                assert_eq!(c.hash(&inputs), c.hash_plain(&inputs), "arity {arity}");
                let mut a = [Fr::ZERO; 17];
                a[0] = c.merkle_tag;
                a[1..=arity].copy_from_slice(&inputs);
                let mut b = a;
                c.fast.permute(&mut a[..arity + 1]);
                c.fast.permute_any(&mut b[..arity + 1]);
                assert_eq!(a, b, "arity {arity} specialized vs generic");
            }
        }
    }

    #[test]
    fn mds_is_symmetric_cauchy() {
        let c = constants(8);
        assert_eq!(c.width, 9);
        for i in 0..9 {
            for j in 0..9 {
                assert_eq!(c.mds[i * 9 + j], c.mds[j * 9 + i]);
            }
        }
        assert_eq!(c.mds[0].mul(&Fr::from_u64(9)), Fr::ONE);
    }
}

