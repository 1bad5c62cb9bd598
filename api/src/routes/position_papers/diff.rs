//! Line differences between two texts: the longest common subsequence of lines, after the
//! common head and tail are set aside. Above a size bound the middle is shown as replaced
//! wholesale, so a comparison's cost stays bounded.

use serde::Serialize;
use utoipa::ToSchema;

/// What happened to a run of lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiffOp {
    Equal,
    Delete,
    Insert,
}

/// A run of consecutive lines with the same fate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct DiffChunk {
    pub op: DiffOp,
    #[schema(max_items = 50001)]
    pub lines: Vec<String>,
}

/// Cells of the LCS table at most (≈ 16 MB of `u16`/`u32` work).
const MAX_CELLS: usize = 4_000_000;

/// The line differences turning `old` into `new`.
pub fn lines(old: &str, new: &str) -> Vec<DiffChunk> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops: Vec<(DiffOp, &str)> = Vec::with_capacity(a.len() + b.len());
    ops.extend(a[..head].iter().map(|l| (DiffOp::Equal, *l)));
    if am.len().saturating_mul(bm.len()) > MAX_CELLS {
        ops.extend(am.iter().map(|l| (DiffOp::Delete, *l)));
        ops.extend(bm.iter().map(|l| (DiffOp::Insert, *l)));
    } else {
        middle(am, bm, &mut ops);
    }
    ops.extend(a[a.len() - tail..].iter().map(|l| (DiffOp::Equal, *l)));
    let mut out: Vec<DiffChunk> = Vec::new();
    for (op, line) in ops {
        match out.last_mut() {
            Some(c) if c.op == op => c.lines.push(line.to_owned()),
            _ => out.push(DiffChunk {
                op,
                lines: vec![line.to_owned()],
            }),
        }
    }
    out
}

fn middle<'a>(a: &[&'a str], b: &[&'a str], ops: &mut Vec<(DiffOp, &'a str)>) {
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: length of the LCS of a[i..] and b[j..].
    let w = m + 1;
    let mut lcs = vec![0u32; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * w + j] = if a[i] == b[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a[i] == b[j] {
            ops.push((DiffOp::Equal, a[i]));
            i += 1;
            j += 1;
        } else if lcs[(i + 1) * w + j] >= lcs[i * w + j + 1] {
            ops.push((DiffOp::Delete, a[i]));
            i += 1;
        } else {
            ops.push((DiffOp::Insert, b[j]));
            j += 1;
        }
    }
    ops.extend(a[i..].iter().map(|l| (DiffOp::Delete, *l)));
    ops.extend(b[j..].iter().map(|l| (DiffOp::Insert, *l)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(chunks: &[DiffChunk]) -> String {
        chunks
            .iter()
            .flat_map(|c| {
                let sign = match c.op {
                    DiffOp::Equal => ' ',
                    DiffOp::Delete => '-',
                    DiffOp::Insert => '+',
                };
                c.lines.iter().map(move |l| format!("{sign}{l}"))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_changed_line_in_the_middle() {
        let d = lines("أ\nب\nج\nد", "أ\nب\nس\nد");
        assert_eq!(render(&d), " أ\n ب\n-ج\n+س\n د");
        assert_eq!(d.len(), 4);
    }

    #[test]
    fn insertions_and_deletions() {
        assert_eq!(render(&lines("a\nb\nc", "a\nc\nd")), " a\n-b\n c\n+d");
        assert_eq!(render(&lines("", "x")), "+x");
        assert_eq!(render(&lines("x", "")), "-x");
        assert!(
            lines("same\ntext", "same\ntext")
                .iter()
                .all(|c| c.op == DiffOp::Equal)
        );
    }

    #[test]
    fn very_large_middles_are_replaced_wholesale() {
        let old: String = (0..3000).map(|i| format!("o{i}\n")).collect();
        let new: String = (0..3000).map(|i| format!("n{i}\n")).collect();
        let d = lines(&old, &new);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].op, DiffOp::Delete);
        assert_eq!(d[1].lines.len(), 3000);
    }
}
