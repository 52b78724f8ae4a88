//! Where the library lives, decided from what the shell read (the core reads no environment).

use std::path::PathBuf;

/// `--home DIR`, else `$CARTABLE_HOME`, else `$XDG_DATA_HOME/cartable`, else
/// `$HOME/.local/share/cartable`. Empty values count as unset. `None` when nothing is known.
pub fn resolve(
    flag: Option<PathBuf>,
    cartable_home: Option<std::ffi::OsString>,
    xdg_data_home: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    let set = |v: Option<std::ffi::OsString>| v.filter(|v| !v.is_empty()).map(PathBuf::from);
    flag.or_else(|| set(cartable_home))
        .or_else(|| set(xdg_data_home).map(|d| d.join("cartable")))
        .or_else(|| set(home).map(|h| h.join(".local/share/cartable")))
}

/// [`resolve`] with this process's environment, for shells.
pub fn from_env(flag: Option<PathBuf>) -> Option<PathBuf> {
    resolve(flag, std::env::var_os("CARTABLE_HOME"), std::env::var_os("XDG_DATA_HOME"), std::env::var_os("HOME"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_wins_then_the_variables_in_order() {
        let os = |s: &str| Some(std::ffi::OsString::from(s));
        assert_eq!(resolve(Some("/a".into()), os("/b"), os("/c"), os("/d")), Some("/a".into()));
        assert_eq!(resolve(None, os("/b"), os("/c"), os("/d")), Some("/b".into()));
        assert_eq!(resolve(None, os(""), os("/c"), os("/d")), Some("/c/cartable".into()), "empty means unset");
        assert_eq!(resolve(None, None, None, os("/d")), Some("/d/.local/share/cartable".into()));
        assert_eq!(resolve(None, None, None, None), None);
    }
}
