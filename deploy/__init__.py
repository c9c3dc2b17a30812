"""Servers the tests and the local cluster start for themselves, on loopback: PostgreSQL, replicas, HAProxy."""
