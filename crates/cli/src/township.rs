//! `gridbook township show|set`: the township's name and the reporting phone (监督举报电话) its
//! 公示单 print. Township staff set them; they sync to every device.

use clap::Subcommand;
use gridbook_store::Store;

use crate::args::Lang;
use crate::output::{emit, t, Failure};

/// The township record.
#[derive(Debug, Subcommand)]
pub enum TownshipCmd {
    /// The township's name and reporting phone.
    Show,
    /// Rename the township or set its reporting phone (an empty --hotline clears it).
    Set {
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// 监督举报电话 printed on every 公示单, e.g. 0818-2345678 or 12345.
        #[arg(long)]
        hotline: Option<String>,
    },
}

pub fn run(store: &Store, cmd: &TownshipCmd, json: bool, lang: Lang) -> Result<(), Failure> {
    let info = match cmd {
        TownshipCmd::Show => store.township_info()?,
        TownshipCmd::Set { name, hotline } => {
            Some(store.set_township_info(name.as_deref(), hotline.as_deref())?)
        }
    };
    emit(json, &info, || match &info {
        None => t(
            lang,
            "本设备还没有镇街数据",
            "no township on this device yet",
        ),
        Some(i) => format!(
            "{} {}：{}",
            i.name,
            t(lang, "监督举报电话", "reporting phone"),
            i.hotline.as_deref().unwrap_or("—")
        ),
    });
    Ok(())
}
