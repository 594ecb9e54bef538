//! Poseidon round constants from the Grain LFSR, as neptune's `round_constants.rs` generates them.
//!
//! 80-bit initial state, each field MSB first: field type 1 (2 bits), S-box 1 (4 bits), field size 255 (12 bits),
//! t (12), R_F (10), R_P (10), then 30 ones. New bit = b62 ⊕ b51 ⊕ b38 ⊕ b23 ⊕ b13 ⊕ b0 (shift left, append);
//! the first 160 outputs are discarded. Output bits are self-shrunk (pairs: first bit 1 → emit the second). Each
//! candidate is 255 bits MSB first (a 7-bit first byte, then 31 bytes), rejected if ≥ p.

use crate::field::Fr;

struct Grain {
    state: [bool; 80],
    pos: usize,
}

impl Grain {
    fn new(t: usize, rf: usize, rp: usize) -> Grain {
        let mut bits = Vec::with_capacity(80);
        let mut push = |n: u32, v: u64| {
            for i in (0..n).rev() {
                bits.push((v >> i) & 1 == 1);
            }
        };
        push(2, 1);
        push(4, 1);
        push(12, 255);
        push(12, t as u64);
        push(10, rf as u64);
        push(10, rp as u64);
        push(30, (1 << 30) - 1);
        let mut g = Grain { state: bits.try_into().unwrap(), pos: 0 };
        for _ in 0..160 {
            g.raw_bit();
        }
        g
    }

    /// The state is a ring buffer: bit i of the logical state is state[(pos + i) % 80].
    fn raw_bit(&mut self) -> bool {
        let s = |i: usize| self.state[(self.pos + i) % 80];
        let nb = s(62) ^ s(51) ^ s(38) ^ s(23) ^ s(13) ^ s(0);
        self.state[self.pos] = nb;
        self.pos = (self.pos + 1) % 80;
        nb
    }

    fn next_bit(&mut self) -> bool {
        loop {
            let first = self.raw_bit();
            let second = self.raw_bit();
            if first {
                return second;
            }
        }
    }

    fn next_bits(&mut self, n: usize) -> u8 {
        let mut b = 0u8;
        for _ in 0..n {
            b = (b << 1) | self.next_bit() as u8;
        }
        b
    }
}

/// (R_F + R_P) · t constants.
pub fn round_constants(t: usize, rf: usize, rp: usize) -> Vec<Fr> {
    let mut g = Grain::new(t, rf, rp);
    let n = (rf + rp) * t;
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let mut be = [0u8; 32];
        be[0] = g.next_bits(7);
        for b in be.iter_mut().skip(1) {
            *b = g.next_bits(8);
        }
        if let Some(f) = Fr::from_be_bytes(&be) {
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn be_hex(f: &Fr) -> String {
        let mut b = f.to_bytes();
        b.reverse();
        hex::encode(b)
    }

    #[test]
    fn matches_neptune_sage_files() {
        let c9 = round_constants(9, 8, 57);
        assert_eq!(c9.len(), 585);
        assert!(be_hex(&c9[0]).starts_with("6ce90d12"), "{}", be_hex(&c9[0]));
        assert!(be_hex(&c9[0]).ends_with("c2f9"));
        assert!(be_hex(&c9[584]).starts_with("3b3a75eb"), "{}", be_hex(&c9[584]));
        assert!(be_hex(&c9[584]).ends_with("9a8c"));
        let c3 = round_constants(3, 8, 55);
        assert!(be_hex(&c3[0]).starts_with("669f064bfa3ae17a"), "{}", be_hex(&c3[0]));
        assert!(be_hex(&c3[0]).ends_with("3d8"));
    }
}
