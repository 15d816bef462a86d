//! Known data-store products, recognised by the image's repository name.

/// Known data-store images by repository name, with what they are.
pub const STORE_IMAGES: &[(&str, &str)] = &[
    ("postgres", "PostgreSQL (relational database)"),
    ("postgresql", "PostgreSQL (relational database)"),
    ("postgis", "PostGIS (relational database)"),
    ("timescaledb", "TimescaleDB (relational database)"),
    ("mysql", "MySQL (relational database)"),
    ("mysql-server", "MySQL (relational database)"),
    ("mariadb", "MariaDB (relational database)"),
    ("percona-server", "Percona Server (relational database)"),
    ("mssql-server", "SQL Server (relational database)"),
    ("cockroach", "CockroachDB (relational database)"),
    ("mongo", "MongoDB (document database)"),
    ("mongodb", "MongoDB (document database)"),
    ("mongodb-community-server", "MongoDB (document database)"),
    ("couchdb", "CouchDB (document database)"),
    ("couchbase", "Couchbase (document database)"),
    ("redis", "Redis (key-value store)"),
    ("redis-stack-server", "Redis (key-value store)"),
    ("valkey", "Valkey (key-value store)"),
    ("keydb", "KeyDB (key-value store)"),
    ("memcached", "Memcached (in-memory cache)"),
    ("elasticsearch", "Elasticsearch (search index)"),
    ("opensearch", "OpenSearch (search index)"),
    ("solr", "Solr (search index)"),
    ("cassandra", "Cassandra (wide-column database)"),
    ("scylla", "ScyllaDB (wide-column database)"),
    ("clickhouse", "ClickHouse (analytics database)"),
    ("clickhouse-server", "ClickHouse (analytics database)"),
    ("influxdb", "InfluxDB (time-series database)"),
    ("neo4j", "Neo4j (graph database)"),
    ("kafka", "Kafka (event log)"),
    ("cp-kafka", "Kafka (event log)"),
    ("redpanda", "Redpanda (event log)"),
    ("rabbitmq", "RabbitMQ (message broker)"),
    ("minio", "MinIO (object storage)"),
];

/// What an image reference is, when it is a known data store: `bitnami/kafka:3.6.1` ->
/// `Kafka (event log)`. Matches the repository name (last path segment, no tag or digest)
/// exactly, so `postgres-exporter` is not PostgreSQL.
pub fn store_image(reference: &str) -> Option<&'static str> {
    let repo = image_repository_name(reference);
    STORE_IMAGES
        .iter()
        .find(|(name, _)| *name == repo)
        .map(|(_, what)| *what)
}

/// `registry:5000/library/postgres:15@sha256:..` -> `postgres`.
pub fn image_repository_name(reference: &str) -> String {
    let no_digest = reference.split('@').next().unwrap_or_default();
    let last = no_digest.rsplit('/').next().unwrap_or_default();
    last.split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}
