//! Case-insensitive `*` / `?` globs for check selection (`--checks 'DC-*'`).

pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let t: Vec<char> = text.to_ascii_lowercase().chars().collect();
    // Iterative matcher with single backtrack point: linear-ish, no recursion.
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs() {
        assert!(matches("DC-*", "dc-001"));
        assert!(matches("*", "anything"));
        assert!(matches("K?-00*", "KW-001"));
        assert!(matches("CIS-D 5.*", "CIS-D 5.10"));
        assert!(!matches("DC-*", "DI-001"));
        assert!(!matches("DC-001", "DC-0011"));
        assert!(matches("a*b*c", "aXXbYYc"));
        assert!(!matches("a*b*c", "aXXbYY"));
    }
}
