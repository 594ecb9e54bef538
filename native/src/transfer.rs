//! Transfer: damocles' builtin `transfer` processor (vc-processors `builtin/processors/transfer`), the stage the
//! worker sends a sealed sector's persist routes to when `[[processors.transfer]]` is configured.
//!
//! Task (damocles §4.4): `{stores:{<name>:{name, meta}}, routes:[{src:{store_name?, uri}, dest:{store_name?, uri},
//! opt?:{is_dir, allow_link}}]}`; the output is `true`. Both uris must be absolute paths and src must exist. A
//! `store_name` must name an entry of `stores` (the builtin only reaches file-system stores, so it is otherwise
//! informational; `meta` is for custom processors). An existing dest of the same kind is replaced; one of the other
//! kind is an error. `allow_link` without `--disable_link` (or env `DISABLE_LINK`) makes a symlink; otherwise files
//! are copied to a temp name beside dest, fsynced and renamed, so a crash never leaves a half file under the final
//! name, and directories are copied the same way into a temp directory that is renamed into place. Without `opt`
//! the kind follows src and no link is made. Every error names the route index and field.

use crate::json::Json;
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

fn item_path(item: &Json, what: &str, stores: Option<&Json>) -> Result<PathBuf, String> {
    let uri = item.field_str("uri").map_err(|e| format!("{what}: {e}"))?;
    if !Path::new(uri).is_absolute() {
        return Err(format!("{what}.uri: expected an absolute path, got {uri:?}"));
    }
    match item.get("store_name") {
        None | Some(Json::Null) => {}
        Some(Json::Str(name)) => {
            if stores.and_then(|s| s.get(name)).is_none() {
                return Err(format!("{what}.store_name: {name:?} is not a key of `stores`"));
            }
        }
        Some(other) => {
            return Err(format!(
                "{what}.store_name: expected a string or null, got {}",
                other.kind()
            ))
        }
    }
    Ok(PathBuf::from(uri))
}

/// Checks the task's shape and returns its routes, naming the first bad field.
pub fn parse_task(task: &Json) -> Result<Vec<Route>, String> {
    let stores = match task.get("stores") {
        None | Some(Json::Null) => None,
        Some(s @ Json::Obj(pairs)) => {
            for (key, info) in pairs {
                let name = info.field_str("name").map_err(|e| format!("stores.{key}: {e}"))?;
                if name != key {
                    return Err(format!("stores.{key}.name: expected {key:?}, got {name:?}"));
                }
                match info.get("meta") {
                    None | Some(Json::Null) | Some(Json::Obj(_)) => {}
                    Some(other) => {
                        return Err(format!(
                            "stores.{key}.meta: expected an object or null, got {}",
                            other.kind()
                        ))
                    }
                }
            }
            Some(s)
        }
        Some(other) => return Err(format!("field `stores`: expected an object, got {}", other.kind())),
    };
    let routes = task.field_array("routes")?;
    if routes.is_empty() {
        return Err("field `routes`: expected at least one route".into());
    }
    routes
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let src = item_path(
                r.field("src").map_err(|e| format!("routes[{i}]: {e}"))?,
                &format!("routes[{i}].src"),
                stores,
            )?;
            let dest = item_path(
                r.field("dest").map_err(|e| format!("routes[{i}]: {e}"))?,
                &format!("routes[{i}].dest"),
                stores,
            )?;
            let (is_dir, allow_link) = match r.get("opt") {
                None | Some(Json::Null) => (None, false),
                Some(opt @ Json::Obj(_)) => {
                    let flag = |k: &str| match opt.get(k) {
                        None | Some(Json::Null) => Ok(false),
                        Some(Json::Bool(b)) => Ok(*b),
                        Some(other) => Err(format!("routes[{i}].opt.{k}: expected a boolean, got {}", other.kind())),
                    };
                    (Some(flag("is_dir")?), flag("allow_link")?)
                }
                Some(other) => {
                    return Err(format!(
                        "routes[{i}].opt: expected an object or null, got {}",
                        other.kind()
                    ))
                }
            };
            if src == dest {
                return Err(format!("routes[{i}]: src and dest are the same path {}", src.display()));
            }
            Ok(Route {
                src,
                dest,
                is_dir,
                allow_link,
            })
        })
        .collect()
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
pub fn transfer(task: &Json, disable_link: bool) -> Result<Json, String> {
    let routes = parse_task(task)?;
    for (i, r) in routes.iter().enumerate() {
        transfer_route(i, r, disable_link)?;
    }
    Ok(Json::Bool(true))
}

/// Stage `transfer`.
pub fn stage(task: &Json) -> Result<Json, String> {
    transfer(task, links_disabled())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("sealfarm-transfer-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    fn route(src: &Path, dest: &Path, opt: Option<(bool, bool)>) -> Json {
        let mut pairs = vec![
            (
                "src",
                Json::obj(vec![
                    ("store_name", Json::Null),
                    ("uri", Json::str(src.to_str().unwrap())),
                ]),
            ),
            (
                "dest",
                Json::obj(vec![
                    ("store_name", Json::str("p1")),
                    ("uri", Json::str(dest.to_str().unwrap())),
                ]),
            ),
        ];
        if let Some((is_dir, allow_link)) = opt {
            pairs.push((
                "opt",
                Json::obj(vec![
                    ("is_dir", Json::Bool(is_dir)),
                    ("allow_link", Json::Bool(allow_link)),
                ]),
            ));
        }
        Json::obj(pairs)
    }

    fn task(routes: Vec<Json>) -> Json {
        let meta = Json::obj(vec![("kind", Json::str("fs"))]);
        Json::obj(vec![
            (
                "stores",
                Json::obj(vec![("p1", Json::obj(vec![("name", Json::str("p1")), ("meta", meta)]))]),
            ),
            ("routes", Json::Arr(routes)),
        ])
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
        assert_eq!(transfer(&t, true).unwrap(), Json::Bool(true));
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
        let err = |t: Json| transfer(&t, true).unwrap_err();
        let f = d.join("f");
        assert!(err(task(vec![])).contains("routes"));
        assert!(
            err(Json::obj(vec![("stores", Json::obj(Vec::<(&str, Json)>::new()))])).contains("missing field `routes`")
        );
        let rel = route(Path::new("rel/path"), &d.join("x"), None);
        assert!(err(task(vec![route(&f, &d.join("y"), None), rel]))
            .contains("routes[1].src.uri: expected an absolute path"));
        assert!(err(task(vec![route(&d.join("missing"), &d.join("x"), None)])).contains("routes[0].src.uri"));
        assert!(err(task(vec![route(&f, &d.join("x"), Some((true, false)))])).contains("routes[0].opt.is_dir"));
        assert!(err(task(vec![route(&f, &d.join("adir"), None)])).contains("routes[0].dest.uri"));
        assert!(err(task(vec![route(&f, &f, None)])).contains("same path"));
        let other_store = Json::obj(vec![("routes", Json::Arr(vec![route(&f, &d.join("x"), None)]))]);
        assert!(err(other_store).contains("routes[0].dest.store_name: \"p1\" is not a key of `stores`"));
        let bad_opt = Json::obj(vec![
            ("src", Json::obj(vec![("uri", Json::str(f.to_str().unwrap()))])),
            (
                "dest",
                Json::obj(vec![("uri", Json::str(d.join("x").to_str().unwrap()))]),
            ),
            ("opt", Json::obj(vec![("is_dir", Json::str("no"))])),
        ]);
        assert!(err(task(vec![bad_opt])).contains("routes[0].opt.is_dir: expected a boolean"));
        // nothing was written by the rejected tasks
        assert!(!d.join("x").exists() && !d.join("y").exists());
        fs::remove_dir_all(&d).unwrap();
    }
}
