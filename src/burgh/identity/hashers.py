"""Argon2id with the parameters Burgh requires (OWASP: m >= 46 MiB, t = 1, p = 1)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class BurghArgon2Hasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 47104  # KiB = 46 MiB
    parallelism = 1


class LightArgon2Hasher(Argon2PasswordHasher):
    """Tests only: still Argon2id, at a cost that keeps the suite quick."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
