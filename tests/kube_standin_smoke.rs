//! The Kubernetes API stand-in (tests/support/kube_standin.rs) against the real kube-rs
//! client through a generated kubeconfig, plus a raw HTTP client for the wire shapes the
//! typed client hides. If these pass, tests built on the stand-in exercise the same client
//! code paths a user's cluster would.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Namespace, Pod, Secret};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::api::rbac::v1::ClusterRole;
use kube::api::{Api, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::core::Status;
use kube::{Client, Config};
use serde_json::{json, Value};
use support::kube_standin::{
    exec_plugin_calls, fixtures, small_cluster, write_exec_plugin, write_kubeconfig, Cluster,
    ContextSpec, Faults, StandIn, UserSpec,
};

/// A client for context `context` of the kubeconfig at `path`, loaded the way a user's is.
async fn client_from(path: &Path, context: &str, retry: bool) -> Client {
    let kubeconfig = Kubeconfig::read_from(path).unwrap();
    let options = KubeConfigOptions {
        context: Some(context.to_string()),
        ..Default::default()
    };
    let mut config = Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .unwrap();
    config.default_retry = retry;
    Client::try_from(config).unwrap()
}

/// A client for `standin` as `user`, with kube's own retrying of 429/503 on or off.
async fn client(standin: &StandIn, user: UserSpec, retry: bool) -> Client {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    write_kubeconfig(&path, &[standin.context("standin", user)]).unwrap();
    client_from(&path, "standin", retry).await
}

fn start(faults: Faults) -> StandIn {
    StandIn::start(small_cluster(), faults)
}

fn api_status(result: Result<impl std::fmt::Debug, kube::Error>) -> Status {
    match result {
        Err(kube::Error::Api(status)) => *status,
        other => panic!("expected an API error Status, got {other:?}"),
    }
}

fn names<K: kube::Resource>(items: &[K]) -> Vec<String> {
    items
        .iter()
        .map(|o| o.meta().name.clone().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn pods_are_paged_with_limit_and_continue() {
    let standin = start(Faults::default());
    let pods: Api<Pod> = Api::all(client(&standin, UserSpec::None, false).await);

    let first = pods.list(&ListParams::default().limit(2)).await.unwrap();
    assert_eq!(names(&first.items), fixtures::PODS[..2]);
    assert_eq!(first.metadata.remaining_item_count, Some(1));
    let token = first.metadata.continue_.clone().expect("a continue token");
    let second = pods
        .list(&ListParams::default().limit(2).continue_token(&token))
        .await
        .unwrap();
    assert_eq!(names(&second.items), fixtures::PODS[2..]);
    assert_eq!(second.metadata.continue_, None);
    assert_eq!(second.metadata.remaining_item_count, None);
    assert_eq!(
        second.metadata.resource_version,
        first.metadata.resource_version
    );

    let pod = &first.items[0];
    assert!(pod
        .metadata
        .managed_fields
        .as_ref()
        .is_some_and(|m| !m.is_empty()));
    let owner = &pod.metadata.owner_references.as_ref().unwrap()[0];
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str()),
        ("ReplicaSet", fixtures::REPLICASET)
    );

    let reqs = standin.requests();
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert!(reqs
        .iter()
        .all(|r| r.path == "/api/v1/pods" && r.status == 200));
    assert_eq!(reqs[0].param("limit"), Some("2"));
    assert_eq!(reqs[0].param("continue"), None);
    assert_eq!(reqs[1].param("continue"), Some(token.as_str()));
}

#[tokio::test]
async fn every_small_cluster_kind_parses_as_its_typed_list() {
    let standin = start(Faults::default());
    let c = client(&standin, UserSpec::None, false).await;
    let lp = ListParams::default();
    let ns = Api::<Namespace>::all(c.clone()).list(&lp).await.unwrap();
    assert_eq!(names(&ns.items), fixtures::NAMESPACES);
    let deploys = Api::<Deployment>::namespaced(c.clone(), "shop")
        .list(&lp)
        .await
        .unwrap();
    assert_eq!(names(&deploys.items), [fixtures::DEPLOYMENT]);
    let rs = Api::<ReplicaSet>::all(c.clone()).list(&lp).await.unwrap();
    assert_eq!(names(&rs.items), [fixtures::REPLICASET]);
    let roles = Api::<ClusterRole>::all(c.clone()).list(&lp).await.unwrap();
    assert_eq!(names(&roles.items), [fixtures::CLUSTER_ROLE]);
    assert!(Api::<Pod>::namespaced(c.clone(), "ops")
        .list(&lp)
        .await
        .unwrap()
        .items
        .is_empty());

    let pods = Api::<Pod>::namespaced(c.clone(), "shop");
    let pod = pods.get(fixtures::PODS[1]).await.unwrap();
    assert_eq!(pod.metadata.name.as_deref(), Some(fixtures::PODS[1]));
    let missing = api_status(pods.get("nope").await);
    assert_eq!((missing.code, missing.reason.as_str()), (404, "NotFound"));
    assert_eq!(missing.message, "pods \"nope\" not found");
}

#[tokio::test]
async fn forbidden_kinds_and_namespaces_answer_403() {
    let standin = start(Faults {
        forbidden: vec!["clusterroles".into()],
        forbidden_in_namespace: vec![("pods".into(), "shop".into())],
        ..Faults::default()
    });
    let c = client(&standin, UserSpec::None, false).await;
    let lp = ListParams::default();

    let s = api_status(Api::<ClusterRole>::all(c.clone()).list(&lp).await);
    assert_eq!((s.code, s.reason.as_str()), (403, "Forbidden"));
    assert_eq!(
        s.message,
        "clusterroles.rbac.authorization.k8s.io is forbidden: User \"system:serviceaccount:docket:scanner\" \
         cannot list resource \"clusterroles\" in API group \"rbac.authorization.k8s.io\" at the cluster scope"
    );
    let s = api_status(Api::<Pod>::namespaced(c.clone(), "shop").list(&lp).await);
    assert_eq!(s.code, 403);
    assert!(
        s.message
            .ends_with("in API group \"\" in the namespace \"shop\""),
        "{}",
        s.message
    );
    assert_eq!(s.details.map(|d| d.kind), Some("pods".to_string()));

    assert!(Api::<Pod>::namespaced(c.clone(), "ops")
        .list(&lp)
        .await
        .is_ok());
    assert_eq!(Api::<Pod>::all(c).list(&lp).await.unwrap().items.len(), 3);
}

#[tokio::test]
async fn an_expired_continue_token_is_410_once() {
    let standin = start(Faults {
        expire_continue_once: vec!["pods".into()],
        ..Faults::default()
    });
    let pods: Api<Pod> = Api::all(client(&standin, UserSpec::None, false).await);
    let first = pods.list(&ListParams::default().limit(2)).await.unwrap();
    let token = first.metadata.continue_.unwrap();
    let next = ListParams::default().limit(2).continue_token(&token);

    let s = api_status(pods.list(&next).await);
    assert_eq!((s.code, s.reason.as_str()), (410, "Expired"));
    assert!(s
        .message
        .starts_with("The provided continue parameter is too old"));
    assert_eq!(pods.list(&next).await.unwrap().items.len(), 1);
    // A fresh list is never expired.
    assert_eq!(
        pods.list(&ListParams::default()).await.unwrap().items.len(),
        3
    );
}

#[tokio::test]
async fn malformed_continue_tokens_and_selectors_are_400() {
    let standin = start(Faults::default());
    let pods: Api<Pod> = Api::all(client(&standin, UserSpec::None, false).await);
    for token in ["not*base64", "e30"] {
        let s = api_status(
            pods.list(&ListParams::default().continue_token(token))
                .await,
        );
        assert_eq!((s.code, s.reason.as_str()), (400, "BadRequest"), "{token}");
        assert!(
            s.message.starts_with("continue key is not valid: "),
            "{}",
            s.message
        );
    }
    // Selectors are refused rather than ignored, so a test cannot pass on unfiltered data.
    let s = api_status(pods.list(&ListParams::default().labels("app=web")).await);
    assert_eq!(s.code, 400);
    assert_eq!(
        s.message,
        "the Kubernetes API stand-in does not support labelSelector"
    );
}

#[tokio::test]
async fn secrets_come_as_metadata_only_when_asked_that_way() {
    let standin = start(Faults::default());
    let secrets: Api<Secret> = Api::all(client(&standin, UserSpec::None, false).await);

    let meta = secrets.list_metadata(&ListParams::default()).await.unwrap();
    assert_eq!(names(&meta.items), [fixtures::SECRET]);
    let accept = standin.requests()[0].accept.clone();
    assert!(accept.contains("as=PartialObjectMetadataList"), "{accept}");

    // Like a real server, a plain list carries the data: Docket must never ask that way.
    let full = secrets.list(&ListParams::default()).await.unwrap();
    let data = full.items[0].data.as_ref().unwrap();
    assert_eq!(data["password"].0, fixtures::SECRET_CANARY.as_bytes());
    assert!(!standin.requests()[1]
        .accept
        .contains("PartialObjectMetadata"));
}

#[tokio::test]
async fn a_token_is_required_when_configured() {
    let standin = start(Faults {
        require_token: Some("standin-token-1".into()),
        ..Faults::default()
    });
    let lp = ListParams::default();
    let anonymous: Api<Pod> = Api::all(client(&standin, UserSpec::None, false).await);
    let s = api_status(anonymous.list(&lp).await);
    assert_eq!((s.code, s.reason.as_str()), (401, "Unauthorized"));

    let wrong = client(&standin, UserSpec::Token("other".into()), false).await;
    assert_eq!(api_status(Api::<Pod>::all(wrong).list(&lp).await).code, 401);

    let user = UserSpec::Token("standin-token-1".into());
    let pods: Api<Pod> = Api::all(client(&standin, user, false).await);
    assert_eq!(pods.list(&lp).await.unwrap().items.len(), 3);
    let reqs = standin.requests();
    assert_eq!(reqs[0].authorization, None);
    assert_eq!(
        reqs[2].authorization.as_deref(),
        Some("Bearer standin-token-1")
    );
    assert_eq!(
        reqs.iter().map(|r| r.status).collect::<Vec<_>>(),
        [401, 401, 200]
    );
}

#[tokio::test]
async fn an_exec_plugin_provides_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = write_exec_plugin(dir.path(), "standin-cred", "exec-token-2", 0);
    let standin = start(Faults {
        require_token: Some("exec-token-2".into()),
        ..Faults::default()
    });
    let user = UserSpec::Exec {
        command: plugin.to_string_lossy().into_owned(),
        args: vec!["--flag".into(), "it's quoted".into()],
        env: vec![("STANDIN_ENV".into(), "1".into())],
    };
    let pods: Api<Pod> = Api::all(client(&standin, user, false).await);
    assert_eq!(
        pods.list(&ListParams::default()).await.unwrap().items.len(),
        3
    );
    assert!(exec_plugin_calls(&plugin) >= 1);
    let auth = standin.requests()[0].authorization.clone();
    assert_eq!(auth.as_deref(), Some("Bearer exec-token-2"));
}

#[tokio::test]
async fn throttling_shows_429_with_retry_after_then_succeeds() {
    let standin = start(Faults {
        too_many_requests: vec![("pods".into(), 1)],
        retry_after_secs: 1,
        ..Faults::default()
    });
    let pods: Api<Pod> = Api::all(client(&standin, UserSpec::None, false).await);
    let s = api_status(pods.list(&ListParams::default()).await);
    assert_eq!((s.code, s.reason.as_str()), (429, "TooManyRequests"));
    assert_eq!(s.details.map(|d| d.retry_after_seconds), Some(1));
    assert_eq!(
        pods.list(&ListParams::default()).await.unwrap().items.len(),
        3
    );
}

#[tokio::test]
async fn kube_retries_429_and_503_itself_when_default_retry_is_on() {
    let standin = start(Faults {
        too_many_requests: vec![("pods".into(), 1)],
        server_errors: vec![("pods".into(), 2)],
        ..Faults::default()
    });
    let pods: Api<Pod> = Api::all(client(&standin, UserSpec::None, true).await);
    assert_eq!(
        pods.list(&ListParams::default()).await.unwrap().items.len(),
        3
    );
    let statuses: Vec<u16> = standin.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 503, 503, 200]);
}

#[tokio::test]
async fn slow_answers_wait_and_dropped_connections_fail_once() {
    let standin = start(Faults {
        slow: vec![("pods".into(), Duration::from_millis(300))],
        drop_connection: vec![("deployments".into(), 1)],
        ..Faults::default()
    });
    let c = client(&standin, UserSpec::None, false).await;
    let started = Instant::now();
    Api::<Pod>::all(c.clone())
        .list(&ListParams::default())
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));

    let deploys: Api<Deployment> = Api::all(c);
    match deploys.list(&ListParams::default()).await {
        Err(kube::Error::Api(s)) => panic!("a dropped connection is not an API answer: {s:?}"),
        Err(_) => {}
        Ok(_) => panic!("the first deployments request should have been dropped"),
    }
    assert_eq!(
        deploys
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    let statuses: Vec<u16> = standin.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 0, 200]);
}

#[tokio::test]
async fn missing_apis_are_404_and_left_out_of_discovery() {
    let standin = start(Faults {
        missing: vec!["ingresses".into()],
        ..Faults::default()
    });
    let c = client(&standin, UserSpec::None, false).await;
    let s = api_status(
        Api::<Ingress>::all(c.clone())
            .list(&ListParams::default())
            .await,
    );
    assert_eq!((s.code, s.reason.as_str()), (404, "NotFound"));

    let version = c.apiserver_version().await.unwrap();
    assert_eq!(
        (version.major.as_str(), version.minor.as_str()),
        ("1", "31")
    );
    let networking = c
        .list_api_group_resources("networking.k8s.io/v1")
        .await
        .unwrap();
    let served: Vec<&str> = networking
        .resources
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(served, ["networkpolicies"]);

    let discovery = kube::Discovery::new(c).run().await.unwrap();
    let apps = discovery.get("apps").expect("apps group discovered");
    let kinds: Vec<String> = apps
        .recommended_resources()
        .into_iter()
        .map(|(r, _)| r.kind)
        .collect();
    assert_eq!(
        kinds,
        ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"]
    );
    assert!(discovery.get("rbac.authorization.k8s.io").is_some());
}

#[tokio::test]
async fn kubeconfig_contexts_load_with_their_namespace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    let contexts = [
        ContextSpec {
            name: "first".into(),
            server: "http://127.0.0.1:1".into(),
            namespace: None,
            user: UserSpec::None,
        },
        ContextSpec {
            name: "second \"quoted\"".into(),
            server: "http://127.0.0.1:2".into(),
            namespace: Some("shop".into()),
            user: UserSpec::Token("tok".into()),
        },
    ];
    write_kubeconfig(&path, &contexts).unwrap();
    let kc = Kubeconfig::read_from(&path).unwrap();
    assert_eq!(kc.current_context.as_deref(), Some("first"));
    assert_eq!(kc.contexts.len(), 2);
    assert_eq!(kc.clusters.len(), 2);
    assert_eq!(kc.auth_infos.len(), 2);

    let options = KubeConfigOptions {
        context: Some("second \"quoted\"".into()),
        ..Default::default()
    };
    let config = Config::from_custom_kubeconfig(kc, &options).await.unwrap();
    assert_eq!(config.default_namespace, "shop");
    assert_eq!(config.cluster_url.to_string(), "http://127.0.0.1:2/");
    assert!(write_kubeconfig(&path, &[]).is_err());
}

/// One blocking HTTP/1.1 exchange on an open connection: status, head, JSON body.
fn exchange(stream: &mut BufReader<TcpStream>, request: &str) -> (u16, String, Value) {
    stream.get_mut().write_all(request.as_bytes()).unwrap();
    let mut head = String::new();
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
        head.push_str(&line);
    }
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let mut body = vec![0; length];
    stream.read_exact(&mut body).unwrap();
    (status, head, serde_json::from_slice(&body).unwrap())
}

fn get(path: &str, extra: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{extra}\r\n")
}

#[test]
fn wire_shapes_keep_alive_and_connection_close() {
    let standin = StandIn::start(
        small_cluster(),
        Faults {
            too_many_requests: vec![("nodes".into(), 1)],
            retry_after_secs: 7,
            ..Faults::default()
        },
    );
    let mut conn = BufReader::new(TcpStream::connect(("127.0.0.1", standin.port())).unwrap());

    let (status, _, list) = exchange(&mut conn, &get("/api/v1/namespaces/shop/pods?limit=1", ""));
    assert_eq!(status, 200);
    assert_eq!(
        (list["kind"].as_str(), list["apiVersion"].as_str()),
        (Some("PodList"), Some("v1"))
    );
    assert_eq!(list["metadata"]["remainingItemCount"], 2);
    let item = &list["items"][0];
    assert!(
        item.get("kind").is_none() && item.get("apiVersion").is_none(),
        "{item}"
    );
    assert!(item["metadata"]["managedFields"].is_array());
    assert_eq!(item["spec"]["nodeName"], "worker-1");

    let meta_accept =
        "Accept: application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1\r\n";
    let (_, _, meta) = exchange(&mut conn, &get("/api/v1/secrets", meta_accept));
    assert_eq!(meta["kind"], "PartialObjectMetadataList");
    assert_eq!(meta["items"][0]["kind"], "PartialObjectMetadata");
    assert!(meta["items"][0].get("data").is_none());

    let (status, head, body) = exchange(&mut conn, &get("/api/v1/nodes", ""));
    assert_eq!(status, 429);
    assert!(head.contains("Retry-After: 7\r\n"), "{head}");
    assert_eq!(body["details"]["retryAfterSeconds"], 7);

    for path in [
        "/api/v1/namespaces/shop/clusterroles",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/shop/clusterroles",
        "/nope",
    ] {
        let (status, _, body) = exchange(&mut conn, &get(path, ""));
        assert_eq!(
            (status, body["kind"].as_str(), body["reason"].as_str()),
            (404, Some("Status"), Some("NotFound")),
            "{path}"
        );
    }
    let (status, _, body) = exchange(
        &mut conn,
        "DELETE /api/v1/pods HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
    );
    assert_eq!(
        (status, body["reason"].as_str()),
        (405, Some("MethodNotAllowed"))
    );

    let (status, head, version) = exchange(&mut conn, &get("/version", "Connection: close\r\n"));
    assert_eq!(
        (status, version["gitVersion"].as_str()),
        (200, Some("v1.31.2"))
    );
    assert!(head.contains("Connection: close"));
    let mut rest = Vec::new();
    conn.read_to_end(&mut rest).unwrap();
    assert!(
        rest.is_empty(),
        "the stand-in closes after Connection: close"
    );

    let reqs = standin.requests();
    assert_eq!(reqs.len(), 8, "all on one connection: {reqs:?}");
    assert_eq!(reqs[0].query, [("limit".to_string(), "1".to_string())]);
    standin.stop();
}

#[test]
fn cluster_from_kubectl_list_and_unserved_kinds() {
    let list = json!({"kind": "List", "apiVersion": "v1", "items": [
        {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "a", "namespace": "x"}},
        {"kind": "NetworkPolicyList", "apiVersion": "networking.k8s.io/v1", "items": []},
        {"kind": "Event", "apiVersion": "v1", "metadata": {"name": "e", "namespace": "x"}}
    ]});
    let cluster = Cluster::from_json(list);
    assert_eq!(cluster.objects.len(), 2);
    assert_eq!(cluster.unserved(), ["Event (v1)"]);
    assert_eq!(support::kube_standin::base64_std(b"ab"), "YWI=");
}
