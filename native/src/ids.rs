//! Registered proofs and the ids derived from them: the seal-proof table (ids 0..19 with sector size, layers,
//! nodes, API version), porep_id, prover_id from an actor id, replica_id, and the PoSt proof names per size.

use crate::sha256::Sha256;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Graph rules differ only between ApiVersion 1.0.0 ("legacy", ids 0..4) and everything later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiVersion {
    V1_0_0,
    V1_1_0,
    V1_2_0,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    None,
    SyntheticPoRep,
    NonInteractivePoRep,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SealProof {
    /// rust-filecoin-proofs-api `RegisteredSealProof` variant name, as serde writes it.
    pub name: &'static str,
    pub id: u64,
    pub sector_size: u64,
    pub api: ApiVersion,
    pub feature: Feature,
}

pub const SIZES: [(u64, &str); 5] = [
    (2 << 10, "2KiB"),
    (8 << 20, "8MiB"),
    (512 << 20, "512MiB"),
    (32 << 30, "32GiB"),
    (64 << 30, "64GiB"),
];

macro_rules! row {
    ($name:literal, $id:expr, $size:expr, $api:ident, $f:ident) => {
        SealProof { name: $name, id: $id, sector_size: $size, api: ApiVersion::$api, feature: Feature::$f }
    };
}

pub const SEAL_PROOFS: [SealProof; 20] = [
    row!("StackedDrg2KiBV1", 0, 2 << 10, V1_0_0, None),
    row!("StackedDrg8MiBV1", 1, 8 << 20, V1_0_0, None),
    row!("StackedDrg512MiBV1", 2, 512 << 20, V1_0_0, None),
    row!("StackedDrg32GiBV1", 3, 32 << 30, V1_0_0, None),
    row!("StackedDrg64GiBV1", 4, 64 << 30, V1_0_0, None),
    row!("StackedDrg2KiBV1_1", 5, 2 << 10, V1_1_0, None),
    row!("StackedDrg8MiBV1_1", 6, 8 << 20, V1_1_0, None),
    row!("StackedDrg512MiBV1_1", 7, 512 << 20, V1_1_0, None),
    row!("StackedDrg32GiBV1_1", 8, 32 << 30, V1_1_0, None),
    row!("StackedDrg64GiBV1_1", 9, 64 << 30, V1_1_0, None),
    row!("StackedDrg2KiBV1_1_Feat_SyntheticPoRep", 10, 2 << 10, V1_2_0, SyntheticPoRep),
    row!("StackedDrg8MiBV1_1_Feat_SyntheticPoRep", 11, 8 << 20, V1_2_0, SyntheticPoRep),
    row!("StackedDrg512MiBV1_1_Feat_SyntheticPoRep", 12, 512 << 20, V1_2_0, SyntheticPoRep),
    row!("StackedDrg32GiBV1_1_Feat_SyntheticPoRep", 13, 32 << 30, V1_2_0, SyntheticPoRep),
    row!("StackedDrg64GiBV1_1_Feat_SyntheticPoRep", 14, 64 << 30, V1_2_0, SyntheticPoRep),
    row!("StackedDrg2KiBV1_2_Feat_NonInteractivePoRep", 15, 2 << 10, V1_2_0, NonInteractivePoRep),
    row!("StackedDrg8MiBV1_2_Feat_NonInteractivePoRep", 16, 8 << 20, V1_2_0, NonInteractivePoRep),
    row!("StackedDrg512MiBV1_2_Feat_NonInteractivePoRep", 17, 512 << 20, V1_2_0, NonInteractivePoRep),
    row!("StackedDrg32GiBV1_2_Feat_NonInteractivePoRep", 18, 32 << 30, V1_2_0, NonInteractivePoRep),
    row!("StackedDrg64GiBV1_2_Feat_NonInteractivePoRep", 19, 64 << 30, V1_2_0, NonInteractivePoRep),
];

impl SealProof {
    pub fn by_name(name: &str) -> Option<SealProof> {
        SEAL_PROOFS.iter().find(|p| p.name == name).copied()
    }

    pub fn by_id(id: u64) -> Option<SealProof> {
        SEAL_PROOFS.get(id as usize).copied()
    }

    pub fn is_legacy(&self) -> bool {
        self.api == ApiVersion::V1_0_0
    }

    pub fn nodes(&self) -> u64 {
        self.sector_size / 32
    }

    pub fn layers(&self) -> usize {
        layers_for_size(self.sector_size)
    }

    pub fn size_name(&self) -> &'static str {
        size_name(self.sector_size)
    }

    /// The shape key rust-fil-proofs uses in PC1/C1 outputs (`StackedDrg2KiBV1` also for V1_1 types).
    pub fn shape_key(&self) -> String {
        format!("StackedDrg{}V1", self.size_name())
    }

    pub fn porep_id(&self) -> [u8; 32] {
        porep_id(self.id)
    }

    /// Unpadded bytes a sector holds.
    pub fn unpadded_sector_size(&self) -> u64 {
        self.sector_size - self.sector_size / 128
    }

    /// Interactive PoRep partitions.
    pub fn partitions(&self) -> usize {
        if self.sector_size >= 32 << 30 {
            10
        } else {
            1
        }
    }

    /// The window PoSt proof names damocles asks for with this seal type (winning, window V1, window V1_2).
    pub fn post_proofs(&self) -> [String; 3] {
        let s = self.size_name();
        [format!("StackedDrgWinning{s}V1"), format!("StackedDrgWindow{s}V1"), format!("StackedDrgWindow{s}V1_2")]
    }
}

/// On the wire a seal proof is its variant name, as serde writes rust-filecoin-proofs-api's `RegisteredSealProof`.
impl Serialize for SealProof {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name)
    }
}

/// Reads a task's `registered_proof`/`seal_proof_type`: the variant name or, leniently, the numeric id.
impl<'de> Deserialize<'de> for SealProof {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct NameOrId;
        impl Visitor<'_> for NameOrId {
            type Value = SealProof;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a registered seal proof name")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<SealProof, E> {
                SealProof::by_name(s).ok_or_else(|| {
                    E::custom(format!("unknown registered seal proof {s:?} (expected e.g. \"StackedDrg2KiBV1_1\")"))
                })
            }
            fn visit_u64<E: de::Error>(self, id: u64) -> Result<SealProof, E> {
                SealProof::by_id(id).ok_or_else(|| E::custom(format!("unknown registered seal proof id {id}")))
            }
        }
        d.deserialize_any(NameOrId)
    }
}

/// A PoSt proof name on the wire (`StackedDrgWindow2KiBV1_2`), read as the sector size it proves.
pub fn deserialize_post_sector_size<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let name = String::deserialize(d)?;
    post_proof_sector_size(&name).ok_or_else(|| {
        de::Error::custom(format!("unknown PoSt proof {name:?} (expected e.g. \"StackedDrgWindow2KiBV1_2\")"))
    })
}

pub fn size_name(sector_size: u64) -> &'static str {
    SIZES.iter().find(|(s, _)| *s == sector_size).map(|(_, n)| *n).unwrap_or("?")
}

/// SDR layers: 2 for the test sizes (≤ 512 MiB), 11 for 32/64 GiB.
pub fn layers_for_size(sector_size: u64) -> usize {
    if sector_size >= 32 << 30 {
        11
    } else {
        2
    }
}

/// The sector size a PoSt proof name refers to (`StackedDrgWindow32GiBV1_2` -> 32 GiB).
pub fn post_proof_sector_size(name: &str) -> Option<u64> {
    let rest = name.strip_prefix("StackedDrgWindow").or_else(|| name.strip_prefix("StackedDrgWinning"))?;
    SIZES.iter().find(|(_, n)| rest.starts_with(n) && rest[n.len()..].starts_with('V')).map(|(s, _)| *s)
}

/// porep_id = u64_le(id) ‖ u64_le(nonce 0) ‖ 16 zero bytes.
pub fn porep_id(id: u64) -> [u8; 32] {
    let mut p = [0u8; 32];
    p[..8].copy_from_slice(&id.to_le_bytes());
    p
}

/// prover_id from an actor id: the ID address payload (unsigned LEB128) zero-padded to 32 bytes.
pub fn prover_id(actor: u64) -> [u8; 32] {
    let mut p = [0u8; 32];
    let mut v = actor;
    let mut i = 0;
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            p[i] = b;
            break;
        }
        p[i] = b | 0x80;
        i += 1;
    }
    p
}

/// replica_id = SHA254(prover_id ‖ u64_be(sector_id) ‖ ticket ‖ comm_d ‖ porep_id).
pub fn replica_id(prover_id: &[u8; 32], sector_id: u64, ticket: &[u8; 32], comm_d: &[u8; 32], porep_id: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prover_id);
    h.update(&sector_id.to_be_bytes());
    h.update(ticket);
    h.update(comm_d);
    h.update(porep_id);
    let mut d = h.finish();
    d[31] &= 0x3f;
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        for (i, p) in SEAL_PROOFS.iter().enumerate() {
            assert_eq!(p.id as usize, i);
            assert_eq!(SealProof::by_name(p.name), Some(*p));
            assert_eq!(p.sector_size, SIZES[i % 5].0);
            assert_eq!(p.is_legacy(), i < 5);
        }
        let p = SealProof::by_name("StackedDrg32GiBV1_1").unwrap();
        assert_eq!((p.id, p.layers(), p.nodes(), p.partitions()), (8, 11, 1 << 30, 10));
        assert_eq!(p.shape_key(), "StackedDrg32GiBV1");
        assert_eq!(SealProof::by_name("StackedDrg2KiBV1_1").unwrap().layers(), 2);
        assert_eq!(p.post_proofs()[2], "StackedDrgWindow32GiBV1_2");
        assert_eq!(post_proof_sector_size("StackedDrgWindow512MiBV1_2"), Some(512 << 20));
        assert_eq!(post_proof_sector_size("StackedDrgWindow5MiBV1"), None);
        let read = |v: serde_json::Value| crate::json::from_value::<SealProof>(&v);
        assert_eq!(read("StackedDrg2KiBV1_1".into()), Ok(SEAL_PROOFS[5]));
        assert_eq!(read(8.into()), Ok(p));
        assert!(read("StackedDrg4KiBV1".into()).unwrap_err().contains("unknown registered seal proof \"StackedDrg4KiBV1\""));
        assert!(read(20.into()).unwrap_err().contains("unknown registered seal proof id 20"));
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"StackedDrg32GiBV1_1\"");
    }

    #[test]
    fn porep_and_prover_ids() {
        let p = porep_id(8);
        assert_eq!(p[0], 8);
        assert!(p[1..].iter().all(|&b| b == 0));
        let pr = prover_id(1000);
        assert_eq!(&pr[..3], &[0xe8, 0x07, 0x00]);
        assert_eq!(prover_id(0)[0], 0);
        assert_eq!(&prover_id(300)[..2], &[0xac, 0x02]);
    }

    #[test]
    fn replica_id_hashes_the_136_byte_message() {
        let mut msg = Vec::new();
        msg.extend_from_slice(&[1u8; 32]);
        msg.extend_from_slice(&7u64.to_be_bytes());
        msg.extend_from_slice(&[2u8; 32]);
        msg.extend_from_slice(&[3u8; 32]);
        msg.extend_from_slice(&porep_id(5));
        assert_eq!(msg.len(), 136);
        assert_eq!(replica_id(&[1; 32], 7, &[2; 32], &[3; 32], &porep_id(5)), crate::sha256::sha254(&msg));
    }
}
