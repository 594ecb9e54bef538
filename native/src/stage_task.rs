//! What a stage is to the registry (`stages.rs`): a task type read from the task JSON, run into an output type
//! that is written back as JSON. Each stage's module implements it for its task type.

use serde::Serialize;
use serde_json::Value;

/// One stage's task: how it is read from the task JSON, and what running it returns.
pub trait Stage: Sized {
    type Output: Serialize;
    /// Reads the task; most are `json::from_value(task)`.
    fn from_task(task: &Value) -> Result<Self, String>;
    fn run(self) -> Result<Self::Output, String>;
}
