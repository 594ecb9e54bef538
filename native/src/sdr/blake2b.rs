//! BLAKE2b-512 (RFC 7693), unkeyed, for the short messages of the SDR Feistel round function.

const IV: [u64; 8] = [
    0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1, 0x510e527fade682d1,
    0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
];

const SIGMA: [[usize; 16]; 12] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
];

#[inline(always)]
fn g(v: &mut [u64; 16], a: usize, b: usize, c: usize, d: usize, x: u64, y: u64) {
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(x);
    v[d] = (v[d] ^ v[a]).rotate_right(32);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(24);
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(y);
    v[d] = (v[d] ^ v[a]).rotate_right(16);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(63);
}

fn compress(h: &mut [u64; 8], block: &[u8; 128], t: u128, last: bool) {
    let mut m = [0u64; 16];
    for (w, c) in m.iter_mut().zip(block.chunks_exact(8)) {
        *w = u64::from_le_bytes(c.try_into().unwrap());
    }
    compress_words(h, &m, t, last);
}

#[inline(always)]
fn compress_words(h: &mut [u64; 8], m: &[u64; 16], t: u128, last: bool) {
    let mut v = [0u64; 16];
    v[..8].copy_from_slice(h);
    v[8..].copy_from_slice(&IV);
    v[12] ^= t as u64;
    v[13] ^= (t >> 64) as u64;
    if last {
        v[14] = !v[14];
    }
    // Fully unrolled so every message index is a constant (the SIGMA loop left dynamic indexing in the hot path).
    macro_rules! round {
        ($r:expr) => {{
            const S: [usize; 16] = SIGMA[$r];
            g(&mut v, 0, 4, 8, 12, m[S[0]], m[S[1]]);
            g(&mut v, 1, 5, 9, 13, m[S[2]], m[S[3]]);
            g(&mut v, 2, 6, 10, 14, m[S[4]], m[S[5]]);
            g(&mut v, 3, 7, 11, 15, m[S[6]], m[S[7]]);
            g(&mut v, 0, 5, 10, 15, m[S[8]], m[S[9]]);
            g(&mut v, 1, 6, 11, 12, m[S[10]], m[S[11]]);
            g(&mut v, 2, 7, 8, 13, m[S[12]], m[S[13]]);
            g(&mut v, 3, 4, 9, 14, m[S[14]], m[S[15]]);
        }};
    }
    round!(0);
    round!(1);
    round!(2);
    round!(3);
    round!(4);
    round!(5);
    round!(6);
    round!(7);
    round!(8);
    round!(9);
    round!(10);
    round!(11);
    for i in 0..8 {
        h[i] ^= v[i] ^ v[i + 8];
    }
}

/// The Feistel round's hash: BLAKE2b-512 of `u64_be(a) ‖ u64_be(b)`, first 8 digest bytes read big-endian.
/// Specialised so the 14 zero message words fold away (the parent cache spends most of its time here).
pub fn blake2b_512_be_u64_pair(a: u64, b: u64) -> u64 {
    let mut h = IV;
    h[0] ^= 0x0101_0000 ^ 64;
    let mut m = [0u64; 16];
    m[0] = a.swap_bytes();
    m[1] = b.swap_bytes();
    compress_words(&mut h, &m, 16, true);
    h[0].swap_bytes()
}

/// Unkeyed BLAKE2b with a 64-byte digest.
pub fn blake2b_512(data: &[u8]) -> [u8; 64] {
    let mut h = IV;
    h[0] ^= 0x0101_0000 ^ 64;
    let mut t: u128 = 0;
    let mut rest = data;
    while rest.len() > 128 {
        t += 128;
        compress(&mut h, rest[..128].try_into().unwrap(), t, false);
        rest = &rest[128..];
    }
    let mut block = [0u8; 128];
    block[..rest.len()].copy_from_slice(rest);
    t += rest.len() as u128;
    compress(&mut h, &block, t, true);
    let mut out = [0u8; 64];
    for (o, w) in out.chunks_exact_mut(8).zip(h) {
        o.copy_from_slice(&w.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn specialised_pair_hash_matches_the_general_one() {
        for (a, b) in [(0u64, 0u64), (1, 2), (u64::MAX, 0x0123456789abcdef)] {
            let mut data = a.to_be_bytes().to_vec();
            data.extend_from_slice(&b.to_be_bytes());
            let d = super::blake2b_512(&data);
            assert_eq!(super::blake2b_512_be_u64_pair(a, b), u64::from_be_bytes(d[..8].try_into().unwrap()));
        }
    }

    #[test]
    fn rfc_7693_abc() {
        let d = super::blake2b_512(b"abc");
        assert_eq!(
            hex::encode(&d),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"
        );
        assert_eq!(
            hex::encode(&super::blake2b_512(b"")),
            "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce"
        );
    }
}
