//! The vanilla proof bundle: what `c2` returns as `{proof:[u8]}` and what `verify-seal` checks. It is not a SNARK:
//! it carries the vanilla proofs themselves, so anyone holding the public inputs can re-run every check of
//! `verify_seal::verify`.
//!
//! Layout (version 1, all integers little-endian, every field element 32 bytes LE canonical):
//! ```text
//! "SFVB" | u8 version = 1 | u64 registered seal proof id
//! comm_r | comm_d | replica_id | seed | ticket | comm_c | comm_r_last          (7 × 32)
//! u32 partitions, then per partition: u32 challenges, then per challenge:
//!   u64 challenge | comm_d leaf (32) | u8 n | n × 32 SHA254 siblings (leaves first)
//!   merkle(tree_r_last)
//!   u8 columns (15), per column: u64 node | u8 rows | rows × 32 | merkle(tree_c)
//! SHA-256 of everything above (32)
//! merkle = leaf (32) | u8 base levels | u8 levels | per level: u8 index | u8 k | k × 32 siblings
//! ```
//! The root of each path is not stored: it is comm_c / comm_r_last from the header, so every stored byte is
//! either checked by the verifier or covered by the trailing digest, and the decoder rejects trailing bytes.

use crate::field::Fr;
use crate::ids::SealProof;
use crate::merkle::{MerkleProof, PathElement};
use crate::sha256::sha256;
use crate::vanilla::{ChallengeProof, ColumnProof, VanillaSeal};

pub const MAGIC: &[u8; 4] = b"SFVB";
pub const VERSION: u8 = 1;

/// Byte writer shared with the WindowPoSt proof format.
pub(crate) struct W(pub Vec<u8>);

impl W {
    pub fn u8(&mut self, v: usize) {
        assert!(v < 256);
        self.0.push(v as u8);
    }
    pub fn b(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
    pub fn fr(&mut self, f: &Fr) {
        self.b(&f.to_bytes());
    }
    pub fn merkle(&mut self, p: &MerkleProof) {
        self.fr(&p.leaf);
        self.u8(p.base_len);
        self.u8(p.path.len());
        for e in &p.path {
            self.u8(e.index);
            self.u8(e.hashes.len());
            for h in &e.hashes {
                self.fr(h);
            }
        }
    }
}

pub fn encode(v: &VanillaSeal) -> Vec<u8> {
    let mut w = W(Vec::new());
    w.b(MAGIC);
    w.u8(VERSION as usize);
    w.b(&v.proof.id.to_le_bytes());
    for x in [&v.comm_r, &v.comm_d, &v.replica_id, &v.seed, &v.ticket] {
        w.b(x);
    }
    w.fr(&v.comm_c);
    w.fr(&v.comm_r_last);
    w.b(&(v.partitions.len() as u32).to_le_bytes());
    for part in &v.partitions {
        w.b(&(part.len() as u32).to_le_bytes());
        for c in part {
            w.b(&c.challenge.to_le_bytes());
            w.b(&c.comm_d_leaf);
            w.u8(c.comm_d_siblings.len());
            for s in &c.comm_d_siblings {
                w.b(s);
            }
            w.merkle(&c.comm_r_last_proof);
            w.u8(c.columns.len());
            for col in &c.columns {
                w.b(&col.index.to_le_bytes());
                w.u8(col.rows.len());
                for r in &col.rows {
                    w.fr(r);
                }
                w.merkle(&col.proof);
            }
        }
    }
    let digest = sha256(&w.0);
    w.b(&digest);
    w.0
}

/// Bounds-checked reader shared with the WindowPoSt proof format.
pub(crate) struct R<'a> {
    pub b: &'a [u8],
    pub pos: usize,
}

impl R<'_> {
    pub fn take(&mut self, n: usize) -> Result<&[u8], String> {
        if self.pos + n > self.b.len() {
            return Err(format!("bundle truncated at byte {} (needed {n} more)", self.pos));
        }
        let s = &self.b[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    pub fn u8(&mut self) -> Result<usize, String> {
        Ok(self.take(1)?[0] as usize)
    }
    pub fn u32(&mut self) -> Result<usize, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()) as usize)
    }
    pub fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap()))
    }
    pub fn b32(&mut self) -> Result<[u8; 32], String> {
        Ok(self.take(32)?.try_into().unwrap())
    }
    pub fn fr(&mut self) -> Result<Fr, String> {
        let at = self.pos;
        Fr::from_bytes(&self.b32()?).ok_or_else(|| format!("bundle byte {at}: not a canonical field element"))
    }
    pub fn merkle(&mut self, root: Fr) -> Result<MerkleProof, String> {
        let leaf = self.fr()?;
        let base_len = self.u8()?;
        let levels = self.u8()?;
        let mut path = Vec::with_capacity(levels);
        for _ in 0..levels {
            let index = self.u8()?;
            let k = self.u8()?;
            let hashes = (0..k).map(|_| self.fr()).collect::<Result<Vec<_>, _>>()?;
            path.push(PathElement { hashes, index });
        }
        Ok(MerkleProof { root, leaf, path, base_len })
    }
}

pub fn decode(bytes: &[u8]) -> Result<VanillaSeal, String> {
    if bytes.len() < 4 + 1 + 8 + 32 || &bytes[..4] != MAGIC {
        return Err("not a sealfarm vanilla proof bundle (bad magic)".into());
    }
    if bytes[4] != VERSION {
        return Err(format!("bundle version {} is not supported (expected {VERSION})", bytes[4]));
    }
    let (body, digest) = bytes.split_at(bytes.len() - 32);
    if sha256(body) != digest {
        return Err("bundle digest mismatch: the proof bytes were altered".into());
    }
    let mut r = R { b: body, pos: 5 };
    let id = r.u64()?;
    let proof = SealProof::by_id(id).ok_or_else(|| format!("bundle names unknown seal proof id {id}"))?;
    let comm_r = r.b32()?;
    let comm_d = r.b32()?;
    let replica_id = r.b32()?;
    let seed = r.b32()?;
    let ticket = r.b32()?;
    let comm_c = r.fr()?;
    let comm_r_last = r.fr()?;
    let nparts = r.u32()?;
    if nparts > 1000 {
        return Err(format!("bundle claims {nparts} partitions"));
    }
    let mut partitions = Vec::with_capacity(nparts);
    for _ in 0..nparts {
        let n = r.u32()?;
        if n > 10_000 {
            return Err(format!("bundle claims {n} challenges in a partition"));
        }
        let mut part = Vec::with_capacity(n);
        for _ in 0..n {
            let challenge = r.u64()?;
            let comm_d_leaf = r.b32()?;
            let k = r.u8()?;
            let comm_d_siblings = (0..k).map(|_| r.b32()).collect::<Result<Vec<_>, _>>()?;
            let comm_r_last_proof = r.merkle(comm_r_last)?;
            let ncols = r.u8()?;
            let mut columns = Vec::with_capacity(ncols);
            for _ in 0..ncols {
                let index = r.u64()?;
                let nrows = r.u8()?;
                let rows = (0..nrows).map(|_| r.fr()).collect::<Result<Vec<_>, _>>()?;
                let proof = r.merkle(comm_c)?;
                columns.push(ColumnProof { index, rows, proof });
            }
            part.push(ChallengeProof { challenge, comm_d_leaf, comm_d_siblings, comm_r_last_proof, columns });
        }
        partitions.push(part);
    }
    if r.pos != body.len() {
        return Err(format!("bundle has {} unexpected trailing bytes", body.len() - r.pos));
    }
    Ok(VanillaSeal { proof, comm_r, comm_d, replica_id, seed, ticket, comm_c, comm_r_last, partitions })
}
