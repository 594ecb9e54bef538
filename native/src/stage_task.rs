//! What a stage is to the registry (`stages.rs`): a task type read from the task JSON (serde), run into an output
//! type that is written back as JSON. Each stage's module implements it for its task type.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// One stage's task and what running it returns.
pub trait Stage: DeserializeOwned {
    type Output: Serialize;
    fn run(self) -> Result<Self::Output, String>;
}
