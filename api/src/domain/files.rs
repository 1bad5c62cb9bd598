//! What a file may be: the kinds of attachment, the types each takes, and the rules of a file's
//! name. A file's type is told from its bytes, never from what the client declared or the name.

/// The types a file may be, each with the extensions its name may end with (the first is the
/// one added to a name without).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileType {
    pub mime: &'static str,
    pub extensions: &'static [&'static str],
    /// A short name people know it by, for messages.
    pub label: &'static str,
}

const fn ft(
    mime: &'static str,
    extensions: &'static [&'static str],
    label: &'static str,
) -> FileType {
    FileType {
        mime,
        extensions,
        label,
    }
}

pub const PDF: FileType = ft("application/pdf", &["pdf"], "PDF");
pub const PNG: FileType = ft("image/png", &["png"], "PNG image");
pub const JPEG: FileType = ft("image/jpeg", &["jpg", "jpeg"], "JPEG image");
pub const WEBP: FileType = ft("image/webp", &["webp"], "WebP image");
pub const DOCX: FileType = ft(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    &["docx"],
    "Word document",
);
pub const XLSX: FileType = ft(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    &["xlsx"],
    "Excel workbook",
);
pub const PPTX: FileType = ft(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    &["pptx"],
    "PowerPoint presentation",
);
pub const ODT: FileType = ft(
    "application/vnd.oasis.opendocument.text",
    &["odt"],
    "OpenDocument text",
);
pub const ODS: FileType = ft(
    "application/vnd.oasis.opendocument.spreadsheet",
    &["ods"],
    "OpenDocument spreadsheet",
);
pub const ODP: FileType = ft(
    "application/vnd.oasis.opendocument.presentation",
    &["odp"],
    "OpenDocument presentation",
);
pub const MP4: FileType = ft("video/mp4", &["mp4"], "MP4 video");

/// Every type any kind takes, for telling a misnamed file.
pub const KNOWN: &[FileType] = &[PDF, PNG, JPEG, WEBP, DOCX, XLSX, PPTX, ODT, ODS, ODP, MP4];

/// What a file is attached as, which sets the types it may be and its largest size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// A workshop's material: slides, handouts, guides, a recording.
    Material,
}

impl Purpose {
    pub const ALL: &'static [Purpose] = &[Purpose::Material];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Material => "material",
        }
    }

    pub fn parse(s: &str) -> Option<Purpose> {
        Purpose::ALL.iter().copied().find(|p| p.as_str() == s)
    }

    /// The types it takes.
    pub fn types(self) -> &'static [FileType] {
        match self {
            Purpose::Material => KNOWN,
        }
    }

    /// Its largest size when the configuration says nothing.
    pub const fn default_max_bytes(self) -> u64 {
        match self {
            Purpose::Material => 200 * 1024 * 1024,
        }
    }
}

/// Where a file stands: `ready` to read, or `pending_scan` while the virus scanner has not
/// passed it (held: described and listed, not read).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileStatus {
    Ready,
    PendingScan,
}

impl FileStatus {
    pub const ALL: &'static [FileStatus] = &[FileStatus::Ready, FileStatus::PendingScan];

    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Ready => "ready",
            FileStatus::PendingScan => "pending_scan",
        }
    }
}

/// The type of a file from its first bytes, when it is one of the known ones.
pub fn sniff(head: &[u8]) -> Option<FileType> {
    let told = infer::get(head)?;
    KNOWN.iter().copied().find(|t| t.mime == told.mime_type())
}

/// The longest name kept, in characters.
pub const MAX_NAME_CHARS: usize = 255;

/// Why a name was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum NameError {
    /// Empty once the folders and blanks are taken off.
    Empty,
    /// Longer than [`MAX_NAME_CHARS`].
    TooLong,
    /// Holds a control character.
    Control,
    /// Ends with the extension of another type than its bytes are (`named`).
    Misnamed { named: FileType },
}

/// The name a file is kept under: the last part of what the client sent (no folders), trimmed,
/// with an extension that says what its bytes are: added when it has none that names a known
/// type, refused when it names another type (a PDF named `.jpg`).
pub fn file_name(raw: &str, is: FileType) -> Result<String, NameError> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw).trim();
    if base.chars().any(char::is_control) {
        return Err(NameError::Control);
    }
    let stem_only = base.trim_matches('.');
    if stem_only.is_empty() {
        return Err(NameError::Empty);
    }
    let extension = base
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| !e.is_empty());
    let name = match extension {
        Some(e) if is.extensions.contains(&e.as_str()) => base.to_owned(),
        Some(e) => match KNOWN.iter().find(|t| t.extensions.contains(&e.as_str())) {
            Some(other) => return Err(NameError::Misnamed { named: *other }),
            None => format!("{base}.{}", is.extensions[0]),
        },
        None => format!("{base}.{}", is.extensions[0]),
    };
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(NameError::TooLong);
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_comes_from_the_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), Some(PDF));
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0"),
            Some(PNG)
        );
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF\0"), Some(JPEG));
        assert_eq!(
            sniff(b"MZ\x90\0\x03\0\0\0"),
            None,
            "a Windows program is no material"
        );
        assert_eq!(sniff(b"just some words"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn a_name_is_its_last_part_with_an_extension_that_says_what_it_is() {
        assert_eq!(
            file_name("دليل إدارة المشاريع.pdf", PDF).expect("a name"),
            "دليل إدارة المشاريع.pdf"
        );
        assert_eq!(
            file_name("C:\\Users\\x\\Slides.PDF", PDF).expect("a name"),
            "Slides.PDF"
        );
        assert_eq!(
            file_name("../../etc/passwd", PDF).expect("a name"),
            "passwd.pdf"
        );
        assert_eq!(file_name("photo.jpeg", JPEG).expect("a name"), "photo.jpeg");
        assert_eq!(
            file_name("minutes.v2", PDF).expect("a name"),
            "minutes.v2.pdf"
        );
        assert_eq!(
            file_name("report.jpg", PDF),
            Err(NameError::Misnamed { named: JPEG })
        );
        assert_eq!(file_name("  ", PDF), Err(NameError::Empty));
        assert_eq!(file_name("a/b/", PDF), Err(NameError::Empty));
        assert_eq!(file_name("...", PDF), Err(NameError::Empty));
        assert_eq!(file_name("a\u{7}b.pdf", PDF), Err(NameError::Control));
        assert_eq!(
            file_name(&"ن".repeat(251), PDF),
            Ok(format!("{}.pdf", "ن".repeat(251)))
        );
        assert_eq!(file_name(&"ن".repeat(252), PDF), Err(NameError::TooLong));
    }
}
