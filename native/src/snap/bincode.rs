//! `PartitionProofBytes`: a partition proof in bincode 1 (default options: little-endian, fixed-width integers,
//! u64 lengths, u32 enum tags, `usize` as u64), the bytes filecoin-proofs-api's `generate_partition_proofs`
//! returns and damocles passes to snap_prove as `vannilla_proofs`. Serde's field order of the Rust types:
//!
//! ```text
//! PartitionProof { comm_c: [32], apex_leafs: Vec<[32]>, challenge_proofs: Vec<ChallengeProof> }
//! ChallengeProof { proof_r_old: MerkleProof, proof_d_new: MerkleProof, proof_r_new: MerkleProof }
//! MerkleProof { data: ProofData }  ProofData = Single(0) | Sub(1) | Top(2)
//!   Single { root, leaf, path: Vec<PathElement> }
//!   Sub    { base_proof: Vec<PathElement>, sub_proof: Vec<PathElement>, root, leaf }
//!   Top    { base_proof, sub_proof, top_proof, root, leaf }
//! PathElement { hashes: Vec<[32]>, index: u64 }
//! ```
//! (a domain is its 32-byte repr, a fixed array without length; PhantomData fields take no bytes.)

use super::proof::{ChallengeProof, PartitionProof, TreeDProof};
use crate::field::Fr;
use crate::merkle::{MerkleProof, PathElement};

struct W(Vec<u8>);

impl W {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn b32(&mut self, b: &[u8; 32]) {
        self.0.extend_from_slice(b);
    }
    fn path(&mut self, elems: &[PathElement]) {
        self.u64(elems.len() as u64);
        for e in elems {
            self.u64(e.hashes.len() as u64);
            for h in &e.hashes {
                self.b32(&h.to_bytes());
            }
            self.u64(e.index as u64);
        }
    }
    fn tree_r(&mut self, p: &MerkleProof) {
        let (base, extra) = p.path.split_at(p.base_len);
        match extra.len() {
            0 => {
                self.u32(0);
                self.b32(&p.root.to_bytes());
                self.b32(&p.leaf.to_bytes());
                self.path(base);
            }
            n => {
                self.u32(if n == 1 { 1 } else { 2 });
                self.path(base);
                self.path(&extra[..1]);
                if n > 1 {
                    self.path(&extra[1..]);
                }
                self.b32(&p.root.to_bytes());
                self.b32(&p.leaf.to_bytes());
            }
        }
    }
    fn tree_d(&mut self, p: &TreeDProof) {
        self.u32(0);
        self.b32(&p.root);
        self.b32(&p.leaf);
        self.u64(p.siblings.len() as u64);
        for (s, i) in p.siblings.iter().zip(&p.indices) {
            self.u64(1);
            self.b32(s);
            self.u64(*i as u64);
        }
    }
}

pub fn encode(p: &PartitionProof) -> Vec<u8> {
    let mut w = W(Vec::new());
    w.b32(&p.comm_c.to_bytes());
    w.u64(p.apex_leafs.len() as u64);
    for a in &p.apex_leafs {
        w.b32(a);
    }
    w.u64(p.challenge_proofs.len() as u64);
    for c in &p.challenge_proofs {
        w.tree_r(&c.proof_r_old);
        w.tree_d(&c.proof_d_new);
        w.tree_r(&c.proof_r_new);
    }
    w.0
}

struct R<'a> {
    b: &'a [u8],
    pos: usize,
}

/// Upper bound for any length in a partition proof (86 challenges, 128 apex leaves, 31 tree levels, arity 8).
const MAX_LEN: u64 = 1024;

impl R<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        if self.b.len() - self.pos < n {
            return Err(format!("truncated at byte {} (needs {n} more)", self.pos));
        }
        let s = &self.b[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap()))
    }
    fn len(&mut self, what: &str) -> Result<usize, String> {
        let at = self.pos;
        let n = self.u64()?;
        if n > MAX_LEN {
            return Err(format!("byte {at}: {what} length {n} is implausible"));
        }
        Ok(n as usize)
    }
    fn b32(&mut self) -> Result<[u8; 32], String> {
        Ok(self.take(32)?.try_into().unwrap())
    }
    fn fr(&mut self) -> Result<Fr, String> {
        let at = self.pos;
        Fr::from_bytes(&self.b32()?).ok_or_else(|| format!("byte {at}: not a canonical field element"))
    }
    fn path(&mut self) -> Result<Vec<PathElement>, String> {
        let n = self.len("path")?;
        (0..n)
            .map(|_| {
                let m = self.len("hashes")?;
                let hashes = (0..m).map(|_| self.fr()).collect::<Result<Vec<_>, _>>()?;
                let index = self.u64()? as usize;
                Ok(PathElement { hashes, index })
            })
            .collect()
    }
    fn tree_r(&mut self) -> Result<MerkleProof, String> {
        let at = self.pos;
        match self.u32()? {
            0 => {
                let root = self.fr()?;
                let leaf = self.fr()?;
                let path = self.path()?;
                let base_len = path.len();
                Ok(MerkleProof { root, leaf, path, base_len })
            }
            t @ (1 | 2) => {
                let mut path = self.path()?;
                let base_len = path.len();
                path.extend(self.path()?);
                if t == 2 {
                    path.extend(self.path()?);
                }
                let root = self.fr()?;
                let leaf = self.fr()?;
                Ok(MerkleProof { root, leaf, path, base_len })
            }
            t => Err(format!("byte {at}: unknown ProofData variant {t}")),
        }
    }
    fn tree_d(&mut self) -> Result<TreeDProof, String> {
        let at = self.pos;
        if self.u32()? != 0 {
            return Err(format!("byte {at}: a tree_d proof must be ProofData::Single"));
        }
        let root = self.b32()?;
        let leaf = self.b32()?;
        let n = self.len("tree_d path")?;
        let mut siblings = Vec::with_capacity(n);
        let mut indices = Vec::with_capacity(n);
        for _ in 0..n {
            let at = self.pos;
            if self.u64()? != 1 {
                return Err(format!("byte {at}: a tree_d path element holds exactly one sibling"));
            }
            siblings.push(self.b32()?);
            indices.push(self.u64()? as usize);
        }
        Ok(TreeDProof { root, leaf, siblings, indices })
    }
}

pub fn decode(bytes: &[u8]) -> Result<PartitionProof, String> {
    let mut r = R { b: bytes, pos: 0 };
    let comm_c = r.fr()?;
    let n = r.len("apex_leafs")?;
    let apex_leafs = (0..n).map(|_| r.b32()).collect::<Result<Vec<_>, _>>()?;
    let n = r.len("challenge_proofs")?;
    let mut challenge_proofs = Vec::with_capacity(n);
    for _ in 0..n {
        challenge_proofs.push(ChallengeProof { proof_r_old: r.tree_r()?, proof_d_new: r.tree_d()?, proof_r_new: r.tree_r()? });
    }
    if r.pos != bytes.len() {
        return Err(format!("{} trailing bytes after the partition proof", bytes.len() - r.pos));
    }
    Ok(PartitionProof { comm_c, apex_leafs, challenge_proofs })
}
