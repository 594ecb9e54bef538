//! Transfer: damocles' builtin `transfer` processor (vc-processors `builtin/processors/transfer`), the stage the
//! worker sends a sealed sector's persist routes to when `[[processors.transfer]]` is configured.
//!
//! Task (damocles' `TransferTask`): `{stores:{<name>:{name, meta}}, routes:[{src:{store_name?, uri}, dest:{store_name?, uri},
//! opt?:{is_dir, allow_link}}]}`; the output is `true`. Both uris must be absolute paths and src must exist. A
//! `store_name` must name an entry of `stores` (the builtin only reaches file-system stores, so it is otherwise
//! informational; `meta` is for custom processors). An existing dest of the same kind is replaced; one of the other
//! kind is an error. `allow_link` without `--disable_link` (or env `DISABLE_LINK`) makes a symlink; otherwise files
//! are copied to a temp name beside dest, fsynced and renamed, so a crash never leaves a half file under the final
//! name, and directories are copied the same way into a temp directory that is renamed into place. Without `opt`
//! the kind follows src and no link is made. Every error names the route index and field.

use crate::stage_task::Stage;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Set by `processor transfer --disable_link` / `run transfer --disable_link`.
pub static DISABLE_LINK: AtomicBool = AtomicBool::new(false);

/// `--disable_link` was given, or env `DISABLE_LINK` is set to anything but "", "0" or "false".
pub fn links_disabled() -> bool {
    if DISABLE_LINK.load(Ordering::Relaxed) {
        return true;
    }
    match std::env::var("DISABLE_LINK") {
        Ok(v) => !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "0" | "false"),
        Err(_) => false,
    }
}

/// One parsed route.
#[derive(Debug, PartialEq)]
pub struct Route {
    pub src: PathBuf,
    pub dest: PathBuf,
    /// `opt.is_dir`; None when `opt` is absent (the kind follows src).
    pub is_dir: Option<bool>,
    pub allow_link: bool,
}

/// damocles' `TransferStoreInfo`; `meta` is for custom processors.
#[derive(Deserialize)]
pub struct StoreInfo {
    pub name: String,
    pub meta: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Deserialize)]
pub struct TransferItem {
    pub store_name: Option<String>,
    pub uri: PathBuf,
}

#[derive(Deserialize)]
pub struct TransferOption {
    pub is_dir: Option<bool>,
    pub allow_link: Option<bool>,
}

#[derive(Deserialize)]
pub struct TransferRoute {
    pub src: TransferItem,
    pub dest: TransferItem,
    pub opt: Option<TransferOption>,
}

/// damocles' `TransferTask`.
#[derive(Deserialize)]
pub struct TransferTask {
    pub stores: Option<BTreeMap<String, StoreInfo>>,
    pub routes: Vec<TransferRoute>,
}

impl TransferTask {
    /// Checks what the types do not say and returns the routes, naming the first bad field.
    pub fn routes(&self) -> Result<Vec<Route>, String> {
        let stores = self.stores.as_ref();
        for (key, info) in stores.into_iter().flatten() {
            if info.name != *key {
                return Err(format!("stores.{key}.name: expected {key:?}, got {:?}", info.name));
            }
        }
        if self.routes.is_empty() {
            return Err("field `routes`: expected at least one route".into());
        }
        let item_path = |item: &TransferItem, what: String| -> Result<PathBuf, String> {
            if !item.uri.is_absolute() {
                return Err(format!("{what}.uri: expected an absolute path, got {:?}", item.uri));
            }
            if let Some(name) = &item.store_name {
                if !stores.is_some_and(|s| s.contains_key(name)) {
                    return Err(format!("{what}.store_name: {name:?} is not a key of `stores`"));
                }
            }
            Ok(item.uri.clone())
        };
        self.routes
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let src = item_path(&r.src, format!("routes[{i}].src"))?;
                let dest = item_path(&r.dest, format!("routes[{i}].dest"))?;
                if src == dest {
                    return Err(format!("routes[{i}]: src and dest are the same path {}", src.display()));
                }
                let (is_dir, allow_link) = match &r.opt {
                    None => (None, false),
                    Some(o) => (Some(o.is_dir.unwrap_or(false)), o.allow_link.unwrap_or(false)),
                };
                Ok(Route { src, dest, is_dir, allow_link })
            })
            .collect()
    }
}

static TMP_SEQ: AtomicU64 = AtomicU64::new(0);

/// A fresh name beside `dest` (same directory, so the rename stays on one file system).
fn tmp_beside(dest: &Path) -> PathBuf {
    let mut s = dest.as_os_str().to_owned();
    s.push(format!(
        ".transfer-tmp-{}-{}",
        std::process::id(),
        TMP_SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    PathBuf::from(s)
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Copies a file's bytes to `to` (which must not exist) and fsyncs it.
fn copy_file_synced(from: &Path, to: &Path) -> io::Result<()> {
    let mut src = File::open(from)?;
    let mut out = File::options().write(true).create_new(true).open(to)?;
    io::copy(&mut src, &mut out)?;
    out.set_permissions(src.metadata()?.permissions())?;
    out.sync_all()
}

/// Copies a directory tree into `to` (which must not exist), fsyncing every file and directory. Symlinks inside the
/// tree are recreated as symlinks with the same target.
fn copy_dir_synced(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let ty = entry.file_type()?;
        if ty.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(&src)?, &dst)?;
        } else if ty.is_dir() {
            copy_dir_synced(&src, &dst)?;
        } else {
            copy_file_synced(&src, &dst)?;
        }
    }
    sync_dir(to)
}

fn kind(is_dir: bool) -> &'static str {
    if is_dir {
        "a directory"
    } else {
        "a file"
    }
}

/// Runs one route. `i` is its index, for messages.
pub fn transfer_route(i: usize, r: &Route, disable_link: bool) -> Result<(), String> {
    let at = |p: &Path, e: io::Error| format!("routes[{i}]: {}: {e}", p.display());
    let src_meta = fs::metadata(&r.src).map_err(|e| format!("routes[{i}].src.uri: {}: {e}", r.src.display()))?;
    let src_is_dir = src_meta.is_dir();
    if let Some(want_dir) = r.is_dir {
        if want_dir != src_is_dir {
            return Err(format!(
                "routes[{i}].opt.is_dir is {want_dir} but src {} is {}",
                r.src.display(),
                kind(src_is_dir)
            ));
        }
    }
    // An existing dest of the same kind is replaced (a symlink always is); one of the other kind is left alone.
    if let Ok(m) = fs::symlink_metadata(&r.dest) {
        if m.file_type().is_symlink() {
            fs::remove_file(&r.dest).map_err(|e| at(&r.dest, e))?;
        } else if m.is_dir() != src_is_dir {
            return Err(format!(
                "routes[{i}].dest.uri: {} exists and is {}, but src is {}",
                r.dest.display(),
                kind(m.is_dir()),
                kind(src_is_dir)
            ));
        } else if m.is_dir() {
            fs::remove_dir_all(&r.dest).map_err(|e| at(&r.dest, e))?;
        }
        // an existing file is replaced by the rename below, atomically
    }
    let parent = r
        .dest
        .parent()
        .ok_or_else(|| format!("routes[{i}].dest.uri: {} has no parent", r.dest.display()))?;
    fs::create_dir_all(parent).map_err(|e| at(parent, e))?;
    if r.allow_link && !disable_link {
        if fs::symlink_metadata(&r.dest).is_ok() {
            fs::remove_file(&r.dest).map_err(|e| at(&r.dest, e))?;
        }
        std::os::unix::fs::symlink(&r.src, &r.dest).map_err(|e| at(&r.dest, e))?;
    } else {
        let tmp = tmp_beside(&r.dest);
        let copied = if src_is_dir {
            copy_dir_synced(&r.src, &tmp)
        } else {
            copy_file_synced(&r.src, &tmp)
        };
        if let Err(e) = copied.and_then(|_| fs::rename(&tmp, &r.dest)) {
            let _ = if src_is_dir {
                fs::remove_dir_all(&tmp)
            } else {
                fs::remove_file(&tmp)
            };
            return Err(format!(
                "routes[{i}]: copy {} to {}: {e}",
                r.src.display(),
                r.dest.display()
            ));
        }
    }
    sync_dir(parent).map_err(|e| at(parent, e))
}

/// The whole task: every route is checked before any is run, then run in order.
pub fn transfer(task: &TransferTask, disable_link: bool) -> Result<bool, String> {
    let routes = task.routes()?;
    for (i, r) in routes.iter().enumerate() {
        transfer_route(i, r, disable_link)?;
    }
    Ok(true)
}

impl Stage for TransferTask {
    type Output = bool;
    fn run(self) -> Result<bool, String> {
        transfer(&self, links_disabled())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("sealfarm-transfer-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    fn route(src: &Path, dest: &Path, opt: Option<(bool, bool)>) -> Value {
        let mut r = json!({"src": {"store_name": null, "uri": src}, "dest": {"store_name": "p1", "uri": dest}});
        if let Some((is_dir, allow_link)) = opt {
            r["opt"] = json!({"is_dir": is_dir, "allow_link": allow_link});
        }
        r
    }

    fn task(routes: Vec<Value>) -> Value {
        json!({"stores": {"p1": {"name": "p1", "meta": {"kind": "fs"}}}, "routes": routes})
    }

    fn transfer(task: &Value, disable_link: bool) -> Result<bool, String> {
        super::transfer(&crate::json::from_value(task)?, disable_link)
    }

    #[test]
    fn copies_files_and_dirs_replacing_same_kind() {
        let d = scratch("copy");
        fs::write(d.join("sealed"), b"sealed bytes").unwrap();
        fs::create_dir_all(d.join("cache/sub")).unwrap();
        fs::write(d.join("cache/p_aux"), b"paux").unwrap();
        fs::write(d.join("cache/sub/t"), b"t").unwrap();
        // an old dest of the same kind is replaced
        fs::create_dir_all(d.join("store/cache")).unwrap();
        fs::write(d.join("store/cache/stale"), b"old").unwrap();
        let t = task(vec![
            route(
                &d.join("sealed"),
                &d.join("store/sealed/s-t01000-1"),
                Some((false, true)),
            ),
            route(&d.join("cache"), &d.join("store/cache"), Some((true, false))),
        ]);
        assert!(transfer(&t, true).unwrap());
        let sealed = d.join("store/sealed/s-t01000-1");
        assert!(
            !fs::symlink_metadata(&sealed).unwrap().file_type().is_symlink(),
            "disable_link copies"
        );
        assert_eq!(fs::read(&sealed).unwrap(), b"sealed bytes");
        assert_eq!(fs::read(d.join("store/cache/p_aux")).unwrap(), b"paux");
        assert_eq!(fs::read(d.join("store/cache/sub/t")).unwrap(), b"t");
        assert!(!d.join("store/cache/stale").exists());
        // again, over the existing file: replaced, and no temp names are left behind
        fs::write(d.join("sealed"), b"new").unwrap();
        transfer(&task(vec![route(&d.join("sealed"), &sealed, None)]), false).unwrap();
        assert_eq!(fs::read(&sealed).unwrap(), b"new");
        let names: Vec<_> = fs::read_dir(d.join("store/sealed"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn links_when_allowed_and_not_disabled() {
        let d = scratch("link");
        fs::write(d.join("f"), b"x").unwrap();
        fs::write(d.join("dest"), b"old").unwrap();
        transfer(
            &task(vec![route(&d.join("f"), &d.join("dest"), Some((false, true)))]),
            false,
        )
        .unwrap();
        assert_eq!(fs::read_link(d.join("dest")).unwrap(), d.join("f"));
        // a link at dest is replaced by a copy when links are disabled
        transfer(
            &task(vec![route(&d.join("f"), &d.join("dest"), Some((false, true)))]),
            true,
        )
        .unwrap();
        assert!(!fs::symlink_metadata(d.join("dest")).unwrap().file_type().is_symlink());
        assert_eq!(fs::read(d.join("dest")).unwrap(), b"x");
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn bad_input_names_the_route_and_field() {
        let d = scratch("bad");
        fs::write(d.join("f"), b"x").unwrap();
        fs::create_dir_all(d.join("adir")).unwrap();
        let err = |t: Value| transfer(&t, true).unwrap_err();
        let f = d.join("f");
        assert!(err(task(vec![])).contains("routes"));
        assert!(
            err(json!({"stores": {}})).contains("missing field `routes`")
        );
        let rel = route(Path::new("rel/path"), &d.join("x"), None);
        assert!(err(task(vec![route(&f, &d.join("y"), None), rel]))
            .contains("routes[1].src.uri: expected an absolute path"));
        assert!(err(task(vec![route(&d.join("missing"), &d.join("x"), None)])).contains("routes[0].src.uri"));
        assert!(err(task(vec![route(&f, &d.join("x"), Some((true, false)))])).contains("routes[0].opt.is_dir"));
        assert!(err(task(vec![route(&f, &d.join("adir"), None)])).contains("routes[0].dest.uri"));
        assert!(err(task(vec![route(&f, &f, None)])).contains("same path"));
        let other_store = json!({"routes": [route(&f, &d.join("x"), None)]});
        assert!(err(other_store).contains("routes[0].dest.store_name: \"p1\" is not a key of `stores`"));
        let bad_opt = json!({"src": {"uri": f}, "dest": {"uri": d.join("x")}, "opt": {"is_dir": "no"}});
        assert!(err(task(vec![bad_opt])).contains("field `routes[0].opt.is_dir`: invalid type: string \"no\", expected a boolean"));
        // nothing was written by the rejected tasks
        assert!(!d.join("x").exists() && !d.join("y").exists());
        fs::remove_dir_all(&d).unwrap();
    }
}
