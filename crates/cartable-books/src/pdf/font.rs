//! The three standard Helvetica faces, their WinAnsi encoding and their advance widths.
//!
//! Nothing is embedded: every PDF viewer carries Helvetica (or a metric-compatible
//! substitute). The widths below are the advance widths of the Adobe Helvetica AFM
//! files, in thousandths of the font size. Accented letters take the width of their
//! base letter, which is what the AFM gives for Helvetica anyway.

/// A face of the Helvetica family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Face {
    Regular,
    Bold,
    Oblique,
}

impl Face {
    /// Every face, in the order of their resource names.
    pub(crate) const ALL: [Face; 3] = [Face::Regular, Face::Bold, Face::Oblique];

    /// The name under which the face appears in the page resources.
    pub(crate) fn resource(self) -> &'static str {
        match self {
            Face::Regular => "F1",
            Face::Bold => "F2",
            Face::Oblique => "F3",
        }
    }

    /// The PostScript name of the standard font.
    pub(crate) fn base_font(self) -> &'static str {
        match self {
            Face::Regular => "Helvetica",
            Face::Bold => "Helvetica-Bold",
            Face::Oblique => "Helvetica-Oblique",
        }
    }
}

/// First and last codes described by the `/Widths` array of each font.
pub(crate) const FIRST_CODE: u8 = 32;
pub(crate) const LAST_CODE: u8 = 255;

/// The characters of WinAnsiEncoding between 0x80 and 0x9F; the others are Latin-1.
const WIN_ANSI_HIGH: [(u8, char); 27] = [
    (0x80, '€'),
    (0x82, '‚'),
    (0x83, 'ƒ'),
    (0x84, '„'),
    (0x85, '…'),
    (0x86, '†'),
    (0x87, '‡'),
    (0x88, 'ˆ'),
    (0x89, '‰'),
    (0x8A, 'Š'),
    (0x8B, '‹'),
    (0x8C, 'Œ'),
    (0x8E, 'Ž'),
    (0x91, '‘'),
    (0x92, '’'),
    (0x93, '“'),
    (0x94, '”'),
    (0x95, '•'),
    (0x96, '–'),
    (0x97, '—'),
    (0x98, '˜'),
    (0x99, '™'),
    (0x9A, 'š'),
    (0x9B, '›'),
    (0x9C, 'œ'),
    (0x9E, 'ž'),
    (0x9F, 'Ÿ'),
];

/// The WinAnsi code of a character, if the standard fonts can print it.
///
/// The no-break space is printed as an ordinary space: it only matters to line
/// breaking, and a plain space keeps the extracted text easy to search.
pub(crate) fn encode(c: char) -> Option<u8> {
    match u32::from(c) {
        0x20..=0x7E => u8::try_from(u32::from(c)).ok(),
        0xA0 => Some(b' '),
        0xA1..=0xFF => u8::try_from(u32::from(c)).ok(),
        _ => WIN_ANSI_HIGH.iter().find(|(_, ch)| *ch == c).map(|(code, _)| *code),
    }
}

/// The character printed for a WinAnsi code, if the code is defined.
pub(crate) fn decode(code: u8) -> Option<char> {
    match code {
        0x20..=0x7E | 0xA0..=0xFF => Some(char::from(code)),
        _ => WIN_ANSI_HIGH.iter().find(|(c, _)| *c == code).map(|(_, ch)| *ch),
    }
}

/// Advance widths of the printable ASCII characters (32 to 126), Helvetica.
const REGULAR_ASCII: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space - /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0 - 9
    278, 278, 584, 584, 584, 556, 1015, // : - @
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A - M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N - Z
    278, 278, 278, 469, 556, 333, // [ - `
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a - m
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n - z
    334, 260, 334, 584, // { - ~
];

/// Advance widths of the printable ASCII characters (32 to 126), Helvetica-Bold.
const BOLD_ASCII: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // space - /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0 - 9
    333, 333, 584, 584, 584, 611, 975, // : - @
    722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, // A - M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N - Z
    333, 278, 333, 584, 556, 333, // [ - `
    556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, // a - m
    611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, // n - z
    389, 280, 389, 584, // { - ~
];

/// The unaccented letter whose width an accented letter shares.
fn base_letter(c: char) -> Option<char> {
    let base = match c {
        'À'..='Å' => 'A',
        'Ç' => 'C',
        'È'..='Ë' => 'E',
        'Ì'..='Ï' => 'I',
        // The accented i is drawn on the dotless i, which is wider than i.
        'ì'..='ï' => 'ı',
        'Ñ' => 'N',
        'Ò'..='Ö' | 'Ø' => 'O',
        'Ù'..='Ü' => 'U',
        'Ý' | 'Ÿ' => 'Y',
        'Š' => 'S',
        'Ž' => 'Z',
        'à'..='å' => 'a',
        'ç' => 'c',
        'è'..='ë' => 'e',
        'ñ' => 'n',
        'ò'..='ö' => 'o',
        'ù'..='ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'š' => 's',
        'ž' => 'z',
        _ => return None,
    };
    Some(base)
}

/// Widths of the remaining WinAnsi glyphs, as (character, regular, bold).
const SYMBOLS: [(char, u16, u16); 56] = [
    ('\u{A0}', 278, 278),
    ('€', 556, 556),
    ('‚', 222, 278),
    ('ƒ', 556, 556),
    ('„', 333, 500),
    ('…', 1000, 1000),
    ('†', 556, 556),
    ('‡', 556, 556),
    ('ˆ', 333, 333),
    ('‰', 1000, 1000),
    ('‹', 333, 333),
    ('Œ', 1000, 1000),
    ('‘', 222, 278),
    ('’', 222, 278),
    ('“', 333, 500),
    ('”', 333, 500),
    ('•', 350, 350),
    ('–', 556, 556),
    ('—', 1000, 1000),
    ('˜', 333, 333),
    ('™', 1000, 1000),
    ('›', 333, 333),
    ('œ', 944, 944),
    ('¡', 333, 333),
    ('¢', 556, 556),
    ('£', 556, 556),
    ('¤', 556, 556),
    ('¥', 556, 556),
    ('¦', 260, 280),
    ('§', 556, 556),
    ('¨', 333, 333),
    ('©', 737, 737),
    ('ª', 370, 370),
    ('«', 556, 556),
    ('¬', 584, 584),
    ('\u{AD}', 333, 333),
    ('®', 737, 737),
    ('¯', 333, 333),
    ('°', 400, 400),
    ('±', 584, 584),
    ('²', 333, 333),
    ('³', 333, 333),
    ('´', 333, 333),
    ('µ', 578, 611),
    ('¶', 537, 556),
    ('·', 278, 278),
    ('¸', 333, 333),
    ('¹', 333, 333),
    ('º', 365, 365),
    ('»', 556, 556),
    ('¼', 834, 834),
    ('½', 834, 834),
    ('¾', 834, 834),
    ('¿', 611, 611),
    ('×', 584, 584),
    ('÷', 584, 584),
];

/// Letters without an unaccented base: (character, regular, bold).
const LETTERS: [(char, u16, u16); 9] = [
    ('ı', 278, 278),
    ('Æ', 1000, 1000),
    ('Ð', 722, 722),
    ('Þ', 667, 667),
    ('ß', 611, 611),
    ('æ', 889, 889),
    ('ð', 556, 611),
    ('ø', 611, 611),
    ('þ', 556, 611),
];

/// The advance width of a character in thousandths of the font size.
///
/// A character the fonts cannot print counts as a full em, so that an error
/// elsewhere never makes a line overflow.
pub(crate) fn advance(face: Face, c: char) -> u16 {
    let c = base_letter(c).unwrap_or(c);
    let bold = face == Face::Bold;
    if let Some(index) =
        u32::from(c).checked_sub(32).and_then(|i| usize::try_from(i).ok()).filter(|i| *i < REGULAR_ASCII.len())
    {
        return if bold { BOLD_ASCII[index] } else { REGULAR_ASCII[index] };
    }
    SYMBOLS
        .iter()
        .chain(LETTERS.iter())
        .find(|(ch, _, _)| *ch == c)
        .map_or(1000, |(_, regular, bold_width)| if bold { *bold_width } else { *regular })
}

/// The width of a string set in `face` at `size` points.
pub(crate) fn text_width(face: Face, size: f64, text: &str) -> f64 {
    let units: u32 = text.chars().map(|c| u32::from(advance(face, c))).sum();
    f64::from(units) * size / 1000.0
}

/// The `/Widths` entries from [`FIRST_CODE`] to [`LAST_CODE`]; undefined codes are 0.
pub(crate) fn widths(face: Face) -> Vec<u16> {
    (FIRST_CODE..=LAST_CODE).map(|code| decode(code).map_or(0, |c| advance(face, c))).collect()
}

/// The first character of `text` that the standard fonts cannot print.
pub(crate) fn unprintable(text: &str) -> Option<char> {
    text.chars().find(|c| encode(*c).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_letters_and_signs_are_encoded_in_win_ansi() {
        let cases = [
            ('é', 0xE9),
            ('è', 0xE8),
            ('ê', 0xEA),
            ('à', 0xE0),
            ('ù', 0xF9),
            ('ç', 0xE7),
            ('œ', 0x9C),
            ('Œ', 0x8C),
            ('«', 0xAB),
            ('»', 0xBB),
            ('’', 0x92),
            ('–', 0x96),
            ('×', 0xD7),
            ('°', 0xB0),
        ];
        for (c, code) in cases {
            assert_eq!(encode(c), Some(code), "{c} must map to its WinAnsi code");
            assert_eq!(decode(code), Some(c), "{code:#x} must decode back to {c}");
        }
    }

    #[test]
    fn no_break_space_prints_as_a_space_and_math_signs_are_refused() {
        assert_eq!(encode('\u{A0}'), Some(b' '), "a no-break space prints as a space");
        assert_eq!(unprintable("a ≤ b"), Some('≤'), "≤ is not in WinAnsi");
        assert_eq!(unprintable("Œuvre « élève »"), None);
    }

    #[test]
    fn accented_letters_take_the_width_of_their_base_letter() {
        assert_eq!(advance(Face::Regular, 'é'), advance(Face::Regular, 'e'));
        assert_eq!(advance(Face::Bold, 'Ç'), advance(Face::Bold, 'C'));
        assert_eq!(advance(Face::Regular, 'W'), 944);
        assert_eq!(advance(Face::Bold, 'm'), 889);
    }

    #[test]
    fn widths_cover_every_code_of_the_font_dictionary() {
        let list = widths(Face::Regular);
        assert_eq!(list.len(), usize::from(LAST_CODE - FIRST_CODE) + 1);
        assert_eq!(list[usize::from(b'A' - FIRST_CODE)], 667, "A is 667 units wide");
        assert_eq!(list[usize::from(0x81 - FIRST_CODE)], 0, "0x81 is undefined");
    }
}
