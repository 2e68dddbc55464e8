"""Test infrastructure: real brokers (Kafka from Maven Central jars, embedded Tansu)."""
