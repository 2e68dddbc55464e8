"""What tests and benchmarks share: a real Apache Kafka broker from Maven jars, worker
processes, a page generator, the bad-input catalogue and the reliability scenarios."""
