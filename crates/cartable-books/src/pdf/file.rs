//! The file structure: numbered objects, compressed streams, cross-reference table,
//! trailer (ISO 32000-1, 7.5).

use std::io::Write as _;

use flate2::Compression;
use flate2::write::ZlibEncoder;

use super::object::{Dict, Object, Ref};

/// The compression level of every stream; fixed so that builds are reproducible.
const LEVEL: u32 = 9;

enum Body {
    Object(Object),
    Stream(Dict, Vec<u8>),
}

/// A PDF file being assembled: objects are reserved, then filled in any order.
#[derive(Default)]
pub(crate) struct File {
    objects: Vec<Option<Body>>,
}

/// An object was reserved but never written; a bug in the caller.
#[derive(Debug)]
pub(crate) struct Unwritten(pub(crate) Ref);

impl File {
    /// An empty file.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Reserves an object number, so that other objects can refer to it first.
    pub(crate) fn reserve(&mut self) -> Ref {
        self.objects.push(None);
        Ref(u32::try_from(self.objects.len()).unwrap_or(u32::MAX))
    }

    /// Writes a reserved object.
    pub(crate) fn set(&mut self, r: Ref, object: impl Into<Object>) {
        self.put(r, Body::Object(object.into()));
    }

    /// Adds an object and returns its reference.
    pub(crate) fn add(&mut self, object: impl Into<Object>) -> Ref {
        let r = self.reserve();
        self.set(r, object);
        r
    }

    /// Adds a stream, compressed with Flate, and returns its reference.
    pub(crate) fn add_stream(&mut self, dict: Dict, data: &[u8]) -> Ref {
        let r = self.reserve();
        self.put(r, Body::Stream(dict, deflate(data)));
        r
    }

    fn put(&mut self, r: Ref, body: Body) {
        let index = usize::try_from(r.0).unwrap_or(usize::MAX);
        if let Some(slot) = index.checked_sub(1).and_then(|i| self.objects.get_mut(i)) {
            *slot = Some(body);
        }
    }

    /// Serialises the file: header, objects, xref table and trailer.
    ///
    /// The `/ID` is a hash of everything before the cross-reference table, so that
    /// the same objects always give the same file.
    pub(crate) fn finish(self, root: Ref, info: Ref) -> Result<Vec<u8>, Unwritten> {
        let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::with_capacity(self.objects.len());
        for (index, body) in self.objects.iter().enumerate() {
            let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
            let body = body.as_ref().ok_or(Unwritten(Ref(number)))?;
            offsets.push(out.len());
            write_object(number, body, &mut out);
        }
        let id = fnv128(&out).to_vec();
        let xref_at = out.len();
        out.extend_from_slice(format!("xref\n0 {}\n", offsets.len() + 1).as_bytes());
        out.extend_from_slice(b"0000000000 65535 f\r\n");
        for offset in offsets {
            out.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
        }
        let trailer = Dict::new()
            .with("Size", self.objects.len() + 1)
            .with("Root", root)
            .with("Info", info)
            .with("ID", vec![Object::Hex(id.clone()), Object::Hex(id)]);
        out.extend_from_slice(b"trailer\n");
        Object::from(trailer).write(&mut out);
        out.push(b'\n');
        out.extend_from_slice(format!("startxref\n{xref_at}\n%%EOF\n").as_bytes());
        Ok(out)
    }
}

fn write_object(number: u32, body: &Body, out: &mut Vec<u8>) {
    out.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
    match body {
        Body::Object(object) => object.write(out),
        Body::Stream(dict, data) => {
            let dict = dict.clone().with("Filter", Object::name("FlateDecode")).with("Length", data.len());
            Object::from(dict).write(out);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(data);
            out.extend_from_slice(b"\nendstream");
        }
    }
    out.extend_from_slice(b"\nendobj\n");
}

/// Compresses with zlib at a fixed level.
fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::new(LEVEL));
    encoder.write_all(data).expect("writing into a Vec cannot fail");
    encoder.finish().expect("writing into a Vec cannot fail")
}

/// The 128-bit FNV-1a hash: small, stable, and enough to tell files apart.
fn fnv128(data: &[u8]) -> [u8; 16] {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let hash = data.iter().fold(OFFSET, |hash, &byte| (hash ^ u128::from(byte)).wrapping_mul(PRIME));
    hash.to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xref_offsets_point_at_their_objects() {
        let mut file = File::new();
        let info = file.add(Dict::new().with("Title", Object::text("t")));
        let root = file.reserve();
        file.set(root, Dict::typed("Catalog"));
        let bytes = file.finish(root, info).expect("every object is written");
        let head = b"xref\n0 3\n";
        let xref =
            bytes.windows(head.len()).position(|w| w == head).expect("an xref table of three entries") + head.len();
        for number in 1..=2 {
            let entry = &bytes[xref + 20 * number..xref + 20 * (number + 1)];
            assert!(entry.ends_with(b" n\r\n"), "an in-use entry is 20 bytes ending in CR LF");
            let offset: usize = String::from_utf8_lossy(&entry[..10]).parse().expect("a decimal offset");
            let expected = format!("{number} 0 obj");
            assert!(
                bytes[offset..].starts_with(expected.as_bytes()),
                "offset of object {number} must point at its header"
            );
        }
        assert!(String::from_utf8_lossy(&bytes).contains("/ID [<"), "the trailer carries an /ID");
    }

    #[test]
    fn an_unwritten_object_is_reported() {
        let mut file = File::new();
        let root = file.reserve();
        let info = file.add(Dict::new());
        assert!(file.finish(root, info).is_err(), "object 1 was never written");
    }

    #[test]
    fn the_hash_is_the_reference_fnv1a_128() {
        // FNV-1a 128 of the empty input is its offset basis.
        assert_eq!(fnv128(b""), 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d_u128.to_be_bytes());
    }
}
