//! add_pieces: builds a sector's staged file (fr32-padded, exactly sector-sized) from local, URL or pledge pieces,
//! each aligned to its own padded size, fills the rest with pledge pieces, and returns every piece's
//! `PieceInfo {commitment, size (unpadded)}` (damocles' `AddPieces`). The staged file is written under a temporary name and
//! renamed when complete, so a failed task leaves nothing half-written.

use crate::commp::{zero_comm_for_size, TreeBuilder};
use crate::fr32;
use crate::ids::SealProof;
use crate::stage_task::Stage;
use serde::{Deserialize, Deserializer, Serialize};
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// damocles' `PieceFile`: `{"local":path}`, `{"url":url}` or `"pledge"`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PieceSource {
    Local(PathBuf),
    Url(String),
    #[serde(alias = "Pledge")]
    Pledge,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Piece {
    #[serde(rename = "piece_file")]
    pub source: PieceSource,
    pub payload_size: u64,
    /// Unpadded, 127·2^k.
    #[serde(deserialize_with = "unpadded_piece_size")]
    pub piece_size: u64,
}

/// rust-fil-proofs' `PieceInfo`: `{commitment:[32], size (unpadded)}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PieceInfo {
    pub commitment: [u8; 32],
    /// Unpadded.
    #[serde(deserialize_with = "unpadded_piece_size")]
    pub size: u64,
}

/// An unpadded piece size on the wire: 127·2^k bytes.
fn unpadded_piece_size<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let size = u64::deserialize(d)?;
    if !fr32::is_valid_unpadded_piece_size(size) {
        return Err(serde::de::Error::custom(format!(
            "{size} is not a valid unpadded piece size (127·2^k, e.g. 2032)"
        )));
    }
    Ok(size)
}

/// Padded sizes (ascending powers of two) that fill `[offset, sector_size)` with aligned pledge pieces.
pub fn filler_sizes(offset: u64, sector_size: u64) -> Vec<u64> {
    let mut out = Vec::new();
    let mut off = offset;
    while off < sector_size {
        let size = if off == 0 { sector_size } else { 1u64 << off.trailing_zeros() };
        let size = size.min(sector_size - off);
        out.push(size);
        off += size;
    }
    out
}

/// Writes the staged file and returns the piece infos (the given pieces, then the pledge fillers).
pub fn add_pieces(proof: &SealProof, pieces: &[Piece], staged: &Path) -> Result<Vec<PieceInfo>, String> {
    let sector = proof.sector_size;
    // Check sizes and sources before writing anything.
    let mut offset = 0u64;
    for (i, p) in pieces.iter().enumerate() {
        let padded = fr32::to_padded_size(p.piece_size);
        offset = offset.div_ceil(padded) * padded + padded;
        if offset > sector {
            return Err(format!(
                "pieces[{i}]: the pieces need {offset} padded bytes with alignment, more than the sector size {sector} of {}",
                proof.name
            ));
        }
        if let PieceSource::Local(path) = &p.source {
            let len = std::fs::metadata(path).map_err(|e| format!("pieces[{i}].piece_file {}: {e}", path.display()))?.len();
            if len < p.payload_size {
                return Err(format!(
                    "pieces[{i}].piece_file {}: {len} bytes, less than payload_size {}",
                    path.display(),
                    p.payload_size
                ));
            }
        }
    }
    let dir = staged.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = staged.file_name().ok_or_else(|| format!("staged_filepath {}: not a file path", staged.display()))?;
    let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let result = write_staged(sector, pieces, &tmp);
    match result {
        Ok(infos) => {
            std::fs::rename(&tmp, staged).map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                format!("staged_filepath {}: {e}", staged.display())
            })?;
            Ok(infos)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn write_staged(sector: u64, pieces: &[Piece], tmp: &Path) -> Result<Vec<PieceInfo>, String> {
    let out = File::create(tmp).map_err(|e| format!("staged_filepath {}: {e}", tmp.display()))?;
    let werr = |e: std::io::Error| format!("staged_filepath {}: {e}", tmp.display());
    let mut infos = Vec::new();
    let mut offset = 0u64;
    const BATCH: usize = 127 * 8192;
    let mut buf = vec![0u8; BATCH];
    let mut padded = vec![0u8; BATCH / 127 * 128];
    for (i, p) in pieces.iter().enumerate() {
        let psize = fr32::to_padded_size(p.piece_size);
        offset = offset.div_ceil(psize) * psize; // zero gap: left sparse, reads as zeros
        let commitment = match &p.source {
            PieceSource::Pledge => zero_comm_for_size(psize),
            src => {
                let mut reader: Box<dyn Read + Send> = match src {
                    PieceSource::Local(path) => Box::new(
                        File::open(path).map_err(|e| format!("pieces[{i}].piece_file {}: {e}", path.display()))?,
                    ),
                    PieceSource::Url(u) => crate::piece_fetch::http_get(u).map_err(|e| format!("pieces[{i}].piece_file: {e}"))?,
                    PieceSource::Pledge => unreachable!(),
                };
                let mut tree = TreeBuilder::new();
                let mut left = p.payload_size;
                let mut pos = offset;
                while left > 0 {
                    let want = (BATCH as u64).min(left) as usize;
                    let mut got = 0;
                    while got < want {
                        match reader.read(&mut buf[got..want]) {
                            Ok(0) => {
                                return Err(format!(
                                    "pieces[{i}].piece_file: ended after {} of payload_size {} bytes",
                                    p.payload_size - left + got as u64,
                                    p.payload_size
                                ))
                            }
                            Ok(n) => got += n,
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                            Err(e) => return Err(format!("pieces[{i}].piece_file: {e}")),
                        }
                    }
                    left -= got as u64;
                    let chunks = got.div_ceil(127);
                    buf[got..chunks * 127].fill(0);
                    fr32::pad(&buf[..chunks * 127], &mut padded[..chunks * 128]);
                    out.write_all_at(&padded[..chunks * 128], pos).map_err(werr)?;
                    tree.push_padded(&padded[..chunks * 128]);
                    pos += chunks as u64 * 128;
                }
                tree.finish(psize / 32)
            }
        };
        infos.push(PieceInfo { commitment, size: p.piece_size });
        offset += psize;
    }
    for size in filler_sizes(offset, sector) {
        infos.push(PieceInfo { commitment: zero_comm_for_size(size), size: fr32::to_unpadded_size(size) });
    }
    out.set_len(sector).map_err(werr)?;
    out.sync_all().map_err(werr)?;
    Ok(infos)
}

/// damocles `add_pieces` task: `{seal_proof_type, pieces:[{piece_file, payload_size, piece_size}], staged_filepath}`
/// -> `[PieceInfo]`.
#[derive(Deserialize)]
pub struct AddPiecesTask {
    pub seal_proof_type: SealProof,
    pub pieces: Vec<Piece>,
    pub staged_filepath: PathBuf,
}

impl Stage for AddPiecesTask {
    type Output = Vec<PieceInfo>;
    fn run(self) -> Result<Vec<PieceInfo>, String> {
        for (i, p) in self.pieces.iter().enumerate() {
            if p.payload_size > p.piece_size {
                return Err(format!("pieces[{i}].payload_size: {} exceeds piece_size {}", p.payload_size, p.piece_size));
            }
        }
        add_pieces(&self.seal_proof_type, &self.pieces, &self.staged_filepath)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commp::{comm_d_from_pieces, commp_reader, subtree_root};
    use crate::stages;

    fn tmpdir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("sealfarm-pieces-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn fillers_are_aligned_and_ascending() {
        assert_eq!(filler_sizes(0, 2048), vec![2048]);
        assert_eq!(filler_sizes(128, 2048), vec![128, 256, 512, 1024]);
        assert_eq!(filler_sizes(2048, 2048), Vec::<u64>::new());
    }

    #[test]
    fn staged_file_matches_commp_and_comm_d() {
        let dir = tmpdir("staged");
        let a = dir.join("a.car");
        let data: Vec<u8> = (0..300u32).map(|i| (i * 13 % 255) as u8 + 1).collect();
        std::fs::write(&a, &data).unwrap();
        let staged = dir.join("staged");
        let task = crate::json::parse(&format!(
            r#"{{"seal_proof_type":"StackedDrg2KiBV1_1","staged_filepath":"{}","pieces":[
                {{"piece_file":"pledge","payload_size":127,"piece_size":127}},
                {{"piece_file":{{"local":"{}"}},"payload_size":300,"piece_size":508}}]}}"#,
            staged.display(),
            a.display()
        ))
        .unwrap();
        let out = stages::run("add_pieces", &task).unwrap();
        let infos: Vec<PieceInfo> = serde_json::from_str(out.get()).unwrap();
        // pledge 128 B at 0, gap to 512, the 512 B piece, then fillers 1024.
        assert_eq!(infos.iter().map(|p| p.size).collect::<Vec<_>>(), vec![127, 508, 1016]);
        assert_eq!(infos[1].commitment, commp_reader(&mut &data[..], Some(508)).unwrap().comm_p);
        let file = std::fs::read(&staged).unwrap();
        assert_eq!(file.len(), 2048);
        assert!(file[..512].iter().all(|&b| b == 0) && file[1024..].iter().all(|&b| b == 0));
        let mut s = Vec::new();
        let pieces: Vec<([u8; 32], u64)> = infos.iter().map(|p| (p.commitment, fr32::to_padded_size(p.size))).collect();
        assert_eq!(comm_d_from_pieces(2048, &pieces).unwrap(), subtree_root(&file, &mut s));
        // Output JSON shape: [{commitment:[32 numbers], size}]
        assert!(out.get().starts_with(r#"[{"commitment":[55,49,187,"#));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn cc_sector_and_bad_inputs() {
        let dir = tmpdir("cc");
        let staged = dir.join("cc");
        let infos = add_pieces(&SealProof::by_id(5).unwrap(), &[], &staged).unwrap();
        assert_eq!(infos, vec![PieceInfo { commitment: zero_comm_for_size(2048), size: 2032 }]);
        assert_eq!(std::fs::metadata(&staged).unwrap().len(), 2048);
        let bad = |json: &str| stages::run("add_pieces", &crate::json::parse(json).unwrap()).unwrap_err();
        let p = staged.display();
        let e = bad(&format!(r#"{{"seal_proof_type":"StackedDrg2KiBV1_1","staged_filepath":"{p}","pieces":[{{"piece_file":"pledge","payload_size":1,"piece_size":1000}}]}}"#));
        assert!(e.contains("pieces[0].piece_size") && e.contains("1000"), "{e}");
        let e = bad(&format!(r#"{{"seal_proof_type":"StackedDrg2KiBV1_1","staged_filepath":"{p}","pieces":[{{"piece_file":{{"local":"/no/such.car"}},"payload_size":1,"piece_size":127}}]}}"#));
        assert!(e.contains("/no/such.car"), "{e}");
        let e = bad(&format!(r#"{{"seal_proof_type":"StackedDrg2KiBV1_1","staged_filepath":"{p}","pieces":[{{"piece_file":"pledge","payload_size":1,"piece_size":4064}}]}}"#));
        assert!(e.contains("more than the sector size"), "{e}");
        let e = bad(&format!(r#"{{"seal_proof_type":"StackedDrg3KiBV1","staged_filepath":"{p}","pieces":[]}}"#));
        assert!(e.contains("seal_proof_type"), "{e}");
        let e = bad(r#"{"seal_proof_type":"StackedDrg2KiBV1_1","pieces":[]}"#);
        assert!(e.contains("staged_filepath"), "{e}");
        let e = bad(&format!(r#"{{"seal_proof_type":"StackedDrg2KiBV1_1","staged_filepath":"{p}","pieces":[{{"piece_file":"x","payload_size":1,"piece_size":127}}]}}"#));
        assert!(e.contains("pieces[0].piece_file"), "{e}");
        // A short source fails and leaves the previous staged file untouched and no temp file behind.
        let short = dir.join("short.car");
        std::fs::write(&short, [1u8; 10]).unwrap();
        let e = bad(&format!(r#"{{"seal_proof_type":"StackedDrg2KiBV1_1","staged_filepath":"{p}","pieces":[{{"piece_file":{{"local":"{}"}},"payload_size":100,"piece_size":127}}]}}"#, short.display()));
        assert!(e.contains("short.car") && e.contains("payload_size"), "{e}");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
