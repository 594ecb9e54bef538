//! SHA-256 (FIPS 180-4): the SHA-NI path when the CPU has it, a portable path otherwise, and the Filecoin
//! "SHA254" helpers (digest with the top two bits of byte 31 cleared).
//!
//! Everything that hashes a lot (labels, tree nodes) calls `compress` on whole 64-byte blocks with its own padding
//! already in place, so the hot loops never allocate or re-pad.

pub const IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
];

/// True when the SHA-NI path is used (x86_64 with the `sha` extension, unless `SEALFARM_NO_SHANI` is set).
pub fn has_sha_ni() -> bool {
    use std::sync::OnceLock;
    static HAS: OnceLock<bool> = OnceLock::new();
    *HAS.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            std::env::var_os("SEALFARM_NO_SHANI").is_none()
                && is_x86_feature_detected!("sha")
                && is_x86_feature_detected!("sse2")
                && is_x86_feature_detected!("ssse3")
                && is_x86_feature_detected!("sse4.1")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    })
}

/// Compresses whole 64-byte blocks into `state`. `blocks.len()` must be a multiple of 64.
#[inline]
pub fn compress(state: &mut [u32; 8], blocks: &[u8]) {
    debug_assert!(blocks.len() % 64 == 0);
    #[cfg(target_arch = "x86_64")]
    {
        if has_sha_ni() {
            // SAFETY: the CPU features were detected at runtime above.
            unsafe { compress_shani(state, blocks) };
            return;
        }
    }
    compress_portable(state, blocks);
}

/// The portable compression function (also the reference the SHA-NI path is tested against).
pub fn compress_portable(state: &mut [u32; 8], blocks: &[u8]) {
    for block in blocks.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, c) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
        }
        for t in 16..64 {
            let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
            let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16].wrapping_add(s0).wrapping_add(w[t - 7]).wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
        for t in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = h.wrapping_add(s1).wrapping_add(ch).wrapping_add(K[t]).wrapping_add(w[t]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            h = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
            *s = s.wrapping_add(v);
        }
    }
}

/// One SHA-NI block (Intel's published instruction sequence: state kept as ABEF/CDGH, two rounds per
/// `sha256rnds2`, message schedule with `sha256msg1/2`): `$p` points at 64 bytes. A macro rather than a function so
/// both callers below keep the state in registers (an `inline(always)` function cannot carry `target_feature`).
#[cfg(target_arch = "x86_64")]
macro_rules! shani_block {
    ($state0:ident, $state1:ident, $p:expr) => {{
        let mask = _mm_set_epi64x(0x0c0d0e0f08090a0bu64 as i64, 0x0405060700010203u64 as i64);
        let kp = K.as_ptr() as *const __m128i;
        macro_rules! rounds {
            ($msg:expr, $i:expr) => {{
                let wk = _mm_add_epi32($msg, _mm_loadu_si128(kp.add($i)));
                $state1 = _mm_sha256rnds2_epu32($state1, $state0, wk);
                $state0 = _mm_sha256rnds2_epu32($state0, $state1, _mm_shuffle_epi32(wk, 0x0E));
            }};
        }
        macro_rules! schedule {
            ($m0:expr, $m1:expr, $m2:expr, $m3:expr) => {
                // W[t..t+4] from W[t-16..t-12]=m0, W[t-12..t-8]=m1, W[t-8..t-4]=m2, W[t-4..t]=m3.
                _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32($m0, $m1), _mm_alignr_epi8($m3, $m2, 4)), $m3)
            };
        }
        let abef = $state0;
        let cdgh = $state1;
        let p = $p as *const __m128i;
        let mut m0 = _mm_shuffle_epi8(_mm_loadu_si128(p), mask);
        let mut m1 = _mm_shuffle_epi8(_mm_loadu_si128(p.add(1)), mask);
        let mut m2 = _mm_shuffle_epi8(_mm_loadu_si128(p.add(2)), mask);
        let mut m3 = _mm_shuffle_epi8(_mm_loadu_si128(p.add(3)), mask);
        rounds!(m0, 0);
        rounds!(m1, 1);
        rounds!(m2, 2);
        rounds!(m3, 3);
        m0 = schedule!(m0, m1, m2, m3);
        rounds!(m0, 4);
        m1 = schedule!(m1, m2, m3, m0);
        rounds!(m1, 5);
        m2 = schedule!(m2, m3, m0, m1);
        rounds!(m2, 6);
        m3 = schedule!(m3, m0, m1, m2);
        rounds!(m3, 7);
        m0 = schedule!(m0, m1, m2, m3);
        rounds!(m0, 8);
        m1 = schedule!(m1, m2, m3, m0);
        rounds!(m1, 9);
        m2 = schedule!(m2, m3, m0, m1);
        rounds!(m2, 10);
        m3 = schedule!(m3, m0, m1, m2);
        rounds!(m3, 11);
        m0 = schedule!(m0, m1, m2, m3);
        rounds!(m0, 12);
        m1 = schedule!(m1, m2, m3, m0);
        rounds!(m1, 13);
        m2 = schedule!(m2, m3, m0, m1);
        rounds!(m2, 14);
        m3 = schedule!(m3, m0, m1, m2);
        rounds!(m3, 15);
        $state0 = _mm_add_epi32($state0, abef);
        $state1 = _mm_add_epi32($state1, cdgh);
    }};
}

/// Loads `state` into the SHA-NI register layout (ABEF, CDGH).
#[cfg(target_arch = "x86_64")]
macro_rules! shani_load {
    ($state:expr) => {{
        let tmp = _mm_loadu_si128($state.as_ptr() as *const __m128i);
        let s1 = _mm_loadu_si128($state.as_ptr().add(4) as *const __m128i);
        let tmp = _mm_shuffle_epi32(tmp, 0xB1); // CDAB
        let s1 = _mm_shuffle_epi32(s1, 0x1B); // EFGH
        (_mm_alignr_epi8(tmp, s1, 8), _mm_blend_epi16(s1, tmp, 0xF0)) // ABEF, CDGH
    }};
}

/// Stores the ABEF/CDGH registers back into `state`.
#[cfg(target_arch = "x86_64")]
macro_rules! shani_store {
    ($state:expr, $state0:expr, $state1:expr) => {{
        let tmp = _mm_shuffle_epi32($state0, 0x1B); // FEBA
        let s1 = _mm_shuffle_epi32($state1, 0xB1); // DCHG
        _mm_storeu_si128($state.as_mut_ptr() as *mut __m128i, _mm_blend_epi16(tmp, s1, 0xF0)); // DCBA
        _mm_storeu_si128($state.as_mut_ptr().add(4) as *mut __m128i, _mm_alignr_epi8(s1, tmp, 8)); // HGFE
    }};
}

/// SHA-NI compression of consecutive blocks.
///
/// # Safety
/// The CPU must support sha, sse2, ssse3 and sse4.1.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub unsafe fn compress_shani(state: &mut [u32; 8], blocks: &[u8]) {
    use core::arch::x86_64::*;
    let (mut state0, mut state1) = shani_load!(state);
    for block in blocks.chunks_exact(64) {
        shani_block!(state0, state1, block.as_ptr());
    }
    shani_store!(state, state0, state1);
}

/// Compresses the blocks `data[64 i .. 64 i + 64]` for each `i` in `order`, in that order. A label is 20 blocks
/// drawn from 9 distinct ones (the parent runs repeat), and one call keeps the SHA-NI state in registers for all
/// of them instead of converting it to and from memory between runs: that conversion sits on the dependency chain
/// of the hash, so every call saved is latency saved.
#[inline]
pub fn compress_indexed(state: &mut [u32; 8], data: &[u8], order: &[u8]) {
    let max = order.iter().copied().max().unwrap_or(0) as usize;
    assert!(order.is_empty() || (max + 1) * 64 <= data.len(), "block {max} outside {} bytes", data.len());
    #[cfg(target_arch = "x86_64")]
    {
        if has_sha_ni() {
            // SAFETY: the CPU features were detected at runtime; every block index was checked above.
            unsafe { compress_indexed_shani(state, data, order) };
            return;
        }
    }
    for &i in order {
        let i = i as usize * 64;
        compress_portable(state, &data[i..i + 64]);
    }
}

/// # Safety
/// The CPU must support sha, sse2, ssse3 and sse4.1, and every `64 * order[k] + 64 <= data.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn compress_indexed_shani(state: &mut [u32; 8], data: &[u8], order: &[u8]) {
    use core::arch::x86_64::*;
    let (mut state0, mut state1) = shani_load!(state);
    for &i in order {
        shani_block!(state0, state1, data.as_ptr().add(i as usize * 64));
    }
    shani_store!(state, state0, state1);
}

/// The state as a big-endian digest.
#[inline]
pub fn digest(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, s) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&s.to_be_bytes());
    }
    out
}

/// Incremental hasher (used where messages are not block-shaped; hot paths use `compress`).
#[derive(Clone)]
pub struct Sha256 {
    state: [u32; 8],
    buf: [u8; 64],
    buf_len: usize,
    total: u64,
}

impl Default for Sha256 {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha256 {
    pub fn new() -> Self {
        Sha256 { state: IV, buf: [0; 64], buf_len: 0, total: 0 }
    }

    pub fn update(&mut self, mut data: &[u8]) {
        self.total += data.len() as u64;
        if self.buf_len > 0 {
            let take = (64 - self.buf_len).min(data.len());
            self.buf[self.buf_len..self.buf_len + take].copy_from_slice(&data[..take]);
            self.buf_len += take;
            data = &data[take..];
            if self.buf_len == 64 {
                let b = self.buf;
                compress(&mut self.state, &b);
                self.buf_len = 0;
            }
        }
        let whole = data.len() / 64 * 64;
        if whole > 0 {
            compress(&mut self.state, &data[..whole]);
            data = &data[whole..];
        }
        self.buf[..data.len()].copy_from_slice(data);
        self.buf_len += data.len();
    }

    pub fn finish(mut self) -> [u8; 32] {
        let bits = self.total.wrapping_mul(8);
        let mut pad = [0u8; 128];
        pad[0] = 0x80;
        let pad_len = if self.buf_len < 56 { 56 - self.buf_len } else { 120 - self.buf_len };
        pad[pad_len..pad_len + 8].copy_from_slice(&bits.to_be_bytes());
        let total = self.total;
        self.update(&pad[..pad_len + 8]);
        debug_assert_eq!(self.buf_len, 0);
        let _ = total;
        digest(&self.state)
    }
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(data);
    h.finish()
}

/// SHA-256 with the top two bits of the last byte cleared, so the digest is a valid BLS12-381 field element.
pub fn sha254(data: &[u8]) -> [u8; 32] {
    let mut d = sha256(data);
    d[31] &= 0x3f;
    d
}

/// The padding block of a 64-byte message: 0x80, zeros, bit length 512.
const PAD_64: [u8; 64] = {
    let mut b = [0u8; 64];
    b[0] = 0x80;
    b[62] = 0x02;
    b
};

/// SHA254(left ‖ right): one node of a Filecoin SHA254 binary tree (tree_d, CommP).
#[inline]
pub fn hash_pair(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut block = [0u8; 128];
    block[..32].copy_from_slice(left);
    block[32..64].copy_from_slice(right);
    block[64..].copy_from_slice(&PAD_64);
    let mut st = IV;
    compress(&mut st, &block);
    let mut d = digest(&st);
    d[31] &= 0x3f;
    d
}

/// Hashes every adjacent pair of 32-byte nodes in `input` into `output` (one tree row; len(output) = len(input)/2).
pub fn hash_row(input: &[u8], output: &mut [u8]) {
    assert_eq!(input.len(), output.len() * 2);
    let mut block = [0u8; 128];
    block[64..].copy_from_slice(&PAD_64);
    for (pair, out) in input.chunks_exact(64).zip(output.chunks_exact_mut(32)) {
        block[..64].copy_from_slice(pair);
        let mut st = IV;
        compress(&mut st, &block);
        out.copy_from_slice(&digest(&st));
        out[31] &= 0x3f;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fips_180_4_vectors() {
        assert_eq!(hex::encode(sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(hex::encode(sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(
            hex::encode(sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(
            hex::encode(sha256(
                b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
            )),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        );
        let mut h = Sha256::new();
        let chunk = [b'a'; 1000];
        for _ in 0..1000 {
            h.update(&chunk);
        }
        assert_eq!(hex::encode(h.finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }

    /// xorshift, so the comparison covers many block counts without a crate.
    fn rand_bytes(seed: &mut u64, n: usize) -> Vec<u8> {
        (0..n)
            .map(|_| {
                *seed ^= *seed << 13;
                *seed ^= *seed >> 7;
                *seed ^= *seed << 17;
                *seed as u8
            })
            .collect()
    }

    #[test]
    fn sha_ni_matches_portable_on_random_input() {
        #[cfg(target_arch = "x86_64")]
        {
            if !(is_x86_feature_detected!("sha") && is_x86_feature_detected!("sse4.1")) {
                eprintln!("no SHA-NI on this CPU: only the portable path is tested");
                return;
            }
            let mut seed = 0x9e3779b97f4a7c15;
            for n in 1..=40 {
                let data = rand_bytes(&mut seed, 64 * n);
                let mut a = IV;
                let mut b = IV;
                a[n % 8] ^= n as u32; // also vary the starting state
                b[n % 8] ^= n as u32;
                compress_portable(&mut a, &data);
                unsafe { compress_shani(&mut b, &data) };
                assert_eq!(a, b, "{n} blocks");
            }
        }
    }

    #[test]
    fn indexed_compression_matches_the_blocks_laid_out_in_order() {
        let mut seed = 7;
        let data = rand_bytes(&mut seed, 9 * 64);
        let order = [0u8, 1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 8];
        let laid_out: Vec<u8> = order.iter().flat_map(|&i| data[i as usize * 64..i as usize * 64 + 64].to_vec()).collect();
        let mut want = IV;
        compress_portable(&mut want, &laid_out);
        let mut got = IV;
        compress_indexed(&mut got, &data, &order);
        assert_eq!(got, want);
    }

    #[test]
    fn incremental_updates_match_one_shot() {
        let mut seed = 42;
        let data = rand_bytes(&mut seed, 1000);
        for split in [0, 1, 55, 56, 63, 64, 65, 127, 999] {
            let mut h = Sha256::new();
            h.update(&data[..split]);
            h.update(&data[split..]);
            assert_eq!(h.finish(), sha256(&data), "split {split}");
        }
        let l = [1u8; 32];
        let r = [2u8; 32];
        let mut both = [0u8; 64];
        both[..32].copy_from_slice(&l);
        both[32..].copy_from_slice(&r);
        assert_eq!(hash_pair(&l, &r), sha254(&both));
    }
}
