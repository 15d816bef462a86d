//! Bad input to the file sources: each case gives a clear `SourceError` naming the file (and
//! the line/column where the parser knows it), never a panic or a hang. The CLI maps these
//! errors to exit code 2 (tested in tests/cli.rs).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use docket::sources::{self, SourceError, MAX_INPUT_BYTES};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write fixture");
    p
}

/// Load one path and expect an error; checks it names the file, in time.
fn fails(path: &Path) -> SourceError {
    let start = Instant::now();
    let r = sources::load_paths(&[path.to_path_buf()]);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(20), "took {took:?}");
    let e = match r {
        Ok(l) => panic!("{} loaded: {:?}", path.display(), l.warnings),
        Err(e) => e,
    };
    let shown = e.to_string();
    assert_eq!(e.origin, path.display().to_string(), "{shown}");
    assert!(shown.starts_with(&path.display().to_string()), "{shown}");
    assert!(shown.contains("\n  hint: "), "no hint: {shown}");
    assert!(!e.hint.is_empty());
    e
}

fn assert_position(e: &SourceError, line: usize) {
    assert_eq!(e.line, Some(line), "{e}");
    assert!(e.column.is_some_and(|c| c > 0), "{e}");
    let prefix = format!("{}:{}:{}: ", e.origin, line, e.column.unwrap_or(0));
    assert!(e.to_string().starts_with(&prefix), "{e}");
}

#[test]
fn truncated_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        dir.path(),
        "pods.json",
        b"{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n    {\"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"",
    );
    let e = fails(&p);
    assert!(e.message.contains("invalid JSON"), "{e}");
    assert!(e.hint.contains("truncated"), "{e}");
    assert_position(&e, 5);
}

#[test]
fn invalid_yaml() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        dir.path(),
        "deploy.yaml",
        b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [unclosed\n  labels: {a: b\n",
    );
    let e = fails(&p);
    assert!(e.message.contains("invalid YAML"), "{e}");
    assert!(e.line.is_some_and(|l| l >= 4), "{e}");
}

#[test]
fn yaml_duplicate_key_is_an_error_with_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        dir.path(),
        "dup.yaml",
        b"apiVersion: v1\nkind: Pod\nkind: Service\n",
    );
    let e = fails(&p);
    assert!(e.message.contains("invalid YAML"), "{e}");
    assert!(e.line.is_some(), "{e}");
}

#[test]
fn yaml_alias_bomb_billion_laughs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut y = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n");
    y.push_str(
        "  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for c in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
        y.push_str(&format!(
            "  {c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = c;
    }
    let p = write(dir.path(), "lol.yaml", y.as_bytes());
    let e = fails(&p);
    assert!(e.message.contains("invalid YAML"), "{e}");
    assert!(e.hint.contains("alias") || e.hint.contains("limits"), "{e}");
}

#[test]
fn deeply_nested_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "deep.json", "[".repeat(100_000).as_bytes());
    let e = fails(&p);
    assert!(e.message.contains("invalid JSON"), "{e}");
    assert_position(&e, 1);
    let mut closed = "[".repeat(100_000);
    closed.push_str(&"]".repeat(100_000));
    let p = write(dir.path(), "deep-closed.json", closed.as_bytes());
    let e = fails(&p);
    assert!(e.message.contains("recursion limit"), "{e}");
}

#[test]
fn deeply_nested_yaml() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Flow nesting.
    let p = write(
        dir.path(),
        "deep-flow.yaml",
        format!("a: {}", "[".repeat(100_000)).as_bytes(),
    );
    let e = fails(&p);
    assert!(e.message.contains("invalid YAML"), "{e}");
    // Block nesting past the depth limit (compact nested sequences on one line).
    let p = write(
        dir.path(),
        "deep-block.yaml",
        format!("{}x\n", "- ".repeat(5_000)).as_bytes(),
    );
    let e = fails(&p);
    assert!(e.message.contains("invalid YAML"), "{e}");
}

#[test]
fn yaml_just_under_the_depth_limit_does_not_overflow_the_stack() {
    // Deep but allowed: must parse (to an unrecognized document) without a stack overflow
    // on a test thread's small stack.
    let y = format!("{}x\n", "- ".repeat(200));
    let e = sources::load_bytes("deep-ok.yaml", y.as_bytes()).expect_err("nothing to read");
    assert!(e.message.contains("nothing Docket can read"), "{e}");
}

#[test]
fn binary_junk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let p = write(dir.path(), "junk.json", &junk);
    let e = fails(&p);
    assert!(e.message.contains("binary"), "{e}");
}

#[test]
fn invalid_utf8_names_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        dir.path(),
        "latin1.yaml",
        b"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: caf\xe9\n",
    );
    let e = fails(&p);
    assert!(e.message.contains("UTF-8"), "{e}");
    assert_eq!((e.line, e.column), (Some(4), Some(12)), "{e}");
}

#[test]
fn only_unknown_kinds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        dir.path(),
        "crds.yaml",
        b"apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: a}\n---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: b}\n---\napiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: c}\n",
    );
    let e = fails(&p);
    assert!(e.message.contains("nothing Docket can read"), "{e}");
    assert!(e.message.contains("Certificate (2)"), "{e}");
    assert!(e.message.contains("Issuer (1)"), "{e}");
    assert!(e.hint.contains("Deployment"), "{e}");
}

#[test]
fn json_of_an_unknown_shape() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        dir.path(),
        "package.json",
        br#"{"name": "x", "version": "1.0.0"}"#,
    );
    let e = fails(&p);
    assert!(e.message.contains("nothing Docket can read"), "{e}");
}

#[test]
fn huge_file_is_refused_before_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("huge.json");
    let f = std::fs::File::create(&p).expect("create");
    // Sparse: no disk space used; reading it would take seconds and 512 MiB of memory.
    f.set_len(MAX_INPUT_BYTES + 1).expect("set_len");
    drop(f);
    let start = Instant::now();
    let e = fails(&p);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "the file was read"
    );
    assert!(e.message.contains("too big"), "{e}");
    assert!(e.hint.contains("split"), "{e}");
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "empty.yaml", b"");
    let e = fails(&p);
    assert!(e.message.contains("empty"), "{e}");
    let p = write(dir.path(), "blank.json", b"  \n\t\n");
    assert!(fails(&p).message.contains("empty"));
    // Only comments: a YAML stream with no documents.
    let p = write(
        dir.path(),
        "comments.yaml",
        b"# nothing here\n---\n# still nothing\n",
    );
    assert!(fails(&p).message.contains("nothing Docket can read"));
}

#[test]
fn directory_with_no_readable_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "README.md", b"# exports\n");
    write(
        dir.path(),
        ".hidden.json",
        br#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}"#,
    );
    write(dir.path(), "empty.yaml", b"");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    write(&dir.path().join("sub"), "notes.yaml", b"just: a config\n");
    let e = fails(dir.path());
    assert!(e.message.contains("no readable input files"), "{e}");
}

#[test]
fn directory_skips_unusable_files_with_warnings_but_keeps_good_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a-empty.yaml", b"");
    write(
        dir.path(),
        "b-ns.json",
        br#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}"#,
    );
    write(dir.path(), "c-readme.txt", b"hello");
    let l = sources::load_paths(&[dir.path().to_path_buf()]).expect("loads");
    assert_eq!(l.snapshot.kube.namespaces.len(), 1);
    assert!(
        l.warnings
            .iter()
            .any(|w| w.contains("a-empty.yaml") && w.contains("skipped")),
        "{:?}",
        l.warnings
    );
    assert!(
        l.warnings.iter().any(|w| w.contains("not *.json")),
        "{:?}",
        l.warnings
    );
}

#[test]
fn broken_file_inside_a_directory_is_still_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "a-ns.json",
        br#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}"#,
    );
    let broken = write(
        dir.path(),
        "b-pods.json",
        b"{\"kind\": \"List\", \"items\": [",
    );
    let e = sources::load_paths(&[dir.path().to_path_buf()]).expect_err("error");
    assert_eq!(e.origin, broken.display().to_string());
    assert!(e.line.is_some());
}

#[test]
fn path_that_does_not_exist() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("nope.json");
    let e = fails(&p);
    assert!(e.message.contains("no such file"), "{e}");
    assert!(e.hint.contains("--from"), "{e}");
}

#[test]
fn newer_snapshot_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        dir.path(),
        "snap.json",
        br#"{"schema_version": 9999, "docker": {}, "kube": {}}"#,
    );
    let e = fails(&p);
    assert!(e.message.contains("9999"), "{e}");
    assert!(e.hint.contains("upgrade"), "{e}");
}

#[test]
fn wrong_field_types_do_not_panic() {
    let inputs: &[&[u8]] = &[
        br#"[{"Id": 5, "Name": ["x"], "State": "up", "HostConfig": {"PortBindings": {"80/tcp": "x"}, "CapAdd": "ALL", "Memory": "1g", "Devices": [1]}, "Config": {"Env": "A=B", "Labels": [1]}, "Mounts": {"a": 1}}]"#,
        br#"{"apiVersion": "v1", "kind": "List", "items": [1, "x", null, {"kind": "Pod", "metadata": [], "spec": {"containers": [{"env": [{"name": 1, "valueFrom": "x"}], "ports": [{"containerPort": "80"}], "securityContext": {"capabilities": {"add": "ALL"}}}]}}]}"#,
        br#"{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": "80", "selector": "app"}}"#,
        br#"{"ServerVersion": 27, "Driver": null, "RegistryConfig": {"IndexConfigs": [1]}, "SecurityOptions": "x"}"#,
        br#"[{"Id": null, "Created": "x", "CreatedBy": 5}]"#,
        b"apiVersion: v1\nkind: NetworkPolicy\nmetadata: {name: n}\nspec: {podSelector: [], ingress: {from: 1}, policyTypes: Ingress}\n",
        b"apiVersion: v1\nkind: Pod\nmetadata: {name: 1.5e3, labels: {a: [1]}}\nspec: {volumes: [{}], initContainers: {}}\n",
    ];
    for (i, input) in inputs.iter().enumerate() {
        let r = std::panic::catch_unwind(|| sources::load_bytes(&format!("input-{i}"), input));
        assert!(r.is_ok(), "input {i} panicked");
    }
}

#[test]
fn error_display_has_no_position_when_unknown() {
    let e = SourceError::new("x.json", "boom", "do this");
    assert_eq!(e.to_string(), "x.json: boom\n  hint: do this");
    let e = e.at(Some(3), Some(7));
    assert_eq!(e.to_string(), "x.json:3:7: boom\n  hint: do this");
}
