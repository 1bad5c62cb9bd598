//! Reports as files a person opens: a table of typed cells written as CSV (RFC 4180, UTF-8 with a
//! byte-order mark so that Excel reads Arabic, CRLF line ends) or as XLSX (`rust_xlsxwriter`:
//! numbers as numbers, dates as dates, an Arabic sheet right-to-left), headers in the caller's
//! language. The format is `?format=` or else the best of `Accept`; JSON stays each report's own.
//! Rows may come as a stream: CSV is then written as they arrive, and XLSX in constant-memory mode
//! on the blocking pool, its bytes sent as the zip writer makes them.

use std::io::Write;

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::{Stream, StreamExt};
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format as CellFormat, FormatAlign, Workbook, Worksheet, XlsxError};
use serde::Deserialize;
use tokio::sync::mpsc;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::i18n::{Lang, Text};

pub const CSV: &str = "text/csv; charset=utf-8; header=present";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How a report is answered: `json` (the default), `csv` or `xlsx`. Overrides `Accept`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Json,
    Csv,
    Xlsx,
}

impl ExportFormat {
    /// `?format=` if given, else the media type `Accept` ranks highest among JSON, CSV and XLSX
    /// (ties: the earlier one; `*/*` or nothing: JSON).
    pub fn choose(req: &HttpRequest, asked: Option<ExportFormat>) -> ExportFormat {
        if let Some(f) = asked {
            return f;
        }
        let Some(accept) = req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
        else {
            return ExportFormat::Json;
        };
        let mut best: Option<(f32, ExportFormat)> = None;
        for part in accept.split(',') {
            let mut pieces = part.split(';');
            let media = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let format = match media.as_str() {
                "text/csv" => ExportFormat::Csv,
                m if m == XLSX => ExportFormat::Xlsx,
                "application/json" | "application/*" | "*/*" => ExportFormat::Json,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, format));
            }
        }
        best.map_or(ExportFormat::Json, |(_, f)| f)
    }
}

/// An XLSX workbook, as the body of an answer.
pub struct Spreadsheet;

impl utoipa::PartialSchema for Spreadsheet {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::Custom("binary".into())))
            .content_media_type(XLSX)
            .max_length(Some(MAX_FILE_BYTES))
            .description(Some("An Office Open XML workbook (XLSX)."))
            .into()
    }
}

impl ToSchema for Spreadsheet {}

/// The largest export documented: 4 GiB (a year of the whole programme is some 20 MB).
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024 * 1024;

/// A CSV file (RFC 4180, UTF-8 with a byte-order mark, CRLF), as the body of an answer.
pub struct CsvText;

impl utoipa::PartialSchema for CsvText {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .content_media_type("text/csv")
            .max_length(Some(MAX_FILE_BYTES))
            .description(Some(
                "CSV (RFC 4180): UTF-8 with a byte-order mark, a header line in the caller's language, CRLF line ends.",
            ))
            .into()
    }
}

impl ToSchema for CsvText {}

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// Exact in CSV; a number to two places in XLSX.
    Decimal(Decimal),
    /// A share from 0 to 1, shown as a percentage in XLSX.
    Ratio(f64),
    Date(NaiveDate),
    /// Shown in UTC.
    Instant(DateTime<Utc>),
}

impl Cell {
    fn csv(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Decimal(d) => d.to_string(),
            Cell::Ratio(r) => format!("{r:.4}"),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Instant(t) => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        }
    }
}

/// A sheet: its name, the column headers in both languages, and the rows.
pub struct Table {
    pub name: Text,
    pub headers: Vec<Text>,
    pub rows: Vec<Vec<Cell>>,
}

/// One CSV record: fields holding a comma, quote, CR or LF are quoted, quotes doubled; CRLF
/// ends it. A field a spreadsheet would read as a formula (`=`, `+`, `-`, `@` first, not a
/// number) is prefixed with `'`.
pub fn csv_record(fields: impl IntoIterator<Item = String>, out: &mut Vec<u8>) {
    let mut first = true;
    for mut f in fields {
        if !first {
            out.push(b',');
        }
        first = false;
        if f.starts_with(['=', '+', '-', '@', '\t', '\r']) && f.parse::<f64>().is_err() {
            f.insert(0, '\'');
        }
        if f.contains([',', '"', '\r', '\n']) {
            out.push(b'"');
            out.extend_from_slice(f.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(f.as_bytes());
        }
    }
    out.extend_from_slice(b"\r\n");
}

const BOM: &[u8] = "\u{feff}".as_bytes();

fn csv_head(headers: &[Text], lang: Lang) -> Vec<u8> {
    let mut out = BOM.to_vec();
    csv_record(headers.iter().map(|h| h.get(lang).to_owned()), &mut out);
    out
}

/// The whole table as CSV.
pub fn csv(table: &Table, lang: Lang) -> Vec<u8> {
    let mut out = csv_head(&table.headers, lang);
    for row in &table.rows {
        csv_record(row.iter().map(Cell::csv), &mut out);
    }
    out
}

/// The cell formats of a sheet.
struct Formats {
    header: CellFormat,
    date: CellFormat,
    instant: CellFormat,
    decimal: CellFormat,
    ratio: CellFormat,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: CellFormat::new().set_bold().set_align(FormatAlign::Center),
            date: CellFormat::new().set_num_format("yyyy-mm-dd"),
            instant: CellFormat::new().set_num_format("yyyy-mm-dd hh:mm"),
            decimal: CellFormat::new().set_num_format("#,##0.00"),
            ratio: CellFormat::new().set_num_format("0.0%"),
        }
    }
}

fn sheet_head(
    sheet: &mut Worksheet,
    name: &Text,
    headers: &[Text],
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    // Sheet names: at most 31 characters, none of []:*?/\.
    let title: String = name
        .get(lang)
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    sheet.set_name(if title.is_empty() { "report" } else { &title })?;
    sheet.set_right_to_left(lang == Lang::Ar);
    for (c, h) in headers.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, c, h.get(lang), &f.header)?;
        sheet.set_column_width(c, 18)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn sheet_row(sheet: &mut Worksheet, r: u32, cells: &[Cell], f: &Formats) -> Result<(), XlsxError> {
    for (c, cell) in cells.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        match cell {
            Cell::Empty => {}
            Cell::Text(t) => {
                sheet.write_string(r, c, t)?;
            }
            #[allow(clippy::cast_precision_loss)]
            Cell::Int(n) => {
                sheet.write_number(r, c, *n as f64)?;
            }
            Cell::Decimal(d) => {
                let n: f64 = d.to_string().parse().unwrap_or(0.0);
                sheet.write_number_with_format(r, c, n, &f.decimal)?;
            }
            Cell::Ratio(x) => {
                sheet.write_number_with_format(r, c, *x, &f.ratio)?;
            }
            Cell::Date(d) => {
                sheet.write_date_with_format(r, c, d, &f.date)?;
            }
            Cell::Instant(t) => {
                sheet.write_datetime_with_format(r, c, t.naive_utc(), &f.instant)?;
            }
        }
    }
    Ok(())
}

/// The whole table as an XLSX workbook of one sheet (blocking: run it on the blocking pool).
pub fn xlsx(table: &Table, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let f = Formats::new();
    let sheet = book.add_worksheet();
    sheet_head(sheet, &table.name, &table.headers, lang, &f)?;
    for (i, row) in table.rows.iter().enumerate() {
        sheet_row(sheet, u32::try_from(i + 1).unwrap_or(u32::MAX), row, &f)?;
    }
    book.save_to_buffer()
}

fn xlsx_error(e: XlsxError) -> ApiError {
    ApiError::Unexpected(format!("xlsx: {e}"))
}

fn file_response(content_type: &'static str, filename: &str) -> actix_web::HttpResponseBuilder {
    let mut res = HttpResponse::Ok();
    res.insert_header((header::CONTENT_TYPE, content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        res.insert_header((header::CONTENT_DISPOSITION, v));
    }
    res.insert_header((header::VARY, "accept"));
    res
}

/// A table answered as CSV or XLSX, named `<stem>.csv` / `<stem>.xlsx`.
pub async fn respond(
    table: Table,
    format: ExportFormat,
    lang: Lang,
    stem: &str,
) -> Result<HttpResponse, ApiError> {
    match format {
        ExportFormat::Xlsx => {
            let bytes = actix_web::web::block(move || xlsx(&table, lang))
                .await
                .map_err(|e| ApiError::Unexpected(format!("xlsx: {e}")))?
                .map_err(xlsx_error)?;
            Ok(file_response(XLSX, &format!("{stem}.xlsx")).body(bytes))
        }
        _ => Ok(file_response(CSV, &format!("{stem}.csv")).body(csv(&table, lang))),
    }
}

/// How many rows are gathered into one chunk of a streamed CSV.
const ROWS_PER_CHUNK: usize = 256;

/// Rows arriving as a stream, answered as CSV written as they come or as XLSX built in
/// constant-memory mode on the blocking pool and sent as it is zipped. A failure after the
/// first bytes ends the body early (the client sees a truncated download, and it is logged).
pub fn respond_stream<S>(
    name: Text,
    headers: Vec<Text>,
    rows: S,
    format: ExportFormat,
    lang: Lang,
    stem: &str,
) -> HttpResponse
where
    S: Stream<Item = Result<Vec<Cell>, ApiError>> + Unpin + 'static,
{
    match format {
        ExportFormat::Xlsx => {
            let body = xlsx_stream(name, headers, rows, lang);
            file_response(XLSX, &format!("{stem}.xlsx")).streaming(body)
        }
        _ => {
            let head = Bytes::from(csv_head(&headers, lang));
            let body = futures_util::stream::once(async move { Ok::<_, ApiError>(head) }).chain(
                rows.ready_chunks(ROWS_PER_CHUNK).map(|chunk| {
                    let mut out = Vec::new();
                    for row in chunk {
                        let row = row.inspect_err(|e| tracing::error!(error = %e, "csv export"))?;
                        csv_record(row.iter().map(Cell::csv), &mut out);
                    }
                    Ok(Bytes::from(out))
                }),
            );
            file_response(CSV, &format!("{stem}.csv")).streaming(body)
        }
    }
}

/// Bytes written by the zip writer, sent on as body chunks.
struct ChannelWriter {
    tx: mpsc::Sender<Result<Bytes, ApiError>>,
    buf: Vec<u8>,
}

const XLSX_CHUNK: usize = 64 * 1024;

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= XLSX_CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client gone"))
    }
}

fn xlsx_stream<S>(
    name: Text,
    headers: Vec<Text>,
    mut rows: S,
    lang: Lang,
) -> impl Stream<Item = Result<Bytes, ApiError>>
where
    S: Stream<Item = Result<Vec<Cell>, ApiError>> + Unpin + 'static,
{
    let (row_tx, mut row_rx) = mpsc::channel::<Vec<Cell>>(1024);
    let (out_tx, out_rx) = mpsc::channel::<Result<Bytes, ApiError>>(8);
    // Rows from the database to the writer.
    let fail = out_tx.clone();
    actix_web::rt::spawn(async move {
        while let Some(row) = rows.next().await {
            match row {
                Ok(row) => {
                    if row_tx.send(row).await.is_err() {
                        return;
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "xlsx export");
                    drop(row_tx);
                    let _ = fail.send(Err(e)).await;
                    return;
                }
            }
        }
    });
    // The workbook, on the blocking pool.
    tokio::task::spawn_blocking(move || {
        let mut write = || -> Result<(), XlsxError> {
            let mut book = Workbook::new();
            let f = Formats::new();
            let sheet = book.add_worksheet_with_constant_memory()?;
            sheet_head(sheet, &name, &headers, lang, &f)?;
            let mut r = 1u32;
            while let Some(row) = row_rx.blocking_recv() {
                sheet_row(sheet, r, &row, &f)?;
                r = r.saturating_add(1);
            }
            let mut w = ChannelWriter {
                tx: out_tx.clone(),
                buf: Vec::new(),
            };
            book.save_to_writer(&mut w)?;
            w.flush()?;
            Ok(())
        };
        if let Err(e) = write() {
            tracing::error!(error = %e, "xlsx export");
            let _ = out_tx.blocking_send(Err(xlsx_error(e)));
        }
    });
    futures_util::stream::unfold(out_rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_it_must_and_guards_formulas() {
        let mut out = Vec::new();
        csv_record(
            [
                "بلدية نابلس".to_owned(),
                "a,b".to_owned(),
                "say \"hi\"".to_owned(),
                "two\nlines".to_owned(),
                "=1+1".to_owned(),
                "-3".to_owned(),
            ],
            &mut out,
        );
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "بلدية نابلس,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",'=1+1,-3\r\n"
        );
    }

    #[test]
    fn the_format_asked_for_wins_over_accept() {
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::ACCEPT, "application/json;q=0.5, text/csv"))
            .to_http_request();
        assert_eq!(ExportFormat::choose(&req, None), ExportFormat::Csv);
        assert_eq!(
            ExportFormat::choose(&req, Some(ExportFormat::Xlsx)),
            ExportFormat::Xlsx
        );
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::ACCEPT, "*/*"))
            .to_http_request();
        assert_eq!(ExportFormat::choose(&req, None), ExportFormat::Json);
    }
}
