//! The filter language typed after `/` in every table.
//!
//! A query is whitespace-separated terms that must all match (AND):
//!
//! - `word` matches anywhere in the row's visible text;
//! - `field:value` matches one field (`sev`, `check`, `ns`, `kind`, `name`, `state`,
//!   `source`, `host`, `image`, `family`, `title`, `ctx`, with aliases, see [`Field`]);
//! - `!term` inverts either;
//! - `"two words"` quotes a term; a quoted value is always plain text, never a regex;
//! - `sev:high` is exact, `sev:>=high`, `sev:>medium`, `sev:<=low`, `sev:<high` compare,
//!   and any prefix of a severity name works (`sev:crit`, `sev:>=m`);
//! - `field:` with nothing after it matches rows that have a value for that field.
//!
//! Values match case-insensitively: as a regex when they contain regex metacharacters and
//! compile, else as a substring of the row's precomputed lowercase text. Parsing never
//! fails, because the filter is applied on every keystroke: an unknown field is searched
//! as plain text and an invalid regex as a literal, each with a message in
//! [`Query::problems`] for the UI to flash, and half-typed terms (`sev:>`, `ns:`, `!`)
//! narrow as little as possible instead of emptying the table.

use regex::{Regex, RegexBuilder};

use crate::checks::Severity;

/// A field a term can name. Rows decide which fields they have (see [`Filterable`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Severity,
    Check,
    Namespace,
    Kind,
    Name,
    State,
    Source,
    Host,
    Image,
    Family,
    Title,
    Context,
}

impl Field {
    pub const ALL: [Field; 12] = [
        Field::Severity,
        Field::Check,
        Field::Namespace,
        Field::Kind,
        Field::Name,
        Field::State,
        Field::Source,
        Field::Host,
        Field::Image,
        Field::Family,
        Field::Title,
        Field::Context,
    ];
    /// Number of fields, for per-field tables indexed by [`Field::index`].
    pub const COUNT: usize = Field::ALL.len();

    /// Position in [`Field::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The names a user may type for this field; the first is the short one shown in help.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Severity => &["sev", "severity"],
            Field::Check => &["check", "id"],
            Field::Namespace => &["ns", "namespace"],
            Field::Kind => &["kind"],
            Field::Name => &["name", "resource"],
            Field::State => &["state"],
            Field::Source => &["source"],
            Field::Host => &["host"],
            Field::Image => &["image"],
            Field::Family => &["family"],
            Field::Title => &["title"],
            Field::Context => &["ctx", "context"],
        }
    }

    /// The short name (`sev`, `ns`, ...).
    pub fn name(self) -> &'static str {
        self.aliases()[0]
    }

    /// A field by any of its names, case-insensitively.
    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|f| f.aliases().iter().any(|a| a.eq_ignore_ascii_case(name)))
    }
}

/// What a row offers to the filter. Rows precompute everything once per scan, so matching
/// 150,000 rows is string scanning only.
pub trait Filterable {
    /// Lowercased value of a field, if the row has that field.
    fn field(&self, name: Field) -> Option<&str>;
    /// Lowercased text of all visible columns, for bare terms.
    fn text(&self) -> &str;
    /// The row's severity, for `sev:` comparisons (a finding's, a check's, or the worst
    /// finding of an inventory object).
    fn severity(&self) -> Option<Severity> {
        None
    }
}

/// A parsed filter. Cheap to clone (compiled regexes share their program).
#[derive(Debug, Clone, Default)]
pub struct Query {
    terms: Vec<Term>,
    problems: Vec<String>,
}

#[derive(Debug, Clone)]
struct Term {
    negated: bool,
    test: Test,
}

#[derive(Debug, Clone)]
enum Test {
    /// A bare term: anywhere in the visible text.
    Text(Pattern),
    Field(Field, Pattern),
    /// `field:` with an empty value: the row has a non-empty value there.
    Present(Field),
    Severity(Cmp, Severity),
}

#[derive(Debug, Clone)]
enum Pattern {
    /// Lowercased needle, matched with `str::contains` against lowercased text.
    Literal(Box<str>),
    Regex(Regex),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Ge,
    Gt,
    Le,
    Lt,
}

/// Characters that make a value a regex rather than plain text.
const REGEX_META: &[char] = &[
    '\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$',
];

/// Compiled-size cap: a pathological pattern becomes a literal with a message instead of
/// stalling the UI.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

impl Query {
    /// Parse what the user typed. Never fails; see [`Query::problems`].
    pub fn parse(input: &str) -> Query {
        let mut problems = Vec::new();
        let terms = tokenize(input)
            .into_iter()
            .filter_map(|token| parse_term(&token, &mut problems))
            .collect();
        Query { terms, problems }
    }

    /// True when the query filters nothing out.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Messages for the UI to flash: unknown fields, invalid regexes, unknown severities.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// The fields the query names, so a view can say which ones its table lacks.
    pub fn fields(&self) -> impl Iterator<Item = Field> + '_ {
        self.terms.iter().filter_map(|t| match t.test {
            Test::Text(_) => None,
            Test::Field(f, _) | Test::Present(f) => Some(f),
            Test::Severity(..) => Some(Field::Severity),
        })
    }

    pub fn matches(&self, row: &dyn Filterable) -> bool {
        self.terms.iter().all(|t| t.test.eval(row) != t.negated)
    }

    /// True when every row this query matches also matches `previous`, so the result of
    /// `previous` can be filtered instead of every row (typing `pay` then `paym`).
    /// Conservative: false whenever implication is not obvious.
    pub fn narrows(&self, previous: &Query) -> bool {
        previous
            .terms
            .iter()
            .all(|old| self.terms.iter().any(|new| new.implies(old)))
    }
}

impl Term {
    fn implies(&self, old: &Term) -> bool {
        if self.negated != old.negated {
            return false;
        }
        let negated = self.negated;
        match (&self.test, &old.test) {
            (Test::Text(a), Test::Text(b)) => a.implies(b, negated),
            (Test::Field(f, a), Test::Field(g, b)) => f == g && a.implies(b, negated),
            (Test::Present(f), Test::Present(g)) => f == g,
            (Test::Severity(c, s), Test::Severity(d, t)) => c == d && s == t,
            (Test::Severity(..), Test::Present(Field::Severity)) => !negated,
            (Test::Field(f, Pattern::Literal(a)), Test::Present(g)) => {
                f == g && !negated && !a.is_empty()
            }
            _ => false,
        }
    }
}

impl Test {
    fn eval(&self, row: &dyn Filterable) -> bool {
        match self {
            Test::Text(p) => p.is_match(row.text()),
            Test::Field(f, p) => field_value(row, *f).is_some_and(|v| p.is_match(v)),
            Test::Present(f) => field_value(row, *f).is_some_and(|v| !v.is_empty()),
            Test::Severity(cmp, want) => row.severity().is_some_and(|have| cmp.holds(have, *want)),
        }
    }
}

/// A field's value; a row that only reports `severity()` still answers `sev:` text terms.
fn field_value(row: &dyn Filterable, field: Field) -> Option<&str> {
    row.field(field).or_else(|| match field {
        Field::Severity => row.severity().map(Severity::as_str),
        _ => None,
    })
}

impl Pattern {
    fn is_match(&self, haystack: &str) -> bool {
        match self {
            Pattern::Literal(needle) => haystack.contains(&**needle),
            Pattern::Regex(re) => re.is_match(haystack),
        }
    }

    /// Whether text matching `self` surely matches `old` (or, for negated terms, whether
    /// text free of `self` is surely free of `old`).
    fn implies(&self, old: &Pattern, negated: bool) -> bool {
        match (self, old) {
            (Pattern::Literal(a), Pattern::Literal(b)) if negated => b.contains(&**a),
            (Pattern::Literal(a), Pattern::Literal(b)) => a.contains(&**b),
            (Pattern::Regex(a), Pattern::Regex(b)) => a.as_str() == b.as_str(),
            _ => false,
        }
    }
}

impl Cmp {
    fn holds(self, have: Severity, want: Severity) -> bool {
        match self {
            Cmp::Eq => have == want,
            Cmp::Ge => have >= want,
            Cmp::Gt => have > want,
            Cmp::Le => have <= want,
            Cmp::Lt => have < want,
        }
    }
}

/// One whitespace-separated term, quotes removed. `first_quote` is the byte offset in
/// `text` where the first quoted part began: what follows it is literal text.
#[derive(Debug, PartialEq)]
struct Token {
    text: String,
    first_quote: Option<usize>,
}

/// Split on whitespace outside double quotes. An unterminated quote runs to the end (the
/// user is still typing it).
fn tokenize(input: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut text = String::new();
    let mut first_quote = None;
    let mut in_quote = false;
    let mut started = false;
    for c in input.chars() {
        if c == '"' {
            first_quote.get_or_insert(text.len());
            in_quote = !in_quote;
            started = true;
        } else if c.is_whitespace() && !in_quote {
            if started {
                tokens.push(Token {
                    text: std::mem::take(&mut text),
                    first_quote: first_quote.take(),
                });
                started = false;
            }
        } else {
            text.push(c);
            started = true;
        }
    }
    if started {
        tokens.push(Token { text, first_quote });
    }
    tokens
}

fn parse_term(token: &Token, problems: &mut Vec<String>) -> Option<Term> {
    let quote = token.first_quote.unwrap_or(usize::MAX);
    let negated = token.text.starts_with('!') && quote > 0;
    let skip = usize::from(negated);
    let body = &token.text[skip..];
    let quote = quote.saturating_sub(skip);
    let literal = token.first_quote.is_some();
    let test = match split_field(body, quote) {
        Some((name, value)) => match Field::parse(name) {
            Some(field) => field_test(field, value, literal, problems)?,
            None => {
                problems.push(format!(
                    "unknown field `{name}:`, searched as text (fields: {})",
                    field_names()
                ));
                Test::Text(pattern(body, literal, problems))
            }
        },
        // A bare `!` or `""` while typing: no term yet.
        None if body.is_empty() => return None,
        None => Test::Text(pattern(body, literal, problems)),
    };
    Some(Term { negated, test })
}

/// `name:value` when the part before the first colon is a plain word outside quotes.
fn split_field(body: &str, quote: usize) -> Option<(&str, &str)> {
    let colon = body.find(':')?;
    let name = &body[..colon];
    let is_word = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphabetic());
    (colon < quote && is_word).then(|| (name, &body[colon + 1..]))
}

fn field_names() -> String {
    Field::ALL.map(Field::name).join(", ")
}

fn field_test(
    field: Field,
    value: &str,
    literal: bool,
    problems: &mut Vec<String>,
) -> Option<Test> {
    if field == Field::Severity {
        return severity_test(value, literal, problems);
    }
    Some(if value.is_empty() {
        Test::Present(field)
    } else {
        Test::Field(field, pattern(value, literal, problems))
    })
}

/// `sev:high` (exact), `sev:>=high` and friends, or a text/regex over the severity name
/// (`sev:high|critical`). An unknown severity after a comparison drops the term.
fn severity_test(value: &str, literal: bool, problems: &mut Vec<String>) -> Option<Test> {
    let (cmp, rest) = split_comparison(value);
    if rest.is_empty() {
        return Some(Test::Present(Field::Severity));
    }
    if let Some(severity) = severity_prefix(rest) {
        return Some(Test::Severity(cmp.unwrap_or(Cmp::Eq), severity));
    }
    if cmp.is_some() {
        problems.push(format!(
            "unknown severity `{rest}` in `sev:{value}` (use critical, high, medium, low or info)"
        ));
        return None;
    }
    Some(Test::Field(
        Field::Severity,
        pattern(rest, literal, problems),
    ))
}

fn split_comparison(value: &str) -> (Option<Cmp>, &str) {
    for (op, cmp) in [
        (">=", Cmp::Ge),
        ("<=", Cmp::Le),
        (">", Cmp::Gt),
        ("<", Cmp::Lt),
        ("=", Cmp::Eq),
    ] {
        if let Some(rest) = value.strip_prefix(op) {
            return (Some(cmp), rest);
        }
    }
    (None, value)
}

/// Severity names start with distinct letters, so any non-empty prefix names one.
fn severity_prefix(value: &str) -> Option<Severity> {
    let value = value.to_ascii_lowercase();
    Severity::ALL
        .into_iter()
        .find(|s| s.as_str().starts_with(value.as_str()))
}

fn pattern(value: &str, literal: bool, problems: &mut Vec<String>) -> Pattern {
    if !literal && value.contains(REGEX_META) {
        // Multi-line: `^` and `$` also match at column boundaries (columns are joined by
        // newlines in a row's text), so `^web` finds a column starting with "web".
        match RegexBuilder::new(value)
            .case_insensitive(true)
            .multi_line(true)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
        {
            Ok(re) => return Pattern::Regex(re),
            Err(e) => problems.push(format!(
                "`{value}` is not a valid regex ({}), searched as plain text",
                regex_reason(&e)
            )),
        }
    }
    let mut needle = String::with_capacity(value.len());
    fold_case_into(&mut needle, value);
    Pattern::Literal(needle.into())
}

/// Append `value` lowercased, char by char, with newlines turned into spaces. Rows and
/// needles both go through this, so a needle always folds the way the text did (and no
/// value can contain the newline that separates a row's columns).
pub(crate) fn fold_case_into(out: &mut String, value: &str) {
    if value.is_ascii() && !value.contains('\n') {
        // The common case (names, ids, titles): one copy, lowercased in place.
        let start = out.len();
        out.push_str(value);
        out[start..].make_ascii_lowercase();
        return;
    }
    for c in value.chars() {
        if c == '\n' {
            out.push(' ');
        } else if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

/// The one-line reason of a regex error (its Display is a multi-line diagram).
fn regex_reason(e: &regex::Error) -> String {
    match e {
        regex::Error::CompiledTooBig(_) => "too big".to_string(),
        _ => {
            let text = e.to_string();
            let last = text.lines().rev().find(|l| !l.trim().is_empty());
            let last = last.unwrap_or("invalid").trim();
            last.strip_prefix("error: ").unwrap_or(last).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row with a few fields, lowercased like real rows.
    struct Row {
        text: String,
        fields: Vec<(Field, String)>,
        severity: Option<Severity>,
    }

    fn row(text: &str, fields: &[(Field, &str)], severity: Option<Severity>) -> Row {
        Row {
            text: text.to_lowercase(),
            fields: fields.iter().map(|(f, v)| (*f, v.to_lowercase())).collect(),
            severity,
        }
    }

    impl Filterable for Row {
        fn field(&self, name: Field) -> Option<&str> {
            self.fields
                .iter()
                .find(|(f, _)| *f == name)
                .map(|(_, v)| v.as_str())
        }
        fn text(&self) -> &str {
            &self.text
        }
        fn severity(&self) -> Option<Severity> {
            self.severity
        }
    }

    fn payments() -> Row {
        row(
            "high\nKW-003\nPrivileged container\nDeployment payments-prod/api [app]",
            &[
                (Field::Check, "KW-003"),
                (Field::Namespace, "payments-prod"),
                (Field::Kind, "Deployment"),
                (Field::Name, "api"),
            ],
            Some(Severity::High),
        )
    }

    fn m(q: &str, r: &Row) -> bool {
        Query::parse(q).matches(r)
    }

    #[test]
    fn empty_and_blank_queries_match_everything() {
        for q in ["", "   ", "!", "\"\"", "! \"\""] {
            let query = Query::parse(q);
            assert!(query.is_empty(), "{q:?}");
            assert!(query.problems().is_empty(), "{q:?}");
            assert!(query.matches(&payments()));
        }
    }

    #[test]
    fn bare_terms_are_case_insensitive_substrings_and_all_must_match() {
        let r = payments();
        assert!(m("PRIVILEGED", &r));
        assert!(m("privileged api", &r));
        assert!(!m("privileged web", &r));
        assert!(m("!web", &r));
        assert!(!m("!api", &r));
    }

    #[test]
    fn quotes_group_words_and_make_values_literal() {
        let r = payments();
        assert!(m("\"privileged container\"", &r));
        assert!(!m("\"container privileged\"", &r));
        assert!(!m("!\"privileged container\"", &r));
        // Quoted dot is a literal dot; unquoted it is a regex wildcard.
        assert!(m("kw.003", &r));
        assert!(!m("\"kw.003\"", &r));
        // A quoted `field:value` is plain text, not a field term.
        let q = Query::parse("\"ns:prod\"");
        assert!(q.problems().is_empty());
        assert_eq!(q.fields().count(), 0);
        // Quotes inside a value; an unterminated quote runs to the end.
        assert!(m("ns:\"payments-prod\"", &r));
        assert!(m("\"privileged cont", &r));
    }

    #[test]
    fn tokenizer_keeps_quote_positions() {
        let t = tokenize(r#"a  !"b c" ns:"x y"z"#);
        assert_eq!(t.len(), 3);
        assert_eq!((t[0].text.as_str(), t[0].first_quote), ("a", None));
        assert_eq!((t[1].text.as_str(), t[1].first_quote), ("!b c", Some(1)));
        assert_eq!((t[2].text.as_str(), t[2].first_quote), ("ns:x yz", Some(3)));
    }

    #[test]
    fn field_terms_and_aliases() {
        let r = payments();
        assert!(m("ns:payments", &r));
        assert!(m("namespace:PAYMENTS-prod", &r));
        assert!(m("check:kw-003 id:KW", &r));
        assert!(m("kind:deploy resource:api", &r));
        assert!(!m("ns:billing", &r));
        assert!(m("!ns:billing", &r));
        // A field the row does not have never matches; its negation always does.
        assert!(!m("image:nginx", &r));
        assert!(m("!image:nginx", &r));
        assert_eq!(Field::parse("CTX"), Some(Field::Context));
        assert_eq!(Field::parse("bogus"), None);
    }

    #[test]
    fn empty_field_value_means_field_present() {
        let r = payments();
        let q = Query::parse("ns:");
        assert!(q.problems().is_empty());
        assert!(q.matches(&r));
        assert!(!m("!ns:", &r));
        assert!(!m("image:", &r));
        assert!(m("!image:", &r));
        let cluster_scoped = row("x", &[(Field::Namespace, "")], None);
        assert!(!m("ns:", &cluster_scoped));
    }

    #[test]
    fn unknown_field_is_searched_as_text_with_a_problem() {
        let q = Query::parse("image:nginx repo:nginx:1.2");
        assert_eq!(q.problems().len(), 1);
        assert!(q.problems()[0].contains("`repo:`"), "{:?}", q.problems());
        assert!(
            q.problems()[0].contains("sev, check, ns"),
            "{:?}",
            q.problems()
        );
        let image = row("nginx repo:nginx:1.25", &[(Field::Image, "nginx")], None);
        assert!(q.matches(&image));
        assert!(!q.matches(&payments()));
        // Not a field name at all (digits, dashes): plain text, no problem.
        let q = Query::parse("sha256:abc1 10:30 team-a:x");
        assert!(q.problems().is_empty());
        assert!(q.matches(&row("sha256:abc123 at 10:30 for team-a:x", &[], None)));
    }

    #[test]
    fn regex_values_and_invalid_regex_fallback() {
        let r = payments();
        assert!(m("ns:^payments-.*-?prod$", &r));
        assert!(!m("ns:^prod", &r));
        assert!(m("check:kw-00[0-9]", &r));
        // Bare regex `^` matches at the start of any column.
        assert!(m("^deployment", &r));
        assert!(m("^privileged", &r));
        assert!(!m("^container", &r));
        let q = Query::parse("ns:(unclosed");
        assert_eq!(q.problems().len(), 1);
        assert!(
            q.problems()[0].contains("not a valid regex"),
            "{:?}",
            q.problems()
        );
        assert!(!q.problems()[0].contains('\n'));
        let literal = row("x", &[(Field::Namespace, "a(unclosed")], None);
        assert!(q.matches(&literal));
        assert!(!q.matches(&r));
        let q = Query::parse("x{1000}{1000}");
        assert_eq!(q.problems().len(), 1, "{:?}", q.problems());
    }

    #[test]
    fn severity_exact_comparison_and_prefixes() {
        let high = payments();
        let info = row("x", &[], Some(Severity::Info));
        let none = row("x", &[], None);
        assert!(m("sev:high", &high));
        assert!(m("sev:HIGH", &high));
        assert!(m("sev:h", &high));
        assert!(!m("sev:critical", &high));
        assert!(m("sev:>=high", &high));
        assert!(!m("sev:>high", &high));
        assert!(m("sev:>medium", &high));
        assert!(m("severity:>=m", &high));
        assert!(m("sev:<crit", &high));
        assert!(m("sev:<=high", &high));
        assert!(!m("sev:<high", &high));
        assert!(m("sev:=high", &high));
        assert!(m("sev:<=low", &info));
        assert!(!m("sev:>=info", &none));
        assert!(m("!sev:>=high", &info));
        // Regex over the name, answered from `severity()` when the row has no field.
        assert!(m("sev:high|critical", &high));
        assert!(!m("sev:low|critical", &high));
    }

    #[test]
    fn half_typed_and_unknown_severities() {
        let high = payments();
        for q in ["sev:", "sev:>", "sev:>="] {
            let query = Query::parse(q);
            assert!(query.problems().is_empty(), "{q}");
            assert!(query.matches(&high), "{q}");
            assert!(!query.matches(&row("x", &[], None)), "{q}");
        }
        let q = Query::parse("sev:>=bogus api");
        assert_eq!(q.problems().len(), 1);
        assert!(q.problems()[0].contains("bogus"));
        // The bad term is dropped; the rest still filters.
        assert!(q.matches(&high));
        assert!(!q.matches(&row("web", &[], Some(Severity::High))));
    }

    #[test]
    fn fields_lists_named_fields() {
        let q = Query::parse("api sev:>=high ns: !image:x");
        let fields: Vec<Field> = q.fields().collect();
        assert_eq!(fields, [Field::Severity, Field::Namespace, Field::Image]);
    }

    #[test]
    fn narrowing_is_detected_conservatively() {
        let narrows = |new: &str, old: &str| Query::parse(new).narrows(&Query::parse(old));
        assert!(narrows("paym", "pay"));
        assert!(narrows("pay", ""));
        assert!(narrows("pay ns:prod", "pay"));
        assert!(narrows("ns:prod", "ns:"));
        assert!(narrows("sev:h", "sev:"));
        assert!(narrows("!pa", "!pay"));
        assert!(narrows("ns:a.*", "ns:a.*"));
        assert!(!narrows("pay", "paym"));
        assert!(!narrows("!pay", "!pa"));
        assert!(!narrows("", "pay"));
        assert!(!narrows("ns:a.*b", "ns:a.*"));
        assert!(!narrows("sev:>=high", "sev:high"));
        assert!(!narrows("check:pay", "pay"));
    }
}
