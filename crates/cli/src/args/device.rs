//! Arguments of the device and document commands.

use std::path::PathBuf;

use clap::Subcommand;

/// Document commands.
#[derive(Debug, Subcommand)]
pub enum DocCmd {
    /// List documents.
    List,
    /// Write the raw Automerge bytes of one document to a file.
    Export {
        /// Document id.
        doc_id: String,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Device commands.
#[derive(Debug, Subcommand)]
pub enum DeviceCmd {
    /// Show this device's name and actor id.
    Show,
    /// Rename this device.
    Rename {
        /// New name.
        name: String,
    },
}
