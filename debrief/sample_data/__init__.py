"""Made-up data, not business rules: the demonstration force (`demo`) and synthetic debriefs at
national scale for benchmarks (`seed`). Both write through the services, as users would."""
