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

/// What a file is attached as, which sets the types it may be and its largest size (the
/// defaults below; the server may be configured otherwise: `UPLOAD_MAX_MIB_<PURPOSE>`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[schema(as = FilePurpose)]
pub enum Purpose {
    /// A workshop's material: slides, handouts, a recording (any type taken here; 200 MiB).
    Material,
    /// A workshop's agenda, scanned or written (PDF, PNG, JPEG, WebP, Word or OpenDocument
    /// text; 50 MiB).
    Agenda,
    /// A workshop's minutes, scanned or written (as an agenda).
    Minutes,
    /// The PDF of a position paper's version, as the policy body receives it (PDF; 50 MiB; one
    /// per version).
    PaperPdf,
    /// A document of a partnership agreement's step: the signed agreement, the council's
    /// minutes, the governor's visa, a supporting document (PDF or image; 50 MiB).
    StepDocument,
    /// An output of an activity: a report, a study, a recording (any type; 200 MiB).
    Output,
    /// A platform's guide, template or study (any type; 200 MiB).
    Guide,
    /// A person's photo (PNG, JPEG or WebP; 5 MiB; one per person).
    Photo,
    /// An attachment or a photo of a practice (any type; 200 MiB).
    PracticeFile,
    /// A version of a document: a guide, manual, template, study or position paper (PDF, or an
    /// office document: Word, Excel, PowerPoint, OpenDocument; 100 MiB).
    Document,
}

/// What a scan may be: a PDF or an image.
const SCANS: &[FileType] = &[PDF, PNG, JPEG, WEBP];
/// What a written record may be: a scan, or a Word or OpenDocument text.
const RECORDS: &[FileType] = &[PDF, PNG, JPEG, WEBP, DOCX, ODT];
const PICTURES: &[FileType] = &[PNG, JPEG, WEBP];
const PDF_ONLY: &[FileType] = &[PDF];
/// What a publication may be: a PDF or an office document.
const PUBLICATIONS: &[FileType] = &[PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP];

impl Purpose {
    pub const ALL: &'static [Purpose] = &[
        Purpose::Material,
        Purpose::Agenda,
        Purpose::Minutes,
        Purpose::PaperPdf,
        Purpose::StepDocument,
        Purpose::Output,
        Purpose::Guide,
        Purpose::Photo,
        Purpose::PracticeFile,
        Purpose::Document,
    ];

    /// What a workshop's files may be attached as.
    pub const OF_WORKSHOPS: &'static [Purpose] =
        &[Purpose::Material, Purpose::Agenda, Purpose::Minutes];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Material => "material",
            Purpose::Agenda => "agenda",
            Purpose::Minutes => "minutes",
            Purpose::PaperPdf => "paper_pdf",
            Purpose::StepDocument => "step_document",
            Purpose::Output => "output",
            Purpose::Guide => "guide",
            Purpose::Photo => "photo",
            Purpose::PracticeFile => "practice_file",
            Purpose::Document => "document",
        }
    }

    pub fn parse(s: &str) -> Option<Purpose> {
        Purpose::ALL.iter().copied().find(|p| p.as_str() == s)
    }

    /// The types it takes.
    pub fn types(self) -> &'static [FileType] {
        match self {
            Purpose::Material | Purpose::Output | Purpose::Guide | Purpose::PracticeFile => KNOWN,
            Purpose::Agenda | Purpose::Minutes => RECORDS,
            Purpose::StepDocument => SCANS,
            Purpose::PaperPdf => PDF_ONLY,
            Purpose::Photo => PICTURES,
            Purpose::Document => PUBLICATIONS,
        }
    }

    /// Whether its parent holds one at most: a new one replaces the one before.
    pub fn is_single(self) -> bool {
        matches!(self, Purpose::PaperPdf | Purpose::Photo)
    }

    /// Its largest size when the configuration says nothing.
    pub const fn default_max_bytes(self) -> u64 {
        const MIB: u64 = 1024 * 1024;
        match self {
            Purpose::Material | Purpose::Output | Purpose::Guide | Purpose::PracticeFile => {
                200 * MIB
            }
            Purpose::Agenda | Purpose::Minutes | Purpose::PaperPdf | Purpose::StepDocument => {
                50 * MIB
            }
            Purpose::Document => 100 * MIB,
            Purpose::Photo => 5 * MIB,
        }
    }

    /// The configuration variable that sets its largest size, in MiB.
    pub fn limit_variable(self) -> &'static str {
        match self {
            Purpose::Material => "UPLOAD_MAX_MIB_MATERIAL",
            Purpose::Agenda => "UPLOAD_MAX_MIB_AGENDA",
            Purpose::Minutes => "UPLOAD_MAX_MIB_MINUTES",
            Purpose::PaperPdf => "UPLOAD_MAX_MIB_PAPER_PDF",
            Purpose::StepDocument => "UPLOAD_MAX_MIB_STEP_DOCUMENT",
            Purpose::Output => "UPLOAD_MAX_MIB_OUTPUT",
            Purpose::Guide => "UPLOAD_MAX_MIB_GUIDE",
            Purpose::Photo => "UPLOAD_MAX_MIB_PHOTO",
            Purpose::PracticeFile => "UPLOAD_MAX_MIB_PRACTICE_FILE",
            Purpose::Document => "UPLOAD_MAX_MIB_DOCUMENT",
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

/// Whether the bytes begin as a ZIP archive does (OOXML and OpenDocument files are ZIPs).
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04")
}

/// How many of a ZIP's last bytes hold its end-of-directory record, whatever its comment.
pub const ZIP_TAIL_BYTES: u64 = 22 + 65_535;

/// Where a ZIP's central directory is (its offset and length), from the archive's last bytes
/// (`tail`, at most [`ZIP_TAIL_BYTES`]): `None` when they hold no end-of-directory record (or a
/// ZIP64 one, whose fields say 0xFFFFFFFF).
pub fn zip_directory(tail: &[u8]) -> Option<(u64, u64)> {
    let at = tail
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .filter(|at| tail.len() >= at + 22)?;
    let u32_at = |i: usize| u32::from_le_bytes([tail[i], tail[i + 1], tail[i + 2], tail[i + 3]]);
    let (size, offset) = (u32_at(at + 12), u32_at(at + 16));
    (size != u32::MAX && offset != u32::MAX).then_some((u64::from(offset), u64::from(size)))
}

/// The names of the entries a ZIP's central directory lists.
pub fn zip_names(directory: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let mut at = 0;
    while directory.len() >= at + 46 && directory[at..].starts_with(b"PK\x01\x02") {
        let u16_at = |i: usize| usize::from(u16::from_le_bytes([directory[i], directory[i + 1]]));
        let (name, extra, comment) = (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
        let Some(bytes) = directory.get(at + 46..at + 46 + name) else {
            break;
        };
        names.push(String::from_utf8_lossy(bytes).into_owned());
        at += 46 + name + extra + comment;
    }
    names
}

/// What an office document is, from the names its archive holds: Word, Excel and PowerPoint keep
/// their parts under `word/`, `xl/` and `ppt/` (in whatever order the program that wrote them
/// chose, which is why the first bytes alone do not always tell).
pub fn ooxml_of(names: &[String]) -> Option<FileType> {
    if !names.iter().any(|n| n == "[Content_Types].xml") {
        return None;
    }
    [("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)]
        .into_iter()
        .find(|(folder, _)| names.iter().any(|n| n.starts_with(folder)))
        .map(|(_, t)| t)
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

#[cfg(test)]
mod zip_tests {
    use super::*;

    /// A ZIP's central directory entry and end record for `names` (no data: enough to read the
    /// directory back).
    fn archive(names: &[&str]) -> Vec<u8> {
        let mut directory = Vec::new();
        for n in names {
            let mut entry = b"PK\x01\x02".to_vec();
            entry.resize(46, 0);
            entry[28..30].copy_from_slice(&u16::try_from(n.len()).expect("short").to_le_bytes());
            entry.extend_from_slice(n.as_bytes());
            directory.extend(entry);
        }
        let mut out = b"PK\x03\x04 local data".to_vec();
        let offset = u32::try_from(out.len()).expect("small");
        let size = u32::try_from(directory.len()).expect("small");
        out.extend(&directory);
        let mut end = b"PK\x05\x06".to_vec();
        end.resize(22, 0);
        end[12..16].copy_from_slice(&size.to_le_bytes());
        end[16..20].copy_from_slice(&offset.to_le_bytes());
        out.extend(end);
        out
    }

    #[test]
    fn an_archives_names_tell_which_office_document_it_is() {
        let zip = archive(&[
            "[Content_Types].xml",
            "_rels/.rels",
            "docProps/core.xml",
            "word/document.xml",
        ]);
        let (offset, size) = zip_directory(&zip).expect("directory");
        let directory = &zip[offset as usize..(offset + size) as usize];
        let names = zip_names(directory);
        assert_eq!(names.len(), 4);
        assert_eq!(ooxml_of(&names), Some(DOCX));
        let names = zip_names(&{
            let z = archive(&["[Content_Types].xml", "ppt/presentation.xml"]);
            let (o, s) = zip_directory(&z).expect("directory");
            z[o as usize..(o + s) as usize].to_vec()
        });
        assert_eq!(ooxml_of(&names), Some(PPTX));
        // A ZIP that is no office document, and bytes that are no ZIP.
        assert_eq!(ooxml_of(&["word/a.xml".to_owned()]), None);
        assert_eq!(zip_directory(b"not a zip at all"), None);
        assert!(zip_names(b"PK\x01\x02 too short").is_empty());
    }
}
