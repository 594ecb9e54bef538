//! Stacked DRG (SDR) labelling, PreCommit1: the graph (DRG bucket-sampling parents with ChaCha8, expander parents
//! with a BLAKE2b Feistel permutation), the shared parent cache file, the labels of every layer, and the pc1 stage.

pub mod blake2b;
pub mod cache;
pub mod chacha8;
pub mod feistel;
pub mod graph;
pub mod huge_pages;
pub mod labels;
pub mod labels_pipelined;
pub mod layers;
pub mod pc1;
