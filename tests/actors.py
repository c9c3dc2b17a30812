"""People for the register's tests: one per role, as sign-in would make them (store/access.py)."""
from store.access import Actor, Role


def person(name: str, *roles: Role) -> Actor:
    return Actor(name=name, email=f"{name.split()[0].lower()}@example.com", subject=name.split()[0].lower(),
                 roles=frozenset(roles))


SAM = person("sam", Role.SALES)
SUE = person("sue", Role.SALES)
OPS = person("ops", Role.SALES_OPS)
PAT = person("Pat Author", Role.AUTHOR)
ADA = person("Ada Admin", Role.ADMIN)
CLIENT = person("Cleo Client")  # signed in, no role: what anyone may do
ANYONE = Actor.anyone()
