"""The streaming shell around the core: faust app, topics, agents, state, operations."""
