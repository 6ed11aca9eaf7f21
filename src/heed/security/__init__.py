"""Security measures that sit at the edges: idempotency keys, the absolute session lifetime and the
lockout's progressive cool-off (issue 9). Nothing here decides about a call; it guards how requests reach
the services."""
