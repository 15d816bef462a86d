//! A small unified line diff (longest common subsequence) of two YAML fragments. The
//! fragments are a few dozen lines, so the quadratic table is cheap, and the output keeps
//! every line as context: a reviewer sees the whole fragment with the change in place.

/// `--- before` / `+++ after` and one hunk covering both texts.
pub(crate) fn unified(before: &str, after: &str, label: &str) -> String {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    let mut out = format!(
        "--- {label} (before)\n+++ {label} (after)\n@@ -{} +{} @@\n",
        range(a.len()),
        range(b.len())
    );
    for line in edit_script(&a, &b) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `1,5`, or `0,0` for an empty side, as diff(1) writes hunk ranges.
fn range(n: usize) -> String {
    if n == 0 {
        "0,0".to_string()
    } else {
        format!("1,{n}")
    }
}

/// Lines prefixed with ' ', '-' or '+', deletions before insertions at each change.
fn edit_script(a: &[&str], b: &[&str]) -> Vec<String> {
    // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(format!(" {}", a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(format!("-{}", a[i]));
            i += 1;
        } else {
            out.push(format!("+{}", b[j]));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_changed_lines_and_keeps_context() {
        let d = unified("a\nb: true\nc\n", "a\nb: false\nc\nd\n", "x");
        assert_eq!(
            d,
            "--- x (before)\n+++ x (after)\n@@ -1,3 +1,4 @@\n a\n-b: true\n+b: false\n c\n+d\n"
        );
        let d = unified("", "new\n", "y");
        assert!(d.contains("@@ -0,0 +1,1 @@\n+new\n"));
    }
}
