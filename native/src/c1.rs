//! Commit1: the interactive challenges and a vanilla proof for each (`reference/filecoin-proofs.md` §8.2), output
//! in rust-fil-proofs' `SealCommitPhase1Output` JSON layout (damocles passes it to a c2 processor unchanged).
//!
//! Stage `c1` task (names follow `filecoin_proofs::seal_commit_phase1(cache_path, replica_path, prover_id,
//! sector_id, ticket, seed, pre_commit, piece_infos)`):
//! ```text
//! { "registered_proof": "StackedDrg2KiBV1_1",
//!   "cache_path": "/cache/dir",            (alias "cache_dir")
//!   "replica_path": "/sealed/file",        (alias "sealed_file")
//!   "comm_r": [32], "comm_d": [32],        (pre_commit; also accepted as "pre_commit": {comm_r, comm_d})
//!   "prover_id": [32], "sector_id": N, "ticket": [32], "seed": [32],
//!   "piece_infos": [{"commitment": [32], "size": unpadded}] }
//! ```
//! Output: `{registered_proof, vanilla_proofs:{"StackedDrg<size>V1":[[Proof per challenge] per partition]},
//! comm_r, comm_d, replica_id, seed, ticket}` with `Proof = {comm_d_proofs, comm_r_last_proof,
//! replica_column_proofs:{c_x, drg_parents[6], exp_parents[8]}, labeling_proofs[L], encoding_proof}`. A Merkle
//! proof is `{"data":{"Single":{root, leaf, path:{path:[{hashes, index}]}}}}` (`Sub`/`Top` with `base_proof`,
//! `sub_proof`, `top_proof` for 32/64 GiB), a column proof `{column:{index, rows, _h:null}, inclusion_proof}`,
//! labeling/encoding proofs `{parents:[37], layer_index, node, _h:null}`.
//!
//! Before proving, C1 checks what rust-fil-proofs checks: comm_d equals the commitment of the piece list,
//! p_aux hashes to comm_r, and the tree files agree with p_aux.

use crate::challenges;
use crate::commp;
use crate::field::Fr;
use crate::ids::{self, SealProof};
use crate::json::Json;
use crate::merkle::{self, MerkleProof, PathElement, TreeFile, TreeShape};
use crate::pc2;
use crate::sdr::graph::{Graph, BASE_DEGREE, DEGREE};
use crate::verify_seal::{self, hashing_order, ChallengeProof, ColumnProof, VanillaSeal};
use std::path::{Path, PathBuf};

/// Inputs of one C1 run.
pub struct C1Inputs {
    pub proof: SealProof,
    pub cache_dir: PathBuf,
    pub replica_path: PathBuf,
    pub comm_r: [u8; 32],
    pub comm_d: [u8; 32],
    pub prover_id: [u8; 32],
    pub sector_id: u64,
    pub ticket: [u8; 32],
    pub seed: [u8; 32],
    /// (commitment, unpadded size)
    pub pieces: Vec<([u8; 32], u64)>,
}

/// Parses `piece_infos` (`[{commitment:[32], size:unpadded}]`).
pub fn parse_pieces(v: &Json, field: &str) -> Result<Vec<([u8; 32], u64)>, String> {
    let arr = v.as_array().ok_or_else(|| format!("field `{field}`: expected an array of piece infos"))?;
    arr.iter()
        .enumerate()
        .map(|(i, p)| {
            let c = p.field_bytes32("commitment").map_err(|e| format!("field `{field}/{i}`: {e}"))?;
            let s = p.field_u64("size").map_err(|e| format!("field `{field}/{i}`: {e}"))?;
            Ok((c, s))
        })
        .collect()
}

fn first<'a>(task: &'a Json, names: &[&str]) -> Result<&'a Json, String> {
    names.iter().find_map(|n| task.get(n)).ok_or_else(|| format!("missing field `{}`", names.join("` or `")))
}

impl C1Inputs {
    pub fn from_json(task: &Json) -> Result<C1Inputs, String> {
        let proof = SealProof::from_json(task.field("registered_proof")?, "registered_proof")?;
        let path = |names: &[&str]| -> Result<PathBuf, String> {
            first(task, names)?.as_str().map(PathBuf::from).ok_or_else(|| format!("field `{}`: expected a path string", names[0]))
        };
        let pre = task.get("pre_commit").unwrap_or(task);
        Ok(C1Inputs {
            proof,
            cache_dir: path(&["cache_path", "cache_dir"])?,
            replica_path: path(&["replica_path", "sealed_file"])?,
            comm_r: pre.field_bytes32("comm_r")?,
            comm_d: pre.field_bytes32("comm_d")?,
            prover_id: task.field_bytes32("prover_id")?,
            sector_id: task.field_u64("sector_id")?,
            ticket: task.field_bytes32("ticket")?,
            seed: task.field_bytes32("seed")?,
            pieces: parse_pieces(task.field("piece_infos")?, "piece_infos")?,
        })
    }
}

fn node_bytes(path: &Path, i: u64) -> Result<[u8; 32], String> {
    Ok(pc2::read_nodes(path, i, 1)?.try_into().unwrap())
}

fn node_fr(path: &Path, i: u64) -> Result<Fr, String> {
    Fr::from_bytes(&node_bytes(path, i)?)
        .ok_or_else(|| format!("{}: node {i} is not a canonical field element", path.display()))
}

/// Leaf `i`'s sibling path in the tree_d file (all rows of the binary SHA254 tree, leaves first).
pub fn tree_d_path(file: &Path, nodes: u64, i: u64) -> Result<([u8; 32], Vec<[u8; 32]>), String> {
    let len = std::fs::metadata(file).map_err(|e| format!("{}: {e}", file.display()))?.len();
    if len != (2 * nodes - 1) * 32 {
        return Err(format!("{}: expected {} bytes, found {len}", file.display(), (2 * nodes - 1) * 32));
    }
    let leaf = node_bytes(file, i)?;
    let mut sib = Vec::new();
    let (mut off, mut n, mut idx) = (0u64, nodes, i);
    while n > 1 {
        sib.push(node_bytes(file, off + (idx ^ 1))?);
        off += n;
        n /= 2;
        idx /= 2;
    }
    Ok((leaf, sib))
}

/// Proves every challenge. Returns the vanilla seal proof.
pub fn prove(inp: &C1Inputs) -> Result<VanillaSeal, String> {
    let p = inp.proof;
    let nodes = p.nodes();
    let layers = p.layers();
    let shape = TreeShape::for_nodes(nodes)?;
    let padded: Vec<([u8; 32], u64)> =
        inp.pieces.iter().map(|(c, unpadded)| (*c, crate::fr32::to_padded_size(*unpadded))).collect();
    let want_d = commp::comm_d_from_pieces(p.sector_size, &padded).map_err(|e| format!("piece_infos: {e}"))?;
    if want_d != inp.comm_d {
        return Err("comm_d does not match the commitment of piece_infos".into());
    }
    let (comm_c_b, comm_r_last_b) = pc2::read_p_aux(&inp.cache_dir)?;
    let comm_c = Fr::from_bytes(&comm_c_b).ok_or("p_aux: comm_c is not a field element")?;
    let comm_r_last = Fr::from_bytes(&comm_r_last_b).ok_or("p_aux: comm_r_last is not a field element")?;
    if crate::poseidon::hash(&[comm_c, comm_r_last]).to_bytes() != inp.comm_r {
        return Err("comm_r does not match Poseidon(comm_c, comm_r_last) from p_aux".into());
    }
    let per = shape.leaves_per_base() as usize;
    let open = |key: &str, first_row: usize| -> Result<Vec<TreeFile>, String> {
        (0..shape.base_trees)
            .map(|j| TreeFile::open(&inp.cache_dir.join(shape.file_name(key, j)), per, first_row))
            .collect()
    };
    let tc = open("tree-c", 0)?;
    let tr = open("tree-r-last", shape.rows_to_discard() + 1)?;
    let c_roots = tc.iter().map(|t| t.root()).collect::<Result<Vec<_>, _>>()?;
    let r_roots = tr.iter().map(|t| t.root()).collect::<Result<Vec<_>, _>>()?;
    if shape.root_of_roots(&c_roots) != comm_c {
        return Err("tree_c files do not hash to comm_c in p_aux".into());
    }
    if shape.root_of_roots(&r_roots) != comm_r_last {
        return Err("tree_r_last files do not hash to comm_r_last in p_aux".into());
    }
    let replica_id = ids::replica_id(&inp.prover_id, inp.sector_id, &inp.ticket, &inp.comm_d, &p.porep_id());
    let graph = Graph::for_proof(&p);
    let tree_d = inp.cache_dir.join("sc-02-data-tree-d.dat");
    let replica = inp.replica_path.clone();

    let column = |i: u64| -> Result<ColumnProof, String> {
        let rows = (1..=layers)
            .map(|l| node_fr(&pc2::layer_path(&inp.cache_dir, l), i))
            .collect::<Result<Vec<_>, _>>()?;
        let j = (i / per as u64) as usize;
        let local = (i % per as u64) as usize;
        let (leaf, path) = tc[j].path(local, &|_, _| Err("tree_c keeps every row".into()))?;
        if crate::poseidon::hash(&rows) != leaf {
            return Err(format!("column {i}: labels do not hash to the tree_c leaf (cache files disagree)"));
        }
        Ok(ColumnProof { index: i, rows, proof: merkle::compound_proof(&shape, &c_roots, j, leaf, path) })
    };

    let mut partitions = Vec::new();
    for part in challenges::porep(&p, &replica_id, &inp.seed, &inp.comm_r)? {
        let mut out = Vec::new();
        for c in part {
            let (comm_d_leaf, comm_d_siblings) = tree_d_path(&tree_d, nodes, c)?;
            let j = (c / per as u64) as usize;
            let base = j as u64 * per as u64;
            let fetch = |s: usize, n: usize| -> Result<Vec<Fr>, String> {
                let b = pc2::read_nodes(&replica, base + s as u64, n)?;
                merkle::bytes_to_fr(&b).map_err(|e| format!("{}: {e}", replica.display()))
            };
            let (leaf, path) = tr[j].path((c - base) as usize, &fetch)?;
            let comm_r_last_proof = merkle::compound_proof(&shape, &r_roots, j, leaf, path);
            let mut parents = [0u32; DEGREE];
            graph.parents(c, &mut parents);
            let mut columns = vec![column(c)?];
            for &q in &parents {
                columns.push(column(q as u64)?);
            }
            out.push(ChallengeProof { challenge: c, comm_d_leaf, comm_d_siblings, comm_r_last_proof, columns });
        }
        partitions.push(out);
    }
    let v = VanillaSeal {
        proof: p,
        comm_r: inp.comm_r,
        comm_d: inp.comm_d,
        replica_id,
        seed: inp.seed,
        ticket: inp.ticket,
        comm_c,
        comm_r_last,
        partitions,
    };
    // Never hand out a proof that would not verify (rust-fil-proofs also self-checks before C2).
    let inputs = verify_seal::SealInputs {
        proof: p,
        comm_r: inp.comm_r,
        comm_d: inp.comm_d,
        prover_id: inp.prover_id,
        sector_id: inp.sector_id,
        ticket: inp.ticket,
        seed: inp.seed,
    };
    verify_seal::verify(&v, &inputs).map_err(|e| format!("the sector's files do not prove: {e}"))?;
    Ok(v)
}

// --- rust-fil-proofs JSON layout ---

fn dom(f: &Fr) -> Json {
    Json::bytes(&f.to_bytes())
}

fn path_json(elems: &[PathElement]) -> Json {
    Json::obj(vec![(
        "path",
        Json::Arr(
            elems
                .iter()
                .map(|e| Json::obj(vec![("hashes", Json::Arr(e.hashes.iter().map(dom).collect())), ("index", Json::U64(e.index as u64))]))
                .collect(),
        ),
    )])
}

/// `{"data":{"Single"|"Sub"|"Top":…}}`.
pub fn merkle_json(p: &MerkleProof) -> Json {
    let base = &p.path[..p.base_len];
    let extra = &p.path[p.base_len..];
    let (variant, body) = match extra.len() {
        0 => ("Single", vec![("root", dom(&p.root)), ("leaf", dom(&p.leaf)), ("path", path_json(base))]),
        1 => (
            "Sub",
            vec![
                ("base_proof", path_json(base)),
                ("sub_proof", path_json(&extra[..1])),
                ("root", dom(&p.root)),
                ("leaf", dom(&p.leaf)),
            ],
        ),
        _ => (
            "Top",
            vec![
                ("base_proof", path_json(base)),
                ("sub_proof", path_json(&extra[..1])),
                ("top_proof", path_json(&extra[1..])),
                ("root", dom(&p.root)),
                ("leaf", dom(&p.leaf)),
            ],
        ),
    };
    Json::obj(vec![("data", Json::obj(vec![(variant, Json::obj(body))]))])
}

fn fr_json(v: &Json, what: &str) -> Result<Fr, String> {
    let b = v.to_bytes32().map_err(|e| format!("{what}: {e}"))?;
    Fr::from_bytes(&b).ok_or_else(|| format!("{what}: not a canonical field element"))
}

fn parse_path(v: &Json, what: &str) -> Result<Vec<PathElement>, String> {
    v.field_array("path")
        .map_err(|e| format!("{what}: {e}"))?
        .iter()
        .map(|e| {
            let hashes = e
                .field_array("hashes")
                .map_err(|x| format!("{what}: {x}"))?
                .iter()
                .map(|h| fr_json(h, what))
                .collect::<Result<Vec<_>, _>>()?;
            let index = e.field_u64("index").map_err(|x| format!("{what}: {x}"))? as usize;
            Ok(PathElement { hashes, index })
        })
        .collect()
}

pub fn parse_merkle(v: &Json, what: &str) -> Result<MerkleProof, String> {
    let data = v.field("data").map_err(|e| format!("{what}: {e}"))?;
    let (variant, body) = match data {
        Json::Obj(pairs) if pairs.len() == 1 => (pairs[0].0.as_str(), &pairs[0].1),
        _ => return Err(format!("{what}: `data` must be an object with one of Single/Sub/Top")),
    };
    let root = fr_json(body.field("root").map_err(|e| format!("{what}: {e}"))?, what)?;
    let leaf = fr_json(body.field("leaf").map_err(|e| format!("{what}: {e}"))?, what)?;
    let get = |k: &str| body.field(k).map_err(|e| format!("{what}: {e}"));
    let (mut path, extra) = match variant {
        "Single" => (parse_path(get("path")?, what)?, vec![]),
        "Sub" => (parse_path(get("base_proof")?, what)?, parse_path(get("sub_proof")?, what)?),
        "Top" => {
            let mut e = parse_path(get("sub_proof")?, what)?;
            e.extend(parse_path(get("top_proof")?, what)?);
            (parse_path(get("base_proof")?, what)?, e)
        }
        other => return Err(format!("{what}: unknown proof variant {other:?}")),
    };
    let base_len = path.len();
    path.extend(extra);
    Ok(MerkleProof { root, leaf, path, base_len })
}

fn column_json(c: &ColumnProof) -> Json {
    Json::obj(vec![
        (
            "column",
            Json::obj(vec![
                ("index", Json::U64(c.index)),
                ("rows", Json::Arr(c.rows.iter().map(dom).collect())),
                ("_h", Json::Null),
            ]),
        ),
        ("inclusion_proof", merkle_json(&c.proof)),
    ])
}

fn label_proof_json(parents: &[[u8; 32]], layer: usize, node: u64) -> Json {
    Json::obj(vec![
        ("parents", Json::Arr(parents.iter().map(|p| Json::bytes(p)).collect())),
        ("layer_index", Json::U64(layer as u64)),
        ("node", Json::U64(node)),
        ("_h", Json::Null),
    ])
}

fn challenge_json(c: &ChallengeProof, layers: usize) -> Json {
    // comm_d proof: binary SHA254 path, root recomputed from the leaf
    let d_root = verify_seal::comm_d_root(&c.comm_d_leaf, &c.comm_d_siblings, c.challenge);
    let d_path = Json::obj(vec![(
        "path",
        Json::Arr(
            c.comm_d_siblings
                .iter()
                .enumerate()
                .map(|(lvl, s)| {
                    Json::obj(vec![
                        ("hashes", Json::Arr(vec![Json::bytes(s)])),
                        ("index", Json::U64((c.challenge >> lvl) & 1)),
                    ])
                })
                .collect(),
        ),
    )]);
    let comm_d_proofs = Json::obj(vec![(
        "data",
        Json::obj(vec![(
            "Single",
            Json::obj(vec![("root", Json::bytes(&d_root)), ("leaf", Json::bytes(&c.comm_d_leaf)), ("path", d_path)]),
        )]),
    )]);
    let row = |k: usize, layer: usize| c.columns[k].rows[layer - 1].to_bytes();
    let parents_for = |layer: usize| {
        let drg: Vec<[u8; 32]> = (1..=BASE_DEGREE).map(|k| row(k, layer)).collect();
        let exp: Vec<[u8; 32]> = (BASE_DEGREE + 1..=DEGREE).map(|k| row(k, layer.max(2) - 1)).collect();
        hashing_order(&drg, if layer > 1 { Some(&exp) } else { None })
    };
    Json::obj(vec![
        ("comm_d_proofs", comm_d_proofs),
        ("comm_r_last_proof", merkle_json(&c.comm_r_last_proof)),
        (
            "replica_column_proofs",
            Json::obj(vec![
                ("c_x", column_json(&c.columns[0])),
                ("drg_parents", Json::Arr(c.columns[1..=BASE_DEGREE].iter().map(column_json).collect())),
                ("exp_parents", Json::Arr(c.columns[BASE_DEGREE + 1..].iter().map(column_json).collect())),
            ]),
        ),
        (
            "labeling_proofs",
            Json::Arr((1..=layers).map(|l| label_proof_json(&parents_for(l), l, c.challenge)).collect()),
        ),
        ("encoding_proof", label_proof_json(&parents_for(layers), layers, c.challenge)),
    ])
}

/// The `SealCommitPhase1Output` JSON.
pub fn to_json(v: &VanillaSeal) -> Json {
    let layers = v.proof.layers();
    let parts = Json::Arr(
        v.partitions.iter().map(|p| Json::Arr(p.iter().map(|c| challenge_json(c, layers)).collect())).collect(),
    );
    Json::obj(vec![
        ("registered_proof", Json::str(v.proof.name)),
        ("vanilla_proofs", Json::obj(vec![(v.proof.shape_key(), parts)])),
        ("comm_r", Json::bytes(&v.comm_r)),
        ("comm_d", Json::bytes(&v.comm_d)),
        ("replica_id", Json::bytes(&v.replica_id)),
        ("seed", Json::bytes(&v.seed)),
        ("ticket", Json::bytes(&v.ticket)),
    ])
}

fn parse_column(v: &Json, what: &str) -> Result<ColumnProof, String> {
    let col = v.field("column").map_err(|e| format!("{what}: {e}"))?;
    let index = col.field_u64("index").map_err(|e| format!("{what}: {e}"))?;
    let rows = col
        .field_array("rows")
        .map_err(|e| format!("{what}: {e}"))?
        .iter()
        .map(|r| fr_json(r, what))
        .collect::<Result<Vec<_>, _>>()?;
    let proof = parse_merkle(v.field("inclusion_proof").map_err(|e| format!("{what}: {e}"))?, what)?;
    Ok(ColumnProof { index, rows, proof })
}

/// Parses a `SealCommitPhase1Output` back into a vanilla seal proof (labeling/encoding proofs are implied by the
/// columns and are not read; comm_c and comm_r_last are the roots the paths claim and are checked by `verify`).
pub fn from_json(v: &Json) -> Result<VanillaSeal, String> {
    let proof = SealProof::from_json(v.field("registered_proof")?, "registered_proof")?;
    let vp = v.field("vanilla_proofs")?;
    let key = proof.shape_key();
    let parts = vp.get(&key).ok_or_else(|| format!("field `vanilla_proofs`: missing key {key:?}"))?;
    let parts = parts.as_array().ok_or("field `vanilla_proofs`: expected an array of partitions")?;
    let mut partitions = Vec::new();
    let (mut comm_c, mut comm_r_last) = (None, None);
    for (k, part) in parts.iter().enumerate() {
        let arr = part.as_array().ok_or_else(|| format!("vanilla_proofs/{k}: expected an array"))?;
        let mut out = Vec::new();
        for (i, c) in arr.iter().enumerate() {
            let what = format!("vanilla_proofs/{k}/{i}");
            // comm_d paths hold SHA254 values: read them as raw bytes, not field elements
            let dd = c.field("comm_d_proofs")?.field("data")?.field("Single").map_err(|e| format!("{what}/comm_d_proofs: {e}"))?;
            let comm_d_leaf = dd.field_bytes32("leaf").map_err(|e| format!("{what}/comm_d_proofs: {e}"))?;
            let comm_d_siblings = dd
                .field("path")?
                .field_array("path")?
                .iter()
                .map(|e| {
                    let h = e.field_array("hashes")?;
                    if h.len() != 1 {
                        return Err(format!("{what}/comm_d_proofs: expected one sibling per level"));
                    }
                    h[0].to_bytes32()
                })
                .collect::<Result<Vec<_>, _>>()?;
            let r = parse_merkle(c.field("comm_r_last_proof")?, &format!("{what}/comm_r_last_proof"))?;
            let rc = c.field("replica_column_proofs")?;
            let mut columns = vec![parse_column(rc.field("c_x")?, &format!("{what}/c_x"))?];
            for key in ["drg_parents", "exp_parents"] {
                for (n, x) in rc.field_array(key)?.iter().enumerate() {
                    columns.push(parse_column(x, &format!("{what}/{key}/{n}"))?);
                }
            }
            let challenge = columns[0].index;
            comm_r_last.get_or_insert(r.root);
            comm_c.get_or_insert(columns[0].proof.root);
            out.push(ChallengeProof { challenge, comm_d_leaf, comm_d_siblings, comm_r_last_proof: r, columns });
        }
        partitions.push(out);
    }
    Ok(VanillaSeal {
        proof,
        comm_r: v.field_bytes32("comm_r")?,
        comm_d: v.field_bytes32("comm_d")?,
        replica_id: v.field_bytes32("replica_id")?,
        seed: v.field_bytes32("seed")?,
        ticket: v.field_bytes32("ticket")?,
        comm_c: comm_c.ok_or("vanilla_proofs: no challenges")?,
        comm_r_last: comm_r_last.ok_or("vanilla_proofs: no challenges")?,
        partitions,
    })
}

/// Stage `c1`.
pub fn stage(task: &Json) -> Result<Json, String> {
    let inp = C1Inputs::from_json(task)?;
    Ok(to_json(&prove(&inp)?))
}
