//! Piece commitments: the SHA254 binary tree root over fr32-padded data (CommP, and CommD over a whole sector),
//! zero-piece commitments, CommD from a list of pieces, and the piece CID string lotus prints.

use crate::fr32;
use crate::sha256::{hash_pair, hash_row};
use std::io::Read;
use std::sync::OnceLock;

/// z[l] = root of 2^l all-zero 32-byte leaves (32·2^l bytes). l = 0..=40 covers 32 B to 32 TiB.
pub fn zero_comm(level: u32) -> [u8; 32] {
    static Z: OnceLock<Vec<[u8; 32]>> = OnceLock::new();
    let z = Z.get_or_init(|| {
        let mut v = vec![[0u8; 32]];
        for l in 1..=40 {
            let p = v[l - 1];
            v.push(hash_pair(&p, &p));
        }
        v
    });
    z[level as usize]
}

/// The zero commitment of a padded size (a power of two ≥ 32).
pub fn zero_comm_for_size(padded: u64) -> [u8; 32] {
    assert!(padded.is_power_of_two() && padded >= 32);
    zero_comm(padded.trailing_zeros() - 5)
}

/// Root of a full tree whose leaves are `data` (length 32·2^k); `scratch` is reused across calls.
pub fn subtree_root(data: &[u8], scratch: &mut Vec<u8>) -> [u8; 32] {
    let n = data.len() / 32;
    assert!(n.is_power_of_two() && data.len() % 32 == 0);
    if n == 1 {
        return data.try_into().unwrap();
    }
    // Row r+1 goes into the first half of the scratch space, row r+2 after it, and so on (total < len(data)).
    scratch.resize(data.len(), 0);
    let half = data.len() / 2;
    hash_row(data, &mut scratch[..half]);
    let (mut start, mut len) = (0, half);
    while len > 32 {
        let (done, rest) = scratch.split_at_mut(start + len);
        hash_row(&done[start..], &mut rest[..len / 2]);
        start += len;
        len /= 2;
    }
    let root = &scratch[start..start + 32];
    root.try_into().unwrap()
}

/// Incremental SHA254 tree over padded leaves, with the zero tail filled in from the zero table.
pub struct TreeBuilder {
    stack: Vec<(u32, [u8; 32])>,
    leaves: u64,
    scratch: Vec<u8>,
}

impl Default for TreeBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl TreeBuilder {
    pub fn new() -> Self {
        TreeBuilder { stack: Vec::new(), leaves: 0, scratch: Vec::new() }
    }

    pub fn leaves(&self) -> u64 {
        self.leaves
    }

    /// Adds the root of an aligned subtree of 2^level leaves.
    pub fn push_node(&mut self, mut level: u32, mut node: [u8; 32]) {
        debug_assert!(self.leaves % (1u64 << level) == 0, "unaligned subtree");
        self.leaves += 1u64 << level;
        while let Some(&(l, left)) = self.stack.last() {
            if l != level {
                break;
            }
            self.stack.pop();
            node = hash_pair(&left, &node);
            level += 1;
        }
        self.stack.push((level, node));
    }

    /// Adds padded bytes (a multiple of 32), splitting them into aligned power-of-two subtrees.
    pub fn push_padded(&mut self, mut data: &[u8]) {
        assert!(data.len() % 32 == 0);
        let mut scratch = std::mem::take(&mut self.scratch);
        while !data.is_empty() {
            let remaining = (data.len() / 32) as u64;
            let mut size = 1u64 << (63 - remaining.leading_zeros());
            if self.leaves > 0 {
                size = size.min(1u64 << self.leaves.trailing_zeros());
            }
            let (head, tail) = data.split_at(size as usize * 32);
            let root = subtree_root(head, &mut scratch);
            self.push_node(size.trailing_zeros(), root);
            data = tail;
        }
        self.scratch = scratch;
    }

    /// Adds zero leaves up to `total_leaves` (a power of two) and returns the root.
    pub fn finish(mut self, total_leaves: u64) -> [u8; 32] {
        assert!(total_leaves.is_power_of_two() && self.leaves <= total_leaves);
        while self.leaves < total_leaves {
            let remaining = total_leaves - self.leaves;
            let mut size = 1u64 << (63 - remaining.leading_zeros());
            if self.leaves > 0 {
                size = size.min(1u64 << self.leaves.trailing_zeros());
            }
            self.push_node(size.trailing_zeros(), zero_comm(size.trailing_zeros()));
        }
        assert_eq!(self.stack.len(), 1);
        self.stack[0].1
    }
}

/// The unpadded and padded size CommP uses for `n` raw bytes: the next 127·2^k ≥ n.
pub fn piece_sizes_for(n: u64) -> (u64, u64) {
    let mut unpadded = 127u64;
    while unpadded < n {
        unpadded *= 2;
    }
    (unpadded, fr32::to_padded_size(unpadded))
}

/// Result of CommP over raw (unpadded) data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PieceCommitment {
    pub comm_p: [u8; 32],
    pub unpadded_size: u64,
    pub padded_size: u64,
    /// Raw bytes read from the source.
    pub payload_size: u64,
}

/// CommP of everything `reader` yields, zero-padded to the next 127·2^k (as lotus `ClientCalcCommP`).
/// If `piece_unpadded` is given the data is padded to that size instead (it must be large enough).
pub fn commp_reader<R: Read>(reader: &mut R, piece_unpadded: Option<u64>) -> std::io::Result<PieceCommitment> {
    const BATCH: usize = 127 * 8192; // 1 MiB padded
    let mut buf = vec![0u8; BATCH];
    let mut padded = vec![0u8; BATCH / 127 * 128];
    let mut tree = TreeBuilder::new();
    let mut total: u64 = 0;
    loop {
        let mut filled = 0;
        while filled < BATCH {
            match reader.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        if filled == 0 {
            break;
        }
        total += filled as u64;
        if let Some(limit) = piece_unpadded {
            if total > limit {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("data is longer than the piece size {limit}"),
                ));
            }
        }
        let chunks = filled.div_ceil(127);
        buf[filled..chunks * 127].fill(0);
        pad_into(&buf[..chunks * 127], &mut padded[..chunks * 128]);
        tree.push_padded(&padded[..chunks * 128]);
        if filled < BATCH {
            break;
        }
    }
    let (unpadded_size, padded_size) = match piece_unpadded {
        Some(u) => (u, fr32::to_padded_size(u)),
        None => piece_sizes_for(total.max(1)),
    };
    let comm_p = tree.finish(padded_size / 32);
    Ok(PieceCommitment { comm_p, unpadded_size, padded_size, payload_size: total })
}

fn pad_into(input: &[u8], out: &mut [u8]) {
    fr32::pad(input, out)
}

/// CommD from piece infos `(commitment, padded size)` in sector order (`compute_comm_d`): zero pieces fill the
/// alignment gaps and the tail.
pub fn comm_d_from_pieces(sector_size: u64, pieces: &[([u8; 32], u64)]) -> Result<[u8; 32], String> {
    let mut tree = TreeBuilder::new();
    let leaves_per = |padded: u64| padded / 32;
    for (i, (comm, padded)) in pieces.iter().enumerate() {
        if !padded.is_power_of_two() || *padded < 128 {
            return Err(format!("piece_infos[{i}]: padded size {padded} is not a power of two ≥ 128"));
        }
        let n = leaves_per(*padded);
        // Align the piece start to its own size with zero subtrees.
        while tree.leaves() % n != 0 {
            let gap = n - tree.leaves() % n;
            let mut size = 1u64 << (63 - gap.leading_zeros());
            size = size.min(1u64 << tree.leaves().trailing_zeros());
            tree.push_node(size.trailing_zeros(), zero_comm(size.trailing_zeros()));
        }
        tree.push_node(n.trailing_zeros(), *comm);
        if tree.leaves() * 32 > sector_size {
            return Err(format!("piece_infos: pieces exceed the sector size {sector_size} at piece {i}"));
        }
    }
    Ok(tree.finish(sector_size / 32))
}

const B32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

fn base32_lower(data: &[u8]) -> String {
    let mut out = String::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in data {
        acc = (acc << 8) | b as u32;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(B32[((acc >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(B32[((acc << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// CIDv1 string of an unsealed commitment (codec fil-commitment-unsealed 0xf101, multihash
/// sha2-256-trunc254-padded 0x1012), multibase base32 lower case: `baga6ea4sea…`.
pub fn piece_cid(comm: &[u8; 32]) -> String {
    let mut b = Vec::with_capacity(40);
    varint(1, &mut b);
    varint(0xf101, &mut b);
    varint(0x1012, &mut b);
    varint(32, &mut b);
    b.extend_from_slice(comm);
    format!("b{}", base32_lower(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZERO_TABLE: [&str; 30] = [
        "3731bb99ac689f66eef5973e4a94da188f4ddcae580724fc6f3fd60dfd488333",
        "642a607ef886b004bf2c1978463ae1d4693ac0f410eb2d1b7a47fe205e5e750f",
        "57a2381a28652bf47f6bef7aca679be4aede5871ab5cf3eb2c08114488cb8526",
        "1f7ac9595510e09ea41c460b176430bb322cd6fb412ec57cb17d989a4310372f",
        "fc7e928296e516faade986b28f92d44a4f24b935485223376a799027bc18f833",
        "08c47b38ee13bc43f41b915c0eed9911a26086b3ed62401bf9d58b8d19dff624",
        "b2e47bfb11facd941f62af5c750f3ea5cc4df517d5c4f16db2b4d77baec1a32f",
        "f9226160c8f927bfdcc418cdf203493146008eaefb7d02194d5e548189005108",
        "2c1a964bb90b59ebfe0f6da29ad65ae3e417724a8f7c11745a40cac1e5e74011",
        "fee378cef16404b199ede0b13e11b624ff9d784fbbed878d83297e795e024f02",
        "8e9e2403fa884cf6237f60df25f83ee40dca9ed879eb6f6352d15084f5ad0d3f",
        "752d9693fa167524395476e317a98580f00947afb7a30540d625a9291cc12a07",
        "7022f60f7ef6adfa17117a52619e30cea82c68075adf1c667786ec506eef2d19",
        "d99887b973573a96e11393645236c17b1f4c7034d723c7a99f709bb4da61162b",
        "d0b530dbb0b4f25c5d2f2a28dfee808b53412a02931f18c499f5a254086b1326",
        "84c0421ba0685a01bf795a2344064fe424bd52a9d24377b394ff4c4b4568e811",
        "65f29e5d98d246c38b388cfc06db1f6b021303c5a289000bdce832a9c3ec421c",
        "a2247508285850965b7e334b3127b0c042b1d046dc54402137627cd8799ce13a",
        "dafdab6da9364453c26d33726b9fefe343be8f81649ec009aad3faff50617508",
        "d941d5e0d6314a995c33ffbd4fbe69118d73d4e5fd2cd31f0f7c86ebdd14e706",
        "514c435c3d04d349a5365fbd59ffc713629111785991c1a3c53af22079741a2f",
        "ad06853969d37d34ff08e09f56930a4ad19a89def60cbfee7e1d3381c1e71c37",
        "39560e7b13a93b07a243fd2720ffa7cb3e1d2e505ab3629e79f46313512cda06",
        "ccc3c012f5b05e811a2bbfdd0f6833b84275b47bf229c0052a82484f3c1a5b3d",
        "7df29b69773199e8f2b40b77919d048509eed768e2c7297b1f1437034fc3c62c",
        "66ce05a3667552cf45c02bcc4e8392919bdeac35de2ff56271848e9f7b675107",
        "d8610218425ab5e95b1ca6239d29a2e420d706a96f373e2f9c9a91d759d19b01",
        "6d364b1ef846441a5a4a68862314acc0a46f016717e53443e839eedf83c2853c",
        "077e5fde35c50a9303a55009e3498a4ebedff39c42b710b730d8ec7ac7afa63e",
        "e64005a6bfe3777953b8ad6ef93f0fca1049b2041654f2a411f7702799cece02",
    ];

    #[test]
    fn zero_commitments_128_b_to_64_gib() {
        assert_eq!(hex::encode(&zero_comm_for_size(64)), "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb0b");
        for (i, want) in ZERO_TABLE.iter().enumerate() {
            assert_eq!(hex::encode(&zero_comm_for_size(128u64 << i)), *want, "size {}", 128u64 << i);
        }
        // And the tree over real zero bytes agrees with the table.
        let zeros = vec![0u8; 4096];
        let c = commp_reader(&mut &zeros[..4064], None).unwrap();
        assert_eq!((c.unpadded_size, c.padded_size), (4064, 4096));
        assert_eq!(hex::encode(&c.comm_p), ZERO_TABLE[5]);
    }

    #[test]
    fn commp_of_0xcc_files() {
        let table: [(usize, u64, &str); 18] = [
            (96, 128, "7b0927471513af679f864b36c4aa9f7091f7c7dff736c6cfbb3eea7878658907"),
            (126, 128, "0784fcf186d966a1f9448692b2c743936c3c3a0ca3fcd173e72b17d904bc9033"),
            (127, 128, "c2ac699bb26693c01abe4a93551de64fd72b45404fb7320c416705dde7b2a426"),
            (192, 256, "abfd9a97a3cc80f3586d197638a918a12ec57fda84b9e31f65678db7ca4bfb2a"),
            (253, 256, "bf2c61c00a741051dfae1076742c4987714cd4e5b5954d3af59719fb06677427"),
            (254, 256, "a45c39cffb4c4b4f1243108d0b324eca33fa8339779e3605748c117d7027c028"),
            (255, 512, "6f888ba771a45828d441d53b06aba779e63d5a7d5cd6e8f18b40f98f079a8b3d"),
            (256, 512, "8f8b636d950c4a07e2deacf520be743d17a1abb739d34769583258e27251df34"),
            (384, 512, "725d6c6e4208c82308c0797c9bf0d50ed543b4a33990ee02a282f6c88309bf2e"),
            (507, 512, "46d4fd60b1d12616906810bc597c54ad39b6a9523d7f9bcaa07f38b4ca813b13"),
            (508, 512, "1f0941a3d1751ecffcce60f745e11bad682e7bc095415f301cc53dc5dacfc111"),
            (509, 1024, "3c848025e1e33c303ea6b6873d633ad201fa511325126a71b23f5f43bfc79521"),
            (512, 1024, "e4801dd6a498325ab21e0924376a4d89d1b233fba99a25138a9fecbf87dd4f1f"),
            (768, 1024, "1f5eb7060397fab25d12945aa69eb62546d3fe3bb20c78ec182f0a4d16febb3d"),
            (1015, 1024, "c323091527633bc65aa5a638c8bcbcc0f24121e6ef5328236822df5bb066a408"),
            (1016, 1024, "9b98a350e9bf823839be1841164653d2fa86048b3311c2006cd4f0575191203a"),
            (1017, 2048, "5db7ae0f60e6aacdb94414e4b3900c16c525cd00b8572716179e783f91b3eb31"),
            (1024, 2048, "35bda7349a389924a71fcf1c075ca3c5e026f0e9c1f7ce73de37dce2716e4a39"),
        ];
        for (n, padded, want) in table {
            let data = vec![0xccu8; n];
            let c = commp_reader(&mut &data[..], None).unwrap();
            assert_eq!(c.padded_size, padded, "n={n}");
            assert_eq!(hex::encode(&c.comm_p), want, "n={n}");
        }
    }

    #[test]
    fn commp_across_batches_matches_a_flat_tree() {
        // 3 MiB of patterned data crosses several 1 MiB batches and a partial one.
        let n = 127 * 8192 * 2 + 5000;
        let data: Vec<u8> = (0..n).map(|i| (i * 31 % 251) as u8).collect();
        let c = commp_reader(&mut &data[..], None).unwrap();
        let (u, p) = piece_sizes_for(n as u64);
        let mut raw = data.clone();
        raw.resize(u as usize, 0);
        let mut padded = vec![0u8; p as usize];
        fr32::pad(&raw, &mut padded);
        let mut scratch = Vec::new();
        assert_eq!(c.comm_p, subtree_root(&padded, &mut scratch));
    }

    #[test]
    fn comm_d_from_pieces_pads_gaps_and_tail() {
        // A 128 B piece then a 512 B piece in a 2 KiB sector: a 384 B zero gap, then zeros to the end.
        let mut sector = vec![0u8; 2048];
        for (i, b) in sector[..128].iter_mut().enumerate() {
            *b = (i % 63) as u8;
        }
        for (i, b) in sector[512..1024].iter_mut().enumerate() {
            *b = (i % 61) as u8;
        }
        let mut s = Vec::new();
        let p1 = subtree_root(&sector[..128], &mut s);
        let p2 = subtree_root(&sector[512..1024], &mut s);
        let want = subtree_root(&sector, &mut s);
        assert_eq!(comm_d_from_pieces(2048, &[(p1, 128), (p2, 512)]).unwrap(), want);
        assert_eq!(comm_d_from_pieces(2048, &[]).unwrap(), zero_comm_for_size(2048));
        assert!(comm_d_from_pieces(2048, &[(p1, 4096)]).is_err());
    }

    #[test]
    fn piece_cid_prefix_as_lotus_prints_it() {
        // The zero piece of 2 KiB: lotus prints baga6ea4seaqpy7usqklokfx2vxuynmupslkeutzexe2uqurdg5vhtebhxqmpqmy.
        assert_eq!(
            piece_cid(&zero_comm_for_size(2048)),
            "baga6ea4seaqpy7usqklokfx2vxuynmupslkeutzexe2uqurdg5vhtebhxqmpqmy"
        );
    }
}
