//! Text as it goes into the library and the search index.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Cleans text extracted from a page or a section: words split by a soft hyphen at a line end
/// are joined again, ligatures become their letters (ﬁ → fi), control characters go, line
/// ends are `\n`, runs of blank lines shrink to one, and the result is NFC.
pub fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // A soft hyphen (or PDFium's U+0002 marker for one) joins a word across a line
            // break; elsewhere it is invisible.
            '\u{AD}' | '\u{2}' => {
                while chars.peek().is_some_and(|n| matches!(n, '\r' | '\n')) {
                    chars.next();
                }
            }
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(c),
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '\u{FFFE}' | '\u{FFFF}' | '\u{FEFF}' | '\u{FFFD}' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    let mut tidy = String::with_capacity(out.len());
    let mut blank_lines = 0;
    for line in out.split('\n') {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_lines += 1;
            if blank_lines > 1 || tidy.is_empty() {
                continue;
            }
        } else {
            blank_lines = 0;
        }
        if !tidy.is_empty() {
            tidy.push('\n');
        }
        tidy.push_str(line);
    }
    tidy.trim_end().nfc().collect()
}

/// Lower case without accents: how titles are matched when someone types them.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Appends `c` in lower case without its accents (`É` → `e`, `œ` → `oe`), as the search
/// index compares words. ASCII, the common Latin letters and combining marks take a fast
/// path; other characters go through Unicode decomposition.
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let base = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => 'y',
        'œ' | 'Œ' => return out.push_str("oe"),
        'æ' | 'Æ' => return out.push_str("ae"),
        c if is_combining_mark(c) => return,
        c => {
            for d in std::iter::once(c).nfd().filter(|d| !is_combining_mark(*d)) {
                out.extend(d.to_lowercase());
            }
            return;
        }
    };
    out.push(base);
}

/// The most frequent words of the languages pupils' books are most often in.
const STOPWORDS: &[(&str, &[&str])] = &[
    (
        "fr",
        &[
            "le", "la", "les", "des", "est", "une", "et", "dans", "pour", "que", "qui", "du", "sur", "pas", "avec",
            "sont",
        ],
    ),
    ("en", &["the", "and", "of", "to", "is", "in", "that", "it", "for", "with", "as", "are", "this", "be", "on", "by"]),
    (
        "de",
        &[
            "der", "die", "und", "das", "ist", "nicht", "mit", "den", "ein", "eine", "auf", "sich", "dem", "zu", "für",
            "von",
        ],
    ),
    (
        "es",
        &["el", "los", "las", "que", "y", "en", "del", "por", "una", "con", "para", "es", "se", "al", "como", "más"],
    ),
    (
        "it",
        &["il", "di", "che", "e", "della", "per", "una", "sono", "gli", "nel", "del", "con", "non", "le", "si", "alla"],
    ),
];

/// A guess at the language of a text from its most common words, for books whose metadata
/// does not say. `None` when the sample is too small or no language stands out.
pub fn guess_language(sample: &str) -> Option<&'static str> {
    let words: Vec<String> = sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(20_000)
        .map(str::to_lowercase)
        .collect();
    if words.len() < 50 {
        return None;
    }
    let mut scores: Vec<(usize, &str)> = STOPWORDS
        .iter()
        .map(|(lang, list)| (words.iter().filter(|w| list.contains(&w.as_str())).count(), *lang))
        .collect();
    scores.sort_by_key(|s| std::cmp::Reverse(s.0));
    let (best, lang) = scores[0];
    let second = scores[1].0;
    // A clear winner over at least 5 % of the words.
    (best * 20 >= words.len() && best >= second * 2).then_some(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_table() {
        let cases = [
            ("exer\u{AD}\r\ncice", "exercice", "a soft hyphen at a line end joins the word"),
            ("exer\u{2}\r\ncice", "exercice", "PDFium's hyphen marker joins the word too"),
            ("la\u{AD}bas", "labas", "a soft hyphen inside a line is invisible"),
            ("ligne 1\r\nligne 2", "ligne 1\nligne 2", "CRLF becomes LF"),
            ("a\u{0}b\u{7}c", "a b c", "control characters become spaces"),
            ("\u{FB01}n de la dé\u{FB01}nition", "fin de la définition", "ligatures become letters"),
            ("e\u{301}le\u{300}ve", "élève", "decomposed accents are composed (NFC)"),
            ("a\n\n\n\nb\n\n", "a\n\nb", "blank lines shrink to one and trail off"),
        ];
        for (raw, want, why) in cases {
            assert_eq!(clean(raw), want, "{why}");
        }
    }

    #[test]
    fn guess_language_recognises_french_and_english() {
        let fr = "Le périmètre d'un polygone est la longueur de son contour. Les élèves mesurent les côtés et ajoutent les longueurs. ".repeat(5);
        let en = "The perimeter of a polygon is the length of its outline, and pupils add the lengths of the sides. "
            .repeat(5);
        assert_eq!(guess_language(&fr), Some("fr"));
        assert_eq!(guess_language(&en), Some("en"));
        assert_eq!(guess_language("trop court"), None, "a few words are not enough to tell");
    }

    #[test]
    fn fold_ignores_case_and_accents() {
        assert_eq!(fold("ÉLÈVE Français"), "eleve francais");
        assert_eq!(fold("e\u{301}le\u{300}ve"), "eleve", "decomposed accents fold too");
        assert_eq!(fold("Œuvre ŒIL ßÅ Ğ Ж"), "oeuvre oeil ßa g ж", "beyond ASCII: ligatures, other scripts");
    }
}
