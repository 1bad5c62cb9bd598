//! Every variable the service reads is documented for the people who run it: in the README's
//! configuration table and in `.env.example`.

use std::collections::BTreeSet;

fn repository_file(path: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The upper-case string literals of `text` that look like variable names (`NAME_LIKE_THIS`).
fn names_in_quotes(text: &str) -> BTreeSet<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            s.len() > 3
                && s.contains('_')
                && s.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_variable_the_configuration_reads_is_in_the_readme_and_the_example() {
    let read = names_in_quotes(&repository_file("api/src/config.rs"));
    assert!(read.contains("DATABASE_URL") && read.len() > 30, "{read:?}");
    let readme = repository_file("README.md");
    let start = readme.find("## Configuration").expect("the section");
    let table: String = readme[start..]
        .lines()
        .skip(1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect::<Vec<_>>()
        .join("\n");
    let documented: BTreeSet<String> = table
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    let example = repository_file(".env.example");
    let listed: BTreeSet<String> = example
        .lines()
        .map(|l| l.trim_start_matches('#').trim())
        .filter_map(|l| l.split_once('=').map(|(name, _)| name.trim().to_owned()))
        .collect();
    let missing_in_readme: Vec<&String> =
        read.iter().filter(|n| !documented.contains(*n)).collect();
    let missing_in_example: Vec<&String> = read.iter().filter(|n| !listed.contains(*n)).collect();
    assert!(
        missing_in_readme.is_empty(),
        "not in the README's table: {missing_in_readme:?}"
    );
    assert!(
        missing_in_example.is_empty(),
        "not in .env.example: {missing_in_example:?}"
    );
}
