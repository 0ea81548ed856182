//! 核查任务: lists pushed from above become tasks for the villages.
//!
//! Fixtures are made here: a workbook with rust_xlsxwriter (a merged title row above the
//! header, full-width digits, a lower-case x, an ID number Excel already turned into
//! 1.10105E+17) and a GBK CSV by hand. Rows are matched by ID number, phone and name within
//! the village, or stay on the township's list; importing again adds nothing. The township
//! sees what each column was taken for before importing and overrides it (`--map`), and hands
//! a row of its list to a village (`tasks assign`). Through a real
//! relay on 127.0.0.1: a grid worker answers offline, syncs, and the township sees the answer
//! and exports the feedback sheet, read back by openpyxl. A grid worker's device can neither
//! make a task nor answer another village's: the relay refuses both. A row the township
//! assigns reaches that village's grid worker only.

mod lists;
mod relay;

use std::path::{Path, PathBuf};

use automerge::{ActorId, Automerge};
use gridbook_tests::forge::{self, create_in, doc_of, uuid};
use gridbook_tests::procs::Data;
use gridbook_tests::python::python_json;
use gridbook_tests::township::Township;
use gridbook_tests::{array, mainland_id, str_of, with_wrong_check_char};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};
use serde_json::Value;
