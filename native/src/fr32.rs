//! fr32 padding (`fr32/src/reader.rs`): every 127 input bytes, read as one little-endian 1016-bit integer, become
//! four 32-byte little-endian words of 254 bits each, so every 32-byte node is a valid BLS12-381 field element.

pub const UNPADDED_CHUNK: usize = 127;
pub const PADDED_CHUNK: usize = 128;

/// Word k of a chunk starts at bit 254k of the input: byte 254k/8, bit 254k%8.
const OFFSETS: [(usize, u32); 4] = [(0, 0), (31, 6), (63, 4), (95, 2)];

/// Pads one 127-byte chunk into 128 bytes.
#[inline]
pub fn pad_chunk(input: &[u8], out: &mut [u8]) {
    debug_assert!(input.len() == UNPADDED_CHUNK && out.len() == PADDED_CHUNK);
    for (k, &(b, s)) in OFFSETS.iter().enumerate() {
        let w = &mut out[32 * k..32 * k + 32];
        for j in 0..32 {
            let lo = input[b + j] as u16;
            let hi = if b + j + 1 < UNPADDED_CHUNK { input[b + j + 1] as u16 } else { 0 };
            w[j] = (((hi << 8) | lo) >> s) as u8;
        }
        w[31] &= 0x3f;
    }
}

/// Unpads one 128-byte chunk into 127 bytes (the top two bits of every word are ignored).
#[inline]
pub fn unpad_chunk(input: &[u8], out: &mut [u8]) {
    debug_assert!(input.len() == PADDED_CHUNK && out.len() == UNPADDED_CHUNK);
    out.fill(0);
    for (k, &(b, s)) in OFFSETS.iter().enumerate() {
        let w = &input[32 * k..32 * k + 32];
        for j in 0..32 {
            let v = if j == 31 { w[j] & 0x3f } else { w[j] } as u16;
            let v = v << s;
            out[b + j] |= v as u8;
            if b + j + 1 < UNPADDED_CHUNK {
                out[b + j + 1] |= (v >> 8) as u8;
            }
        }
    }
}

/// Pads a whole buffer (length a multiple of 127) into `out` (length × 128/127).
pub fn pad(input: &[u8], out: &mut [u8]) {
    assert!(input.len() % UNPADDED_CHUNK == 0 && out.len() == input.len() / UNPADDED_CHUNK * PADDED_CHUNK);
    for (i, o) in input.chunks_exact(UNPADDED_CHUNK).zip(out.chunks_exact_mut(PADDED_CHUNK)) {
        pad_chunk(i, o);
    }
}

/// Unpads a whole buffer (length a multiple of 128) into `out` (length × 127/128).
pub fn unpad(input: &[u8], out: &mut [u8]) {
    assert!(input.len() % PADDED_CHUNK == 0 && out.len() == input.len() / PADDED_CHUNK * UNPADDED_CHUNK);
    for (i, o) in input.chunks_exact(PADDED_CHUNK).zip(out.chunks_exact_mut(UNPADDED_CHUNK)) {
        unpad_chunk(i, o);
    }
}

pub fn to_padded_size(unpadded: u64) -> u64 {
    unpadded + unpadded / 127
}

pub fn to_unpadded_size(padded: u64) -> u64 {
    padded - padded / 128
}

/// A valid piece size is 127·2^k unpadded (a power of two ≥ 128 padded).
pub fn is_valid_unpadded_piece_size(unpadded: u64) -> bool {
    unpadded >= 127 && unpadded % 127 == 0 && (unpadded / 127).is_power_of_two()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_bit_exact_and_round_trips() {
        // All ones: every word keeps 254 one bits, top two cleared.
        let mut out = [0u8; 128];
        pad_chunk(&[0xff; 127], &mut out);
        for k in 0..4 {
            assert!(out[32 * k..32 * k + 31].iter().all(|&b| b == 0xff));
            assert_eq!(out[32 * k + 31], 0x3f);
        }
        // A single bit at input bit 254 lands at bit 0 of word 1.
        let mut inp = [0u8; 127];
        inp[31] = 0x40;
        pad_chunk(&inp, &mut out);
        assert_eq!(out[32], 1);
        assert_eq!(out.iter().map(|b| b.count_ones()).sum::<u32>(), 1);
        // Round trip on pseudo-random data.
        let mut seed = 7u32;
        let data: Vec<u8> = (0..127 * 8)
            .map(|_| {
                seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
                (seed >> 16) as u8
            })
            .collect();
        let mut padded = vec![0u8; 128 * 8];
        pad(&data, &mut padded);
        assert!(padded.chunks(32).all(|w| w[31] & 0xc0 == 0));
        let mut back = vec![0u8; 127 * 8];
        unpad(&padded, &mut back);
        assert_eq!(back, data);
    }

    #[test]
    fn sizes() {
        assert_eq!(to_padded_size(2032), 2048);
        assert_eq!(to_unpadded_size(34359738368), 34091302912);
        assert!(is_valid_unpadded_piece_size(127) && is_valid_unpadded_piece_size(254));
        assert!(!is_valid_unpadded_piece_size(128) && !is_valid_unpadded_piece_size(381));
    }
}
