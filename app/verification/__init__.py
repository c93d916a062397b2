"""The verifier: formats, proofs, keys, status and safe fetching. Pure: no Flask, no peewee."""
