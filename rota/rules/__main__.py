"""`python -m rota.rules`: print the README's rule table from the registry."""

from rota.rules import table

print(table(), end="")
