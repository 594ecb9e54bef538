//! ChaCha with 8 rounds as `rand_chacha::ChaCha8Rng::from_seed`: 32-byte key, 64-bit block counter from 0, zero
//! stream id, output words little-endian in order; a u64 is two consecutive words, low first.

/// The SDR generator.
pub type ChaCha8 = ChaCha<4>;

/// ChaCha with `DOUBLE_ROUNDS` × 2 rounds (4 for ChaCha8, 10 for ChaCha20, which the test vector below checks).
pub struct ChaCha<const DOUBLE_ROUNDS: usize> {
    key: [u32; 8],
    counter: u64,
    buf: [u32; 16],
    idx: usize,
}

#[inline(always)]
fn qr(s: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
    s[a] = s[a].wrapping_add(s[b]);
    s[d] = (s[d] ^ s[a]).rotate_left(16);
    s[c] = s[c].wrapping_add(s[d]);
    s[b] = (s[b] ^ s[c]).rotate_left(12);
    s[a] = s[a].wrapping_add(s[b]);
    s[d] = (s[d] ^ s[a]).rotate_left(8);
    s[c] = s[c].wrapping_add(s[d]);
    s[b] = (s[b] ^ s[c]).rotate_left(7);
}

impl<const DOUBLE_ROUNDS: usize> ChaCha<DOUBLE_ROUNDS> {
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let mut key = [0u32; 8];
        for (k, c) in key.iter_mut().zip(seed.chunks_exact(4)) {
            *k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
        ChaCha { key, counter: 0, buf: [0; 16], idx: 16 }
    }

    fn refill(&mut self) {
        let mut s = [0u32; 16];
        s[..4].copy_from_slice(&[0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
        s[4..12].copy_from_slice(&self.key);
        s[12] = self.counter as u32;
        s[13] = (self.counter >> 32) as u32;
        let input = s;
        for _ in 0..DOUBLE_ROUNDS {
            qr(&mut s, 0, 4, 8, 12);
            qr(&mut s, 1, 5, 9, 13);
            qr(&mut s, 2, 6, 10, 14);
            qr(&mut s, 3, 7, 11, 15);
            qr(&mut s, 0, 5, 10, 15);
            qr(&mut s, 1, 6, 11, 12);
            qr(&mut s, 2, 7, 8, 13);
            qr(&mut s, 3, 4, 9, 14);
        }
        for (o, i) in s.iter_mut().zip(input) {
            *o = o.wrapping_add(i);
        }
        self.buf = s;
        self.counter += 1;
        self.idx = 0;
    }

    pub fn next_u32(&mut self) -> u32 {
        if self.idx >= 16 {
            self.refill();
        }
        let v = self.buf[self.idx];
        self.idx += 1;
        v
    }

    /// rand_core's BlockRng reads two consecutive words (low first); the 64-word buffer of rand_chacha makes a
    /// u64 straddle blocks only at word 63, which SDR (20 words per node) never reaches.
    pub fn next_u64(&mut self) -> u64 {
        let lo = self.next_u32() as u64;
        let hi = self.next_u32() as u64;
        lo | (hi << 32)
    }
}

#[cfg(test)]
mod tests {
    use super::{ChaCha, ChaCha8};

    #[test]
    fn chacha20_zero_key_vector_checks_the_block_function() {
        // RFC 7539 A.1 test vector #1 (zero key, zero nonce, block 0): the same block function at 20 rounds.
        let mut c = ChaCha::<10>::from_seed(&[0; 32]);
        let words: Vec<u8> = (0..16).flat_map(|_| c.next_u32().to_le_bytes()).collect();
        assert_eq!(
            hex::encode(&words),
            "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"
        );
    }

    #[test]
    fn u64_is_two_consecutive_words_low_first_across_blocks() {
        let mut a = ChaCha8::from_seed(&[7; 32]);
        let mut b = ChaCha8::from_seed(&[7; 32]);
        let w: Vec<u32> = (0..40).map(|_| a.next_u32()).collect();
        for i in 0..20 {
            assert_eq!(b.next_u64(), w[2 * i] as u64 | (w[2 * i + 1] as u64) << 32);
        }
        assert_ne!(w[..16], w[16..32], "the block counter advances");
    }
}
