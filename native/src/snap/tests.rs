//! Vectors and whole-update tests: CC sectors sealed by our pc1/pc2, upgraded with deal data, proven, verified,
//! and tampered with.

use super::bincode;
use super::encode::{self, decode_node, EncodeInputs, Encoded};
use super::params::{Params, UpdateProof};
use super::prove::{self, ProveInputs};
use super::randomness;
use super::verify;
use crate::commp;
use crate::field::Fr;
use crate::fr32;
use serde_json::{json, Value};
use crate::seal_tests::{pseudo_random, seal, Sealed};
use crate::stages;
use std::fs;
use std::path::PathBuf;

/// rand_xorshift's XorShiftRng, to rebuild rust-fil-proofs' random test inputs.
struct XorShift([u32; 4]);

impl XorShift {
    /// storage_proofs_core::TEST_SEED
    fn test_seed() -> XorShift {
        let seed = [0x59u8, 0x62, 0xbe, 0x5d, 0x76, 0x3d, 0x31, 0x8d, 0x17, 0xdb, 0x37, 0x32, 0x54, 0x06, 0xbc, 0xe5];
        let w = |i: usize| u32::from_le_bytes(seed[i * 4..i * 4 + 4].try_into().unwrap());
        XorShift([w(0), w(1), w(2), w(3)])
    }
    fn next_u32(&mut self) -> u32 {
        let [x, y, z, w] = self.0;
        let t = x ^ (x << 11);
        let nw = w ^ (w >> 19) ^ (t ^ (t >> 8));
        self.0 = [y, z, w, nw];
        nw
    }
    fn next_u64(&mut self) -> u64 {
        let lo = self.next_u32() as u64;
        (self.next_u32() as u64) << 32 | lo
    }
    /// blstrs `Scalar::random`: four `next_u64` limbs (little-endian), the top bit masked, retried until canonical.
    fn scalar(&mut self) -> Fr {
        loop {
            let mut l = [0u64; 4];
            for x in l.iter_mut() {
                *x = self.next_u64();
            }
            l[3] &= u64::MAX >> 1;
            if let Some(f) = Fr::from_canonical_limbs(l) {
                return f;
            }
        }
    }
}

#[test]
fn challenges_match_rust_fil_proofs_hardcoded_vectors() {
    // storage-proofs-update/src/challenges.rs `test_challenges_against_hardcoded`: comm_r_new is
    // TreeRDomain::random(XorShiftRng::from_seed(TEST_SEED)), the first 5 challenges per (sector nodes, k).
    let comm_r_new = XorShift::test_seed().scalar();
    let cases: &[(u64, usize, [u64; 5])] = &[
        (1 << 5, 0, [21, 7, 3, 31, 0]),
        (1 << 6, 0, [53, 51, 56, 3, 0]),
        (1 << 7, 0, [117, 25, 62, 0, 72]),
        (1 << 8, 0, [245, 140, 15, 128, 28]),
        (1 << 9, 1, [286, 308, 493, 510, 508]),
        (1 << 10, 1, [542, 666, 955, 927, 911]),
        (1 << 18, 0, [36085, 32783, 44060, 10950, 3731]),
        (1 << 18, 1, [78878, 130797, 112892, 93994, 78379]),
        (1 << 19, 1, [209950, 163702, 175679, 224741, 197410]),
        (1 << 24, 0, [1019125, 116736, 706220, 59698, 799498]),
        (1 << 24, 15, [16388544, 15794686, 16637142, 16319148, 16328348]),
        (1 << 30, 0, [1019125, 27985696, 15282860, 11586600, 44651330]),
        (1 << 30, 14, [990420169, 955146989, 968005601, 976863263, 944650706]),
        (1 << 31, 1, [243386253, 197875851, 204632136, 171516766, 247789010]),
        (1 << 31, 15, [2045262457, 2036941247, 2136653521, 2091356007, 2147167623]),
    ];
    for (nodes, k, want) in cases {
        let p = Params::for_nodes(*nodes).unwrap();
        let got = randomness::challenges(&p, &comm_r_new, *k);
        assert_eq!(&got[..5], want, "nodes {nodes} k {k}");
        assert_eq!(got.len(), p.challenge_count);
        // test_challenge_bucketing: every challenge of partition k lies in the k-th slice
        let slice = nodes / p.partition_count as u64;
        assert!(got.iter().all(|c| c / slice == *k as u64), "nodes {nodes} k {k}");
    }
}

#[test]
fn gen_randomness_hash_is_the_tagged_plain_permutation() {
    let c = crate::poseidon::constants(2);
    let (a, b) = (Fr::from_u64(3), Fr::from_u64(0x1234_5678_9abc));
    let mut state = [Fr::from_u64(1 << 40), a, b];
    c.permute(&mut state);
    assert_eq!(randomness::hash2(&a, &b), state[1]);
    // the tag matters: the Merkle-tagged hash differs
    assert_ne!(randomness::hash2(&a, &b), crate::poseidon::hash(&[a, b]));
}

/// An upgrade of a sealed CC sector: the staged deal data and where snap_encode put its outputs.
struct Upgrade {
    cc: Sealed,
    proof: UpdateProof,
    staged: PathBuf,
    new_replica: PathBuf,
    new_cache: PathBuf,
    pieces: Vec<([u8; 32], u64)>,
    comm_r_old: [u8; 32],
}

/// Seals a CC sector, then stages a deal of half the sector (pseudo-random bytes) followed by zeros.
fn upgrade(seal_name: &str, sector_id: u64) -> Upgrade {
    let cc = seal(seal_name, false, sector_id);
    let proof = UpdateProof::for_seal_proof(&cc.proof);
    let size = proof.sector_size;
    let padded = size / 2;
    let piece = pseudo_random(fr32::to_unpadded_size(padded) as usize, sector_id + 1000);
    let mut staged_bytes = vec![0u8; size as usize];
    fr32::pad(&piece, &mut staged_bytes[..padded as usize]);
    let comm = commp::subtree_root(&staged_bytes[..padded as usize], &mut Vec::new());
    let staged = cc.dir.join("update-staged");
    fs::write(&staged, &staged_bytes).unwrap();
    let new_cache = cc.dir.join("update-cache");
    fs::create_dir_all(&new_cache).unwrap();
    let comm_r_old = cc.comm_r;
    Upgrade {
        proof,
        staged,
        new_replica: cc.dir.join("update"),
        new_cache,
        pieces: vec![(comm, fr32::to_unpadded_size(padded))],
        comm_r_old,
        cc,
    }
}

fn encode_inputs(u: &Upgrade) -> EncodeInputs {
    EncodeInputs {
        proof: u.proof,
        new_replica_path: u.new_replica.clone(),
        new_cache_path: u.new_cache.clone(),
        sector_path: u.cc.sealed.clone(),
        sector_cache_path: u.cc.cache_dir.clone(),
        staged_data_path: u.staged.clone(),
        pieces: u.pieces.clone(),
    }
}

fn prove_inputs(u: &Upgrade, e: &Encoded) -> ProveInputs {
    ProveInputs {
        proof: u.proof,
        comm_r_old: u.comm_r_old,
        comm_r_new: e.comm_r_new,
        comm_d_new: e.comm_d_new,
        sector_path: u.cc.sealed.clone(),
        sector_cache_path: u.cc.cache_dir.clone(),
        replica_path: u.new_replica.clone(),
        replica_cache_path: u.new_cache.clone(),
    }
}

/// Every node of the new replica decodes (rust-fil-proofs `decode_from`) to the staged data.
fn assert_decodes(u: &Upgrade, e: &Encoded) {
    let params = u.proof.params();
    let key = fs::read(&u.cc.sealed).unwrap();
    let rep = fs::read(&u.new_replica).unwrap();
    let data = fs::read(&u.staged).unwrap();
    let (c, r) = encode::read_p_aux_fr(&u.cc.cache_dir).unwrap();
    let phi = randomness::phi(&Fr::from_bytes(&e.comm_d_new).unwrap(), &crate::poseidon::hash(&[c, r]));
    let rhos = randomness::rhos(params.h, &phi);
    let n = params.sector_nodes as usize;
    for i in (0..n).step_by((n / 512).max(1)).chain([n - 1]) {
        let f = |b: &[u8]| Fr::from_slice(&b[i * 32..i * 32 + 32]).unwrap();
        let d = decode_node(&f(&rep), &f(&key), &rhos[i >> params.high_bits_shr()]);
        assert_eq!(d.to_bytes(), data[i * 32..i * 32 + 32], "node {i}");
    }
}

fn check_update(seal_name: &str, sector_id: u64, want: (&str, &str, &str)) {
    let u = upgrade(seal_name, sector_id);
    let e = encode::encode(&encode_inputs(&u)).unwrap();
    assert_eq!((hex::encode(e.comm_d_new).as_str(), hex::encode(e.comm_r_last_new).as_str(), hex::encode(e.comm_r_new).as_str()), want);
    // comm_d_new is the commitment of the piece list; comm_r_new = Poseidon(comm_c, comm_r_last_new)
    let padded: Vec<_> = u.pieces.iter().map(|(c, s)| (*c, fr32::to_padded_size(*s))).collect();
    assert_eq!(e.comm_d_new, commp::comm_d_from_pieces(u.proof.sector_size, &padded).unwrap());
    let (comm_c, _) = encode::read_p_aux_fr(&u.cc.cache_dir).unwrap();
    assert_eq!(e.comm_r_new, crate::poseidon::hash(&[comm_c, Fr::from_bytes(&e.comm_r_last_new).unwrap()]).to_bytes());
    assert_eq!(fs::read(u.new_cache.join("p_aux")).unwrap()[32..], e.comm_r_last_new);
    assert_decodes(&u, &e);

    let proofs = prove::partition_proofs(&prove_inputs(&u, &e)).unwrap();
    let params = u.proof.params();
    assert_eq!(proofs.len(), params.partition_count);
    verify::verify_all(&u.proof, &proofs, &u.comm_r_old, &e.comm_r_new, &e.comm_d_new).unwrap();
    for p in &proofs {
        assert_eq!(bincode::decode(&bincode::encode(p)).unwrap(), *p);
    }
    // a proof for other public inputs does not verify
    let mut other = e.comm_d_new;
    other[0] ^= 1;
    assert!(verify::verify_all(&u.proof, &proofs, &u.comm_r_old, &e.comm_r_new, &other).is_err());
    assert!(verify::verify_all(&u.proof, &proofs, &e.comm_r_new, &e.comm_r_new, &e.comm_d_new).is_err());
    assert!(verify::verify_all(&u.proof, &proofs[1..], &u.comm_r_old, &e.comm_r_new, &e.comm_d_new).is_err());
    if proofs.len() > 1 {
        // partitions in the wrong order answer the wrong challenges
        let mut swapped = proofs.clone();
        swapped.swap(0, 1);
        let err = verify::verify_all(&u.proof, &swapped, &u.comm_r_old, &e.comm_r_new, &e.comm_d_new).unwrap_err();
        assert!(err.contains("partition 0"), "{err}");
    }
}

#[test]
fn update_2kib_cc_sector_pinned_vectors_and_rejections() {
    check_update(
        "StackedDrg2KiBV1_1",
        41,
        (
            "8be84e1cf14c073e288609484249997ed95b6ce0041de96e8ebc1de9e9924d03",
            "532d39cd706484c297fa054d226ec37e2c4d854fbde446a1d6a7cc2550dade49",
            "e95bae779add33baaf61cd3b58abafef8b8538b74b41b14546e160aab42a1c3f",
        ),
    );
}

#[test]
fn update_8mib_cc_sector_pinned_vectors_and_four_partitions() {
    check_update(
        "StackedDrg8MiBV1_1",
        42,
        (
            "e5f3e4aab785f1325cdb7f961fd87eb356880d934aa574af6ed0c5bfe307ff2c",
            "7439ee9632a84f4a2d2925265e4580ec3aa3698c239fbd618ea44ef13d34666b",
            "a1e2e7605aa576985b18b6d57b287a19dd9cf375309b40b7ab9b466c55b61367",
        ),
    );
}

fn run(stage: &str, task: &Value) -> Result<Value, String> {
    stages::run(stage, task).map(|out| serde_json::from_str(out.get()).unwrap())
}

fn with(task: &Value, key: &str, value: Value) -> Value {
    let mut t = task.clone();
    assert!(t.get(key).is_some(), "{key}");
    t[key] = value;
    t
}

fn path(p: &std::path::Path) -> Value {
    json!(p.display().to_string())
}

#[test]
fn stages_chain_encode_partition_proofs_prove_verify_with_damocles_json() {
    let u = upgrade("StackedDrg2KiBV1_1", 43);
    let pieces = Value::Array(
        u.pieces.iter().map(|(c, s)| obj(vec![("commitment", json!(c)), ("size", json!(*s))])).collect(),
    );
    let enc_task = obj(vec![
        ("registered_proof", json!("StackedDrg2KiBV1")),
        ("new_replica_path", path(&u.new_replica)),
        ("new_cache_path", path(&u.new_cache)),
        ("sector_path", path(&u.cc.sealed)),
        ("sector_cache_path", path(&u.cc.cache_dir)),
        ("staged_data_path", path(&u.staged)),
        ("piece_infos", pieces.clone()),
    ]);
    // malformed tasks name the key path; a wrong piece list is refused before anything is written
    let e = run("snap_encode", &with(&enc_task, "registered_proof", json!("StackedDrg4KiBV1"))).unwrap_err();
    assert!(e.contains("registered_proof") && e.contains("StackedDrg4KiBV1"), "{e}");
    let bad_pieces = Value::Array(vec![obj(vec![("commitment", json!(u.pieces[0].0)), ("size", json!("x"))])]);
    let e = run("snap_encode", &with(&enc_task, "piece_infos", bad_pieces)).unwrap_err();
    assert!(e.contains("piece_infos[0].size"), "{e}");
    let other = Value::Array(vec![obj(vec![("commitment", json!(vec![7u8; 32])), ("size", json!(1016))])]);
    let e = run("snap_encode", &with(&enc_task, "piece_infos", other)).unwrap_err();
    assert!(e.contains("pieces and comm_d do not match"), "{e}");
    assert!(!u.new_replica.exists());

    let out = run("snap_encode", &enc_task).unwrap();
    let comm = |k: &str| out.field_bytes32(k).unwrap();
    let (comm_r_new, comm_d_new) = (comm("comm_r_new"), comm("comm_d_new"));
    assert!(out.get("comm_r_last_new").is_some());
    // the id is accepted for registered_proof too, and a rerun gives the same answer
    assert_eq!(run("snap_encode", &with(&enc_task, "registered_proof", json!(0))).unwrap().to_string(), out.to_string());

    let pp_task = obj(vec![
        ("registered_proof", json!("StackedDrg2KiBV1")),
        ("comm_r_old", json!(u.comm_r_old)),
        ("comm_r_new", json!(comm_r_new)),
        ("comm_d_new", json!(comm_d_new)),
        ("sector_path", path(&u.cc.sealed)),
        ("sector_cache_path", path(&u.cc.cache_dir)),
        ("replica_path", path(&u.new_replica)),
        ("replica_cache_path", path(&u.new_cache)),
    ]);
    let vanilla = run("snap_partition_proofs", &pp_task).unwrap();
    assert_eq!(vanilla.as_array().unwrap().len(), 1);
    let e = run("snap_partition_proofs", &with(&pp_task, "comm_r_old", json!(comm_r_new))).unwrap_err();
    assert!(e.contains("comm_r_old"), "{e}");

    let prove_task = obj(vec![
        ("registered_proof", json!("StackedDrg2KiBV1")),
        ("vannilla_proofs", vanilla.clone()),
        ("comm_r_old", json!(u.comm_r_old)),
        ("comm_r_new", json!(comm_r_new)),
        ("comm_d_new", json!(comm_d_new)),
    ]);
    let proof = run("snap_prove", &prove_task).unwrap();
    let bytes = proof.to_bytes().unwrap();
    assert_eq!(&bytes[..4], b"SFSU");
    // a vanilla proof with any byte changed is refused by snap_prove
    let raw = vanilla.as_array().unwrap()[0].to_bytes().unwrap();
    for pos in [0usize, 40, 200, raw.len() / 2, raw.len() - 1] {
        let mut t = raw.clone();
        t[pos] ^= 0x01;
        let e = run("snap_prove", &with(&prove_task, "vannilla_proofs", Value::Array(vec![json!(t)]))).unwrap_err();
        assert!(e.contains("vannilla_proofs"), "byte {pos}: {e}");
    }

    let verify_task = obj(vec![
        ("registered_proof", json!("StackedDrg2KiBV1")),
        ("proof", proof.clone()),
        ("comm_r_old", json!(u.comm_r_old)),
        ("comm_r_new", json!(comm_r_new)),
        ("comm_d_new", json!(comm_d_new)),
    ]);
    let valid = |t: &Value| run("verify_snap", t).unwrap().get("valid").and_then(Value::as_bool).unwrap();
    assert!(valid(&verify_task));
    assert!(valid(&with(&verify_task, "proof", json!(base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &bytes)))));
    assert!(!valid(&with(&verify_task, "comm_r_new", json!(u.comm_r_old))));
    assert!(!valid(&with(&verify_task, "comm_d_new", json!(commp::zero_comm_for_size(2048)))));
    assert!(!valid(&with(&verify_task, "registered_proof", json!("StackedDrg8MiBV1"))));
    for pos in [5usize, 12, 100, bytes.len() - 1] {
        let mut t = bytes.clone();
        t[pos] ^= 0x80;
        let v = run("verify_snap", &with(&verify_task, "proof", json!(t))).unwrap();
        assert_eq!(v.get("valid").and_then(Value::as_bool), Some(false), "byte {pos}");
        assert!(v.get("reason").and_then(Value::as_str).is_some());
    }
    let e = run("verify_snap", &with(&verify_task, "comm_r_old", json!([1, 2]))).unwrap_err();
    assert!(e.contains("comm_r_old"), "{e}");
}

#[test]
fn structurally_valid_but_wrong_proofs_are_rejected_for_what_they_are() {
    let u = upgrade("StackedDrg2KiBV1_1", 44);
    let e = encode::encode(&encode_inputs(&u)).unwrap();
    let proofs = prove::partition_proofs(&prove_inputs(&u, &e)).unwrap();
    let check = |p: &super::proof::PartitionProof| {
        verify::verify_all(&u.proof, std::slice::from_ref(p), &u.comm_r_old, &e.comm_r_new, &e.comm_d_new).unwrap_err()
    };
    let mut p = proofs[0].clone();
    p.apex_leafs[3] = [9; 32];
    assert!(check(&p).contains("apex"), "{}", check(&p));
    let mut p = proofs[0].clone();
    p.challenge_proofs.swap(0, 1);
    assert!(check(&p).contains("another node"), "{}", check(&p));
    let mut p = proofs[0].clone();
    p.comm_c = Fr::from_u64(5);
    assert!(check(&p).contains("comm_r_old"), "{}", check(&p));
    let mut p = proofs[0].clone();
    p.challenge_proofs.pop();
    assert!(check(&p).contains("challenge proofs"), "{}", check(&p));
    // WindowPoSt proves the upgraded sector from the update cache and new replica under comm_r_new (and the old
    // comm_r no longer verifies for it)
    let seed = [7u8; 32];
    let sp = crate::window_post::prove_sector(2048, 44, &e.comm_r_new, &u.new_cache, &u.new_replica, &seed).unwrap();
    let post = crate::window_post::encode(1000, &[sp]);
    crate::window_post::verify(2048, 1000, &seed, &[(44, e.comm_r_new)], std::slice::from_ref(&post)).unwrap();
    assert!(crate::window_post::verify(2048, 1000, &seed, &[(44, u.comm_r_old)], &[post]).is_err());

    // a replica whose trees are consistent but whose nodes are not old + data · rho (every node + 1, tree_r_last
    // rebuilt, comm_r_new recomputed): all Merkle proofs verify, the encoding check does not
    let good = fs::read(&u.new_replica).unwrap();
    let shifted: Vec<Fr> = crate::merkle::bytes_to_fr(&good).unwrap().iter().map(|f| f.add(&Fr::ONE)).collect();
    fs::write(&u.new_replica, crate::merkle::fr_to_bytes(&shifted)).unwrap();
    let shape = crate::merkle::TreeShape::for_nodes(64).unwrap();
    let tree = crate::merkle::StoredTree::from_rows(crate::merkle::build_rows(shifted), shape.rows_to_discard() + 1);
    let tree_file = u.new_cache.join(shape.file_name("tree-r-last", 0));
    let good_tree = fs::read(&tree_file).unwrap();
    fs::write(&tree_file, tree.to_bytes()).unwrap();
    let (comm_c, _) = encode::read_p_aux_fr(&u.cc.cache_dir).unwrap();
    let forged = Encoded { comm_r_new: crate::poseidon::hash(&[comm_c, tree.root()]).to_bytes(), ..e };
    let err = prove::partition_proofs(&prove_inputs(&u, &forged)).unwrap_err();
    assert!(err.contains("is not old node + data · rho"), "{err}");
    fs::write(&u.new_replica, &good).unwrap();
    fs::write(&tree_file, &good_tree).unwrap();
    prove::partition_proofs(&prove_inputs(&u, &e)).unwrap();

    // a new replica changed after encoding no longer proves
    let mut rep = fs::read(&u.new_replica).unwrap();
    rep[5 * 32] ^= 1;
    fs::write(&u.new_replica, &rep).unwrap();
    let err = prove::partition_proofs(&prove_inputs(&u, &e)).unwrap_err();
    assert!(err.contains("do not hash to the cached tree node") || err.contains("do not prove"), "{err}");
}

#[test]
fn partition_proof_bytes_follow_the_bincode_layout_of_the_rust_types() {
    use super::proof::{ChallengeProof, PartitionProof, TreeDProof};
    use crate::merkle::{compound_proof, MerkleProof, PathElement};
    let f = Fr::from_u64;
    // a 64 GiB-shaped tree_r proof (base, sub of 8, top of 2: ProofData::Top) and a 2-level tree_d proof
    let shape = crate::merkle::TreeShape { nodes: 128, base_trees: 16, sub_arity: 8, top_arity: 2 };
    let roots: Vec<Fr> = (0..16).map(|i| f(100 + i)).collect();
    let base = vec![PathElement { hashes: (1..8).map(f).collect(), index: 3 }];
    let top: MerkleProof = compound_proof(&shape, &roots, 11, f(9), base);
    let single = MerkleProof { root: f(1), leaf: f(2), path: vec![PathElement { hashes: (10..17).map(f).collect(), index: 5 }], base_len: 1 };
    let d = TreeDProof { root: [0xd0; 32], leaf: [0xd1; 32], siblings: vec![[0xd2; 32], [0xd3; 32]], indices: vec![1, 0] };
    let p = PartitionProof {
        comm_c: f(7),
        apex_leafs: vec![[0xa0; 32], [0xa1; 32]],
        challenge_proofs: vec![ChallengeProof { proof_r_old: top.clone(), proof_d_new: d.clone(), proof_r_new: single.clone() }],
    };
    // the expected bytes, written out field by field
    let mut want = Vec::new();
    let u64le = |w: &mut Vec<u8>, v: u64| w.extend_from_slice(&v.to_le_bytes());
    let dom = |w: &mut Vec<u8>, x: &Fr| w.extend_from_slice(&x.to_bytes());
    let path = |w: &mut Vec<u8>, es: &[PathElement]| {
        w.extend_from_slice(&(es.len() as u64).to_le_bytes());
        for e in es {
            w.extend_from_slice(&(e.hashes.len() as u64).to_le_bytes());
            for h in &e.hashes {
                w.extend_from_slice(&h.to_bytes());
            }
            w.extend_from_slice(&(e.index as u64).to_le_bytes());
        }
    };
    dom(&mut want, &f(7));
    u64le(&mut want, 2);
    want.extend_from_slice(&[0xa0; 32]);
    want.extend_from_slice(&[0xa1; 32]);
    u64le(&mut want, 1);
    // proof_r_old: Top = variant 2 { base_proof, sub_proof, top_proof, root, leaf }
    want.extend_from_slice(&2u32.to_le_bytes());
    path(&mut want, &top.path[..1]);
    path(&mut want, &top.path[1..2]);
    path(&mut want, &top.path[2..]);
    dom(&mut want, &top.root);
    dom(&mut want, &f(9));
    // proof_d_new: Single = variant 0 { root, leaf, path: [{hashes: [sibling], index}] }
    want.extend_from_slice(&0u32.to_le_bytes());
    want.extend_from_slice(&[0xd0; 32]);
    want.extend_from_slice(&[0xd1; 32]);
    u64le(&mut want, 2);
    for (s, i) in [([0xd2u8; 32], 1u64), ([0xd3; 32], 0)] {
        u64le(&mut want, 1);
        want.extend_from_slice(&s);
        u64le(&mut want, i);
    }
    // proof_r_new: Single
    want.extend_from_slice(&0u32.to_le_bytes());
    dom(&mut want, &f(1));
    dom(&mut want, &f(2));
    path(&mut want, &single.path);
    let got = bincode::encode(&p);
    assert_eq!(got, want);
    assert_eq!(bincode::decode(&got).unwrap(), p);
    // Sub variant (32 GiB shape) round-trips with tag 1
    let sub_shape = crate::merkle::TreeShape { nodes: 64, base_trees: 8, sub_arity: 8, top_arity: 0 };
    let sub = compound_proof(&sub_shape, &roots[..8], 2, f(9), vec![PathElement { hashes: (1..8).map(f).collect(), index: 0 }]);
    let q = PartitionProof { challenge_proofs: vec![ChallengeProof { proof_r_old: sub.clone(), proof_d_new: d, proof_r_new: sub }], ..p };
    let b = bincode::encode(&q);
    assert_eq!(&b[32 + 8 + 64 + 8..][..4], &1u32.to_le_bytes());
    assert_eq!(bincode::decode(&b).unwrap(), q);
    // truncation, trailing bytes, a bad variant and a non-canonical element are errors
    assert!(bincode::decode(&b[..b.len() - 1]).unwrap_err().contains("truncated"));
    assert!(bincode::decode(&[b.clone(), vec![0]].concat()).unwrap_err().contains("trailing"));
    let mut t = b.clone();
    t[32 + 8 + 64 + 8] = 7;
    assert!(bincode::decode(&t).unwrap_err().contains("variant 7"));
    let mut t = b;
    t[..32].copy_from_slice(&[0xff; 32]);
    assert!(bincode::decode(&t).unwrap_err().contains("canonical"));
}

/// Typed reads of a JSON value in these tests.
trait Fields {
    fn field(&self, k: &str) -> Result<&Value, String>;
    fn field_bytes32(&self, k: &str) -> Result<[u8; 32], String>;
    fn to_bytes(&self) -> Result<Vec<u8>, String>;
}

impl Fields for Value {
    fn field(&self, k: &str) -> Result<&Value, String> {
        self.get(k).ok_or_else(|| format!("missing field `{k}`"))
    }
    fn field_bytes32(&self, k: &str) -> Result<[u8; 32], String> {
        serde_json::from_value(self.field(k)?.clone()).map_err(|e| format!("field `{k}`: {e}"))
    }
    fn to_bytes(&self) -> Result<Vec<u8>, String> {
        serde_json::from_value(self.clone()).map_err(|e| e.to_string())
    }
}

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

#[test]
fn real_partition_proof_bytes_are_pinned() {
    // SHA-256 of the 2 KiB update's partition proof as the hand-written bincode writer produced it before the
    // `bincode` crate replaced it: the crate must write a real proof byte for byte the same.
    let u = upgrade("StackedDrg2KiBV1_1", 41);
    let e = encode::encode(&encode_inputs(&u)).unwrap();
    let proofs = prove::partition_proofs(&prove_inputs(&u, &e)).unwrap();
    let bytes: Vec<Vec<u8>> = proofs.iter().map(bincode::encode).collect();
    let digests: Vec<String> = bytes.iter().map(|b| hex::encode(crate::sha256::sha256(b))).collect();
    assert_eq!(digests, ["bebe8c173e298dfcc9eaf63f56392fbf950802d5beed6eb9b1a394c0d9fa9c10"]);
    assert_eq!(bincode::decode(&bytes[0]).unwrap(), proofs[0]);
}
